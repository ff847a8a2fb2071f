/* bo_search.c -- what the optimiser proposes and recommends (see bo.h): feasibility from the evaluations and
 * the memory surrogate, the initial design, the candidate search, the early stop and the final pick. */
#include <math.h>
#include <string.h>

#include "adapt/acq.h"
#include "adapt/bo_internal.h"

/* ---- what the evaluations say about a config ---- */

static int feasible_eval(const trd__bo *bo, size_t i)
{
    return !bo->oom[i] && (!bo->p.constrained || bo->mem[i] <= bo->limit_bytes);
}

static int evaluated(const trd__bo *bo, const double *cfg)
{
    for (size_t i = 0; i < bo->n; i++)
        if (trd__space_equal(&bo->space, bo->cfg + i * bo->space.n, cfg))
            return 1;
    return 0;
}

/* cfg is within min_distance of an evaluation: equal on categorical knobs, and within the distance in the unit
 * coordinate of every numeric knob. */
static int too_close(const trd__bo *bo, const double *cfg)
{
    const trd__space *sp = &bo->space;
    double u[TRD__MAX_KNOBS];
    trd__space_to_unit(sp, cfg, u);
    for (size_t j = 0; j < bo->n; j++) {
        const double *e = bo->cfg + j * sp->n, *ue = bo->unit + j * sp->n;
        size_t i = 0;
        for (; i < sp->n; i++) {
            uint32_t type = sp->k[i].type;
            if (type == TRD_KNOB_TYPE_BOOL || type == TRD_KNOB_TYPE_CHOICE ? cfg[i] != e[i]
                                                                           : fabs(u[i] - ue[i]) > bo->p.min_distance)
                break;
        }
        if (i == sp->n)
            return 1;
    }
    return 0;
}

/* cfg dominates an OOM or a config measured above the limit: it needs at least as much memory. */
static int infeasible(const trd__bo *bo, const double *cfg)
{
    for (size_t i = 0; i < bo->n; i++)
        if (!feasible_eval(bo, i) && trd__space_dominates(&bo->space, cfg, bo->cfg + i * bo->space.n))
            return 1;
    return 0;
}

/* cfg is dominated by a config measured within the limit: it needs no more memory. */
static int certified(const trd__bo *bo, const double *cfg)
{
    for (size_t i = 0; i < bo->n; i++)
        if (feasible_eval(bo, i) && trd__space_dominates(&bo->space, bo->cfg + i * bo->space.n, cfg))
            return 1;
    return 0;
}

/* log of the largest memory measured at a config that cfg dominates (-inf if none). */
static double floor_log_mem(const trd__bo *bo, const double *cfg)
{
    double m = -INFINITY;
    for (size_t i = 0; i < bo->n; i++)
        if (trd__space_dominates(&bo->space, cfg, bo->cfg + i * bo->space.n))
            m = fmax(m, log(bo->mem[i]));
    return m;
}

typedef struct post {
    double mu, sd;   /* log throughput: posterior mean (trend included) and latent sd */
    double log_pof;  /* log P(memory <= M_cap - Delta) */
    double p_crash;  /* P(memory > M_cap): the probe itself would run out of memory */
} post;

/* The throughput half of the posterior at GP inputs x. */
static void throughput(trd__bo *bo, const double *x, post *p)
{
    double m, v;
    p->mu = trd__plane_mean(&bo->trend, x);
    p->sd = 1;
    if (bo->have_t) {
        trd__gp_predict(&bo->gp_t, x, &m, &v);
        p->mu += m;
        p->sd = sqrt(v + trd__plane_var(&bo->trend, x));
    }
}

