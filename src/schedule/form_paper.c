/* form_paper.c -- the Trident paper's MILP taken literally (Eqs. 10-26; research/trident.md 4.1-4.3), kept for
 * comparison with ours.  Its known flaws are reproduced on purpose:
 *   - one column per machine and integer "instance unit" flows w_{i,k,l} between consecutive operators of a
 *     linear chain (Eqs. 18-19), which force every operator to the same parallelism;
 *   - egress computed from capacity, not flow (Eq. 20), and only minimised (no NIC limit);
 *   - the unit-dependent weights lambda1 = 1e-4 (per MB/s of E_max) and lambda2 = 1e-6 (per second of J_mig);
 *   - T bounded by (D_o / D_i) x capacity (Eq. 13), i.e. in output units; the plan reports T / D_o.
 * Not in the paper but kept so that its plans are valid for the model: the operators' instance bounds, the
 * per-machine fit as column bounds, and device shares that include device-memory caps in Eq. 17. */
#include <math.h>
#include <string.h>

#include "schedule/form.h"
#include "schedule/form_internal.h"

#define NONE TRD__MILP_NONE
#define LAMBDA1 1e-4
#define LAMBDA2 1e-6

/* The operators in chain order (in->topo), or TRD_E_STATE naming what breaks the chain. */
static trd_status check_chain(const trd__sched_input *in, trd__diag *d)
{
    const trd__model *m = in->model;
    for (size_t t = 0; t < in->n_ops; t++) {
        uint32_t i = in->topo[t];
        const trd__sched_op *o = &in->ops[i];
        if (o->n_out > 1 || o->n_in > 1 || (t > 0 && o->n_in == 0))
            return trd__fail(d, TRD_E_STATE,
                             "schedule: formulation paper_literal needs a linear chain, but operator '%s' has %u "
                             "predecessors and %u successors",
                             m->ops[i].name, o->n_in, o->n_out);
    }
    for (size_t e = 0; e < m->n_edges; e++) {
        size_t t = 0;
        while (in->topo[t] != m->edges[e].from)
            t++;
        if (t + 1 >= in->n_ops || in->topo[t + 1] != m->edges[e].to)
            return trd__fail(d, TRD_E_STATE, "schedule: formulation paper_literal needs a linear chain");
    }
    return TRD_OK;
}

static double out_mb(const trd__sched_op *o) { return o->out_bytes / 1e6; }

static void add_columns(trd__form *fm, const trd__form_limits *lim, size_t *p_col)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    size_t M = in->n_machines, n = in->n_ops;
    fm->col_T = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, 1);
    fm->col_E = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, -LAMBDA1);
    fm->col_J = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, -LAMBDA2);
    for (size_t i = 0; i < n; i++) {
        const trd__sched_op *o = &in->ops[i];
        double lo = fmax(1, fmax(o->min_inst, o->n_new));
        p_col[i] = trd__milp_add_col(m, TRD__COL_INTEGER, lo, fmax(lo, o->max_inst), 0);
        if (o->b_max > 0)
            fm->b[i] = trd__milp_add_col(m, TRD__COL_INTEGER, 0, o->b_max, 0);
        for (size_t mc = 0; mc < M; mc++) {
            double ub = fmin(in->fit[i * in->n_pools + in->machine_pool[mc]], o->max_inst);
            if (lim->ub[i * M + mc] != UINT32_MAX)
                ub = fmin(ub, lim->ub[i * M + mc]);
            if (ub < 1)
                continue;
            fm->x[i * M + mc] = trd__milp_add_col(m, TRD__COL_INTEGER, 0, ub, 0);
            fm->dp[i * M + mc] = trd__milp_add_col(m, TRD__COL_INTEGER, 0, ub, 0);
            fm->dm[i * M + mc] = trd__milp_add_col(m, TRD__COL_INTEGER, 0, in->current[i * M + mc], 0);
        }
    }
    for (size_t t = 0; t + 1 < n; t++) {
        uint32_t i = in->topo[t], j = in->topo[t + 1];
        for (size_t k = 0; k < M; k++)
            for (size_t l = 0; l < M; l++)
                if (fm->x[i * M + k] != NONE && fm->x[j * M + l] != NONE)
                    fm->f[(t * M + k) * M + l] = trd__milp_add_col(
                        m, TRD__COL_INTEGER, 0, fmin(m->col_ub[fm->x[i * M + k]], m->col_ub[fm->x[j * M + l]]), 0);
    }
}

