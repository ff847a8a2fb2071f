/* Allocation-failure injection.  A scenario is a list of steps, each one public call.  For N = 1, 2, ... the
 * allocator fails its N-th allocation; the step that meets the failure must return TRD_E_NOMEM, change
 * nothing (the model JSON and ingest counters are compared), and leave the context usable: with the allocator
 * healthy again the same step is retried and the rest of the scenario must reach exactly the state of a run
 * without failures.  After trd_ctx_free nothing may be left allocated.  The loop ends at the first N that no
 * longer reaches a failure.
 *
 * To cover a new public call, add a step to `steps` below. */
#include <stdlib.h>

#include "test_support.h"

typedef struct scenario {
    uint32_t cpu, gpu, src, mid, dst, cfg;
    uint64_t plan_id; /* the loop's latest plan */
    char pdf_path[4096];
} scenario;

typedef trd_status (*step_fn)(trd_ctx *ctx, scenario *s);

static trd_status s_logger(trd_ctx *ctx, scenario *s)
{
    (void)s;
    return trd_ctx_set_logger(ctx, NULL, NULL, TRD_LOG_OFF);
}
static trd_status s_params(trd_ctx *ctx, scenario *s)
{
    (void)s;
    return trd_ctx_set_double(ctx, TRD_P_INGEST_BUSY_SLACK, 0.1);
}
static trd_status s_add_cpu(trd_ctx *ctx, scenario *s) { return trd_ctx_add_node(ctx, "cpu", &s->cpu); }
static trd_status s_cpu_attrs(trd_ctx *ctx, scenario *s)
{
    trd_status st = trd_ctx_set_node_attr(ctx, s->cpu, TRD_NODE_CPUS, 32);
    return st ? st : trd_ctx_set_node_attr(ctx, s->cpu, TRD_NODE_MEMORY_BYTES, 1e11);
}
static trd_status s_add_gpu(trd_ctx *ctx, scenario *s) { return trd_ctx_add_node(ctx, "gpu", &s->gpu); }
static trd_status s_gpu_attrs(trd_ctx *ctx, scenario *s)
{
    trd_status st = trd_ctx_set_node_attr(ctx, s->gpu, TRD_NODE_CPUS, 16);
    st = st ? st : trd_ctx_set_node_attr(ctx, s->gpu, TRD_NODE_MEMORY_BYTES, 1e11);
    st = st ? st : trd_ctx_set_node_attr(ctx, s->gpu, TRD_NODE_GPUS, 4);
    return st ? st : trd_ctx_set_node_attr(ctx, s->gpu, TRD_NODE_GPU_MEMORY_BYTES, 8e10);
}
static trd_status s_add_src(trd_ctx *ctx, scenario *s) { return trd_ctx_add_operator(ctx, "src", &s->src); }
static trd_status s_add_mid(trd_ctx *ctx, scenario *s) { return trd_ctx_add_operator(ctx, "mid", &s->mid); }
static trd_status s_mid_attrs(trd_ctx *ctx, scenario *s)
{
    return trd_ctx_set_operator_attr(ctx, s->mid, TRD_OP_GPUS, 0.5);
}
static trd_status s_feature(trd_ctx *ctx, scenario *s) { return trd_ctx_add_feature(ctx, s->src, "pages", NULL); }
static trd_status s_knob_int(trd_ctx *ctx, scenario *s)
{
    return trd_ctx_add_knob_int(ctx, s->mid, "batch", 1, 128, 16, TRD_KNOB_MEMORY_MONOTONE, NULL);
}
static trd_status s_knob_real(trd_ctx *ctx, scenario *s)
{
    return trd_ctx_add_knob_real(ctx, s->mid, "temp", 0, 1, 0.5, 0, NULL);
}
static trd_status s_knob_bool(trd_ctx *ctx, scenario *s) { return trd_ctx_add_knob_bool(ctx, s->mid, "flag", 1, NULL); }
static trd_status s_knob_choice(trd_ctx *ctx, scenario *s)
{
    const char *const c[] = {"a", "b", "c"};
    return trd_ctx_add_knob_choice(ctx, s->mid, "mode", c, 3, 1, NULL);
}
static trd_status s_config(trd_ctx *ctx, scenario *s)
{
    const double v[] = {32, 0.25, 0, 2};
    return trd_ctx_add_config(ctx, s->mid, v, 4, &s->cfg);
}
static trd_status s_edge(trd_ctx *ctx, scenario *s) { return trd_ctx_add_edge(ctx, s->src, s->mid, 1); }
static trd_status s_deploy(trd_ctx *ctx, scenario *s) { return trd_ctx_set_deployment(ctx, s->mid, s->gpu, 0, s->cfg, 2); }
static trd_status s_commit(trd_ctx *ctx, scenario *s)
{
    (void)s;
    return trd_ctx_commit_model(ctx, NULL);
}
/* Edits after a commit clone the committed model into the staging area. */
static trd_status s_add_dst(trd_ctx *ctx, scenario *s) { return trd_ctx_add_operator(ctx, "dst", &s->dst); }
static trd_status s_edge2(trd_ctx *ctx, scenario *s) { return trd_ctx_add_edge(ctx, s->mid, s->dst, 0.5); }
static trd_status s_cycle_edge(trd_ctx *ctx, scenario *s) { return trd_ctx_add_edge(ctx, s->dst, s->src, 1); }
static trd_status s_commit_invalid(trd_ctx *ctx, scenario *s)
{
    /* Validation allocates too (ordering, cycle description); a cycle must still be reported cleanly. */
    (void)s;
    trd_status st = trd_ctx_commit_model(ctx, NULL);
    return st == TRD_E_INVALID_MODEL ? TRD_OK : st == TRD_OK ? TRD_E_INTERNAL : st;
}
static trd_status s_discard(trd_ctx *ctx, scenario *s)
{
    (void)s;
    trd_ctx_discard_model_edits(ctx);
    return TRD_OK;
}
static trd_status s_commit2(trd_ctx *ctx, scenario *s)
{
    (void)s;
    return trd_ctx_commit_model(ctx, NULL);
}
static trd_status s_observe(trd_ctx *ctx, scenario *s)
{
    trd_sample batch[100];
    for (int i = 0; i < 100; i++) {
        batch[i] = test_sample(s->src, 1);
        batch[i].items_in = (uint64_t)i;
    }
    return trd_ctx_observe(ctx, batch, 100);
}
/* Thirty 10 s windows of src with a varying workload: enough for the observe layer to fit a GP. */
static trd_status s_observe_windows(trd_ctx *ctx, scenario *s)
{
    trd_sample batch[30];
    for (int i = 0; i < 30; i++) {
        batch[i] = test_sample(s->src, 1);
        batch[i].window_start_ns = 100000000000ull + (uint64_t)i * 10000000000ull;
        batch[i].window_end_ns = batch[i].window_start_ns + 10000000000ull;
        batch[i].features[0] = 1 + (i * 7) % 20;
        batch[i].items_in = (uint64_t)(2000.0 / (1 + batch[i].features[0] / 5));
    }
    return trd_ctx_observe(ctx, batch, 30);
}
static trd_status s_estimate(trd_ctx *ctx, scenario *s)
{
    double mean, sd;
    return trd_ctx_estimate(ctx, s->src, &mean, &sd);
}
static trd_status s_estimate_detail(trd_ctx *ctx, scenario *s)
{
    trd_estimate e;
    const double f[1] = {4};
    trd_status st = trd_ctx_estimate_detail(ctx, s->src, 0, f, 1, &e);
    return st == TRD_OK && e.source != TRD_ESTIMATE_GP ? TRD_E_INTERNAL : st;
}
static trd_status s_observe_stats(trd_ctx *ctx, scenario *s)
{
    trd_observe_stats st;
    return trd_ctx_observe_stats(ctx, s->src, &st);
}
static trd_status s_invalidate(trd_ctx *ctx, scenario *s) { return trd_ctx_invalidate(ctx, s->src, TRD_ALL_CONFIGS); }
static trd_status s_seed(trd_ctx *ctx, scenario *s)
{
    (void)s;
    return trd_ctx_set_int(ctx, TRD_P_RANDOM_SEED, 99);
}

