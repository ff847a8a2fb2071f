/* gp_fit.c -- hyper-parameters by maximum log marginal likelihood, in log space within box bounds (unbounded
 * optimisation drifts to useless length scales, research/deps.md 2.3).  The gradient is analytic:
 * d LML / d theta = 1/2 tr((a a^T - K^-1) dK/dtheta).
 *
 * Two optimisers, same objective, same bounds, same starts:
 *  - the default, a projected quasi-Newton method (common/boxmin.c), which takes about as many evaluations
 *    as scikit-learn's L-BFGS-B;
 *  - GSL's BFGS2 (multimin) on variables u mapped into the box by a logistic function, log theta = lo +
 *    (hi - lo) / (1 + exp(-u)), then a push onto bounds it approached and a final snap onto them.  It reaches
 *    the same optima (tests/unit/test_gp_oracle.c checks both against scikit-learn), but BFGS2 normalises its
 *    search direction to unit length, so each iteration re-brackets the step, and the map flattens the
 *    likelihood near the bounds: several times more evaluations (bench/gp_speed measures both).  An active set
 *    instead of the map was tried too; it was faster but stopped short of the optimum on one data set.
 *
 * GSL reports problems through a process-global error handler whose default aborts.  Nothing here can reach
 * it on valid input: the vectors passed to GSL always have the dimension the minimiser was allocated with,
 * and the objective never fails (a non-positive-definite matrix returns a large finite value).  The one
 * residual path is GSL running out of memory while allocating its minimiser (a few hundred bytes), which
 * only the GSL optimiser does. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <string.h>

#include "common/boxmin.h"
#include "common/linalg.h"
#include "gp/gp.h"

#define LOG_2PI 1.8378770664093453
#define MAX_PARAMS (TRD__GP_MAX_DIM + 2)
_Static_assert(MAX_PARAMS <= TRD__BOXMIN_MAX, "boxmin must hold every hyper-parameter");
#define FIT_JITTER 1e-10
#define BAD_OBJECTIVE 1e100 /* -LML where the matrix is not positive definite: finite, so line searches back off */

trd__gp_fit_opts trd__gp_fit_defaults(void)
{
    trd__gp_fit_opts o;
    o.bounds.ls_lo = 1e-2;
    o.bounds.ls_hi = 1e2;
    o.bounds.sf2_lo = 1e-3;
    o.bounds.sf2_hi = 1e2;
    o.bounds.sn2_lo = 1e-6;
    o.bounds.sn2_hi = 1e1;
    o.restarts = 2;
    o.max_iter = 100;
    o.grad_tol = 1e-5;
    o.ftol = 1e7 * 2.220446049250313e-16;
    o.optimiser = TRD__GP_OPT_BOXMIN;
    o.max_points = 0;
    return o;
}

typedef struct fit_ws {
    trd__gp *gp;
    size_t n, d, p, npairs;
    double lo[MAX_PARAMS], hi[MAX_PARAMS]; /* log bounds per parameter */
    double *D;    /* npairs x d squared input differences, fixed during the fit */
    double *kv;   /* npairs kernel values m(r) */
    double *gv;   /* npairs gradient factors g(r) */
    double *K;    /* n x n factor */
    double *Kinv; /* n x n inverse */
    double *M;    /* n x n scratch for the inverse */
    double *yn;   /* n normalised outputs */
    double *alpha;
    /* GSL path: the last evaluation, since GSL asks for f and the gradient at one point in separate calls. */
    double last_u[MAX_PARAMS], last_f, last_g[MAX_PARAMS];
    int cached;
} fit_ws;

