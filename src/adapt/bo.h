/* bo.h -- memory-constrained Bayesian optimisation of one operator's config for one workload regime (DESIGN
 * section 6; Trident section 5.3, eqs. 4-9), with the fixes of docs/adapt.md.
 *
 * Problem: maximise the sustainable throughput UT(theta) subject to peak memory Mem(theta) <= M_cap - Delta,
 * where each evaluation is a probe (one instance runs theta for a few windows) that returns a throughput and a
 * peak memory, or an out-of-memory failure.
 *
 * Surrogates (src/gp, Matern 5/2 ARD over the GP inputs of space.h):
 *   throughput  log UT, so that the GP models relative changes (throughput spans orders of magnitude across a
 *               batch-size range) and "1% of the incumbent" is an absolute 0.01.  Its mean is a plane in the GP
 *               inputs (plane.h; universal kriging): a constant mean reverts to the average away from the data,
 *               so EI sees no reason to move far from the default even when every probe says larger batches
 *               are faster; the plane carries that trend outwards -- with its own uncertainty, so that a knob
 *               no probe has varied stays worth exploring -- and the memory model decides how far out is safe;
 *   memory      log Mem minus a prior mean that grows in proportion to every memory-monotone knob from the
 *               first config that ran (space.h, trd__space_log_growth), by a zero-mean GP.  A constant-mean GP
 *               (the paper's) reverts to the average of what it has seen when it extrapolates, so after probes
 *               at small batch sizes it predicts small memory for huge ones; the proportional envelope is
 *               conservative where there is no data, and the GP learns how much slower than proportional memory
 *               really grows near the probes.
 *               An OOM enters as a censored observation at oom_factor x M_cap.
 * Feasibility, PoF(theta) = Phi((log(M_cap - Delta) - mu_M) / sqrt(var_M + noise_M)), made exact where the
 * monotone knobs decide it:
 *   0  theta dominates (space.h) an OOM config or a config measured above M_cap - Delta -- the paper's "mark
 *      infeasible", extended through the monotone knobs;
 *   1  theta is dominated by a config measured at or below M_cap - Delta (it cannot need more);
 *   and mu_M is never below the largest memory measured at a config theta dominates.
 * Acquisition: log EI(theta) + log PoF(theta) over candidates with PoF >= eta, EI on log UT against the best
 * posterior mean at a feasible evaluated config.  A second guard bounds the probe itself: P(Mem > M_cap) <=
 * max_crash.  PoF >= 0.6 alone lets a proposal run with a 25% chance of crashing where the memory model is
 * uncertain (sd 0.5 in log units, two probes beyond the data, measured in bench/adapt_bo), since Delta is
 * small next to that uncertainty; where the model is sure, the guard is slack and PoF decides.  Candidates: a Sobol set (new points at every proposal) plus
 * the axis neighbours, joint steps of all memory-monotone knobs, and Gaussian perturbations of the best
 * evaluated configs; evaluated, pending and OOM configs -- and configs within min_distance of an evaluation --
 * are never proposed.
 * Initial design: the default config first (then, after a warm start, the source regime's best configs scaled
 * down until they look safe), then Sobol points of the box below the default on the monotone knobs
 * (the upper half of their unit range below the default, where the slope towards larger values shows; other
 * knobs over their whole range), before anything above the default -- the paper's residual OOMs came from
 * random initial points.
 * Stop: `budget` evaluations, or no candidate with PoF >= eta, or a best EI below stop_ei (log units: a relative
 * improvement) at `stop_patience` consecutive proposals -- the last of them is not made.
 * Recommendation: the feasible config with the best predicted throughput (posterior mean) among the evaluated
 * configs and their certified-safe axis neighbours -- not a GP extrapolation into unmeasured territory -- where
 * a prediction counts for at most two noise deviations above what the config (or, for a neighbour, the config
 * it neighbours) measured: next to a cliff (the 6x slowdown measured near the memory cap) a smooth GP averages
 * across it, and the plain maximum of the posterior mean then recommends a config that measured slow.
 *
 * The object allocates when it is created and when reports arrive; next() and recommend() never allocate. */