static trd_status s_capacity(trd_ctx *ctx, scenario *s)
{
    (void)s;
    return trd_ctx_set_int(ctx, TRD_P_INGEST_CAPACITY, 32);
}
static trd_status s_json(trd_ctx *ctx, scenario *s)
{
    (void)s;
    char buf[8192];
    return trd_ctx_model_to_json(ctx, buf, sizeof buf, NULL);
}
static trd_status s_reads(trd_ctx *ctx, scenario *s)
{
    double v[4];
    uint32_t id;
    trd_status st = trd_ctx_config_values(ctx, s->mid, s->cfg, v, 4, NULL);
    st = st ? st : trd_ctx_find_operator(ctx, "dst", &id);
    return st ? st : trd_ctx_get_knob(ctx, s->mid, 3, NULL, NULL, NULL, NULL, NULL, NULL);
}
/* Plans allocate (model, solver input, fleet, plan); GLPK's own memory is not ours to fail. */
static trd_status plan_step(trd_ctx *ctx, scenario *s)
{
    /* mid runs 2 instances of config s->cfg and is offered the default config: a transition is on offer. */
    trd_rate r[3] = {{s->src, TRD_NO_CONFIG, 50, 0, 0}, {s->mid, 0, 4, 6, 0}, {s->dst, TRD_NO_CONFIG, 20, 0, 0}};
    trd_plan *p = NULL;
    trd_status st = trd_ctx_plan_with_rates(ctx, r, 3, &p);
    if (st != TRD_OK)
        return st;
    char json[8192];
    trd_action acts[64];
    trd_target tgts[64];
    if (trd_plan_to_json(p, json, sizeof json, NULL) != TRD_OK || trd_plan_get_actions(p, acts, 64, NULL) != TRD_OK ||
        trd_plan_get_targets(p, tgts, 64, NULL) != TRD_OK || trd_plan_predicted_throughput(p) <= 0)
        st = TRD_E_INTERNAL;
    trd_plan_free(p);
    return st;
}
static trd_status s_plan(trd_ctx *ctx, scenario *s) { return plan_step(ctx, s); }
static trd_status s_plan_paper(trd_ctx *ctx, scenario *s)
{
    trd_status st = trd_ctx_set_int(ctx, TRD_P_SCHED_FORMULATION, 1);
    st = st ? st : plan_step(ctx, s);
    trd_status back = trd_ctx_set_int(ctx, TRD_P_SCHED_FORMULATION, 0);
    return st ? st : back;
}
static trd_status s_plan_infeasible(trd_ctx *ctx, scenario *s)
{
    /* A failing solve allocates too; its failure must be clean.  Wrong rates are refused before any model. */
    trd_rate r[3] = {{s->src, TRD_NO_CONFIG, 1, 0, 0}, {s->mid, TRD_NO_CONFIG, NAN, 0, 0}, {s->dst, TRD_NO_CONFIG, 1, 0, 0}};
    trd_plan *p = NULL;
    trd_status st = trd_ctx_plan_with_rates(ctx, r, 3, &p);
    return st == TRD_E_INVALID_ARG && p == NULL ? TRD_OK : st == TRD_OK ? TRD_E_INTERNAL : st;
}
/* ---- the closed loop ---- */
#define SEC 1000000000ull
/* Four windows of every operator at full load from t0 on (whole-operator samples for the live deployment). */
static trd_status loop_feed(trd_ctx *ctx, scenario *s, uint64_t t0)
{
    const uint32_t ops[3] = {s->src, s->mid, s->dst};
    trd_sample batch[12];
    size_t n = 0;
    for (int w = 0; w < 4; w++)
        for (int k = 0; k < 3; k++) {
            trd_sample x = test_sample(ops[k], trd_ctx_feature_count(ctx, ops[k]));
            x.window_start_ns = t0 + (uint64_t)w * 10 * SEC;
            x.window_end_ns = x.window_start_ns + 10 * SEC;
            x.instance = TRD_WHOLE_OPERATOR;
            x.config = ops[k] == s->mid ? s->cfg : 0;
            x.active_instances = 2;
            x.busy_s = 18;
            x.items_in = 400 + 100 * (uint64_t)k;
            x.items_out = x.items_in;
            batch[n++] = x;
        }
    return trd_ctx_observe(ctx, batch, n);
}
static trd_status s_loop_feed(trd_ctx *ctx, scenario *s) { return loop_feed(ctx, s, 1000 * SEC); }
static trd_status s_loop_feed2(trd_ctx *ctx, scenario *s) { return loop_feed(ctx, s, 1200 * SEC); }
static trd_status s_event_up(trd_ctx *ctx, scenario *s)
{
    trd_event e = {1001 * SEC, 0, 0, 0, TRD_EVENT_INSTANCE_UP, s->src, s->cpu, 0, 0, TRD_NO_CONFIG, 1, 3};
    return trd_ctx_report_event(ctx, &e);
}
static trd_status s_event_ready(trd_ctx *ctx, scenario *s)
{
    trd_event e = {1005 * SEC, 0, 0, 0, TRD_EVENT_INSTANCE_READY, s->src, s->cpu, 0, 0, TRD_NO_CONFIG, 1, 3};
    return trd_ctx_report_event(ctx, &e);
}
static trd_status s_request_transition(trd_ctx *ctx, scenario *s)
{
    return trd_ctx_request_transition(ctx, s->mid, 0, 60);
}
static trd_status poll_at(trd_ctx *ctx, scenario *s, uint64_t now)
{
    trd_plan *p = NULL;
    trd_status st = trd_ctx_poll(ctx, now, &p);
    if (st == TRD_OK && p) {
        char json[16384];
        s->plan_id = trd_plan_id(p);
        st = trd_plan_to_json(p, json, sizeof json, NULL);
    }
    trd_plan_free(p);
    return st;
}
static trd_status s_poll(trd_ctx *ctx, scenario *s) { return poll_at(ctx, s, 1100 * SEC); }
static trd_status s_poll2(trd_ctx *ctx, scenario *s) { return poll_at(ctx, s, 1300 * SEC); }
static trd_status s_event_of_plan(trd_ctx *ctx, scenario *s)
{
    if (s->plan_id == 0)
        return TRD_E_INTERNAL; /* the first poll must have made a plan */
    trd_event e = {1101 * SEC, s->plan_id, 2.5, 0, TRD_EVENT_INSTANCE_UP, s->dst, s->cpu, 0, 0, TRD_NO_CONFIG, 1,
                   TRD_WHOLE_OPERATOR};
    return trd_ctx_report_event(ctx, &e);
}
static trd_status s_outcome_partial(trd_ctx *ctx, scenario *s)
{
    return trd_ctx_report_outcome(ctx, s->plan_id, TRD_OUTCOME_PARTIAL, 1102 * SEC);
}
static trd_status s_outcome_applied(trd_ctx *ctx, scenario *s)
{
    trd_status st = trd_ctx_report_outcome(ctx, s->plan_id, TRD_OUTCOME_APPLIED, 1302 * SEC);
    return st == TRD_E_STALE ? TRD_OK : st; /* the second poll may have found nothing to change */
}
static trd_status s_oom(trd_ctx *ctx, scenario *s)
{
    trd_event e = {1303 * SEC, 0, 0, 7e10, TRD_EVENT_OOM, s->mid, s->gpu, 0, s->cfg, TRD_NO_CONFIG, 1, 9};
    return trd_ctx_report_event(ctx, &e);
}
static trd_status s_loop_reads(trd_ctx *ctx, scenario *s)
{
    trd_step_info si;
    trd_loop_op_info li;
    trd_status st = trd_ctx_step_info(ctx, &si);
    st = st ? st : trd_ctx_loop_op_info(ctx, s->mid, &li);
    return st ? st : si.steps == 0 ? TRD_E_INTERNAL : TRD_OK;
}
static trd_status s_cancel(trd_ctx *ctx, scenario *s) { return trd_ctx_cancel_transition(ctx, s->mid); }

