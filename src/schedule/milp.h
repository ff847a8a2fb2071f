/* milp.h -- a backend-neutral mixed-integer linear program and the interface of its solvers.
 *
 * The schedule layer builds its models here, never against a solver's API: columns with bounds, a kind and an
 * objective coefficient, rows with bounds, and sparse coefficients, all 0-based; the objective is always
 * maximised.  Builders validate every argument as it arrives and remember the first failure (sticky), so a
 * formulation can add hundreds of rows without checking each call and look at trd__milp_failed() once.
 * trd__milp_check() repeats the whole validation (including duplicate coefficients) right before a backend
 * touches the model: GLPK aborts the process on a bad index, bound or duplicate, so nothing reaches it unchecked.
 *
 * The only backend today is GLPK (milp_glpk.c, the only file that includes glpk.h). */
#ifndef TRD_SCHEDULE_MILP_H
#define TRD_SCHEDULE_MILP_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "common/diag.h"
#include "trident.h"

/* Returned by the add functions once the builder has failed. */
#define TRD__MILP_NONE ((size_t)-1)

/* Nonzeros allowed per column of the size cap: the formulations have a handful per column, so this only stops
 * runaway builders. */
#define TRD__MILP_NNZ_PER_COL 64

typedef enum trd__col_kind {
    TRD__COL_CONTINUOUS = 0,
    TRD__COL_INTEGER = 1
} trd__col_kind;

typedef struct trd__milp {
    const trd__alloc *alloc;
    size_t max_cols;   /* size cap: columns and rows each at most this, nonzeros at most NNZ_PER_COL times it */
    size_t n_cols, cap_cols;
    double *col_lb, *col_ub, *col_obj; /* bounds may be -INFINITY / +INFINITY on continuous columns */
    unsigned char *col_int;
    size_t n_rows, cap_rows;
    double *row_lb, *row_ub;
    size_t nnz, cap_nnz;
    uint32_t *nz_row, *nz_col;
    double *nz_val;
    trd_status status; /* first builder failure; TRD_OK while healthy */
    trd__diag diag;    /* its message */
} trd__milp;

void trd__milp_init(trd__milp *m, const trd__alloc *a, size_t max_cols);
void trd__milp_free(trd__milp *m);

/* Adds a column and returns its index.  Integer columns need finite, whole bounds (GLPK rejects fractional
 * ones, and tight bounds are what make branch and bound fast).  TRD__MILP_NONE after a failure. */
size_t trd__milp_add_col(trd__milp *m, trd__col_kind kind, double lb, double ub, double obj);
/* Adds a row lb <= a.x <= ub (either side may be infinite, not both) and returns its index. */
size_t trd__milp_add_row(trd__milp *m, double lb, double ub);
/* Sets coefficient (row, col).  Zero is skipped (GLPK does not store zeros either). */
void trd__milp_coef(trd__milp *m, size_t row, size_t col, double value);
/* Replaces a column's bounds / objective coefficient (used to tighten a model between solves). */
void trd__milp_set_bounds(trd__milp *m, size_t col, double lb, double ub);
void trd__milp_set_obj(trd__milp *m, size_t col, double value);

/* TRD_OK, or the builder's first failure copied into d. */
trd_status trd__milp_failed(const trd__milp *m, trd__diag *d);

/* Full validation before a solver sees the model: indices in range, bounds ordered and finite where required,
 * coefficients finite, no duplicate (row, col), size within the cap.  TRD_E_INVALID_ARG, TRD_E_LIMIT,
 * TRD_E_NOMEM (the duplicate check sorts a copy) or TRD_OK. */
trd_status trd__milp_check(const trd__milp *m, trd__diag *d);

/* ---- solving ---- */

typedef enum trd__milp_outcome {
    TRD__MILP_OPTIMAL = 1,     /* proven optimal within the requested MIP gap                              */
    TRD__MILP_FEASIBLE = 2,    /* the solver's own solution, stopped by the time limit                     */
    TRD__MILP_INCUMBENT = 3,   /* the solver found nothing better than the injected incumbent in time      */
    TRD__MILP_INFEASIBLE = 4,  /* the model has no solution                                                */
    TRD__MILP_NO_SOLUTION = 5  /* no solution within the time limit and no usable incumbent                */
} trd__milp_outcome;

typedef struct trd__milp_params {
    double time_limit_ms; /* > 0; wall time for the whole call                                        */
    double mip_gap;       /* relative gap at which to stop, >= 0                                      */
    /* A known solution (n_cols values) to start from, or NULL.  Only its integer columns are read: the
     * backend completes the continuous ones by solving the LP with the integer columns fixed, so the injected
     * point is feasible by construction (GLPK does not check injected solutions).  It is also the result when
     * the solver finds nothing in time. */
    const double *incumbent;
} trd__milp_params;

typedef struct trd__milp_result {
    trd__milp_outcome outcome;
    double objective;  /* of x                                                                             */
    double gap;        /* relative gap between x and the best bound known at the end; 0 when optimal       */
    double solve_ms;   /* wall time of the call, as measured by the solver's clock                        */
    int incumbent_used; /* the incumbent was completed and handed to the solver                            */
    double *x;         /* n_cols values for OPTIMAL, FEASIBLE and INCUMBENT; NULL otherwise; free with
                          trd__milp_result_free                                                           */
    char reason[192];  /* for INFEASIBLE and NO_SOLUTION (and for INCUMBENT: why the solver gave up)       */
} trd__milp_result;

/* Solves m (maximising).  TRD_OK whenever the solver ran, whatever the outcome; an error status (with d) only
 * for a model that fails trd__milp_check or for a failed allocation. */
trd_status trd__milp_solve(const trd__milp *m, const trd__milp_params *p, trd__milp_result *r, trd__diag *d);
void trd__milp_result_free(const trd__alloc *a, trd__milp_result *r);

/* Writes m as free MPS (for a cross-check with another solver).  The format has no objective sense: read it
 * back as a maximisation (cbc: -max).  TRD_E_IO if the file cannot be written. */
trd_status trd__milp_write_mps(const trd__milp *m, const char *path, trd__diag *d);

#endif
