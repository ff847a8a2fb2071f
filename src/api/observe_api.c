/* observe_api.c -- trd_ctx_observe: validates a batch of samples against the committed model and hands it to
 * the ingest buffer.  Validation is all-or-nothing so that a host can fix and resend a batch. */
#include <math.h>

#include "common/numfmt.h"
#include "ctx_internal.h"

/* Checks one sample; on failure writes "observe: sample[i] (op 'x'): what" into d. */
static trd_status check_sample(const trd_ctx *ctx, size_t i, const trd_sample *s, trd__diag *d)
{
    const trd__model *m = ctx->model;
    char a[TRD__NUM_CAP], b[TRD__NUM_CAP];
    if (s->op >= m->n_ops)
        return trd__fail(d, TRD_E_INVALID_ARG, "observe: sample[%zu]: op %u unknown (the model has %zu operators)", i,
                         s->op, m->n_ops);
    const trd__operator *o = &m->ops[s->op];
#define BAD(...) (trd__fail(d, TRD_E_INVALID_ARG, __VA_ARGS__), trd__diag_prefix(d, "observe: sample[%zu] (op '%s'): ", i, o->name), TRD_E_INVALID_ARG)
    if (s->config >= o->n_configs)
        return BAD("config %u unknown (the operator has %zu configs)", s->config, o->n_configs);
    if (s->window_end_ns <= s->window_start_ns)
        return BAD("window_end_ns %llu is not after window_start_ns %llu", (unsigned long long)s->window_end_ns,
                   (unsigned long long)s->window_start_ns);
    if (s->active_instances == 0)
        return BAD("active_instances is 0");
    if (s->instance != TRD_WHOLE_OPERATOR && s->active_instances != 1)
        return BAD("active_instances is %u but an instance sample covers exactly 1", s->active_instances);
    if (!isfinite(s->busy_s) || s->busy_s < 0) {
        trd__fmt_double(a, s->busy_s);
        return BAD("busy_s is %s (must be finite and >= 0)", a);
    }
    double window_s = (double)(s->window_end_ns - s->window_start_ns) * 1e-9;
    double slack = trd__ctx_param(ctx, TRD__PI_INGEST_BUSY_SLACK);
    if (s->busy_s > window_s * s->active_instances * (1 + slack)) {
        trd__fmt_double(a, s->busy_s);
        trd__fmt_double(b, window_s);
        return BAD("busy_s %s exceeds the window (%s s x %u instances, ingest_busy_slack allowed)", a, b,
                   s->active_instances);
    }
    if (!isfinite(s->utilisation) || s->utilisation < 0 || s->utilisation > 1) {
        trd__fmt_double(a, s->utilisation);
        return BAD("utilisation %s is outside [0, 1]", a);
    }
    if (s->n_features != o->n_features)
        return BAD("n_features is %u but the operator declares %u", s->n_features, o->n_features);
    for (uint32_t f = 0; f < s->n_features; f++)
        if (!isfinite(s->features[f]) || s->features[f] < 0) {
            trd__fmt_double(a, s->features[f]);
            return BAD("features[%u] ('%s') is %s (must be finite and >= 0)", f, o->features[f], a);
        }
    if (s->flags != 0)
        return BAD("flags is 0x%x; reserved bits must be 0", s->flags);
#undef BAD
    return TRD_OK;
}

trd_status trd_ctx_observe(trd_ctx *ctx, const trd_sample *samples, size_t count)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (count == 0)
        return TRD_OK;
    if (!samples)
        return trd__ctx_fail(ctx, "observe", TRD_E_INVALID_ARG, "observe: samples is NULL with count %zu", count);
    /* Validation reads the committed model, which the control step may extend (configs) or a commit replace:
     * both happen under the lock, so it is held from the first check to the push.  Failures are reported after
     * it is released (trd__ctx_failed takes it again for the message). */
    trd__diag d;
    trd_status st = TRD_OK;
    uint64_t dropped = 0;
    size_t capacity = 0;
    trd__lock_acquire(&ctx->lock);
    if (!ctx->model) {
        st = trd__fail(&d, TRD_E_STATE, "observe: no model has been committed yet");
    } else {
        for (size_t i = 0; i < count && st == TRD_OK; i++)
            st = check_sample(ctx, i, &samples[i], &d);
        if (st != TRD_OK) {
            ctx->ingest.rejected += count;
        } else {
            dropped = ctx->ingest.dropped;
            if (trd__ingest_push(&ctx->ingest, &ctx->alloc, samples, count) != 0)
                st = trd__fail(&d, TRD_E_NOMEM, "observe: out of memory growing the ingest buffer");
            dropped = ctx->ingest.dropped - dropped;
            capacity = ctx->ingest.capacity;
        }
    }
    trd__lock_release(&ctx->lock);
    if (st != TRD_OK)
        return trd__ctx_failed(ctx, "observe", st, &d);
    if (dropped > 0)
        trd__logf(&ctx->log, TRD_LOG_WARN, "observe", "ingest buffer full (%zu samples): dropped the %llu oldest",
                  capacity, (unsigned long long)dropped);
    return TRD_OK;
}

trd_status trd_ctx_ingest_stats(trd_ctx *ctx, trd_ingest_stats *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "observe", TRD_E_INVALID_ARG, "ingest_stats: out is NULL");
    trd__lock_acquire(&ctx->lock);
    out->accepted = ctx->ingest.accepted;
    out->rejected = ctx->ingest.rejected;
    out->dropped = ctx->ingest.dropped + ctx->folding.dropped;
    out->buffered = ctx->ingest.count + ctx->folding.count;
    out->capacity = ctx->ingest.capacity;
    trd__lock_release(&ctx->lock);
    return TRD_OK;
}
