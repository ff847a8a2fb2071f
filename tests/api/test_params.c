/* Parameters: introspection, typed round trips, bounds, type mismatches, and the effect of each parameter. */
#include "test_support.h"

static void test_introspection_round_trip(void **state)
{
    (void)state;
    size_t n = trd_param_count();
    assert_int_equal(n, 52);
    trd_param prev = (trd_param)0;
    for (size_t i = 0; i < n; i++) {
        trd_param p;
        assert_int_equal(trd_param_at(i, &p), TRD_OK);
        assert_true(p > prev); /* numeric order */
        prev = p;
        const char *name = trd_param_name(p);
        assert_non_null(name);
        trd_param back;
        assert_int_equal(trd_param_from_name(name, &back), TRD_OK);
        assert_int_equal(back, p);
        trd_param_type type;
        double lo, hi, dflt;
        assert_int_equal(trd_param_info(p, &type, &lo, &hi, &dflt), TRD_OK);
        assert_true(lo <= dflt && dflt <= hi);
        assert_int_equal(trd_param_info(p, NULL, NULL, NULL, NULL), TRD_OK);
    }
    trd_param p;
    assert_int_equal(trd_param_at(n, &p), TRD_E_OUT_OF_RANGE);
    assert_int_equal(trd_param_at(0, NULL), TRD_E_INVALID_ARG);
    assert_null(trd_param_name((trd_param)12345));
    assert_int_equal(trd_param_from_name("no_such_param", &p), TRD_E_NOT_FOUND);
    assert_int_equal(trd_param_from_name(NULL, &p), TRD_E_INVALID_ARG);
    assert_int_equal(trd_param_from_name("ingest_capacity", NULL), TRD_E_INVALID_ARG);
    assert_int_equal(trd_param_info((trd_param)12345, NULL, NULL, NULL, NULL), TRD_E_NOT_FOUND);

    trd_param_type type;
    double lo, hi, dflt;
    assert_int_equal(trd_param_info(TRD_P_INGEST_BUSY_SLACK, &type, &lo, &hi, &dflt), TRD_OK);
    assert_int_equal(type, TRD_PARAM_DOUBLE);
    assert_close(dflt, 0.05, 0);
    assert_close(hi, 10, 0);
    assert_int_equal(trd_param_info(TRD_P_YAML_MAX_DEPTH, &type, &lo, &hi, &dflt), TRD_OK);
    assert_int_equal(type, TRD_PARAM_INT);
    assert_close(dflt, 32, 0);
}

static void test_defaults_bounds_and_types(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    for (size_t i = 0; i < trd_param_count(); i++) {
        trd_param p;
        trd_param_type type;
        double lo, hi, dflt;
        trd_param_at(i, &p);
        trd_param_info(p, &type, &lo, &hi, &dflt);
        if (type == TRD_PARAM_INT) {
            int64_t v;
            assert_ok(ctx, trd_ctx_get_int(ctx, p, &v));
            assert_int_equal(v, (int64_t)dflt);
            assert_ok(ctx, trd_ctx_set_int(ctx, p, (int64_t)lo));
            assert_ok(ctx, trd_ctx_set_int(ctx, p, (int64_t)hi));
            assert_status(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_int(ctx, p, (int64_t)hi + 1));
            assert_error_contains(ctx, trd_param_name(p));
            assert_status(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_int(ctx, p, (int64_t)lo - 1));
            assert_status(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_int(ctx, p, INT64_MIN));
            assert_ok(ctx, trd_ctx_get_int(ctx, p, &v));
            assert_int_equal(v, (int64_t)hi); /* failed sets changed nothing */
            double d;
            assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_set_double(ctx, p, 1.0));
            assert_error_contains(ctx, "use trd_ctx_set_int");
            assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_get_double(ctx, p, &d));
            assert_ok(ctx, trd_ctx_set_int(ctx, p, (int64_t)dflt));
        } else {
            double v;
            assert_ok(ctx, trd_ctx_get_double(ctx, p, &v));
            assert_close(v, dflt, 0);
            assert_ok(ctx, trd_ctx_set_double(ctx, p, hi));
            assert_status(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_double(ctx, p, hi * 1.5 + 1));
            assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_set_double(ctx, p, NAN));
            assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_set_double(ctx, p, INFINITY));
            assert_ok(ctx, trd_ctx_get_double(ctx, p, &v));
            assert_close(v, hi, 0);
            int64_t iv;
            assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_set_int(ctx, p, 1));
            assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_get_int(ctx, p, &iv));
        }
    }
    int64_t v;
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_set_int(ctx, (trd_param)999, 1));
    assert_error_contains(ctx, "parameter 999 unknown");
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_get_int(ctx, (trd_param)999, &v));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_get_int(ctx, TRD_P_INGEST_CAPACITY, NULL));
    trd_ctx_free(ctx);
}

