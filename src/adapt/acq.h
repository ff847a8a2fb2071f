/* acq.h -- the acquisition arithmetic of constrained Bayesian optimisation, in logs: expected improvement and
 * probability of feasibility both underflow far from the incumbent or the constraint (naive EI reaches 0 at
 * z = -40, research/deps.md 2.4), and a search that compares zeros picks at random.  Following BoTorch's
 * LogEI (Ament et al. 2023), both are computed as logarithms with asymptotic series in the far tails. */
#ifndef TRD_ADAPT_ACQ_H
#define TRD_ADAPT_ACQ_H

/* log Phi(z), the standard normal CDF; finite for every finite z. */
double trd__log_ncdf(double z);

/* log(phi(z) + z Phi(z)): expected improvement of a standard normal over z standard deviations below its
 * mean; finite for every finite z. */
double trd__log_h(double z);

/* log EI of a Gaussian N(mu, sd^2) over the incumbent `best` (maximisation); -INFINITY when sd <= 0 and mu <=
 * best, log(mu - best) when sd <= 0 and mu > best. */
double trd__log_ei(double mu, double sd, double best);

#endif
