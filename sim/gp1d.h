/* gp1d.h -- a small one-dimensional Gaussian process for the baselines that model one variable (ContTune: PA
 * over parallelism; SCOOT: throughput over the batch knob): RBF kernel on standardised targets, observation noise
 * 1e-4, the length scale picked by marginal likelihood from a grid.  At most GP1D_MAX points. */
#ifndef SIM_GP1D_H
#define SIM_GP1D_H

#include <stdint.h>

#define GP1D_MAX 64

/* Fits on (x, y)[0 .. n) with length scales from grid[0 .. n_grid) and predicts at xq[0 .. nq): mean into mu,
 * standard deviation into sd (may be NULL).  Returns 0 without points or on a numerical failure. */
int sim_gp1d(const double *x, const double *y, uint32_t n, const double *grid, uint32_t n_grid, const double *xq,
             uint32_t nq, double *mu, double *sd);

#endif
