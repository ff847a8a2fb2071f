/* gp.h -- Gaussian-process regression for the observe and adapt layers.
 *
 * Model: y = f(x) + noise, f ~ GP(c, sf2 * m(r)), noise ~ N(0, sn2), on outputs normalised to zero mean and
 * unit variance (scikit-learn's normalize_y), so the constant mean c is the sample mean of y -- or 0, with
 * zero_mean, for callers whose outputs are residuals from a prior mean of their own.  Hyper-
 * parameters (ARD length scales, signal variance sf2, noise variance sn2) are learned by maximising the log
 * marginal likelihood (gp_fit.c).  Between fits, points are appended and removed with O(n^2) updates of the
 * Cholesky factor of K + (sn2 + jitter) I; any hyper-parameter change refactors in full.
 *
 * Inputs are used as given (callers standardise them).  A GP holds at most `cap` points. */
#ifndef TRD_GP_GP_H
#define TRD_GP_GP_H

#include <stddef.h>

#include "common/alloc.h"
#include "common/rng.h"
#include "gp/kernel.h"
#include "trident.h"

/* Inputs per point: the observe layer's workload features (TRD_MAX_FEATURES) and the adapt layer's encoded
 * configs (one dimension per numeric knob, one per choice of a one-hot categorical knob). */
#define TRD__GP_MAX_DIM 16
_Static_assert(TRD__GP_MAX_DIM >= TRD_MAX_FEATURES, "the GP must take every workload feature");

typedef struct trd__gp_hyper {
    double log_ls[TRD__GP_MAX_DIM]; /* natural logs of the length scales */
    double log_sf2;
    double log_sn2;
} trd__gp_hyper;

/* Box bounds of the hyper-parameters (natural units), inclusive. */
typedef struct trd__gp_bounds {
    double ls_lo, ls_hi, sf2_lo, sf2_hi, sn2_lo, sn2_hi;
} trd__gp_bounds;

typedef struct trd__gp {
    const trd__alloc *alloc;
    trd__kernel kernel;
    size_t dim, cap, n;
    double *X;     /* cap x dim inputs */
    double *y;     /* cap raw outputs */
    double *L;     /* cap x cap lower Cholesky factor of K + (sn2 + jitter) I (normalised units) */
    double *alpha; /* K^-1 (y - mean) / scale */
    double *work;  /* cap doubles of scratch */
    double y_mean, y_scale;
    int zero_mean;  /* the constant mean is 0, not the sample mean (set before adding points; 0 after init) */
    double jitter;
    int factored;  /* L and alpha are valid for the current points and hyper-parameters */
    trd__gp_hyper h;
} trd__gp;

/* Allocates room for `cap` points of `dim` features.  Hyper-parameters start at length scales 1, sf2 1,
 * sn2 0.1.  TRD_E_NOMEM or TRD_E_INVALID_ARG (dim > TRD__GP_MAX_DIM or cap 0). */
trd_status trd__gp_init(trd__gp *gp, const trd__alloc *alloc, trd__kernel kernel, size_t dim, size_t cap);
void trd__gp_free(trd__gp *gp);
/* Drops every point; hyper-parameters are kept. */
void trd__gp_clear(trd__gp *gp);

/* Sets the hyper-parameters and refactors.  Returns 0, or -1 if no jitter makes the matrix positive
 * definite (the GP is then unusable until its points or hyper-parameters change). */
int trd__gp_set_hyper(trd__gp *gp, const trd__gp_hyper *h);

/* Appends a point (n < cap).  O(n^2).  Returns 0, or -1 as trd__gp_set_hyper. */
int trd__gp_add(trd__gp *gp, const double *x, double y);
/* Removes point `i` (order of the others is kept).  O(n^2).  Returns 0, or -1 as trd__gp_set_hyper. */
int trd__gp_remove(trd__gp *gp, size_t i);
/* Recomputes the factor from scratch (after the caller edited X or y in place). */
int trd__gp_refactor(trd__gp *gp);

/* Posterior of f at x in raw output units: mean and latent variance (without observation noise).  Uses the
 * GP's scratch space, hence the non-const pointer; it changes nothing observable. */
void trd__gp_predict(trd__gp *gp, const double *x, double *mean, double *var);
/* Standardised leave-one-out residuals of the points, z_i = (y_i - mu_-i) / sd_-i, all from one inverse
 * (Rasmussen and Williams eq. 5.12: the residual is alpha_i / [K^-1]_ii, its variance 1 / [K^-1]_ii).
 * `z` receives n values; `work` holds n * n doubles.  Returns 0, or -1 without a factor. */
int trd__gp_loo_z(const trd__gp *gp, double *z, double *work);

/* The output normalisation: the sample mean (0 with zero_mean) and the root-mean-square deviation from it
 * (1 when the outputs are numerically constant).  Shared by the factorisation and the fit. */
void trd__gp_normalisation(const trd__gp *gp, double *mean, double *scale);

/* Observation-noise variance in raw output units. */
double trd__gp_noise_var(const trd__gp *gp);
/* Log marginal likelihood of the normalised outputs (scikit-learn's log_marginal_likelihood_value_). */
double trd__gp_lml(const trd__gp *gp);

/* Optimisers of the hyper-parameters (see gp_fit.c). */
enum { TRD__GP_OPT_BOXMIN = 0, TRD__GP_OPT_GSL_BFGS2 = 1 };

/* Options of a hyper-parameter fit. */
typedef struct trd__gp_fit_opts {
    trd__gp_bounds bounds;
    unsigned restarts;      /* starts beyond the first (which begins at the current hyper-parameters) */
    unsigned max_iter;      /* BFGS iterations per start */
    double grad_tol;        /* stop when the gradient norm falls below this */
    double ftol;            /* ... or when an iteration improves -LML by less than this, relatively */
    unsigned optimiser;     /* TRD__GP_OPT_* */
    size_t max_points;      /* fit on at most this many points, spread evenly over the stored ones (0: all).
                               The likelihood costs O(n^3) per evaluation: hyper-parameters drift slowly, and
                               half the points place them nearly as well at an eighth of the cost */
} trd__gp_fit_opts;

/* The defaults used by the observe layer. */
trd__gp_fit_opts trd__gp_fit_defaults(void);

/* Maximises the log marginal likelihood over the hyper-parameters within the bounds (analytic gradient), from
 * the current hyper-parameters and `restarts` log-uniform random starts, then sets the best and refactors.  Returns TRD_OK, TRD_E_NOMEM, or TRD_E_INVALID_ARG with fewer than 1 point.
 * If no start improves on a usable factor the previous hyper-parameters are kept. */
trd_status trd__gp_fit(trd__gp *gp, const trd__gp_fit_opts *opts, trd__rng *rng);

/* The log marginal likelihood at the current hyper-parameters and its gradient with respect to (log length
 * scales, log sf2, log sn2): what the fit climbs.  For tests and diagnostics. */
trd_status trd__gp_lml_gradient(trd__gp *gp, double *lml, double *grad);

#endif
