/* The programmatic model API: building, staging and commit semantics, reading back, and every validation
 * error with its message.  A failing call must change nothing. */
#include <stdlib.h>

#include "test_support.h"

/* Builds test_model_yaml through the API (ids: nodes cpu 0, gpu 1; ops read 0, ocr 1, write 2). */
static void build_fixture(trd_ctx *ctx)
{
    uint32_t cpu, gpu, read, ocr, write, cfg;
    assert_ok(ctx, trd_ctx_add_node(ctx, "cpu", &cpu));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, cpu, TRD_NODE_COUNT, 2));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, cpu, TRD_NODE_CPUS, 64));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, cpu, TRD_NODE_MEMORY_BYTES, 256.0 * 1073741824.0));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, cpu, TRD_NODE_NIC_BYTES_PER_S, 25e9 / 8));
    assert_ok(ctx, trd_ctx_add_node(ctx, "gpu", &gpu));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, gpu, TRD_NODE_CPUS, 32));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, gpu, TRD_NODE_MEMORY_BYTES, 512.0 * 1073741824.0));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, gpu, TRD_NODE_GPUS, 8));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, gpu, TRD_NODE_GPU_MEMORY_BYTES, 80.0 * 1073741824.0));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, gpu, TRD_NODE_NIC_BYTES_PER_S, 100e9 / 8));

    assert_ok(ctx, trd_ctx_add_operator(ctx, "read", &read));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, read, TRD_OP_CPUS, 2));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, read, TRD_OP_MEMORY_BYTES, 4.0 * 1073741824.0));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, read, TRD_OP_ITEMS_OUT_PER_IN, 12));
    assert_ok(ctx, trd_ctx_add_feature(ctx, read, "pages", NULL));
    assert_ok(ctx, trd_ctx_add_feature(ctx, read, "bytes", NULL));

    assert_ok(ctx, trd_ctx_add_operator(ctx, "ocr", &ocr));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, ocr, TRD_OP_CPUS, 4));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, ocr, TRD_OP_MEMORY_BYTES, 32.0 * 1073741824.0));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, ocr, TRD_OP_GPUS, 1));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, ocr, TRD_OP_GPU_MEMORY_BYTES, 40.0 * 1073741824.0));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, ocr, TRD_OP_ASYNC, 1));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, ocr, TRD_OP_COLD_START_S, 60));
    assert_ok(ctx, trd_ctx_add_feature(ctx, ocr, "image_pixels", NULL));
    assert_ok(ctx, trd_ctx_add_knob_int(ctx, ocr, "batch_size", 1, 256, 32,
                                        TRD_KNOB_MEMORY_MONOTONE | TRD_KNOB_LOG_SCALE, NULL));
    const char *const precisions[] = {"bf16", "fp8"};
    assert_ok(ctx, trd_ctx_add_knob_choice(ctx, ocr, "precision", precisions, 2, 0, NULL));
    assert_ok(ctx, trd_ctx_add_knob_bool(ctx, ocr, "prefix_caching", 0, NULL));

    assert_ok(ctx, trd_ctx_add_operator(ctx, "write", &write));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, write, TRD_OP_CPUS, 1));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, write, TRD_OP_MEMORY_BYTES, 1073741824.0));

    assert_ok(ctx, trd_ctx_add_edge(ctx, read, ocr, 1));
    assert_ok(ctx, trd_ctx_add_edge(ctx, ocr, write, 1));
    assert_ok(ctx, trd_ctx_set_deployment(ctx, read, cpu, 0, 0, 4));
    const double big[] = {64, 0, 0};
    assert_ok(ctx, trd_ctx_add_config(ctx, ocr, big, 3, &cfg));
    assert_int_equal(cfg, 1);
    assert_ok(ctx, trd_ctx_set_deployment(ctx, ocr, gpu, 0, cfg, 2));
    assert_ok(ctx, trd_ctx_set_deployment(ctx, write, cpu, 1, 0, 1));
}

static void test_programmatic_equals_yaml(void **state)
{
    (void)state;
    trd_ctx *api, *yaml;
    assert_int_equal(trd_ctx_new(&api), TRD_OK);
    assert_int_equal(trd_ctx_new(&yaml), TRD_OK);
    build_fixture(api);
    uint64_t epoch = 0;
    assert_ok(api, trd_ctx_commit_model(api, &epoch));
    assert_int_equal(epoch, 1);
    assert_ok(yaml, test_load_model(yaml));
    char *a = test_model_json(api), *b = test_model_json(yaml);
    assert_string_equal(a, b);
    free(a);
    free(b);
    trd_ctx_free(api);
    trd_ctx_free(yaml);
}

