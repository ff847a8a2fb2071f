/* bo.c -- memory-constrained Bayesian optimisation: state, reports, surrogates, warm start (see bo.h).  The
 * search for the next config and the recommendation are in bo_search.c. */
#include "adapt/bo.h"

#include <math.h>
#include <string.h>

#include "adapt/bo_internal.h"

#define GIB 1073741824.0

trd__bo_params trd__bo_params_default(void)
{
    trd__bo_params p;
    p.budget = 30;
    p.n_init = 4;
    p.n_init_warm = 2;
    p.eta = 0.6;
    p.max_crash = 0.05;
    p.delta_bytes = -1;
    p.oom_factor = 1.1;
    p.n_candidates = 1024;
    p.n_top = 5;
    p.n_local = 32;
    p.local_sd = 0.1;
    p.min_distance = 0.01;
    p.stop_ei = 0.01;
    p.stop_patience = 3;
    p.restarts = 1;
    p.seed = 1;
    p.constrained = 1;
    p.safe_init = 1;
    p.memory_prior = 1;
    p.trend = 1;
    return p;
}

static int params_ok(const trd__bo_params *p)
{
    return p->budget >= 1 && p->n_init >= 1 && p->n_init_warm >= 1 && p->eta > 0 && p->eta < 1 &&
           p->max_crash > 0 && p->max_crash <= 1 &&
           isfinite(p->delta_bytes) && p->oom_factor > 1 && isfinite(p->oom_factor) && p->n_candidates >= 1 &&
           p->n_top <= TRD__BO_MAX_TOP && p->local_sd > 0 && isfinite(p->local_sd) &&
           p->min_distance >= 0 && p->min_distance < 1 && p->stop_ei > 0 &&
           isfinite(p->stop_ei) && p->stop_patience >= 1;
}

/* Default hyper-parameters of a fresh surrogate: length scales of half the unit range, unit signal, and noise
 * at 1% of the signal. */
static void default_hyper(trd__gp_hyper *h)
{
    for (size_t d = 0; d < TRD__GP_MAX_DIM; d++)
        h->log_ls[d] = log(0.5);
    h->log_sf2 = 0;
    h->log_sn2 = log(0.01);
}

trd_status trd__bo_init(trd__bo *bo, const trd__alloc *alloc, const trd__knob *knobs, size_t n, double cap_bytes,
                        const trd__bo_params *p)
{
    memset(bo, 0, sizeof *bo);
    if (!p || !params_ok(p) || !(cap_bytes > 0) || !isfinite(cap_bytes))
        return TRD_E_INVALID_ARG;
    trd_status st = trd__space_init(&bo->space, knobs, n);
    if (st != TRD_OK)
        return st;
    double delta = p->delta_bytes >= 0 ? p->delta_bytes : fmax(2 * GIB, 0.1 * cap_bytes);
    if (!(delta < cap_bytes))
        return TRD_E_INVALID_ARG;
    bo->p = *p;
    bo->cap_bytes = cap_bytes;
    bo->limit_bytes = cap_bytes - delta;
    trd__rng_seed(&bo->rng, p->seed);
    trd__sobol_init(&bo->design_sobol, bo->space.n);
    trd__sobol_skip(&bo->design_sobol, 1); /* the origin: every knob at its minimum */
    trd__sobol_init(&bo->cand_sobol, bo->space.n);
    for (size_t i = 0; i < bo->space.n; i++)
        bo->shift[i] = trd__rng_uniform(&bo->rng);
    default_hyper(&bo->h_t);
    default_hyper(&bo->h_m);
    bo->anchor = SIZE_MAX;
    bo->design_len = p->n_init;
    bo->alloc = alloc;
    return TRD_OK;
}

void trd__bo_free(trd__bo *bo)
{
    if (!bo->alloc)
        return;
    trd__free(bo->alloc, bo->cfg);
    trd__free(bo->alloc, bo->unit);
    trd__free(bo->alloc, bo->thr);
    trd__free(bo->alloc, bo->mem);
    trd__free(bo->alloc, bo->oom);
    if (bo->have_t)
        trd__gp_free(&bo->gp_t);
    if (bo->have_m)
        trd__gp_free(&bo->gp_m);
    memset(bo, 0, sizeof *bo);
}

/* ---- surrogates ---- */

