/* boxmin.h -- minimisation of a smooth function of a few variables (n <= 18) inside a box.
 *
 * A projected quasi-Newton method: BFGS on the inverse Hessian, directions restricted to the variables not
 * held at a bound by their gradient, a projected backtracking line search that tries the quasi-Newton step
 * first, and L-BFGS-B's stopping rules (projected-gradient norm, relative decrease).  For the Gaussian-process
 * likelihood it needs about as many evaluations as scikit-learn's L-BFGS-B, and several times fewer than GSL's
 * unconstrained BFGS2 with a change of variables (bench/gp_speed reports both). */
#ifndef TRD_COMMON_BOXMIN_H
#define TRD_COMMON_BOXMIN_H

#include <stddef.h>

/* 18: the hyper-parameters of a Gaussian process over 16 inputs (16 length scales, signal and noise). */
#define TRD__BOXMIN_MAX 18

/* Returns f(x) and writes its gradient to g. */
typedef double (*trd__boxmin_fn)(void *user, const double *x, double *g);

typedef struct trd__boxmin_opts {
    unsigned max_iter;
    double pgtol; /* stop when every projected gradient component is below this in magnitude */
    double ftol;  /* ... or when an iteration decreases f by less than this, relatively */
} trd__boxmin_opts;

/* Minimises f over [lo, hi] starting from x (clamped into the box); x receives the best point.  Returns f
 * there, and the number of evaluations through *evals if not NULL. */
double trd__boxmin(trd__boxmin_fn f, void *user, size_t n, const double *lo, const double *hi, double *x,
                   const trd__boxmin_opts *o, unsigned *evals);

#endif