/* The memory half: PoF and crash probability of cfg (GP inputs x). */
static void feasibility(trd__bo *bo, const double *cfg, const double *x, post *p)
{
    p->p_crash = 0;
    if (!bo->p.constrained || certified(bo, cfg)) {
        p->log_pof = 0;
    } else if (infeasible(bo, cfg)) {
        p->log_pof = -INFINITY;
        p->p_crash = 1;
    } else if (!bo->have_m) {
        p->log_pof = log(0.5);
        p->p_crash = 0.5;
    } else {
        double m, v;
        trd__gp_predict(&bo->gp_m, x, &m, &v);
        double mu_m = fmax(trd__bo_prior_m(bo, cfg) + m, floor_log_mem(bo, cfg));
        double s = sqrt(v + trd__gp_noise_var(&bo->gp_m));
        p->log_pof = trd__log_ncdf((log(bo->limit_bytes) - mu_m) / s);
        p->p_crash = exp(trd__log_ncdf((mu_m - log(bo->cap_bytes)) / s));
    }
}

static int admissible(const trd__bo *bo, const post *p)
{
    return !bo->p.constrained || (p->log_pof >= log(bo->p.eta) && p->p_crash <= bo->p.max_crash);
}

static post posterior(trd__bo *bo, const double *cfg)
{
    post p;
    double x[TRD__GP_MAX_DIM];
    trd__space_encode(&bo->space, cfg, x);
    throughput(bo, x, &p);
    feasibility(bo, cfg, x, &p);
    return p;
}

void trd__bo_predict(trd__bo *bo, const double *cfg, double *throughput, double *log_sd, double *pof)
{
    post p = posterior(bo, cfg);
    *throughput = exp(p.mu);
    *log_sd = p.sd;
    *pof = exp(p.log_pof);
}

/* ---- neighbourhoods ---- */

typedef void (*visit_fn)(void *ctx, const double *cfg);

/* Calls f on every config one step from `base` along one knob -- integers +-1 (+-25% on ranges wider than 16),
 * reals +-5% of their unit range, booleans flipped, choices changed to each other value (or +-1 beyond 8) --
 * and on the joint steps x0.8, x1.25 and x2 of all memory-monotone numeric knobs. */
static void neighbours(const trd__space *sp, const double *base, visit_fn f, void *ctx)
{
    double c[TRD__MAX_KNOBS];
    memcpy(c, base, sp->n * sizeof *c);
    for (size_t i = 0; i < sp->n; i++) {
        const trd__space_knob *k = &sp->k[i];
        double v[4];
        int nv = 0;
        switch (k->type) {
        case TRD_KNOB_TYPE_INT:
            if (k->max - k->min > 16) {
                v[nv++] = round(base[i] * 1.25);
                v[nv++] = round(base[i] / 1.25);
            } else {
                v[nv++] = base[i] - 1;
                v[nv++] = base[i] + 1;
            }
            break;
        case TRD_KNOB_TYPE_REAL: {
            double u = trd__space_knob_to_unit(sp, i, base[i]);
            v[nv++] = trd__space_knob_from_unit(sp, i, u - 0.05);
            v[nv++] = trd__space_knob_from_unit(sp, i, u + 0.05);
            break;
        }
        case TRD_KNOB_TYPE_BOOL:
            v[nv++] = 1 - base[i];
            break;
        default:
            if (k->n_choices <= 8) {
                for (uint32_t ch = 0; ch < k->n_choices; ch++) {
                    if ((double)ch == base[i])
                        continue;
                    c[i] = ch;
                    f(ctx, c);
                }
            } else {
                v[nv++] = base[i] - 1;
                v[nv++] = base[i] + 1;
            }
            break;
        }
        for (int j = 0; j < nv; j++) {
            if (v[j] < k->min || v[j] > k->max || v[j] == base[i] || (j == 1 && v[1] == v[0]))
                continue;
            c[i] = v[j];
            f(ctx, c);
        }
        c[i] = base[i];
    }
    /* Joint steps of every memory-monotone knob: where knobs bind each other (an effective batch of
     * min(sequences, token budget / prompt)), no single-knob step gains anything. */
    if (sp->n_monotone < 2)
        return;
    static const double steps[] = {0.8, 1.25, 2.0};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        int moved = 0;
        for (size_t i = 0; i < sp->n; i++) {
            const trd__space_knob *k = &sp->k[i];
            c[i] = base[i];
            if (!(k->flags & TRD_KNOB_MEMORY_MONOTONE) || k->type == TRD_KNOB_TYPE_BOOL || k->type == TRD_KNOB_TYPE_CHOICE)
                continue;
            double v = base[i] * steps[s];
            if (k->type == TRD_KNOB_TYPE_INT)
                v = round(v);
            v = v < k->min ? k->min : v > k->max ? k->max : v;
            moved |= v != base[i];
            c[i] = v;
        }
        if (moved)
            f(ctx, c);
    }
    memcpy(c, base, sp->n * sizeof *c);
}

