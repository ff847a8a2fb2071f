/* context.c -- context lifecycle, logger, last error and parameters. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "common/numfmt.h"
#include "ctx_internal.h"

/* The last error is written under the lock: a failing trd_ctx_observe on one thread and a failing control
 * step on another must not interleave their messages.  The message is logged from the caller's copy. */
trd_status trd__ctx_failed(trd_ctx *ctx, const char *component, trd_status status, const trd__diag *d)
{
    trd__lock_acquire(&ctx->lock);
    ctx->error = *d;
    trd__lock_release(&ctx->lock);
    trd__logf(&ctx->log, TRD_LOG_DEBUG, component, "%s: %s", trd_status_name(status), d->msg);
    return status;
}

trd_status trd__ctx_fail(trd_ctx *ctx, const char *component, trd_status status, const char *fmt, ...)
{
    trd__diag d;
    va_list ap;
    va_start(ap, fmt);
    trd__vfail(&d, status, fmt, ap);
    va_end(ap);
    return trd__ctx_failed(ctx, component, status, &d);
}

trd_status trd_ctx_new_with_allocator(trd_ctx **out, const trd_allocator *allocator)
{
    if (!out || !allocator || !allocator->alloc || !allocator->free)
        return TRD_E_INVALID_ARG;
    trd__alloc a;
    a.fn = *allocator;
    trd_ctx *ctx = trd__calloc(&a, 1, sizeof *ctx);
    if (!ctx)
        return TRD_E_NOMEM;
    ctx->alloc = a;
    if (trd__lock_init(&ctx->lock) != 0) {
        trd__free(&a, ctx);
        return TRD_E_NOMEM;
    }
    ctx->log.max_level = TRD_LOG_OFF;
    trd__params_defaults(ctx->params);
    trd__ingest_init(&ctx->ingest, (size_t)ctx->params[TRD__PI_INGEST_CAPACITY]);
    trd__ingest_init(&ctx->folding, (size_t)ctx->params[TRD__PI_INGEST_CAPACITY]);
    trd__observe_init(&ctx->observe, &ctx->alloc, (uint64_t)ctx->params[TRD__PI_RANDOM_SEED]);
    trd__control_init(&ctx->control, &ctx->alloc, 0, 0); /* no tables until a model exists: cannot fail */
    if (trd__tune_init(&ctx->tune, &ctx->alloc, NULL, ctx->params) != TRD_OK) {
        trd__lock_free(&ctx->lock);
        trd__free(&a, ctx);
        return TRD_E_NOMEM;
    }
    *out = ctx;
    return TRD_OK;
}

trd_status trd_ctx_new(trd_ctx **out)
{
    trd__alloc a;
    trd__alloc_init_default(&a);
    return trd_ctx_new_with_allocator(out, &a.fn);
}

void trd_ctx_free(trd_ctx *ctx)
{
    if (!ctx)
        return;
    trd__model_free(ctx->model);
    trd__model_free(ctx->staged);
    trd__ingest_free(&ctx->ingest, &ctx->alloc);
    trd__ingest_free(&ctx->folding, &ctx->alloc);
    trd__observe_free(&ctx->observe);
    trd__control_free(&ctx->control);
    trd__tune_free(&ctx->tune);
    trd__lock_free(&ctx->lock);
    /* The context itself lives in its own allocator: copy the allocator out before freeing. */
    trd__alloc a = ctx->alloc;
    trd__free(&a, ctx);
}

trd_status trd_ctx_set_logger(trd_ctx *ctx, trd_log_fn fn, void *user, trd_log_level max_level)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if ((int)max_level < TRD_LOG_OFF || (int)max_level > TRD_LOG_DEBUG)
        return trd__ctx_fail(ctx, "api", TRD_E_INVALID_ARG, "set_logger: max_level %d is not a trd_log_level",
                             (int)max_level);
    ctx->log.fn = fn;
    ctx->log.user = user;
    ctx->log.max_level = max_level;
    return TRD_OK;
}

const char *trd_ctx_last_error(const trd_ctx *ctx)
{
    return ctx ? ctx->error.msg : "no context (NULL trd_ctx)";
}

/* ---- parameters ---- */

