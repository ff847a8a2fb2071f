/* scoot.h -- SCOOT's offline tuner (Cheng et al., "SCOOT: SLO-Oriented Performance Tuning for LLM Inference
 * Engines", WWW 2025, arXiv 2408.04323; reference code Ketonmi/SCOOT, bo_scoot.py and hebo/), reduced to what a
 * pipeline operator's config needs, as the `scoot` policy uses it and its tests check it.
 *
 * One operator, one objective (throughput, maximised), one tuned knob (the batch knob: the only knob that changes
 * simulated costs; calibration.md 4), a budget of evaluations.  Each evaluation is a benchmark run that either
 * returns a throughput or crashes (out of memory).  As in bo_scoot.py:
 *   - the first 1 + #params points are quasi-random (here: spread over the candidates by a seeded draw);
 *   - a random forest trained on every evaluation (1: ran, 0: crashed) is the hidden constraint: a candidate is
 *     admissible when its predicted feasibility is at least delta; delta starts at 0.5, rises by 0.05 (within
 *     [0.5, 0.75]) after each crash and falls by 0.05 (not below 0.25) after 5 successes in a row;
 *   - a GP over the successful evaluations (log2 of the knob) picks the admissible candidate with the highest
 *     expected improvement.
 * Deviations: HEBO's MACE acquisition (a Pareto front of EI, PI and UCB searched by NSGA-II) becomes EI over an
 * exhaustive candidate list (one dimension), and the forest is 25 bootstrapped decision stumps (one feature). */
#ifndef SIM_SCOOT_H
#define SIM_SCOOT_H

#include <stdint.h>

#define SIM_SCOOT_MAX_EVALS 64
#define SIM_SCOOT_TREES 25

/* The hidden-constraint threshold after one evaluation. */
typedef struct sim_scoot_delta {
    double delta;
    uint32_t streak;   /* successes in a row */
} sim_scoot_delta;
void sim_scoot_delta_init(sim_scoot_delta *d);
void sim_scoot_delta_update(sim_scoot_delta *d, int crashed);

/* The forest's predicted feasibility at x, trained on (x, ok)[0 .. n) with bootstrap draws from `seed`. */
double sim_scoot_feasibility(const double *x, const int *ok, uint32_t n, uint64_t seed, double xq);

/* An evaluation: returns 1 and the throughput in *thr, or 0 for a crash. */
typedef int (*sim_scoot_eval)(void *user, uint32_t value, double *thr);

typedef struct sim_scoot_result {
    uint32_t best;               /* the best value that ran (the default if none did)              */
    double best_thr;
    uint32_t evals, crashes;
} sim_scoot_result;

/* Tunes over the integer values [lo, hi] (log-spaced when more than 256) with `budget` evaluations. */
sim_scoot_result sim_scoot_tune(uint32_t lo, uint32_t hi, uint32_t dflt, uint32_t budget, uint64_t seed,
                                sim_scoot_eval eval, void *user);

#endif