static void test_reading_back(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    build_fixture(ctx);
    /* Nothing is visible before the commit. */
    uint32_t id;
    assert_int_equal(trd_ctx_operator_count(ctx), 0);
    assert_status(ctx, TRD_E_STATE, trd_ctx_find_operator(ctx, "ocr", &id));
    assert_error_contains(ctx, "no model has been committed");
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));

    assert_int_equal(trd_ctx_operator_count(ctx), 3);
    assert_int_equal(trd_ctx_node_count(ctx), 2);
    assert_string_equal(trd_ctx_operator_name(ctx, 1), "ocr");
    assert_null(trd_ctx_operator_name(ctx, 3));
    assert_string_equal(trd_ctx_node_name(ctx, 1), "gpu");
    assert_ok(ctx, trd_ctx_find_operator(ctx, "write", &id));
    assert_int_equal(id, 2);
    assert_ok(ctx, trd_ctx_find_node(ctx, "cpu", &id));
    assert_int_equal(id, 0);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_find_node(ctx, "tpu", &id));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_find_node(ctx, NULL, &id));

    double v;
    assert_ok(ctx, trd_ctx_get_operator_attr(ctx, 1, TRD_OP_GPU_MEMORY_BYTES, &v));
    assert_close(v, 40.0 * 1073741824.0, 0);
    assert_ok(ctx, trd_ctx_get_operator_attr(ctx, 0, TRD_OP_COLD_START_S, &v));
    assert_close(v, TRD_UNKNOWN, 0);
    assert_ok(ctx, trd_ctx_get_operator_attr(ctx, 2, TRD_OP_MIN_INSTANCES, &v));
    assert_close(v, 1, 0);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_get_operator_attr(ctx, 9, TRD_OP_CPUS, &v));
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_get_operator_attr(ctx, 0, (trd_op_attr)99, &v));
    assert_ok(ctx, trd_ctx_get_node_attr(ctx, 0, TRD_NODE_COUNT, &v));
    assert_close(v, 2, 0);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_get_node_attr(ctx, 2, TRD_NODE_CPUS, &v));

    assert_int_equal(trd_ctx_feature_count(ctx, 0), 2);
    assert_string_equal(trd_ctx_feature_name(ctx, 0, 1), "bytes");
    assert_null(trd_ctx_feature_name(ctx, 0, 2));

    assert_int_equal(trd_ctx_knob_count(ctx, 1), 3);
    assert_int_equal(trd_ctx_knob_count(ctx, 0), 0);
    const char *name;
    trd_knob_type type;
    double lo, hi, dflt;
    uint32_t flags;
    assert_ok(ctx, trd_ctx_get_knob(ctx, 1, 0, &name, &type, &lo, &hi, &dflt, &flags));
    assert_string_equal(name, "batch_size");
    assert_int_equal(type, TRD_KNOB_TYPE_INT);
    assert_close(lo, 1, 0);
    assert_close(hi, 256, 0);
    assert_close(dflt, 32, 0);
    assert_int_equal(flags, TRD_KNOB_MEMORY_MONOTONE | TRD_KNOB_LOG_SCALE);
    assert_ok(ctx, trd_ctx_get_knob(ctx, 1, 1, &name, &type, &lo, &hi, &dflt, NULL));
    assert_int_equal(type, TRD_KNOB_TYPE_CHOICE);
    assert_close(hi, 1, 0);
    assert_string_equal(trd_ctx_knob_choice_name(ctx, 1, 1, 1), "fp8");
    assert_null(trd_ctx_knob_choice_name(ctx, 1, 1, 2));
    assert_null(trd_ctx_knob_choice_name(ctx, 1, 0, 0)); /* not a choice knob */
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_get_knob(ctx, 1, 3, NULL, NULL, NULL, NULL, NULL, NULL));

    assert_int_equal(trd_ctx_config_count(ctx, 1), 2);
    double values[3];
    size_t count = 0;
    assert_ok(ctx, trd_ctx_config_values(ctx, 1, 0, values, 3, &count));
    assert_int_equal(count, 3);
    assert_close(values[0], 32, 0);
    assert_ok(ctx, trd_ctx_config_values(ctx, 1, 1, values, 3, NULL));
    assert_close(values[0], 64, 0);
    assert_status(ctx, TRD_E_BUFFER_TOO_SMALL, trd_ctx_config_values(ctx, 1, 1, values, 2, &count));
    assert_int_equal(count, 3);
    count = 0;
    assert_ok(ctx, trd_ctx_config_values(ctx, 1, 1, NULL, 0, &count)); /* a size query */
    assert_int_equal(count, 3);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_config_values(ctx, 1, 2, values, 3, NULL));
    assert_ok(ctx, trd_ctx_config_values(ctx, 0, 0, NULL, 0, &count)); /* no knobs: an empty config */
    assert_int_equal(count, 0);

    assert_int_equal(trd_ctx_edge_count(ctx), 2);
    uint32_t from, to;
    double share;
    assert_ok(ctx, trd_ctx_get_edge(ctx, 1, &from, &to, &share));
    assert_int_equal(from, 1);
    assert_int_equal(to, 2);
    assert_close(share, 1, 0);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_get_edge(ctx, 2, NULL, NULL, NULL));

    assert_int_equal(trd_ctx_deployment_count(ctx), 3);
    uint32_t op, node, member, config, instances;
    assert_ok(ctx, trd_ctx_get_deployment(ctx, 1, &op, &node, &member, &config, &instances));
    assert_int_equal(op, 1);
    assert_int_equal(node, 1);
    assert_int_equal(member, 0);
    assert_int_equal(config, 1);
    assert_int_equal(instances, 2);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_get_deployment(ctx, 3, NULL, NULL, NULL, NULL, NULL));
    trd_ctx_free(ctx);
}

