/* sobol.h -- Sobol low-discrepancy points in [0, 1)^d, d <= TRD__SOBOL_MAX_DIM, for the adapt layer's
 * candidate sets and initial designs and for the benchmarks' quasi-random search.
 *
 * Direction numbers are Joe and Kuo's new-joe-kuo-6.21201 set (S. Joe and F. Y. Kuo, "Constructing Sobol
 * sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2008); points come in Gray-code
 * order with 32-bit precision, so that the sequence is exactly scipy.stats.qmc.Sobol(d, scramble=False): the
 * first point is the origin, the second (1/2, ..., 1/2).  tests/unit/test_sobol.c checks values from scipy.
 *
 * A generator is a plain value (no allocation): copy it to replay a stream. */
#ifndef TRD_COMMON_SOBOL_H
#define TRD_COMMON_SOBOL_H

#include <stddef.h>
#include <stdint.h>

#define TRD__SOBOL_MAX_DIM 21
#define TRD__SOBOL_BITS 32

typedef struct trd__sobol {
    size_t dim;
    uint32_t index; /* points generated so far */
    uint32_t x[TRD__SOBOL_MAX_DIM];
    uint32_t v[TRD__SOBOL_MAX_DIM][TRD__SOBOL_BITS];
} trd__sobol;

/* Returns 0, or -1 if dim is 0 or above TRD__SOBOL_MAX_DIM. */
int trd__sobol_init(trd__sobol *s, size_t dim);

/* Writes the next point (dim values in [0, 1)).  Returns 0, or -1 once 2^32 - 1 points were drawn. */
int trd__sobol_next(trd__sobol *s, double *out);

/* Skips n points (as n calls of trd__sobol_next, in O(dim x bits)). */
void trd__sobol_skip(trd__sobol *s, uint32_t n);

#endif