static trd_status s_yaml_string(trd_ctx *ctx, scenario *s)
{
    (void)s;
    return test_load_model(ctx);
}
static trd_status s_yaml_bad(trd_ctx *ctx, scenario *s)
{
    /* A failing load also allocates (parser tree, partial model); its failure must still be clean. */
    (void)s;
    static const char bad[] = "cluster: {nodes: [{name: n, cpus: 1, memory: 1GiB}]}\n"
                              "pipeline: {operators: [{name: a}, {name: b}]}\n";
    trd_status st = trd_ctx_load_yaml_string(ctx, bad, strlen(bad));
    return st == TRD_E_INVALID_MODEL ? TRD_OK : st == TRD_OK ? TRD_E_INTERNAL : st;
}
static trd_status s_yaml_file(trd_ctx *ctx, scenario *s) { return trd_ctx_load_yaml(ctx, s->pdf_path); }
static trd_status s_observe_after_reload(trd_ctx *ctx, scenario *s)
{
    (void)s;
    trd_sample one = test_sample(0, trd_ctx_feature_count(ctx, 0));
    return trd_ctx_observe(ctx, &one, 1);
}

typedef struct step {
    const char *name;
    step_fn fn;
    int folds; /* a control step: buffered samples it folded before failing stay folded (documented) */
} step;

