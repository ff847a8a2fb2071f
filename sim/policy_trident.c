/* policy_trident.c -- the `trident` policy (policy_trident.h): a libtrident context loaded from the scenario's
 * own YAML, seeded with the run's seed and windowed like the engine, driven the way a host drives it.
 *
 *   time 0        the model's deployment (the YAML's `deployment:`) is what libtrident believes runs, so the
 *                 host launches exactly that -- as an engine starts the operator's configured pipeline --
 *                 and polls (libtrident plans once it has estimates for every operator);
 *   every window  the engine's events (trident_events.c), the window's samples with libtrident's config ids,
 *                 a poll; a plan's targets and actions go to the engine as they are (configs the context
 *                 added are registered with the engine first), its probes with TRD_P_PROBE_DURATION_MS. */
#include <stdlib.h>
#include <string.h>

#include "sim_grow.h"
#include "trident_host.h"

static void destroy(void *state)
{
    tp_host *h = state;
    if (!h)
        return;
    if (h->ctx)
        tp_log_state(h);
    trd_ctx_free(h->ctx);
    if (h->trace)
        trd_trace_close(h->trace);
    tp_configs_free(h);
    free(h->model_configs);
    free(h->known);
    free(h->plans);
    free(h->samples);
    free(h->targets);
    free(h->actions);
    free(h);
}

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    const sim_trident_options *opt = param;
    tp_host *h = calloc(1, sizeof *h);
    if (!h)
        return sim_fail(err, SIM_E_NOMEM, "trident: out of memory");
    h->log = opt ? opt->log : NULL;
    h->n_ops = sc->n_ops;
    h->model_configs = calloc(sc->n_ops ? sc->n_ops : 1, sizeof *h->model_configs);
    h->configs = calloc(sc->n_ops ? sc->n_ops : 1, sizeof *h->configs);
    if (!h->model_configs || !h->configs || trd_ctx_new(&h->ctx) != TRD_OK) {
        destroy(h);
        return sim_fail(err, SIM_E_NOMEM, "trident: out of memory");
    }
    if (opt && opt->trace_path && trd_trace_open(&h->trace, opt->trace_path) != 0) {
        destroy(h);
        return sim_fail(err, SIM_E_IO, "trident: cannot write the trace %s", opt->trace_path);
    }
    tp_log_attach(h);
    /* Parameters first: the regime parameters take effect when the model is loaded. */
    sim_status st = tp_set(h, "random_seed", (double)(seed % 9007199254740991u), err);
    if (st == SIM_OK)
        st = tp_set(h, "observe_window_ms", (double)(uint64_t)(sc->window_s * 1000 + 0.5), err);
    for (size_t k = 0; opt && k < opt->n_params && st == SIM_OK; k++)
        st = tp_set(h, opt->params[k].name, opt->params[k].value, err);
    if (st == SIM_OK)
        st = tp_load(h, sc->yaml_text, sc->yaml_len, err);
    int64_t probe_ms = 0;
    if (st == SIM_OK && trd_ctx_get_int(h->ctx, TRD_P_PROBE_DURATION_MS, &probe_ms) != TRD_OK)
        st = sim_fail(err, SIM_E_MODEL, "trident: %s", trd_ctx_last_error(h->ctx));
    if (st != SIM_OK) {
        destroy(h);
        return st;
    }
    h->probe_s = (double)probe_ms / 1000;
    for (uint32_t op = 0; op < sc->n_ops; op++)
        h->model_configs[op] = trd_ctx_config_count(h->ctx, op);
    *out = h;
    return SIM_OK;
}

/* ---- plans ---- */

/* The model's deployment, launched as the engine's first plan. */
static sim_status launch_model_deployment(tp_host *h, sim_plan *plan, sim_error *err)
{
    for (uint32_t q = 0; q < trd_ctx_deployment_count(h->ctx); q++) {
        trd_target t = {0, 0, 0, 0, 0, 0};
        if (trd_ctx_get_deployment(h->ctx, q, &t.op, &t.node, &t.member, &t.config, &t.instances) != TRD_OK)
            return sim_fail(err, SIM_E_MODEL, "trident: %s", trd_ctx_last_error(h->ctx));
        trd_action a = {TRD_ACTION_START, t.op, t.node, t.member, t.config, TRD_NO_CONFIG, t.instances, 1};
        if (sim_plan_add_target(plan, &t) != SIM_OK || sim_plan_add_action(plan, &a) != SIM_OK)
            return sim_fail(err, SIM_E_NOMEM, "trident: out of memory (plan)");
    }
    snprintf(plan->reason, sizeof plan->reason, "trident: the model's deployment");
    return tp_plan_issued(h, plan->id, 0, err);
}