double trd__bo_prior_m(const trd__bo *bo, const double *cfg)
{
    if (!bo->p.memory_prior || bo->anchor == SIZE_MAX)
        return 0;
    const double *ref = bo->cfg + bo->anchor * bo->space.n;
    return log(bo->mem[bo->anchor]) + trd__space_log_growth(&bo->space, cfg, ref);
}

/* log throughput, floored at 1/1000 of the best seen so that a stalled probe (0 items/s) stays finite. */
static double log_thr(double thr, double floor)
{
    return log(thr > floor ? thr : floor);
}

/* A memory-monotone knob that every probe so far left at one value gives the likelihood nothing to learn its
 * length scale from, which then stays wherever the fit started, and a short one makes the memory residual
 * revert to its average one step along the knob.  The prior mean already grows in proportion to the knob, so
 * the residual is taken as flat along it (longest length scale) until probes vary it.  Returns whether any
 * length scale changed. */
static int unvaried_monotone(const trd__bo *bo, trd__gp *gp, double ls_hi)
{
    int changed = 0;
    for (size_t i = 0; i < bo->space.n; i++) {
        const trd__space_knob *k = &bo->space.k[i];
        if (!(k->flags & TRD_KNOB_MEMORY_MONOTONE))
            continue;
        for (uint32_t d = k->offset; d < k->offset + k->width; d++) {
            size_t j = 1;
            while (j < gp->n && gp->X[j * gp->dim + d] == gp->X[d])
                j++;
            if (j == gp->n && gp->h.log_ls[d] != log(ls_hi)) {
                gp->h.log_ls[d] = log(ls_hi);
                changed = 1;
            }
        }
    }
    return changed;
}

/* Loads points into a fresh GP of capacity n_pts and fits it from hyper-parameters h. */
static trd_status fit_new(trd__bo *bo, trd__gp *gp, const double *X, const double *y, size_t n_pts,
                          const trd__gp_hyper *h, int memory)
{
    trd_status st = trd__gp_init(gp, bo->alloc, TRD__KERNEL_MATERN52, bo->space.dim, n_pts);
    if (st != TRD_OK)
        return st;
    memcpy(gp->X, X, n_pts * bo->space.dim * sizeof *X);
    memcpy(gp->y, y, n_pts * sizeof *y);
    gp->n = n_pts;
    gp->h = *h;
    /* The memory residual is 0 where nothing is known: the proportional envelope itself. */
    gp->zero_mean = memory && bo->p.memory_prior;
    trd__gp_refactor(gp);
    trd__gp_fit_opts o = trd__gp_fit_defaults();
    o.bounds.ls_lo = 0.05; /* a twentieth of a knob's range: finer structure cannot be learned from ~30 probes */
    o.bounds.ls_hi = 20;   /* beyond, an input no longer matters */
    o.bounds.sf2_lo = 1e-2;
    o.bounds.sn2_hi = 1;
    if (memory) {
        /* Peak memory is measured to a few percent: what a memory fit cannot explain is structure, not noise
         * (otherwise two probes that disagree -- a run and an OOM -- are explained as noise and every config
         * looks as safe as their average). */
        o.bounds.sn2_hi = 0.05;
    }
    o.restarts = bo->p.restarts;
    st = trd__gp_fit(gp, &o, &bo->rng);
    if (st != TRD_OK) {
        trd__gp_free(gp);
        return st;
    }
    if (memory && unvaried_monotone(bo, gp, o.bounds.ls_hi))
        trd__gp_refactor(gp);
    return TRD_OK;
}

/* Rebuilds both surrogates over the first n evaluations into *t and *m (have flags through ht, hm).  Uses
 * `work` for inputs and targets.  On failure nothing is left allocated. */