/* -LML and its gradient with respect to log theta (length scales, then log sf2, then log sn2). */
static double evaluate_theta(fit_ws *w, const double *logtheta, double *grad)
{
    size_t n = w->n, d = w->d;
    double inv_ls2[TRD__GP_MAX_DIM];
    for (size_t k = 0; k < d; k++)
        inv_ls2[k] = exp(-2 * logtheta[k]);
    double sf2 = exp(logtheta[d]), sn2 = exp(logtheta[d + 1]);

    /* K, keeping m(r) and g(r) of every pair for the gradient. */
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        double *ki = w->K + i * n;
        for (size_t j = 0; j < i; j++, p++) {
            const double *dd = w->D + p * d;
            double r2 = 0;
            for (size_t k = 0; k < d; k++)
                r2 += dd[k] * inv_ls2[k];
            trd__kernel_eval(w->gp->kernel, r2, &w->kv[p], &w->gv[p]);
            ki[j] = sf2 * w->kv[p];
        }
        ki[i] = sf2 + sn2 + FIT_JITTER;
    }
    if (trd__chol(w->K, n, n) != 0) {
        memset(grad, 0, w->p * sizeof *grad);
        return BAD_OBJECTIVE;
    }
    memcpy(w->alpha, w->yn, n * sizeof *w->alpha);
    trd__chol_solve_lower(w->K, n, n, w->alpha);
    trd__chol_solve_upper(w->K, n, n, w->alpha);
    double fit = 0;
    for (size_t i = 0; i < n; i++)
        fit += w->yn[i] * w->alpha[i];
    double lml = -0.5 * fit - trd__chol_logdet_half(w->K, n, n) - 0.5 * (double)n * LOG_2PI;

    /* Gradient: 1/2 sum_ij W_ij dK_ij, W = a a^T - K^-1; off-diagonal pairs count twice. */
    trd__chol_inverse(w->K, n, n, w->Kinv, n, w->M);
    double dls[TRD__GP_MAX_DIM] = {0}, dsf2 = 0, dsn2 = 0;
    p = 0;
    for (size_t i = 0; i < n; i++) {
        const double *kinv_i = w->Kinv + i * n;
        double ai = w->alpha[i];
        for (size_t j = 0; j < i; j++, p++) {
            double wij = ai * w->alpha[j] - kinv_i[j];
            dsf2 += wij * w->kv[p];
            double c = wij * w->gv[p];
            const double *dd = w->D + p * d;
            for (size_t k = 0; k < d; k++)
                dls[k] += c * dd[k];
        }
        double wii = ai * ai - kinv_i[i];
        dsf2 += 0.5 * wii;
        dsn2 += 0.5 * wii;
    }
    for (size_t k = 0; k < d; k++)
        grad[k] = -sf2 * dls[k] * inv_ls2[k];
    grad[d] = -sf2 * dsf2;
    grad[d + 1] = -sn2 * dsn2;
    return -lml;
}

static void free_ws(fit_ws *w)
{
    const trd__alloc *a = w->gp->alloc;
    trd__free(a, w->D);
    trd__free(a, w->kv);
    trd__free(a, w->gv);
    trd__free(a, w->K);
    trd__free(a, w->Kinv);
    trd__free(a, w->M);
    trd__free(a, w->yn);
    trd__free(a, w->alpha);
}

/* Index of the k-th of m points spread evenly over n (m < n): the oldest first, then every n/m-th. */
static size_t spread(size_t k, size_t m, size_t n) { return k * n / m; }

static trd_status init_ws(fit_ws *w, trd__gp *gp, const trd__gp_bounds *b, size_t max_points)
{
    memset(w, 0, sizeof *w);
    w->gp = gp;
    w->n = max_points > 0 && gp->n > max_points ? max_points : gp->n;
    w->d = gp->dim;
    w->p = gp->dim + 2;
    w->npairs = gp->n * (gp->n - 1) / 2;
    for (size_t k = 0; k < w->d; k++) {
        w->lo[k] = log(b->ls_lo);
        w->hi[k] = log(b->ls_hi);
    }
    w->lo[w->d] = log(b->sf2_lo);
    w->hi[w->d] = log(b->sf2_hi);
    w->lo[w->d + 1] = log(b->sn2_lo);
    w->hi[w->d + 1] = log(b->sn2_hi);
    const trd__alloc *a = gp->alloc;
    size_t n = w->n, np = w->npairs ? w->npairs : 1;
    w->D = trd__calloc(a, np * (w->d ? w->d : 1), sizeof *w->D);
    w->kv = trd__calloc(a, np, sizeof *w->kv);
    w->gv = trd__calloc(a, np, sizeof *w->gv);
    w->K = trd__calloc(a, n * n, sizeof *w->K);
    w->Kinv = trd__calloc(a, n * n, sizeof *w->Kinv);
    w->M = trd__calloc(a, n * n, sizeof *w->M);
    w->yn = trd__calloc(a, n, sizeof *w->yn);
    w->alpha = trd__calloc(a, n, sizeof *w->alpha);
    if (!w->D || !w->kv || !w->gv || !w->K || !w->Kinv || !w->M || !w->yn || !w->alpha) {
        free_ws(w);
        return TRD_E_NOMEM;
    }
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        const double *xi = gp->X + (n < gp->n ? spread(i, n, gp->n) : i) * w->d;
        for (size_t j = 0; j < i; j++, p++) {
            const double *xj = gp->X + (n < gp->n ? spread(j, n, gp->n) : j) * w->d;
            for (size_t k = 0; k < w->d; k++) {
                double t = xi[k] - xj[k];
                w->D[p * w->d + k] = t * t;
            }
        }
    }
    /* Normalised outputs, as trd__gp_refactor computes them (over all points: a subset fits the same scale). */
    double mean, sd;
    trd__gp_normalisation(gp, &mean, &sd);
    for (size_t i = 0; i < n; i++)
        w->yn[i] = (gp->y[n < gp->n ? spread(i, n, gp->n) : i] - mean) / sd;
    return TRD_OK;
}