/* Indices of the (at most n_top) feasible evaluations with the best posterior means, best first. */
static size_t top_evaluations(trd__bo *bo, size_t *idx, double *mu, size_t n_top)
{
    size_t n = 0;
    for (size_t i = 0; i < bo->n; i++)
        if (feasible_eval(bo, i))
            n = trd__bo_top_insert(idx, mu, n, n_top, i, posterior(bo, bo->cfg + i * bo->space.n).mu);
    return n;
}

/* ---- the initial design ---- */

static int design_ok(trd__bo *bo, const double *cfg)
{
    if (too_close(bo, cfg))
        return 0;
    if (!bo->p.constrained)
        return 1;
    /* Until a probe has run, the memory model knows only failures and predicts failure everywhere. */
    if (infeasible(bo, cfg))
        return 0;
    if (bo->anchor == SIZE_MAX)
        return 1;
    post p = posterior(bo, cfg);
    return admissible(bo, &p);
}

/* A warm-start config scaled down (x0.7 at a time on every memory-monotone numeric knob) until this regime's
 * model admits it, into cfg; 0 if nothing admissible is left after ten steps. */
static int warm_point(trd__bo *bo, const double *seed, double *cfg)
{
    const trd__space *sp = &bo->space;
    double scale = 1;
    for (int step = 0; step < 10; step++, scale *= 0.7) {
        for (size_t i = 0; i < sp->n; i++) {
            const trd__space_knob *k = &sp->k[i];
            double v = seed[i];
            if ((k->flags & TRD_KNOB_MEMORY_MONOTONE) && (k->type == TRD_KNOB_TYPE_INT || k->type == TRD_KNOB_TYPE_REAL)) {
                v *= scale;
                if (k->type == TRD_KNOB_TYPE_INT)
                    v = round(v);
                v = v < k->min ? k->min : v;
            }
            cfg[i] = v;
        }
        if (design_ok(bo, cfg))
            return 1;
    }
    return 0;
}

/* The next initial-design point into cfg, or 0 once the design is complete.  Safe design: the default, the
 * warm-start configs, then Sobol points of the box below the default on the monotone knobs (the upper half of
 * the unit range below it); otherwise Sobol points of the whole space. */
static int design_point(trd__bo *bo, double *cfg)
{
    const trd__space *sp = &bo->space;
    size_t K = sp->n;
    while (bo->design_next < bo->design_len) {
        if (bo->p.safe_init && bo->design_next == 0) {
            bo->design_next++;
            trd__space_default(sp, cfg);
            if (!evaluated(bo, cfg))
                return 1;
            continue;
        }
        while (bo->warm_next < bo->n_warm)
            if (warm_point(bo, bo->warm[bo->warm_next++], cfg))
                return 1;
        /* Points that repeat an evaluation or look unsafe are skipped; a degenerate box gives up. */
        if (bo->design_draws >= 16 * bo->design_len) {
            bo->design_next = bo->design_len;
            break;
        }
        bo->design_draws++;
        double u[TRD__MAX_KNOBS], dflt[TRD__MAX_KNOBS], ud[TRD__MAX_KNOBS];
        trd__sobol_next(&bo->design_sobol, u);
        trd__space_default(sp, dflt);
        trd__space_to_unit(sp, dflt, ud);
        for (size_t i = 0; i < K; i++) {
            u[i] = fmod(u[i] + bo->shift[i], 1.0);
            if (bo->p.safe_init && (sp->k[i].flags & TRD_KNOB_MEMORY_MONOTONE))
                u[i] = ud[i] * (0.5 + 0.5 * u[i]);
        }
        trd__space_from_unit(sp, u, cfg);
        if (design_ok(bo, cfg)) {
            bo->design_next++;
            return 1;
        }
    }
    return 0;
}

