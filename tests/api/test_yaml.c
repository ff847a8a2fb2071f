/* YAML happy paths: the bundled pipelines, units, the skipped simulation section, file vs string, replacing a
 * model, and I/O errors.  (Malformed input is covered by api_yaml_corpus.) */
#include <stdlib.h>

#include "test_support.h"

static double op_attr(trd_ctx *ctx, const char *op, trd_op_attr a)
{
    uint32_t id;
    double v = -12345;
    assert_ok(ctx, trd_ctx_find_operator(ctx, op, &id));
    assert_ok(ctx, trd_ctx_get_operator_attr(ctx, id, a, &v));
    return v;
}

static double node_attr(trd_ctx *ctx, const char *node, trd_node_attr a)
{
    uint32_t id;
    double v = -12345;
    assert_ok(ctx, trd_ctx_find_node(ctx, node, &id));
    assert_ok(ctx, trd_ctx_get_node_attr(ctx, id, a, &v));
    return v;
}

static uint32_t accelerator_ops(trd_ctx *ctx)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < trd_ctx_operator_count(ctx); i++) {
        double g;
        assert_ok(ctx, trd_ctx_get_operator_attr(ctx, i, TRD_OP_GPUS, &g));
        n += g > 0;
    }
    return n;
}

/* Longest path (in operators) from a source: the number of pipeline stages an item crosses. */
static uint32_t depth(trd_ctx *ctx)
{
    uint32_t n = trd_ctx_operator_count(ctx), best = 0;
    uint32_t level[1024];
    for (uint32_t i = 0; i < n; i++)
        level[i] = 1;
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t e = 0; e < trd_ctx_edge_count(ctx); e++) {
            uint32_t from, to;
            trd_ctx_get_edge(ctx, e, &from, &to, NULL);
            if (level[to] < level[from] + 1)
                level[to] = level[from] + 1;
        }
    for (uint32_t i = 0; i < n; i++)
        best = level[i] > best ? level[i] : best;
    return best;
}

static void test_bundled_pdf_pipeline(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml(ctx, test_source_path("examples/pipelines/pdf.yaml")));
    assert_int_equal(trd_ctx_operator_count(ctx), 17);
    assert_int_equal(accelerator_ops(ctx), 3);
    assert_true(trd_ctx_node_count(ctx) >= 2);
    assert_true(depth(ctx) >= 5);
    /* The three OCR operators are asynchronous and tunable. */
    uint32_t async_tunable = 0;
    for (uint32_t i = 0; i < trd_ctx_operator_count(ctx); i++) {
        double g, a;
        trd_ctx_get_operator_attr(ctx, i, TRD_OP_GPUS, &g);
        trd_ctx_get_operator_attr(ctx, i, TRD_OP_ASYNC, &a);
        async_tunable += g > 0 && a != 0 && trd_ctx_knob_count(ctx, i) >= 2;
    }
    assert_int_equal(async_tunable, 3);
    trd_ctx_free(ctx);
}

static void test_bundled_video_pipeline(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml(ctx, test_source_path("examples/pipelines/video.yaml")));
    assert_int_equal(trd_ctx_operator_count(ctx), 9);
    assert_int_equal(accelerator_ops(ctx), 3);
    assert_true(depth(ctx) >= 4);
    trd_ctx_free(ctx);
}

static void test_file_and_string_agree(void **state)
{
    (void)state;
    const char *path = test_source_path("examples/pipelines/video.yaml");
    size_t len;
    char *text = test_read_file(path, &len);
    trd_ctx *a, *b;
    assert_int_equal(trd_ctx_new(&a), TRD_OK);
    assert_int_equal(trd_ctx_new(&b), TRD_OK);
    assert_ok(a, trd_ctx_load_yaml(a, path));
    assert_ok(b, trd_ctx_load_yaml_string(b, text, len));
    char *ja = test_model_json(a), *jb = test_model_json(b);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    free(text);
    trd_ctx_free(a);
    trd_ctx_free(b);
}

static const char *const units_yaml =
    "cluster:\n"
    "  nodes:\n"
    "    - {name: a, cpus: 8, memory: 1.5GiB, nic: 10Gbps}\n"
    "    - {name: b, cpus: 8, memory: 2000 MB, nic: 1.25 GB/s, gpus: 1, gpu_memory: 16GiB}\n"
    "    - {name: c, cpus: 8, memory: 1TB, nic: 512MiB/s}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: x, start_time: 500ms, stop_time: 2min, cold_start: 1h, output_bytes_per_item: 3KiB, memory: 4096}\n"
    "    - {name: y, start_time: 0, cold_start: 1.5e1s, gpus: 0.25, memory: 1GB}\n"
    "  edges: [{from: x, to: y, share: 0.25}]\n";

