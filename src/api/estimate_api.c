/* estimate_api.c -- the public face of the observe layer: folding buffered samples, estimates, counters and
 * invalidation. */
#include <math.h>
#include <stdio.h>

#include "ctx_internal.h"

static trd__observe_params observe_params(const trd_ctx *ctx)
{
    trd__observe_params p;
    p.window_ns = (uint64_t)trd__ctx_param(ctx, TRD__PI_OBSERVE_WINDOW_MS) * 1000000u;
    p.grace_ns = (uint64_t)trd__ctx_param(ctx, TRD__PI_OBSERVE_GRACE_MS) * 1000000u;
    p.tau_u = trd__ctx_param(ctx, TRD__PI_OBSERVE_MIN_UTILISATION);
    p.queue_slope = trd__ctx_param(ctx, TRD__PI_OBSERVE_QUEUE_SLOPE);
    p.tau_z = trd__ctx_param(ctx, TRD__PI_OBSERVE_OUTLIER_Z);
    p.n_min = (size_t)trd__ctx_param(ctx, TRD__PI_OBSERVE_MIN_SAMPLES);
    p.ema_alpha = trd__ctx_param(ctx, TRD__PI_OBSERVE_EMA_ALPHA);
    p.util_capacity = trd__ctx_param(ctx, TRD__PI_OBSERVE_UTIL_CAPACITY) != 0;
    p.gp_max_points = (size_t)trd__ctx_param(ctx, TRD__PI_GP_MAX_POINTS);
    p.refit_every = (size_t)trd__ctx_param(ctx, TRD__PI_GP_REFIT_EVERY);
    p.restarts = (unsigned)trd__ctx_param(ctx, TRD__PI_GP_RESTARTS);
    p.kernel = (trd__kernel)trd__ctx_param(ctx, TRD__PI_GP_KERNEL);
    p.optimiser = (unsigned)trd__ctx_param(ctx, TRD__PI_GP_OPTIMIZER);
    p.coverage_radius = trd__ctx_param(ctx, TRD__PI_GP_COVERAGE_RADIUS);
    p.outlier_streak = (size_t)trd__ctx_param(ctx, TRD__PI_OBSERVE_OUTLIER_STREAK);
    p.production_tau_ns = (uint64_t)trd__ctx_param(ctx, TRD__PI_OOM_HORIZON_MS) * 1000000u;
    p.useful_time = trd__ctx_param(ctx, TRD__PI_OBSERVE_ESTIMATOR) == 1;
    /* GP bounds hold at least n_min points (a window that evicts before the first fit would never fit). */
    if (p.gp_max_points < p.n_min)
        p.gp_max_points = p.n_min;
    return p;
}

/* Folds `folding` into the observe layer; on TRD_E_NOMEM its samples stay for the next fold. */
static trd_status fold_taken(trd_ctx *ctx)
{
    const trd_sample *a, *b;
    size_t na, nb;
    trd__ingest_peek(&ctx->folding, &a, &na, &b, &nb);
    if (na + nb == 0)
        return TRD_OK;
    trd__observe_params p = observe_params(ctx);
    trd_status st = trd__observe_add(&ctx->observe, &p, ctx->model, a, na, b, nb);
    if (st == TRD_OK) {
        trd__tune_observe(ctx, a, na, b, nb); /* the workload regimes see every folded sample once */
        trd__ingest_consume(&ctx->folding, na + nb);
    }
    return st;
}

trd_status trd__ctx_fold(trd_ctx *ctx)
{
    /* Samples a failed fold left behind are older than anything buffered since: they go first. */
    trd_status st = fold_taken(ctx);
    if (st != TRD_OK)
        return st;
    trd__lock_acquire(&ctx->lock);
    trd__ingest_swap_storage(&ctx->ingest, &ctx->folding);
    trd__lock_release(&ctx->lock);
    return fold_taken(ctx);
}

/* The checks every estimate entry point starts with: a committed model, a known operator, samples folded. */
static trd_status prepare(trd_ctx *ctx, const char *verb, uint32_t op)
{
    if (!ctx->model)
        return trd__ctx_fail(ctx, "observe", TRD_E_STATE, "%s: no model has been committed yet", verb);
    if (op >= ctx->model->n_ops)
        return trd__ctx_fail(ctx, "observe", TRD_E_NOT_FOUND, "%s: operator %u unknown (the model has %zu operators)",
                             verb, op, ctx->model->n_ops);
    if (trd__ctx_fold(ctx) != TRD_OK)
        return trd__ctx_fail(ctx, "observe", TRD_E_NOMEM, "%s: out of memory folding buffered samples (they stay "
                             "buffered)", verb);
    return TRD_OK;
}