static trd_status build(trd__bo *bo, size_t n, double *work, trd__gp *t, int *ht, trd__gp *m, int *hm,
                        trd__plane *trend)
{
    size_t dim = bo->space.dim, K = bo->space.n;
    double *X = work, *y = work + n * dim;
    *ht = *hm = 0;
    double best = 0, worst = HUGE_VAL;
    for (size_t i = 0; i < n; i++)
        if (!bo->oom[i])
            best = fmax(best, bo->thr[i]);
    double floor = best > 0 ? best * 1e-3 : 1e-300;
    for (size_t i = 0; i < n; i++)
        if (!bo->oom[i])
            worst = fmin(worst, log_thr(bo->thr[i], floor));

    /* Throughput: evaluated configs; in plain EI an OOM scores as the worst throughput seen. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (bo->oom[i] && (bo->p.constrained || worst == HUGE_VAL))
            continue;
        trd__space_encode(&bo->space, bo->cfg + i * K, X + k * dim);
        y[k] = bo->oom[i] ? worst : log_thr(bo->thr[i], floor);
        k++;
    }
    if (bo->p.trend)
        trd__plane_fit(trend, dim, k, X, y);
    else
        trd__plane_zero(trend, dim);
    for (size_t i = 0; i < k; i++)
        y[i] -= trd__plane_mean(trend, X + i * dim);
    if (k > 0) {
        trd_status st = fit_new(bo, t, X, y, k, &bo->h_t, 0);
        if (st != TRD_OK)
            return st;
        *ht = 1;
    }
    if (!bo->p.constrained)
        return TRD_OK;
    /* Memory: every evaluation, OOMs censored at oom_factor x cap. */
    for (size_t i = 0; i < n; i++) {
        trd__space_encode(&bo->space, bo->cfg + i * K, X + i * dim);
        y[i] = log(bo->mem[i]) - trd__bo_prior_m(bo, bo->cfg + i * K);
    }
    if (n > 0) {
        trd_status st = fit_new(bo, m, X, y, n, &bo->h_m, 1);
        if (st != TRD_OK) {
            if (*ht)
                trd__gp_free(t);
            *ht = 0;
            return st;
        }
        *hm = 1;
    }
    return TRD_OK;
}

/* Makes room for one more evaluation: all arrays move to a doubled capacity together, or none does. */
static trd_status reserve(trd__bo *bo)
{
    if (bo->n < bo->cap)
        return TRD_OK;
    size_t K = bo->space.n, cap = bo->cap ? 2 * bo->cap : 8;
    double *c = trd__malloc(bo->alloc, cap * K * sizeof *c), *u = trd__malloc(bo->alloc, cap * K * sizeof *u);
    double *t = trd__malloc(bo->alloc, cap * sizeof *t), *m = trd__malloc(bo->alloc, cap * sizeof *m);
    unsigned char *o = trd__malloc(bo->alloc, cap);
    if (!c || !u || !t || !m || !o) {
        trd__free(bo->alloc, c);
        trd__free(bo->alloc, u);
        trd__free(bo->alloc, t);
        trd__free(bo->alloc, m);
        trd__free(bo->alloc, o);
        return TRD_E_NOMEM;
    }
    if (bo->n) {
        memcpy(c, bo->cfg, bo->n * K * sizeof *c);
        memcpy(u, bo->unit, bo->n * K * sizeof *u);
        memcpy(t, bo->thr, bo->n * sizeof *t);
        memcpy(m, bo->mem, bo->n * sizeof *m);
        memcpy(o, bo->oom, bo->n);
    }
    trd__free(bo->alloc, bo->cfg);
    trd__free(bo->alloc, bo->unit);
    trd__free(bo->alloc, bo->thr);
    trd__free(bo->alloc, bo->mem);
    trd__free(bo->alloc, bo->oom);
    bo->cfg = c;
    bo->unit = u;
    bo->thr = t;
    bo->mem = m;
    bo->oom = o;
    bo->cap = cap;
    return TRD_OK;
}