static void test_staging_and_epochs(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    uint64_t epoch = 99;
    assert_status(ctx, TRD_E_STATE, trd_ctx_commit_model(ctx, &epoch));
    assert_int_equal(epoch, 99); /* outputs untouched on failure */
    build_fixture(ctx);
    assert_ok(ctx, trd_ctx_commit_model(ctx, &epoch));
    assert_int_equal(epoch, 1);
    /* No edits: same epoch, nothing changes. */
    assert_ok(ctx, trd_ctx_commit_model(ctx, &epoch));
    assert_int_equal(epoch, 1);
    char *before = test_model_json(ctx);

    /* An edit is staged, invisible until commit. */
    uint32_t extra;
    assert_ok(ctx, trd_ctx_add_operator(ctx, "extra", &extra));
    assert_int_equal(extra, 3);
    assert_ok(ctx, trd_ctx_add_edge(ctx, 2, extra, 1));
    assert_int_equal(trd_ctx_operator_count(ctx), 3);
    trd_ctx_discard_model_edits(ctx);
    assert_ok(ctx, trd_ctx_commit_model(ctx, &epoch));
    assert_int_equal(epoch, 1);
    char *after = test_model_json(ctx);
    assert_string_equal(before, after);
    free(after);

    /* After discarding, ids restart from the committed model. */
    assert_ok(ctx, trd_ctx_add_operator(ctx, "extra", &extra));
    assert_int_equal(extra, 3);
    /* A failing commit keeps both the committed model and the staged edits. */
    assert_status(ctx, TRD_E_INVALID_MODEL, trd_ctx_commit_model(ctx, &epoch));
    assert_error_contains(ctx, "operator 'extra' is not connected to operator 'read'");
    after = test_model_json(ctx);
    assert_string_equal(before, after);
    free(after);
    assert_ok(ctx, trd_ctx_add_edge(ctx, 2, extra, 1));
    assert_ok(ctx, trd_ctx_commit_model(ctx, &epoch));
    assert_int_equal(epoch, 2);
    assert_int_equal(trd_ctx_operator_count(ctx), 4);
    free(before);
    trd_ctx_free(ctx);
}

/* An edit that fails must leave no staged model behind (so commit still reports the old epoch). */
static void expect_edit_failure(trd_ctx *ctx, trd_status expected, trd_status got, const char *needle)
{
    if (got != expected)
        fail_msg("expected %s, got %s: %s", trd_status_name(expected), trd_status_name(got), trd_ctx_last_error(ctx));
    assert_error_contains(ctx, needle);
    uint64_t epoch = 0;
    assert_ok(ctx, trd_ctx_commit_model(ctx, &epoch));
    assert_int_equal(epoch, 1);
}

