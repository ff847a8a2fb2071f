/* acq.c -- see acq.h. */
#include "adapt/acq.h"

#include <math.h>

#define LOG_SQRT_2PI 0.91893853320467274178
#define TAIL (-6.0) /* below this the asymptotic series are exact to better than 1e-3 relatively */

static double log_npdf(double z)
{
    return -0.5 * z * z - LOG_SQRT_2PI;
}

double trd__log_ncdf(double z)
{
    if (z > TAIL)
        return log(0.5 * erfc(-z * 0.70710678118654752440));
    /* Phi(z) = phi(z) / -z (1 - 1/z^2 + 3/z^4 - 15/z^6 + ...) for z -> -inf */
    double r = 1 / (z * z);
    return log_npdf(z) - log(-z) + log1p(r * (-1 + r * (3 - 15 * r)));
}

double trd__log_h(double z)
{
    if (z > TAIL)
        return log(exp(log_npdf(z)) + z * 0.5 * erfc(-z * 0.70710678118654752440));
    /* phi(z) + z Phi(z) = phi(z) / z^2 (1 - 3/z^2 + 15/z^4 - 105/z^6 + ...) */
    double r = 1 / (z * z);
    return log_npdf(z) + log(r) + log1p(r * (-3 + r * (15 - 105 * r)));
}

double trd__log_ei(double mu, double sd, double best)
{
    if (!(sd > 0))
        return mu > best ? log(mu - best) : -INFINITY;
    return log(sd) + trd__log_h((mu - best) / sd);
}
