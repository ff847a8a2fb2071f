/* sim_random.h -- the distributions the simulator draws from, on top of libtrident's xoshiro256** generator.
 *
 * The simulator links libtrident's static library on purpose (see sim/CMakeLists.txt) and reuses its
 * generator instead of keeping a second copy.  Every stream is seeded from (run seed, purpose, index), so a
 * source item's features depend only on the seed and its position in the workload: every policy sees the
 * very same documents, whatever order its events happen in. */
#ifndef SIM_RANDOM_H
#define SIM_RANDOM_H

#include <stdint.h>

#include "common/rng.h"
#include "scenario.h"

typedef trd__rng sim_rng;

/* Streams by purpose, mixed into the seed so that streams never overlap. */
enum { SIM_STREAM_FEATURES = 1, SIM_STREAM_COST = 2, SIM_STREAM_FLOW = 3, SIM_STREAM_ARRIVALS = 4, SIM_STREAM_TRUTH = 5 };

void sim_rng_seed3(sim_rng *r, uint64_t seed, uint64_t stream, uint64_t index);
double sim_rng_uniform(sim_rng *r);
/* Lognormal with the given mean and coefficient of variation (cv 0: exactly `mean`). */
double sim_rng_lognormal(sim_rng *r, double mean, double cv);
/* Exponential with the given mean. */
double sim_rng_exponential(sim_rng *r, double mean);
/* Binomial(n, p): exact below 64 trials, a rounded normal approximation (clamped to [0, n]) above. */
uint64_t sim_rng_binomial(sim_rng *r, uint64_t n, double p);
/* A draw from a workload feature's distribution (clamped and rounded as it says). */
double sim_dist_draw(sim_rng *r, const sim_dist *d);

#endif