static void add_rows(trd__form *fm, const size_t *p_col, double D_o)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    size_t M = in->n_machines, n = in->n_ops;
    for (size_t i = 0; i < n; i++) {
        const trd__sched_op *o = &in->ops[i];
        if (o->D > 0) { /* Eq. 13 */
            double c = D_o / o->D;
            size_t row = trd__milp_add_row(m, -INFINITY, c * o->n_new * (o->ut_cand - o->ut_cur));
            trd__milp_coef(m, row, fm->col_T, 1);
            trd__milp_coef(m, row, p_col[i], -c * o->ut_cur);
            if (fm->b[i] != NONE)
                trd__milp_coef(m, row, fm->b[i], c * (o->ut_cur - o->ut_hat));
        }
        size_t row = trd__milp_add_row(m, 0, 0); /* Eq. 14 */
        trd__milp_coef(m, row, p_col[i], -1);
        for (size_t mc = 0; mc < M; mc++)
            if (fm->x[i * M + mc] != NONE)
                trd__milp_coef(m, row, fm->x[i * M + mc], 1);
        if (fm->b[i] != NONE) { /* Eq. 26 */
            row = trd__milp_add_row(m, o->n_new, INFINITY);
            trd__milp_coef(m, row, p_col[i], 1);
            trd__milp_coef(m, row, fm->b[i], -1);
        }
    }
    for (size_t mc = 0; mc < M; mc++) { /* Eqs. 15-17, divided by the machine's capacity */
        const trd__sched_pool *pl = &in->pools[in->machine_pool[mc]];
        const double cap[3] = {pl->cpus, pl->mem, pl->gpus};
        for (int r = 0; r < 3; r++) {
            if (cap[r] <= 0)
                continue;
            size_t row = NONE;
            for (size_t i = 0; i < n; i++) {
                const trd__sched_op *o = &in->ops[i];
                double need = r == 0 ? o->cpus : r == 1 ? o->mem : in->share[i * in->n_pools + in->machine_pool[mc]];
                if (fm->x[i * M + mc] == NONE || need <= 0)
                    continue;
                if (row == NONE)
                    row = trd__milp_add_row(m, -INFINITY, 1);
                trd__milp_coef(m, row, fm->x[i * M + mc], need / cap[r]);
            }
        }
    }
    for (size_t t = 0; t + 1 < n; t++) { /* Eqs. 18-19 */
        uint32_t i = in->topo[t], j = in->topo[t + 1];
        for (int side = 0; side < 2; side++)
            for (size_t a = 0; a < M; a++) {
                size_t xc = fm->x[(side == 0 ? i : j) * M + a];
                if (xc == NONE)
                    continue;
                size_t row = trd__milp_add_row(m, 0, 0);
                trd__milp_coef(m, row, xc, -1);
                for (size_t o = 0; o < M; o++) {
                    size_t w = side == 0 ? fm->f[(t * M + a) * M + o] : fm->f[(t * M + o) * M + a];
                    if (w != NONE)
                        trd__milp_coef(m, row, w, 1);
                }
            }
    }
    for (size_t k = 0; k < M; k++) { /* Eq. 20 */
        size_t row = NONE;
        for (size_t t = 0; t + 1 < n; t++) {
            uint32_t i = in->topo[t];
            double c = in->ops[i].ut_cur * out_mb(&in->ops[i]);
            if (fm->x[i * M + k] == NONE || c <= 0)
                continue;
            if (row == NONE) {
                row = trd__milp_add_row(m, -INFINITY, 0);
                trd__milp_coef(m, row, fm->col_E, -1);
            }
            trd__milp_coef(m, row, fm->x[i * M + k], c);
            if (fm->f[(t * M + k) * M + k] != NONE)
                trd__milp_coef(m, row, fm->f[(t * M + k) * M + k], -c);
        }
    }
    size_t jrow = trd__milp_add_row(m, 0, 0); /* Eqs. 21-22 */
    trd__milp_coef(m, jrow, fm->col_J, 1);
    for (size_t i = 0; i < n; i++)
        for (size_t mc = 0; mc < M; mc++) {
            if (fm->x[i * M + mc] == NONE)
                continue;
            double now = in->current[i * M + mc];
            size_t row = trd__milp_add_row(m, now, now);
            trd__milp_coef(m, row, fm->x[i * M + mc], 1);
            trd__milp_coef(m, row, fm->dp[i * M + mc], -1);
            trd__milp_coef(m, row, fm->dm[i * M + mc], 1);
            trd__milp_coef(m, jrow, fm->dp[i * M + mc], -in->ops[i].h_start);
            trd__milp_coef(m, jrow, fm->dm[i * M + mc], -in->ops[i].h_stop);
        }
}

