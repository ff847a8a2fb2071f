/*
 * trident.h -- the public interface of libtrident.
 *
 * libtrident is an embeddable scheduler for heterogeneous CPU/accelerator data pipelines. A host pipeline
 * engine describes its cluster and its pipeline, feeds per-operator metric samples, and asks for
 * reconfiguration plans. This header is the whole contract: anything not declared here is private.
 *
 * Copyright (C) 2026 the libtrident authors. SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ------------------------------------------------------------------------------------------------------------
 * Conventions (they hold for every function below unless its comment says otherwise)
 *
 *  - Status.  Every fallible function returns a trd_status: TRD_OK (0) or a negative, frozen error code.
 *    Outputs travel through pointer parameters, which are written only on success.  A failing call changes
 *    nothing: no partial model edits, no partially ingested batches, no half-applied parameters.
 *  - Error detail.  After a failure on a context, trd_ctx_last_error() holds one precise sentence about what
 *    was wrong (e.g. "observe: sample[17]: op 9 unknown (the model has 6 operators)").  Successful calls leave
 *    it untouched, so read it right after the failure.
 *  - Ownership.  Pointer arguments are borrowed for the duration of the call and copied if kept.  Objects
 *    returned through `T **out` belong to the caller and are released with the matching trd_*_free(), which
 *    accepts NULL.  `const char *` results are static unless the comment says they belong to the context.
 *  - Threads.  The library starts no threads and keeps no mutable global state.  Functions that take no
 *    context (version, status, parameter introspection) may be called from any thread at any time.  A
 *    trd_ctx is externally synchronized -- calls on one context must not overlap -- with one exception:
 *    trd_ctx_observe may be called from any number of threads at once, concurrently with each other and with
 *    any call except trd_ctx_free, trd_ctx_set_int / trd_ctx_set_double and trd_ctx_last_error (engines report
 *    from worker threads while a control thread polls; a short internal lock guards the ingest buffer, and the
 *    control step works on what it took from it).  Different contexts are independent.  Logger and allocator
 *    callbacks run on the calling thread -- so, with concurrent observers, on several threads at once -- and
 *    must not call back into the same context.  GLPK, which solves the scheduling MILP, keeps a small
 *    environment (about 5 KB) per thread that ever solved and frees it only at process exit: poll and plan
 *    from long-lived threads, not from a thread per call.
 *  - Units live in names: _bytes, _ns, _s (seconds), _per_s.  Time is always passed in by the host (the
 *    library reads no clock, no environment and no file except the YAML file you ask it to load).
 *  - Silence.  The library never writes to stdout or stderr and never aborts or exits; diagnostics go to the
 *    per-context logger (silent by default) and to trd_ctx_last_error().
 *
 * Everything in this header is stable ABI from the version that introduced it ("since" notes below): enum
 * values and record layouts never change; new ones are only appended.
 * ------------------------------------------------------------------------------------------------------------
 */
#ifndef TRIDENT_H
#define TRIDENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TRD_API marks exported functions.  It is the only macro used inside declarations, so a binding generator
 * can drop preprocessor lines and the word TRD_API and parse the rest (the Python package does exactly that). */
#ifndef TRD_API
#  if defined(_WIN32) && defined(TRD_BUILDING_DLL)
#    define TRD_API __declspec(dllexport)
#  elif defined(_WIN32) && defined(TRD_USING_DLL)
#    define TRD_API __declspec(dllimport)
#  elif defined(__GNUC__) && __GNUC__ >= 4
#    define TRD_API __attribute__((visibility("default")))
#  else
#    define TRD_API
#  endif
#endif

/* ============================================================================================================
 * Version
 * ========================================================================================================== */

/* Integer literals only (bindings read them without a C preprocessor).  NUMBER = MAJOR*10000 + MINOR*100 +
 * PATCH.  The shared library's SONAME is the major version. */
#define TRD_VERSION_MAJOR  0
#define TRD_VERSION_MINOR  1
#define TRD_VERSION_PATCH  0
#define TRD_VERSION_NUMBER 100

/* The version of the library actually linked, as TRD_VERSION_NUMBER; compare it with the header's macro to
 * detect a header/library mismatch.  Since 0.1. */
TRD_API unsigned trd_version_number(void);

/* The same as "MAJOR.MINOR.PATCH"; static storage, never NULL.  Since 0.1. */
TRD_API const char *trd_version_string(void);

/* ============================================================================================================
 * Status codes
 * ========================================================================================================== */

/* Values are frozen forever; a retired code is never reused. */
typedef enum trd_status {
    TRD_OK                  = 0,
    TRD_E_INVALID_ARG       = -1,   /* an argument is malformed: NULL, NaN, wrong type, bad name, ...        */
    TRD_E_NOMEM             = -2,   /* an allocation failed; the context is unchanged and still usable      */
    TRD_E_STATE             = -3,   /* the call is not valid now (e.g. observe before a model is committed)  */
    TRD_E_NOT_FOUND         = -4,   /* an id or name does not exist                                          */
    TRD_E_OUT_OF_RANGE      = -5,   /* a value lies outside its documented bounds                            */
    TRD_E_BUFFER_TOO_SMALL  = -6,   /* the caller's buffer is too small; the needed size was reported        */
    TRD_E_PARSE             = -7,   /* YAML input is malformed or does not follow the schema (file:line:col) */
    TRD_E_IO                = -8,   /* a file could not be opened or read                                    */
    TRD_E_INVALID_MODEL     = -9,   /* the staged model failed validation at commit (cycle, fits nowhere...)  */
    TRD_E_LIMIT             = -10,  /* a size cap was reached (document bytes, nesting depth, model size)    */
    TRD_E_SOLVER            = -11,  /* the MILP solver found no plan in time and no fallback plan exists     */
    TRD_E_INFEASIBLE        = -12,  /* no plan satisfies the model (e.g. the minimum instances do not fit)   */
    TRD_E_STALE             = -13,  /* the plan is not the outstanding one (superseded, reported, or made for
                                       an earlier model epoch)                                               */
    TRD_E_INTERNAL          = -99   /* a broken internal invariant; please report it                         */
} trd_status;

/* The code's identifier, e.g. "TRD_E_NOMEM"; "TRD_E_UNKNOWN" for a value not listed above.  Never NULL,
 * static storage.  Since 0.1. */
TRD_API const char *trd_status_name(trd_status status);

/* A short human description, e.g. "out of memory"; never NULL, static storage.  Since 0.1. */
TRD_API const char *trd_strerror(trd_status status);

/* ============================================================================================================
 * Record sizes (for bindings)
 * ========================================================================================================== */

/* The plain records that cross the library boundary.  A binding that lays them out itself (cffi, ctypes)
 * compares its sizes with trd_record_size() at load time and refuses to run on a mismatch. */
typedef enum trd_record {
    TRD_RECORD_ALLOCATOR     = 1,   /* trd_allocator     */
    TRD_RECORD_SAMPLE        = 2,   /* trd_sample        */
    TRD_RECORD_INGEST_STATS  = 3,   /* trd_ingest_stats  */
    TRD_RECORD_ESTIMATE      = 4,   /* trd_estimate      */
    TRD_RECORD_OBSERVE_STATS = 5,   /* trd_observe_stats */
    TRD_RECORD_RATE          = 6,   /* trd_rate          */
    TRD_RECORD_ACTION        = 7,   /* trd_action        */
    TRD_RECORD_TARGET        = 8,   /* trd_target        */
    TRD_RECORD_EVENT         = 9,   /* trd_event         */
    TRD_RECORD_STEP_INFO     = 10,  /* trd_step_info     */
    TRD_RECORD_LOOP_OP_INFO  = 11,  /* trd_loop_op_info  */
    TRD_RECORD_ADAPT_INFO    = 12,  /* trd_adapt_info    */
    TRD_RECORD_REGIME_INFO   = 13   /* trd_regime_info   */
} trd_record;

/* sizeof the record as compiled into the library, or 0 for an unknown record.  Since 0.1. */
TRD_API size_t trd_record_size(trd_record record);

/* ============================================================================================================
 * Context, allocator, logger
 * ========================================================================================================== */

/* One context manages one pipeline on one cluster.  Opaque; create with trd_ctx_new*, free with
 * trd_ctx_free. */
typedef struct trd_ctx trd_ctx;

/* A custom allocator.  `alloc` and `free` are required; `realloc` may be NULL (the library then allocates,
 * copies and frees).  `free` and `realloc` receive the size that was requested for the block, which makes
 * arena and budget allocators trivial.  Every allocation the library makes for the context goes through it;
 * allocations made inside third-party libraries (libyaml's parser state) do not.  `alloc` returns NULL to
 * signal failure, and the library then returns TRD_E_NOMEM from the call that needed the memory.  The struct
 * is copied at context creation; `user` must stay valid until trd_ctx_free returns. */
typedef struct trd_allocator {
    void *(*alloc)(void *user, size_t size);
    void *(*realloc)(void *user, void *ptr, size_t old_size, size_t new_size);
    void  (*free)(void *user, void *ptr, size_t size);
    void  *user;
} trd_allocator;

typedef enum trd_log_level {
    TRD_LOG_OFF   = 0,              /* as a max level: log nothing (the default)                        */
    TRD_LOG_ERROR = 1,              /* something the host should act on                                  */
    TRD_LOG_WARN  = 2,              /* degraded behaviour: samples dropped from a full ingest buffer ... */
    TRD_LOG_INFO  = 3,              /* state changes: model committed, YAML loaded                       */
    TRD_LOG_DEBUG = 4               /* every failed call with its message, and internal decisions        */
} trd_log_level;

/* A log sink.  `component` names the module ("api", "model", "yaml", "observe"); `message` is one line without
 * a trailing newline.  Both strings are valid only during the call.  Called on the thread that made the
 * library call; it must not call back into the same context. */
typedef void (*trd_log_fn)(void *user, trd_log_level level, const char *component, const char *message);

/* Creates a context with the C library's malloc/realloc/free.
 * @param out  receives the new context (caller-owned; release with trd_ctx_free).
 * @return TRD_OK; TRD_E_INVALID_ARG if `out` is NULL; TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_new(trd_ctx **out);

/* Creates a context whose every allocation goes through `allocator` (copied; see trd_allocator).
 * @return TRD_OK; TRD_E_INVALID_ARG if `out` or `allocator` is NULL or `alloc`/`free` is missing;
 *         TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_new_with_allocator(trd_ctx **out, const trd_allocator *allocator);

/* Frees the context and everything it owns.  NULL is a no-op.  Since 0.1. */
TRD_API void trd_ctx_free(trd_ctx *ctx);

