/* ds2.c -- DS2's scaling rule and the search for the largest sustainable source rate (see ds2.h). */
#include "ds2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baseline_obs.h"
#include "realiser.h"

/* Relative precision of the rate search. */
#define RATE_TOL 1e-3

int sim_ds2_parallelism(const sim_scenario *sc, const sim_ds2_input *in, double r, uint32_t *pi, double *input_rate)
{
    double *target_in = calloc(sc->n_ops, sizeof *target_in), *target_out = calloc(sc->n_ops, sizeof *target_out);
    int ok = target_in && target_out;
    for (uint32_t t = 0; t < sc->n_ops && ok; t++) {
        uint32_t i = sc->topo[t];
        const sim_op *o = &sc->ops[i];
        if (i == sc->source_op)
            target_in[i] = r; /* o_src[lambda_o]* = lambda_src: here the source takes r items/s */
        for (uint32_t k = 0; k < o->n_in; k++) {
            const sim_edge *e = &sc->edges[o->in_edges[k]];
            target_in[i] += target_out[e->from] * in->edge_share[o->in_edges[k]];
        }
        /* selectivity x target input: the estimated true output rate carries the unrounded optimum */
        target_out[i] = target_in[i] * in->selectivity[i];
        uint32_t p = in->current[i];
        if (in->rate[i] > 0) {
            double optimal = target_in[i] / in->rate[i];
            p = optimal >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)ceil(optimal - 1e-9);
            if (p > sim_bobs_max_instances(o))
                ok = 0;
        }
        pi[i] = p < o->min_instances ? o->min_instances : p;
        if (pi[i] > sim_bobs_max_instances(o))
            pi[i] = sim_bobs_max_instances(o);
    }
    if (input_rate && target_in)
        memcpy(input_rate, target_in, sc->n_ops * sizeof *input_rate);
    free(target_in);
    free(target_out);
    return ok;
}

double sim_rate_search(const sim_scenario *sc, sim_rate_rule rule, void *user, double scale, uint32_t *pi)
{
    uint32_t *trial = calloc(sc->n_ops, sizeof *trial);
    double lo = 0, hi = scale > 0 ? scale : 1;
    if (!trial)
        return 0;
    /* Bracket: grow hi until it fails (a rate no cluster sustains ends it: every rule caps at some maximum). */
    for (int k = 0; k < 64 && rule(user, hi, trial) && sim_realise_fits(sc, trial); k++) {
        lo = hi;
        hi *= 2;
    }
    /* Shrink lo until it works, when even `scale` fails. */
    if (lo == 0) {
        double r = hi;
        for (int k = 0; k < 64 && lo == 0; k++) {
            r /= 2;
            if (rule(user, r, trial) && sim_realise_fits(sc, trial))
                lo = r;
        }
        hi = 2 * lo;
    }
    while (lo > 0 && hi - lo > RATE_TOL * lo) {
        double mid = 0.5 * (lo + hi);
        if (rule(user, mid, trial) && sim_realise_fits(sc, trial))
            lo = mid;
        else
            hi = mid;
    }
    if (lo > 0)
        rule(user, lo, pi);
    free(trial);
    return lo;
}

typedef struct ds2_rule {
    const sim_scenario *sc;
    const sim_ds2_input *in;
} ds2_rule;

static int apply_ds2(void *user, double r, uint32_t *pi)
{
    const ds2_rule *d = user;
    return sim_ds2_parallelism(d->sc, d->in, r, pi, NULL);
}

double sim_ds2_max_rate(const sim_scenario *sc, const sim_ds2_input *in, uint32_t *pi)
{
    /* Start from the rate the operator measured slowest in source items sustains with one instance. */
    double scale = INFINITY, *rates = calloc(sc->n_ops, sizeof *rates);
    if (!rates)
        return 0;
    sim_ds2_parallelism(sc, in, 1, pi, rates); /* target input per unit source rate */
    for (uint32_t i = 0; i < sc->n_ops; i++)
        if (in->rate[i] > 0 && rates[i] > 0)
            scale = fmin(scale, in->rate[i] / rates[i]);
    free(rates);
    memcpy(pi, in->current, sc->n_ops * sizeof *pi);
    if (!isfinite(scale))
        return 0;
    ds2_rule d = {sc, in};
    return sim_rate_search(sc, apply_ds2, &d, scale, pi);
}
