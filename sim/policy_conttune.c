/* policy_conttune.c -- the ContTune baseline (Lian et al., PVLDB 2023; ljqcodelove/ContTune): the big phase
 * once, then small phases (conttune.h), with DS2's measurement loop (policy_ds2.c) around them.
 *
 *   - It starts from the pipeline's declared deployment.
 *   - Every interval (60 s, after a 60 s warm-up once the last plan finished: DS2's settings here, so that the
 *     two differ only in the rule) each operator's processing ability at its current parallelism (items per
 *     useful second, summed over its instances) joins its history.
 *   - Big phase (Algorithm 1), once, at the first decision: an offline backlog keeps the source backpressured,
 *     so the job counts as under-provisioned; every operator goes to a common parallelism, doubled from the
 *     largest observed, capped at what fits the cluster (research/baselines.md 8: on a fixed cluster the
 *     doubling is infeasible as such).
 *   - Small phase (Algorithm 2) afterwards: per operator the smallest parallelism whose GP mean meets its input
 *     rate, the DS2 estimate when that pick is more than 3 from every observed parallelism.  With no external
 *     source rate the target is the largest source rate whose picks fit the cluster (the same search as DS2's);
 *     an operator's input rate is the source rate times the items it took per source item over the interval
 *     (ContTune reads upstream rates and does not propagate selectivities).
 *   - A plan is applied when some operator changes by a factor of at least 1 + decisionThr (0.2: the paper does
 *     not give its value).
 * History is never forgotten: PA(p) is assumed stationary across workloads, as in the paper (section 5.3).
 * Batch sizes stay at their defaults. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline_obs.h"
#include "conttune.h"
#include "ds2.h"
#include "realiser.h"

#define CT_INTERVAL_S 60.0
#define CT_WARM_UP_S 60.0
#define CT_DECISION_THR 0.2
#define CT_P_CAP 256u

typedef struct conttune {
    sim_bobs obs;
    const sim_scenario *sc;
    sim_ct_op *hist;
    double *mu;           /* n_ops x CT_P_CAP: each operator's GP mean */
    int *fitted;
    double *demand;
    uint32_t *current, *pi, *pmax;
    int big_done;
} conttune;

static void destroy(void *state)
{
    conttune *c = state;
    if (!c)
        return;
    sim_bobs_free(&c->obs);
    free(c->hist);
    free(c->mu);
    free(c->fitted);
    free(c->demand);
    free(c->current);
    free(c->pi);
    free(c->pmax);
    free(c);
}

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)seed;
    (void)param;
    conttune *c = calloc(1, sizeof *c);
    if (!c)
        return sim_fail(err, SIM_E_NOMEM, "conttune: out of memory");
    c->sc = sc;
    c->hist = calloc(sc->n_ops, sizeof *c->hist);
    c->mu = calloc((size_t)sc->n_ops * CT_P_CAP, sizeof *c->mu);
    c->fitted = calloc(sc->n_ops, sizeof *c->fitted);
    c->demand = calloc(sc->n_ops, sizeof *c->demand);
    c->current = calloc(sc->n_ops, sizeof *c->current);
    c->pi = calloc(sc->n_ops, sizeof *c->pi);
    c->pmax = calloc(sc->n_ops, sizeof *c->pmax);
    if (!c->hist || !c->mu || !c->fitted || !c->demand || !c->current || !c->pi || !c->pmax ||
        sim_bobs_init(&c->obs, sc, err) != SIM_OK) {
        destroy(c);
        return sim_fail(err, SIM_E_NOMEM, "conttune: out of memory");
    }
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        uint32_t m = sim_bobs_max_instances(&sc->ops[i]);
        c->pmax[i] = m < CT_P_CAP ? m : CT_P_CAP;
    }
    *out = c;
    return SIM_OK;
}