/* Installs a log sink that receives messages at `max_level` and more severe.  `fn` NULL or max_level
 * TRD_LOG_OFF silences the context (the default).
 * @return TRD_OK; TRD_E_INVALID_ARG if ctx is NULL or max_level is not a trd_log_level.  Since 0.1. */
TRD_API trd_status trd_ctx_set_logger(trd_ctx *ctx, trd_log_fn fn, void *user, trd_log_level max_level);

/* The message of the most recent failed call on `ctx`: "" if none failed yet, a fixed notice if ctx is NULL.
 * Never NULL.  The string belongs to the context and is valid until the next call on it.  Since 0.1. */
TRD_API const char *trd_ctx_last_error(const trd_ctx *ctx);

/* ============================================================================================================
 * Parameters
 * ========================================================================================================== */

/* Tunable settings of a context, in the style of zstd's parameter enum: typed setters and getters, and
 * introspection of name, type, bounds and default, so that bindings can expose them as keyword arguments.
 * Numbers are frozen; they are grouped by module (1-99 general, 100-109 ingest, 110-129 observe and its
 * Gaussian processes, 2xx model and YAML, 3xx adapt, 4xx schedule, 5xx the closed loop).  The observe
 * layer's thresholds are those of DESIGN section 5, the adapt layer's those of section 6 (docs/adapt.md has
 * the measurements behind each). */
typedef enum trd_param {
    /* Seed of the context's random generator (GP restarts); the same seed and inputs give the same results
     * (int, [0, 9007199254740991], default 1).  Setting it restarts the generator. */
    TRD_P_RANDOM_SEED       = 1,
    /* Samples the ingest buffer holds (int, [16, 4194304], default 65536).  When a batch would overflow it,
     * the oldest samples are dropped and counted (trd_ingest_stats.dropped).  Shrinking keeps the newest. */
    TRD_P_INGEST_CAPACITY   = 100,
    /* How far a sample's busy_s may exceed its window length times its instances before the sample is
     * rejected, as a fraction (double, [0, 10], default 0.05): host threads sample clocks a little apart. */
    TRD_P_INGEST_BUSY_SLACK = 101,
    /* Length of an observation window, in ms (int, [100, 86400000], default 10000): samples are aggregated
     * per operator, config and window before filtering and estimation. */
    TRD_P_OBSERVE_WINDOW_MS = 110,
    /* How long after a window ends (by the newest sample's end time) its late samples are still folded in,
     * in ms (int, [0, 3600000], default 2000).  Later ones are counted and dropped. */
    TRD_P_OBSERVE_GRACE_MS  = 111,
    /* Stage-1 filter: windows whose mean utilisation is below this are not steady state (double, [0, 1],
     * default 0.6; the paper's tau_u). */
    TRD_P_OBSERVE_MIN_UTILISATION = 112,
    /* Stage-1 filter: windows whose input queue changes faster than this fraction of the operator's rate,
     * |dq/dt| > slope x rate, are backlog bursts or draining (double, [0, 100], default 0.2). */
    TRD_P_OBSERVE_QUEUE_SLOPE = 113,
    /* Stage-2 filter: windows whose rate lies more than this many predictive standard deviations from the
     * GP are outliers (double, [0.5, 100], default 2.5; tau_z).  The test applies only where the GP is
     * confident (its latent variance below its noise variance). */
    TRD_P_OBSERVE_OUTLIER_Z = 114,
    /* Stage-2 filter: this many consecutive windows that the GP calls outliers are a change of behaviour
     * (a regime shift into a region it has not seen), not outliers, and are admitted (int, [1, 64],
     * default 3). */
    TRD_P_OBSERVE_OUTLIER_STREAK = 118,
    /* Accepted windows needed before the GP replaces the EMA (int, [2, 1024], default 8; n_min). */
    TRD_P_OBSERVE_MIN_SAMPLES = 115,
    /* Weight of the newest window in the EMA fallback (double, [0.001, 1], default 0.3). */
    TRD_P_OBSERVE_EMA_ALPHA = 116,
    /* 1 to estimate capacity as rate / utilisation from low-utilisation windows of operators whose
     * utilisation is trustworthy (synchronous ones: an asynchronous operator is busy with one request in
     * flight as with a full batch), used only while nothing better is known (int, [0, 1], default 1). */
    TRD_P_OBSERVE_UTIL_CAPACITY = 117,
    /* Most accepted windows each GP keeps (int, [8, 1024], default 64; N_gp).  Changing it, or the kernel,
     * restarts the estimates of every operator. */
    TRD_P_GP_MAX_POINTS     = 120,
    /* Accepted windows between hyper-parameter refit checks; in between the GP is updated incrementally.  A
     * check that finds the likelihood flat at the current hyper-parameters skips the fit and waits twice as long
     * (up to 8 x this) for the next (int, [1, 1024], default 10). */
    TRD_P_GP_REFIT_EVERY    = 121,
    /* Random restarts of a hyper-parameter fit beyond the warm start, for the first fit of an operator and
     * after a shift; periodic refits start from the current optimum only (int, [0, 32], default 2). */
    TRD_P_GP_RESTARTS       = 122,
    /* Covariance function, a trd_gp_kernel (int, [0, 2], default TRD_GP_KERNEL_MATERN52). */
    TRD_P_GP_KERNEL         = 123,
    /* Hyper-parameter optimiser, a trd_gp_optimizer (int, [0, 1], default TRD_GP_OPTIMIZER_BOXMIN). */
    TRD_P_GP_OPTIMIZER      = 124,
    /* Eviction keeps the oldest window if no other lies within this distance of it in standardised log1p
     * feature space, so rare workloads stay covered (double, [0, 100], default 0.5). */
    TRD_P_GP_COVERAGE_RADIUS = 125,
    /* Which capacity estimate observe gives (int, [0, 1], default 0): 0 is libtrident's (two-stage filter,
     * EMA, then a Gaussian process); 1 is the useful-time rate of DS2 (items / busy seconds), the estimator the
     * paper's RQ2 ablation swaps in.  For comparisons; 1 is wrong for asynchronous operators. */
    TRD_P_OBSERVE_ESTIMATOR = 126,
    /* Largest YAML document trd_ctx_load_yaml* accepts, in bytes (int, [1024, 1073741824], default
     * 4194304); larger input fails with TRD_E_LIMIT before it is parsed. */
    TRD_P_YAML_MAX_BYTES    = 200,
    /* Deepest YAML nesting of mappings and sequences accepted (int, [8, 1024], default 32; the model format
     * itself nests 7 deep); deeper input fails with TRD_E_LIMIT. */
    TRD_P_YAML_MAX_DEPTH    = 201,
    /* Workload regimes (adapt).  The regime parameters take effect when a model is loaded or first committed.
     * Radius tau_d within which an operator's features (log1p, per sample) join a regime (double, [0.01, 100],
     * default 1.1: a factor of about 3 in one feature). */
    TRD_P_REGIME_RADIUS     = 300,
    /* Most regimes per operator, L_max; beyond it the two whose merge adds least scatter merge (int, [2, 32],
     * default 6). */
    TRD_P_REGIME_MAX        = 301,
    /* Factor by which regime counts decay per period, gamma (double, [0.5, 1], default 0.995). */
    TRD_P_REGIME_DECAY      = 302,
    /* ... the period, in ms of host time (int, [1000, 86400000], default 300000). */
    TRD_P_REGIME_DECAY_PERIOD_MS = 303,
    /* Recent assignments that decide dominance (int, [5, 10000], default 50). */
    TRD_P_REGIME_WINDOW     = 304,
    /* Share of them a regime needs to become dominant, and to be tuned (double, [0.51, 1], default 0.7). */
    TRD_P_REGIME_DOMINANCE  = 305,
    /* Least time between two tuning triggers of one operator, ms (int, [0, 86400000], default 60000). */
    TRD_P_REGIME_COOLDOWN_MS = 306,
    /* Bayesian optimisation of configs (adapt).  Probes per regime before the best config is recommended; it
     * stops earlier when no candidate promises 1% (int, [2, 200], default 30). */
    TRD_P_BO_BUDGET         = 310,
    /* Least probability of staying under the memory cap minus the margin that a candidate needs, eta (double,
     * [0, 1], default 0.6). */
    TRD_P_BO_ETA            = 311,
    /* Largest probability that a candidate exceeds the memory cap itself (double, [0, 1], default 0.05). */
    TRD_P_BO_MAX_CRASH      = 312,
    /* Safety margin Delta below the memory cap in bytes; -1: max(2 GiB, 10% of the cap), or 10% where 2 GiB
     * would exceed a quarter of it (double, [-1, 1e15], default -1). */
    TRD_P_BO_SAFETY_BYTES   = 313,
    /* Whether the adapt layer tunes configs (int, [0, 1], default 1).  0 keeps every operator on the configs it
     * runs (regimes are still tracked): the paper's "without adaptation" ablation. */
    TRD_P_ADAPT_ENABLE      = 314,
    /* Wall-clock budget of one schedule solve in milliseconds (int, [1, 3600000], default 1000).  When it runs
     * out the best plan found so far is returned (TRD_SOLVE_FEASIBLE), or the greedy plan (TRD_SOLVE_FALLBACK). */
    TRD_P_SOLVER_TIME_LIMIT_MS  = 400,
    /* Relative MIP gap at which the solver stops proving (double, [0, 1], default 0.01): the plan's throughput
     * is then within this fraction of the best possible.  0 asks for proven optimality. */
    TRD_P_SOLVER_MIP_GAP        = 401,
    /* Largest MILP the scheduler builds, in columns; rows are capped at the same number and nonzeros at 64
     * times it (int, [16, 4194304], default 200000).  A larger model fails with TRD_E_LIMIT instead of
     * exhausting memory inside the solver. */
    TRD_P_SOLVER_MAX_COLUMNS    = 402,
    /* The scheduling interval T_sched in milliseconds (int, [1000, 86400000], default 120000), and the shortest
     * horizon over which a config transition must pay back its cold start: a candidate config's rate counts as
     * rate x max(0, 1 - cold_start / horizon) while its instances restart (TRD_P_TRANSITION_HORIZON_MS; with
     * trd_ctx_plan_with_rates the horizon is T_sched). */
    TRD_P_SCHED_INTERVAL_MS     = 403,
    /* Largest share of an operator's instances restarted with a new config in one plan (double, [0, 1],
     * default 0.25): B_max = max(1, ceil(fraction x instances)).  0 disables config transitions. */
    TRD_P_ROLLING_MAX_FRACTION  = 404,
    /* The MILP formulation (int, [0, 1], default 0): 0 is libtrident's (rate flows on a DAG, hard NIC limits,
     * lexicographic objective; docs/scheduling.md); 1 is the Trident paper's Eqs. 10-26 taken literally
     * (linear chains only, one column per machine, lambda1 = 1e-4, lambda2 = 1e-6), for comparison. */
    TRD_P_SCHED_FORMULATION     = 405,
    /* Whether the MILP sees the network (int, [0, 1], default 1): 0 drops NIC limits and traffic costs, so
     * placement is network-agnostic -- the paper's "without placement" ablation. */
    TRD_P_SCHED_NETWORK         = 406,
    /* Least predicted gain, as a fraction of the live deployment's throughput, for which trd_ctx_poll returns
     * a plan (double, [0, 10], default 0.05).  Below it the host is not churned: no plan, unless the plan
     * continues a config transition, starts a probe, or restores an operator below its minimum instances. */
    TRD_P_MIN_GAIN              = 500,
    /* Shortest time between two control steps in milliseconds when an event asks for an early one (an OOM, a
     * new dominant regime, a finished probe, a commit) (int, [0, 86400000], default 10000). */
    TRD_P_EARLY_STEP_MIN_MS     = 501,
    /* How long a plan may stay without an outcome before the loop abandons it and plans again from the live
     * deployment, in milliseconds (int, [1000, 86400000], default 600000).  Its instance events count as a
     * PARTIAL outcome. */
    TRD_P_PLAN_TIMEOUT_MS       = 502,
    /* How long the host runs a PROBE action before returning the instance to its config, in milliseconds (int,
     * [1000, 3600000], default 60000: five observe windows and their grace -- the first after the restart is
     * partial, and a bursty input makes some of the others fail the filters). */
    TRD_P_PROBE_DURATION_MS     = 503,
    /* A probe ends with its TRD_EVENT_PROBE_FINISHED (or OOM), or once it has been measured: the operator's
     * restart (stop, start and cold-start times), TRD_P_PROBE_DURATION_MS and one observe window with its
     * grace after its plan was applied -- the way back adds nothing to measure, and the next probe need not
     * wait for it.  This is how much longer the loop waits, in milliseconds (int, [0, 86400000], default 0). */
    TRD_P_PROBE_TIMEOUT_MS      = 504,
    /* Consecutive plans that may defer a config transition (its cold start does not pay back, or it would cost
     * throughput now) before the loop drops it and lets the operator be tuned again (int, [1, 1000], default 3). */
    TRD_P_TRANSITION_MAX_DEFERRALS = 505,
    /* Weight of the newest measurement in the moving averages the loop keeps of what the model leaves unknown:
     * start, stop and cold-start times, items out per item in, and bytes per output item (double, (0, 1],
     * default 0.3). */
    TRD_P_LEARN_ALPHA           = 506,
    /* Least predicted gain of a recommended config over the current one, as a fraction of the current
     * per-instance rate, for a transition to start (double, [0, 10], default 0.05). */
    TRD_P_TRANSITION_MIN_GAIN   = 507,
    /* How much out-of-memory crashes of a config may cost before the config counts as infeasible, as a share
     * of its recent production time (double, [0, 1], default 0.05): each TRD_EVENT_OOM costs the operator's
     * start and cold-start times, production time is the instance time of its windows that made progress.
     * An OOM of a config with little recent production (a probe, a config just started, one whose instances
     * crash as they start) marks it at once; a rare OOM of a config that serves well (a transient memory
     * spike) does not.  0: every OOM marks its config, the paper's rule. */
    TRD_P_OOM_TOLERANCE         = 508,
    /* What "recent" means above: OOMs and production time count with weight exp(-age / horizon), the horizon
     * in ms (int, [1000, 86400000], default 3600000). */
    TRD_P_OOM_HORIZON_MS        = 509,
    /* The factor by which the loop plans with an operator's rate when the observe layer knows it only as a
     * lower bound (TRD_ESTIMATE_LOWER_BOUND: an asynchronous operator that never had a backlog) (double,
     * [1, 100], default 2).  Planning with the bound itself gives such an operator ever more instances, each
     * of which lowers the next bound; with headroom it is saturated within a few plans, and then measured. */
    TRD_P_LOWER_BOUND_HEADROOM  = 510,
    /* The time over which a config transition must pay back its cold start: a restarted instance counts for
     * UT_cand x (1 - cold_start / horizon), and it restarts only if that beats the current rate.  0 (the
     * default): the age of the operator's dominant workload regime -- a regime that has lasted T can be
     * expected to last about T more -- but at least TRD_P_SCHED_INTERVAL_MS.  The paper discounts over one
     * interval (set this to the interval for its rule): with cold starts near the interval, as accelerator
     * operators have, no transition ever pays back.  In ms (int, [0, 86400000], default 0). */
    TRD_P_TRANSITION_HORIZON_MS = 511
} trd_param;