static void test_units(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, units_yaml, strlen(units_yaml)));
    assert_close(node_attr(ctx, "a", TRD_NODE_MEMORY_BYTES), 1.5 * 1073741824.0, 0);
    assert_close(node_attr(ctx, "a", TRD_NODE_NIC_BYTES_PER_S), 1.25e9, 0);
    assert_close(node_attr(ctx, "b", TRD_NODE_MEMORY_BYTES), 2e9, 0);
    assert_close(node_attr(ctx, "b", TRD_NODE_NIC_BYTES_PER_S), 1.25e9, 0);
    assert_close(node_attr(ctx, "b", TRD_NODE_GPU_MEMORY_BYTES), 16.0 * 1073741824.0, 0);
    assert_close(node_attr(ctx, "c", TRD_NODE_MEMORY_BYTES), 1e12, 0);
    assert_close(op_attr(ctx, "x", TRD_OP_MEMORY_BYTES), 4096, 0);
    assert_close(node_attr(ctx, "c", TRD_NODE_NIC_BYTES_PER_S), 512.0 * 1048576.0, 0);
    assert_close(op_attr(ctx, "x", TRD_OP_START_S), 0.5, 1e-15);
    assert_close(op_attr(ctx, "x", TRD_OP_STOP_S), 120, 0);
    assert_close(op_attr(ctx, "x", TRD_OP_COLD_START_S), 3600, 0);
    assert_close(op_attr(ctx, "x", TRD_OP_OUTPUT_BYTES_PER_ITEM), 3072, 0);
    assert_close(op_attr(ctx, "y", TRD_OP_START_S), 0, 0);
    assert_close(op_attr(ctx, "y", TRD_OP_STOP_S), TRD_UNKNOWN, 0);
    assert_close(op_attr(ctx, "y", TRD_OP_COLD_START_S), 15, 0);
    assert_close(op_attr(ctx, "y", TRD_OP_GPUS), 0.25, 0);
    assert_close(op_attr(ctx, "y", TRD_OP_MEMORY_BYTES), 1e9, 0);
    double share;
    assert_ok(ctx, trd_ctx_get_edge(ctx, 0, NULL, NULL, &share));
    assert_close(share, 0.25, 0);
    /* Unknown times are null in JSON; numbers come out exactly. */
    char *json = test_model_json(ctx);
    assert_non_null(strstr(json, "\"stop_time\":null"));
    assert_non_null(strstr(json, "\"memory\":1610612736,"));
    assert_non_null(strstr(json, "\"share\":0.25}"));
    assert_non_null(strstr(json, "\"gpus\":0.25,"));
    free(json);
    trd_ctx_free(ctx);
}

static void test_simulation_section_is_skipped(void **state)
{
    (void)state;
    static const char yaml[] =
        "simulation:\n"
        "  seed: 7\n"
        "  anything: {goes: [here, 1, 2.5, {deep: true}]}\n"
        "cluster:\n  nodes: [{name: n, cpus: 4, memory: 8GiB}]\n"
        "pipeline:\n  operators: [{name: only}]\n";
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml)));
    assert_int_equal(trd_ctx_operator_count(ctx), 1);
    trd_ctx_free(ctx);
}