static const step steps[] = {
    {"set_logger", s_logger, 0},
    {"set_double", s_params, 0},
    {"add_node cpu", s_add_cpu, 0},
    {"set_node_attr cpu", s_cpu_attrs, 0},
    {"add_node gpu", s_add_gpu, 0},
    {"set_node_attr gpu", s_gpu_attrs, 0},
    {"add_operator src", s_add_src, 0},
    {"add_operator mid", s_add_mid, 0},
    {"set_operator_attr", s_mid_attrs, 0},
    {"add_feature", s_feature, 0},
    {"add_knob_int", s_knob_int, 0},
    {"add_knob_real", s_knob_real, 0},
    {"add_knob_bool", s_knob_bool, 0},
    {"add_knob_choice", s_knob_choice, 0},
    {"add_config", s_config, 0},
    {"add_edge", s_edge, 0},
    {"set_deployment", s_deploy, 0},
    {"commit_model", s_commit, 0},
    {"add_operator after commit", s_add_dst, 0},
    {"add_edge after commit", s_edge2, 0},
    {"add_edge closing a cycle", s_cycle_edge, 0},
    {"commit_model (cycle)", s_commit_invalid, 0},
    {"discard_model_edits", s_discard, 0},
    {"add_operator after discard", s_add_dst, 0},
    {"add_edge after discard", s_edge2, 0},
    {"commit_model again", s_commit2, 0},
    {"plan_with_rates", s_plan, 0},
    {"plan_with_rates (paper_literal)", s_plan_paper, 0},
    {"plan_with_rates (invalid rates)", s_plan_infeasible, 0},
    {"observe", s_observe, 0},
    {"set_int random_seed", s_seed, 0},
    {"observe 30 windows", s_observe_windows, 0},
    {"estimate (folds, fits a GP)", s_estimate, 0},
    {"estimate_detail", s_estimate_detail, 0},
    {"observe_stats", s_observe_stats, 0},
    {"invalidate", s_invalidate, 0},
    {"observe (loop windows)", s_loop_feed, 0},
    {"report_event INSTANCE_UP", s_event_up, 0},
    {"report_event INSTANCE_READY", s_event_ready, 0},
    {"request_transition", s_request_transition, 0},
    {"poll (plans)", s_poll, 1},
    {"report_event of the plan", s_event_of_plan, 0},
    {"report_outcome PARTIAL", s_outcome_partial, 0},
    {"observe (more loop windows)", s_loop_feed2, 0},
    {"poll again", s_poll2, 1},
    {"report_outcome APPLIED", s_outcome_applied, 0},
    {"report_event OOM", s_oom, 0},
    {"step_info, loop_op_info", s_loop_reads, 0},
    {"cancel_transition", s_cancel, 0},
    {"set_int ingest_capacity", s_capacity, 0},
    {"model_to_json", s_json, 0},
    {"reads", s_reads, 0},
    {"load_yaml_string", s_yaml_string, 0},
    {"load_yaml_string (invalid model)", s_yaml_bad, 0},
    {"load_yaml (pdf.yaml)", s_yaml_file, 0},
    {"observe after reload", s_observe_after_reload, 0},
};
enum { N_STEPS = sizeof steps / sizeof steps[0] };