/* Appends one evaluation and rebuilds the surrogates; on failure nothing changed (the arrays may have grown). */
static trd_status add(trd__bo *bo, const double *cfg, double thr, double mem, int oom)
{
    size_t K = bo->space.n, n = bo->n;
    if (reserve(bo) != TRD_OK)
        return TRD_E_NOMEM;
    memcpy(bo->cfg + n * K, cfg, K * sizeof *cfg);
    trd__space_to_unit(&bo->space, cfg, bo->unit + n * K);
    bo->thr[n] = thr;
    bo->mem[n] = mem;
    bo->oom[n] = (unsigned char)oom;
    double *work = trd__malloc(bo->alloc, (n + 1) * (bo->space.dim + 1) * sizeof *work);
    if (!work)
        return TRD_E_NOMEM;
    trd__rng saved = bo->rng;
    trd__gp t2, m2;
    int ht, hm;
    trd__plane trend;
    size_t anchor = bo->anchor;
    bo->n = n + 1; /* the memory prior reads the evaluations */
    if (bo->anchor == SIZE_MAX && !oom)
        bo->anchor = n;
    trd_status st = build(bo, n + 1, work, &t2, &ht, &m2, &hm, &trend);
    trd__free(bo->alloc, work);
    if (st != TRD_OK) {
        bo->n = n;
        bo->anchor = anchor;
        bo->rng = saved;
        return st;
    }
    if (bo->have_t)
        trd__gp_free(&bo->gp_t);
    if (bo->have_m)
        trd__gp_free(&bo->gp_m);
    bo->gp_t = t2;
    bo->gp_m = m2;
    bo->have_t = ht;
    bo->have_m = hm;
    bo->trend = trend;
    if (ht)
        bo->h_t = t2.h;
    if (hm)
        bo->h_m = m2.h;
    if (bo->have_pending && trd__space_equal(&bo->space, bo->pending, cfg))
        bo->have_pending = 0;
    return TRD_OK;
}

trd_status trd__bo_report(trd__bo *bo, const double *cfg, double throughput, double peak_bytes)
{
    if (!cfg || !trd__space_valid(&bo->space, cfg) || !isfinite(throughput) || throughput < 0 ||
        !isfinite(peak_bytes) || peak_bytes < 0)
        return TRD_E_INVALID_ARG;
    /* A zero reading (a probe that measured no memory) would break the log model: one byte is as good. */
    return add(bo, cfg, throughput, peak_bytes > 1 ? peak_bytes : 1, 0);
}

trd_status trd__bo_report_oom(trd__bo *bo, const double *cfg)
{
    if (!cfg || !trd__space_valid(&bo->space, cfg))
        return TRD_E_INVALID_ARG;
    /* Known already: a config that keeps crashing in production is reported at every crash, and each copy
     * would only grow the surrogates' cubic refits. */
    for (size_t i = 0; i < bo->n; i++)
        if (bo->oom[i] && trd__space_equal(&bo->space, bo->cfg + i * bo->space.n, cfg)) {
            if (bo->have_pending && trd__space_equal(&bo->space, bo->pending, cfg))
                bo->have_pending = 0;
            return TRD_OK;
        }
    return add(bo, cfg, NAN, bo->p.oom_factor * bo->cap_bytes, 1);
}

/* ---- warm start ---- */

static int same_shape(const trd__space *a, const trd__space *b)
{
    if (a->n != b->n || a->dim != b->dim)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const trd__space_knob *x = &a->k[i], *y = &b->k[i];
        if (x->type != y->type || x->flags != y->flags || x->min != y->min || x->max != y->max ||
            x->n_choices != y->n_choices || x->width != y->width)
            return 0;
    }
    return 1;
}

trd_status trd__bo_warm_start(trd__bo *bo, const trd__bo *from)
{
    if (!from || from == bo || !same_shape(&bo->space, &from->space))
        return TRD_E_INVALID_ARG;
    if (bo->n > 0 || bo->n_warm > 0)
        return TRD_E_STATE;
    /* The source's best measured configs within its limit, best first. */
    size_t K = bo->space.n, idx[TRD__BO_WARM], n = 0;
    double thr[TRD__BO_WARM];
    for (size_t i = 0; i < from->n; i++)
        if (!from->oom[i] && (!from->p.constrained || from->mem[i] <= from->limit_bytes))
            n = trd__bo_top_insert(idx, thr, n, TRD__BO_WARM, i, from->thr[i]);
    if (n == 0)
        return TRD_E_STATE;
    for (size_t j = 0; j < n; j++)
        memcpy(bo->warm[j], from->cfg + idx[j] * K, K * sizeof(double));
    bo->n_warm = n;
    bo->h_t = from->h_t;
    bo->h_m = from->h_m;
    bo->design_len = bo->p.n_init_warm;
    return TRD_OK;
}

trd__bo_stop trd__bo_stopped(const trd__bo *bo)
{
    if (bo->stop == TRD__BO_RUNNING && bo->n >= bo->p.budget)
        return TRD__BO_BUDGET;
    return bo->stop;
}

size_t trd__bo_evaluations(const trd__bo *bo)
{
    return bo->n;
}