static void test_edit_argument_errors(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    build_fixture(ctx);
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    char *before = test_model_json(ctx);
    uint32_t id;
    char long_name[80];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';

    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_node(ctx, "cpu", &id), "node 'cpu' already exists");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_node(ctx, "", &id), "node name is empty");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_node(ctx, NULL, &id), "node name is NULL");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_node(ctx, long_name, &id), "79 characters long");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_node(ctx, "a b", &id), "character 0x20 at 1");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_node(ctx, "n", NULL), "out_node is NULL");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_operator(ctx, "ocr", &id), "operator 'ocr' already exists");
    expect_edit_failure(ctx, TRD_E_NOT_FOUND, trd_ctx_set_node_attr(ctx, 5, TRD_NODE_CPUS, 4), "node 5 unknown");
    expect_edit_failure(ctx, TRD_E_NOT_FOUND, trd_ctx_set_node_attr(ctx, 0, (trd_node_attr)0, 4), "attribute 0 unknown");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_set_node_attr(ctx, 0, TRD_NODE_CPUS, NAN), "cpus must be a finite");
    expect_edit_failure(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_node_attr(ctx, 0, TRD_NODE_CPUS, -4), "cpus is -4, outside [0, 1000000]");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_set_node_attr(ctx, 0, TRD_NODE_COUNT, 2.5), "count must be a whole number, got 2.5");
    expect_edit_failure(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_node_attr(ctx, 0, TRD_NODE_COUNT, 70000), "count is 70000");
    expect_edit_failure(ctx, TRD_E_NOT_FOUND, trd_ctx_set_operator_attr(ctx, 3, TRD_OP_CPUS, 1), "operator 3 unknown (the model has 3 operators)");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_set_operator_attr(ctx, 1, TRD_OP_GPUS, 1.5), "gpus is 1.5");
    expect_edit_failure(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_operator_attr(ctx, 1, TRD_OP_COLD_START_S, -2), "or TRD_UNKNOWN");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_set_operator_attr(ctx, 1, TRD_OP_ASYNC, INFINITY), "async must be a finite");
    expect_edit_failure(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_operator_attr(ctx, 1, TRD_OP_ASYNC, 2), "async is 2");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_feature(ctx, 0, "pages", NULL), "feature 'pages' already declared");

    /* Knobs */
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_int(ctx, 0, "b", 8, 4, 6, 0, NULL), "empty domain (min 8 > max 4)");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_int(ctx, 0, "b", 1, 4, 6, 0, NULL), "default 6 is outside its domain [1, 4]");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_int(ctx, 0, "b", 0, 4, 1, TRD_KNOB_LOG_SCALE, NULL), "log-scale but its min is not > 0");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_int(ctx, 0, "b", 1, 4, 1, 8, NULL), "unknown flags 0x8");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_int(ctx, 0, "b", INT64_MIN, 4, 1, 0, NULL), "within +-2^53");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_real(ctx, 0, "r", 0, NAN, 0, 0, NULL), "non-finite bound");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_bool(ctx, 0, "f", 2, NULL), "default 2 is outside its domain [0, 1]");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_int(ctx, 1, "batch_size", 1, 4, 1, 0, NULL), "knob 'batch_size' already exists");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_int(ctx, 0, "bad name", 1, 4, 1, 0, NULL), "knob name 'bad name'");
    const char *const empty[] = {NULL};
    const char *const twice[] = {"a", "a"};
    const char *const badc[] = {"ok", "not ok"};
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_choice(ctx, 0, "c", empty, 0, 0, NULL), "empty domain (no choices)");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_choice(ctx, 0, "c", twice, 2, 0, NULL), "choice 'a' is listed twice");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_choice(ctx, 0, "c", badc, 2, 0, NULL), "choice name 'not ok'");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_choice(ctx, 0, "c", twice, 1, 1, NULL), "default 1 is outside its domain [0, 0]");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_knob_choice(ctx, 0, "c", NULL, 2, 0, NULL), "choices is NULL");
    expect_edit_failure(ctx, TRD_E_STATE, trd_ctx_add_knob_bool(ctx, 1, "late", 0, NULL), "added after configs were registered");

    /* Configs */
    const double short_cfg[] = {64, 0};
    const double out_of_domain[] = {512, 0, 0};
    const double fractional[] = {64.5, 0, 0};
    const double bad_choice[] = {64, 2, 0};
    const double bad_bool[] = {64, 0, 0.5};
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_config(ctx, 1, short_cfg, 2, &id), "needs 3 values (one per knob), got 2");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_config(ctx, 1, out_of_domain, 3, &id), "config value 512 is outside its domain [1, 256]");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_config(ctx, 1, fractional, 3, &id), "64.5 is not a whole number");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_config(ctx, 1, bad_choice, 3, &id), "knob 'precision': config value 2");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_config(ctx, 1, bad_bool, 3, &id), "knob 'prefix_caching' (bool)");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_config(ctx, 1, NULL, 3, &id), "config values are NULL");

    /* Edges */
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_edge(ctx, 1, 1, 1), "edge 'ocr' -> 'ocr' is a self-loop");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_edge(ctx, 0, 1, 1), "edge 'read' -> 'ocr' already exists");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_edge(ctx, 0, 2, 0), "share 0 is outside (0, 1]");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_edge(ctx, 0, 2, 1.5), "share 1.5 is outside (0, 1]");
    expect_edit_failure(ctx, TRD_E_INVALID_ARG, trd_ctx_add_edge(ctx, 0, 2, NAN), "share null is outside");
    expect_edit_failure(ctx, TRD_E_NOT_FOUND, trd_ctx_add_edge(ctx, 0, 7, 1), "operator 7 unknown");

    /* Deployment */
    expect_edit_failure(ctx, TRD_E_NOT_FOUND, trd_ctx_set_deployment(ctx, 1, 1, 0, 5, 1), "config 5 unknown (the operator has 2)");
    expect_edit_failure(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_deployment(ctx, 1, 1, 1, 0, 1), "node 'gpu' member 1, but the pool has 1 machines");
    expect_edit_failure(ctx, TRD_E_NOT_FOUND, trd_ctx_set_deployment(ctx, 1, 4, 0, 0, 1), "node 4 unknown");
    expect_edit_failure(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_deployment(ctx, 0, 0, 0, 0, 100001), "100001 instances on one machine");

    char *after = test_model_json(ctx);
    assert_string_equal(before, after);
    free(after);
    free(before);
    trd_ctx_free(ctx);
}

