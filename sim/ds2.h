/* ds2.h -- DS2's scaling rule (Kalavri et al., "Three steps is all you need: fast, accurate, automatic scaling
 * decisions for distributed streaming dataflows", OSDI 2018, eq. 7-8; reference controller strymon-system/ds2,
 * controller/src/policy/scaling.rs), as the `ds2` policy uses it and its tests check it.
 *
 * Operators in topological order.  The source's target input rate is the source rate r; every operator's target
 * output rate is its target input rate times its selectivity (true output rate / true processing rate), and an
 * operator's target input rate is the sum over its in-edges of the producer's target output rate times the
 * edge's share.  Its parallelism is pi_i = ceil(target input rate / true processing rate per instance), clamped
 * to the operator's [min, max]; like scaling.rs the *unrounded* value is what propagates (through the rates), and
 * the scaling factor (deliberate over-provisioning) is 0.  An operator without a measured rate keeps its current
 * parallelism.
 *
 * With no external source rate (an offline backlog on a fixed cluster), the target is the largest r whose
 * parallelisms fit the cluster: pi(r) is monotone in r, so a binary search finds it (research/baselines.md 8). */
#ifndef SIM_DS2_H
#define SIM_DS2_H

#include "scenario.h"

typedef struct sim_ds2_input {
    const double *rate;        /* per operator: true processing rate per instance (items per useful second); 0:
                                  not measured                                                                  */
    const double *selectivity; /* per operator: output items per input item                                    */
    const double *edge_share;  /* per edge: share of the producer's output along it (1 for broadcast)          */
    const uint32_t *current;   /* per operator: its parallelism now (kept where the rate is not measured)       */
} sim_ds2_input;

/* pi for source rate r into pi[0 .. n_ops) and, if non-NULL, the target input rates.  Returns 1 if every
 * operator with a measured rate needs no more than its max_instances, else 0 (r is not sustainable). */
int sim_ds2_parallelism(const sim_scenario *sc, const sim_ds2_input *in, double r, uint32_t *pi, double *input_rate);

/* The largest sustainable source rate whose parallelisms fit the cluster (sim_realise_fits), within 0.1% by
 * binary search, and those parallelisms in pi.  Returns 0 (pi = the current parallelisms) when even a tiny rate
 * does not fit or no rate is measured. */
double sim_ds2_max_rate(const sim_scenario *sc, const sim_ds2_input *in, uint32_t *pi);

/* The same search for any rule: `rule(user, r, pi)` fills pi for source rate r and returns 1 if r is
 * sustainable (pi within every maximum); pi must grow with r.  `scale` is a rate the rule can meet (the search
 * starts there and doubles).  Used by DS2 and by ContTune (whose rule is its GP pick). */
typedef int (*sim_rate_rule)(void *user, double r, uint32_t *pi);
double sim_rate_search(const sim_scenario *sc, sim_rate_rule rule, void *user, double scale, uint32_t *pi);

#endif