static void test_deployment_configs_by_knob_values(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, test_load_model(ctx));
    uint32_t ocr, op, config, instances;
    assert_ok(ctx, trd_ctx_find_operator(ctx, "ocr", &ocr));
    assert_int_equal(trd_ctx_config_count(ctx, ocr), 2);
    double values[3];
    assert_ok(ctx, trd_ctx_config_values(ctx, ocr, 1, values, 3, NULL));
    assert_close(values[0], 64, 0); /* batch_size from the file */
    assert_close(values[1], 0, 0);  /* precision: default bf16 (index 0) */
    assert_close(values[2], 0, 0);  /* prefix_caching: default false */
    assert_ok(ctx, trd_ctx_get_deployment(ctx, 1, &op, NULL, NULL, &config, &instances));
    assert_int_equal(op, ocr);
    assert_int_equal(config, 1);
    assert_int_equal(instances, 2);

    static const char yaml[] =
        "cluster:\n  nodes: [{name: g, cpus: 8, memory: 8GiB, gpus: 2, gpu_memory: 24GiB}]\n"
        "pipeline:\n"
        "  operators:\n"
        "    - name: m\n"
        "      gpus: 1\n"
        "      knobs:\n"
        "        - {name: p, type: choice, choices: [bf16, fp8, int4], default: fp8}\n"
        "        - {name: c, type: bool, default: true}\n"
        "        - {name: r, type: real, min: 0, max: 1, default: 0.5}\n"
        "  deployment:\n"
        "    - {operator: m, node: g, instances: 1, config: {p: int4, c: false, r: 0.125}}\n"
        "    - {operator: m, node: g, instances: 1, config: {}}\n";
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml)));
    assert_int_equal(trd_ctx_model_epoch(ctx), 2);
    assert_ok(ctx, trd_ctx_config_values(ctx, 0, 1, values, 3, NULL));
    assert_close(values[0], 2, 0);
    assert_close(values[1], 0, 0);
    assert_close(values[2], 0.125, 0);
    assert_ok(ctx, trd_ctx_config_values(ctx, 0, 0, values, 3, NULL));
    assert_close(values[0], 1, 0);
    assert_close(values[1], 1, 0);
    assert_close(values[2], 0.5, 0);
    char *json = test_model_json(ctx);
    assert_non_null(strstr(json, "\"configs\":[{\"p\":\"fp8\",\"c\":true,\"r\":0.5},{\"p\":\"int4\",\"c\":false,"
                                 "\"r\":0.125}]"));
    free(json);
    trd_ctx_free(ctx);
}

static void test_load_replaces_model_and_discards_edits(void **state)
{
    (void)state;
    trd_ctx *ctx;
    uint32_t id;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, test_load_model(ctx));
    assert_ok(ctx, trd_ctx_add_operator(ctx, "staged_only", &id));
    assert_ok(ctx, trd_ctx_load_yaml(ctx, test_source_path("examples/pipelines/video.yaml")));
    assert_int_equal(trd_ctx_model_epoch(ctx), 2);
    assert_int_equal(trd_ctx_operator_count(ctx), 9);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_find_operator(ctx, "staged_only", &id));
    uint64_t epoch;
    assert_ok(ctx, trd_ctx_commit_model(ctx, &epoch)); /* nothing staged any more */
    assert_int_equal(epoch, 2);
    trd_ctx_free(ctx);
}

static void test_failed_load_changes_nothing(void **state)
{
    (void)state;
    trd_ctx *ctx;
    uint32_t id;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, test_load_model(ctx));
    char *before = test_model_json(ctx);
    assert_ok(ctx, trd_ctx_add_operator(ctx, "staged_edit", &id));
    static const char bad[] = "cluster: {nodes: [{name: n, cpus: 1, memory: 1GiB}]}\npipeline: {operators: []}\n";
    assert_status(ctx, TRD_E_PARSE, trd_ctx_load_yaml_string(ctx, bad, strlen(bad)));
    assert_error_contains(ctx, "<string>:2:23: 'operators' is empty");
    char *after = test_model_json(ctx);
    assert_string_equal(before, after);
    free(after);
    /* The staged edit survived the failed load. */
    assert_ok(ctx, trd_ctx_add_edge(ctx, 2, id, 1));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    assert_int_equal(trd_ctx_operator_count(ctx), 4);
    free(before);
    trd_ctx_free(ctx);
}

static void test_io_errors(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_status(ctx, TRD_E_IO, trd_ctx_load_yaml(ctx, "/nonexistent/dir/model.yaml"));
    assert_string_equal(trd_ctx_last_error(ctx), "/nonexistent/dir/model.yaml: cannot open: no such file or directory");
    assert_status(ctx, TRD_E_IO, trd_ctx_load_yaml(ctx, test_source_path("examples")));
    assert_error_contains(ctx, "is a directory");
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_load_yaml(ctx, NULL));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_load_yaml_string(ctx, NULL, 5));
    assert_status(ctx, TRD_E_PARSE, trd_ctx_load_yaml_string(ctx, NULL, 0));
    assert_error_contains(ctx, "<string>:1:1: the document is empty");
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_YAML_MAX_BYTES, 1024));
    assert_status(ctx, TRD_E_LIMIT, trd_ctx_load_yaml(ctx, test_source_path("examples/pipelines/pdf.yaml")));
    assert_error_contains(ctx, "larger than yaml_max_bytes (1024)");
    assert_int_equal(trd_ctx_model_epoch(ctx), 0);
    trd_ctx_free(ctx);
}

