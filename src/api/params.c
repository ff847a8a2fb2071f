/* params.c -- the parameter table (zstd-style enum parameters) and its introspection functions. */
#include "api/params.h"

#include <string.h>

/* Sorted by enum value, so trd_param_at() iterates in numeric order.  Integer parameters are stored as
 * doubles: every bound stays within 2^53, where a double is exact. */
static const trd__param_desc table[TRD__PARAM_COUNT] = {
    [TRD__PI_RANDOM_SEED] = {TRD_P_RANDOM_SEED, "random_seed", TRD_PARAM_INT, 0, 9007199254740991.0, 1},
    [TRD__PI_INGEST_CAPACITY] = {TRD_P_INGEST_CAPACITY, "ingest_capacity", TRD_PARAM_INT, 16, 4194304, 65536},
    [TRD__PI_INGEST_BUSY_SLACK] = {TRD_P_INGEST_BUSY_SLACK, "ingest_busy_slack", TRD_PARAM_DOUBLE, 0, 10, 0.05},
    [TRD__PI_OBSERVE_WINDOW_MS] = {TRD_P_OBSERVE_WINDOW_MS, "observe_window_ms", TRD_PARAM_INT, 100, 86400000, 10000},
    [TRD__PI_OBSERVE_GRACE_MS] = {TRD_P_OBSERVE_GRACE_MS, "observe_grace_ms", TRD_PARAM_INT, 0, 3600000, 2000},
    [TRD__PI_OBSERVE_MIN_UTILISATION] = {TRD_P_OBSERVE_MIN_UTILISATION, "observe_min_utilisation", TRD_PARAM_DOUBLE,
                                         0, 1, 0.6},
    [TRD__PI_OBSERVE_QUEUE_SLOPE] = {TRD_P_OBSERVE_QUEUE_SLOPE, "observe_queue_slope", TRD_PARAM_DOUBLE, 0, 100, 0.2},
    [TRD__PI_OBSERVE_OUTLIER_Z] = {TRD_P_OBSERVE_OUTLIER_Z, "observe_outlier_z", TRD_PARAM_DOUBLE, 0.5, 100, 2.5},
    [TRD__PI_OBSERVE_MIN_SAMPLES] = {TRD_P_OBSERVE_MIN_SAMPLES, "observe_min_samples", TRD_PARAM_INT, 2, 1024, 8},
    [TRD__PI_OBSERVE_EMA_ALPHA] = {TRD_P_OBSERVE_EMA_ALPHA, "observe_ema_alpha", TRD_PARAM_DOUBLE, 0.001, 1, 0.3},
    [TRD__PI_OBSERVE_UTIL_CAPACITY] = {TRD_P_OBSERVE_UTIL_CAPACITY, "observe_util_capacity", TRD_PARAM_INT, 0, 1, 1},
    [TRD__PI_OBSERVE_OUTLIER_STREAK] = {TRD_P_OBSERVE_OUTLIER_STREAK, "observe_outlier_streak", TRD_PARAM_INT, 1, 64,
                                        3},
    [TRD__PI_GP_MAX_POINTS] = {TRD_P_GP_MAX_POINTS, "gp_max_points", TRD_PARAM_INT, 8, 1024, 64},
    [TRD__PI_GP_REFIT_EVERY] = {TRD_P_GP_REFIT_EVERY, "gp_refit_every", TRD_PARAM_INT, 1, 1024, 10},
    [TRD__PI_GP_RESTARTS] = {TRD_P_GP_RESTARTS, "gp_restarts", TRD_PARAM_INT, 0, 32, 2},
    [TRD__PI_GP_KERNEL] = {TRD_P_GP_KERNEL, "gp_kernel", TRD_PARAM_INT, 0, 2, 0},
    [TRD__PI_GP_OPTIMIZER] = {TRD_P_GP_OPTIMIZER, "gp_optimizer", TRD_PARAM_INT, 0, 1, 0},
    [TRD__PI_GP_COVERAGE_RADIUS] = {TRD_P_GP_COVERAGE_RADIUS, "gp_coverage_radius", TRD_PARAM_DOUBLE, 0, 100, 0.5},
    [TRD__PI_OBSERVE_ESTIMATOR] = {TRD_P_OBSERVE_ESTIMATOR, "observe_estimator", TRD_PARAM_INT, 0, 1, 0},
    [TRD__PI_YAML_MAX_BYTES] = {TRD_P_YAML_MAX_BYTES, "yaml_max_bytes", TRD_PARAM_INT, 1024, 1073741824, 4194304},
    [TRD__PI_YAML_MAX_DEPTH] = {TRD_P_YAML_MAX_DEPTH, "yaml_max_depth", TRD_PARAM_INT, 8, 1024, 32},
    /* Adapt defaults: DESIGN section 6 as measured in docs/adapt.md (tau_d 1.1 rather than 1.2). */
    [TRD__PI_REGIME_RADIUS] = {TRD_P_REGIME_RADIUS, "regime_radius", TRD_PARAM_DOUBLE, 0.01, 100, 1.1},
    [TRD__PI_REGIME_MAX] = {TRD_P_REGIME_MAX, "regime_max", TRD_PARAM_INT, 2, 32, 6},
    [TRD__PI_REGIME_DECAY] = {TRD_P_REGIME_DECAY, "regime_decay", TRD_PARAM_DOUBLE, 0.5, 1, 0.995},
    [TRD__PI_REGIME_DECAY_PERIOD_MS] = {TRD_P_REGIME_DECAY_PERIOD_MS, "regime_decay_period_ms", TRD_PARAM_INT, 1000,
                                        86400000, 300000},
    [TRD__PI_REGIME_WINDOW] = {TRD_P_REGIME_WINDOW, "regime_window", TRD_PARAM_INT, 5, 10000, 50},
    [TRD__PI_REGIME_DOMINANCE] = {TRD_P_REGIME_DOMINANCE, "regime_dominance", TRD_PARAM_DOUBLE, 0.51, 1, 0.7},
    [TRD__PI_REGIME_COOLDOWN_MS] = {TRD_P_REGIME_COOLDOWN_MS, "regime_cooldown_ms", TRD_PARAM_INT, 0, 86400000,
                                    60000},
    [TRD__PI_BO_BUDGET] = {TRD_P_BO_BUDGET, "bo_budget", TRD_PARAM_INT, 2, 200, 30},
    [TRD__PI_BO_ETA] = {TRD_P_BO_ETA, "bo_eta", TRD_PARAM_DOUBLE, 0, 1, 0.6},
    [TRD__PI_BO_MAX_CRASH] = {TRD_P_BO_MAX_CRASH, "bo_max_crash", TRD_PARAM_DOUBLE, 0, 1, 0.05},
    [TRD__PI_BO_SAFETY_BYTES] = {TRD_P_BO_SAFETY_BYTES, "bo_safety_bytes", TRD_PARAM_DOUBLE, -1, 1e15, -1},
    [TRD__PI_ADAPT_ENABLE] = {TRD_P_ADAPT_ENABLE, "adapt_enable", TRD_PARAM_INT, 0, 1, 1},
    [TRD__PI_SOLVER_TIME_LIMIT_MS] = {TRD_P_SOLVER_TIME_LIMIT_MS, "solver_time_limit_ms", TRD_PARAM_INT, 1, 3600000,
                                      1000},
    [TRD__PI_SOLVER_MIP_GAP] = {TRD_P_SOLVER_MIP_GAP, "solver_mip_gap", TRD_PARAM_DOUBLE, 0, 1, 0.01},
    [TRD__PI_SOLVER_MAX_COLUMNS] = {TRD_P_SOLVER_MAX_COLUMNS, "solver_max_columns", TRD_PARAM_INT, 16, 4194304,
                                    200000},
    /* T_sched: trident.md section 7 recommends 120 s; shorter intervals would defer every transition of an
     * operator whose cold start exceeds them (the pipelines' VLMs take 90-120 s). */
    [TRD__PI_SCHED_INTERVAL_MS] = {TRD_P_SCHED_INTERVAL_MS, "sched_interval_ms", TRD_PARAM_INT, 1000, 86400000,
                                   120000},
    [TRD__PI_ROLLING_MAX_FRACTION] = {TRD_P_ROLLING_MAX_FRACTION, "rolling_max_fraction", TRD_PARAM_DOUBLE, 0, 1,
                                      0.25},
    [TRD__PI_SCHED_FORMULATION] = {TRD_P_SCHED_FORMULATION, "sched_formulation", TRD_PARAM_INT, 0, 1, 0},
    [TRD__PI_SCHED_NETWORK] = {TRD_P_SCHED_NETWORK, "sched_network", TRD_PARAM_INT, 0, 1, 1},
    [TRD__PI_MIN_GAIN] = {TRD_P_MIN_GAIN, "min_gain", TRD_PARAM_DOUBLE, 0, 10, 0.05},
    [TRD__PI_EARLY_STEP_MIN_MS] = {TRD_P_EARLY_STEP_MIN_MS, "early_step_min_ms", TRD_PARAM_INT, 0, 86400000, 10000},
    [TRD__PI_PLAN_TIMEOUT_MS] = {TRD_P_PLAN_TIMEOUT_MS, "plan_timeout_ms", TRD_PARAM_INT, 1000, 86400000, 600000},
    /* Five 10 s observe windows and their grace: the first window after the restart is partial and, with a
     * bursty input, some of the others are rejected (three windows were too few: probes measured nothing). */
    [TRD__PI_PROBE_DURATION_MS] = {TRD_P_PROBE_DURATION_MS, "probe_duration_ms", TRD_PARAM_INT, 1000, 3600000,
                                   60000},
    [TRD__PI_PROBE_TIMEOUT_MS] = {TRD_P_PROBE_TIMEOUT_MS, "probe_timeout_ms", TRD_PARAM_INT, 0, 86400000, 0},
    [TRD__PI_TRANSITION_MAX_DEFERRALS] = {TRD_P_TRANSITION_MAX_DEFERRALS, "transition_max_deferrals", TRD_PARAM_INT,
                                          1, 1000, 3},
    [TRD__PI_LEARN_ALPHA] = {TRD_P_LEARN_ALPHA, "learn_alpha", TRD_PARAM_DOUBLE, 1e-6, 1, 0.3},
    [TRD__PI_TRANSITION_MIN_GAIN] = {TRD_P_TRANSITION_MIN_GAIN, "transition_min_gain", TRD_PARAM_DOUBLE, 0, 10, 0.05},
    [TRD__PI_OOM_TOLERANCE] = {TRD_P_OOM_TOLERANCE, "oom_tolerance", TRD_PARAM_DOUBLE, 0, 1, 0.05},
    [TRD__PI_OOM_HORIZON_MS] = {TRD_P_OOM_HORIZON_MS, "oom_horizon_ms", TRD_PARAM_INT, 1000, 86400000, 3600000},
    [TRD__PI_LOWER_BOUND_HEADROOM] = {TRD_P_LOWER_BOUND_HEADROOM, "lower_bound_headroom", TRD_PARAM_DOUBLE, 1, 100, 2},
    [TRD__PI_TRANSITION_HORIZON_MS] = {TRD_P_TRANSITION_HORIZON_MS, "transition_horizon_ms", TRD_PARAM_INT, 0, 86400000,
                                       0},
};