/* State that must not change across a failed step. */
typedef struct snapshot {
    char *json;
    trd_ingest_stats stats;
    uint64_t epoch;
    trd_step_info loop;
    trd_loop_op_info ops[3];
} snapshot;

static snapshot take(trd_ctx *ctx)
{
    snapshot s;
    s.json = test_model_json(ctx);
    trd_ctx_ingest_stats(ctx, &s.stats);
    s.epoch = trd_ctx_model_epoch(ctx);
    memset(&s.loop, 0, sizeof s.loop);
    memset(s.ops, 0, sizeof s.ops);
    trd_ctx_step_info(ctx, &s.loop);
    for (uint32_t op = 0; op < 3 && op < trd_ctx_operator_count(ctx); op++)
        trd_ctx_loop_op_info(ctx, op, &s.ops[op]);
    return s;
}

static void same(const snapshot *a, const snapshot *b, const char *what, int folds)
{
    if ((a->json == NULL) != (b->json == NULL) || (a->json && strcmp(a->json, b->json) != 0))
        fail_msg("%s: the model changed", what);
    trd_ingest_stats x = a->stats, y = b->stats;
    if (folds)
        x.buffered = y.buffered = 0;
    if (memcmp(&x, &y, sizeof x) != 0)
        fail_msg("%s: the ingest counters changed", what);
    if (a->epoch != b->epoch)
        fail_msg("%s: the epoch changed", what);
    if (memcmp(&a->loop, &b->loop, sizeof a->loop) != 0)
        fail_msg("%s: the loop's counters changed", what);
    for (int k = 0; k < 3; k++)
        if (memcmp(&a->ops[k], &b->ops[k], sizeof a->ops[k]) != 0)
            fail_msg("%s: what the loop knows of operator %d changed", what, k);
}

