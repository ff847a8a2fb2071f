/* xenna.c -- Cosmos-Xenna's "give the slowest stage a worker" rebalancing (see xenna.h). */
#include "xenna.h"

#include <math.h>

#include "baseline_obs.h"
#include "realiser.h"

static int measured(const double *speed, const double *demand, uint32_t i)
{
    return speed[i] > 0 && demand[i] > 0;
}

static double throughput(const double *speed, const double *demand, uint32_t i, uint32_t workers)
{
    return (double)workers * speed[i] / demand[i];
}

uint32_t sim_xenna_rebalance(const sim_scenario *sc, const double *speed, const double *demand, uint32_t *counts,
                             uint32_t max_moves)
{
    uint32_t moves = 0;
    while (moves < max_moves) {
        /* The slowest measured stage (ties: the lowest id). */
        uint32_t slow = UINT32_MAX;
        double min_thr = INFINITY;
        for (uint32_t i = 0; i < sc->n_ops; i++)
            if (measured(speed, demand, i) && throughput(speed, demand, i, counts[i]) < min_thr) {
                min_thr = throughput(speed, demand, i, counts[i]);
                slow = i;
            }
        if (slow == UINT32_MAX || counts[slow] >= sim_bobs_max_instances(&sc->ops[slow]))
            break;
        counts[slow]++;
        if (sim_realise_fits(sc, counts)) {
            moves++;
            continue;
        }
        /* A donor whose throughput stays above the minimum, the highest after the removal first. */
        uint32_t donor = UINT32_MAX;
        double best = -INFINITY;
        for (uint32_t j = 0; j < sc->n_ops; j++) {
            if (j == slow || !measured(speed, demand, j) || counts[j] <= 1 || counts[j] <= sc->ops[j].min_instances)
                continue;
            double after = throughput(speed, demand, j, counts[j] - 1);
            if (after <= min_thr || after <= best)
                continue;
            counts[j]--;
            if (sim_realise_fits(sc, counts)) {
                donor = j;
                best = after;
            }
            counts[j]++;
        }
        if (donor == UINT32_MAX) {
            counts[slow]--;
            break;
        }
        counts[donor]--;
        moves++;
    }
    return moves;
}
