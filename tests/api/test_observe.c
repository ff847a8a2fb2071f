/* Ingest: validation of every field with the sample's index in the message, all-or-nothing batches,
 * counters, and the bounded buffer dropping its oldest samples. */
#include "test_support.h"

static trd_ctx *loaded(void)
{
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, test_load_model(ctx));
    return ctx;
}

static void test_observe_before_commit(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    trd_sample s = test_sample(0, 2);
    assert_status(ctx, TRD_E_STATE, trd_ctx_observe(ctx, &s, 1));
    assert_error_contains(ctx, "no model has been committed");
    assert_ok(ctx, trd_ctx_observe(ctx, NULL, 0)); /* an empty batch is a no-op */
    trd_ctx_free(ctx);
}

static void test_valid_batches_are_counted(void **state)
{
    (void)state;
    trd_ctx *ctx = loaded();
    trd_sample s[4] = {test_sample(0, 2), test_sample(1, 1), test_sample(2, 0), test_sample(1, 1)};
    s[1].config = 1; /* ocr's config registered by the deployment */
    s[3].instance = TRD_WHOLE_OPERATOR;
    s[3].active_instances = 3;
    s[3].busy_s = 30; /* three instances fully busy over 10 s */
    s[3].utilisation = 1;
    s[2].features[0] = NAN; /* ignored: write declares no features and n_features is 0 */
    assert_ok(ctx, trd_ctx_observe(ctx, s, 4));
    trd_ingest_stats st;
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.accepted, 4);
    assert_int_equal(st.rejected, 0);
    assert_int_equal(st.dropped, 0);
    assert_int_equal(st.buffered, 4);
    assert_int_equal(st.capacity, 65536);
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_ingest_stats(ctx, NULL));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_observe(ctx, NULL, 3));
    assert_error_contains(ctx, "samples is NULL with count 3");
    trd_ctx_free(ctx);
}

typedef void (*spoil)(trd_sample *s);

static void bad_op(trd_sample *s) { s->op = 3; }
static void bad_config(trd_sample *s) { s->config = 2; }
static void bad_window(trd_sample *s) { s->window_end_ns = s->window_start_ns; }
static void bad_active(trd_sample *s) { s->active_instances = 0; }
static void bad_instance_active(trd_sample *s) { s->active_instances = 2; }
static void bad_busy_nan(trd_sample *s) { s->busy_s = NAN; }
static void bad_busy_negative(trd_sample *s) { s->busy_s = -1; }
static void bad_busy_too_long(trd_sample *s) { s->busy_s = 11; }
static void bad_util_high(trd_sample *s) { s->utilisation = 1.01; }
static void bad_util_nan(trd_sample *s) { s->utilisation = NAN; }
static void bad_n_features(trd_sample *s) { s->n_features = 3; }
static void bad_feature_inf(trd_sample *s) { s->features[1] = INFINITY; }
static void bad_feature_negative(trd_sample *s) { s->features[0] = -0.5; }
static void bad_flags(trd_sample *s) { s->flags = 4; }

/* A batch of three valid samples with the middle one spoiled: rejected as a whole, index 1 named. */
static void expect_rejected(spoil f, const char *needle)
{
    trd_ctx *ctx = loaded();
    trd_sample s[3] = {test_sample(0, 2), test_sample(0, 2), test_sample(0, 2)};
    f(&s[1]);
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_observe(ctx, s, 3));
    assert_error_contains(ctx, "observe: sample[1]");
    assert_error_contains(ctx, needle);
    trd_ingest_stats st;
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.accepted, 0);
    assert_int_equal(st.buffered, 0);
    assert_int_equal(st.rejected, 3);
    trd_ctx_free(ctx);
}

static void test_invalid_fields(void **state)
{
    (void)state;
    expect_rejected(bad_op, "op 3 unknown (the model has 3 operators)");
    expect_rejected(bad_config, "(op 'read'): config 2 unknown (the operator has 1 configs)");
    expect_rejected(bad_window, "window_end_ns 1000000000 is not after window_start_ns 1000000000");
    expect_rejected(bad_active, "active_instances is 0");
    expect_rejected(bad_instance_active, "active_instances is 2 but an instance sample covers exactly 1");
    expect_rejected(bad_busy_nan, "busy_s is null (must be finite and >= 0)");
    expect_rejected(bad_busy_negative, "busy_s is -1 (must be finite and >= 0)");
    expect_rejected(bad_busy_too_long, "busy_s 11 exceeds the window (10 s x 1 instances");
    expect_rejected(bad_util_high, "utilisation 1.01 is outside [0, 1]");
    expect_rejected(bad_util_nan, "utilisation null is outside [0, 1]");
    expect_rejected(bad_n_features, "n_features is 3 but the operator declares 2");
    expect_rejected(bad_feature_inf, "features[1] ('bytes') is null (must be finite and >= 0)");
    expect_rejected(bad_feature_negative, "features[0] ('pages') is -0.5");
    expect_rejected(bad_flags, "flags is 0x4; reserved bits must be 0");
}

