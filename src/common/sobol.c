/* sobol.c -- Sobol points by Bratley and Fox's Gray-code method (ACM TOMS 659) with Joe and Kuo's direction
 * numbers (see sobol.h). */
#include "common/sobol.h"

#include <string.h>

/* Rows 2..21 of new-joe-kuo-6.21201: degree s, the coefficients a of the primitive polynomial's middle terms
 * (as bits, highest degree first), and the initial direction numbers m_1..m_s. */
static const struct {
    unsigned char s;
    unsigned char a;
    unsigned short m[7];
} joe_kuo[TRD__SOBOL_MAX_DIM - 1] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
};

int trd__sobol_init(trd__sobol *s, size_t dim)
{
    if (dim == 0 || dim > TRD__SOBOL_MAX_DIM)
        return -1;
    memset(s, 0, sizeof *s);
    s->dim = dim;
    /* Dimension 1 is the van der Corput sequence in base 2: v_k = 2^(32-k). */
    for (unsigned k = 0; k < TRD__SOBOL_BITS; k++)
        s->v[0][k] = 1u << (TRD__SOBOL_BITS - 1 - k);
    for (size_t j = 1; j < dim; j++) {
        unsigned deg = joe_kuo[j - 1].s, a = joe_kuo[j - 1].a;
        uint32_t *v = s->v[j];
        for (unsigned k = 0; k < deg; k++)
            v[k] = (uint32_t)joe_kuo[j - 1].m[k] << (TRD__SOBOL_BITS - 1 - k);
        /* v_k = v_{k-s} ^ (v_{k-s} >> s) ^ sum over the polynomial's middle terms of a_i v_{k-i}. */
        for (unsigned k = deg; k < TRD__SOBOL_BITS; k++) {
            uint32_t x = v[k - deg] ^ (v[k - deg] >> deg);
            for (unsigned i = 1; i < deg; i++)
                if ((a >> (deg - 1 - i)) & 1u)
                    x ^= v[k - i];
            v[k] = x;
        }
    }
    return 0;
}

int trd__sobol_next(trd__sobol *s, double *out)
{
    if (s->index == UINT32_MAX)
        return -1;
    for (size_t j = 0; j < s->dim; j++)
        out[j] = (double)s->x[j] * 0x1.0p-32;
    /* The next point differs from this one by the direction of the lowest zero bit of the index. */
    unsigned c = 0;
    for (uint32_t i = s->index; i & 1u; i >>= 1)
        c++;
    for (size_t j = 0; j < s->dim; j++)
        s->x[j] ^= s->v[j][c];
    s->index++;
    return 0;
}

void trd__sobol_skip(trd__sobol *s, uint32_t n)
{
    if (n > UINT32_MAX - s->index)
        n = UINT32_MAX - s->index;
    /* Point i is the xor of the directions of the bits of its Gray code i ^ (i >> 1). */
    uint32_t target = s->index + n, gray = target ^ (target >> 1);
    for (size_t j = 0; j < s->dim; j++) {
        uint32_t x = 0;
        for (unsigned k = 0; k < TRD__SOBOL_BITS; k++)
            if ((gray >> k) & 1u)
                x ^= s->v[j][k];
        s->x[j] = x;
    }
    s->index = target;
}
