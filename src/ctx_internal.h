/* ctx_internal.h -- struct trd_ctx: what one context owns, and the helpers every entry point uses. */
#ifndef TRD_CTX_INTERNAL_H
#define TRD_CTX_INTERNAL_H

#include "api/params.h"
#include "common/alloc.h"
#include "common/diag.h"
#include "common/lock.h"
#include "common/log.h"
#include "control/control.h"
#include "control/tune.h"
#include "model/model.h"
#include "observe/ingest.h"
#include "observe/observe.h"
#include "schedule/sched.h"
#include "trident.h"

struct trd_ctx {
    trd__alloc alloc;
    trd__log log;
    trd__diag error;                 /* trd_ctx_last_error */
    double params[TRD__PARAM_COUNT];
    trd__model *model;               /* committed; NULL before the first commit */
    trd__model *staged;              /* pending edits; NULL when there are none */
    int staged_deployment;           /* the pending edits set deployment entries */
    /* Shared with threads in trd_ctx_observe, under `lock` (common/lock.h says what else it guards). */
    trd__lock lock;
    trd__ingest ingest;              /* samples accepted and not yet folded                                */
    /* The control step's side: only ever touched by the externally synchronized calls. */
    trd__ingest folding;             /* samples taken from `ingest` by the latest fold, until folded         */
    trd__observe observe;
    trd__control control;            /* the closed loop (src/control) */
    trd__tune tune;                  /* the adapt layer in the loop: regimes, optimisers, probes */
    uint64_t plans_made;             /* ids of plans: the next one is plans_made + 1 */
};

/* Folds the ingest buffer into the observe layer (TRD_OK, or TRD_E_NOMEM with everything still buffered);
 * requires a committed model.  Holds the lock only to take the buffer. */
trd_status trd__ctx_fold(trd_ctx *ctx);

/* Records a failure of an entry point: keeps the message as the context's last error, logs it at DEBUG
 * under `component`, and returns the status unchanged. */
trd_status trd__ctx_failed(trd_ctx *ctx, const char *component, trd_status status, const trd__diag *d);

/* Formats the failure directly into the context's last error (no separate diag needed). */
trd_status trd__ctx_fail(trd_ctx *ctx, const char *component, trd_status status, const char *fmt, ...)
    TRD__PRINTF(4, 5);

static inline double trd__ctx_param(const trd_ctx *ctx, size_t index) { return ctx->params[index]; }

/* The scheduler's parameters from the context's, with the loop's learned hints and edge shares (may be NULL). */
trd__sched_params trd__ctx_sched_params(const trd_ctx *ctx, const trd__sched_hint *hints, const double *shares);

#endif
