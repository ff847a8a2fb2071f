/* rng.h -- the per-context random generator: xoshiro256** seeded through splitmix64.  Deterministic for a
 * seed on every platform, and owned by a context, so that runs are replayable and contexts independent. */
#ifndef TRD_COMMON_RNG_H
#define TRD_COMMON_RNG_H

#include <stdint.h>

typedef struct trd__rng {
    uint64_t s[4];
} trd__rng;

void trd__rng_seed(trd__rng *r, uint64_t seed);
uint64_t trd__rng_next(trd__rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double trd__rng_uniform(trd__rng *r);
/* Standard normal (Box-Muller; no cached second value, so the stream depends only on the call count). */
double trd__rng_normal(trd__rng *r);

#endif