#ifndef TRD_ADAPT_BO_H
#define TRD_ADAPT_BO_H

#include <stddef.h>
#include <stdint.h>

#include "adapt/plane.h"
#include "adapt/space.h"
#include "common/alloc.h"
#include "common/rng.h"
#include "common/sobol.h"
#include "gp/gp.h"
#include "trident.h"

#define TRD__BO_WARM 3 /* configs taken over by a warm start */

typedef struct trd__bo_params {
    size_t budget;        /* evaluations (reports and OOMs) before DONE                                   30 */
    size_t n_init;        /* initial design, the default config included                                    4 */
    size_t n_init_warm;   /* ... after a warm start                                                         2 */
    double eta;           /* least PoF of a proposal                                                      0.6 */
    double max_crash;     /* largest probability that a proposal's memory exceeds M_cap itself           0.05 */
    double delta_bytes;   /* safety margin Delta; < 0: max(2 GiB, 10% of the cap)                          -1 */
    double oom_factor;    /* censored memory of an OOM, x cap                                             1.1 */
    size_t n_candidates;  /* Sobol candidates per proposal                                              1024 */
    size_t n_top;         /* best evaluated configs searched around                                         5 */
    size_t n_local;       /* Gaussian perturbations around each                                            32 */
    double local_sd;      /* their standard deviation in unit coordinates                                 0.1 */
    double min_distance;  /* a proposal differs from every evaluation by more than this in some numeric knob's
                             unit coordinate (or in a categorical knob): closer probes measure nothing new 0.01 */
    double stop_ei;       /* best EI below this (log units) counts towards the early stop                0.01 */
    size_t stop_patience; /* consecutive such proposals that stop                                           3 */
    unsigned restarts;    /* random restarts of each hyper-parameter fit                                    1 */
    uint64_t seed;
    /* Switches for the benchmark's baselines and ablations (bench/adapt_bo): */
    int constrained;      /* 0: plain EI, no memory model (OOMs score as the worst throughput seen)         1 */
    int safe_init;        /* 0: initial design of Sobol points over the whole space, no default             1 */
    int memory_prior;     /* 0: constant-mean memory GP, as the paper                                       1 */
    int trend;            /* 0: constant-mean throughput GP                                                  1 */
} trd__bo_params;

trd__bo_params trd__bo_params_default(void);

typedef enum trd__bo_stop {
    TRD__BO_RUNNING = 0,
    TRD__BO_BUDGET = 1,     /* the budget is spent */
    TRD__BO_CONVERGED = 2,  /* expected improvement stayed below stop_ei */
    TRD__BO_NO_SAFE = 3     /* no unevaluated candidate has PoF >= eta */
} trd__bo_stop;

typedef struct trd__bo {
    const trd__alloc *alloc;
    trd__space space;
    trd__bo_params p;
    double cap_bytes, limit_bytes; /* M_cap and M_cap - Delta */
    trd__rng rng;
    trd__sobol design_sobol, cand_sobol;
    double shift[TRD__MAX_KNOBS];  /* Cranley-Patterson rotation of both Sobol streams */

    /* Evaluations in arrival order. */
    size_t n, cap;
    double *cfg;                   /* n x space.n */
    double *unit;                  /* n x space.n unit coordinates of the same */
    double *thr;                   /* throughput (items/s), NAN for an OOM */
    double *mem;                   /* peak memory (bytes), oom_factor x cap for an OOM */
    unsigned char *oom;

    /* Surrogates over the evaluations (rebuilt at every report), and the hyper-parameters each fit starts
     * from. */
    trd__gp gp_t, gp_m;
    int have_t, have_m;
    trd__gp_hyper h_t, h_m;
    trd__plane trend;              /* the throughput GP's linear mean */
    size_t anchor;                 /* the first evaluation that ran (SIZE_MAX before one): memory prior's reference */

    /* Warm start: the source regime's best configs, proposed (scaled down until safe) after the default. */
    double warm[TRD__BO_WARM][TRD__MAX_KNOBS];
    size_t n_warm, warm_next;

    double pending[TRD__MAX_KNOBS];
    int have_pending;
    size_t design_next, design_len; /* initial design points handed out / planned */
    size_t design_draws;            /* Sobol points drawn for the design (some are skipped) */
    size_t low_streak;
    trd__bo_stop stop;
    double last_log_ei;            /* best log EI of the latest proposal (diagnostics) */
} trd__bo;

