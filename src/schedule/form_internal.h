/* form_internal.h -- what form.c dispatches to: the builders and accessors of each formulation. */
#ifndef TRD_SCHEDULE_FORM_INTERNAL_H
#define TRD_SCHEDULE_FORM_INTERNAL_H

#include "schedule/form.h"

/* Allocates an array of n column indices, all TRD__MILP_NONE; NULL on allocation failure. */
size_t *trd__form_index_array(const trd__alloc *a, size_t n);

trd_status trd__form_build_ours(trd__form *fm, const trd__form_limits *lim, trd__diag *d);
trd_status trd__form_build_paper(trd__form *fm, const trd__form_limits *lim, trd__diag *d);
void trd__form_incumbent_paper(const trd__form *fm, const uint32_t *count, double *vec);

#endif