/* ---- the GSL BFGS2 path: u unconstrained, log theta = lo + (hi - lo) * logistic(u) ---- */

static double logistic(double u)
{
    return 1.0 / (1.0 + exp(-u));
}

/* u for a log theta inside the bounds (clamped away from the logistic's asymptotes). */
static double to_u(const fit_ws *w, size_t i, double logtheta)
{
    double s = (logtheta - w->lo[i]) / (w->hi[i] - w->lo[i]);
    s = s < 1e-6 ? 1e-6 : s > 1 - 1e-6 ? 1 - 1e-6 : s;
    return log(s / (1 - s));
}

static void theta_of(const fit_ws *w, const double *u, double *logtheta, double *dlog_du)
{
    for (size_t i = 0; i < w->p; i++) {
        double s = logistic(u[i]);
        logtheta[i] = w->lo[i] + (w->hi[i] - w->lo[i]) * s;
        if (dlog_du)
            dlog_du[i] = (w->hi[i] - w->lo[i]) * s * (1 - s);
    }
}

static void evaluate_u(fit_ws *w, const double *u, double *f, double *g)
{
    if (w->cached && memcmp(u, w->last_u, w->p * sizeof *u) == 0) {
        *f = w->last_f;
        memcpy(g, w->last_g, w->p * sizeof *g);
        return;
    }
    double logtheta[MAX_PARAMS], dlog_du[MAX_PARAMS];
    theta_of(w, u, logtheta, dlog_du);
    *f = evaluate_theta(w, logtheta, g);
    for (size_t i = 0; i < w->p; i++)
        g[i] *= dlog_du[i];
    memcpy(w->last_u, u, w->p * sizeof *u);
    w->last_f = *f;
    memcpy(w->last_g, g, w->p * sizeof *g);
    w->cached = 1;
}

static double gsl_f(const gsl_vector *x, void *params)
{
    fit_ws *w = params;
    double u[MAX_PARAMS], g[MAX_PARAMS], f;
    for (size_t i = 0; i < w->p; i++)
        u[i] = gsl_vector_get(x, i);
    evaluate_u(w, u, &f, g);
    return f;
}

static void gsl_fdf(const gsl_vector *x, void *params, double *f, gsl_vector *grad)
{
    fit_ws *w = params;
    double u[MAX_PARAMS], g[MAX_PARAMS];
    for (size_t i = 0; i < w->p; i++)
        u[i] = gsl_vector_get(x, i);
    evaluate_u(w, u, f, g);
    for (size_t i = 0; i < w->p; i++)
        gsl_vector_set(grad, i, g[i]);
}

static void gsl_df(const gsl_vector *x, void *params, gsl_vector *grad)
{
    double f;
    gsl_fdf(x, params, &f, grad);
}

/* One BFGS2 run from u (receives the end point); returns -LML there. */
static double run_bfgs2(fit_ws *w, gsl_multimin_fdfminimizer *s, double *u, const trd__gp_fit_opts *o)
{
    gsl_multimin_function_fdf F = {gsl_f, gsl_df, gsl_fdf, w->p, w};
    gsl_vector_view x0 = gsl_vector_view_array(u, w->p);
    /* Step 0.1 and a loose line search (sigma 0.1): Fletcher's recommended settings for BFGS2. */
    gsl_multimin_fdfminimizer_set(s, &F, &x0.vector, 0.1, 0.1);
    double f_prev = s->f;
    for (unsigned it = 0; it < o->max_iter; it++) {
        if (gsl_multimin_fdfminimizer_iterate(s) != GSL_SUCCESS)
            break; /* GSL_ENOPROG: no further progress is possible, which is how BFGS2 stops at an optimum */
        if (gsl_multimin_test_gradient(s->gradient, o->grad_tol) == GSL_SUCCESS)
            break;
        if (f_prev - s->f <= o->ftol * fmax(fmax(fabs(f_prev), fabs(s->f)), 1.0))
            break;
        f_prev = s->f;
    }
    for (size_t i = 0; i < w->p; i++)
        u[i] = gsl_vector_get(s->x, i);
    return s->f;
}