trd_status trd_ctx_estimate_detail(trd_ctx *ctx, uint32_t op, uint32_t config, const double *features,
                                   size_t n_features, trd_estimate *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "observe", TRD_E_INVALID_ARG, "estimate_detail: out is NULL");
    trd_status st = prepare(ctx, "estimate_detail", op);
    if (st != TRD_OK)
        return st;
    const trd__operator *o = &ctx->model->ops[op];
    if (config == TRD_CURRENT_CONFIG)
        config = trd__observe_current_config(&ctx->observe, op);
    if (config >= o->n_configs)
        return trd__ctx_fail(ctx, "observe", TRD_E_NOT_FOUND, "estimate_detail: operator '%s' has no config %u (it "
                             "has %zu)", o->name, config, o->n_configs);
    if (features) {
        if (n_features != o->n_features)
            return trd__ctx_fail(ctx, "observe", TRD_E_INVALID_ARG, "estimate_detail: operator '%s' declares %u "
                                 "features, got %zu", o->name, o->n_features, n_features);
        for (size_t f = 0; f < n_features; f++)
            if (!isfinite(features[f]) || features[f] < 0)
                return trd__ctx_fail(ctx, "observe", TRD_E_INVALID_ARG, "estimate_detail: feature %zu ('%s') must "
                                     "be finite and >= 0", f, o->features[f]);
    }
    trd_estimate e = {0, 0, 0, 0, config, 0, 0};
    e.source = (uint32_t)trd__observe_estimate(&ctx->observe, op, config, features, &e.items_per_s, &e.stddev,
                                               &e.noise_stddev, &e.points);
    *out = e;
    return TRD_OK;
}

trd_status trd_ctx_estimate(trd_ctx *ctx, uint32_t op, double *out_items_per_s, double *out_stddev)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out_items_per_s)
        return trd__ctx_fail(ctx, "observe", TRD_E_INVALID_ARG, "estimate: out_items_per_s is NULL");
    trd_estimate e;
    trd_status st = trd_ctx_estimate_detail(ctx, op, TRD_CURRENT_CONFIG, NULL, 0, &e);
    if (st != TRD_OK)
        return st;
    if (e.source == TRD_ESTIMATE_NONE) {
        trd_observe_stats s;
        trd__observe_stats(&ctx->observe, op, &s);
        return trd__ctx_fail(ctx, "observe", TRD_E_STATE, "estimate: operator '%s' config %u has no usable window "
                             "yet (%llu closed: %llu under-utilised, %llu queue, %llu without progress)",
                             ctx->model->ops[op].name, e.config, (unsigned long long)s.windows,
                             (unsigned long long)s.rejected_utilisation, (unsigned long long)s.rejected_queue,
                             (unsigned long long)s.rejected_progress);
    }
    *out_items_per_s = e.items_per_s;
    if (out_stddev)
        *out_stddev = e.stddev;
    return TRD_OK;
}

trd_status trd_ctx_observe_stats(trd_ctx *ctx, uint32_t op, trd_observe_stats *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "observe", TRD_E_INVALID_ARG, "observe_stats: out is NULL");
    trd_status st = prepare(ctx, "observe_stats", op);
    if (st != TRD_OK)
        return st;
    trd__observe_stats(&ctx->observe, op, out);
    return TRD_OK;
}

trd_status trd_ctx_invalidate(trd_ctx *ctx, uint32_t op, uint32_t config)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd_status st = prepare(ctx, "invalidate", op);
    if (st != TRD_OK)
        return st;
    const trd__operator *o = &ctx->model->ops[op];
    if (config != TRD_ALL_CONFIGS && config >= o->n_configs)
        return trd__ctx_fail(ctx, "observe", TRD_E_NOT_FOUND, "invalidate: operator '%s' has no config %u (it has "
                             "%zu)", o->name, config, o->n_configs);
    trd__observe_invalidate(&ctx->observe, op, config == TRD_ALL_CONFIGS ? UINT32_MAX : config);
    trd__logf(&ctx->log, TRD_LOG_INFO, "observe", "invalidated operator '%s' %s", o->name,
              config == TRD_ALL_CONFIGS ? "(all configs)" : "(one config)");
    return TRD_OK;
}