/* ---- the acquisition search ---- */

typedef struct search {
    trd__bo *bo;
    double incumbent;   /* best posterior mean at a feasible evaluation; -inf without one */
    double best_score, best_log_ei;
    double cfg[TRD__MAX_KNOBS];
    int found;
} search;

static void consider(void *ctx, const double *cfg)
{
    search *s = ctx;
    trd__bo *bo = s->bo;
    if (too_close(bo, cfg))
        return;
    /* Feasibility first: most rejected candidates then cost one prediction, not two. */
    post p;
    double x[TRD__GP_MAX_DIM];
    trd__space_encode(&bo->space, cfg, x);
    feasibility(bo, cfg, x, &p);
    if (!admissible(bo, &p))
        return;
    throughput(bo, x, &p);
    /* Without a feasible incumbent there is nothing to improve on: the likeliest feasible config wins. */
    double lei = s->incumbent > -INFINITY ? trd__log_ei(p.mu, p.sd, s->incumbent) : 0;
    double score = lei + p.log_pof;
    s->best_log_ei = fmax(s->best_log_ei, lei);
    if (!s->found || score > s->best_score) {
        s->found = 1;
        s->best_score = score;
        memcpy(s->cfg, cfg, bo->space.n * sizeof *cfg);
    }
}

trd_status trd__bo_next(trd__bo *bo, double *cfg, int *done)
{
    if (!cfg || !done)
        return TRD_E_INVALID_ARG;
    const trd__space *sp = &bo->space;
    size_t K = sp->n;
    *done = 0;
    if (bo->have_pending) {
        memcpy(cfg, bo->pending, K * sizeof *cfg);
        return TRD_OK;
    }
    if (trd__bo_stopped(bo) != TRD__BO_RUNNING) {
        *done = 1;
        return TRD_OK;
    }
    double c[TRD__MAX_KNOBS];
    if (design_point(bo, c))
        goto propose;

    search s;
    memset(&s, 0, sizeof s);
    s.bo = bo;
    s.best_log_ei = -INFINITY;
    size_t idx[TRD__BO_MAX_TOP];
    double mu[TRD__BO_MAX_TOP];
    size_t found = top_evaluations(bo, idx, mu, bo->p.n_top ? bo->p.n_top : 1);
    size_t n_top = found < bo->p.n_top ? found : bo->p.n_top;
    s.incumbent = found > 0 ? mu[0] : -INFINITY;

    double u[TRD__MAX_KNOBS];
    for (size_t j = 0; j < bo->p.n_candidates; j++) {
        if (trd__sobol_next(&bo->cand_sobol, u) != 0)
            trd__sobol_init(&bo->cand_sobol, K);
        for (size_t i = 0; i < K; i++)
            u[i] = fmod(u[i] + bo->shift[i], 1.0);
        trd__space_from_unit(sp, u, c);
        consider(&s, c);
    }
    for (size_t t = 0; t < n_top; t++) {
        const double *base = bo->cfg + idx[t] * K;
        neighbours(sp, base, consider, &s);
        double ub[TRD__MAX_KNOBS];
        trd__space_to_unit(sp, base, ub);
        for (size_t j = 0; j < bo->p.n_local; j++) {
            for (size_t i = 0; i < K; i++)
                u[i] = ub[i] + bo->p.local_sd * trd__rng_normal(&bo->rng);
            trd__space_from_unit(sp, u, c);
            consider(&s, c);
        }
    }
    if (!s.found) {
        bo->stop = TRD__BO_NO_SAFE;
        *done = 1;
        return TRD_OK;
    }
    bo->last_log_ei = s.best_log_ei;
    if (s.incumbent > -INFINITY) {
        bo->low_streak = s.best_log_ei < log(bo->p.stop_ei) ? bo->low_streak + 1 : 0;
        if (bo->low_streak >= bo->p.stop_patience) {
            bo->stop = TRD__BO_CONVERGED;
            *done = 1;
            return TRD_OK;
        }
    }
    memcpy(c, s.cfg, K * sizeof *c);
propose:
    memcpy(bo->pending, c, K * sizeof *c);
    bo->have_pending = 1;
    memcpy(cfg, c, K * sizeof *cfg);
    return TRD_OK;
}

