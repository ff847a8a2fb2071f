/* observe.h -- sustainable per-instance throughput of every operator (DESIGN section 5).
 *
 * Samples are folded into windows per (operator, config) of length W (aligned on the host clock; a sample
 * belongs to the window holding its midpoint).  A window closes once the newest sample seen ends W + grace
 * after its start; a sample for a closed window is late and dropped.  Each closed window yields one
 * observation: the per-instance rate y = items in / instance-seconds covered, the mean utilisation, the queue
 * trend and the mean workload features.  Then:
 *   stage 1 (signals): no progress, utilisation below tau_u, a queue draining to empty, or a queue trend
 *     |dq/dt| above slope x the operator's rate reject the window; so does, for an asynchronous operator, a
 *     queue empty at the window's end: such an operator is busy with one request in flight as with a full
 *     batch, so only a backlog shows it saturated, and a starved window measures its arrivals, not its
 *     capacity (they would drag a non-bottleneck's estimate down to its load, and the MILP would give it
 *     instances the bottleneck needs);
 *   EMA (alpha) of the stage-1 survivors: the estimate until n_min windows are accepted;
 *   stage 2 (model): once a GP exists, |y - mu| / sqrt(var + noise) > tau_z rejects the window -- but only
 *     where the GP is confident (latent variance below the noise variance), and a streak of `outlier_streak`
 *     consecutive rejections is taken for what it is, a change of behaviour, and admitted: otherwise a
 *     regime shift into an unexplored region would be rejected window after window (the model locking
 *     itself out, seen in bench/observe_accuracy before this rule);
 *   GP over standardised log1p features: fitted once n_min windows are accepted, refitted every k accepted,
 *     updated incrementally in between; a sliding window of at most N points evicts its oldest point unless
 *     that point alone covers its neighbourhood (radius r in standardised units).
 * Where utilisation is trustworthy (synchronous operators), windows rejected for low utilisation still give a
 * low-confidence capacity, rate / utilisation, used only while nothing better exists.
 *
 * The module knows nothing of contexts: the public API (src/api/estimate_api.c) feeds it validated samples
 * and the committed model. */
#ifndef TRD_OBSERVE_OBSERVE_H
#define TRD_OBSERVE_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "common/rng.h"
#include "gp/gp.h"
#include "model/model.h"
#include "trident.h"

typedef struct trd__observe_params {
    uint64_t window_ns, grace_ns;
    double tau_u, queue_slope, tau_z, ema_alpha, coverage_radius;
    size_t n_min, refit_every, gp_max_points, outlier_streak;
    unsigned restarts, optimiser;
    trd__kernel kernel;
    int util_capacity;
    uint64_t production_tau_ns; /* time constant of the decayed production time (trd__observe_production) */
    int useful_time;   /* estimate items / busy seconds instead (TRD_P_OBSERVE_ESTIMATOR = 1) */
} trd__observe_params;

enum {
    TRD__SRC_NONE = 0,
    TRD__SRC_EMA = 1,
    TRD__SRC_GP = 2,
    TRD__SRC_UTILISATION = 3,
    TRD__SRC_LOWER_BOUND = 4,
    TRD__SRC_USEFUL_TIME = 5
};

#define TRD__OUTLIER_STREAK_MAX 64

typedef struct trd__window {
    uint32_t op, config;
    uint64_t start_ns, end_ns;
    double inst_s;              /* instance-seconds covered by its samples */
    double items_in, items_out, busy_s, util_w;
    uint64_t q_first_ns, q_last_ns;
    double q_first, q_last;     /* queue at the earliest sample start and the latest sample end */
    double feat_w[TRD_MAX_FEATURES];
    double peak_device, peak_host; /* the largest memory peaks its samples report */
    uint32_t n_features, samples;
} trd__window;

typedef struct trd__estimator {
    uint32_t op, config, dim;
    /* EMA of stage-1-accepted rates, and of rate / utilisation for trustworthy low-utilisation windows. */
    double ema, ema_dev, util_ema, util_dev;
    uint64_t ema_n, util_n;
    /* EMA of the rate of every window that made progress, steady or not: what the operator did, a lower bound
     * of what it can do -- the last resort, so that an operator that is never busy enough still has a rate. */
    double raw_ema, raw_dev;
    uint64_t raw_n;
    /* EMA of items / busy seconds of every window that made progress: DS2's useful-time rate, kept for the
     * estimator switch (TRD_P_OBSERVE_ESTIMATOR) that the ablations compare against. */
    double useful_ema, useful_dev;
    uint64_t useful_n;
    /* Accepted points in arrival order: log1p features and rates. */
    double *px, *py;
    size_t np, cap;
    trd__gp gp;
    int gp_on;
    double mu[TRD_MAX_FEATURES], sd[TRD_MAX_FEATURES]; /* standardisation of log1p features at the last fit */
    size_t since_refit;
    size_t refit_interval; /* accepted windows between periodic refits: refit_every, doubled (up to 8 x) each
                              time a refit left the hyper-parameters where they were */
    trd__kernel kernel;
    /* Windows stage 2 rejected in a row, kept so that a streak can be admitted as a whole. */
    double streak_x[TRD__OUTLIER_STREAK_MAX][TRD_MAX_FEATURES], streak_y[TRD__OUTLIER_STREAK_MAX];
    size_t streak;
    double peak_device, peak_host; /* the largest memory peaks of its windows (probes report them) */
    /* Production time: instance-seconds of its windows that made progress, each weighted exp(-age / tau), as
     * of production_ns (the end of the latest such window). */
    double production_s;
    uint64_t production_ns;
} trd__estimator;

