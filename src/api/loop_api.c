/* loop_api.c -- public entry points of the closed loop: events, poll, outcomes and the loop's read-outs. */
#include <math.h>
#include <string.h>

#include "control/loop.h"
#include "ctx_internal.h"

static trd_status need_model(trd_ctx *ctx, const char *verb)
{
    if (!ctx->model)
        return trd__ctx_fail(ctx, "control", TRD_E_STATE, "%s: no model has been committed yet", verb);
    return TRD_OK;
}

trd_status trd_ctx_report_event(trd_ctx *ctx, const trd_event *event)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!event)
        return trd__ctx_fail(ctx, "control", TRD_E_INVALID_ARG, "report_event: event is NULL");
    trd_status st = need_model(ctx, "report_event");
    return st != TRD_OK ? st : trd__loop_event(ctx, event);
}

trd_status trd_ctx_poll(trd_ctx *ctx, uint64_t now_ns, trd_plan **out_plan)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out_plan)
        return trd__ctx_fail(ctx, "control", TRD_E_INVALID_ARG, "poll: out_plan is NULL");
    *out_plan = NULL;
    trd_status st = need_model(ctx, "poll");
    if (st != TRD_OK)
        return st;
    trd_plan *plan = NULL;
    st = trd__loop_poll(ctx, now_ns, &plan);
    *out_plan = plan; /* NULL on every failure and whenever no plan was made */
    return st;
}

trd_status trd_ctx_report_outcome(trd_ctx *ctx, uint64_t plan_id, trd_outcome outcome, uint64_t now_ns)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd_status st = need_model(ctx, "report_outcome");
    return st != TRD_OK ? st : trd__loop_outcome(ctx, plan_id, outcome, now_ns);
}

trd_status trd_ctx_step_info(trd_ctx *ctx, trd_step_info *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "control", TRD_E_INVALID_ARG, "step_info: out is NULL");
    *out = ctx->control.info;
    out->outstanding_plan = ctx->control.have_outstanding ? ctx->control.out.id : 0;
    return TRD_OK;
}

const char *trd_ctx_step_reason(const trd_ctx *ctx) { return ctx ? ctx->control.reason : ""; }

static trd_status find_op(trd_ctx *ctx, const char *verb, uint32_t op)
{
    trd_status st = need_model(ctx, verb);
    if (st != TRD_OK)
        return st;
    if (op >= ctx->model->n_ops)
        return trd__ctx_fail(ctx, "control", TRD_E_NOT_FOUND, "%s: operator %u unknown (the model has %zu operators)",
                             verb, op, ctx->model->n_ops);
    return TRD_OK;
}

static double ema_value(const trd__ema *e) { return e->n ? e->value : NAN; }

trd_status trd_ctx_loop_op_info(trd_ctx *ctx, uint32_t op, trd_loop_op_info *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "control", TRD_E_INVALID_ARG, "loop_op_info: out is NULL");
    trd_status st = find_op(ctx, "loop_op_info", op);
    if (st != TRD_OK)
        return st;
    const trd__control *c = &ctx->control;
    const trd__learned *l = &c->learned[op];
    const trd__transition *t = &c->transitions[op];
    memset(out, 0, sizeof *out);
    out->start_s = ema_value(&l->start_s);
    out->stop_s = ema_value(&l->stop_s);
    out->cold_start_s = ema_value(&l->cold_s);
    out->items_out_per_in = ema_value(&l->out_per_in);
    out->bytes_per_output_item = ema_value(&l->bytes_per_out);
    out->transition_config = t->active ? t->target : TRD_NO_CONFIG;
    out->transition_rounds = t->active ? t->rounds : 0;
    out->transition_deferrals = t->active ? t->deferrals : 0;
    for (size_t k = 0; k < c->infeasible_cap[op] * 8; k++)
        out->infeasible_configs += (uint32_t)trd__control_infeasible(c, op, (uint32_t)k);
    return TRD_OK;
}

