/* loop.c -- what happens between control steps: events, plan outcomes, abandoned plans, and the end of config
 * transitions.  Context-level glue: it edits the live deployment (the committed model's), tells the observe
 * layer what to forget, and tells the adapt layer what happened. */
#include <string.h>

#include "control/loop.h"
#include "control/tune.h"
#include "ctx_internal.h"
#include "schedule/sched.h"

static double alpha_of(const trd_ctx *ctx) { return trd__ctx_param(ctx, TRD__PI_LEARN_ALPHA); }

void trd__loop_check_transitions(trd_ctx *ctx)
{
    trd__control *c = &ctx->control;
    const trd__model *m = ctx->model;
    for (uint32_t op = 0; op < c->n_ops && op < m->n_ops; op++) {
        trd__transition *t = &c->transitions[op];
        if (!t->active)
            continue;
        uint32_t all = trd__live_instances(m, op), on = trd__live_instances_on(m, op, t->target);
        if (all == 0 || on < all)
            continue;
        /* Every instance runs the new config: what observe knows of the configs left behind describes nothing
         * that runs (the paper's sample invalidation at commit). */
        for (size_t k = 0; k < t->n_left; k++)
            trd__observe_invalidate(&ctx->observe, op, t->left[k]);
        trd__logf(&ctx->log, TRD_LOG_INFO, "control", "transition of '%s' to config %u complete after %u round(s)",
                  m->ops[op].name, t->target, t->rounds);
        t->active = 0;
        trd__tune_transition_ended(ctx, op, 1);
    }
}

void trd__loop_end_transition(trd_ctx *ctx, uint32_t op, const char *why)
{
    trd__transition *t = &ctx->control.transitions[op];
    if (!t->active)
        return;
    trd__logf(&ctx->log, TRD_LOG_INFO, "control", "transition of '%s' to config %u dropped: %s",
              ctx->model->ops[op].name, t->target, why);
    t->active = 0;
    trd__tune_transition_ended(ctx, op, 0);
}

void trd__loop_timings(const trd_ctx *ctx, uint32_t op, double *start_s, double *stop_s, double *cold_s)
{
    const trd__learned *l = &ctx->control.learned[op];
    trd__sched_hint h = {l->start_s.n ? l->start_s.value : -1, l->stop_s.n ? l->stop_s.value : -1,
                         l->cold_s.n ? l->cold_s.value : -1, -1, -1, -1, 0};
    trd__sched_timings(&ctx->model->ops[op], &h, start_s, stop_s, cold_s);
}

double trd__loop_survival(trd_ctx *ctx, uint32_t op, uint32_t config, uint64_t now_ns)
{
    uint64_t tau = (uint64_t)trd__ctx_param(ctx, TRD__PI_OOM_HORIZON_MS) * 1000000u;
    double ooms = trd__control_ooms(&ctx->control, op, config, now_ns, tau);
    if (!(ooms > 0))
        return 1;
    double start, stop, cold;
    trd__loop_timings(ctx, op, &start, &stop, &cold);
    double production = trd__observe_production(&ctx->observe, op, config, now_ns, tau);
    double lost = ooms * (start + cold);
    return production > 0 ? production / (production + lost) : 0;
}

/* Whether an OOM makes its config infeasible: its crashes cost more than TRD_P_OOM_TOLERANCE of its recent
 * instance time.  Buffered samples are folded first when memory allows, so that production time is up to date
 * (without, the judgement errs towards infeasible). */
static int oom_structural(trd_ctx *ctx, const trd_event *e)
{
    double tolerance = trd__ctx_param(ctx, TRD__PI_OOM_TOLERANCE);
    if (tolerance <= 0)
        return 1;
    (void)trd__ctx_fold(ctx);
    return 1 - trd__loop_survival(ctx, e->op, e->config, e->time_ns) > tolerance;
}