/* Values of TRD_P_GP_KERNEL: Matern 5/2 (the paper's), Matern 3/2, squared exponential; all with one length
 * scale per feature (ARD). */
typedef enum trd_gp_kernel {
    TRD_GP_KERNEL_MATERN52 = 0,
    TRD_GP_KERNEL_MATERN32 = 1,
    TRD_GP_KERNEL_SE       = 2
} trd_gp_kernel;

/* Values of TRD_P_GP_OPTIMIZER: a projected quasi-Newton method (the default, about as many likelihood
 * evaluations as scikit-learn's L-BFGS-B), or GSL's BFGS2 on a logistic map of the bounds (several times more;
 * kept for comparison). */
typedef enum trd_gp_optimizer {
    TRD_GP_OPTIMIZER_BOXMIN    = 0,
    TRD_GP_OPTIMIZER_GSL_BFGS2 = 1
} trd_gp_optimizer;

typedef enum trd_param_type {
    TRD_PARAM_INT    = 1,           /* set/get with trd_ctx_set_int / trd_ctx_get_int       */
    TRD_PARAM_DOUBLE = 2            /* set/get with trd_ctx_set_double / trd_ctx_get_double */
} trd_param_type;

/* Sets an integer parameter.
 * @return TRD_OK; TRD_E_INVALID_ARG if ctx is NULL or the parameter is not an integer one; TRD_E_NOT_FOUND
 *         for an unknown parameter; TRD_E_OUT_OF_RANGE outside its bounds; TRD_E_NOMEM (resizing buffers).
 *         Since 0.1. */
TRD_API trd_status trd_ctx_set_int(trd_ctx *ctx, trd_param param, int64_t value);

/* Sets a double parameter.  NaN and infinities are TRD_E_INVALID_ARG; otherwise as trd_ctx_set_int.
 * Since 0.1. */
TRD_API trd_status trd_ctx_set_double(trd_ctx *ctx, trd_param param, double value);

/* Reads an integer parameter into *out.  Errors as trd_ctx_set_int.  Since 0.1. */
TRD_API trd_status trd_ctx_get_int(trd_ctx *ctx, trd_param param, int64_t *out);

/* Reads a double parameter into *out.  Errors as trd_ctx_set_double.  Since 0.1. */
TRD_API trd_status trd_ctx_get_double(trd_ctx *ctx, trd_param param, double *out);

/* Number of parameters; iterate with trd_param_at(0 .. count-1).  Since 0.1. */
TRD_API size_t trd_param_count(void);

/* The index-th parameter (in numeric order).  @return TRD_OK; TRD_E_INVALID_ARG if out is NULL;
 * TRD_E_OUT_OF_RANGE if index >= trd_param_count().  Since 0.1. */
TRD_API trd_status trd_param_at(size_t index, trd_param *out);

/* The parameter's name in lower snake case without the prefix ("ingest_capacity"), or NULL if unknown.
 * Static storage.  Since 0.1. */
TRD_API const char *trd_param_name(trd_param param);

/* Looks a parameter up by its trd_param_name.  @return TRD_OK; TRD_E_INVALID_ARG for NULL arguments;
 * TRD_E_NOT_FOUND.  Since 0.1. */
TRD_API trd_status trd_param_from_name(const char *name, trd_param *out);

/* Type, bounds (inclusive) and default of a parameter; each output may be NULL.  Integer parameters keep
 * their bounds within +-2^53, so the doubles are exact.  @return TRD_OK; TRD_E_NOT_FOUND.  Since 0.1. */
TRD_API trd_status trd_param_info(trd_param param, trd_param_type *type, double *min, double *max,
                                  double *dflt);

/* ============================================================================================================
 * Model: cluster and pipeline
 *
 * The model is edited in a staging area and becomes effective atomically with trd_ctx_commit_model(), which
 * validates it as a whole and gives it a new epoch.  Until then every read function below, and ingest, see
 * the last committed model.  Ids are dense indices in order of creation (0, 1, 2, ...), valid from the call
 * that returns them, and never change: nothing is ever removed from a model, only added or re-valued.
 *
 * Cluster: node kinds, each a pool of `count` identical machines (count 1 for a single node).  A physical
 * node is (node id, member) with member in [0, count).  Pools keep the scheduler's problem size proportional
 * to the number of node *kinds*, not nodes.
 *
 * Pipeline: a directed acyclic graph of operators.  Each operator has per-instance resources, instance
 * bounds, timing, workload feature names and configuration knobs.  A configuration ("config") is one value
 * per knob; config 0 of every operator is its default config (each knob at its default).
 *
 * Names are 1-63 characters from [A-Za-z0-9_.:/-] and unique within their kind (nodes, operators, features
 * and knobs of one operator).  At most 1024 nodes, 1024 operators, 8192 edges, 16 knobs per operator,
 * 64 choices per knob, 4096 configs per operator and 65536 deployment entries.
 * ========================================================================================================== */

/* The value of a time attribute that is not known: the library learns it from events (later versions). */
#define TRD_UNKNOWN (-1)

/* Node-kind attributes (all doubles; "integer" ones must hold whole numbers). */
typedef enum trd_node_attr {
    TRD_NODE_COUNT               = 1,  /* identical machines in the pool; integer, [0, 65536], default 1   */
    TRD_NODE_CPUS                = 2,  /* CPU cores per machine; > 0 at commit, default 0                   */
    TRD_NODE_MEMORY_BYTES        = 3,  /* host memory per machine; > 0 at commit, default 0                 */
    TRD_NODE_GPUS                = 4,  /* accelerator devices per machine; integer, default 0               */
    TRD_NODE_GPU_MEMORY_BYTES    = 5,  /* memory of each device; > 0 at commit when GPUS > 0, default 0     */
    TRD_NODE_NIC_BYTES_PER_S     = 6   /* NIC bandwidth per machine and direction; 0 = unlimited (default)  */
} trd_node_attr;

