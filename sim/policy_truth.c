/* policy_truth.c -- optimal deployments from the true cost model (see policy_truth.h). */
#include "policy_truth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimal.h"
#include "truth.h"

/* Candidate values of a batch knob: its bounds, its default and the powers of two between. */
static uint32_t candidates(const sim_knob *k, double *out, uint32_t cap)
{
    uint32_t n = 0;
    out[n++] = k->dflt;
    out[n++] = k->min;
    out[n++] = k->max;
    for (double v = 1; v <= k->max && n < cap; v *= 2)
        if (v > k->min)
            out[n++] = v;
    return n;
}

static int fits(const sim_op *o, double demand)
{
    const sim_cost *c = &o->cost;
    double cap = o->device_cap_bytes;
    return cap <= 0 || (demand <= c->near_cap_from * cap && demand * (1 + c->spike_size) <= c->oom_fraction * cap);
}

/* The best config of `op` for regime t: values written to cfg (n_knobs), its true rate returned.  A config
 * must be safe in every regime of safe[0 .. n_safe). */
static double best_config(const sim_scenario *sc, const sim_truth *t, const sim_truth *safe, uint32_t n_safe,
                          uint32_t op, sim_config_choice choice, double *cfg)
{
    const sim_op *o = &sc->ops[op];
    if (o->n_knobs)
        memcpy(cfg, o->model_configs, o->n_knobs * sizeof *cfg); /* config 0: every knob at its default */
    double rate = sim_truth_rate(sc, t, op, sim_op_batch(o, cfg));
    if (choice != SIM_CONFIGS_BEST || o->cost.batch_knob == UINT32_MAX)
        return rate;
    double v[64];
    uint32_t n = candidates(&o->knobs[o->cost.batch_knob], v, 64);
    double best = -1, best_v = cfg[o->cost.batch_knob];
    for (uint32_t i = 0; i < n; i++) {
        double r = sim_truth_rate(sc, t, op, (uint32_t)v[i]);
        int ok = 1;
        for (uint32_t k = 0; k < n_safe && ok; k++)
            ok = fits(o, sim_truth_demand_p99(sc, &safe[k], op, (uint32_t)v[i]));
        if (ok && (r > best || (r == best && v[i] < best_v))) {
            best = r;
            best_v = v[i];
        }
    }
    if (best > 0) {
        cfg[o->cost.batch_knob] = best_v;
        rate = best;
    }
    return rate;
}

sim_status sim_truth_plan(sim_host *h, const double *weights, sim_config_choice choice, sim_plan *plan,
                          double *predicted, sim_error *err)
{
    const sim_scenario *sc = sim_host_scenario(h);
    sim_truth t, safe[64];
    uint32_t n_safe = 0;
    sim_status st = sim_truth_compute_mix(sc, weights, &t, err);
    for (uint32_t g = 0; g < sc->n_regimes && g < 64 && st == SIM_OK; g++)
        if (weights[g] > 0 && (st = sim_truth_compute(sc, g, &safe[n_safe], err)) == SIM_OK)
            n_safe++;
    double *rates = calloc(sc->n_ops, sizeof *rates), cfg[64];
    uint32_t *config = calloc(sc->n_ops, sizeof *config);
    if (st == SIM_OK && (!rates || !config))
        st = sim_fail(err, SIM_E_NOMEM, "policy: out of memory");
    for (uint32_t op = 0; op < sc->n_ops && st == SIM_OK; op++) {
        rates[op] = best_config(sc, &t, safe, n_safe, op, choice, cfg);
        st = sim_host_config(h, op, cfg, &config[op]);
    }
    if (st == SIM_OK)
        st = sim_optimal_targets(sc, &t, rates, plan, predicted, err);
    for (size_t k = 0; k < plan->n_targets && st == SIM_OK; k++)
        plan->targets[k].config = config[plan->targets[k].op];
    free(rates);
    free(config);
    for (uint32_t k = 0; k < n_safe; k++)
        sim_truth_release(&safe[k]);
    sim_truth_release(&t);
    return st;
}
