/* plane.h -- a linear mean for a Gaussian process: Bayesian linear regression y = b0 + b.x + e over GP inputs
 * in [0, 1], with a Gaussian prior on the slopes whose scale is a fixed multiple of the residual noise; the
 * intercept is free.  The posterior mean of b is ridge regression with a fixed lambda, and the posterior
 * covariance s^2 (Xc^T Xc + lambda I)^-1, with s^2 the residual variance of the fit (clamped), gives the mean's
 * own uncertainty at a new x, which the GP's variance alone lacks: with as few points as inputs the plane fits them exactly, the GP is left with nothing, and a
 * direction no probe has varied would otherwise look perfectly known (universal kriging's correction). */
#ifndef TRD_ADAPT_PLANE_H
#define TRD_ADAPT_PLANE_H

#include <stddef.h>

#include "gp/gp.h"

typedef struct trd__plane {
    size_t dim;
    double s2;                                   /* residual variance (estimated, floored) */
    double b[TRD__GP_MAX_DIM + 1];               /* intercept, then one slope per input */
    double xm[TRD__GP_MAX_DIM];                  /* mean of the inputs */
    double L[TRD__GP_MAX_DIM * TRD__GP_MAX_DIM]; /* Cholesky factor of Xc^T Xc + lambda I */
} trd__plane;

/* Fits n points (X row-major n x dim, dim <= TRD__GP_MAX_DIM); with n = 0 the plane is 0 everywhere. */
void trd__plane_fit(trd__plane *p, size_t dim, size_t n, const double *X, const double *y);
/* A plane that is 0 everywhere and certain. */
void trd__plane_zero(trd__plane *p, size_t dim);

double trd__plane_mean(const trd__plane *p, const double *x);
/* Variance of the plane's mean at x (0 for a zero plane). */
double trd__plane_var(const trd__plane *p, const double *x);

#endif