static void test_config_dedup_and_deployment_updates(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    build_fixture(ctx);
    const double dflt[] = {32, 0, 0}, big[] = {64, 0, 0}, other[] = {64, 1, 1};
    uint32_t id;
    assert_ok(ctx, trd_ctx_add_config(ctx, 1, dflt, 3, &id));
    assert_int_equal(id, 0);
    assert_ok(ctx, trd_ctx_add_config(ctx, 1, big, 3, &id));
    assert_int_equal(id, 1);
    assert_ok(ctx, trd_ctx_add_config(ctx, 1, other, 3, &id));
    assert_int_equal(id, 2);
    assert_ok(ctx, trd_ctx_add_config(ctx, 0, NULL, 0, &id)); /* no knobs: the default config */
    assert_int_equal(id, 0);
    /* Re-declaring an entry replaces its count; 0 removes it. */
    assert_ok(ctx, trd_ctx_set_deployment(ctx, 0, 0, 0, 0, 6));
    assert_ok(ctx, trd_ctx_set_deployment(ctx, 2, 0, 1, 0, 0));
    assert_ok(ctx, trd_ctx_set_deployment(ctx, 2, 0, 1, 0, 0)); /* removing nothing is fine */
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    assert_int_equal(trd_ctx_deployment_count(ctx), 2);
    uint32_t instances;
    assert_ok(ctx, trd_ctx_get_deployment(ctx, 0, NULL, NULL, NULL, NULL, &instances));
    assert_int_equal(instances, 6);
    assert_int_equal(trd_ctx_config_count(ctx, 1), 3);
    trd_ctx_free(ctx);
}

/* ---- commit-time validation ---- */

typedef void (*mutation)(trd_ctx *ctx);