static void test_full_buffer_drops_oldest(void **state)
{
    (void)state;
    trd_ctx *ctx = loaded();
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_INGEST_CAPACITY, 16));
    trd_sample s[20];
    for (int i = 0; i < 20; i++) {
        s[i] = test_sample(0, 2);
        s[i].items_in = (uint64_t)i;
    }
    assert_ok(ctx, trd_ctx_observe(ctx, s, 10));
    assert_ok(ctx, trd_ctx_observe(ctx, s + 10, 10));
    trd_ingest_stats st;
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.accepted, 20);
    assert_int_equal(st.buffered, 16);
    assert_int_equal(st.dropped, 4);
    /* A batch larger than the whole buffer keeps its newest samples only. */
    assert_ok(ctx, trd_ctx_observe(ctx, s, 20));
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.accepted, 40);
    assert_int_equal(st.buffered, 16);
    assert_int_equal(st.dropped, 24);
    trd_ctx_free(ctx);
}

typedef struct warn_capture {
    int warnings;
    char last[512];
} warn_capture;

static void on_log(void *user, trd_log_level level, const char *component, const char *message)
{
    warn_capture *w = user;
    if (level == TRD_LOG_WARN && strcmp(component, "observe") == 0) {
        w->warnings++;
        snprintf(w->last, sizeof w->last, "%s", message);
    }
}

static void test_drops_are_logged(void **state)
{
    (void)state;
    trd_ctx *ctx = loaded();
    warn_capture w;
    memset(&w, 0, sizeof w);
    assert_ok(ctx, trd_ctx_set_logger(ctx, on_log, &w, TRD_LOG_WARN));
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_INGEST_CAPACITY, 16));
    trd_sample s[17];
    for (int i = 0; i < 17; i++)
        s[i] = test_sample(0, 2);
    assert_ok(ctx, trd_ctx_observe(ctx, s, 16));
    assert_int_equal(w.warnings, 0);
    assert_ok(ctx, trd_ctx_observe(ctx, s, 3));
    assert_int_equal(w.warnings, 1);
    assert_string_equal(w.last, "ingest buffer full (16 samples): dropped the 3 oldest");
    trd_ctx_free(ctx);
}

/* Loading a model replaces the old one: buffered samples and what observe learned are dropped (operator ids
 * may name other operators now), while a commit of edits keeps them. */
static void test_load_replaces_learned_state(void **state)
{
    (void)state;
    trd_ctx *ctx = loaded();
    trd_sample s[3] = {test_sample(0, 2), test_sample(2, 0), test_sample(0, 2)};
    s[2].window_start_ns += 10000000000ull;
    s[2].window_end_ns += 10000000000ull;
    assert_ok(ctx, trd_ctx_observe(ctx, s, 2));
    trd_observe_stats os;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &os)); /* folds the first two */
    assert_ok(ctx, trd_ctx_observe(ctx, s, 3));
    trd_ingest_stats st;
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.buffered, 3);
    assert_int_equal(st.accepted, 5);

    /* A commit of an edit keeps the buffer. */
    uint32_t node;
    assert_ok(ctx, trd_ctx_add_node(ctx, "spare", &node));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, node, TRD_NODE_CPUS, 4));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, node, TRD_NODE_MEMORY_BYTES, 1e10));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.buffered, 3);
    assert_int_equal(st.dropped, 0);
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &os));
    assert_int_equal(os.windows, 1); /* the third sample closed op 0's first window */

    /* A load drops what is buffered, and what observe learned goes with it. */
    assert_ok(ctx, trd_ctx_observe(ctx, s, 3));
    assert_ok(ctx, test_load_model(ctx));
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.buffered, 0);
    assert_int_equal(st.dropped, 3);
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &os));
    assert_int_equal(os.windows, 0);
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_observe_before_commit),
        cmocka_unit_test(test_valid_batches_are_counted),
        cmocka_unit_test(test_invalid_fields),
        cmocka_unit_test(test_full_buffer_drops_oldest),
        cmocka_unit_test(test_drops_are_logged),
        cmocka_unit_test(test_load_replaces_learned_state),
    };
    return cmocka_run_group_tests_name("api_observe", tests, NULL, NULL);
}
