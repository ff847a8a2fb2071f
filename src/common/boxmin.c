/* boxmin.c -- see boxmin.h.  Dense BFGS: with n <= 18 the n x n inverse Hessian costs nothing next to one
 * evaluation of the functions we minimise. */
#include "common/boxmin.h"

#include <math.h>
#include <string.h>

#define ARMIJO 1e-4
#define MAX_BACKTRACK 40

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* A variable is held when it sits on a bound and its gradient pushes it outwards. */
static int held(double x, double g, double lo, double hi)
{
    return (x <= lo && g > 0) || (x >= hi && g < 0);
}

double trd__boxmin(trd__boxmin_fn fn, void *user, size_t n, const double *lo, const double *hi, double *x,
                   const trd__boxmin_opts *o, unsigned *evals)
{
    double H[TRD__BOXMIN_MAX * TRD__BOXMIN_MAX], g[TRD__BOXMIN_MAX], gn[TRD__BOXMIN_MAX];
    double d[TRD__BOXMIN_MAX], xn[TRD__BOXMIN_MAX], s[TRD__BOXMIN_MAX], y[TRD__BOXMIN_MAX];
    double Hy[TRD__BOXMIN_MAX];
    unsigned count = 0;
    for (size_t i = 0; i < n; i++)
        x[i] = clamp(x[i], lo[i], hi[i]);
    double f = fn(user, x, g);
    count++;
    int fresh = 1; /* H is the identity, not yet scaled to the problem */
    memset(H, 0, sizeof H);
    for (size_t i = 0; i < n; i++)
        H[i * n + i] = 1;

    for (unsigned it = 0; it < o->max_iter; it++) {
        double pg = 0;
        for (size_t i = 0; i < n; i++)
            if (!held(x[i], g[i], lo[i], hi[i]))
                pg = fmax(pg, fabs(g[i]));
        if (pg < o->pgtol)
            break;

        /* d = -H g over the free variables; fall back to steepest descent if that does not descend. */
        double slope = 0;
        for (size_t i = 0; i < n; i++) {
            d[i] = 0;
            if (held(x[i], g[i], lo[i], hi[i]))
                continue;
            for (size_t j = 0; j < n; j++)
                if (!held(x[j], g[j], lo[j], hi[j]))
                    d[i] -= H[i * n + j] * g[j];
            slope += d[i] * g[i];
        }
        if (!(slope < 0)) {
            for (size_t i = 0; i < n; i++)
                d[i] = held(x[i], g[i], lo[i], hi[i]) ? 0 : -g[i];
            memset(H, 0, sizeof H);
            for (size_t i = 0; i < n; i++)
                H[i * n + i] = 1;
            fresh = 1;
        }
        /* Before H has seen any curvature, a unit step along -g could go anywhere: cap it at length 1. */
        double alpha = 1;
        if (fresh) {
            double dn = 0;
            for (size_t i = 0; i < n; i++)
                dn += d[i] * d[i];
            dn = sqrt(dn);
            if (dn > 1)
                alpha = 1 / dn;
        }

        /* Projected backtracking: Armijo's condition on the actual (projected) displacement. */
        double fn_new = f;
        int accepted = 0;
        for (int bt = 0; bt < MAX_BACKTRACK; bt++, alpha *= 0.5) {
            double decrease = 0;
            for (size_t i = 0; i < n; i++) {
                xn[i] = clamp(x[i] + alpha * d[i], lo[i], hi[i]);
                decrease += g[i] * (xn[i] - x[i]);
            }
            if (decrease >= 0)
                break; /* the projection left no descent: we are at a constrained stationary point */
            fn_new = fn(user, xn, gn);
            count++;
            if (fn_new <= f + ARMIJO * decrease) {
                accepted = 1;
                break;
            }
        }
        if (!accepted)
            break;

        double sy = 0, yy = 0, ss = 0;
        for (size_t i = 0; i < n; i++) {
            s[i] = xn[i] - x[i];
            y[i] = gn[i] - g[i];
            sy += s[i] * y[i];
            yy += y[i] * y[i];
            ss += s[i] * s[i];
        }
        double f_old = f;
        memcpy(x, xn, n * sizeof *x);
        memcpy(g, gn, n * sizeof *g);
        f = fn_new;
        /* BFGS update of the inverse Hessian, skipped without positive curvature (as L-BFGS-B does). */
        if (sy > 1e-10 * sqrt(ss * yy)) {
            if (fresh) { /* Shanno-Phua scaling of the initial matrix */
                for (size_t i = 0; i < n * n; i++)
                    H[i] *= sy / yy;
                fresh = 0;
            }
            double yHy = 0;
            for (size_t i = 0; i < n; i++) {
                Hy[i] = 0;
                for (size_t j = 0; j < n; j++)
                    Hy[i] += H[i * n + j] * y[j];
                yHy += y[i] * Hy[i];
            }
            double rho = 1 / sy;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                    H[i * n + j] += rho * ((1 + rho * yHy) * s[i] * s[j] - Hy[i] * s[j] - s[i] * Hy[j]);
        }
        if (f_old - f <= o->ftol * fmax(fmax(fabs(f_old), fabs(f)), 1.0))
            break;
    }
    if (evals)
        *evals = count;
    return f;
}