/* Applies `m` to a copy of the fixture and expects the commit to fail with `needle` in the message. */
static void expect_invalid(mutation m, const char *needle)
{
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    build_fixture(ctx);
    m(ctx);
    assert_status(ctx, TRD_E_INVALID_MODEL, trd_ctx_commit_model(ctx, NULL));
    assert_error_contains(ctx, needle);
    assert_int_equal(trd_ctx_model_epoch(ctx), 0);
    trd_ctx_free(ctx);
}

static void m_node_without_cpus(trd_ctx *ctx) { trd_ctx_set_node_attr(ctx, 1, TRD_NODE_CPUS, 0); }
static void m_node_without_memory(trd_ctx *ctx) { trd_ctx_set_node_attr(ctx, 0, TRD_NODE_MEMORY_BYTES, 0); }
static void m_gpus_without_memory(trd_ctx *ctx) { trd_ctx_set_node_attr(ctx, 1, TRD_NODE_GPU_MEMORY_BYTES, 0); }
static void m_gpu_memory_without_gpus(trd_ctx *ctx) { trd_ctx_set_node_attr(ctx, 0, TRD_NODE_GPU_MEMORY_BYTES, 1e9); }
static void m_no_machines(trd_ctx *ctx)
{
    trd_ctx_set_deployment(ctx, 0, 0, 0, 0, 0);
    trd_ctx_set_deployment(ctx, 1, 1, 0, 1, 0);
    trd_ctx_set_deployment(ctx, 2, 0, 1, 0, 0);
    trd_ctx_set_node_attr(ctx, 0, TRD_NODE_COUNT, 0);
    trd_ctx_set_node_attr(ctx, 1, TRD_NODE_COUNT, 0);
}
static void m_fits_nowhere(trd_ctx *ctx) { trd_ctx_set_operator_attr(ctx, 1, TRD_OP_MEMORY_BYTES, 1024.0 * 1073741824.0); }
static void m_op_gpu_memory_too_big(trd_ctx *ctx) { trd_ctx_set_operator_attr(ctx, 1, TRD_OP_GPU_MEMORY_BYTES, 96.0 * 1073741824.0); }
static void m_cycle(trd_ctx *ctx) { trd_ctx_add_edge(ctx, 2, 0, 1); }
static void m_disconnected(trd_ctx *ctx)
{
    uint32_t id;
    trd_ctx_add_operator(ctx, "island", &id);
}
static void m_min_above_max(trd_ctx *ctx)
{
    trd_ctx_set_operator_attr(ctx, 0, TRD_OP_MIN_INSTANCES, 5);
    trd_ctx_set_operator_attr(ctx, 0, TRD_OP_MAX_INSTANCES, 3);
}
static void m_minimum_exceeds_cluster(trd_ctx *ctx) { trd_ctx_set_operator_attr(ctx, 1, TRD_OP_MIN_INSTANCES, 9); }
static void m_gpu_memory_on_cpu_op(trd_ctx *ctx) { trd_ctx_set_operator_attr(ctx, 0, TRD_OP_GPU_MEMORY_BYTES, 1e9); }
static void m_machine_over_capacity(trd_ctx *ctx) { trd_ctx_set_deployment(ctx, 0, 0, 0, 0, 40); }
static void m_above_max_instances(trd_ctx *ctx) { trd_ctx_set_operator_attr(ctx, 0, TRD_OP_MAX_INSTANCES, 3); }
static void m_member_beyond_pool(trd_ctx *ctx) { trd_ctx_set_node_attr(ctx, 0, TRD_NODE_COUNT, 1); }
static void m_fractional_packing(trd_ctx *ctx)
{
    /* 7 instances of 0.6 devices each: 4.2 devices in total fit the 6 devices left after the two whole-device
     * ocr instances, but two 0.6 shares never fit one device, so only 6 of the 7 pack. */
    uint32_t id;
    trd_ctx_add_operator(ctx, "clip", &id);
    trd_ctx_set_operator_attr(ctx, id, TRD_OP_GPUS, 0.6);
    trd_ctx_add_edge(ctx, 1, id, 1);
    trd_ctx_set_deployment(ctx, id, 1, 0, 0, 7);
}