trd_status trd__form_build_paper(trd__form *fm, const trd__form_limits *lim, trd__diag *d)
{
    const trd__sched_input *in = fm->in;
    trd_status st = check_chain(in, d);
    if (st != TRD_OK)
        return st;
    size_t M = in->n_machines, n = in->n_ops;
    double need = (double)(n - 1) * M * M + 3.0 * n * M + 2.0 * n + 3;
    if (need > (double)in->params.max_cols)
        return trd__fail(d, TRD_E_LIMIT, "schedule: paper_literal needs about %.0f columns for %zu machines, above "
                         "solver_max_columns %zu", need, M, in->params.max_cols);
    const trd__sched_op *last = &in->ops[in->topo[n - 1]];
    double D_o = last->D * last->r;
    if (!(D_o > 0))
        return trd__fail(d, TRD_E_STATE, "schedule: paper_literal needs output (D_o > 0); the chain filters everything");
    const trd__alloc *a = in->alloc;
    fm->x = trd__form_index_array(a, n * M);
    fm->dp = trd__form_index_array(a, n * M);
    fm->dm = trd__form_index_array(a, n * M);
    fm->b = trd__form_index_array(a, n);
    fm->f = trd__form_index_array(a, (n > 1 ? n - 1 : 1) * M * M);
    fm->xa = trd__form_index_array(a, 1);
    fm->y = trd__form_index_array(a, n); /* holds p_i */
    if (!fm->x || !fm->dp || !fm->dm || !fm->b || !fm->f || !fm->xa || !fm->y)
        return trd__fail(d, TRD_E_NOMEM, "schedule: out of memory building the model");
    fm->T_scale = 1 / D_o;
    add_columns(fm, lim, fm->y);
    add_rows(fm, fm->y, D_o);
    return trd__milp_failed(&fm->milp, d);
}

/* x and p from the deployment, deltas against the current one, and the w flows by the north-west corner rule
 * (equal totals on both sides of every chain link always have an integral transport plan). */
void trd__form_incumbent_paper(const trd__form *fm, const uint32_t *count, double *vec)
{
    const trd__sched_input *in = fm->in;
    size_t M = in->n_machines, n = in->n_ops;
    for (size_t i = 0; i < n; i++) {
        double p = 0;
        for (size_t mc = 0; mc < M; mc++) {
            double v = count[i * M + mc], now = in->current[i * M + mc];
            if (fm->x[i * M + mc] == NONE)
                continue;
            vec[fm->x[i * M + mc]] = v;
            vec[fm->dp[i * M + mc]] = v > now ? v - now : 0;
            vec[fm->dm[i * M + mc]] = now > v ? now - v : 0;
            p += v;
        }
        vec[fm->y[i]] = p;
    }
    for (size_t t = 0; t + 1 < n; t++) {
        uint32_t i = in->topo[t], j = in->topo[t + 1];
        size_t k = 0, l = 0;
        double left_k = M ? count[i * M] : 0, left_l = M ? count[j * M] : 0;
        while (k < M && l < M) {
            if (left_k == 0) {
                if (++k < M)
                    left_k = count[i * M + k];
                continue;
            }
            if (left_l == 0) {
                if (++l < M)
                    left_l = count[j * M + l];
                continue;
            }
            double move = left_k < left_l ? left_k : left_l;
            size_t w = fm->f[(t * M + k) * M + l];
            if (w != NONE)
                vec[w] += move;
            left_k -= move;
            left_l -= move;
        }
    }
}