static void test_messages_point_at_the_object(void **state)
{
    (void)state;
    static const char yaml[] =
        "cluster:\n"
        "  nodes:\n"
        "    - {name: n, cpus: 4, memory: 8GiB}\n"
        "pipeline:\n"
        "  operators:\n"
        "    - name: a\n"
        "    - name: big\n"
        "      cpus: 16\n"
        "  edges: [{from: a, to: big}]\n";
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_status(ctx, TRD_E_INVALID_MODEL, trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml)));
    assert_string_equal(trd_ctx_last_error(ctx), "<string>:7:13: operator 'big' fits on no node kind: 'n' has cpus 4 < 16");
    trd_ctx_free(ctx);
}

/* The JSON a model is written as loads back into the same model: configs keep their ids, unknown times stay
 * unknown, the deployment keeps its configs.  Everything after the epoch must match byte for byte. */
static void round_trip(trd_ctx *ctx)
{
    char *first = test_model_json(ctx);
    assert_non_null(first);
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, first, strlen(first)));
    char *second = test_model_json(ctx);
    const char *a = strchr(first, ','), *b = strchr(second, ','); /* skip {"epoch":N */
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    free(first);
    free(second);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    test_alloc al;
    const char *files[] = {"examples/pipelines/pdf.yaml", "examples/pipelines/video.yaml"};
    for (int k = 0; k < 2; k++) {
        trd_ctx *ctx = test_ctx_new(&al);
        assert_ok(ctx, trd_ctx_load_yaml(ctx, test_source_path(files[k])));
        round_trip(ctx);
        trd_ctx_free(ctx);
    }
    /* A programmatic model with a config no deployment entry uses, and unknown and known times. */
    trd_ctx *ctx = test_ctx_new(&al);
    assert_ok(ctx, test_load_model(ctx));
    const double cfg[3] = {128, 1, 1};
    uint32_t id;
    assert_ok(ctx, trd_ctx_add_config(ctx, 1, cfg, 3, &id));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, 1, TRD_OP_START_S, 12.5));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    uint32_t configs = trd_ctx_config_count(ctx, 1);
    round_trip(ctx);
    assert_int_equal(trd_ctx_config_count(ctx, 1), configs);
    double v[3];
    assert_ok(ctx, trd_ctx_config_values(ctx, 1, id, v, 3, NULL));
    assert_true(v[0] == 128 && v[1] == 1 && v[2] == 1);
    double start, stop;
    assert_ok(ctx, trd_ctx_get_operator_attr(ctx, 1, TRD_OP_START_S, &start));
    assert_ok(ctx, trd_ctx_get_operator_attr(ctx, 1, TRD_OP_STOP_S, &stop));
    assert_true(start == 12.5 && stop == TRD_UNKNOWN);

    /* The JSON form is checked like YAML: a config index out of range, and null where unknown is no value. */
    static const char bad_index[] =
        "{\"nodes\": [{\"name\": \"n\", \"cpus\": 4, \"memory\": 1e9}], \"operators\": [{\"name\": \"a\"}],"
        " \"edges\": [], \"deployment\": [{\"operator\": \"a\", \"node\": \"n\", \"config\": 1, \"instances\": 1}]}";
    assert_status(ctx, TRD_E_PARSE, trd_ctx_load_yaml_string(ctx, bad_index, strlen(bad_index)));
    assert_error_contains(ctx, "'config' must be a whole number in [0, 0], got 1");
    static const char bad_null[] =
        "{\"nodes\": [{\"name\": \"n\", \"cpus\": null, \"memory\": 1e9}], \"operators\": [{\"name\": \"a\"}]}";
    assert_status(ctx, TRD_E_PARSE, trd_ctx_load_yaml_string(ctx, bad_null, strlen(bad_null)));
    assert_error_contains(ctx, "'cpus' must be a number");
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_pdf_pipeline),
        cmocka_unit_test(test_bundled_video_pipeline),
        cmocka_unit_test(test_file_and_string_agree),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_simulation_section_is_skipped),
        cmocka_unit_test(test_deployment_configs_by_knob_values),
        cmocka_unit_test(test_load_replaces_model_and_discards_edits),
        cmocka_unit_test(test_failed_load_changes_nothing),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_messages_point_at_the_object),
        cmocka_unit_test(test_json_round_trip),
    };
    return cmocka_run_group_tests_name("api_yaml", tests, NULL, NULL);
}
