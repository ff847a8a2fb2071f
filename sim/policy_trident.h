/* policy_trident.h -- the `trident` policy: libtrident itself, driven through its public API exactly as a host
 * drives it (docs/simulator.md section 2).  Every window it feeds the samples, reports what happened to
 * instances, polls, and hands the plan it gets to the engine; the engine's plan outcomes go back as
 * trd_ctx_report_outcome.  The simulator is libtrident's first real host.
 *
 * The policy runs with libtrident's defaults; sim_trident_options (the vtable's `param`, NULL for none) may set
 * parameters, record every call into a trace that trident-replay replays (trace/trace.h), and log what the loop
 * decides (libtrident's own log at INFO, each step's reason, and the loop's state per operator at the end). */
#ifndef SIM_POLICY_TRIDENT_H
#define SIM_POLICY_TRIDENT_H

#include <stddef.h>
#include <stdio.h>

#include "policy.h"

/* A libtrident parameter by its trd_param_name ("min_gain") and value, set before the model is loaded. */
typedef struct sim_trident_param {
    const char *name;
    double value;
} sim_trident_param;

typedef struct sim_trident_options {
    const char *trace_path;          /* record the libtrident calls here (a JSON-lines trace), or NULL   */
    FILE *log;                       /* the loop's log, or NULL                                          */
    const sim_trident_param *params; /* applied in order after the seed and the window                    */
    size_t n_params;
} sim_trident_options;

extern const sim_policy_vtable sim_policy_trident;
/* With one parameter changed: trident-all-at-once, trident-no-observe, trident-no-adapt, trident-no-placement. */
extern const sim_policy_vtable sim_policy_trident_all_at_once, sim_policy_trident_no_observe,
    sim_policy_trident_no_adapt, sim_policy_trident_no_placement;

#endif