trd_status trd__loop_event(trd_ctx *ctx, const trd_event *e)
{
    trd__control *c = &ctx->control;
    trd__diag d;
    trd_status st = trd__event_check(ctx->model, e, &d);
    if (st != TRD_OK)
        return trd__ctx_failed(ctx, "control", st, &d);
    double ooms = 0;
    if (e->kind == TRD_EVENT_OOM) {
        uint64_t tau = (uint64_t)trd__ctx_param(ctx, TRD__PI_OOM_HORIZON_MS) * 1000000u;
        if ((ooms = trd__control_count_oom(c, e->op, e->config, e->time_ns, tau)) < 0)
            return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "event OOM: out of memory counting it");
    }
    int instance_kind = e->kind == TRD_EVENT_INSTANCE_UP || e->kind == TRD_EVENT_INSTANCE_DOWN ||
                        e->kind == TRD_EVENT_CONFIG_APPLIED;
    int deferred = instance_kind && e->plan_id != 0 && c->have_outstanding && e->plan_id == c->out.id;
    /* Everything that can fail happens first: room for a deferred event, or the deployment edit. */
    if (deferred) {
        trd__outstanding *o = &c->out;
        if (trd__grow(c->alloc, (void **)&o->events, &o->cap_events, o->n_events + 1, sizeof *o->events) != 0)
            return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "event: out of memory keeping it for plan %llu",
                                 (unsigned long long)o->id);
        o->events[o->n_events++] = *e;
    } else if (instance_kind && e->plan_id == 0) {
        st = trd__event_apply(ctx->model, e, &d);
        if (st != TRD_OK)
            return trd__ctx_failed(ctx, "control", st, &d);
    }
    /* Events of a plan that is no longer outstanding were accounted for by its outcome: learned from only. */
    trd__event_learn(c, ctx->model, e, alpha_of(ctx));
    if (e->kind == TRD_EVENT_OOM && !trd__control_infeasible(c, e->op, e->config)) {
        const char *name = ctx->model->ops[e->op].name;
        if (!oom_structural(ctx, e)) {
            trd__logf(&ctx->log, TRD_LOG_INFO, "control", "'%s': config %u ran out of memory, a rare crash for it "
                      "(%.3g recent OOMs): still feasible", name, e->config, ooms);
        } else {
            if (trd__control_mark_infeasible(c, e->op, e->config) != 0)
                trd__logf(&ctx->log, TRD_LOG_WARN, "control", "out of memory recording that config %u of '%s' is "
                          "infeasible", e->config, name);
            else
                trd__logf(&ctx->log, TRD_LOG_INFO, "control", "'%s': config %u ran out of memory: infeasible", name,
                          e->config);
            c->early |= TRD__EARLY_OOM;
            trd__transition *t = &c->transitions[e->op];
            if (t->active && t->target == e->config)
                trd__loop_end_transition(ctx, e->op, "its config ran out of memory");
        }
    }
    if (e->kind == TRD_EVENT_PROBE_FINISHED)
        c->early |= TRD__EARLY_PROBE;
    trd__tune_event(ctx, e);
    if (instance_kind && !deferred && e->plan_id == 0)
        trd__loop_check_transitions(ctx);
    return TRD_OK;
}

/* Applies the outstanding plan's own events in order (a PARTIAL outcome, or an abandoned plan).  Events that
 * no longer fit the deployment (the host also reported the instances otherwise) are skipped and logged. */
static void apply_plan_events(trd_ctx *ctx)
{
    trd__outstanding *o = &ctx->control.out;
    for (size_t k = 0; k < o->n_events; k++) {
        trd__diag d;
        if (trd__event_apply(ctx->model, &o->events[k], &d) != TRD_OK)
            trd__logf(&ctx->log, TRD_LOG_WARN, "control", "plan %llu: skipped an event: %s",
                      (unsigned long long)o->id, d.msg);
    }
}

