/* milp_glpk.c -- the GLPK backend: the only file of libtrident that includes glpk.h.
 *
 * GLPK 5.0 aborts the whole process on an invalid index, bound, duplicate coefficient or parameter, and on
 * running out of memory; there is no error return to rely on.  So every model passes trd__milp_check() before
 * the first glp_* call, sizes are capped (solver_max_columns), and every control parameter set here is a value
 * GLPK documents as valid.  We never touch GLPK's per-thread environment: no glp_free_env (it would destroy the
 * host's own GLPK objects on this thread) and no glp_term_hook.  msg_lev is off in every control block, but GLPK
 * 5.0 still prints from some places regardless (the cover and clique cut generators announce themselves,
 * glp_write_mps reports progress), and the library must stay silent: so terminal output is switched off
 * around each of our calls into GLPK and the host's setting restored right after (glp_term_out returns it).
 *
 * Solving, in the order the code runs:
 *  1. The incumbent (if any) is completed: integer columns fixed at its values, the LP solved for the
 *     continuous ones.  Only a point that passed an LP is ever injected -- glp_ios_heur_sol does not check
 *     feasibility itself.
 *  2. The LP relaxation is solved with glp_simplex.  The built-in MIP presolver stays off: with it on, the
 *     branch-and-cut tree works on a transformed problem whose columns differ from ours, and an injected
 *     solution would be wrong (research/deps.md 1.5).  Without presolve GLPK requires an optimal LP basis first.
 *  3. glp_intopt with the four cut families on (the largest speed-up measured: 60-600x on placement models),
 *     the time left and the MIP gap; the incumbent goes in at the first GLP_IHEUR callback.
 *  4. OPT is optimal; FEAS (gap reached or time limit) is accepted; nothing found means the incumbent, if any. */
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/milp.h"

typedef struct cb_state {
    const double *inject; /* 1-based incumbent, or NULL */
    int injected;         /* glp_ios_heur_sol accepted it */
    double gap;           /* last gap GLPK reported (DBL_MAX-like while it has no integer solution) */
} cb_state;

static void callback(glp_tree *tree, void *info)
{
    cb_state *s = info;
    if (glp_ios_reason(tree) == GLP_IHEUR && s->inject && !s->injected)
        s->injected = glp_ios_heur_sol(tree, s->inject) == 0;
    s->gap = glp_ios_mip_gap(tree);
}

static int glp_bound_type(double lb, double ub)
{
    if (lb == -INFINITY && ub == INFINITY)
        return GLP_FR;
    if (lb == -INFINITY)
        return GLP_UP;
    if (ub == INFINITY)
        return GLP_LO;
    return lb == ub ? GLP_FX : GLP_DB; /* GLP_DB with lb == ub is an error in GLPK */
}

static double finite_or_zero(double v) { return isfinite(v) ? v : 0.0; }

static void set_col_bounds(glp_prob *P, int j, double lb, double ub)
{
    glp_set_col_bnds(P, j, glp_bound_type(lb, ub), finite_or_zero(lb), finite_or_zero(ub));
}

/* Builds the GLPK problem from a checked model.  The triplet arrays are allocated through the context's
 * allocator; GLPK copies them.  NULL on allocation failure (before any glp_* call). */
static glp_prob *load(const trd__milp *m, trd__diag *d)
{
    size_t ne = m->nnz;
    int *ia = trd__malloc(m->alloc, (ne + 1) * sizeof *ia);
    int *ja = trd__malloc(m->alloc, (ne + 1) * sizeof *ja);
    double *ar = trd__malloc(m->alloc, (ne + 1) * sizeof *ar);
    if (!ia || !ja || !ar) {
        trd__free(m->alloc, ia);
        trd__free(m->alloc, ja);
        trd__free(m->alloc, ar);
        trd__fail(d, TRD_E_NOMEM, "milp: out of memory converting the model for GLPK");
        return NULL;
    }
    /* GLPK is 1-based: element 0 of each array is ignored. */
    for (size_t k = 0; k < ne; k++) {
        ia[k + 1] = (int)m->nz_row[k] + 1;
        ja[k + 1] = (int)m->nz_col[k] + 1;
        ar[k + 1] = m->nz_val[k];
    }
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, GLP_MAX);
    glp_add_cols(P, (int)m->n_cols); /* n_cols >= 1 was checked: glp_add_cols(0) aborts */
    for (size_t j = 0; j < m->n_cols; j++) {
        int gj = (int)j + 1;
        if (m->col_int[j])
            glp_set_col_kind(P, gj, GLP_IV);
        set_col_bounds(P, gj, m->col_lb[j], m->col_ub[j]);
        glp_set_obj_coef(P, gj, m->col_obj[j]);
    }
    if (m->n_rows > 0) {
        glp_add_rows(P, (int)m->n_rows);
        for (size_t i = 0; i < m->n_rows; i++)
            glp_set_row_bnds(P, (int)i + 1, glp_bound_type(m->row_lb[i], m->row_ub[i]),
                             finite_or_zero(m->row_lb[i]), finite_or_zero(m->row_ub[i]));
    }
    if (ne > 0)
        glp_load_matrix(P, (int)ne, ia, ja, ar);
    trd__free(m->alloc, ia);
    trd__free(m->alloc, ja);
    trd__free(m->alloc, ar);
    return P;
}

