#define _POSIX_C_SOURCE 200809L /* mkstemp */
/* Traces: a scripted host run recorded through the trd_traced_* wrappers replays into a fresh context to the
 * same plans, byte for byte, twice over; a mid-run commit replays as edits (what the loop learned survives);
 * malformed traces and calls the library refuses are reported with file and line. */
#include <stdlib.h>
#include <unistd.h>

#include "test_host.h"
#include "test_support.h"
#include "trace.h"

typedef struct collected {
    char *text; /* every replayed plan's JSON, one per line */
    size_t len, polls, plans, differ;
} collected;

static int collect(void *user, uint64_t now_ns, const trd_plan *plan, const char *recorded)
{
    (void)now_ns;
    collected *c = user;
    c->polls++;
    size_t len = 0;
    char *json = NULL;
    if (plan) {
        assert_int_equal(trd_plan_to_json(plan, NULL, 0, &len), TRD_OK);
        json = malloc(len + 1);
        assert_int_equal(trd_plan_to_json(plan, json, len + 1, NULL), TRD_OK);
        c->text = realloc(c->text, c->len + len + 2);
        memcpy(c->text + c->len, json, len);
        c->len += len;
        c->text[c->len++] = '\n';
        c->text[c->len] = '\0';
        c->plans++;
    }
    c->differ += json ? strcmp(json, recorded) != 0 : strcmp(recorded, "null") != 0;
    free(json);
    return 0;
}

/* Records a run of the chain: polls every 30 s for 20 minutes, plans applied with their events, a requested
 * transition, an OOM, and a commit that adds a machine half-way. */
static void record_run(const char *path)
{
    trd_trace *t = NULL;
    assert_int_equal(trd_trace_open(&t, path), 0);
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    assert_ok(ctx, trd_traced_set_int(t, ctx, TRD_P_SCHED_INTERVAL_MS, 60000));
    assert_ok(ctx, trd_traced_load_yaml_string(t, ctx, test_chain_yaml, strlen(test_chain_yaml)));
    double threads = 4;
    assert_ok(ctx, trd_ctx_add_config(ctx, 1, &threads, 1, NULL));
    assert_ok(ctx, trd_traced_commit_model(t, ctx, NULL));
    trd_sample s[6 * 3];
    for (int step = 0; step < 40; step++) {
        double now = 30.0 * (step + 1);
        size_t n = test_chain_samples(ctx, &test_chain_base, now - 30, 3, s, sizeof s / sizeof s[0]);
        assert_ok(ctx, trd_traced_observe(t, ctx, s, n));
        if (step == 10)
            assert_ok(ctx, trd_traced_request_transition(t, ctx, 1, 1, 20));
        if (step == 20) {
            uint32_t node;
            assert_ok(ctx, trd_ctx_add_node(ctx, "extra", &node));
            assert_ok(ctx, trd_ctx_set_node_attr(ctx, node, TRD_NODE_CPUS, 4));
            assert_ok(ctx, trd_ctx_set_node_attr(ctx, node, TRD_NODE_MEMORY_BYTES, 16e9));
            assert_ok(ctx, trd_traced_commit_model(t, ctx, NULL));
        }
        if (step == 25) {
            trd_event oom = {(uint64_t)(now * 1e9), 0, 0, 9e9, TRD_EVENT_OOM, 1, 0, 0, 0, TRD_NO_CONFIG, 1, 5};
            assert_ok(ctx, trd_traced_report_event(t, ctx, &oom));
        }
        trd_plan *plan = NULL;
        assert_ok(ctx, trd_traced_poll(t, ctx, (uint64_t)(now * 1e9), &plan));
        if (plan) {
            trd_event up = {(uint64_t)(now * 1e9) + 1, trd_plan_id(plan), 2, 0, TRD_EVENT_INSTANCE_UP, 2, 0, 1, 0,
                            TRD_NO_CONFIG, 1, TRD_WHOLE_OPERATOR};
            assert_ok(ctx, trd_traced_report_event(t, ctx, &up));
            assert_ok(ctx, trd_traced_report_outcome(t, ctx, trd_plan_id(plan),
                                                     step % 3 == 2 ? TRD_OUTCOME_PARTIAL : TRD_OUTCOME_APPLIED,
                                                     (uint64_t)(now * 1e9) + 2));
            trd_plan_free(plan);
        }
    }
    trd_step_info info;
    assert_ok(ctx, trd_ctx_step_info(ctx, &info));
    assert_true(info.plans >= 3);
    assert_true(info.transitions == 1);
    trd_ctx_free(ctx);
    assert_int_equal(trd_trace_close(t), 0);
}

static collected replay(const char *path)
{
    collected c = {NULL, 0, 0, 0, 0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    char err[512];
    int rc = trd_trace_replay(f, path, ctx, collect, &c, err, sizeof err);
    if (rc != 0)
        fail_msg("replay failed: %s", err);
    fclose(f);
    trd_ctx_free(ctx);
    return c;
}

static void test_replay_reproduces_the_plans(void **state)
{
    (void)state;
    char path[] = "/tmp/trident_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    record_run(path);
    collected one = replay(path), two = replay(path);
    print_message("replayed %zu polls, %zu plans\n", one.polls, one.plans);
    assert_int_equal(one.polls, 40);
    assert_true(one.plans >= 3);
    assert_int_equal(one.differ, 0); /* as recorded */
    assert_int_equal(one.len, two.len);
    assert_string_equal(one.text, two.text); /* and the same on every replay */
    free(one.text);
    free(two.text);
    if (getenv("TRIDENT_KEEP_TRACE"))
        print_message("trace kept at %s\n", path);
    else
        unlink(path);
}

static void expect_replay_error(const char *content, const char *needle)
{
    char path[] = "/tmp/trident_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
    close(fd);
    FILE *f = fopen(path, "rb");
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    char err[512];
    collected c = {NULL, 0, 0, 0, 0};
    assert_int_equal(trd_trace_replay(f, "t.jsonl", ctx, collect, &c, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" does not contain \"%s\"", err, needle);
    fclose(f);
    trd_ctx_free(ctx);
    unlink(path);
}

static void test_bad_traces(void **state)
{
    (void)state;
    expect_replay_error("{\"t\":\"trace\",\"version\":1}\n{not json\n", "t.jsonl:2: not JSON");
    expect_replay_error("{\"t\":\"trace\"}\n\n{\"t\":\"bogus\"}\n", "t.jsonl:3: unknown record \"bogus\"");
    expect_replay_error("{\"t\":\"param\",\"name\":\"nope\",\"value\":1}\n", "t.jsonl:1: unknown parameter 'nope'");
    expect_replay_error("{\"t\":\"param\",\"name\":\"min_gain\",\"value\":99}\n",
                        "t.jsonl:1: min_gain: TRD_E_OUT_OF_RANGE");
    expect_replay_error("{\"t\":\"poll\",\"now\":5,\"status\":0,\"plan\":null}\n",
                        "poll returned TRD_E_STATE, the recording TRD_OK");
    expect_replay_error("{\"t\":\"outcome\",\"plan\":1,\"outcome\":\"maybe\",\"now\":1}\n",
                        "unknown outcome 'maybe'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_reproduces_the_plans),
        cmocka_unit_test(test_bad_traces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
