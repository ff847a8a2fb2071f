/* bo_internal.h -- what bo.c (state, surrogates) and bo_search.c (proposals, recommendation) share. */
#ifndef TRD_ADAPT_BO_INTERNAL_H
#define TRD_ADAPT_BO_INTERNAL_H

#include "adapt/bo.h"

#define TRD__BO_MAX_TOP 16

/* The memory surrogate's prior mean at config cfg (log bytes). */
double trd__bo_prior_m(const trd__bo *bo, const double *cfg);

/* Keeps the (at most cap) largest values seen, best first: inserts index i with value v into idx/val, which hold
 * n entries; returns the new count. */
static inline size_t trd__bo_top_insert(size_t *idx, double *val, size_t n, size_t cap, size_t i, double v)
{
    size_t at = n < cap ? n++ : cap;
    while (at > 0 && val[at - 1] < v) {
        if (at < cap) {
            idx[at] = idx[at - 1];
            val[at] = val[at - 1];
        }
        at--;
    }
    if (at < cap) {
        idx[at] = i;
        val[at] = v;
    }
    return n;
}

#endif