/* A new optimiser over `knobs` (the model's, n of them) with memory cap M_cap (bytes, > 0 and > Delta).
 * TRD_E_INVALID_ARG for a bad space or parameters, TRD_E_NOMEM. */
trd_status trd__bo_init(trd__bo *bo, const trd__alloc *alloc, const trd__knob *knobs, size_t n, double cap_bytes,
                        const trd__bo_params *p);
void trd__bo_free(trd__bo *bo);

/* The next config to probe, into cfg (space.n values): the pending one until it is reported.  *done is set to
 * 1 (and cfg untouched) once the optimiser has stopped (trd__bo_stopped says why).  Never allocates. */
trd_status trd__bo_next(trd__bo *bo, double *cfg, int *done);

/* A probe's result: its sustainable throughput (items/s, finite, >= 0) and peak memory (bytes, finite, >= 0).
 * Any valid config may be reported, proposed or not.  TRD_E_INVALID_ARG (bad values or a config outside the
 * domain), TRD_E_NOMEM; on failure nothing changed. */
trd_status trd__bo_report(trd__bo *bo, const double *cfg, double throughput, double peak_bytes);

/* A probe of cfg ran out of memory (once is enough: a config already recorded so adds nothing).  Errors as
 * trd__bo_report. */
trd_status trd__bo_report_oom(trd__bo *bo, const double *cfg);

/* The recommendation: config, predicted throughput (items/s) and its PoF.  TRD_E_STATE while no feasible
 * config has been evaluated.  Never allocates. */
trd_status trd__bo_recommend(trd__bo *bo, double *cfg, double *predicted, double *pof);

/* Starts this optimiser from a tuned neighbour regime: after the default config, the initial design proposes
 * `from`'s best measured configs (at most TRD__BO_WARM, best first), each scaled down on its memory-monotone
 * knobs until this regime's memory model admits it; both surrogates start their fits from `from`'s
 * hyper-parameters; and the rest of the initial design shrinks to n_init_warm.  `from`'s observations are not
 * used as data, nor its posterior as a prior mean: throughput and memory move with the workload (measured: the
 * LLM profile needs twice the KV memory per sequence at 1024-token prompts as at 512, and the token budget that
 * saturates a batch doubles with the prompt), and a transferred surface steered the search to the source's
 * optimum -- 14 evaluations to 0.95 of the best against 7 cold in bench/adapt_bo; where the source's best
 * configs still fit, they are the good start.  Only before the first report, between spaces of the same shape;
 * `from` must have a feasible evaluation.  TRD_E_STATE, TRD_E_INVALID_ARG; on failure nothing changed. */
trd_status trd__bo_warm_start(trd__bo *bo, const trd__bo *from);

/* Why the optimiser stopped (TRD__BO_RUNNING while it has not), and how many evaluations it has. */
trd__bo_stop trd__bo_stopped(const trd__bo *bo);
size_t trd__bo_evaluations(const trd__bo *bo);

/* Posterior at a config: predicted throughput (items/s, the median exp(mu)), its log-space sd, and PoF.
 * Never allocates.  For the control loop's reasons and for tests. */
void trd__bo_predict(trd__bo *bo, const double *cfg, double *throughput, double *log_sd, double *pof);

#endif
