/* Context lifecycle, allocator hook, logger, last error, status strings, version and record sizes. */
#include <stdlib.h>

#include "test_support.h"

static void test_new_and_free(void **state)
{
    (void)state;
    trd_ctx *ctx = NULL;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_non_null(ctx);
    assert_string_equal(trd_ctx_last_error(ctx), "");
    assert_int_equal(trd_ctx_model_epoch(ctx), 0);
    trd_ctx_free(ctx);
    trd_ctx_free(NULL); /* NULL is a no-op */
    assert_int_equal(trd_ctx_new(NULL), TRD_E_INVALID_ARG);
}

static void test_allocator_is_validated(void **state)
{
    (void)state;
    test_alloc s;
    memset(&s, 0, sizeof s);
    trd_allocator a = test_allocator(&s);
    trd_ctx *ctx = NULL;
    assert_int_equal(trd_ctx_new_with_allocator(&ctx, NULL), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_new_with_allocator(NULL, &a), TRD_E_INVALID_ARG);
    trd_allocator no_alloc = a;
    no_alloc.alloc = NULL;
    assert_int_equal(trd_ctx_new_with_allocator(&ctx, &no_alloc), TRD_E_INVALID_ARG);
    trd_allocator no_free = a;
    no_free.free = NULL;
    assert_int_equal(trd_ctx_new_with_allocator(&ctx, &no_free), TRD_E_INVALID_ARG);
    assert_null(ctx);
    assert_int_equal(s.calls, 0);
    /* The very first allocation failing is reported, not crashed on. */
    s.fail_at = 1;
    assert_int_equal(trd_ctx_new_with_allocator(&ctx, &a), TRD_E_NOMEM);
    assert_null(ctx);
    assert_int_equal(s.live_blocks, 0);
}

static void test_every_allocation_goes_through_the_hook(void **state)
{
    (void)state;
    test_alloc s;
    trd_ctx *ctx = test_ctx_new(&s);
    assert_ok(ctx, test_load_model(ctx));
    trd_sample sample = test_sample(0, 2);
    assert_ok(ctx, trd_ctx_observe(ctx, &sample, 1));
    assert_true(s.calls > 10);
    assert_true(s.live_blocks > 0);
    trd_ctx_free(ctx);
    assert_int_equal(s.live_blocks, 0);
    assert_int_equal(s.live_bytes, 0);
    assert_int_equal(s.size_mismatches, 0);
}

static void test_allocator_without_realloc(void **state)
{
    (void)state;
    test_alloc s;
    memset(&s, 0, sizeof s);
    trd_allocator a = test_allocator(&s);
    a.realloc = NULL; /* the library falls back to alloc + copy + free */
    trd_ctx *ctx = NULL;
    assert_int_equal(trd_ctx_new_with_allocator(&ctx, &a), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml(ctx, test_source_path("examples/pipelines/pdf.yaml")));
    assert_int_equal(trd_ctx_operator_count(ctx), 17);
    trd_ctx_free(ctx);
    assert_int_equal(s.live_blocks, 0);
    assert_int_equal(s.size_mismatches, 0);
}