/* Milliseconds left of the budget, as the positive int GLPK's tm_lim needs (0 or negative aborts). */
static int ms_left(double budget_ms, double start)
{
    double left = budget_ms - (glp_time() - start);
    if (left < 1)
        return 1;
    return left > INT_MAX ? INT_MAX : (int)left;
}

static int lp(glp_prob *P, int tm_lim)
{
    glp_smcp sp;
    glp_init_smcp(&sp);
    sp.msg_lev = GLP_MSG_OFF;
    sp.meth = GLP_DUALP; /* dual simplex, falling back to primal: the usual choice after bounds change */
    sp.tm_lim = tm_lim;
    return glp_simplex(P, &sp);
}

/* Completes the incumbent's continuous columns with the integer ones fixed.  Writes the 1-based point into
 * `inject` and returns 1, or 0 if the fixed LP is not solved to optimality (then nothing is injected).  The
 * model's own bounds are restored before returning. */
static int complete_incumbent(const trd__milp *m, glp_prob *P, const double *inc, double *inject, int tm_lim)
{
    for (size_t j = 0; j < m->n_cols; j++)
        if (m->col_int[j]) {
            double v = round(inc[j]);
            if (!(v >= m->col_lb[j] && v <= m->col_ub[j]))
                return 0; /* outside the column's bounds: not a solution of this model */
            glp_set_col_bnds(P, (int)j + 1, GLP_FX, v, v);
        }
    int ok = lp(P, tm_lim) == 0 && glp_get_status(P) == GLP_OPT;
    for (size_t j = 0; j < m->n_cols; j++)
        if (m->col_int[j]) {
            if (ok)
                inject[j + 1] = round(inc[j]);
            set_col_bounds(P, (int)j + 1, m->col_lb[j], m->col_ub[j]);
        } else if (ok) {
            double v = glp_get_col_prim(P, (int)j + 1);
            /* Clip the LP's tolerance-level excursions so the point is inside every bound exactly. */
            if (v < m->col_lb[j])
                v = m->col_lb[j];
            if (v > m->col_ub[j])
                v = m->col_ub[j];
            inject[j + 1] = v;
        }
    return ok;
}

static double objective_of(const trd__milp *m, const double *x1)
{
    double z = 0;
    for (size_t j = 0; j < m->n_cols; j++)
        z += m->col_obj[j] * x1[j + 1];
    return z;
}

/* Copies a 1-based point into the result's 0-based vector. */
static void take(trd__milp_result *r, const trd__milp *m, const double *x1)
{
    for (size_t j = 0; j < m->n_cols; j++)
        r->x[j] = x1[j + 1];
}

static double rel_gap(double bound, double z) { return fabs(bound - z) / (fabs(z) + 1e-12); }

/* glp_intopt from a solved LP relaxation; fills the outcome, x, objective and gap of r. */
static void branch_and_cut(const trd__milp *m, glp_prob *P, const trd__milp_params *p, const double *inject,
                           double inc_obj, int tm_lim, trd__milp_result *r)
{
    double bound = glp_get_obj_val(P);
    cb_state cb = {inject, 0, -1};
    glp_iocp ip;
    glp_init_iocp(&ip);
    ip.msg_lev = GLP_MSG_OFF;
    ip.presolve = GLP_OFF;
    ip.gmi_cuts = GLP_ON;
    ip.mir_cuts = GLP_ON;
    ip.cov_cuts = GLP_ON;
    ip.clq_cuts = GLP_ON;
    ip.mip_gap = p->mip_gap;
    ip.tm_lim = tm_lim;
    ip.cb_func = callback;
    ip.cb_info = &cb;
    int rc = glp_intopt(P, &ip);
    int ms = glp_mip_status(P);
    /* glp_ios_mip_gap is only meaningful once an integer solution exists; else use the root bound. */
    int cb_gap = cb.gap >= 0 && cb.gap < 1e300;
    if (ms == GLP_OPT || ms == GLP_FEAS) {
        for (size_t j = 0; j < m->n_cols; j++)
            r->x[j] = glp_mip_col_val(P, (int)j + 1);
        r->objective = glp_mip_obj_val(P);
        if (ms == GLP_OPT) {
            r->outcome = TRD__MILP_OPTIMAL;
            r->gap = 0;
        } else if (rc == GLP_EMIPGAP) { /* optimal within the requested gap */
            r->outcome = TRD__MILP_OPTIMAL;
            r->gap = cb_gap ? cb.gap : rel_gap(bound, r->objective);
        } else {
            int same = inject && r->objective <= inc_obj + 1e-9 * (fabs(inc_obj) + 1);
            r->outcome = same ? TRD__MILP_INCUMBENT : TRD__MILP_FEASIBLE;
            r->gap = cb_gap ? cb.gap : rel_gap(bound, r->objective);
            snprintf(r->reason, sizeof r->reason, "stopped by the %s (glp_intopt code %d)",
                     rc == GLP_ETMLIM ? "time limit" : "solver", rc);
        }
    } else if (ms == GLP_NOFEAS && !inject) {
        r->outcome = TRD__MILP_INFEASIBLE;
        snprintf(r->reason, sizeof r->reason, "no integer solution exists");
    } else {
        r->outcome = inject ? TRD__MILP_INCUMBENT : TRD__MILP_NO_SOLUTION;
        r->gap = inject ? rel_gap(bound, inc_obj) : NAN;
        snprintf(r->reason, sizeof r->reason, "no integer solution found (glp_intopt code %d%s)", rc,
                 rc == GLP_ETMLIM ? ", time limit" : "");
    }
}