static trd_status observe_n(trd_ctx *ctx, size_t n)
{
    trd_sample s[64];
    for (size_t i = 0; i < n; i++) {
        s[i] = test_sample(0, 2);
        s[i].items_in = i; /* mark the order */
    }
    return trd_ctx_observe(ctx, s, n);
}

static void test_ingest_capacity_takes_effect(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, test_load_model(ctx));
    assert_ok(ctx, observe_n(ctx, 40));
    trd_ingest_stats st;
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.buffered, 40);
    assert_int_equal(st.capacity, 65536);
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_INGEST_CAPACITY, 16));
    assert_ok(ctx, trd_ctx_ingest_stats(ctx, &st));
    assert_int_equal(st.capacity, 16);
    assert_int_equal(st.buffered, 16);
    assert_int_equal(st.dropped, 24);
    assert_int_equal(st.accepted, 40);
    trd_ctx_free(ctx);
}

static void test_busy_slack_takes_effect(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, test_load_model(ctx));
    trd_sample s = test_sample(0, 2);
    s.busy_s = 10.4; /* a 10 s window: 4% over */
    assert_ok(ctx, trd_ctx_observe(ctx, &s, 1));
    assert_ok(ctx, trd_ctx_set_double(ctx, TRD_P_INGEST_BUSY_SLACK, 0.01));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_observe(ctx, &s, 1));
    assert_error_contains(ctx, "busy_s 10.4 exceeds the window");
    assert_ok(ctx, trd_ctx_set_double(ctx, TRD_P_INGEST_BUSY_SLACK, 0));
    s.busy_s = 10.0;
    assert_ok(ctx, trd_ctx_observe(ctx, &s, 1));
    trd_ctx_free(ctx);
}

static void test_yaml_limits_take_effect(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    size_t len = strlen(test_model_yaml);
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_YAML_MAX_BYTES, (int64_t)len - 1));
    assert_status(ctx, TRD_E_LIMIT, test_load_model(ctx));
    assert_error_contains(ctx, "larger than yaml_max_bytes");
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_YAML_MAX_BYTES, (int64_t)len));
    assert_ok(ctx, test_load_model(ctx));
    /* A simulation section nested 10 deep: refused at depth 9, loaded at 10. */
    static const char deep[] = "simulation: [[[[[[[[[1]]]]]]]]]\n"
                               "cluster: {nodes: [{name: n, cpus: 1, memory: 1GiB}]}\n"
                               "pipeline: {operators: [{name: a}]}\n";
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_YAML_MAX_DEPTH, 9));
    assert_status(ctx, TRD_E_LIMIT, trd_ctx_load_yaml_string(ctx, deep, strlen(deep)));
    assert_error_contains(ctx, "<string>:1:21: nesting deeper than 9 levels");
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_YAML_MAX_DEPTH, 10));
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, deep, strlen(deep)));
    assert_int_equal(trd_ctx_model_epoch(ctx), 2);
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_introspection_round_trip),
        cmocka_unit_test(test_defaults_bounds_and_types),
        cmocka_unit_test(test_ingest_capacity_takes_effect),
        cmocka_unit_test(test_busy_slack_takes_effect),
        cmocka_unit_test(test_yaml_limits_take_effect),
    };
    return cmocka_run_group_tests_name("api_params", tests, NULL, NULL);
}