static void test_null_context_is_refused_everywhere(void **state)
{
    (void)state;
    uint32_t id;
    double v;
    int64_t i;
    trd_ingest_stats stats;
    assert_int_equal(trd_ctx_set_logger(NULL, NULL, NULL, TRD_LOG_OFF), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_set_int(NULL, TRD_P_INGEST_CAPACITY, 100), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_set_double(NULL, TRD_P_INGEST_BUSY_SLACK, 0.1), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_get_int(NULL, TRD_P_INGEST_CAPACITY, &i), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_get_double(NULL, TRD_P_INGEST_BUSY_SLACK, &v), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_node(NULL, "n", &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_set_node_attr(NULL, 0, TRD_NODE_CPUS, 1), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_operator(NULL, "o", &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_set_operator_attr(NULL, 0, TRD_OP_CPUS, 1), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_feature(NULL, 0, "f", &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_knob_int(NULL, 0, "k", 1, 2, 1, 0, &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_knob_real(NULL, 0, "k", 1, 2, 1, 0, &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_knob_bool(NULL, 0, "k", 1, &id), TRD_E_INVALID_ARG);
    const char *const choices[] = {"a"};
    assert_int_equal(trd_ctx_add_knob_choice(NULL, 0, "k", choices, 1, 0, &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_config(NULL, 0, NULL, 0, &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_add_edge(NULL, 0, 1, 1), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_set_deployment(NULL, 0, 0, 0, 0, 1), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_commit_model(NULL, NULL), TRD_E_INVALID_ARG);
    trd_ctx_discard_model_edits(NULL);
    assert_int_equal(trd_ctx_load_yaml(NULL, "x.yaml"), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_load_yaml_string(NULL, "a: 1", 4), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_model_epoch(NULL), 0);
    assert_int_equal(trd_ctx_operator_count(NULL), 0);
    assert_int_equal(trd_ctx_node_count(NULL), 0);
    assert_null(trd_ctx_operator_name(NULL, 0));
    assert_null(trd_ctx_node_name(NULL, 0));
    assert_int_equal(trd_ctx_find_operator(NULL, "o", &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_find_node(NULL, "n", &id), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_get_operator_attr(NULL, 0, TRD_OP_CPUS, &v), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_get_node_attr(NULL, 0, TRD_NODE_CPUS, &v), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_feature_count(NULL, 0), 0);
    assert_null(trd_ctx_feature_name(NULL, 0, 0));
    assert_int_equal(trd_ctx_knob_count(NULL, 0), 0);
    assert_int_equal(trd_ctx_get_knob(NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL), TRD_E_INVALID_ARG);
    assert_null(trd_ctx_knob_choice_name(NULL, 0, 0, 0));
    assert_int_equal(trd_ctx_config_count(NULL, 0), 0);
    assert_int_equal(trd_ctx_edge_count(NULL), 0);
    assert_int_equal(trd_ctx_get_edge(NULL, 0, NULL, NULL, NULL), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_deployment_count(NULL), 0);
    assert_int_equal(trd_ctx_get_deployment(NULL, 0, NULL, NULL, NULL, NULL, NULL), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_config_values(NULL, 0, 0, NULL, 0, NULL), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_model_to_json(NULL, NULL, 0, NULL), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_observe(NULL, NULL, 0), TRD_E_INVALID_ARG);
    assert_int_equal(trd_ctx_ingest_stats(NULL, &stats), TRD_E_INVALID_ARG);
    assert_string_equal(trd_ctx_last_error(NULL), "no context (NULL trd_ctx)");
}

static void test_last_error_follows_failures_only(void **state)
{
    (void)state;
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_string_equal(trd_ctx_last_error(ctx), "");
    assert_int_equal(trd_ctx_commit_model(ctx, NULL), TRD_E_STATE);
    assert_error_contains(ctx, "commit: nothing to commit");
    /* A successful call leaves the message alone. */
    uint32_t id;
    assert_int_equal(trd_ctx_add_node(ctx, "n", &id), TRD_OK);
    assert_error_contains(ctx, "commit: nothing to commit");
    assert_int_equal(trd_ctx_add_node(ctx, "n", &id), TRD_E_INVALID_ARG);
    assert_string_equal(trd_ctx_last_error(ctx), "node 'n' already exists");
    trd_ctx_free(ctx);
}

typedef struct log_capture {
    int calls;
    int last_level;
    char component[32];
    char message[512];
    int saw_commit;
} log_capture;

static void capture(void *user, trd_log_level level, const char *component, const char *message)
{
    log_capture *c = user;
    c->calls++;
    c->last_level = (int)level;
    snprintf(c->component, sizeof c->component, "%s", component);
    snprintf(c->message, sizeof c->message, "%s", message);
    if (strstr(message, "committed epoch"))
        c->saw_commit = 1;
}

static void test_logger(void **state)
{
    (void)state;
    trd_ctx *ctx;
    log_capture cap;
    memset(&cap, 0, sizeof cap);
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    /* Silent by default: a failure and a load log nothing until a sink is installed. */
    assert_int_equal(trd_ctx_commit_model(ctx, NULL), TRD_E_STATE);
    assert_int_equal(trd_ctx_set_logger(ctx, capture, &cap, (trd_log_level)7), TRD_E_INVALID_ARG);
    assert_error_contains(ctx, "max_level 7");
    assert_int_equal(trd_ctx_set_logger(ctx, capture, &cap, TRD_LOG_INFO), TRD_OK);
    assert_int_equal(cap.calls, 0);
    /* INFO: the commit is logged, failures (DEBUG) are not. */
    assert_int_equal(trd_ctx_commit_model(ctx, NULL), TRD_E_STATE);
    assert_int_equal(cap.calls, 0);
    assert_ok(ctx, test_load_model(ctx));
    assert_true(cap.saw_commit);
    assert_int_equal(cap.last_level, TRD_LOG_INFO);
    assert_string_equal(cap.component, "yaml");
    /* DEBUG: failures arrive with their status and message. */
    assert_int_equal(trd_ctx_set_logger(ctx, capture, &cap, TRD_LOG_DEBUG), TRD_OK);
    uint32_t id;
    assert_int_equal(trd_ctx_find_operator(ctx, "nope", &id), TRD_E_NOT_FOUND);
    assert_int_equal(cap.last_level, TRD_LOG_DEBUG);
    assert_string_equal(cap.component, "model");
    assert_non_null(strstr(cap.message, "TRD_E_NOT_FOUND"));
    assert_non_null(strstr(cap.message, "no operator named 'nope'"));
    /* OFF silences again. */
    int before = cap.calls;
    assert_int_equal(trd_ctx_set_logger(ctx, capture, &cap, TRD_LOG_OFF), TRD_OK);
    assert_int_equal(trd_ctx_find_operator(ctx, "nope", &id), TRD_E_NOT_FOUND);
    assert_int_equal(cap.calls, before);
    trd_ctx_free(ctx);
}

static void test_status_strings(void **state)
{
    (void)state;
    const trd_status all[] = {TRD_OK, TRD_E_INVALID_ARG, TRD_E_NOMEM, TRD_E_STATE, TRD_E_NOT_FOUND,
                              TRD_E_OUT_OF_RANGE, TRD_E_BUFFER_TOO_SMALL, TRD_E_PARSE, TRD_E_IO,
                              TRD_E_INVALID_MODEL, TRD_E_LIMIT, TRD_E_INTERNAL};
    const size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; i++) {
        assert_true(all[i] <= 0);
        assert_non_null(strstr(trd_status_name(all[i]), "TRD_"));
        assert_string_not_equal(trd_strerror(all[i]), "unknown status code");
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(trd_status_name(all[i]), trd_status_name(all[j]));
            assert_string_not_equal(trd_strerror(all[i]), trd_strerror(all[j]));
        }
    }
    assert_string_equal(trd_status_name(TRD_E_NOMEM), "TRD_E_NOMEM");
    assert_string_equal(trd_strerror(TRD_E_NOMEM), "out of memory");
    assert_string_equal(trd_status_name((trd_status)-42), "TRD_E_UNKNOWN");
    assert_string_equal(trd_strerror((trd_status)17), "unknown status code");
}

static void test_version_and_records(void **state)
{
    (void)state;
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", TRD_VERSION_MAJOR, TRD_VERSION_MINOR, TRD_VERSION_PATCH);
    assert_int_equal(trd_version_number(), TRD_VERSION_NUMBER);
    assert_string_equal(trd_version_string(), expected);
    assert_int_equal(trd_record_size(TRD_RECORD_SAMPLE), 184);
    assert_int_equal(trd_record_size(TRD_RECORD_INGEST_STATS), 40);
    assert_int_equal(trd_record_size(TRD_RECORD_ALLOCATOR), sizeof(trd_allocator));
    assert_int_equal(trd_record_size((trd_record)0), 0);
    assert_int_equal(offsetof(trd_sample, features), 120);
}

static void test_contexts_are_independent(void **state)
{
    (void)state;
    trd_ctx *a, *b;
    assert_int_equal(trd_ctx_new(&a), TRD_OK);
    assert_int_equal(trd_ctx_new(&b), TRD_OK);
    assert_ok(a, trd_ctx_set_int(a, TRD_P_INGEST_CAPACITY, 100));
    assert_ok(a, test_load_model(a));
    int64_t cap;
    assert_ok(b, trd_ctx_get_int(b, TRD_P_INGEST_CAPACITY, &cap));
    assert_int_equal(cap, 65536);
    assert_int_equal(trd_ctx_model_epoch(b), 0);
    assert_int_equal(trd_ctx_commit_model(b, NULL), TRD_E_STATE);
    assert_string_equal(trd_ctx_last_error(a), "");
    trd_ctx_free(a);
    trd_ctx_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_and_free),
        cmocka_unit_test(test_allocator_is_validated),
        cmocka_unit_test(test_every_allocation_goes_through_the_hook),
        cmocka_unit_test(test_allocator_without_realloc),
        cmocka_unit_test(test_null_context_is_refused_everywhere),
        cmocka_unit_test(test_last_error_follows_failures_only),
        cmocka_unit_test(test_logger),
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_version_and_records),
        cmocka_unit_test(test_contexts_are_independent),
    };
    return cmocka_run_group_tests_name("api_context", tests, NULL, NULL);
}