/* The small phase's picks for source rate r; 1 if every operator stays within its maximum. */
static int small_phase(void *user, double r, uint32_t *pi)
{
    const conttune *c = user;
    int ok = 1;
    for (uint32_t i = 0; i < c->sc->n_ops; i++) {
        uint32_t p = c->current[i];
        if (c->fitted[i] && c->demand[i] > 0)
            p = sim_ct_pick(&c->hist[i], c->mu + (size_t)i * CT_P_CAP, c->pmax[i], c->demand[i] * r);
        if (p > c->pmax[i]) {
            ok = 0;
            p = c->pmax[i];
        }
        pi[i] = p < c->sc->ops[i].min_instances ? c->sc->ops[i].min_instances : p;
    }
    return ok;
}

/* Algorithm 1 capped at the cluster: every operator at a common parallelism (within its own bounds), the largest
 * that fits up to twice the largest observed. */
static void big_phase(conttune *c)
{
    const sim_scenario *sc = c->sc;
    uint32_t top = 1;
    for (uint32_t i = 0; i < sc->n_ops; i++)
        top = c->current[i] > top ? c->current[i] : top;
    for (uint32_t P = 2 * top; P >= 1; P--) {
        for (uint32_t i = 0; i < sc->n_ops; i++) {
            uint32_t p = P < c->pmax[i] ? P : c->pmax[i];
            c->pi[i] = p < sc->ops[i].min_instances ? sc->ops[i].min_instances : p;
        }
        if (sim_realise_fits(sc, c->pi) || P == 1)
            return;
    }
}

static int worth_changing(const uint32_t *pi, const uint32_t *cur, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if ((double)pi[i] >= (1 + CT_DECISION_THR) * cur[i] || (double)cur[i] >= (1 + CT_DECISION_THR) * pi[i])
            return 1;
    return 0;
}

static sim_status step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    conttune *c = state;
    const sim_scenario *sc = sim_host_scenario(h);
    double now = (double)obs->now_ns * 1e-9;
    sim_status st = SIM_OK;
    sim_bobs_update(&c->obs, obs);
    if (obs->first) {
        st = sim_realise_declared(h, plan, err);
        snprintf(plan->reason, sizeof plan->reason, "conttune: the declared deployment");
        sim_bobs_issued(&c->obs, plan, now);
        return st;
    }
    if (!sim_bobs_settled(&c->obs, now, CT_WARM_UP_S)) {
        sim_bobs_reset(&c->obs);
        return SIM_OK;
    }
    if (c->obs.window_s + 1e-9 < CT_INTERVAL_S)
        return SIM_OK;
    if (c->obs.op[sc->source_op].items_in <= 0) {
        sim_bobs_reset(&c->obs);
        return SIM_OK;
    }
    sim_realise_current(h, c->current);
    double scale = INFINITY;
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        double rate = sim_bobs_rate(&c->obs, i);
        c->demand[i] = sim_bobs_interval_demand(&c->obs, i);
        if (rate > 0 && c->current[i] > 0)
            sim_ct_observe(&c->hist[i], c->current[i], rate * c->current[i]);
        c->fitted[i] = sim_ct_fit(&c->hist[i], c->pmax[i], c->mu + (size_t)i * CT_P_CAP);
        if (rate > 0 && c->demand[i] > 0)
            scale = fmin(scale, rate * c->current[i] / c->demand[i]);
    }
    sim_bobs_reset(&c->obs);
    double r = 0;
    const char *phase = "small";
    if (!c->big_done) {
        c->big_done = 1;
        big_phase(c);
        phase = "big";
    } else {
        if (!isfinite(scale))
            return SIM_OK;
        r = sim_rate_search(sc, small_phase, c, scale, c->pi);
        if (r <= 0)
            return SIM_OK;
    }
    if (!worth_changing(c->pi, c->current, sc->n_ops))
        return SIM_OK;
    st = sim_realise_counts(h, c->pi, plan, NULL, err);
    snprintf(plan->reason, sizeof plan->reason, "conttune: %s phase (target %.4g source items/s)", phase, r);
    sim_bobs_issued(&c->obs, plan, now);
    return st;
}

const sim_policy_vtable sim_policy_conttune = {
    "conttune", "ContTune (VLDB'23): per-operator GP of processing ability, DS2 fallback, capped big phase", 0,
    1, NULL, create, step, destroy};