static trd_status lookup(trd_ctx *ctx, trd_param param, trd_param_type type, const char *verb,
                         const trd__param_desc **desc, size_t *index)
{
    *desc = trd__param_desc_of(param, index);
    if (!*desc)
        return trd__ctx_fail(ctx, "api", TRD_E_NOT_FOUND, "%s: parameter %d unknown", verb, (int)param);
    if ((*desc)->type != type)
        return trd__ctx_fail(ctx, "api", TRD_E_INVALID_ARG, "%s: parameter '%s' is %s; use trd_ctx_%s_%s", verb,
                             (*desc)->name, (*desc)->type == TRD_PARAM_INT ? "an integer" : "a double",
                             verb[0] == 's' ? "set" : "get", (*desc)->type == TRD_PARAM_INT ? "int" : "double");
    return TRD_OK;
}

/* Applies a new value: the one place where a parameter has side effects beyond being read later. */
static trd_status apply(trd_ctx *ctx, size_t index, double value)
{
    if (index == TRD__PI_INGEST_CAPACITY) {
        /* Both buffers keep the newest `value` samples.  On failure the capacity is unchanged (a shrink that
         * failed half-way has only dropped samples a smaller buffer would have dropped anyway). */
        trd__lock_acquire(&ctx->lock);
        size_t old = ctx->folding.capacity;
        int bad = trd__ingest_set_capacity(&ctx->folding, &ctx->alloc, (size_t)value) != 0;
        if (!bad && trd__ingest_set_capacity(&ctx->ingest, &ctx->alloc, (size_t)value) != 0) {
            bad = 1;
            ctx->folding.capacity = old; /* its storage only shrank, which the old capacity allows */
        }
        trd__lock_release(&ctx->lock);
        if (bad)
            return trd__ctx_fail(ctx, "api", TRD_E_NOMEM, "set_int: out of memory resizing the ingest buffer");
    }
    if (index == TRD__PI_RANDOM_SEED)
        trd__observe_reseed(&ctx->observe, (uint64_t)value);
    ctx->params[index] = value;
    return TRD_OK;
}

static trd_status set_checked(trd_ctx *ctx, const trd__param_desc *desc, size_t index, double value)
{
    if (value < desc->min || value > desc->max) {
        char v[TRD__NUM_CAP], lo[TRD__NUM_CAP], hi[TRD__NUM_CAP];
        trd__fmt_double(v, value);
        trd__fmt_double(lo, desc->min);
        trd__fmt_double(hi, desc->max);
        return trd__ctx_fail(ctx, "api", TRD_E_OUT_OF_RANGE, "set: parameter '%s' = %s is outside [%s, %s]",
                             desc->name, v, lo, hi);
    }
    return apply(ctx, index, value);
}

trd_status trd_ctx_set_int(trd_ctx *ctx, trd_param param, int64_t value)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    const trd__param_desc *desc;
    size_t index;
    trd_status st = lookup(ctx, param, TRD_PARAM_INT, "set", &desc, &index);
    if (st != TRD_OK)
        return st;
    /* Bounds are within 2^53, so comparing as doubles only ever misjudges values far outside them. */
    if (value < -9007199254740992LL || value > 9007199254740992LL)
        return trd__ctx_fail(ctx, "api", TRD_E_OUT_OF_RANGE, "set: parameter '%s' = %lld is far outside its bounds",
                             desc->name, (long long)value);
    return set_checked(ctx, desc, index, (double)value);
}

trd_status trd_ctx_set_double(trd_ctx *ctx, trd_param param, double value)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    const trd__param_desc *desc;
    size_t index;
    trd_status st = lookup(ctx, param, TRD_PARAM_DOUBLE, "set", &desc, &index);
    if (st != TRD_OK)
        return st;
    if (!isfinite(value))
        return trd__ctx_fail(ctx, "api", TRD_E_INVALID_ARG, "set: parameter '%s' must be finite", desc->name);
    return set_checked(ctx, desc, index, value);
}

/* Reads a parameter of the given type; integer values are stored exactly as doubles (bounds within 2^53). */
static trd_status get_param(trd_ctx *ctx, trd_param param, trd_param_type type, double *out)
{
    if (!out)
        return trd__ctx_fail(ctx, "api", TRD_E_INVALID_ARG, "get: out is NULL");
    const trd__param_desc *desc;
    size_t index;
    trd_status st = lookup(ctx, param, type, "get", &desc, &index);
    if (st == TRD_OK)
        *out = ctx->params[index];
    return st;
}

trd_status trd_ctx_get_int(trd_ctx *ctx, trd_param param, int64_t *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    double v = 0;
    trd_status st = get_param(ctx, param, TRD_PARAM_INT, out ? &v : NULL);
    if (st == TRD_OK)
        *out = (int64_t)v;
    return st;
}

trd_status trd_ctx_get_double(trd_ctx *ctx, trd_param param, double *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    return get_param(ctx, param, TRD_PARAM_DOUBLE, out);
}
