/* policy_ds2.c -- the DS2 baseline (Kalavri et al., OSDI 2018): the controller loop of the reference manager
 * (strymon-system/ds2, controller/src/bin/manager.rs) around the scaling rule of ds2.h.
 *
 *   - It starts from the pipeline's declared deployment (the parallelism a Flink job is submitted with).
 *   - Every policy interval it takes the interval's samples: per operator the true processing rate per instance
 *     (items per useful second) and the selectivity; with no external source rate it targets the largest
 *     source rate whose parallelisms fit the cluster (ds2.h).
 *   - Decisions wait until the last reconfiguration finished plus a warm-up; the samples of a transition and
 *     its warm-up are discarded.
 *   - A decision is applied after `activation` consecutive intervals agreed to change (the median of their
 *     parallelisms per operator, the paper's suggestion for noisy operators), and only if some operator grows,
 *     or shrinks by more than one instance (the reference code's consider_change).
 * Batch sizes stay at their defaults: DS2 decides parallelism only.  Placement and transitions are the shared
 * realiser's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline_obs.h"
#include "ds2.h"
#include "realiser.h"

#define MAX_ACTIVATION 8

typedef struct ds2_params {
    double interval_s; /* policy interval: the paper found 5-30 s reasonable for Flink; 30 s in its study    */
    double warm_up_s;  /* after a reconfiguration finished: 30 s in the paper's Flink experiments           */
    uint32_t activation; /* consecutive decisions before acting (1 in the end-to-end run)                   */
} ds2_params;

static const ds2_params ds2_defaults = {60, 60, 3};

typedef struct ds2 {
    ds2_params p;
    sim_bobs obs;
    double *rate, *selectivity, *edge_share;
    uint32_t *current, *pi, *pending; /* pending: MAX_ACTIVATION decisions x n_ops */
    uint32_t n_pending;
} ds2;

static void destroy(void *state)
{
    ds2 *d = state;
    if (!d)
        return;
    sim_bobs_free(&d->obs);
    free(d->rate);
    free(d->selectivity);
    free(d->edge_share);
    free(d->current);
    free(d->pi);
    free(d->pending);
    free(d);
}

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)seed;
    ds2 *d = calloc(1, sizeof *d);
    if (!d)
        return sim_fail(err, SIM_E_NOMEM, "ds2: out of memory");
    d->p = param ? *(const ds2_params *)param : ds2_defaults;
    if (d->p.activation < 1 || d->p.activation > MAX_ACTIVATION)
        d->p.activation = 1;
    d->rate = calloc(sc->n_ops, sizeof *d->rate);
    d->selectivity = calloc(sc->n_ops, sizeof *d->selectivity);
    d->edge_share = calloc(sc->n_edges ? sc->n_edges : 1, sizeof *d->edge_share);
    d->current = calloc(sc->n_ops, sizeof *d->current);
    d->pi = calloc(sc->n_ops, sizeof *d->pi);
    d->pending = calloc((size_t)MAX_ACTIVATION * sc->n_ops, sizeof *d->pending);
    if (!d->rate || !d->selectivity || !d->edge_share || !d->current || !d->pi || !d->pending ||
        sim_bobs_init(&d->obs, sc, err) != SIM_OK) {
        destroy(d);
        return sim_fail(err, SIM_E_NOMEM, "ds2: out of memory");
    }
    *out = d;
    return SIM_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The median per operator of the pending decisions into d->pi. */
static void median_of_pending(ds2 *d, uint32_t n_ops)
{
    uint32_t v[MAX_ACTIVATION];
    for (uint32_t i = 0; i < n_ops; i++) {
        for (uint32_t k = 0; k < d->n_pending; k++)
            v[k] = d->pending[(size_t)k * n_ops + i];
        qsort(v, d->n_pending, sizeof *v, cmp_u32);
        d->pi[i] = v[d->n_pending / 2];
    }
}

/* consider_change: act when an operator grows, or shrinks by more than one instance. */
static int worth_changing(const uint32_t *pi, const uint32_t *current, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (pi[i] > current[i] || pi[i] + 1 < current[i])
            return 1;
    return 0;
}

static sim_status step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    ds2 *d = state;
    const sim_scenario *sc = sim_host_scenario(h);
    double now = (double)obs->now_ns * 1e-9;
    sim_status st = SIM_OK;
    sim_bobs_update(&d->obs, obs);
    if (obs->first) {
        st = sim_realise_declared(h, plan, err);
        snprintf(plan->reason, sizeof plan->reason, "ds2: the declared deployment");
        sim_bobs_issued(&d->obs, plan, now);
        return st;
    }
    if (!sim_bobs_settled(&d->obs, now, d->p.warm_up_s)) {
        sim_bobs_reset(&d->obs); /* a transition's samples describe neither deployment */
        d->n_pending = 0;
        return SIM_OK;
    }
    if (d->obs.window_s + 1e-9 < d->p.interval_s)
        return SIM_OK;
    /* An offline job whose source took nothing this interval is draining: no target rate to scale for. */
    if (d->obs.op[sc->source_op].items_in <= 0) {
        sim_bobs_reset(&d->obs);
        return SIM_OK;
    }
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        /* An operator that did no useful work this interval keeps its last measured rate. */
        if (sim_bobs_rate(&d->obs, i) > 0)
            d->rate[i] = sim_bobs_rate(&d->obs, i);
        d->selectivity[i] = sim_bobs_selectivity(&d->obs, i);
        for (uint32_t k = 0; k < sc->ops[i].n_out; k++)
            d->edge_share[sc->ops[i].out_edges[k]] = sim_bobs_edge_share(&d->obs, i, k);
    }
    sim_bobs_reset(&d->obs);
    sim_realise_current(h, d->current);
    sim_ds2_input in = {d->rate, d->selectivity, d->edge_share, d->current};
    double r = sim_ds2_max_rate(sc, &in, d->pi);
    if (r <= 0 || !worth_changing(d->pi, d->current, sc->n_ops)) {
        d->n_pending = 0;
        return SIM_OK;
    }
    memcpy(d->pending + (size_t)d->n_pending++ * sc->n_ops, d->pi, sc->n_ops * sizeof *d->pi);
    if (d->n_pending < d->p.activation)
        return SIM_OK;
    median_of_pending(d, sc->n_ops);
    d->n_pending = 0;
    if (!worth_changing(d->pi, d->current, sc->n_ops))
        return SIM_OK;
    st = sim_realise_counts(h, d->pi, plan, NULL, err);
    snprintf(plan->reason, sizeof plan->reason, "ds2: parallelism for a target of %.4g source items/s", r);
    sim_bobs_issued(&d->obs, plan, now);
    return st;
}

const sim_policy_vtable sim_policy_ds2 = {
    "ds2", "DS2 (OSDI'18): useful-time rates, parallelism for the largest source rate that fits", 0, 1,
    &ds2_defaults, create, step, destroy};
