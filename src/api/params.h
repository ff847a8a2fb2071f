/* params.h -- the parameter table and per-context values. */
#ifndef TRD_API_PARAMS_H
#define TRD_API_PARAMS_H

#include <stddef.h>

#include "trident.h"

/* Positions in the table; values of a context are stored in this order. */
enum {
    TRD__PI_RANDOM_SEED,
    TRD__PI_INGEST_CAPACITY,
    TRD__PI_INGEST_BUSY_SLACK,
    TRD__PI_OBSERVE_WINDOW_MS,
    TRD__PI_OBSERVE_GRACE_MS,
    TRD__PI_OBSERVE_MIN_UTILISATION,
    TRD__PI_OBSERVE_QUEUE_SLOPE,
    TRD__PI_OBSERVE_OUTLIER_Z,
    TRD__PI_OBSERVE_MIN_SAMPLES,
    TRD__PI_OBSERVE_EMA_ALPHA,
    TRD__PI_OBSERVE_UTIL_CAPACITY,
    TRD__PI_OBSERVE_OUTLIER_STREAK,
    TRD__PI_GP_MAX_POINTS,
    TRD__PI_GP_REFIT_EVERY,
    TRD__PI_GP_RESTARTS,
    TRD__PI_GP_KERNEL,
    TRD__PI_GP_OPTIMIZER,
    TRD__PI_GP_COVERAGE_RADIUS,
    TRD__PI_OBSERVE_ESTIMATOR,
    TRD__PI_YAML_MAX_BYTES,
    TRD__PI_YAML_MAX_DEPTH,
    TRD__PI_REGIME_RADIUS,
    TRD__PI_REGIME_MAX,
    TRD__PI_REGIME_DECAY,
    TRD__PI_REGIME_DECAY_PERIOD_MS,
    TRD__PI_REGIME_WINDOW,
    TRD__PI_REGIME_DOMINANCE,
    TRD__PI_REGIME_COOLDOWN_MS,
    TRD__PI_BO_BUDGET,
    TRD__PI_BO_ETA,
    TRD__PI_BO_MAX_CRASH,
    TRD__PI_BO_SAFETY_BYTES,
    TRD__PI_ADAPT_ENABLE,
    TRD__PI_SOLVER_TIME_LIMIT_MS,
    TRD__PI_SOLVER_MIP_GAP,
    TRD__PI_SOLVER_MAX_COLUMNS,
    TRD__PI_SCHED_INTERVAL_MS,
    TRD__PI_ROLLING_MAX_FRACTION,
    TRD__PI_SCHED_FORMULATION,
    TRD__PI_SCHED_NETWORK,
    TRD__PI_MIN_GAIN,
    TRD__PI_EARLY_STEP_MIN_MS,
    TRD__PI_PLAN_TIMEOUT_MS,
    TRD__PI_PROBE_DURATION_MS,
    TRD__PI_PROBE_TIMEOUT_MS,
    TRD__PI_TRANSITION_MAX_DEFERRALS,
    TRD__PI_LEARN_ALPHA,
    TRD__PI_TRANSITION_MIN_GAIN,
    TRD__PI_OOM_TOLERANCE,
    TRD__PI_OOM_HORIZON_MS,
    TRD__PI_LOWER_BOUND_HEADROOM,
    TRD__PI_TRANSITION_HORIZON_MS,
    TRD__PARAM_COUNT
};

typedef struct trd__param_desc {
    trd_param param;
    const char *name;
    trd_param_type type;
    double min, max, dflt;
} trd__param_desc;

/* The table row of a parameter and its position, or NULL. */
const trd__param_desc *trd__param_desc_of(trd_param param, size_t *index);

/* Every parameter at its default. */
void trd__params_defaults(double values[TRD__PARAM_COUNT]);

#endif