/* ---- the recommendation ---- */

typedef struct pick {
    trd__bo *bo;
    double cap, lo; /* a prediction counts for at most cap and at least lo (log throughput) */
    double score;
    double cfg[TRD__MAX_KNOBS];
    int found;
} pick;

static void consider_pick(void *ctx, const double *cfg)
{
    pick *k = ctx;
    trd__bo *bo = k->bo;
    double score = fmax(fmin(posterior(bo, cfg).mu, k->cap), k->lo);
    if (!k->found || score > k->score) {
        k->found = 1;
        k->score = score;
        memcpy(k->cfg, cfg, bo->space.n * sizeof *cfg);
    }
}

/* A neighbour of an evaluation qualifies when its memory is bounded by a measurement within the limit. */
static void consider_safe_neighbour(void *ctx, const double *cfg)
{
    pick *k = ctx;
    if (!evaluated(k->bo, cfg) && certified(k->bo, cfg) && !infeasible(k->bo, cfg))
        consider_pick(ctx, cfg);
}

/* Mean measured log throughput of every evaluation of the config at index i. */
static double measured(const trd__bo *bo, size_t i)
{
    size_t K = bo->space.n, c = 0;
    double sum = 0, best = 0;
    for (size_t j = 0; j < bo->n; j++)
        if (!bo->oom[j])
            best = fmax(best, bo->thr[j]);
    for (size_t j = 0; j < bo->n; j++)
        if (!bo->oom[j] && trd__space_equal(&bo->space, bo->cfg + j * K, bo->cfg + i * K)) {
            sum += log(fmax(bo->thr[j], best * 1e-3));
            c++;
        }
    return sum / (double)c;
}

trd_status trd__bo_recommend(trd__bo *bo, double *cfg, double *predicted, double *pof)
{
    if (!cfg || !predicted || !pof)
        return TRD_E_INVALID_ARG;
    pick k;
    memset(&k, 0, sizeof k);
    k.bo = bo;
    size_t K = bo->space.n;
    /* Two noise deviations, but never more than 5%: a GP whose noise estimate absorbed a cliff would
     * otherwise let any config win. */
    double slack = bo->have_t ? fmin(2 * sqrt(trd__gp_noise_var(&bo->gp_t)), 0.05) : 0;
    for (size_t i = 0; i < bo->n; i++) {
        if (!feasible_eval(bo, i))
            continue;
        double y = measured(bo, i);
        k.cap = y + slack;
        k.lo = y - slack;
        consider_pick(&k, bo->cfg + i * K);
        k.lo = -INFINITY; /* a neighbour has no measurement of its own to hold it up */
        if (bo->p.constrained)
            neighbours(&bo->space, bo->cfg + i * K, consider_safe_neighbour, &k);
    }
    if (!k.found)
        return TRD_E_STATE;
    post p = posterior(bo, k.cfg);
    memcpy(cfg, k.cfg, K * sizeof *cfg);
    *predicted = exp(k.score);
    *pof = exp(p.log_pof);
    return TRD_OK;
}