trd_status trd_ctx_request_transition(trd_ctx *ctx, uint32_t op, uint32_t config, double predicted_items_per_s)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd_status st = find_op(ctx, "request_transition", op);
    if (st != TRD_OK)
        return st;
    trd__control *c = &ctx->control;
    const trd__operator *o = &ctx->model->ops[op];
    if (config >= o->n_configs)
        return trd__ctx_fail(ctx, "control", TRD_E_NOT_FOUND, "request_transition: '%s' has no config %u (it has %zu)",
                             o->name, config, o->n_configs);
    if (!isfinite(predicted_items_per_s) || predicted_items_per_s < 0)
        return trd__ctx_fail(ctx, "control", TRD_E_INVALID_ARG, "request_transition: predicted_items_per_s must be "
                             "finite and >= 0");
    if (c->transitions[op].active)
        return trd__ctx_fail(ctx, "control", TRD_E_STATE, "request_transition: '%s' is already moving to config %u",
                             o->name, c->transitions[op].target);
    if (trd__control_infeasible(c, op, config))
        return trd__ctx_fail(ctx, "control", TRD_E_OUT_OF_RANGE, "request_transition: config %u of '%s' ran out of "
                             "memory", config, o->name);
    uint32_t all = trd__live_instances(ctx->model, op);
    if (all > 0 && trd__live_instances_on(ctx->model, op, config) == all)
        return trd__ctx_fail(ctx, "control", TRD_E_STATE, "request_transition: every instance of '%s' runs config %u "
                             "already", o->name, config);
    double rate = predicted_items_per_s;
    if (rate == 0) {
        if (trd__ctx_fold(ctx) != TRD_OK)
            return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "request_transition: out of memory folding samples");
        double sd, noise;
        uint32_t points;
        if (trd__observe_estimate(&ctx->observe, op, config, NULL, &rate, &sd, &noise, &points) == TRD__SRC_NONE ||
            !(rate > 0))
            return trd__ctx_fail(ctx, "control", TRD_E_STATE, "request_transition: no estimate of config %u of '%s'; "
                                 "give predicted_items_per_s", config, o->name);
    }
    if (trd__control_start_transition(c, ctx->model, op, config, rate, TRD__NO_REGIME, c->last_step_ns) != 0)
        return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "request_transition: out of memory");
    trd__logf(&ctx->log, TRD_LOG_INFO, "control", "transition of '%s' to config %u requested by the host", o->name,
              config);
    return TRD_OK;
}

trd_status trd_ctx_cancel_transition(trd_ctx *ctx, uint32_t op)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd_status st = find_op(ctx, "cancel_transition", op);
    if (st != TRD_OK)
        return st;
    trd__loop_end_transition(ctx, op, "cancelled by the host");
    return TRD_OK;
}

/* ---- the adapt layer's read-outs ---- */

trd_status trd_ctx_adapt_info(trd_ctx *ctx, uint32_t op, trd_adapt_info *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "adapt", TRD_E_INVALID_ARG, "adapt_info: out is NULL");
    trd_status st = find_op(ctx, "adapt_info", op);
    if (st != TRD_OK)
        return st;
    const trd__tune_op *t = &ctx->tune.ops[op];
    memset(out, 0, sizeof *out);
    out->tunable = (uint32_t)t->tunable;
    out->dominant_regime = trd__regimes_dominant(&ctx->tune.regimes, op);
    out->tuning_regime = t->tuning;
    out->evaluations = 0;
    for (size_t k = 0; k < t->n_bos; k++)
        if (t->bos[k].regime == t->tuning)
            out->evaluations = (uint32_t)trd__bo_evaluations(&t->bos[k].bo);
    out->probe_config = t->probe == TRD__PROBE_ISSUED || t->probe == TRD__PROBE_RUNNING ? t->probe_config
                                                                                          : TRD_NO_CONFIG;
    out->recommended_config = t->rec_config;
    out->recommended_items_per_s = t->rec_config == TRD_NO_CONFIG ? 0 : t->rec_rate;
    out->recommended_pof = t->rec_config == TRD_NO_CONFIG ? 0 : t->rec_pof;
    out->probes = t->probes;
    out->ooms = t->ooms;
    return TRD_OK;
}

uint32_t trd_ctx_regime_count(const trd_ctx *ctx, uint32_t op)
{
    if (!ctx || !ctx->model || op >= ctx->model->n_ops || op >= ctx->tune.n_ops)
        return 0;
    return (uint32_t)trd__regimes_count(&ctx->tune.regimes, op);
}

trd_status trd_ctx_get_regime(trd_ctx *ctx, uint32_t op, uint32_t index, trd_regime_info *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "adapt", TRD_E_INVALID_ARG, "get_regime: out is NULL");
    trd_status st = find_op(ctx, "get_regime", op);
    if (st != TRD_OK)
        return st;
    const trd__regime *r = trd__regimes_at(&ctx->tune.regimes, op, index);
    if (!r)
        return trd__ctx_fail(ctx, "adapt", TRD_E_NOT_FOUND, "get_regime: operator '%s' has %u regimes, not %u",
                             ctx->model->ops[op].name, trd_ctx_regime_count(ctx, op), index + 1);
    memset(out, 0, sizeof *out);
    out->id = r->id;
    out->status = r->status;
    out->tuned_config = r->has_config ? r->config : TRD_NO_CONFIG;
    out->count = r->count;
    out->share = trd__regimes_share(&ctx->tune.regimes, op, r->id);
    out->predicted_items_per_s = r->has_config ? r->predicted : 0;
    /* An operator without features is clustered on a constant (one workload): it has no centroid to show. */
    if (ctx->model->ops[op].n_features > 0)
        out->n_features = trd__regimes_centroid_raw(&ctx->tune.regimes, op, r->id, out->centroid);
    return TRD_OK;
}
