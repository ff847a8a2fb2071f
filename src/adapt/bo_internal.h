/* bo_internal.h -- what bo.c (state, surrogates) and bo_search.c (proposals, recommendation) share. */
#ifndef TRD_ADAPT_BO_INTERNAL_H
#define TRD_ADAPT_BO_INTERNAL_H

#include "adapt/bo.h"

#define TRD__BO_MAX_TOP 16

/* The memory surrogate's prior mean at config cfg (log bytes). */
double trd__bo_prior_m(const trd__bo *bo, const double *cfg);

#endif