trd_status trd__milp_solve(const trd__milp *m, const trd__milp_params *p, trd__milp_result *r, trd__diag *d)
{
    memset(r, 0, sizeof *r);
    trd_status st = trd__milp_check(m, d);
    if (st != TRD_OK)
        return st;
    if (!(p->time_limit_ms > 0) || !(p->mip_gap >= 0) || !isfinite(p->mip_gap))
        return trd__fail(d, TRD_E_INVALID_ARG, "milp: time limit must be > 0 and the MIP gap finite and >= 0");
    /* Everything the solve needs from our allocator is taken before GLPK runs, so a failure leaves nothing of
     * GLPK's to clean up. */
    r->x = trd__calloc(m->alloc, m->n_cols, sizeof *r->x);
    double *inject = p->incumbent ? trd__calloc(m->alloc, m->n_cols + 1, sizeof *inject) : NULL;
    if (!r->x || (p->incumbent && !inject)) {
        trd__free(m->alloc, inject);
        trd__milp_result_free(m->alloc, r);
        return trd__fail(d, TRD_E_NOMEM, "milp: out of memory preparing the solve");
    }
    double start = glp_time();
    glp_prob *P = load(m, d);
    if (!P) {
        trd__free(m->alloc, inject);
        trd__milp_result_free(m->alloc, r);
        return TRD_E_NOMEM;
    }
    int term_was = glp_term_out(GLP_OFF);

    int have_inc = inject && complete_incumbent(m, P, p->incumbent, inject, ms_left(p->time_limit_ms, start));
    r->incumbent_used = have_inc;
    double inc_obj = have_inc ? objective_of(m, inject) : 0;

    int rc = lp(P, ms_left(p->time_limit_ms, start));
    int lps = glp_get_status(P);
    if (rc == 0 && (lps == GLP_NOFEAS || lps == GLP_INFEAS) && !have_inc) {
        r->outcome = TRD__MILP_INFEASIBLE;
        snprintf(r->reason, sizeof r->reason, "the LP relaxation is infeasible");
    } else if (rc == 0 && lps == GLP_UNBND) {
        r->outcome = TRD__MILP_NO_SOLUTION;
        snprintf(r->reason, sizeof r->reason, "the LP relaxation is unbounded (a formulation bug)");
    } else if (rc != 0 || lps != GLP_OPT) {
        r->outcome = have_inc ? TRD__MILP_INCUMBENT : TRD__MILP_NO_SOLUTION;
        snprintf(r->reason, sizeof r->reason, "the LP relaxation was not solved (glp_simplex code %d, status %d)",
                 rc, lps);
    } else {
        branch_and_cut(m, P, p, have_inc ? inject : NULL, inc_obj, ms_left(p->time_limit_ms, start), r);
    }
    if (r->outcome == TRD__MILP_INCUMBENT) {
        /* Report the injected point itself (GLPK's copy of it may differ in the last bits). */
        take(r, m, inject);
        r->objective = inc_obj;
        if (lps != GLP_OPT)
            r->gap = NAN; /* no LP bound: the gap is unknown */
    }
    glp_delete_prob(P);
    glp_term_out(term_was);
    trd__free(m->alloc, inject);
    r->solve_ms = glp_time() - start;
    if (r->outcome == TRD__MILP_INFEASIBLE || r->outcome == TRD__MILP_NO_SOLUTION)
        trd__milp_result_free(m->alloc, r);
    return TRD_OK;
}

trd_status trd__milp_write_mps(const trd__milp *m, const char *path, trd__diag *d)
{
    trd_status st = trd__milp_check(m, d);
    if (st != TRD_OK)
        return st;
    if (!path)
        return trd__fail(d, TRD_E_INVALID_ARG, "milp: no MPS path");
    glp_prob *P = load(m, d);
    if (!P)
        return TRD_E_NOMEM;
    int was = glp_term_out(GLP_OFF);
    int rc = glp_write_mps(P, GLP_MPS_FILE, NULL, path);
    glp_term_out(was);
    glp_delete_prob(P);
    if (rc != 0)
        return trd__fail(d, TRD_E_IO, "milp: cannot write MPS file '%s'", path);
    return TRD_OK;
}