/* Per operator, across its configs (counters survive invalidation). */
typedef struct trd__op_state {
    double features[TRD_MAX_FEATURES]; /* mean features of the operator's latest closed window */
    uint32_t n_features, config;
    int seen;
    trd_observe_stats stats;
    double flow_in, flow_out, flow_bytes_out; /* item and byte totals of folded samples, until taken */
    uint64_t window_ns;        /* end of its latest closed window (any config)                        */
    uint64_t capacity_ns;      /* end of its latest closed window that measured its capacity          */
    double flow_queue;                        /* input-queue growth over whole-operator samples, until taken */
} trd__op_state;

typedef struct trd__observe {
    const trd__alloc *alloc;
    trd__window *open;
    size_t n_open, cap_open;
    trd__estimator **est;
    size_t n_est, cap_est;
    trd__op_state *ops;
    size_t n_ops;
    uint64_t watermark_ns;
    trd__rng rng;
    int useful_time;   /* the estimator switch of the latest fold */
} trd__observe;

void trd__observe_init(trd__observe *obs, const trd__alloc *alloc, uint64_t seed);
void trd__observe_free(trd__observe *obs);
void trd__observe_reseed(trd__observe *obs, uint64_t seed);

/* Folds validated samples in (two runs, as the ingest ring hands them out; either may be empty), closes
 * windows the watermark has passed and processes them.  Either every sample is taken, or (TRD_E_NOMEM) none
 * is and nothing changed. */
trd_status trd__observe_add(trd__observe *obs, const trd__observe_params *p, const trd__model *m,
                            const trd_sample *a, size_t na, const trd_sample *b, size_t nb);

/* Estimate for (op, config) at `features` (n of them, raw) or, with features NULL, at the operator's current
 * workload.  Returns TRD__SRC_NONE when nothing is known. */
int trd__observe_estimate(trd__observe *obs, uint32_t op, uint32_t config, const double *features,
                          double *mean, double *stddev, double *noise_sd, uint32_t *points);

/* The config the operator's latest closed window ran, or 0 before any. */
uint32_t trd__observe_current_config(const trd__observe *obs, uint32_t op);

/* Drops the estimator and open windows of (op, config), or of every config with config == UINT32_MAX. */
void trd__observe_invalidate(trd__observe *obs, uint32_t op, uint32_t config);

/* Totals over the operator's configs. */
void trd__observe_stats(const trd__observe *obs, uint32_t op, trd_observe_stats *out);

/* Items in, items out and bytes out of the operator's samples folded since the last call (all configs), which
 * are then reset: the control loop learns amplification and bytes per item from them. */
void trd__observe_take_flow(trd__observe *obs, uint32_t op, double *items_in, double *items_out, double *bytes_out);
/* The same without the reset. */
void trd__observe_peek_flow(const trd__observe *obs, uint32_t op, double *items_in, double *items_out,
                            double *bytes_out);
/* How much the operator's input queue grew (negative: shrank) over the whole-operator samples folded since the
 * last take: what arrived is items_in plus this.  Instance samples are left out -- each repeats the queue the
 * instances share.  Reset by trd__observe_take_flow. */
double trd__observe_peek_queue_growth(const trd__observe *obs, uint32_t op);

/* Whether the operator's latest closed windows measured its capacity: steady state, or a trustworthy
 * utilisation -- not an asynchronous operator starved of input, whose windows show its arrivals. */
int trd__observe_capacity_now(const trd__observe *obs, uint32_t op);

/* The instance-seconds (op, config) made progress in, each weighted exp(-age / tau) at host time now_ns; 0 if
 * the pair has no estimator.  The loop weighs out-of-memory crashes against it. */
double trd__observe_production(const trd__observe *obs, uint32_t op, uint32_t config, uint64_t now_ns,
                               uint64_t tau_ns);

/* The largest device and host memory peaks reported for (op, config) since its estimator was created or
 * invalidated (0 when none was reported).  Returns 0 if the pair has no estimator, else 1. */
int trd__observe_peak(const trd__observe *obs, uint32_t op, uint32_t config, double *device, double *host);

#endif
