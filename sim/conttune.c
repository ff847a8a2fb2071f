/* conttune.c -- ContTune's per-operator GP and pick (see conttune.h). */
#include "conttune.h"

#include <math.h>
#include <string.h>

#include "gp1d.h"

void sim_ct_observe(sim_ct_op *h, uint32_t p, double pa)
{
    if (p < 1 || !(pa > 0))
        return;
    uint32_t k = 0;
    while (k < h->n && h->p[k] != p)
        k++;
    if (k == h->n) {
        if (h->n == SIM_CT_MAX_P)
            return;
        h->n++;
        h->p[k] = p;
        h->count[k] = 0;
    }
    h->pa[k][h->count[k] % SIM_CT_TOP_K] = pa; /* the (K+1)th oldest is dropped */
    h->count[k]++;
    h->last_rate = pa / p;
}

double sim_ct_mean(const sim_ct_op *h, uint32_t p)
{
    for (uint32_t k = 0; k < h->n; k++)
        if (h->p[k] == p) {
            uint32_t m = h->count[k] < SIM_CT_TOP_K ? h->count[k] : SIM_CT_TOP_K;
            double s = 0;
            for (uint32_t j = 0; j < m; j++)
                s += h->pa[k][j];
            return s / m;
        }
    return 0;
}

int sim_ct_fit(const sim_ct_op *h, uint32_t p_max, double *mu)
{
    static const double grid[] = {4.37, 1, 2, 8, 16, 32}; /* 4.37: GPofContTune.py's initial length scale */
    double x[SIM_CT_MAX_P], y[SIM_CT_MAX_P], xq[256];
    for (uint32_t k = 0; k < h->n; k++) {
        x[k] = h->p[k];
        y[k] = sim_ct_mean(h, h->p[k]);
    }
    int ok = h->n > 0;
    for (uint32_t p0 = 1; p0 <= p_max && ok; p0 += 256) { /* predict in chunks of 256 */
        uint32_t m = p_max - p0 + 1 < 256 ? p_max - p0 + 1 : 256;
        for (uint32_t q = 0; q < m; q++)
            xq[q] = p0 + q;
        ok = sim_gp1d(x, y, h->n, grid, sizeof grid / sizeof *grid, xq, m, mu + p0 - 1, NULL);
    }
    return ok;
}

uint32_t sim_ct_pick(const sim_ct_op *h, const double *mu, uint32_t p_max, double lambda)
{
    uint32_t acq = 0;
    for (uint32_t p = 1; p <= p_max && !acq; p++)
        if (mu[p - 1] >= lambda)
            acq = p;
    double nearest = INFINITY;
    for (uint32_t k = 0; k < h->n && acq; k++)
        nearest = fmin(nearest, fabs((double)acq - (double)h->p[k]));
    if (acq && nearest <= SIM_CT_ALPHA)
        return acq; /* fast exploitation within the known region */
    /* conservative exploration: DS2's linear estimate from the latest per-instance rate */
    if (!(h->last_rate > 0))
        return acq ? acq : 1;
    double lin = ceil(lambda / h->last_rate - 1e-9);
    return lin < 1 ? 1 : lin > (double)UINT32_MAX ? UINT32_MAX : (uint32_t)lin;
}
