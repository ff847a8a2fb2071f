/* form.h -- the two MILP formulations behind one small interface, so the solve loop (solve.c) can run either.
 *
 * A formulation owns a trd__milp and the map from its columns to meaning.  It builds the model, turns a
 * machine-level deployment into an incumbent vector, reads a solution back as machine- or pool-level counts,
 * and (ours only) re-weights the objective for the second, tie-breaking solve. */
#ifndef TRD_SCHEDULE_FORM_H
#define TRD_SCHEDULE_FORM_H

#include "schedule/milp.h"
#include "schedule/sched.h"

typedef struct trd__form {
    const trd__sched_input *in;
    trd__milp milp;
    int paper;              /* TRD__FORM_PAPER                                                        */
    size_t col_T, col_E;    /* throughput; egress (ours: GB/s per machine, paper: MB/s)                */
    size_t col_J;           /* paper: migration seconds                                               */
    size_t *x;              /* ours: n_ops x n_pools; paper: n_ops x n_machines (TRD__MILP_NONE: none) */
    size_t *xa;             /* ours: n_ops x n_machines for refined pools                              */
    size_t *y;              /* ours: processed rate per (op, pool)                                     */
    size_t *b;              /* n_ops                                                                   */
    size_t *dp, *dm;        /* migration deltas, shaped like x                                         */
    size_t *f;              /* ours: n_edges x n_pools x n_pools; paper: (n_ops - 1) x n_machines^2     */
    size_t *nic_row;        /* ours: n_pools x 2 (egress, ingress) NIC rows, normalised to <= 1        */
    double T_scale;         /* predicted source items/s = T x T_scale (paper: 1 / D_o)                 */
} trd__form;

/* Limits set by the repair loop: upper bounds on (op, pool) counts, and pools modelled machine by machine. */
typedef struct trd__form_limits {
    uint32_t *ub;           /* ours: n_ops x n_pools; paper: n_ops x n_machines; UINT32_MAX = none     */
    unsigned char *refined; /* ours: n_pools                                                           */
} trd__form_limits;

/* Builds the formulation the input's parameters select.  TRD_OK, TRD_E_LIMIT, TRD_E_STATE (paper on a
 * non-chain), TRD_E_NOMEM, or TRD_E_INTERNAL for a builder bug (all with d). */
trd_status trd__form_build(trd__form *fm, const trd__sched_input *in, const trd__form_limits *lim, trd__diag *d);
void trd__form_free(trd__form *fm);

/* Fills `vec` (n_cols) with the integer columns of the machine-level deployment `count` (n_ops x
 * n_machines), b = 0; continuous columns are left 0 for the solver to complete. */
void trd__form_incumbent(const trd__form *fm, const uint32_t *count, double *vec);

/* Reads a solution: pool-level counts (ours: n_ops x n_pools, from x) and machine-level counts for what the
 * formulation places per machine (refined pools, or every machine in the paper's), b, and throughput. */
void trd__form_extract(const trd__form *fm, const double *x, uint32_t *pool_count, uint32_t *machine_count,
                       uint32_t *b, double *throughput);

/* The first pool whose NIC limit the solution x uses to within 0.1% (its node kind's pool index), or UINT32_MAX. */
uint32_t trd__form_saturated_nic(const trd__form *fm, const double *x);

/* Ours: turns the model into the tie-breaking stage: T >= T1 (1 - 1e-9) and the secondary objective. */
void trd__form_second_stage(trd__form *fm, double T1);

#endif
