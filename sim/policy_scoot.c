/* policy_scoot.c -- the SCOOT baseline (Cheng et al., WWW 2025; Ketonmi/SCOOT): offline constrained Bayesian
 * optimisation of each accelerator operator's config (scoot.h), then the static allocation at those configs,
 * frozen: no runtime adaptation and no shift detection.
 *
 *   - The offline benchmark.  SCOOT tunes a service by restarting it with a config and replaying a request trace;
 *     here each evaluation replays a sample of the whole corpus (every regime by its share: the trace an operator
 *     would draw before the run) against the true cost model: the throughput is the true sustained rate at that
 *     batch with 3% lognormal benchmark noise, and the run crashes when a batch at the sample's 99th-percentile
 *     memory goes past the out-of-memory line (a 1,000-request replay meets it).  This reads the truth, as static
 *     does.  Its best shot: a trace of the first regime alone (what static plans for) picks caption_vlm batch 114
 *     on the video pipeline, which crawls near the memory cap on long videos (0.19 items/s against 0.41, seed 1).
 *   - Budget: 30 evaluations per operator, libtrident's own TRD_P_BO_BUDGET (research/baselines.md 8: 30-50).
 *   - Deployment: the throughput-optimal allocation for the first regime at the tuned configs (static's MILP,
 *     sim_optimal_targets, with the tuned rates): SCOOT decides no parallelism, so it gets static's, recomputed
 *     for its configs as an operator would.
 *   - Evaluations cost no simulated time: tuning happens before the run (the paper's offline setting). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimal.h"
#include "realiser.h"
#include "scoot.h"
#include "sim_random.h"
#include "truth.h"

#define SCOOT_BUDGET 30
#define SCOOT_NOISE_CV 0.03

typedef struct scoot {
    uint64_t seed;
} scoot;

typedef struct bench {
    const sim_scenario *sc;
    const sim_truth *t;
    uint32_t op;
    sim_rng rng;
} bench;

static int evaluate(void *user, uint32_t batch, double *thr)
{
    bench *b = user;
    const sim_op *o = &b->sc->ops[b->op];
    double cap = o->device_cap_bytes;
    if (cap > 0 && sim_truth_demand_p99(b->sc, b->t, b->op, batch) > o->cost.oom_fraction * cap)
        return 0; /* crashed: out of memory */
    *thr = sim_truth_rate(b->sc, b->t, b->op, batch) * sim_rng_lognormal(&b->rng, 1, SCOOT_NOISE_CV);
    return 1;
}

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)sc;
    (void)param;
    scoot *s = calloc(1, sizeof *s);
    if (!s)
        return sim_fail(err, SIM_E_NOMEM, "scoot: out of memory");
    s->seed = seed;
    *out = s;
    return SIM_OK;
}

static void destroy(void *state)
{
    free(state);
}

static sim_status step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    scoot *s = state;
    if (!obs->first)
        return SIM_OK;
    const sim_scenario *sc = sim_host_scenario(h);
    sim_truth t, tb;
    sim_status st = sim_truth_compute(sc, sim_host_regime(h), &t, err);
    if (st != SIM_OK)
        return st;
    double *w = calloc(sc->n_regimes, sizeof *w); /* the benchmark trace: a sample of the whole corpus */
    for (uint32_t g = 0; w && g < sc->n_regimes; g++)
        w[g] = sc->regimes[g].share;
    st = w ? sim_truth_compute_mix(sc, w, &tb, err) : sim_fail(err, SIM_E_NOMEM, "scoot: out of memory");
    free(w);
    if (st != SIM_OK) {
        sim_truth_release(&t);
        return st;
    }
    double *rates = calloc(sc->n_ops, sizeof *rates), cfg[64], predicted = 0;
    uint32_t *config = calloc(sc->n_ops, sizeof *config), tuned = 0, crashes = 0;
    char picks[96] = "";
    size_t used = 0;
    if (!rates || !config)
        st = sim_fail(err, SIM_E_NOMEM, "scoot: out of memory");
    for (uint32_t op = 0; op < sc->n_ops && st == SIM_OK; op++) {
        const sim_op *o = &sc->ops[op];
        if (o->n_knobs > 64) {
            st = sim_fail(err, SIM_E_INVALID, "scoot: too many knobs");
            break;
        }
        if (o->n_knobs)
            memcpy(cfg, o->model_configs, o->n_knobs * sizeof *cfg); /* defaults */
        uint32_t kb = o->cost.batch_knob;
        if (o->gpus > 0 && kb != UINT32_MAX) {
            const sim_knob *k = &o->knobs[kb];
            bench b;
            b.sc = sc;
            b.t = &tb;
            b.op = op;
            sim_rng_seed3(&b.rng, s->seed, 0x5C0077, op);
            uint32_t lo = k->min < 1 ? 1 : (uint32_t)k->min, hi = (uint32_t)k->max;
            sim_scoot_result res = sim_scoot_tune(lo, hi, (uint32_t)k->dflt, SCOOT_BUDGET, s->seed * 131 + op,
                                                  evaluate, &b);
            if (res.best_thr > 0)
                cfg[kb] = res.best;
            tuned++;
            crashes += res.crashes;
            if (used + 1 < sizeof picks) {
                int nw = snprintf(picks + used, sizeof picks - used, "%s%s=%g", used ? " " : "", o->name, cfg[kb]);
                used += nw > 0 ? (size_t)nw : 0;
            }
        }
        rates[op] = sim_truth_rate(sc, &t, op, sim_op_batch(o, cfg));
        st = sim_host_config(h, op, cfg, &config[op]);
    }
    if (st == SIM_OK)
        st = sim_optimal_targets(sc, &t, rates, plan, &predicted, err);
    for (size_t k = 0; k < plan->n_targets && st == SIM_OK; k++)
        plan->targets[k].config = config[plan->targets[k].op];
    if (st == SIM_OK)
        st = sim_realise_actions(h, plan, NULL, err);
    snprintf(plan->reason, sizeof plan->reason,
             "scoot: %u tuned offline (%u crashes: %.96s), static allocation, %.4g items/s predicted", tuned, crashes,
             picks, predicted);
    free(rates);
    free(config);
    sim_truth_release(&t);
    sim_truth_release(&tb);
    return st;
}

const sim_policy_vtable sim_policy_scoot = {
    "scoot", "SCOOT (WWW'25)-style: offline constrained BO of accelerator configs, static allocation, frozen", 1, 0,
    NULL, create, step, destroy};
