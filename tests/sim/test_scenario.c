/* test_scenario.c -- reading scenarios: the bundled pipelines load with their regimes, features and flow
 * rules; the library itself ignores the simulation section; every defect of the section is refused with
 * "file:line:col: what is wrong" pointing at the offending key or value. */
#include "sim_test.h"

static void test_bundled_pipelines(void **state)
{
    (void)state;
    sim_scenario *pdf = sim_test_load("examples/pipelines/pdf.yaml", 0);
    assert_int_equal(pdf->n_ops, 17);
    assert_int_equal(pdf->items, 20000);
    assert_int_equal(pdf->n_regimes, 3);
    assert_string_equal(pdf->regimes[0].name, "academic_papers");
    assert_string_equal(pdf->regimes[2].name, "financial_reports");
    assert_int_equal(pdf->n_machines, 8);
    assert_int_equal(pdf->n_devices, 16);
    uint32_t crop = sim_test_op(pdf, "crop_blocks"), merge = sim_test_op(pdf, "merge_blocks");
    assert_non_null(pdf->ops[crop].route);
    assert_int_equal(pdf->ops[merge].n_in, 4);
    assert_true(pdf->ops[merge].fanin);
    uint32_t ocr = sim_test_op(pdf, "ocr_table");
    assert_int_equal(pdf->ops[ocr].cost.kind, SIM_COST_ACCELERATOR);
    assert_true(pdf->ops[ocr].async);
    assert_close(pdf->ops[ocr].cost.oom_fraction, 0.9, 1e-12);
    /* Shares 0.4 / 0.3 / 0.3 of 20,000 documents. */
    assert_int_equal(pdf->segments[0].items, 8000);
    assert_int_equal(pdf->segments[1].first, 8000);
    assert_int_equal(pdf->segments[2].items, 6000);
    sim_scenario_free(pdf);

    sim_scenario *video = sim_test_load("examples/pipelines/video.yaml", 500);
    assert_int_equal(video->n_ops, 9);
    assert_int_equal(video->items, 500);
    assert_int_equal(video->n_regimes, 2);
    uint32_t aes = sim_test_op(video, "aesthetic_score");
    assert_close(video->ops[aes].device_share, 0.25, 1e-12);
    assert_int_not_equal(video->ops[aes].keep.feature, SIM_NO_FEATURE); /* keep: aesthetic_keep */
    sim_scenario_free(video);
}

/* The library loads the same files (it skips `simulation:`). */
static void test_library_ignores_simulation(void **state)
{
    (void)state;
    static const char *const files[] = {"examples/pipelines/pdf.yaml", "examples/pipelines/video.yaml",
                                        "tests/sim/data/chain.yaml"};
    for (size_t i = 0; i < 3; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", TRIDENT_SOURCE_DIR, files[i]);
        trd_ctx *ctx;
        assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
        assert_ok(ctx, trd_ctx_load_yaml(ctx, path));
        trd_ctx_free(ctx);
    }
}