static void test_validation_errors(void **state)
{
    (void)state;
    expect_invalid(m_node_without_cpus, "node 'gpu': cpus must be > 0");
    expect_invalid(m_node_without_memory, "node 'cpu': memory must be > 0");
    expect_invalid(m_gpus_without_memory, "node 'gpu': gpu_memory must be > 0 when gpus > 0");
    expect_invalid(m_gpu_memory_without_gpus, "node 'cpu': gpu_memory is set but gpus is 0");
    expect_invalid(m_no_machines, "cluster: no machines (every node kind has count 0)");
    expect_invalid(m_fits_nowhere, "operator 'ocr' fits on no node kind: 'cpu' has memory 256 GiB < 1 TiB; 'gpu' has "
                                   "memory 512 GiB < 1 TiB");
    expect_invalid(m_op_gpu_memory_too_big, "'gpu' has gpu_memory 80 GiB < 96 GiB");
    expect_invalid(m_cycle, "pipeline: cycle 'read' -> 'ocr' -> 'write' -> 'read'");
    expect_invalid(m_disconnected, "operator 'island' is not connected to operator 'read'");
    expect_invalid(m_min_above_max, "operator 'read': min_instances 5 > max_instances 3");
    expect_invalid(m_minimum_exceeds_cluster, "the minimum instances need 9 gpus but the cluster has 8");
    expect_invalid(m_gpu_memory_on_cpu_op, "operator 'read': gpu_memory is set but gpus is 0");
    expect_invalid(m_machine_over_capacity, "deployment: machine cpu[0] is over capacity: cpus 80 > 64");
    expect_invalid(m_above_max_instances, "operator 'read' has 4 instances, above its max_instances 3");
    expect_invalid(m_member_beyond_pool, "operator 'write' on node 'cpu' member 1, but the pool has 1 machines");
    expect_invalid(m_fractional_packing, "machine gpu[0]: the fractional accelerator instances do not pack onto its 6 "
                                         "free devices");
}

static void test_empty_models(void **state)
{
    (void)state;
    trd_ctx *ctx;
    uint32_t id;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_add_operator(ctx, "lonely", &id));
    assert_status(ctx, TRD_E_INVALID_MODEL, trd_ctx_commit_model(ctx, NULL));
    assert_error_contains(ctx, "cluster: no node kinds");
    trd_ctx_discard_model_edits(ctx);
    assert_ok(ctx, trd_ctx_add_node(ctx, "n", &id));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_CPUS, 4));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_MEMORY_BYTES, 1e9));
    assert_status(ctx, TRD_E_INVALID_MODEL, trd_ctx_commit_model(ctx, NULL));
    assert_error_contains(ctx, "pipeline: no operators");
    assert_ok(ctx, trd_ctx_add_operator(ctx, "solo", &id));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL)); /* one operator needs no edges */
    trd_ctx_free(ctx);
}

static void test_limits(void **state)
{
    (void)state;
    trd_ctx *ctx;
    uint32_t id;
    char name[16];
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_add_operator(ctx, "op", &id));
    for (int f = 0; f < TRD_MAX_FEATURES; f++) {
        snprintf(name, sizeof name, "f%d", f);
        assert_ok(ctx, trd_ctx_add_feature(ctx, id, name, NULL));
    }
    assert_status(ctx, TRD_E_LIMIT, trd_ctx_add_feature(ctx, id, "one_too_many", NULL));
    assert_error_contains(ctx, "at most 8");
    for (int k = 0; k < 16; k++) {
        snprintf(name, sizeof name, "k%d", k);
        assert_ok(ctx, trd_ctx_add_knob_bool(ctx, id, name, 0, NULL));
    }
    assert_status(ctx, TRD_E_LIMIT, trd_ctx_add_knob_bool(ctx, id, "k16", 0, NULL));
    assert_error_contains(ctx, "maximum of 16 knobs");
    for (int n = 0; n < 1024; n++) {
        snprintf(name, sizeof name, "n%d", n);
        assert_ok(ctx, trd_ctx_add_node(ctx, name, &id));
    }
    assert_status(ctx, TRD_E_LIMIT, trd_ctx_add_node(ctx, "n1024", &id));
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_programmatic_equals_yaml),
        cmocka_unit_test(test_reading_back),
        cmocka_unit_test(test_staging_and_epochs),
        cmocka_unit_test(test_edit_argument_errors),
        cmocka_unit_test(test_config_dedup_and_deployment_updates),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_empty_models),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests_name("api_model", tests, NULL, NULL);
}
