/* plan.h -- struct trd_plan and its construction from a solution.
 *
 * A plan owns copies of everything it shows (names included) and a copy of the allocator that made it, so it
 * never refers back to its context. */
#ifndef TRD_SCHEDULE_PLAN_H
#define TRD_SCHEDULE_PLAN_H

#include "common/alloc.h"
#include "common/diag.h"
#include "schedule/sched.h"
#include "trident.h"

struct trd_plan {
    trd__alloc alloc;
    uint64_t id, epoch;
    double throughput, gap, solve_ms;
    double objective; /* the solver's objective value (for cross-checks; not in the public API) */
    uint32_t bottleneck, solve_status;
    trd_action *actions;
    size_t n_actions;
    trd_target *targets;
    size_t n_targets;
    char *reason;
    char (*op_names)[TRD__NAME_CAP];
    size_t n_ops;
    char (*node_names)[TRD__NAME_CAP];
    size_t n_nodes;
};

/* Builds the plan for `sol` (targets with configs, ordered actions, bottleneck, reason).  NULL on allocation
 * failure. */
trd_plan *trd__plan_build(const trd__sched_input *in, const trd__sched_solution *sol, uint64_t id, uint64_t epoch);
void trd__plan_free(trd_plan *p);

/* The control loop's additions to a built plan: `extra` actions (probes) appended in the given order after the
 * plan's own, and `note` put before the schedule's reason ("; " between them).  -1 on allocation failure, with
 * the plan unchanged. */
int trd__plan_amend(trd_plan *p, const trd_action *extra, size_t n_extra, const char *note);

/* Makes the plan keep the deployment of `m` as it is: its targets become m's placements, its actions go, its
 * predicted throughput becomes `throughput` (the control loop's plan for probes alone).  -1 on allocation
 * failure, with the plan unchanged. */
int trd__plan_keep(trd_plan *p, const trd__model *m, double throughput);

/* Writes the plan's reason: bottleneck, network, solve outcome and transitions, into `out` (NUL-terminated,
 * truncated at cap). */
void trd__plan_reason(const trd__sched_input *in, const trd__sched_solution *sol, uint32_t bottleneck, char *out,
                      size_t cap);

/* Writes the plan as JSON into buf (snprintf convention: returns the full length). */
size_t trd__plan_json(const trd_plan *p, char *buf, size_t cap);

#endif
