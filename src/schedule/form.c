/* form.c -- what both formulations share: allocation, dispatch, incumbents and reading solutions back. */
#include <math.h>
#include <string.h>

#include "schedule/form.h"
#include "schedule/form_internal.h"

size_t *trd__form_index_array(const trd__alloc *a, size_t n)
{
    size_t *v = trd__malloc(a, (n ? n : 1) * sizeof *v);
    if (v)
        for (size_t k = 0; k < n; k++)
            v[k] = TRD__MILP_NONE;
    return v;
}

trd_status trd__form_build(trd__form *fm, const trd__sched_input *in, const trd__form_limits *lim, trd__diag *d)
{
    memset(fm, 0, sizeof *fm);
    fm->in = in;
    fm->col_T = fm->col_E = fm->col_J = TRD__MILP_NONE;
    fm->paper = in->params.formulation == TRD__FORM_PAPER;
    trd__milp_init(&fm->milp, in->alloc, in->params.max_cols);
    trd_status st = fm->paper ? trd__form_build_paper(fm, lim, d) : trd__form_build_ours(fm, lim, d);
    if (st != TRD_OK)
        trd__form_free(fm);
    return st;
}

void trd__form_free(trd__form *fm)
{
    if (!fm->in)
        return;
    const trd__alloc *a = fm->in->alloc;
    trd__milp_free(&fm->milp);
    size_t **arrays[] = {&fm->x, &fm->xa, &fm->y, &fm->b, &fm->dp, &fm->dm, &fm->f, &fm->nic_row};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
        trd__free(a, *arrays[k]);
        *arrays[k] = NULL;
    }
    fm->in = NULL;
}

static void set(double *vec, size_t col, double v)
{
    if (col != TRD__MILP_NONE)
        vec[col] = v;
}

void trd__form_incumbent(const trd__form *fm, const uint32_t *count, double *vec)
{
    memset(vec, 0, fm->milp.n_cols * sizeof *vec);
    if (fm->paper) {
        trd__form_incumbent_paper(fm, count, vec);
        return;
    }
    const trd__sched_input *in = fm->in;
    size_t P = in->n_pools;
    for (size_t i = 0; i < in->n_ops; i++)
        for (size_t k = 0; k < P; k++) {
            const trd__sched_pool *pl = &in->pools[k];
            double total = 0;
            for (uint32_t a = 0; a < pl->count; a++) {
                uint32_t n = count[i * in->n_machines + pl->first + a];
                set(vec, fm->xa[i * in->n_machines + pl->first + a], n);
                total += n;
            }
            set(vec, fm->x[i * P + k], total);
        }
}

void trd__form_extract(const trd__form *fm, const double *x, uint32_t *pool_count, uint32_t *machine_count,
                       uint32_t *b, double *throughput)
{
    const trd__sched_input *in = fm->in;
    size_t P = in->n_pools, M = in->n_machines;
    memset(pool_count, 0, in->n_ops * P * sizeof *pool_count);
    memset(machine_count, 0, in->n_ops * M * sizeof *machine_count);
    for (size_t i = 0; i < in->n_ops; i++) {
        b[i] = fm->b[i] != TRD__MILP_NONE ? (uint32_t)llround(x[fm->b[i]]) : 0;
        for (size_t mc = 0; mc < M; mc++) {
            /* The paper's x is per machine; ours is per machine only in refined pools. */
            size_t c = fm->paper ? fm->x[i * M + mc] : fm->xa[i * M + mc];
            if (c != TRD__MILP_NONE) {
                machine_count[i * M + mc] = (uint32_t)llround(x[c]);
                if (fm->paper)
                    pool_count[i * P + in->machine_pool[mc]] += machine_count[i * M + mc];
            }
        }
        for (size_t k = 0; !fm->paper && k < P; k++)
            if (fm->x[i * P + k] != TRD__MILP_NONE)
                pool_count[i * P + k] = (uint32_t)llround(x[fm->x[i * P + k]]);
    }
    *throughput = x[fm->col_T] * fm->T_scale;
}

uint32_t trd__form_saturated_nic(const trd__form *fm, const double *x)
{
    if (!fm->nic_row)
        return UINT32_MAX;
    const trd__milp *m = &fm->milp;
    for (size_t k = 0; k < fm->in->n_pools; k++)
        for (int dir = 0; dir < 2; dir++) {
            size_t row = fm->nic_row[2 * k + dir];
            if (row == TRD__MILP_NONE)
                continue;
            double use = 0;
            for (size_t q = 0; q < m->nnz; q++)
                if (m->nz_row[q] == row)
                    use += m->nz_val[q] * x[m->nz_col[q]];
            if (use >= 0.999 * m->row_ub[row])
                return (uint32_t)k;
        }
    return UINT32_MAX;
}
