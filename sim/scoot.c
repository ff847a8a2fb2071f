/* scoot.c -- SCOOT's constrained BO over one knob (see scoot.h). */
#include "scoot.h"

#include <math.h>
#include <stdlib.h>

#include "gp1d.h"
#include "sim_random.h"

#define MAX_CAND 256

void sim_scoot_delta_init(sim_scoot_delta *d)
{
    d->delta = 0.5;
    d->streak = 0;
}

void sim_scoot_delta_update(sim_scoot_delta *d, int crashed)
{
    if (crashed) { /* bo_scoot.py: delta = min(0.75, max(delta + 0.05, 0.5)) */
        d->delta = fmin(0.75, fmax(d->delta + 0.05, 0.5));
        d->streak = 0;
    } else if (++d->streak >= 5) { /* delta = max(0.25, delta - 0.05) after 5 successes in a row */
        d->delta = fmax(0.25, d->delta - 0.05);
        d->streak = 0;
    }
}

/* One stump on a bootstrap sample: the split with the least weighted Gini impurity, halfway between adjacent
 * values (as scikit-learn's trees split); leaves hold the mean label. */
static double stump(const double *x, const int *ok, const uint32_t *idx, uint32_t n, double xq)
{
    double best_gini = INFINITY, thr = 0, left = 0, right = 0, all = 0;
    for (uint32_t a = 0; a < n; a++)
        all += ok[idx[a]];
    all /= n;
    for (uint32_t a = 0; a < n; a++) {
        /* split: x <= t | x > t, t halfway to the next larger value */
        double next = INFINITY;
        for (uint32_t b = 0; b < n; b++)
            if (x[idx[b]] > x[idx[a]] && x[idx[b]] < next)
                next = x[idx[b]];
        if (!isfinite(next))
            continue;
        double t = 0.5 * (x[idx[a]] + next);
        double nl = 0, sl = 0, nr = 0, sr = 0;
        for (uint32_t b = 0; b < n; b++) {
            if (x[idx[b]] <= t) {
                nl++;
                sl += ok[idx[b]];
            } else {
                nr++;
                sr += ok[idx[b]];
            }
        }
        if (nl == 0 || nr == 0)
            continue;
        double pl = sl / nl, pr = sr / nr;
        double gini = nl * 2 * pl * (1 - pl) + nr * 2 * pr * (1 - pr);
        if (gini < best_gini) {
            best_gini = gini;
            thr = t;
            left = pl;
            right = pr;
        }
    }
    if (!isfinite(best_gini))
        return all;
    return xq <= thr ? left : right;
}

double sim_scoot_feasibility(const double *x, const int *ok, uint32_t n, uint64_t seed, double xq)
{
    if (!n)
        return 1;
    sim_rng r;
    sim_rng_seed3(&r, seed, 0x5C007, n);
    uint32_t idx[SIM_SCOOT_MAX_EVALS];
    double s = 0;
    for (int t = 0; t < SIM_SCOOT_TREES; t++) {
        for (uint32_t a = 0; a < n; a++) {
            uint32_t k = (uint32_t)(sim_rng_uniform(&r) * n);
            idx[a] = k < n ? k : n - 1;
        }
        s += stump(x, ok, idx, n, xq);
    }
    return s / SIM_SCOOT_TREES;
}

static double expected_improvement(double mu, double sd, double best)
{
    if (!(sd > 0))
        return mu > best ? mu - best : 0;
    double z = (mu - best) / sd;
    return (mu - best) * 0.5 * erfc(-z / sqrt(2)) + sd * exp(-0.5 * z * z) * 0.3989422804014327 /* 1 / sqrt(2 pi) */;
}

sim_scoot_result sim_scoot_tune(uint32_t lo, uint32_t hi, uint32_t dflt, uint32_t budget, uint64_t seed,
                                sim_scoot_eval eval, void *user)
{
    sim_scoot_result res = {dflt, 0, 0, 0};
    uint32_t cand[MAX_CAND], n_cand = 0;
    if (hi < lo)
        hi = lo;
    if (hi - lo + 1 <= MAX_CAND) {
        for (uint32_t v = lo; v <= hi; v++)
            cand[n_cand++] = v;
    } else { /* log-spaced, distinct */
        for (uint32_t k = 0; k < MAX_CAND; k++) {
            uint32_t v = (uint32_t)llround(exp(log((double)lo) + (log((double)hi) - log((double)lo)) * k / (MAX_CAND - 1)));
            if (!n_cand || v > cand[n_cand - 1])
                cand[n_cand++] = v;
        }
    }
    if (budget > SIM_SCOOT_MAX_EVALS)
        budget = SIM_SCOOT_MAX_EVALS;
    double hx[SIM_SCOOT_MAX_EVALS], hy[SIM_SCOOT_MAX_EVALS], gx[SIM_SCOOT_MAX_EVALS], gy[SIM_SCOOT_MAX_EVALS];
    int hok[SIM_SCOOT_MAX_EVALS];
    uint8_t tried[MAX_CAND] = {0};
    uint32_t n = 0, n_ok = 0;
    sim_scoot_delta delta;
    sim_scoot_delta_init(&delta);
    sim_rng r;
    sim_rng_seed3(&r, seed, 0x5C00, 0);
    static const double grid[] = {1, 0.5, 2, 4, 8};
    while (n < budget && n < n_cand) {
        uint32_t pick = UINT32_MAX;
        if (n < 2) { /* 1 + #params initial points: one in each half of the candidates */
            double u = sim_rng_uniform(&r);
            pick = (uint32_t)((n + u) * n_cand / 2);
            if (pick >= n_cand)
                pick = n_cand - 1;
            while (tried[pick])
                pick = (pick + 1) % n_cand;
        } else {
            double xq[MAX_CAND], mu[MAX_CAND], sd[MAX_CAND], best_ei = -1, best_feas = -1;
            uint32_t fallback = UINT32_MAX;
            for (uint32_t c = 0; c < n_cand; c++)
                xq[c] = log2((double)cand[c]);
            int have_gp = n_ok > 0 && sim_gp1d(gx, gy, n_ok, grid, sizeof grid / sizeof *grid, xq, n_cand, mu, sd);
            for (uint32_t c = 0; c < n_cand; c++) {
                if (tried[c])
                    continue;
                double f = sim_scoot_feasibility(hx, hok, n, seed, xq[c]);
                if (f > best_feas) {
                    best_feas = f;
                    fallback = c;
                }
                if (f < delta.delta)
                    continue; /* the hidden constraint: delta - RF(x) <= 0 */
                double ei = have_gp ? expected_improvement(mu[c], sd[c], res.best_thr) : sim_rng_uniform(&r);
                if (ei > best_ei) {
                    best_ei = ei;
                    pick = c;
                }
            }
            if (pick == UINT32_MAX)
                pick = fallback;
        }
        tried[pick] = 1;
        double thr = 0;
        int ran = eval(user, cand[pick], &thr);
        hx[n] = log2((double)cand[pick]);
        hok[n] = ran;
        hy[n] = thr;
        n++;
        sim_scoot_delta_update(&delta, !ran);
        if (!ran) {
            res.crashes++;
            continue;
        }
        gx[n_ok] = hx[n - 1];
        gy[n_ok] = thr;
        n_ok++;
        if (thr > res.best_thr) {
            res.best_thr = thr;
            res.best = cand[pick];
        }
    }
    res.evals = n;
    (void)hy;
    return res;
}