/* Operator attributes (all doubles; "integer" ones must hold whole numbers). */
typedef enum trd_op_attr {
    TRD_OP_CPUS                  = 1,  /* CPU cores per instance; fractional allowed; default 1             */
    TRD_OP_MEMORY_BYTES          = 2,  /* host memory per instance; default 0                               */
    TRD_OP_GPUS                  = 3,  /* devices per instance: a fraction in (0, 1] shares one device, or a
                                          whole number >= 1; default 0 (CPU operator)                        */
    TRD_OP_GPU_MEMORY_BYTES      = 4,  /* device memory an instance may use on each device it holds (its OOM
                                          cap); 0 (default) = the whole device                               */
    TRD_OP_MIN_INSTANCES         = 5,  /* integer, default 1                                                 */
    TRD_OP_MAX_INSTANCES         = 6,  /* integer; 0 (default) = no limit other than the cluster             */
    TRD_OP_ASYNC                 = 7,  /* 1 if the operator batches or overlaps requests internally (useful
                                          time then misleads); 0 or 1, default 0                             */
    TRD_OP_OUTPUT_BYTES_PER_ITEM = 8,  /* bytes of one output item; 0 (default) = estimate online            */
    TRD_OP_ITEMS_OUT_PER_IN      = 9,  /* prior of output items per input item: fan-out > 1, filter < 1;
                                          default 1, estimated online                                        */
    TRD_OP_START_S               = 10, /* seconds to launch an instance; TRD_UNKNOWN (default) or >= 0       */
    TRD_OP_STOP_S                = 11, /* seconds to stop an instance; TRD_UNKNOWN (default) or >= 0         */
    TRD_OP_COLD_START_S          = 12  /* seconds from launch to steady throughput (model load, warm-up);
                                          TRD_UNKNOWN (default) or >= 0                                      */
} trd_op_attr;

/* Knob flags for trd_ctx_add_knob_int / trd_ctx_add_knob_real (bitwise or). */
#define TRD_KNOB_MEMORY_MONOTONE 1  /* peak memory never decreases when this knob increases (batch size)   */
#define TRD_KNOB_LOG_SCALE       2  /* explore on a log scale; requires min > 0                             */

/* Adds a node kind with default attributes (see trd_node_attr) and returns its id.
 * @return TRD_OK; TRD_E_INVALID_ARG for a NULL ctx/out or a malformed or duplicate name; TRD_E_LIMIT;
 *         TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_add_node(trd_ctx *ctx, const char *name, uint32_t *out_node);

/* Sets one attribute of a node kind.  Values are checked against the attribute's own range here and
 * against the rest of the model at commit.
 * @return TRD_OK; TRD_E_INVALID_ARG for NULL ctx, NaN/inf, or a fraction where a whole number is required;
 *         TRD_E_NOT_FOUND for an unknown node or attribute; TRD_E_OUT_OF_RANGE; TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_set_node_attr(trd_ctx *ctx, uint32_t node, trd_node_attr attr, double value);

/* Adds an operator with default attributes (see trd_op_attr) and returns its id.  Errors as
 * trd_ctx_add_node.  Since 0.1. */
TRD_API trd_status trd_ctx_add_operator(trd_ctx *ctx, const char *name, uint32_t *out_op);

/* Sets one attribute of an operator.  Errors as trd_ctx_set_node_attr.  Since 0.1. */
TRD_API trd_status trd_ctx_set_operator_attr(trd_ctx *ctx, uint32_t op, trd_op_attr attr, double value);

/* Declares the next workload feature of an operator (e.g. "pages", "prompt_tokens", "pixels").  Samples of
 * this operator carry feature values in declaration order (trd_sample.features).
 * @param out_index  receives the feature's position (may be NULL).
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx, bad or duplicate name); TRD_E_NOT_FOUND (operator);
 *         TRD_E_LIMIT beyond TRD_MAX_FEATURES; TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_add_feature(trd_ctx *ctx, uint32_t op, const char *name, uint32_t *out_index);

/* Adds an integer knob with domain [min, max] and default `dflt`; `flags` from TRD_KNOB_*.  Knobs must be
 * added before any config other than the default is added to the operator.
 * @param out_knob  receives the knob's position among the operator's knobs (may be NULL).
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx, bad or duplicate name, empty domain min > max, default
 *         outside the domain, unknown flags, log scale with min <= 0); TRD_E_NOT_FOUND (operator);
 *         TRD_E_STATE (the operator already has configs); TRD_E_LIMIT; TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_add_knob_int(trd_ctx *ctx, uint32_t op, const char *name, int64_t min, int64_t max,
                                        int64_t dflt, uint32_t flags, uint32_t *out_knob);

/* Adds a real-valued knob; as trd_ctx_add_knob_int, and NaN/inf bounds are TRD_E_INVALID_ARG.  Since 0.1. */
TRD_API trd_status trd_ctx_add_knob_real(trd_ctx *ctx, uint32_t op, const char *name, double min, double max,
                                         double dflt, uint32_t flags, uint32_t *out_knob);

/* Adds a boolean knob with default `dflt` (0 or 1).  Errors as trd_ctx_add_knob_int.  Since 0.1. */
TRD_API trd_status trd_ctx_add_knob_bool(trd_ctx *ctx, uint32_t op, const char *name, int dflt,
                                         uint32_t *out_knob);

/* Adds a categorical knob with `n_choices` named choices (names follow the naming rule and are unique within
 * the knob) and the default choice index `dflt`.  A config holds the index of the chosen choice.
 * Errors as trd_ctx_add_knob_int; n_choices 0 is an empty domain.  Since 0.1. */
TRD_API trd_status trd_ctx_add_knob_choice(trd_ctx *ctx, uint32_t op, const char *name,
                                           const char *const *choices, size_t n_choices, size_t dflt,
                                           uint32_t *out_knob);

/* Registers a config of an operator: one value per knob in knob order (integers and choice indices as whole
 * doubles, booleans as 0 or 1).  A config equal to an existing one returns that one's id; the default config
 * is always id 0.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL pointers, n_values != number of knobs, a value outside its knob's
 *         domain or not whole where it must be); TRD_E_NOT_FOUND (operator); TRD_E_LIMIT; TRD_E_NOMEM.
 *         Since 0.1. */
TRD_API trd_status trd_ctx_add_config(trd_ctx *ctx, uint32_t op, const double *values, size_t n_values,
                                      uint32_t *out_config);

/* Adds the edge from -> to.  `share` in (0, 1] is the prior fraction of `from`'s output items sent along this
 * edge (1 for a plain chain or a broadcast; below 1 for routing, e.g. 0.1 of blocks go to table OCR); it is
 * re-estimated online, for an operator with one input, as what arrived at `to` (items taken plus the growth of
 * its input queue in whole-operator samples) over what `from` emitted.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx, self-loop, duplicate edge, share outside (0, 1]);
 *         TRD_E_NOT_FOUND (either operator); TRD_E_LIMIT; TRD_E_NOMEM.  Cycles are reported at commit.
 *         Since 0.1. */
TRD_API trd_status trd_ctx_add_edge(trd_ctx *ctx, uint32_t from, uint32_t to, double share);

/* Declares how many instances of `op` with config `config` run on physical node (node, member) now; 0
 * removes the entry.  This is the deployment the scheduler starts from; capacity is checked at commit.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx); TRD_E_NOT_FOUND (operator, node or config);
 *         TRD_E_OUT_OF_RANGE (member >= the pool's count, or more than 100000 instances); TRD_E_LIMIT;
 *         TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_set_deployment(trd_ctx *ctx, uint32_t op, uint32_t node, uint32_t member,
                                          uint32_t config, uint32_t instances);

/* Validates the staged model and makes it the committed one, with a new epoch.  Validation: at least one
 * node with machines and one operator; no cycles; all operators connected; every operator fits on at least
 * one node kind; min_instances <= max_instances; the minimum instances fit the cluster's totals; device
 * memory declared where devices are; the deployment within each machine's capacity and each operator's
 * maximum.  With no staged edits it returns the current epoch and changes nothing.
 * @param out_epoch  receives the epoch (may be NULL); epochs start at 1 and grow by 1 per commit.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx); TRD_E_STATE (no model at all); TRD_E_INVALID_MODEL with a
 *         message naming the offending object (the staged edits are kept for correction and the committed
 *         model is unchanged); TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_commit_model(trd_ctx *ctx, uint64_t *out_epoch);

/* Discards staged edits; the next edit starts again from the committed model.  NULL is a no-op.  Since 0.1. */
TRD_API void trd_ctx_discard_model_edits(trd_ctx *ctx);

/* Loads a whole model from a YAML file (schema: docs/yaml.md) and commits it, replacing the committed model
 * and discarding staged edits.  On any failure nothing changes.  Errors read "path:line:col: what is wrong".
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx or path); TRD_E_IO (cannot open or read); TRD_E_LIMIT (larger
 *         than TRD_P_YAML_MAX_BYTES, deeper than TRD_P_YAML_MAX_DEPTH, or beyond a model cap); TRD_E_PARSE
 *         (anything wrong inside the file: syntax, encoding, wrong types, values outside their ranges, unknown
 *         or duplicate keys and names, aliases, anchors, tags); TRD_E_INVALID_MODEL (whole-model validation as
 *         in commit, pointing at the offending object's line); TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_load_yaml(trd_ctx *ctx, const char *path);

/* As trd_ctx_load_yaml, from `len` bytes at `text` (no NUL needed); errors read "<string>:line:col: ...".
 * Since 0.1. */
TRD_API trd_status trd_ctx_load_yaml_string(trd_ctx *ctx, const char *text, size_t len);

/* ---- reading the committed model ---- */

/* The committed model's epoch; 0 before the first commit or for a NULL ctx.  Since 0.1. */
TRD_API uint64_t trd_ctx_model_epoch(const trd_ctx *ctx);

/* Number of operators / node kinds in the committed model (0 for NULL or before a commit).  Since 0.1. */
TRD_API uint32_t trd_ctx_operator_count(const trd_ctx *ctx);
TRD_API uint32_t trd_ctx_node_count(const trd_ctx *ctx);

