/* conttune.h -- ContTune's small phase (Lian et al., "ContTune: Continuous Tuning by Conservative Bayesian
 * Optimization for Distributed Stream Data Processing Systems", PVLDB 16(13), 2023, Algorithms 1-2; reference
 * code ljqcodelove/ContTune, code/GPofContTune.py), as the `conttune` policy uses it and its tests check it.
 *
 * Per operator a history of (parallelism p, processing ability PA(p) = items / useful second, summed over the
 * instances): the K = 5 most recent observations per p, averaged ("Top-K mean").  A Gaussian process from p to
 * PA (RBF kernel on standardised PA, length scale by marginal likelihood over a grid around the reference
 * code's initial 4.37) gives mu(p); the pick for an input rate lambda is the smallest p whose mean meets it
 * (Eq. 5: argmax (p* - p) I(mu(p) >= lambda)).  If the pick is more than alpha = 3 away from every observed p,
 * or no p up to p_max meets lambda, ContTune explores conservatively: DS2's linear estimate
 * ceil(lambda / per-instance rate). */
#ifndef SIM_CONTTUNE_H
#define SIM_CONTTUNE_H

#include <stdint.h>

#define SIM_CT_TOP_K 5
#define SIM_CT_MAX_P 64      /* distinct parallelisms remembered per operator */
#define SIM_CT_ALPHA 3.0

typedef struct sim_ct_op {
    uint32_t n;                                 /* distinct parallelisms observed                    */
    uint32_t p[SIM_CT_MAX_P];
    double pa[SIM_CT_MAX_P][SIM_CT_TOP_K];      /* the most recent PA observations per p (a ring)     */
    uint32_t count[SIM_CT_MAX_P];               /* observations per p, all time                      */
    double last_rate;                           /* per-instance rate of the latest observation        */
} sim_ct_op;

/* Records PA observed at parallelism p (p >= 1, pa > 0). */
void sim_ct_observe(sim_ct_op *h, uint32_t p, double pa);
/* The Top-K mean PA at p, or 0 if p was never observed. */
double sim_ct_mean(const sim_ct_op *h, uint32_t p);
/* Fits the GP on the history and writes mu(p) for p = 1 .. p_max into mu[0 .. p_max).  Returns 0 without
 * history (mu untouched). */
int sim_ct_fit(const sim_ct_op *h, uint32_t p_max, double *mu);
/* The small phase's pick for input rate lambda, from mu (sim_ct_fit) and the history. */
uint32_t sim_ct_pick(const sim_ct_op *h, const double *mu, uint32_t p_max, double lambda);

#endif
