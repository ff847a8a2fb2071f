/* schedule_api.c -- public entry points of the schedule layer: the direct solve and the plan accessors. */
#include <math.h>
#include <string.h>

#include "ctx_internal.h"
#include "schedule/plan.h"

trd__sched_params trd__ctx_sched_params(const trd_ctx *ctx, const trd__sched_hint *hints, const double *shares)
{
    trd__sched_params p;
    p.time_limit_ms = trd__ctx_param(ctx, TRD__PI_SOLVER_TIME_LIMIT_MS);
    p.mip_gap = trd__ctx_param(ctx, TRD__PI_SOLVER_MIP_GAP);
    p.max_cols = (size_t)trd__ctx_param(ctx, TRD__PI_SOLVER_MAX_COLUMNS);
    p.interval_s = trd__ctx_param(ctx, TRD__PI_SCHED_INTERVAL_MS) / 1000;
    p.rolling_fraction = trd__ctx_param(ctx, TRD__PI_ROLLING_MAX_FRACTION);
    p.formulation = (int)trd__ctx_param(ctx, TRD__PI_SCHED_FORMULATION);
    p.network = trd__ctx_param(ctx, TRD__PI_SCHED_NETWORK) != 0;
    p.hints = hints;
    p.edge_shares = shares;
    return p;
}

trd_status trd_ctx_plan_with_rates(trd_ctx *ctx, const trd_rate *rates, size_t count, trd_plan **out_plan)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out_plan || (!rates && count > 0))
        return trd__ctx_fail(ctx, "schedule", TRD_E_INVALID_ARG, "plan_with_rates: %s is NULL",
                             out_plan ? "rates" : "out_plan");
    if (!ctx->model)
        return trd__ctx_fail(ctx, "schedule", TRD_E_STATE, "plan_with_rates: no committed model");
    trd__sched_params params = trd__ctx_sched_params(ctx, NULL, NULL);
    trd__sched_input in;
    trd__diag d;
    trd_status st = trd__sched_input_init(&in, ctx->model, &ctx->alloc, rates, count, &params, &d);
    if (st != TRD_OK)
        return trd__ctx_failed(ctx, "schedule", st, &d);
    trd__sched_solution sol;
    if (trd__sched_solution_init(&sol, &in) != 0) {
        trd__sched_input_free(&in);
        return trd__ctx_fail(ctx, "schedule", TRD_E_NOMEM, "plan_with_rates: out of memory");
    }
    st = trd__sched_solve(&in, &sol, &d);
    trd_plan *plan = NULL;
    if (st == TRD_OK) {
        plan = trd__plan_build(&in, &sol, ctx->plans_made + 1, ctx->model->epoch);
        if (!plan)
            st = trd__fail(&d, TRD_E_NOMEM, "plan_with_rates: out of memory building the plan");
    }
    trd__sched_solution_free(&sol, &ctx->alloc);
    trd__sched_input_free(&in);
    if (st != TRD_OK)
        return trd__ctx_failed(ctx, "schedule", st, &d);
    ctx->plans_made++;
    trd__logf(&ctx->log, TRD_LOG_INFO, "schedule", "plan %llu: %s", (unsigned long long)plan->id, plan->reason);
    *out_plan = plan;
    return TRD_OK;
}

void trd_plan_free(trd_plan *plan) { trd__plan_free(plan); }
uint64_t trd_plan_id(const trd_plan *plan) { return plan ? plan->id : 0; }
uint64_t trd_plan_epoch(const trd_plan *plan) { return plan ? plan->epoch : 0; }
double trd_plan_predicted_throughput(const trd_plan *plan) { return plan ? plan->throughput : 0; }
uint32_t trd_plan_bottleneck(const trd_plan *plan) { return plan ? plan->bottleneck : UINT32_MAX; }
uint32_t trd_plan_solve_status(const trd_plan *plan) { return plan ? plan->solve_status : 0; }
double trd_plan_mip_gap(const trd_plan *plan) { return plan ? plan->gap : NAN; }
double trd_plan_solve_ms(const trd_plan *plan) { return plan ? plan->solve_ms : 0; }
size_t trd_plan_action_count(const trd_plan *plan) { return plan ? plan->n_actions : 0; }
size_t trd_plan_target_count(const trd_plan *plan) { return plan ? plan->n_targets : 0; }
const char *trd_plan_reason(const trd_plan *plan) { return plan ? plan->reason : ""; }

/* The caller-buffer copy shared by actions and targets. */
static trd_status copy_out(const void *items, size_t n, size_t size, void *out, size_t capacity, size_t *out_count)
{
    if (!out && capacity > 0)
        return TRD_E_INVALID_ARG;
    if (out_count)
        *out_count = n;
    if (!out)
        return TRD_OK;
    if (capacity < n)
        return TRD_E_BUFFER_TOO_SMALL;
    if (n > 0)
        memcpy(out, items, n * size);
    return TRD_OK;
}

trd_status trd_plan_get_actions(const trd_plan *plan, trd_action *out, size_t capacity, size_t *out_count)
{
    if (!plan)
        return TRD_E_INVALID_ARG;
    return copy_out(plan->actions, plan->n_actions, sizeof *out, out, capacity, out_count);
}

trd_status trd_plan_get_targets(const trd_plan *plan, trd_target *out, size_t capacity, size_t *out_count)
{
    if (!plan)
        return TRD_E_INVALID_ARG;
    return copy_out(plan->targets, plan->n_targets, sizeof *out, out, capacity, out_count);
}

trd_status trd_plan_to_json(const trd_plan *plan, char *buf, size_t capacity, size_t *out_len)
{
    if (!plan || (!buf && capacity > 0))
        return TRD_E_INVALID_ARG;
    size_t len = trd__plan_json(plan, buf, capacity);
    if (out_len)
        *out_len = len;
    if (buf && len >= capacity)
        return TRD_E_BUFFER_TOO_SMALL;
    return TRD_OK;
}