/* Name of a committed operator / node kind, or NULL if the id is out of range.  Belongs to the context;
 * valid until the next commit or load.  Since 0.1. */
TRD_API const char *trd_ctx_operator_name(const trd_ctx *ctx, uint32_t op);
TRD_API const char *trd_ctx_node_name(const trd_ctx *ctx, uint32_t node);

/* Finds a committed operator / node kind by name.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL arguments); TRD_E_STATE (no committed model); TRD_E_NOT_FOUND.
 *         Since 0.1. */
TRD_API trd_status trd_ctx_find_operator(trd_ctx *ctx, const char *name, uint32_t *out_op);
TRD_API trd_status trd_ctx_find_node(trd_ctx *ctx, const char *name, uint32_t *out_node);

/* Reads an attribute of a committed operator / node kind.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL arguments); TRD_E_STATE (no committed model); TRD_E_NOT_FOUND
 *         (id or attribute).  Since 0.1. */
TRD_API trd_status trd_ctx_get_operator_attr(trd_ctx *ctx, uint32_t op, trd_op_attr attr, double *out);
TRD_API trd_status trd_ctx_get_node_attr(trd_ctx *ctx, uint32_t node, trd_node_attr attr, double *out);

/* Workload feature `index` of a committed operator, or NULL if either is out of range.  Belongs to the
 * context; valid until the next commit or load.  The count is trd_ctx_feature_count.  Since 0.1. */
TRD_API uint32_t trd_ctx_feature_count(const trd_ctx *ctx, uint32_t op);
TRD_API const char *trd_ctx_feature_name(const trd_ctx *ctx, uint32_t op, uint32_t index);

/* Knob types, as reported by trd_ctx_get_knob. */
typedef enum trd_knob_type {
    TRD_KNOB_TYPE_INT    = 1,
    TRD_KNOB_TYPE_REAL   = 2,
    TRD_KNOB_TYPE_BOOL   = 3,
    TRD_KNOB_TYPE_CHOICE = 4
} trd_knob_type;

/* Number of knobs of a committed operator (0 if unknown).  Since 0.1. */
TRD_API uint32_t trd_ctx_knob_count(const trd_ctx *ctx, uint32_t op);

/* Describes knob `knob` of a committed operator; every output may be NULL.  For a choice knob min is 0, max
 * the last choice index and dflt the default index; for a bool knob [0, 1].  *name belongs to the context
 * (valid until the next commit or load).
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx); TRD_E_STATE (no committed model); TRD_E_NOT_FOUND.
 *         Since 0.1. */
TRD_API trd_status trd_ctx_get_knob(trd_ctx *ctx, uint32_t op, uint32_t knob, const char **name,
                                    trd_knob_type *type, double *min, double *max, double *dflt, uint32_t *flags);

/* Name of choice `index` of a choice knob, or NULL if anything is out of range or the knob is not a choice
 * knob.  Belongs to the context.  Since 0.1. */
TRD_API const char *trd_ctx_knob_choice_name(const trd_ctx *ctx, uint32_t op, uint32_t knob, uint32_t index);

/* Number of configs a committed operator has (>= 1: config 0 is the default), 0 if unknown.  Since 0.1. */
TRD_API uint32_t trd_ctx_config_count(const trd_ctx *ctx, uint32_t op);

/* Number of edges of the committed model, and edge `index` (in order of creation); outputs may be NULL.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx); TRD_E_STATE; TRD_E_NOT_FOUND.  Since 0.1. */
TRD_API uint32_t trd_ctx_edge_count(const trd_ctx *ctx);
TRD_API trd_status trd_ctx_get_edge(trd_ctx *ctx, uint32_t index, uint32_t *from, uint32_t *to, double *share);

/* Number of deployment entries of the committed model, and entry `index`; outputs may be NULL.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx); TRD_E_STATE; TRD_E_NOT_FOUND.  Since 0.1. */
TRD_API uint32_t trd_ctx_deployment_count(const trd_ctx *ctx);
TRD_API trd_status trd_ctx_get_deployment(trd_ctx *ctx, uint32_t index, uint32_t *op, uint32_t *node,
                                          uint32_t *member, uint32_t *config, uint32_t *instances);

/* Copies the knob values of a committed config (the form trd_ctx_add_config takes) into `out`.
 * @param out        destination; NULL (with capacity 0) only queries the count, returning TRD_OK.
 * @param capacity   number of doubles `out` can hold.
 * @param out_count  receives the number of knobs (may be NULL).
 * @return TRD_OK; TRD_E_INVALID_ARG; TRD_E_STATE; TRD_E_NOT_FOUND (operator or config);
 *         TRD_E_BUFFER_TOO_SMALL (*out_count still says how many are needed).  Since 0.1. */
TRD_API trd_status trd_ctx_config_values(trd_ctx *ctx, uint32_t op, uint32_t config, double *out,
                                         size_t capacity, size_t *out_count);

/* Writes the committed model as one JSON object (nodes, operators with knobs and configs, edges, deployment;
 * schema in docs/yaml.md) into `buf`, NUL-terminated.  Numbers are written in the "C" format whatever the
 * process locale, and round-trip exactly.
 * @param buf       destination; NULL (with capacity 0) only queries the length, returning TRD_OK.
 * @param capacity  bytes available at buf.
 * @param out_len   receives the length without the NUL (may be NULL); on TRD_E_BUFFER_TOO_SMALL it still
 *                  receives the length, so call again with out_len + 1 bytes.
 * @return TRD_OK; TRD_E_INVALID_ARG; TRD_E_STATE (no committed model); TRD_E_BUFFER_TOO_SMALL.  Since 0.1. */
TRD_API trd_status trd_ctx_model_to_json(trd_ctx *ctx, char *buf, size_t capacity, size_t *out_len);

/* ============================================================================================================
 * Observe: metric samples
 * ========================================================================================================== */

/* Most workload features one sample carries. */
#define TRD_MAX_FEATURES 8

/* trd_sample.instance value for a sample that aggregates all instances of the operator. */
#define TRD_WHOLE_OPERATOR 4294967295

/* One observation window of one operator instance (or of the whole operator), as the host measured it.
 * Frozen layout: 184 bytes, no padding; fill it from a numpy structured array without copying.  New
 * information will come as new records, never as new fields. */
typedef struct trd_sample {
    uint64_t window_start_ns;       /* host clock at the window's start                                     */
    uint64_t window_end_ns;         /* host clock at its end; must be > window_start_ns                     */
    uint32_t op;                    /* operator id                                                          */
    uint32_t instance;              /* the host's instance id, or TRD_WHOLE_OPERATOR                        */
    uint32_t config;                /* config id the instance ran (0 = default)                             */
    uint32_t active_instances;      /* instances covered: 1 for an instance sample, >= 1 for a whole operator */
    uint64_t items_in;              /* items taken from the input queue in the window                       */
    uint64_t items_out;             /* items emitted                                                        */
    uint64_t bytes_in;              /* bytes of those items                                                 */
    uint64_t bytes_out;
    uint64_t queue_start;           /* items waiting in the input queue at the window's start               */
    uint64_t queue_end;             /* ... and at its end                                                   */
    uint64_t host_mem_peak_bytes;   /* peak host memory of the instance(s); 0 = not measured                */
    uint64_t device_mem_peak_bytes; /* peak device memory; 0 = not measured                                 */
    double   busy_s;                /* useful seconds summed over the instances covered: wall time with at
                                       least one request in progress (overlapping requests count once)      */
    double   utilisation;           /* busy fraction of the main resource (CPU or device), in [0, 1]        */
    uint32_t n_features;            /* number of features: must equal the operator's declared count        */
    uint32_t flags;                 /* reserved; must be 0                                                  */
    double   features[TRD_MAX_FEATURES]; /* workload features in declaration order; finite and >= 0         */
} trd_sample;

/* Counters of the ingest path. */
typedef struct trd_ingest_stats {
    uint64_t accepted;              /* samples accepted since the context was created                       */
    uint64_t rejected;              /* samples in batches that failed validation                            */
    uint64_t dropped;               /* accepted samples evicted from a full buffer before being consumed    */
    uint64_t buffered;              /* samples waiting in the buffer now                                    */
    uint64_t capacity;              /* the buffer's capacity (TRD_P_INGEST_CAPACITY)                        */
} trd_ingest_stats;

/* Ingests `count` samples.  The batch is validated as a whole against the committed model first; if any
 * sample is invalid, none is kept, the message names the first bad sample and field, and the batch counts
 * as rejected.  Accepted samples wait in a bounded buffer (TRD_P_INGEST_CAPACITY; the oldest are dropped
 * when it overflows) for the control step to consume them.
 * Validation: op and config exist; window_end_ns > window_start_ns; active_instances >= 1, and exactly 1 for
 * an instance sample; busy_s finite, >= 0 and <= window seconds x active_instances x (1 +
 * TRD_P_INGEST_BUSY_SLACK); utilisation in [0, 1]; n_features equal to the operator's feature count; each
 * feature finite and >= 0; flags 0.
 * @return TRD_OK (count 0 is a no-op); TRD_E_INVALID_ARG (NULL ctx, NULL samples with count > 0, or an
 *         invalid sample); TRD_E_STATE (no committed model); TRD_E_NOMEM (growing the buffer; the batch is
 *         then not kept and not counted).  Since 0.1. */
TRD_API trd_status trd_ctx_observe(trd_ctx *ctx, const trd_sample *samples, size_t count);

/* Copies the ingest counters into *out.  @return TRD_OK; TRD_E_INVALID_ARG (NULL arguments).  Since 0.1. */
TRD_API trd_status trd_ctx_ingest_stats(trd_ctx *ctx, trd_ingest_stats *out);

/* ---- estimates: what observe believes ----
 *
 * Each operator's sustainable per-instance throughput (items in per second per instance) is estimated per
 * config from the samples (DESIGN section 5): samples are aggregated into windows (TRD_P_OBSERVE_WINDOW_MS);
 * windows that are not steady state are filtered out (utilisation, queue trend, no progress, and, once a
 * Gaussian process exists, outliers); an EMA of the survivors serves until TRD_P_OBSERVE_MIN_SAMPLES windows
 * are accepted, then a GP over the operator's workload features (log1p, standardised) gives the rate at the
 * current workload with its uncertainty.  A window closes when samples ending TRD_P_OBSERVE_GRACE_MS after it
 * arrive, so estimates lag the newest samples by up to a window.  The functions below first fold whatever
 * trd_ctx_observe has buffered. */