const trd__param_desc *trd__param_desc_of(trd_param param, size_t *index)
{
    for (size_t i = 0; i < TRD__PARAM_COUNT; i++)
        if (table[i].param == param) {
            if (index)
                *index = i;
            return &table[i];
        }
    return NULL;
}

void trd__params_defaults(double values[TRD__PARAM_COUNT])
{
    for (size_t i = 0; i < TRD__PARAM_COUNT; i++)
        values[i] = table[i].dflt;
}

size_t trd_param_count(void)
{
    return TRD__PARAM_COUNT;
}

trd_status trd_param_at(size_t index, trd_param *out)
{
    if (!out)
        return TRD_E_INVALID_ARG;
    if (index >= TRD__PARAM_COUNT)
        return TRD_E_OUT_OF_RANGE;
    *out = table[index].param;
    return TRD_OK;
}

const char *trd_param_name(trd_param param)
{
    const trd__param_desc *p = trd__param_desc_of(param, NULL);
    return p ? p->name : NULL;
}

trd_status trd_param_from_name(const char *name, trd_param *out)
{
    if (!name || !out)
        return TRD_E_INVALID_ARG;
    for (size_t i = 0; i < TRD__PARAM_COUNT; i++)
        if (strcmp(table[i].name, name) == 0) {
            *out = table[i].param;
            return TRD_OK;
        }
    return TRD_E_NOT_FOUND;
}

trd_status trd_param_info(trd_param param, trd_param_type *type, double *min, double *max, double *dflt)
{
    const trd__param_desc *p = trd__param_desc_of(param, NULL);
    if (!p)
        return TRD_E_NOT_FOUND;
    if (type)
        *type = p->type;
    if (min)
        *min = p->min;
    if (max)
        *max = p->max;
    if (dflt)
        *dflt = p->dflt;
    return TRD_OK;
}
