/* White-box model tests: deep copies, topological order, cycle reports, the object a failure points at, and
 * the packing of fractional accelerator instances. */
#include <stdlib.h>

#include "common/json.h"
#include "model/model.h"
#include "test_support.h"

typedef struct fixture {
    test_alloc stats;
    trd__alloc alloc;
    trd__model *m;
    trd__diag d;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->alloc.fn = test_allocator(&f->stats);
    f->m = trd__model_new(&f->alloc);
    *state = f;
    return f->m ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    trd__model_free(f->m);
    int leaked = f->stats.live_blocks != 0;
    free(f);
    return leaked ? -1 : 0;
}

static uint32_t node(fixture *f, const char *name, double cpus, double gpus)
{
    uint32_t id;
    assert_int_equal(trd__model_add_node(f->m, name, &id, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_node_attr(f->m, id, TRD_NODE_CPUS, cpus, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_node_attr(f->m, id, TRD_NODE_MEMORY_BYTES, 1e12, &f->d), TRD_OK);
    if (gpus > 0) {
        assert_int_equal(trd__model_set_node_attr(f->m, id, TRD_NODE_GPUS, gpus, &f->d), TRD_OK);
        assert_int_equal(trd__model_set_node_attr(f->m, id, TRD_NODE_GPU_MEMORY_BYTES, 80e9, &f->d), TRD_OK);
    }
    return id;
}

static uint32_t op(fixture *f, const char *name)
{
    uint32_t id;
    assert_int_equal(trd__model_add_op(f->m, name, &id, &f->d), TRD_OK);
    return id;
}

static void edge(fixture *f, uint32_t a, uint32_t b)
{
    assert_int_equal(trd__model_add_edge(f->m, a, b, 1, &f->d), TRD_OK);
}

static char *json_of(const trd__model *m)
{
    trd__json j;
    trd__json_init(&j, NULL, 0);
    trd__model_to_json(m, &j);
    size_t n = trd__json_finish(&j);
    char *buf = malloc(n + 1);
    trd__json_init(&j, buf, n + 1);
    trd__model_to_json(m, &j);
    trd__json_finish(&j);
    return buf;
}

static void test_clone_is_deep_and_independent(void **state)
{
    fixture *f = *state;
    node(f, "n", 16, 2);
    uint32_t a = op(f, "a"), b = op(f, "b");
    edge(f, a, b);
    trd__knob k;
    memset(&k, 0, sizeof k);
    strcpy(k.name, "mode");
    k.type = TRD_KNOB_TYPE_CHOICE;
    k.n_choices = 2;
    const char *const choices[] = {"x", "y"};
    assert_int_equal(trd__model_add_knob(f->m, b, &k, choices, NULL, &f->d), TRD_OK);
    const double v[] = {1};
    assert_int_equal(trd__model_add_config(f->m, b, v, 1, NULL, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_placement(f->m, b, 0, 0, 1, 3, &f->d), TRD_OK);

    trd__model *c = trd__model_clone(f->m);
    assert_non_null(c);
    char *j1 = json_of(f->m), *j2 = json_of(c);
    assert_string_equal(j1, j2);
    /* Editing the copy leaves the original alone (no shared arrays). */
    assert_int_equal(trd__model_add_config(c, b, (const double[]){0}, 1, NULL, &f->d), TRD_OK);
    assert_int_equal(trd__model_add_op(c, "c", NULL, &f->d), TRD_OK);
    strcpy(c->ops[b].knobs[0].choices[1], "z");
    char *j3 = json_of(f->m);
    assert_string_equal(j1, j3);
    assert_int_equal(f->m->n_ops, 2);
    trd__model_free(c);
    free(j1);
    free(j2);
    free(j3);
}

static void test_clone_failures_leak_nothing(void **state)
{
    fixture *f = *state;
    node(f, "n", 16, 0);
    uint32_t a = op(f, "a"), b = op(f, "b");
    edge(f, a, b);
    trd__knob k;
    memset(&k, 0, sizeof k);
    strcpy(k.name, "c");
    k.type = TRD_KNOB_TYPE_CHOICE;
    k.n_choices = 1;
    const char *const choices[] = {"only"};
    assert_int_equal(trd__model_add_knob(f->m, a, &k, choices, NULL, &f->d), TRD_OK);
    size_t live = f->stats.live_blocks;
    for (size_t n = 1; n < 20; n++) {
        f->stats.fail_at = f->stats.calls + n;
        trd__model *c = trd__model_clone(f->m);
        f->stats.fail_at = 0;
        if (c) {
            trd__model_free(c);
            break;
        }
        assert_int_equal(f->stats.live_blocks, live);
    }
}

static void test_topological_order(void **state)
{
    fixture *f = *state;
    /* d -> b, a -> b, b -> c, a -> c: sources first, ties by id. */
    uint32_t a = op(f, "a"), b = op(f, "b"), c = op(f, "c"), d = op(f, "d");
    edge(f, d, b);
    edge(f, a, b);
    edge(f, b, c);
    edge(f, a, c);
    uint32_t order[4];
    assert_int_equal(trd__model_topo_order(f->m, order), 0);
    assert_int_equal(order[0], a);
    assert_int_equal(order[1], d);
    assert_int_equal(order[2], b);
    assert_int_equal(order[3], c);
    edge(f, c, d);
    assert_int_equal(trd__model_topo_order(f->m, order), 1);
}

static void test_cycle_report_names_the_cycle(void **state)
{
    fixture *f = *state;
    node(f, "n", 16, 0);
    /* A chain s -> a -> b -> c -> a: only a, b, c form the cycle. */
    uint32_t s = op(f, "s"), a = op(f, "a"), b = op(f, "b"), c = op(f, "c");
    edge(f, s, a);
    edge(f, a, b);
    edge(f, b, c);
    edge(f, c, a);
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_E_INVALID_MODEL);
    assert_string_equal(f->d.msg, "pipeline: cycle 'a' -> 'b' -> 'c' -> 'a'");
    assert_int_equal(f->d.where, TRD__WHERE_OP);
    assert_int_equal(f->d.where_index, a);
}

static void test_failures_point_at_objects(void **state)
{
    fixture *f = *state;
    node(f, "cpu", 8, 0);
    uint32_t g = node(f, "gpu", 8, 1);
    uint32_t a = op(f, "a"), b = op(f, "b");
    edge(f, a, b);
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_op_attr(f->m, b, TRD_OP_CPUS, 9, &f->d), TRD_OK);
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_E_INVALID_MODEL);
    assert_int_equal(f->d.where, TRD__WHERE_OP);
    assert_int_equal(f->d.where_index, b);
    assert_int_equal(trd__model_set_op_attr(f->m, b, TRD_OP_CPUS, 1, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_placement(f->m, a, g, 0, 0, 9, &f->d), TRD_OK);
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_E_INVALID_MODEL);
    assert_int_equal(f->d.where, TRD__WHERE_PLACEMENT);
    assert_int_equal(f->d.where_index, 0);
    assert_int_equal(trd__model_set_node_attr(f->m, g, TRD_NODE_CPUS, 0, &f->d), TRD_OK);
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_E_INVALID_MODEL);
    assert_int_equal(f->d.where, TRD__WHERE_NODE);
    assert_int_equal(f->d.where_index, g);
    /* A plain edit failure points nowhere. */
    assert_int_equal(trd__model_add_op(f->m, "a", NULL, &f->d), TRD_E_INVALID_ARG);
    assert_int_equal(f->d.where, TRD__WHERE_NONE);
}