/* Config argument of trd_ctx_estimate_detail: the config of the operator's latest closed window. */
#define TRD_CURRENT_CONFIG 4294967295
/* Config argument of trd_ctx_invalidate: every config of the operator. */
#define TRD_ALL_CONFIGS 4294967295

/* Where an estimate comes from. */
typedef enum trd_estimate_source {
    TRD_ESTIMATE_NONE        = 0,   /* nothing usable yet                                                  */
    TRD_ESTIMATE_EMA         = 1,   /* EMA of filtered windows, before the GP has enough of them           */
    TRD_ESTIMATE_GP          = 2,   /* the Gaussian process at the workload asked about                    */
    TRD_ESTIMATE_UTILISATION = 3,   /* rate / utilisation of under-loaded windows: low confidence, used only
                                       while no steady-state window exists                                 */
    TRD_ESTIMATE_LOWER_BOUND = 4,   /* the rate the operator achieved, never steady and with no trustworthy
                                       utilisation (an asynchronous operator that never had a backlog, or
                                       below 1% busy): what it did, not what it can do -- the last resort    */
    TRD_ESTIMATE_USEFUL_TIME = 5    /* items / busy seconds (TRD_P_OBSERVE_ESTIMATOR = 1)                    */
} trd_estimate_source;

/* An estimate with its provenance.  Frozen layout: 40 bytes. */
typedef struct trd_estimate {
    double   items_per_s;           /* sustainable per-instance rate; >= 0                                  */
    double   stddev;                /* its uncertainty: GP posterior sd, or 1.25 x the EMA's mean absolute
                                       deviation                                                            */
    double   noise_stddev;          /* window-to-window noise the GP learned (0 without a GP)              */
    uint32_t source;                /* a trd_estimate_source                                               */
    uint32_t config;                /* the config estimated                                                */
    uint32_t points;                /* windows behind it (GP points, or windows the EMA has seen)          */
    uint32_t reserved;              /* 0                                                                   */
} trd_estimate;

/* Per-operator observe counters (all configs; they survive invalidation).  Frozen layout: 72 bytes. */
typedef struct trd_observe_stats {
    uint64_t windows;               /* windows closed                                                      */
    uint64_t accepted;              /* ... that passed both filters                                        */
    uint64_t rejected_utilisation;  /* stage 1: utilisation below TRD_P_OBSERVE_MIN_UTILISATION            */
    uint64_t rejected_queue;        /* stage 1: queue draining to empty or changing too fast, or (an
                                       asynchronous operator) empty at the window's end: starved            */
    uint64_t rejected_progress;     /* stage 1: no item taken                                              */
    uint64_t rejected_outlier;      /* stage 2: too far from the GP                                        */
    uint64_t late_samples;          /* samples that arrived after their window closed                     */
    uint64_t gp_fits;               /* hyper-parameter fits run                                            */
    uint64_t invalidations;         /* estimators dropped by trd_ctx_invalidate                            */
} trd_observe_stats;

/* The sustainable per-instance throughput of `op` in its current config (the config of its latest closed
 * window) at its current workload (the mean features of that window).
 * @param out_items_per_s  receives the rate, items in per second per instance.
 * @param out_stddev       receives its uncertainty (may be NULL).
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx or out_items_per_s); TRD_E_STATE (no committed model, or no
 *         usable window for the operator yet: the message says how its windows were filtered);
 *         TRD_E_NOT_FOUND (operator); TRD_E_NOMEM (folding buffered samples; they stay buffered).
 *         Since 0.1. */
TRD_API trd_status trd_ctx_estimate(trd_ctx *ctx, uint32_t op, double *out_items_per_s, double *out_stddev);

/* The estimate for `op` in `config` (or TRD_CURRENT_CONFIG) at the workload `features` (n_features raw
 * values in the operator's feature order, finite and >= 0), or at the current workload with features NULL.
 * Nothing known is not an error here: *out says TRD_ESTIMATE_NONE.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx or out, n_features not the operator's count, a bad feature);
 *         TRD_E_STATE (no committed model); TRD_E_NOT_FOUND (operator or config); TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_estimate_detail(trd_ctx *ctx, uint32_t op, uint32_t config, const double *features,
                                           size_t n_features, trd_estimate *out);

/* Copies the observe counters of `op` into *out.
 * @return TRD_OK; TRD_E_INVALID_ARG; TRD_E_STATE (no committed model); TRD_E_NOT_FOUND; TRD_E_NOMEM.
 *         Since 0.1. */
TRD_API trd_status trd_ctx_observe_stats(trd_ctx *ctx, uint32_t op, trd_observe_stats *out);

/* Forgets what observe learned about `op` in `config` (or TRD_ALL_CONFIGS): its windows, EMA and GP.  Call it
 * when the operator's behaviour changed in a way its samples cannot show (new code, other hardware); the
 * control loop does it itself when it commits a config transition (paper: sample invalidation).
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx); TRD_E_STATE (no committed model); TRD_E_NOT_FOUND
 *         (operator, or a config it does not have); TRD_E_NOMEM (folding buffered samples first).
 *         Since 0.1. */
TRD_API trd_status trd_ctx_invalidate(trd_ctx *ctx, uint32_t op, uint32_t config);

/* ============================================================================================================
 * Schedule: plans
 *
 * The scheduler solves a mixed-integer program (GLPK) over how many instances of each operator run on each
 * node kind, how they pack onto machines, and which operators restart instances with a better config this
 * round, maximising the pipeline's sustainable throughput in source items per second; ties are broken, in a
 * second solve, by less network traffic, fewer instance starts and stops, and starting beneficial config
 * transitions (docs/scheduling.md has the formulation).  The answer is a plan: the target deployment and the
 * ordered actions that reach it from the deployment the model declares.
 *
 * A plan is immutable and owned by the caller.  It never points into its context: a plan may be freed before
 * or after its context (the context's allocator, which allocated it, must outlive both).
 * ========================================================================================================== */

/* trd_rate.candidate_config when the operator has no candidate config. */
#define TRD_NO_CONFIG 4294967295

/* What the host (or the observe and adapt layers) knows about one operator's throughput.  Frozen layout: 32
 * bytes.
 *
 * Rates are per instance in the operator's input items per second, sustained under full load.  Accelerators
 * are time-sliced, not multiplied: for an operator with 0 < gpus < 1 the rate is that of one whole device
 * running the operator, and each instance is credited `gpus` of it (four 0.25-device instances on one device
 * give the device's rate, not four times it).  For a whole-device or CPU operator it is one instance's rate. */
typedef struct trd_rate {
    uint32_t op;                    /* operator id; every operator appears exactly once                   */
    uint32_t candidate_config;      /* config to move to, or TRD_NO_CONFIG                                 */
    double   items_per_s;           /* rate of the current config(s); finite and > 0                       */
    double   candidate_items_per_s; /* rate with candidate_config; finite and > 0 when one is given        */
    double   reserved;              /* must be 0                                                           */
} trd_rate;

/* Plan action kinds (trd_action.kind). */
#define TRD_ACTION_START       1    /* start `count` instances with `config` on (node, member)               */
#define TRD_ACTION_STOP        2    /* stop `count` instances running `config` on (node, member); which ones is
                                       the host's choice: idle ones first, never preempting a running batch  */
#define TRD_ACTION_RECONFIGURE 3    /* restart `count` instances from `from_config` to `config`, in place     */
#define TRD_ACTION_PROBE       4    /* (trd_ctx_poll only) run one instance on (node, member), now on
                                       `from_config`, with `config` for TRD_P_PROBE_DURATION_MS, reporting its
                                       samples under `config`; then return it to `from_config` and report
                                       TRD_EVENT_PROBE_FINISHED -- or TRD_EVENT_OOM if it ran out of memory.  A
                                       probe measures a config the adapt layer wants to know; it is part of no
                                       target deployment                                                      */

/* One step of a plan.  Frozen layout: 32 bytes.  Actions are ordered by `round`: all actions of a round are
 * independent, and round r + 1 starts when round r is done.  Round 1 stops instances whose resources the
 * starts of round 2 need; round 3 stops the rest (after their replacements run) and restarts at most B_max
 * instances per operator with the candidate config (one rolling-update round; later plans continue it). */
typedef struct trd_action {
    uint32_t kind;                  /* TRD_ACTION_*                                                        */
    uint32_t op;
    uint32_t node;                  /* node kind                                                           */
    uint32_t member;                /* machine within the node kind's pool                                 */
    uint32_t config;                /* config started, stopped, or reconfigured to                         */
    uint32_t from_config;           /* RECONFIGURE: the config left; otherwise TRD_NO_CONFIG                */
    uint32_t count;                 /* instances, >= 1                                                     */
    uint32_t round;                 /* 1, 2 or 3                                                           */
} trd_action;

/* The deployment a plan aims at: `instances` of `op` with `config` on machine (node, member).  Frozen layout:
 * 24 bytes.  Entries with zero instances are not listed. */
typedef struct trd_target {
    uint32_t op;
    uint32_t node;
    uint32_t member;
    uint32_t config;
    uint32_t instances;
    uint32_t reserved;              /* 0                                                                   */
} trd_target;

/* How a plan's solve ended (trd_plan_solve_status). */
#define TRD_SOLVE_OPTIMAL  1        /* the throughput is optimal (within TRD_P_SOLVER_MIP_GAP)                */
#define TRD_SOLVE_FEASIBLE 2        /* the time limit stopped the solver: a good plan, optimality unproven    */
#define TRD_SOLVE_FALLBACK 3        /* the solver found nothing better in time: the greedy plan (the current
                                       deployment completed and grown at the bottleneck)                      */

typedef struct trd_plan trd_plan;