/* The GSL path for one start: logtheta in, optimum out; returns -LML. */
static double optimise_gsl(fit_ws *w, gsl_multimin_fdfminimizer *s, double *logtheta, const trd__gp_fit_opts *o)
{
    double u[MAX_PARAMS], grad[MAX_PARAMS];
    for (size_t i = 0; i < w->p; i++)
        u[i] = to_u(w, i, logtheta[i]);
    w->cached = 0;
    double f = run_bfgs2(w, s, u, o);
    /* The map reaches a bound only in the limit and its slope vanishes there, so BFGS2 slows to a halt short
     * of an active bound (typically the noise of noiseless data).  Push every parameter in the outer quarter
     * of its range whose gradient still points outwards next to its bound, and let BFGS2 finish. */
    theta_of(w, u, logtheta, NULL);
    evaluate_theta(w, logtheta, grad);
    int pushed = 0;
    double v[MAX_PARAMS];
    for (size_t i = 0; i < w->p; i++) {
        double pos = logistic(u[i]);
        v[i] = u[i];
        if ((pos < 0.25 && grad[i] > 0) || (pos > 0.75 && grad[i] < 0)) {
            v[i] = to_u(w, i, pos < 0.25 ? w->lo[i] : w->hi[i]);
            pushed = 1;
        }
    }
    if (pushed) {
        w->cached = 0;
        double f2 = run_bfgs2(w, s, v, o);
        if (f2 < f) {
            f = f2;
            memcpy(u, v, w->p * sizeof *u);
        }
    }
    /* Finally put parameters that sit against a bound exactly on it when that is better: where a
     * bound-constrained method ends. */
    theta_of(w, u, logtheta, NULL);
    for (size_t i = 0; i < w->p; i++) {
        double pos = (logtheta[i] - w->lo[i]) / (w->hi[i] - w->lo[i]);
        if (pos > 0.02 && pos < 0.98)
            continue;
        double keep = logtheta[i];
        logtheta[i] = pos <= 0.02 ? w->lo[i] : w->hi[i];
        double f2 = evaluate_theta(w, logtheta, grad);
        if (f2 < f)
            f = f2;
        else
            logtheta[i] = keep;
    }
    return f;
}

/* ---- the default path ---- */

static double boxmin_fn(void *user, const double *x, double *g)
{
    return evaluate_theta(user, x, g);
}

trd_status trd__gp_fit(trd__gp *gp, const trd__gp_fit_opts *o, trd__rng *rng)
{
    if (gp->n < 1)
        return TRD_E_INVALID_ARG;
    fit_ws w;
    trd_status st = init_ws(&w, gp, &o->bounds, o->max_points);
    if (st != TRD_OK)
        return st;
    gsl_multimin_fdfminimizer *s = NULL;
    if (o->optimiser == TRD__GP_OPT_GSL_BFGS2) {
        s = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, w.p);
        if (!s) {
            free_ws(&w);
            return TRD_E_NOMEM;
        }
    }
    trd__boxmin_opts bo = {o->max_iter, o->grad_tol, o->ftol};
    double best_f = HUGE_VAL, best[MAX_PARAMS], x[MAX_PARAMS];
    for (unsigned r = 0; r <= o->restarts; r++) {
        for (size_t i = 0; i < w.p; i++) {
            if (r == 0) /* from the current hyper-parameters */
                x[i] = i < w.d ? gp->h.log_ls[i] : i == w.d ? gp->h.log_sf2 : gp->h.log_sn2;
            else /* log-uniform within the bounds, as scikit-learn's restarts */
                x[i] = w.lo[i] + (w.hi[i] - w.lo[i]) * trd__rng_uniform(rng);
        }
        double f = s ? optimise_gsl(&w, s, x, o) : trd__boxmin(boxmin_fn, &w, w.p, w.lo, w.hi, x, &bo, NULL);
        if (f < best_f) {
            best_f = f;
            memcpy(best, x, w.p * sizeof *x);
        }
    }
    if (s)
        gsl_multimin_fdfminimizer_free(s);

    trd__gp_hyper previous = gp->h;
    if (best_f < BAD_OBJECTIVE) {
        for (size_t k = 0; k < w.d; k++)
            gp->h.log_ls[k] = best[k];
        gp->h.log_sf2 = best[w.d];
        gp->h.log_sn2 = best[w.d + 1];
    }
    free_ws(&w);
    if (trd__gp_refactor(gp) != 0)
        trd__gp_set_hyper(gp, &previous); /* if neither factors, the caller sees !gp->factored and falls back */
    return TRD_OK;
}

trd_status trd__gp_lml_gradient(trd__gp *gp, double *lml, double *grad)
{
    if (gp->n < 1)
        return TRD_E_INVALID_ARG;
    trd__gp_bounds unused = trd__gp_fit_defaults().bounds;
    fit_ws w;
    trd_status st = init_ws(&w, gp, &unused, 0);
    if (st != TRD_OK)
        return st;
    double logtheta[MAX_PARAMS];
    for (size_t k = 0; k < w.d; k++)
        logtheta[k] = gp->h.log_ls[k];
    logtheta[w.d] = gp->h.log_sf2;
    logtheta[w.d + 1] = gp->h.log_sn2;
    double f = evaluate_theta(&w, logtheta, grad);
    for (size_t i = 0; i < w.p; i++)
        grad[i] = -grad[i];
    *lml = -f;
    free_ws(&w);
    return TRD_OK;
}
