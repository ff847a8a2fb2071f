/* milp.c -- the backend-neutral MILP model: building with validation as it goes, and the full check. */
#include "schedule/milp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void trd__milp_init(trd__milp *m, const trd__alloc *a, size_t max_cols)
{
    memset(m, 0, sizeof *m);
    m->alloc = a;
    m->max_cols = max_cols;
    m->status = TRD_OK;
}

void trd__milp_free(trd__milp *m)
{
    const trd__alloc *a = m->alloc;
    trd__free(a, m->col_lb);
    trd__free(a, m->col_ub);
    trd__free(a, m->col_obj);
    trd__free(a, m->col_int);
    trd__free(a, m->row_lb);
    trd__free(a, m->row_ub);
    trd__free(a, m->nz_row);
    trd__free(a, m->nz_col);
    trd__free(a, m->nz_val);
    memset(m, 0, sizeof *m);
}

/* Records the first failure; later ones would only describe its consequences. */
static void fail(trd__milp *m, trd_status st, const char *fmt, ...) TRD__PRINTF(3, 4);
static void fail(trd__milp *m, trd_status st, const char *fmt, ...)
{
    if (m->status != TRD_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    trd__vfail(&m->diag, st, fmt, ap);
    va_end(ap);
    m->status = st;
}

static int whole(double v) { return v == floor(v); }

/* The rules every column obeys, shared by the builder and the final check. */
static const char *bad_col(int integer, double lb, double ub, double obj)
{
    if (isnan(lb) || isnan(ub) || lb == INFINITY || ub == -INFINITY)
        return "bound is NaN or infinite on the wrong side";
    if (lb > ub)
        return "lower bound above upper bound";
    if (!isfinite(obj))
        return "objective coefficient is not finite";
    if (integer && (!isfinite(lb) || !isfinite(ub)))
        return "integer column needs finite bounds";
    if (integer && (!whole(lb) || !whole(ub)))
        return "integer column needs whole bounds";
    return NULL;
}

static const char *bad_row(double lb, double ub)
{
    if (isnan(lb) || isnan(ub) || lb == INFINITY || ub == -INFINITY)
        return "bound is NaN or infinite on the wrong side";
    if (lb > ub)
        return "lower bound above upper bound";
    if (lb == -INFINITY && ub == INFINITY)
        return "row is free (no bound at all)";
    return NULL;
}

size_t trd__milp_add_col(trd__milp *m, trd__col_kind kind, double lb, double ub, double obj)
{
    if (m->status != TRD_OK)
        return TRD__MILP_NONE;
    const char *why = bad_col(kind == TRD__COL_INTEGER, lb, ub, obj);
    if (why) {
        fail(m, TRD_E_INVALID_ARG, "milp: column %zu: %s (lb %g, ub %g, obj %g)", m->n_cols, why, lb, ub, obj);
        return TRD__MILP_NONE;
    }
    if (m->n_cols >= m->max_cols) {
        fail(m, TRD_E_LIMIT, "milp: the model needs more than %zu columns (solver_max_columns)", m->max_cols);
        return TRD__MILP_NONE;
    }
    size_t need = m->n_cols + 1, cap = m->cap_cols;
    /* All four arrays share one capacity: grow copies of the count for each and commit only if all grew. */
    size_t c1 = cap, c2 = cap, c3 = cap, c4 = cap;
    if (trd__grow(m->alloc, (void **)&m->col_lb, &c1, need, sizeof(double)) ||
        trd__grow(m->alloc, (void **)&m->col_ub, &c2, need, sizeof(double)) ||
        trd__grow(m->alloc, (void **)&m->col_obj, &c3, need, sizeof(double)) ||
        trd__grow(m->alloc, (void **)&m->col_int, &c4, need, 1)) {
        fail(m, TRD_E_NOMEM, "milp: out of memory adding column %zu", m->n_cols);
        return TRD__MILP_NONE;
    }
    m->cap_cols = c1 < c2 ? c1 : c2;
    m->cap_cols = m->cap_cols < c3 ? m->cap_cols : c3;
    m->cap_cols = m->cap_cols < c4 ? m->cap_cols : c4;
    size_t j = m->n_cols++;
    m->col_lb[j] = lb;
    m->col_ub[j] = ub;
    m->col_obj[j] = obj;
    m->col_int[j] = kind == TRD__COL_INTEGER;
    return j;
}

size_t trd__milp_add_row(trd__milp *m, double lb, double ub)
{
    if (m->status != TRD_OK)
        return TRD__MILP_NONE;
    const char *why = bad_row(lb, ub);
    if (why) {
        fail(m, TRD_E_INVALID_ARG, "milp: row %zu: %s (lb %g, ub %g)", m->n_rows, why, lb, ub);
        return TRD__MILP_NONE;
    }
    if (m->n_rows >= m->max_cols) {
        fail(m, TRD_E_LIMIT, "milp: the model needs more than %zu rows (solver_max_columns)", m->max_cols);
        return TRD__MILP_NONE;
    }
    size_t need = m->n_rows + 1, c1 = m->cap_rows, c2 = m->cap_rows;
    if (trd__grow(m->alloc, (void **)&m->row_lb, &c1, need, sizeof(double)) ||
        trd__grow(m->alloc, (void **)&m->row_ub, &c2, need, sizeof(double))) {
        fail(m, TRD_E_NOMEM, "milp: out of memory adding row %zu", m->n_rows);
        return TRD__MILP_NONE;
    }
    m->cap_rows = c1 < c2 ? c1 : c2;
    size_t i = m->n_rows++;
    m->row_lb[i] = lb;
    m->row_ub[i] = ub;
    return i;
}

void trd__milp_coef(trd__milp *m, size_t row, size_t col, double value)
{
    if (m->status != TRD_OK)
        return;
    if (row >= m->n_rows || col >= m->n_cols) {
        fail(m, TRD_E_INVALID_ARG, "milp: coefficient (%zu, %zu) outside the %zu x %zu model", row, col, m->n_rows,
             m->n_cols);
        return;
    }
    if (!isfinite(value)) {
        fail(m, TRD_E_INVALID_ARG, "milp: coefficient (%zu, %zu) is not finite", row, col);
        return;
    }
    if (value == 0)
        return;
    if (m->nnz >= m->max_cols * TRD__MILP_NNZ_PER_COL) {
        fail(m, TRD_E_LIMIT, "milp: the model needs more than %zu nonzeros", m->max_cols * TRD__MILP_NNZ_PER_COL);
        return;
    }
    size_t need = m->nnz + 1, c1 = m->cap_nnz, c2 = m->cap_nnz, c3 = m->cap_nnz;
    if (trd__grow(m->alloc, (void **)&m->nz_row, &c1, need, sizeof(uint32_t)) ||
        trd__grow(m->alloc, (void **)&m->nz_col, &c2, need, sizeof(uint32_t)) ||
        trd__grow(m->alloc, (void **)&m->nz_val, &c3, need, sizeof(double))) {
        fail(m, TRD_E_NOMEM, "milp: out of memory adding a coefficient");
        return;
    }
    m->cap_nnz = c1 < c2 ? c1 : c2;
    m->cap_nnz = m->cap_nnz < c3 ? m->cap_nnz : c3;
    m->nz_row[m->nnz] = (uint32_t)row;
    m->nz_col[m->nnz] = (uint32_t)col;
    m->nz_val[m->nnz] = value;
    m->nnz++;
}

void trd__milp_set_bounds(trd__milp *m, size_t col, double lb, double ub)
{
    if (m->status != TRD_OK)
        return;
    if (col >= m->n_cols) {
        fail(m, TRD_E_INVALID_ARG, "milp: column %zu does not exist (%zu columns)", col, m->n_cols);
        return;
    }
    const char *why = bad_col(m->col_int[col], lb, ub, m->col_obj[col]);
    if (why) {
        fail(m, TRD_E_INVALID_ARG, "milp: column %zu: %s (lb %g, ub %g)", col, why, lb, ub);
        return;
    }
    m->col_lb[col] = lb;
    m->col_ub[col] = ub;
}

void trd__milp_set_obj(trd__milp *m, size_t col, double value)
{
    if (m->status != TRD_OK)
        return;
    if (col >= m->n_cols || !isfinite(value)) {
        fail(m, TRD_E_INVALID_ARG, "milp: objective of column %zu: bad index or non-finite value", col);
        return;
    }
    m->col_obj[col] = value;
}

trd_status trd__milp_failed(const trd__milp *m, trd__diag *d)
{
    if (m->status != TRD_OK)
        *d = m->diag;
    return m->status;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

trd_status trd__milp_check(const trd__milp *m, trd__diag *d)
{
    if (m->status != TRD_OK)
        return trd__milp_failed(m, d);
    if (m->n_cols > m->max_cols || m->n_rows > m->max_cols || m->nnz > m->max_cols * TRD__MILP_NNZ_PER_COL)
        return trd__fail(d, TRD_E_LIMIT, "milp: %zu columns, %zu rows, %zu nonzeros exceed the cap of %zu", m->n_cols,
                         m->n_rows, m->nnz, m->max_cols);
    /* GLPK indices are int: keep every count well inside it. */
    if (m->n_cols >= (size_t)INT32_MAX || m->n_rows >= (size_t)INT32_MAX || m->nnz >= (size_t)INT32_MAX)
        return trd__fail(d, TRD_E_LIMIT, "milp: the model is too large for the solver");
    if (m->n_cols == 0)
        return trd__fail(d, TRD_E_INVALID_ARG, "milp: the model has no columns");
    for (size_t j = 0; j < m->n_cols; j++) {
        const char *why = bad_col(m->col_int[j], m->col_lb[j], m->col_ub[j], m->col_obj[j]);
        if (why)
            return trd__fail(d, TRD_E_INVALID_ARG, "milp: column %zu: %s", j, why);
    }
    for (size_t i = 0; i < m->n_rows; i++) {
        const char *why = bad_row(m->row_lb[i], m->row_ub[i]);
        if (why)
            return trd__fail(d, TRD_E_INVALID_ARG, "milp: row %zu: %s", i, why);
    }
    for (size_t k = 0; k < m->nnz; k++)
        if (m->nz_row[k] >= m->n_rows || m->nz_col[k] >= m->n_cols || !isfinite(m->nz_val[k]))
            return trd__fail(d, TRD_E_INVALID_ARG, "milp: coefficient %zu is out of range or not finite", k);
    if (m->nnz < 2)
        return TRD_OK;
    /* Duplicates: sort the (row, col) keys and compare neighbours. */
    uint64_t *keys = trd__malloc(m->alloc, m->nnz * sizeof *keys);
    if (!keys)
        return trd__fail(d, TRD_E_NOMEM, "milp: out of memory checking for duplicate coefficients");
    for (size_t k = 0; k < m->nnz; k++)
        keys[k] = (uint64_t)m->nz_row[k] << 32 | m->nz_col[k];
    qsort(keys, m->nnz, sizeof *keys, cmp_u64);
    trd_status st = TRD_OK;
    for (size_t k = 1; k < m->nnz && st == TRD_OK; k++)
        if (keys[k] == keys[k - 1])
            st = trd__fail(d, TRD_E_INVALID_ARG, "milp: duplicate coefficient at (row %u, column %u)",
                           (unsigned)(keys[k] >> 32), (unsigned)(keys[k] & 0xffffffffu));
    trd__free(m->alloc, keys);
    return st;
}

void trd__milp_result_free(const trd__alloc *a, trd__milp_result *r)
{
    trd__free(a, r->x);
    r->x = NULL;
}
