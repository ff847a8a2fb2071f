/* regimes.h -- workload regimes of every operator by online clustering (DESIGN section 6; Trident section 5.2
 * and Algorithm 1, with the authors' code's definitions of the rules the paper leaves open, research/trident.md
 * 3.1-3.2).  docs/adapt.md gives the measurements behind every default that differs from those sources.
 *
 * Each observation is one feature vector of one operator (the mean workload features of one sample: tokens,
 * pages, resolution...), compared in log1p space: a distance of 1 is a factor of about e in one feature.
 * Optionally (`standardise`) each log1p feature is divided by its running standard deviation, floored at
 * `scale_floor`; off by default because the running deviation of a feature that separates regimes is mostly
 * the distance between them, so dividing by it shrinks exactly the differences that matter, while with a
 * single regime it is the noise, and every second observation lands beyond tau_d (bench/adapt_regimes: 37-247
 * false triggers instead of 0).  Centroids live in log1p units.
 *   assignment  nearest centroid if its distance is below tau_d: mu += (x - mu) / (N + 1), N += 1; otherwise
 *               a new regime at x, after merging two regimes if L_max exist;
 *   merge       the pair whose merge adds the least within-regime scatter (Ward: N_a N_b / (N_a + N_b) d^2),
 *               count-weighted centroid; a Tuned status (and its config) survives, as does the id of the
 *               regime that carries it (else the larger one's).  Ward rather than the closest pair, because
 *               outliers open far-away singleton regimes, and the closest pair is then two real regimes;
 *   decay       counts *= gamma per elapsed decay period of the caller's clock; regimes below `prune_below`
 *               are dropped;
 *   dominance   the regime holding at least `dominance` of the last `window` assignments (the denominator is
 *               the window's size, so a young stream needs that many assignments).  Sticky: it changes only
 *               when another regime reaches the threshold, so a mixed stream does not flap;
 *   trigger     (ShouldTriggerTuning) for the regime an observation joined: not Tuning; more than `cooldown`
 *               since this operator's last trigger; count >= `min_samples`; share of the window >=
 *               `min_share`; and Pending, or Tuned with its centroid moved >= `drift` since it was tuned.  The
 *               regime becomes Tuning.  The share is of the recent window, not (as in the authors' code) of the
 *               decayed total count, which after hours of one regime holds a new one back for hundreds of
 *               observations; and it defaults to the dominance share, so only a dominant regime is tuned --
 *               a probe measures the workload that is arriving, which is the dominant regime's.
 * Regime ids are per operator, start at 0 and are never reused.
 *
 * The module allocates an operator's storage at its first observation and nothing afterwards. */
#ifndef TRD_ADAPT_REGIMES_H
#define TRD_ADAPT_REGIMES_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "trident.h"

#define TRD__REGIMES_MAX 32        /* the largest L_max */
#define TRD__REGIME_NONE UINT32_MAX

typedef enum trd__regime_status {
    TRD__REGIME_PENDING = 0, /* seen, never tuned */
    TRD__REGIME_TUNING = 1,  /* a tuning trigger was issued and has not been answered */
    TRD__REGIME_TUNED = 2    /* has a tuned config */
} trd__regime_status;

typedef struct trd__regime_params {
    double tau_d;             /* assignment radius, log1p units                              1.1 */
    size_t max_regimes;       /* L_max, 2..TRD__REGIMES_MAX                                   6  */
    double gamma;             /* count decay per period                                   0.995 */
    uint64_t decay_period_ns; /*                                                           300 s */
    double prune_below;       /* regimes whose decayed count falls below this are dropped   0.1 */
    size_t window;            /* recent assignments kept for dominance and share            50  */
    double dominance;         /* share of the window that makes a regime dominant          0.7  */
    double min_samples;       /* count a regime needs before it is tuned                      5  */
    double min_share;         /* share of the window it needs                               0.7  */
    uint64_t cooldown_ns;     /* between two triggers of one operator                      60 s  */
    double drift;             /* centroid movement that re-tunes a Tuned regime              0.4 */
    int standardise;          /* divide log1p features by their running deviation             0  */
    double scale_floor;       /* ... floored at this (log1p units)                           0.5 */
    /* The authors' code's variants, kept to measure the changes against (bench/adapt_regimes):        */
    int merge_closest;        /* merge the closest pair instead of the cheapest Ward pair        0  */
    int share_of_total;       /* trigger share of the decayed total count, not of the window     0  */
} trd__regime_params;

/* The defaults above (DESIGN section 6 and research/trident.md section 7; docs/adapt.md says why). */
trd__regime_params trd__regime_params_default(void);
/* TRD_OK or TRD_E_INVALID_ARG with a reason in *why (a static string). */
trd_status trd__regime_params_check(const trd__regime_params *p, const char **why);

typedef struct trd__regime {
    uint32_t id;
    uint32_t status;                         /* trd__regime_status */
    double count;                            /* decayed number of observations */
    double mu[TRD_MAX_FEATURES];             /* centroid, log1p units */
    double mu_tuned[TRD_MAX_FEATURES];       /* centroid when it was last marked Tuned */
    int has_config;                          /* a tuned config is stored (kept through a re-tuning) */
    uint32_t config;                         /* the tuned config, in the caller's numbering */
    double predicted;                        /* its predicted throughput */
    uint64_t created_ns, last_ns;            /* first and latest assignment */
} trd__regime;