/* Transition bookkeeping once a plan's fate is known: a round ran if the plan restarted instances. */
static void count_rounds(trd_ctx *ctx, int ran)
{
    trd__control *c = &ctx->control;
    for (uint32_t op = 0; ran && op < c->n_ops; op++) {
        trd__transition *t = &c->transitions[op];
        for (size_t k = 0; t->active && k < c->out.n_actions; k++) {
            const trd_action *a = &c->out.actions[k];
            if (a->kind == TRD_ACTION_RECONFIGURE && a->op == op && a->config == t->target) {
                t->rounds++;
                break;
            }
        }
    }
}

trd_status trd__loop_outcome(trd_ctx *ctx, uint64_t plan_id, trd_outcome outcome, uint64_t now_ns)
{
    trd__control *c = &ctx->control;
    if (outcome != TRD_OUTCOME_APPLIED && outcome != TRD_OUTCOME_PARTIAL && outcome != TRD_OUTCOME_FAILED)
        return trd__ctx_fail(ctx, "control", TRD_E_INVALID_ARG, "report_outcome: outcome %d unknown", (int)outcome);
    if (plan_id == 0 || plan_id > ctx->plans_made)
        return trd__ctx_fail(ctx, "control", TRD_E_NOT_FOUND, "report_outcome: no plan has id %llu",
                             (unsigned long long)plan_id);
    if (!c->have_outstanding || c->out.id != plan_id)
        return trd__ctx_fail(ctx, "control", TRD_E_STALE, "report_outcome: plan %llu is not outstanding (%s)",
                             (unsigned long long)plan_id,
                             c->have_outstanding ? "a newer plan is" : "its outcome was reported, it timed out, "
                                                                       "the model changed, or it came from "
                                                                       "trd_ctx_plan_with_rates");
    if (c->out.epoch != ctx->model->epoch) {
        trd__control_drop_outstanding(c);
        return trd__ctx_fail(ctx, "control", TRD_E_STALE, "report_outcome: plan %llu was made for model epoch "
                             "%llu; the model is at epoch %llu",
                             (unsigned long long)plan_id, (unsigned long long)c->out.epoch,
                             (unsigned long long)ctx->model->epoch);
    }
    if (outcome == TRD_OUTCOME_APPLIED) {
        trd__diag d;
        trd_status st = trd__live_replace(ctx->model, c->out.targets, c->out.n_targets, &d);
        if (st != TRD_OK)
            return trd__ctx_failed(ctx, "control", st, &d);
    } else if (outcome == TRD_OUTCOME_PARTIAL) {
        apply_plan_events(ctx);
    }
    count_rounds(ctx, outcome != TRD_OUTCOME_FAILED);
    trd__tune_plan_outcome(ctx, plan_id, outcome != TRD_OUTCOME_FAILED, now_ns);
    trd__logf(&ctx->log, TRD_LOG_INFO, "control", "plan %llu %s", (unsigned long long)plan_id,
              outcome == TRD_OUTCOME_APPLIED ? "applied" : outcome == TRD_OUTCOME_PARTIAL ? "partially applied"
                                                                                          : "failed");
    trd__control_drop_outstanding(c);
    trd__loop_check_transitions(ctx);
    return TRD_OK;
}

void trd__loop_expire(trd_ctx *ctx, uint64_t now_ns)
{
    trd__control *c = &ctx->control;
    uint64_t timeout = (uint64_t)trd__ctx_param(ctx, TRD__PI_PLAN_TIMEOUT_MS) * 1000000u;
    if (!c->have_outstanding || now_ns < c->out.issued_ns || now_ns - c->out.issued_ns < timeout)
        return;
    /* No outcome came: the plan's events are facts, so they count as a PARTIAL outcome. */
    trd__logf(&ctx->log, TRD_LOG_WARN, "control", "plan %llu: no outcome after %llu ms; taken as partially "
              "applied", (unsigned long long)c->out.id, (unsigned long long)(timeout / 1000000u));
    apply_plan_events(ctx);
    count_rounds(ctx, 1);
    trd__tune_plan_outcome(ctx, c->out.id, 1, now_ns);
    trd__control_drop_outstanding(c);
    trd__loop_check_transitions(ctx);
}