/* Copies libtrident's plan into the engine's, in the engine's config ids. */
static sim_status copy_plan(tp_host *h, sim_host *sh, const trd_plan *tp, sim_plan *plan, sim_error *err)
{
    size_t nt = trd_plan_target_count(tp), na = trd_plan_action_count(tp);
    if (sim_grow((void **)&h->targets, &h->cap_targets, nt ? nt : 1, sizeof *h->targets) ||
        sim_grow((void **)&h->actions, &h->cap_actions, na ? na : 1, sizeof *h->actions))
        return sim_fail(err, SIM_E_NOMEM, "trident: out of memory (plan)");
    if (trd_plan_get_targets(tp, h->targets, nt, NULL) != TRD_OK || trd_plan_get_actions(tp, h->actions, na, NULL))
        return sim_fail(err, SIM_E_MODEL, "trident: cannot read plan %llu", (unsigned long long)trd_plan_id(tp));
    sim_status st = SIM_OK;
    for (size_t k = 0; k < nt && st == SIM_OK; k++) {
        trd_target t = h->targets[k];
        if ((st = tp_config_to_sim(h, sh, t.op, t.config, &t.config, err)) == SIM_OK &&
            sim_plan_add_target(plan, &t) != SIM_OK)
            st = sim_fail(err, SIM_E_NOMEM, "trident: out of memory (plan)");
    }
    for (size_t k = 0; k < na && st == SIM_OK; k++) {
        trd_action a = h->actions[k];
        st = tp_config_to_sim(h, sh, a.op, a.config, &a.config, err);
        if (st == SIM_OK && a.from_config != TRD_NO_CONFIG)
            st = tp_config_to_sim(h, sh, a.op, a.from_config, &a.from_config, err);
        if (st == SIM_OK && sim_plan_add_action(plan, &a) != SIM_OK)
            st = sim_fail(err, SIM_E_NOMEM, "trident: out of memory (plan)");
    }
    if (st != SIM_OK)
        return st;
    plan->probe_duration_s = h->probe_s;
    snprintf(plan->reason, sizeof plan->reason, "trident plan %llu: %s", (unsigned long long)trd_plan_id(tp),
             trd_plan_reason(tp));
    tp_logf(h, "plan %llu: %s", (unsigned long long)trd_plan_id(tp), trd_plan_reason(tp));
    return tp_plan_issued(h, plan->id, trd_plan_id(tp), err);
}

/* ---- a window ---- */

static sim_status feed(tp_host *h, const sim_host *sh, const sim_observation *obs, sim_error *err)
{
    if (obs->n_samples == 0)
        return SIM_OK;
    if (sim_grow((void **)&h->samples, &h->cap_samples, obs->n_samples, sizeof *h->samples))
        return sim_fail(err, SIM_E_NOMEM, "trident: out of memory (samples)");
    for (size_t k = 0; k < obs->n_samples; k++) {
        h->samples[k] = obs->samples[k];
        sim_status st = tp_config_to_trd(h, sh, h->samples[k].op, obs->samples[k].config, &h->samples[k].config, err);
        if (st != SIM_OK)
            return st;
    }
    return tp_observe(h, h->samples, obs->n_samples, err);
}

static sim_status step(void *state, sim_host *sh, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    tp_host *h = state;
    if (obs->first)
        return launch_model_deployment(h, plan, err);
    sim_status st = tp_report_events(h, sh, obs, err);
    h->now_s = (double)obs->now_ns / 1e9;
    if (st == SIM_OK)
        st = feed(h, sh, obs, err);
    if (st != SIM_OK)
        return st;
    trd_plan *tp = NULL;
    trd_status ts = tp_poll(h, obs->now_ns, &tp);
    if (ts == TRD_E_NOMEM)
        return sim_fail(err, SIM_E_NOMEM, "trident: poll: %s", trd_ctx_last_error(h->ctx));
    if (!tp)
        return SIM_OK; /* a failed solve (in the log) is no plan: the next step retries */
    st = copy_plan(h, sh, tp, plan, err);
    uint64_t id = trd_plan_id(tp);
    trd_plan_free(tp);
    /* A plan without actions never reaches the engine: it is applied as it stands. */
    if (st == SIM_OK && plan->n_actions == 0)
        st = tp_outcome(h, id, TRD_OUTCOME_APPLIED, obs->now_ns, err);
    return st;
}

const sim_policy_vtable sim_policy_trident = {
    "trident", "libtrident through its public API, as a host drives it (observe, events, poll, outcomes)", 0, 1,
    NULL, create, step, destroy};

/* The same policy with one libtrident parameter changed: the switch-all-at-once row of the paper's RQ2 and the
 * ablations of its RQ5 (docs/baselines.md).  Nothing else differs. */
static const sim_trident_param p_all_at_once[] = {{"rolling_max_fraction", 1}}; /* every instance in one round */
static const sim_trident_param p_no_observe[] = {{"observe_estimator", 1}};     /* DS2's useful-time rates     */
static const sim_trident_param p_no_adapt[] = {{"adapt_enable", 0}};            /* default configs only        */
static const sim_trident_param p_no_placement[] = {{"sched_network", 0}};       /* network-agnostic MILP       */
static const sim_trident_options o_all_at_once = {NULL, NULL, p_all_at_once, 1};
static const sim_trident_options o_no_observe = {NULL, NULL, p_no_observe, 1};
static const sim_trident_options o_no_adapt = {NULL, NULL, p_no_adapt, 1};
static const sim_trident_options o_no_placement = {NULL, NULL, p_no_placement, 1};

const sim_policy_vtable sim_policy_trident_all_at_once = {
    "trident-all-at-once", "trident switching configs on all instances at once (rolling_max_fraction = 1)", 0, 1,
    &o_all_at_once, create, step, destroy};
const sim_policy_vtable sim_policy_trident_no_observe = {
    "trident-no-observe", "ablation: trident with DS2's useful-time rates (observe_estimator = 1)", 0, 1,
    &o_no_observe, create, step, destroy};
const sim_policy_vtable sim_policy_trident_no_adapt = {
    "trident-no-adapt", "ablation: trident at default configs (adapt_enable = 0)", 0, 1, &o_no_adapt, create, step,
    destroy};
const sim_policy_vtable sim_policy_trident_no_placement = {
    "trident-no-placement", "ablation: trident with a network-agnostic MILP (sched_network = 0)", 0, 1,
    &o_no_placement, create, step, destroy};