/* Computes a plan for the committed model from the host's rates.  The model's deployment is the starting
 * point and gives each operator's rolling-update state: its instances already on candidate_config have
 * finished the transition, the rest are still to move.  An operator all of whose instances run its
 * candidate_config counts as transitioned (candidate_items_per_s becomes its rate); one with no instances at
 * all starts new instances directly on whichever of its current and candidate configs is faster.
 * Limits: TRD_P_SOLVER_TIME_LIMIT_MS, TRD_P_SOLVER_MIP_GAP, TRD_P_SOLVER_MAX_COLUMNS; TRD_P_SCHED_INTERVAL_MS
 * and TRD_P_ROLLING_MAX_FRACTION shape transitions; TRD_P_SCHED_FORMULATION selects the formulation.
 * Unknown start/stop times default to 2 s + 10 s per device + 0.5 s per GB of instance memory and 0.5 s + 1 s
 * per device; an unknown cold start to the start time.  A solve that ends within the time limit is
 * deterministic: the same model, rates and parameters give the same plan.  The formulation and the meaning
 * of every term are in docs/scheduling.md.
 * @param rates      one record per operator, in any order.
 * @param count      number of records: the number of operators.
 * @param out_plan   receives the plan (caller-owned; release with trd_plan_free).
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL arguments, a missing or repeated operator, a rate that is NaN,
 *         infinite or <= 0, an unknown candidate config, reserved != 0); TRD_E_STATE (no committed model, or
 *         the paper's formulation on a pipeline that is not a linear chain); TRD_E_LIMIT (the MILP would exceed
 *         TRD_P_SOLVER_MAX_COLUMNS); TRD_E_INFEASIBLE (no deployment satisfies the model, e.g. the minimum
 *         instances do not pack onto the machines); TRD_E_SOLVER (the solver found nothing in time and no
 *         greedy plan exists); TRD_E_NOMEM.  On failure *out_plan is untouched.  Since 0.1. */
TRD_API trd_status trd_ctx_plan_with_rates(trd_ctx *ctx, const trd_rate *rates, size_t count, trd_plan **out_plan);

/* Releases a plan.  NULL is a no-op.  Since 0.1. */
TRD_API void trd_plan_free(trd_plan *plan);

/* The plan's id: 1 for a context's first plan, then 2, 3, ... (failed calls use no id).  0 for NULL.
 * Since 0.1. */
TRD_API uint64_t trd_plan_id(const trd_plan *plan);

/* The model epoch the plan was computed for (trd_ctx_model_epoch at the time).  0 for NULL.  Since 0.1. */
TRD_API uint64_t trd_plan_epoch(const trd_plan *plan);

/* Predicted throughput of the target deployment, in source items per second: the largest rate at which every
 * operator keeps up and every NIC stays within its limit.  0 for NULL.  Since 0.1. */
TRD_API double trd_plan_predicted_throughput(const trd_plan *plan);

/* The operator whose capacity limits the throughput (the smallest capacity per item it must process), or
 * 4294967295 (UINT32_MAX) for NULL.  When a NIC limit binds, the reason says so.  Since 0.1. */
TRD_API uint32_t trd_plan_bottleneck(const trd_plan *plan);

/* TRD_SOLVE_OPTIMAL, TRD_SOLVE_FEASIBLE or TRD_SOLVE_FALLBACK; 0 for NULL.  Since 0.1. */
TRD_API uint32_t trd_plan_solve_status(const trd_plan *plan);

/* The relative MIP gap the solver reported (0 when optimal; NaN when unknown, e.g. for a fallback plan found
 * before the LP relaxation was solved) and the solve's wall time in milliseconds.  NaN / 0 for NULL.
 * Since 0.1. */
TRD_API double trd_plan_mip_gap(const trd_plan *plan);
TRD_API double trd_plan_solve_ms(const trd_plan *plan);

/* Number of actions / targets (0 for NULL).  Since 0.1. */
TRD_API size_t trd_plan_action_count(const trd_plan *plan);
TRD_API size_t trd_plan_target_count(const trd_plan *plan);

/* Copy the actions (in execution order) / targets (by op, node, member, config) into `out`.
 * @param out        destination; NULL (with capacity 0) only queries the count, returning TRD_OK.
 * @param capacity   records `out` can hold.
 * @param out_count  receives the number of records (may be NULL); on TRD_E_BUFFER_TOO_SMALL it still receives
 *                   the number needed.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL plan, or NULL out with capacity > 0); TRD_E_BUFFER_TOO_SMALL (nothing
 *         is copied).  Since 0.1. */
TRD_API trd_status trd_plan_get_actions(const trd_plan *plan, trd_action *out, size_t capacity, size_t *out_count);
TRD_API trd_status trd_plan_get_targets(const trd_plan *plan, trd_target *out, size_t capacity, size_t *out_count);

/* One or more sentences for people: the bottleneck and its share of the demand, binding network limits, how
 * the solve ended, and why a transition was deferred (e.g. "transition of 'caption_vlm' to config 3 deferred:
 * its 120 s cold start leaves 0.8 items/s per instance within the 120 s interval, below the current 1.1").
 * Belongs to the plan; never NULL ("" for NULL).  Since 0.1. */
TRD_API const char *trd_plan_reason(const trd_plan *plan);

/* Writes the plan as one JSON object (id, epoch, solve status, gap, throughput, bottleneck, reason, targets
 * and actions with operator and node names) into `buf`, NUL-terminated.  Numbers are written in the "C"
 * format whatever the process locale.  No wall time appears in it (nor in the reason): a solve that ends
 * within its time limit gives the same bytes for the same inputs, which is what trace replays compare.
 * @param buf       destination; NULL (with capacity 0) only queries the length, returning TRD_OK.
 * @param capacity  bytes available at buf.
 * @param out_len   receives the length without the NUL (may be NULL); on TRD_E_BUFFER_TOO_SMALL it still
 *                  receives the length, so call again with out_len + 1 bytes.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL plan, or NULL buf with capacity > 0); TRD_E_BUFFER_TOO_SMALL.
 *         Since 0.1. */
TRD_API trd_status trd_plan_to_json(const trd_plan *plan, char *buf, size_t capacity, size_t *out_len);

/* ============================================================================================================
 * The closed loop
 *
 * Once a model is committed, a host drives libtrident with four calls (README shows the loop in C):
 *
 *     every window        trd_ctx_observe(ctx, samples, n)                    from any thread
 *     as things happen    trd_ctx_report_event(ctx, &event)                   instances, OOMs, configs, probes
 *     every tick          trd_ctx_poll(ctx, now_ns, &plan)                    a plan, or NULL
 *     after a plan        trd_ctx_report_outcome(ctx, id, outcome, now_ns)    APPLIED, PARTIAL or FAILED
 *
 * The host is the source of truth for what runs where.  The loop plans from the *live deployment*
 * (trd_ctx_get_deployment reads it): the deployment the model declares when it is committed, changed by
 * instance events and by plans the host reports as applied.  It never assumes a plan ran until told so.
 *
 * trd_ctx_poll runs a control step when one is due: TRD_P_SCHED_INTERVAL_MS after the previous step, or
 * earlier -- but not within TRD_P_EARLY_STEP_MIN_MS of it -- after an OOM, a new dominant workload regime, a
 * finished probe, or a commit.  A step folds the buffered samples into the observe layer, lets the adapt
 * layer react to the workload (it may ask for a PROBE of a config), solves the MILP with the estimated rates
 * and the learned timings, and compares the result with the live deployment.  It returns a plan when the
 * predicted gain reaches TRD_P_MIN_GAIN, or the plan continues a config transition, starts a probe, or
 * restores an operator below its minimum; otherwise none (trd_ctx_step_reason says why).  One plan is
 * outstanding at a time: until its outcome arrives, or TRD_P_PLAN_TIMEOUT_MS passes, no new plan is made.
 *
 * Config transitions.  When the adapt layer recommends a config for an operator, the transition proceeds in
 * rolling rounds -- at most B_max RECONFIGURE actions per plan (TRD_P_ROLLING_MAX_FRACTION) -- until every
 * instance runs it; meanwhile other recommendations for that operator wait (the single-transition invariant).
 * A round the MILP defers (the cold start does not pay back within T_sched) counts against
 * TRD_P_TRANSITION_MAX_DEFERRALS.  When the last instance has moved, the observe layer forgets the old
 * config (trd_ctx_invalidate): its samples describe something no longer running.  Estimates are kept per
 * config, so samples of the new config are never mixed with the old one's.
 *
 * Unknown start, stop and cold-start times (TRD_UNKNOWN in the model) are learned from events; unknown bytes
 * per output item and items out per item in from samples (TRD_P_LEARN_ALPHA).
 * ========================================================================================================== */

/* Kinds of trd_event. */
typedef enum trd_event_kind {
    /* `count` instances of `op` with `config` were launched on (node, member).  They are deployed from now on
     * and take work once READY. */
    TRD_EVENT_INSTANCE_UP    = 1,
    /* ... are ready.  Their start time is duration_s if given, else the time since the UP event of the same
     * `instance` id. */
    TRD_EVENT_INSTANCE_READY = 2,
    /* `count` instances of `op` running `config` on (node, member) stopped -- by a plan, by the host, or by a
     * crash.  duration_s: how long stopping took, if measured. */
    TRD_EVENT_INSTANCE_DOWN  = 3,
    /* An instance of `op` running `config` on (node, member) ran out of memory (peak_bytes: what it reached,
     * if known).  Unless such crashes are rare for the config (TRD_P_OOM_TOLERANCE), it is infeasible for the
     * operator from now on, and so is every config that needs at least as much memory through its
     * memory-monotone knobs; a running transition to it is abandoned, and a step is due early.  If the
     * instance died, report INSTANCE_DOWN as well (an instance that restarts in place stays deployed). */
    TRD_EVENT_OOM            = 4,
    /* `count` instances on (node, member) restarted from `from_config` to `config` and are ready.
     * duration_s: the restart's cold start, if measured. */
    TRD_EVENT_CONFIG_APPLIED = 5,
    /* The probe of `config` on (node, member) ended and its instance is back on `from_config`.  peak_bytes:
     * the probe's peak memory (device memory for an accelerator operator, host memory otherwise) if measured;
     * the samples' peaks are used as well. */
    TRD_EVENT_PROBE_FINISHED = 6
} trd_event_kind;

/* Something that happened to instances.  Frozen layout: 64 bytes.
 *
 * Events that carry out an action of a plan name it in plan_id; their effect on the live deployment waits for
 * the plan's outcome (APPLIED replaces it with the plan's targets anyway; PARTIAL applies these events; FAILED
 * discards them).  Events with plan_id 0 -- a crash, the host's own decision -- change it at once.  What an
 * event teaches (timings, OOMs, probe results) is learned at once either way. */
