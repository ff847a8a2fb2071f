/* tune.h -- the adapt layer inside the closed loop: workload regimes per operator, Bayesian optimisation of
 * a dominant regime's config through probes, and the recommendations that become config transitions.
 *
 * The control step calls trd__tune_step before it solves: it concludes finished probes (their throughput
 * from the observe layer, their peak memory from the samples and the event), asks each tuning operator's
 * optimiser for the next config to probe, and turns a finished optimisation into a transition.  Events reach
 * it through trd__tune_event. */
#ifndef TRD_CONTROL_TUNE_H
#define TRD_CONTROL_TUNE_H

#include <stddef.h>
#include <stdint.h>

#include "trident.h"

struct trd_ctx;

/* A probe the step should ask the host for. */
typedef struct trd__probe_req {
    uint32_t op, config, from_config;
} trd__probe_req;

/* Runs the adapt layer's part of a control step at host time now_ns.  Fills up to n_ops probe requests
 * (reqs has room for the model's operators) and may start transitions.  TRD_E_NOMEM with nothing changed. */
trd_status trd__tune_step(struct trd_ctx *ctx, uint64_t now_ns, trd__probe_req *reqs, size_t *n_reqs);

/* The step put the probe into plan `plan_id` / the plan's outcome says whether it runs. */
void trd__tune_probe_issued(struct trd_ctx *ctx, const trd__probe_req *req, uint64_t plan_id);
void trd__tune_plan_outcome(struct trd_ctx *ctx, uint64_t plan_id, int applied, uint64_t now_ns);

/* An event that concerns the adapt layer (OOM, PROBE_FINISHED). */
void trd__tune_event(struct trd_ctx *ctx, const trd_event *e);

/* A transition of `op` ended: completed (its config now runs everywhere) or dropped. */
void trd__tune_transition_ended(struct trd_ctx *ctx, uint32_t op, int completed);

#endif