/* What one observation changed.  Several flags may be set at once. */
enum {
    TRD__REGIME_EV_NEW = 1u,      /* `created` was opened for this observation           */
    TRD__REGIME_EV_DOMINANT = 2u, /* `dominant` became the dominant regime               */
    TRD__REGIME_EV_TRIGGER = 4u,  /* tune `trigger` (it is now Tuning)                   */
    TRD__REGIME_EV_MERGED = 8u,   /* `merged_from` was merged into `merged_into`         */
    TRD__REGIME_EV_PRUNED = 16u   /* the `n_pruned` regimes in `pruned` decayed away     */
};

typedef struct trd__regime_events {
    unsigned flags;
    uint32_t assigned; /* the regime this observation joined */
    uint32_t created, dominant, trigger, merged_from, merged_into;
    uint32_t n_pruned;
    uint32_t pruned[TRD__REGIMES_MAX];
} trd__regime_events;

/* One operator's clustering state. */
typedef struct trd__regime_op {
    uint32_t dim;            /* features per observation; 0 until the first one */
    trd__regime *r;          /* max_regimes slots, n in use */
    size_t n;
    uint32_t *ring;          /* the last `window` assignments (TRD__REGIME_NONE where pruned) */
    size_t ring_len, ring_pos;
    double stat_n, stat_mean[TRD_MAX_FEATURES], stat_m2[TRD_MAX_FEATURES]; /* log1p features (Welford) */
    uint32_t next_id, dominant;
    uint64_t dominant_since_ns; /* when `dominant` became dominant (a merge into it keeps the time) */
    uint64_t last_decay_ns, last_trigger_ns;
    int triggered;           /* last_trigger_ns is valid */
} trd__regime_op;

typedef struct trd__regimes {
    const trd__alloc *alloc;
    trd__regime_params p;
    trd__regime_op *ops;
    size_t n_ops;
} trd__regimes;

/* Room for n_ops operators (storage of each is allocated at its first observation).  TRD_E_INVALID_ARG for
 * bad parameters, TRD_E_NOMEM. */
trd_status trd__regimes_init(trd__regimes *rs, const trd__alloc *alloc, size_t n_ops, const trd__regime_params *p);
void trd__regimes_free(trd__regimes *rs);
/* Forgets everything about one operator (e.g. when its feature list changes). */
void trd__regimes_reset_op(trd__regimes *rs, uint32_t op);

/* Clusters one observation of `op`: n raw features (finite, >= 0; the same n every time), at host time now_ns.
 * Decay due by now_ns is applied first (a clock that goes backwards decays nothing).  `ev` may be NULL.
 * TRD_E_NOT_FOUND for an unknown op, TRD_E_INVALID_ARG for bad features, TRD_E_NOMEM at a first observation;
 * on failure nothing changed. */
trd_status trd__regimes_observe(trd__regimes *rs, uint32_t op, const double *features, size_t n, uint64_t now_ns,
                                trd__regime_events *ev);

/* Applies the decay due by now_ns without an observation (events as trd__regimes_observe, pruning only). */
trd_status trd__regimes_tick(trd__regimes *rs, uint32_t op, uint64_t now_ns, trd__regime_events *ev);

/* The control loop's answers to a trigger: the regime was tuned (its config and predicted throughput are
 * stored and its current centroid becomes the reference for drift), or tuning was abandoned (it returns to
 * Tuned if it had a config, else Pending).  TRD_E_NOT_FOUND for an unknown op or regime. */
trd_status trd__regimes_set_tuned(trd__regimes *rs, uint32_t op, uint32_t id, uint32_t config, double predicted);
trd_status trd__regimes_abandon(trd__regimes *rs, uint32_t op, uint32_t id);

/* Lookups; NULL (or TRD__REGIME_NONE) when absent.  Pointers stay valid until the next call that changes the
 * operator's regimes. */
const trd__regime *trd__regimes_get(const trd__regimes *rs, uint32_t op, uint32_t id);
size_t trd__regimes_count(const trd__regimes *rs, uint32_t op);
const trd__regime *trd__regimes_at(const trd__regimes *rs, uint32_t op, size_t i);
uint32_t trd__regimes_dominant(const trd__regimes *rs, uint32_t op);
/* Host time at which op's dominant regime became dominant; 0 without one. */
uint64_t trd__regimes_dominant_since(const trd__regimes *rs, uint32_t op);
/* The regime's centroid in raw feature units (expm1 of the log1p centroid); returns its dimension, or 0. */
uint32_t trd__regimes_centroid_raw(const trd__regimes *rs, uint32_t op, uint32_t id, double *out);
/* The Tuned regime (other than `id`) nearest to regime `id` in the scaled metric: the warm start of a new
 * regime's tuning.  TRD__REGIME_NONE if there is none. */
uint32_t trd__regimes_nearest_tuned(const trd__regimes *rs, uint32_t op, uint32_t id);
/* Share of the recent window held by regime `id` (0 when absent). */
double trd__regimes_share(const trd__regimes *rs, uint32_t op, uint32_t id);

#endif
