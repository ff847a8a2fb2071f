/* kernel.h -- stationary ARD covariance functions of the Gaussian processes.
 *
 * Each kernel is k(x, x') = sf2 * m(r), with r^2 = sum_d (x_d - x'_d)^2 / l_d^2.  For the gradient of the
 * log marginal likelihood every kernel also gives g(r) with d m / d log l_d = g(r) * (x_d - x'_d)^2 / l_d^2,
 * which avoids dividing by r (r = 0 on the diagonal and for duplicate inputs). */
#ifndef TRD_GP_KERNEL_H
#define TRD_GP_KERNEL_H

typedef enum trd__kernel {
    TRD__KERNEL_MATERN52 = 0, /* the default: twice differentiable, like smooth throughput curves */
    TRD__KERNEL_MATERN32 = 1,
    TRD__KERNEL_SE = 2        /* squared exponential (sklearn's RBF) */
} trd__kernel;

/* m(r) and g(r) for r^2 = r2. */
static inline void trd__kernel_eval(trd__kernel kernel, double r2, double *m, double *g);

#include <math.h>

static inline void trd__kernel_eval(trd__kernel kernel, double r2, double *m, double *g)
{
    if (kernel == TRD__KERNEL_SE) {
        double e = exp(-0.5 * r2);
        *m = e;
        *g = e;
        return;
    }
    double r = sqrt(r2);
    if (kernel == TRD__KERNEL_MATERN32) {
        double s = 1.7320508075688772 * r; /* sqrt(3) r */
        double e = exp(-s);
        *m = (1 + s) * e;
        *g = 3 * e;
        return;
    }
    double s = 2.23606797749979 * r; /* sqrt(5) r */
    double e = exp(-s);
    *m = (1 + s + s * s / 3) * e;
    *g = (5.0 / 3.0) * (1 + s) * e;
}

#endif