typedef struct trd_event {
    uint64_t time_ns;               /* host clock                                                           */
    uint64_t plan_id;               /* the plan whose action this carries out, or 0                         */
    double   duration_s;            /* measured duration (READY, DOWN, CONFIG_APPLIED); 0 = not measured   */
    double   peak_bytes;            /* OOM, PROBE_FINISHED: peak memory, or 0 = not measured                */
    uint32_t kind;                  /* a trd_event_kind                                                     */
    uint32_t op;
    uint32_t node;                  /* node kind                                                            */
    uint32_t member;                /* machine within the node kind's pool                                  */
    uint32_t config;
    uint32_t from_config;           /* CONFIG_APPLIED, PROBE_FINISHED: the config left; else TRD_NO_CONFIG  */
    uint32_t count;                 /* instances (>= 1); 1 for OOM and PROBE_FINISHED                        */
    uint32_t instance;              /* the host's instance id (as in samples), or TRD_WHOLE_OPERATOR        */
} trd_event;

/* Reports an event.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL, unknown kind, count 0, from_config missing or given where it
 *         must not be, a duration or peak that is negative or not finite); TRD_E_STATE (no committed model);
 *         TRD_E_NOT_FOUND (operator, node kind, member or config); TRD_E_OUT_OF_RANGE (DOWN or CONFIG_APPLIED
 *         of more instances than the live deployment has there); TRD_E_LIMIT (UP beyond 100000 instances in one
 *         deployment entry, or 65536 entries); TRD_E_NOMEM.  On failure nothing changed.  Since 0.1. */
TRD_API trd_status trd_ctx_report_event(trd_ctx *ctx, const trd_event *event);

/* Runs the control step if one is due at host time now_ns (see above) and returns its plan, if any.
 * @param now_ns    the host clock (a clock that goes backwards makes no step due until it passes the last).
 * @param out_plan  receives the plan (caller-owned; release with trd_plan_free), or NULL when no step was due
 *                  or the step found nothing worth changing.
 * @return TRD_OK (with or without a plan); TRD_E_INVALID_ARG; TRD_E_STATE (no committed model);
 *         TRD_E_INFEASIBLE, TRD_E_SOLVER, TRD_E_LIMIT (the MILP failed: no plan, the reason is the last error,
 *         and the next step is due after the usual interval); TRD_E_NOMEM (the step did not happen -- buffered
 *         samples it folded into the observe layer stay folded -- and the next poll retries it).  Since 0.1. */
TRD_API trd_status trd_ctx_poll(trd_ctx *ctx, uint64_t now_ns, trd_plan **out_plan);

/* What became of a plan. */
typedef enum trd_outcome {
    TRD_OUTCOME_APPLIED = 1,        /* every action ran: the live deployment becomes the plan's targets     */
    TRD_OUTCOME_PARTIAL = 2,        /* some ran: the live deployment is what the plan's events say          */
    TRD_OUTCOME_FAILED  = 3         /* none took effect (or the host rolled back): the live deployment stays
                                       as it was before the plan, the last good one                         */
} trd_outcome;

/* Reports the outcome of the outstanding plan at host time now_ns.
 * @return TRD_OK; TRD_E_INVALID_ARG (NULL ctx, an unknown outcome); TRD_E_STATE (no committed model);
 *         TRD_E_NOT_FOUND (no plan has that id); TRD_E_STALE (the plan is not outstanding: its outcome was
 *         reported, it timed out, or the model was committed or loaded since it was made -- plan again).
 *         Since 0.1. */
TRD_API trd_status trd_ctx_report_outcome(trd_ctx *ctx, uint64_t plan_id, trd_outcome outcome, uint64_t now_ns);

/* The loop's counters and its latest step.  Frozen layout: 64 bytes. */
typedef struct trd_step_info {
    uint64_t steps;                 /* control steps run                                                    */
    uint64_t plans;                 /* plans returned                                                       */
    uint64_t last_step_ns;          /* host time of the latest step (0 before the first)                    */
    uint64_t outstanding_plan;      /* the plan awaiting its outcome, or 0                                  */
    double   live_throughput;       /* predicted throughput of the live deployment at the latest step, in
                                       source items per second (0 before the first)                         */
    double   planned_throughput;    /* ... of what the latest step's MILP found (0 if it ran none)          */
    uint64_t transitions;           /* config transitions started                                           */
    uint64_t probes;                /* probes asked for                                                     */
} trd_step_info;

/* Copies the loop's counters into *out.
 * @return TRD_OK; TRD_E_INVALID_ARG.  Since 0.1. */
TRD_API trd_status trd_ctx_step_info(trd_ctx *ctx, trd_step_info *out);

/* Why the latest step made its plan, or none (e.g. "no plan: predicted gain 1.2% is below min_gain 5%").
 * Belongs to the context until the next step; "" before the first.  Since 0.1. */
TRD_API const char *trd_ctx_step_reason(const trd_ctx *ctx);

/* What the loop knows about one operator.  Frozen layout: 56 bytes. */
typedef struct trd_loop_op_info {
    double   start_s;               /* learned launch time (NaN: nothing learned; the model's value, if it
                                       gives one, is what the scheduler uses)                                */
    double   stop_s;                /* learned stop time, or NaN                                            */
    double   cold_start_s;          /* learned restart time of a config change, or NaN                      */
    double   items_out_per_in;      /* learned from samples, or NaN                                         */
    double   bytes_per_output_item; /* learned from samples, or NaN                                         */
    uint32_t transition_config;     /* config of the transition in progress, or TRD_NO_CONFIG               */
    uint32_t transition_rounds;     /* its rounds so far                                                     */
    uint32_t transition_deferrals;  /* consecutive plans that deferred it                                   */
    uint32_t infeasible_configs;    /* configs known to run out of memory                                    */
} trd_loop_op_info;

/* Copies what the loop knows about `op` into *out.
 * @return TRD_OK; TRD_E_INVALID_ARG; TRD_E_STATE (no committed model); TRD_E_NOT_FOUND.  Since 0.1. */
TRD_API trd_status trd_ctx_loop_op_info(trd_ctx *ctx, uint32_t op, trd_loop_op_info *out);

/* ---- what the adapt layer knows ----
 *
 * Every operator's workload features (per sample, log1p) are clustered online into regimes; an operator with
 * knobs has a regime that becomes dominant (TRD_P_REGIME_DOMINANCE of the last TRD_P_REGIME_WINDOW samples)
 * tuned by memory-constrained Bayesian optimisation, one PROBE at a time (docs/adapt.md). */

/* trd_adapt_info.dominant_regime / tuning_regime when there is none. */
#define TRD_NO_REGIME 4294967295

/* The adapt layer's state for one operator.  Frozen layout: 56 bytes. */
typedef struct trd_adapt_info {
    uint32_t tunable;               /* 1 if the operator has knobs (its configs are tuned), else 0          */
    uint32_t dominant_regime;       /* id of the dominant regime, or TRD_NO_REGIME                          */
    uint32_t tuning_regime;         /* regime being tuned, or TRD_NO_REGIME                                 */
    uint32_t evaluations;           /* probes its optimiser has been told about                             */
    uint32_t probe_config;          /* config of the probe asked for or running, or TRD_NO_CONFIG           */
    uint32_t recommended_config;    /* the latest recommendation, or TRD_NO_CONFIG                          */
    double   recommended_items_per_s; /* its predicted per-instance rate (0 without one)                    */
    double   recommended_pof;       /* its probability of staying under the memory cap minus the margin     */
    uint64_t probes;                /* probes concluded                                                      */
    uint64_t ooms;                  /* TRD_EVENT_OOM reports                                                 */
} trd_adapt_info;

/* Copies the adapt layer's state for `op` into *out.
 * @return TRD_OK; TRD_E_INVALID_ARG; TRD_E_STATE (no committed model); TRD_E_NOT_FOUND.  Since 0.1. */
TRD_API trd_status trd_ctx_adapt_info(trd_ctx *ctx, uint32_t op, trd_adapt_info *out);

/* Regime statuses (trd_regime_info.status). */
#define TRD_REGIME_PENDING 0        /* seen, not tuned                                                       */
#define TRD_REGIME_TUNING  1        /* being tuned                                                           */
#define TRD_REGIME_TUNED   2        /* tuned: tuned_config is its config                                      */

/* One workload regime of an operator.  Frozen layout: 104 bytes. */
typedef struct trd_regime_info {
    uint32_t id;                    /* per operator, from 0, never reused                                   */
    uint32_t status;                /* TRD_REGIME_*                                                          */
    uint32_t tuned_config;          /* its config once tuned, or TRD_NO_CONFIG                               */
    uint32_t n_features;
    double   count;                 /* samples assigned to it, decayed                                      */
    double   share;                 /* its share of the recent samples                                       */
    double   predicted_items_per_s; /* the tuned config's predicted per-instance rate (0 if none)            */
    double   centroid[TRD_MAX_FEATURES]; /* its centre in the features' own units                            */
} trd_regime_info;

/* Number of regimes `op` has now (0 for an unknown operator or before its first sample).  Since 0.1. */
TRD_API uint32_t trd_ctx_regime_count(const trd_ctx *ctx, uint32_t op);

/* Copies regime number `index` (0 .. count - 1, not the id) of `op` into *out.
 * @return TRD_OK; TRD_E_INVALID_ARG; TRD_E_STATE (no committed model); TRD_E_NOT_FOUND (operator or index).
 *         Since 0.1. */
TRD_API trd_status trd_ctx_get_regime(trd_ctx *ctx, uint32_t op, uint32_t index, trd_regime_info *out);

/* Starts a rolling transition of `op` to `config`, as if the adapt layer had recommended it -- for a host that
 * tunes configs itself, or pins one.  It proceeds like any transition (see above).
 * @param predicted_items_per_s  the per-instance rate expected with `config` (finite, > 0), or 0 to use the
 *                               observe layer's estimate of it.
 * @return TRD_OK; TRD_E_INVALID_ARG (a bad rate); TRD_E_STATE (no committed model; another transition of `op`
 *         is in progress -- cancel it first; config is what every instance runs already; rate 0 and no
 *         estimate of the config); TRD_E_NOT_FOUND (operator or config); TRD_E_OUT_OF_RANGE (the config is
 *         known to run out of memory); TRD_E_NOMEM.  Since 0.1. */
TRD_API trd_status trd_ctx_request_transition(trd_ctx *ctx, uint32_t op, uint32_t config,
                                              double predicted_items_per_s);

/* Stops the transition of `op` where it is (instances already moved stay on the new config).
 * @return TRD_OK (also when none runs); TRD_E_INVALID_ARG; TRD_E_STATE; TRD_E_NOT_FOUND.  Since 0.1. */
TRD_API trd_status trd_ctx_cancel_transition(trd_ctx *ctx, uint32_t op);

#ifdef __cplusplus
}
#endif

#endif /* TRIDENT_H */