static void release(snapshot *s)
{
    free(s->json);
    s->json = NULL;
}

static void scenario_init(scenario *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->pdf_path, sizeof s->pdf_path, "%s", test_source_path("examples/pipelines/pdf.yaml"));
}

/* Runs the whole scenario without failures and returns its final state. */
static snapshot reference_run(void)
{
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    scenario s;
    scenario_init(&s);
    for (size_t i = 0; i < N_STEPS; i++) {
        trd_status st = steps[i].fn(ctx, &s);
        if (st != TRD_OK)
            fail_msg("reference run: step '%s' failed: %s: %s", steps[i].name, trd_status_name(st),
                     trd_ctx_last_error(ctx));
    }
    snapshot final = take(ctx);
    trd_ctx_free(ctx);
    assert_int_equal(a.live_blocks, 0);
    return final;
}

static void test_every_allocation_failure_is_clean(void **state)
{
    (void)state;
    snapshot reference = reference_run();
    size_t failures_injected = 0, n;
    for (n = 1;; n++) {
        test_alloc a;
        memset(&a, 0, sizeof a);
        a.fail_at = n;
        trd_allocator alloc = test_allocator(&a);
        trd_ctx *ctx = NULL;
        trd_status st = trd_ctx_new_with_allocator(&ctx, &alloc);
        if (st == TRD_E_NOMEM) {
            assert_int_equal(a.live_blocks, 0);
            failures_injected++;
            continue;
        }
        assert_int_equal(st, TRD_OK);
        scenario s;
        scenario_init(&s);
        int failed_at = -1;
        for (size_t i = 0; i < N_STEPS; i++) {
            size_t failures_before = a.failures;
            snapshot before = take(ctx);
            /* take() allocates nothing in the library (model_to_json writes into a host buffer). */
            st = steps[i].fn(ctx, &s);
            if (st == TRD_E_NOMEM) {
                if (a.failures == failures_before)
                    fail_msg("N=%zu, step '%s': TRD_E_NOMEM without an injected failure", n, steps[i].name);
                snapshot after = take(ctx);
                char what[160];
                snprintf(what, sizeof what, "N=%zu, step '%s' (%s)", n, steps[i].name, trd_ctx_last_error(ctx));
                same(&before, &after, what, steps[i].folds);
                release(&after);
                failed_at = (int)i;
                failures_injected++;
                /* The context stays usable: heal the allocator and retry the same step. */
                a.fail_at = 0;
                st = steps[i].fn(ctx, &s);
            }
            release(&before);
            if (st != TRD_OK)
                fail_msg("N=%zu, step '%s': %s: %s", n, steps[i].name, trd_status_name(st), trd_ctx_last_error(ctx));
        }
        snapshot final = take(ctx);
        char what[96];
        snprintf(what, sizeof what, "N=%zu, final state", n);
        same(&reference, &final, what, 0);
        release(&final);
        trd_ctx_free(ctx);
        if (a.live_blocks != 0 || a.live_bytes != 0)
            fail_msg("N=%zu: %zu blocks (%zu bytes) leaked", n, a.live_blocks, a.live_bytes);
        assert_int_equal(a.size_mismatches, 0);
        if (a.failures == 0)
            break; /* the scenario made fewer than n allocations: every one has been failed once */
        /* Optional work may absorb a failure (a GP fit without memory keeps its previous hyper-parameters):
         * then no step failed, and the final state above still had to match. */
        (void)failed_at;
    }
    release(&reference);
    print_message("injected %zu allocation failures over %zu runs of a %d-step scenario\n", failures_injected, n,
                  (int)N_STEPS);
    assert_true(failures_injected > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_allocation_failure_is_clean)};
    return cmocka_run_group_tests_name("api_alloc_failure", tests, NULL, NULL);
}
