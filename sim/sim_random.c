/* sim_random.c -- distributions over trd__rng. */
#include "sim_random.h"

#include <math.h>

void sim_rng_seed3(sim_rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
    /* Distinct odd multipliers keep (seed, stream, index) triples from colliding after the splitmix seeding. */
    trd__rng_seed(r, seed * 0x9e3779b97f4a7c15ull ^ stream * 0xd1b54a32d192ed03ull ^ index * 0x8cb92ba72f3d8dd7ull);
}

double sim_rng_uniform(sim_rng *r)
{
    return trd__rng_uniform(r);
}

double sim_rng_lognormal(sim_rng *r, double mean, double cv)
{
    if (cv <= 0)
        return mean;
    double s2 = log1p(cv * cv);
    return mean * exp(sqrt(s2) * trd__rng_normal(r) - 0.5 * s2);
}

double sim_rng_exponential(sim_rng *r, double mean)
{
    double u = trd__rng_uniform(r);
    return -mean * log1p(-u);
}

uint64_t sim_rng_binomial(sim_rng *r, uint64_t n, double p)
{
    if (p <= 0 || n == 0)
        return 0;
    if (p >= 1)
        return n;
    if (n < 64) {
        uint64_t k = 0;
        for (uint64_t i = 0; i < n; i++)
            k += trd__rng_uniform(r) < p;
        return k;
    }
    double x = floor((double)n * p + sqrt((double)n * p * (1 - p)) * trd__rng_normal(r) + 0.5);
    if (x < 0)
        return 0;
    if (x > (double)n)
        return n;
    return (uint64_t)x;
}

double sim_dist_draw(sim_rng *r, const sim_dist *d)
{
    double x = d->a;
    if (d->kind == SIM_DIST_UNIFORM)
        x = d->a + (d->b - d->a) * sim_rng_uniform(r);
    else if (d->kind == SIM_DIST_LOGNORMAL)
        x = sim_rng_lognormal(r, d->a, d->b);
    if (d->integer)
        x = floor(x + 0.5);
    return x < d->lo ? d->lo : x > d->hi ? d->hi : x;
}