static char *read_chain(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/sim/data/chain.yaml", TRIDENT_SOURCE_DIR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Replaces `from` (which must occur once) by `to` in chain.yaml, loads the result and checks the status and
 * that the message starts with "chain.yaml:LINE:COL: " where LINE and COL are those of `from` plus `dcol`
 * (dcol < 0: any position) and contains `needle`. */
static void expect_error(const char *from, const char *to, int dcol, sim_status want, const char *needle)
{
    const char *text = read_chain();
    const char *at = strstr(text, from);
    if (!at || strstr(at + 1, from))
        fail_msg("'%s' must occur exactly once in chain.yaml", from);
    char edited[20000];
    size_t head = (size_t)(at - text);
    snprintf(edited, sizeof edited, "%.*s%s%s", (int)head, text, to, at + strlen(from));
    unsigned line = 1, col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    sim_scenario *sc = NULL;
    sim_error err = {{0}};
    sim_status st = sim_scenario_load_string("chain.yaml", edited, strlen(edited), 0, &sc, &err);
    if (st != want)
        fail_msg("'%s' -> '%s': %s, expected %s (%s)", from, to, sim_status_name(st), sim_status_name(want), err.msg);
    assert_null(sc);
    if (!strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
    if (dcol >= 0) {
        char where[64];
        snprintf(where, sizeof where, "chain.yaml:%u:%u: ", line, col + (unsigned)dcol);
        if (strncmp(err.msg, where, strlen(where)) != 0)
            fail_msg("message \"%s\" does not start with \"%s\"", err.msg, where);
    }
}

static void test_errors_point_at_the_defect(void **state)
{
    (void)state;
    expect_error("noise: 0.3,", "noize: 0.3,", 0, SIM_E_PARSE, "unknown key 'noize' in 'cpu'; expected one of");
    expect_error("per_item: 20ms", "per_item: '20ms'", 10, SIM_E_PARSE, "'per_item' must be a number");
    expect_error("per_item: 20ms", "per_item: 20 parsecs", 10, SIM_E_PARSE, "is not a number with a unit");
    expect_error("keep: 0.9", "keep: 1.5", 6, SIM_E_PARSE, "'keep' is 1.5, outside [0, 1]");
    expect_error("fanout: pages", "fanout: chapters", 8, SIM_E_PARSE, "names feature 'chapters'");
    expect_error("{feature: pixels, ref: 1000000}]\n          memory_scale",
                 "{feature: pixls, ref: 1000000}]\n          memory_scale", 10, SIM_E_PARSE,
                 "names feature 'pixls', which the workload does not define");
    expect_error("batch_knob: batch_size", "batch_knob: batch", 12, SIM_E_PARSE,
                 "batch_knob 'batch' is not a knob of the operator");
    expect_error("split:\n      fanout", "splat:\n      fanout", 0, SIM_E_PARSE,
                 "'splat' is not an operator of the pipeline");
    expect_error("source: {cost: {cpu: {per_item: 1ms}}}", "source: {cost: {gpu: {per_item: 1ms}}}", 16, SIM_E_PARSE,
                 "unknown key 'gpu' in 'cost'");
    expect_error("source: {cost: {cpu: {per_item: 1ms}}}", "source: {fanout: 2}", 8, SIM_E_PARSE,
                 "operator 'source': missing required key 'cost'");
    expect_error("      - name: large\n", "      - name: small\n", 14, SIM_E_PARSE, "duplicate regime 'small'");
    expect_error("pixels: 4000000", "pixels: {lognormal: {mean: 4}}", -1, SIM_E_PARSE, "missing required key 'cv'");
    expect_error("items: 400", "items: 0", 7, SIM_E_PARSE, "'items' is 0, outside");
    expect_error("simulation:", "simulations:", 0, SIM_E_MODEL, "unknown key 'simulations' in the document");
    expect_error("  seed: 3", "  seed: &s 3", -1, SIM_E_MODEL, "anchors (&name) are not supported");
}

static void test_missing_pieces(void **state)
{
    (void)state;
    /* An operator without an entry, a feature an operator reports that the workload lacks, no section. */
    expect_error("    source: {cost: {cpu: {per_item: 1ms}}}\n", "", -1, SIM_E_PARSE,
                 "'operators' has no entry for operator 'source'");
    expect_error("          pixels: 1000000\n", "", -1, SIM_E_PARSE,
                 "regime 'small' does not define feature 'pixels'");
    const char *yaml = "cluster:\n  nodes: [{name: n, cpus: 4, memory: 8GiB}]\npipeline:\n  operators: [{name: a}]\n";
    sim_scenario *sc = NULL;
    sim_error err = {{0}};
    assert_int_equal(sim_scenario_load_string("x.yaml", yaml, strlen(yaml), 0, &sc, &err), SIM_E_PARSE);
    assert_non_null(strstr(err.msg, "x.yaml:1:1: the file has no 'simulation' section"));
    assert_int_equal(sim_scenario_load("/nonexistent/x.yaml", 0, &sc, &err), SIM_E_IO);
    assert_non_null(strstr(err.msg, "/nonexistent/x.yaml: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_pipelines),
        cmocka_unit_test(test_library_ignores_simulation),
        cmocka_unit_test(test_errors_point_at_the_defect),
        cmocka_unit_test(test_missing_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