static void test_fractional_packing(void **state)
{
    fixture *f = *state;
    uint32_t g = node(f, "gpu", 64, 2);
    uint32_t half = op(f, "half"), third = op(f, "third"), capped = op(f, "capped");
    edge(f, half, third);
    edge(f, third, capped);
    assert_int_equal(trd__model_set_op_attr(f->m, half, TRD_OP_GPUS, 0.5, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_op_attr(f->m, third, TRD_OP_GPUS, 1.0 / 3, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_op_attr(f->m, capped, TRD_OP_GPUS, 0.25, &f->d), TRD_OK);
    /* 2 x 1/2 + 3 x 1/3 = exactly 2 devices: fits (the sums of thirds carry rounding error). */
    assert_int_equal(trd__model_set_placement(f->m, half, g, 0, 0, 2, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_placement(f->m, third, g, 0, 0, 3, &f->d), TRD_OK);
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_OK);
    /* A quarter-device instance whose memory cap is 60 of 80 GB takes 3/4 of a device: no room left. */
    assert_int_equal(trd__model_set_op_attr(f->m, capped, TRD_OP_GPU_MEMORY_BYTES, 60e9, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_placement(f->m, third, g, 0, 0, 1, &f->d), TRD_OK);
    assert_int_equal(trd__model_set_placement(f->m, capped, g, 0, 0, 1, &f->d), TRD_OK);
    /* Now: 1/2, 1/2, 1/3 and 3/4: 1/2+1/2 on one device, 3/4 + 1/3 > 1 on the other. */
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_E_INVALID_MODEL);
    assert_string_equal(f->d.msg, "deployment: machine gpu[0]: the fractional accelerator instances do not pack onto "
                                  "its 2 free devices");
    assert_int_equal(trd__model_set_placement(f->m, third, g, 0, 0, 0, &f->d), TRD_OK);
    assert_int_equal(trd__model_validate(f->m, &f->d), TRD_OK);
}

static void test_knob_extends_default_config(void **state)
{
    fixture *f = *state;
    uint32_t a = op(f, "a");
    trd__knob k;
    memset(&k, 0, sizeof k);
    strcpy(k.name, "batch");
    k.type = TRD_KNOB_TYPE_INT;
    k.min = 1;
    k.max = 64;
    k.dflt = 8;
    assert_int_equal(trd__model_add_knob(f->m, a, &k, NULL, NULL, &f->d), TRD_OK);
    strcpy(k.name, "temp");
    k.type = TRD_KNOB_TYPE_REAL;
    k.min = 0;
    k.max = 1;
    k.dflt = 0.5;
    assert_int_equal(trd__model_add_knob(f->m, a, &k, NULL, NULL, &f->d), TRD_OK);
    assert_int_equal(f->m->ops[a].n_configs, 1);
    assert_close(f->m->ops[a].configs[0], 8, 0);
    assert_close(f->m->ops[a].configs[1], 0.5, 0);
    /* A fractional bound on an int knob is refused. */
    strcpy(k.name, "bad");
    k.type = TRD_KNOB_TYPE_INT;
    k.min = 0.5;
    k.max = 4;
    k.dflt = 1;
    assert_int_equal(trd__model_add_knob(f->m, a, &k, NULL, NULL, &f->d), TRD_E_INVALID_ARG);
    assert_string_equal(f->d.msg, "operator 'a': knob 'bad' (int) has a fractional bound");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clone_is_deep_and_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clone_failures_leak_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_topological_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cycle_report_names_the_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_point_at_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fractional_packing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_knob_extends_default_config, setup, teardown),
    };
    return cmocka_run_group_tests_name("unit_model", tests, NULL, NULL);
}
