/* observe.c -- windows, filters, EMA and Gaussian-process estimates (see observe.h). */
#include "observe/observe.h"

#include <math.h>
#include <string.h>

#define NS_PER_S 1e9

void trd__observe_init(trd__observe *obs, const trd__alloc *alloc, uint64_t seed)
{
    memset(obs, 0, sizeof *obs);
    obs->alloc = alloc;
    trd__rng_seed(&obs->rng, seed);
}

void trd__observe_reseed(trd__observe *obs, uint64_t seed)
{
    trd__rng_seed(&obs->rng, seed);
}

static void estimator_free(const trd__alloc *a, trd__estimator *e)
{
    if (!e)
        return;
    trd__gp_free(&e->gp);
    trd__free(a, e->px);
    trd__free(a, e->py);
    trd__free(a, e);
}

void trd__observe_free(trd__observe *obs)
{
    for (size_t i = 0; i < obs->n_est; i++)
        estimator_free(obs->alloc, obs->est[i]);
    trd__free(obs->alloc, obs->est);
    trd__free(obs->alloc, obs->open);
    trd__free(obs->alloc, obs->ops);
    memset(obs, 0, sizeof *obs);
}

static trd__estimator *find_estimator(const trd__observe *obs, uint32_t op, uint32_t config)
{
    for (size_t i = 0; i < obs->n_est; i++)
        if (obs->est[i]->op == op && obs->est[i]->config == config)
            return obs->est[i];
    return NULL;
}

/* A new estimator with every buffer it will need, so that processing windows later cannot fail. */
static trd__estimator *estimator_new(const trd__observe *obs, const trd__observe_params *p, uint32_t op,
                                     uint32_t config, uint32_t dim)
{
    trd__estimator *e = trd__calloc(obs->alloc, 1, sizeof *e);
    if (!e)
        return NULL;
    e->op = op;
    e->config = config;
    e->dim = dim;
    e->cap = p->gp_max_points;
    e->kernel = p->kernel;
    e->px = trd__calloc(obs->alloc, e->cap * (dim ? dim : 1), sizeof *e->px);
    e->py = trd__calloc(obs->alloc, e->cap, sizeof *e->py);
    if (!e->px || !e->py || trd__gp_init(&e->gp, obs->alloc, p->kernel, dim, e->cap) != TRD_OK) {
        estimator_free(obs->alloc, e);
        return NULL;
    }
    return e;
}

/* ---- the GP of an estimator ---- */

static void standardise(const trd__estimator *e, const double *raw_log1p, double *out)
{
    for (uint32_t d = 0; d < e->dim; d++)
        out[d] = (raw_log1p[d] - e->mu[d]) / e->sd[d];
}

static void fit_hyper(trd__observe *obs, const trd__observe_params *p, trd__estimator *e, unsigned restarts)
{
    trd__gp_fit_opts o = trd__gp_fit_defaults();
    o.restarts = restarts;
    o.optimiser = p->optimiser;
    if (restarts == 0 && e->gp_on) {
        /* A periodic refit from the current optimum follows the data a few points further: polishing the
         * likelihood to 1e-5 there buys nothing the next refit would not redo, and costs most of observe's
         * time (bench/control_step).  Stop when no direction gains 0.05 nats per log unit, or the likelihood
         * moves by less than 1e-4 of itself. */
        o.grad_tol = 0.05;
        o.ftol = 1e-4;
        o.max_iter = 30;
        o.max_points = 48;
    }
    if (trd__gp_fit(&e->gp, &o, &obs->rng) == TRD_OK)
        obs->ops[e->op].stats.gp_fits++;
}

/* Stage 2 applied backwards: points whose leave-one-out residual exceeds tau_z are dropped.  This catches
 * what entered before a GP existed to judge it (the EMA phase) and what a streak admitted, which would
 * otherwise leave sharp dips once the GP learns a small noise.  At most a tenth of the points go per pass,
 * worst first.  Returns how many were dropped. */
static size_t purge_outliers(trd__observe *obs, const trd__observe_params *p, trd__estimator *e)
{
    size_t n = e->gp.n;
    double *z = trd__malloc(obs->alloc, n * sizeof *z);
    double *work = trd__malloc(obs->alloc, n * n * sizeof *work);
    size_t dropped = 0;
    if (z && work && trd__gp_loo_z(&e->gp, z, work) == 0) {
        for (size_t budget = n / 10; budget > 0; budget--) {
            size_t worst = n;
            for (size_t i = 0; i < e->np; i++)
                if (fabs(z[i]) > p->tau_z && (worst == n || fabs(z[i]) > fabs(z[worst])))
                    worst = i;
            if (worst == n)
                break;
            memmove(e->px + worst * e->dim, e->px + (worst + 1) * e->dim, (e->np - worst - 1) * e->dim * sizeof *e->px);
            memmove(e->py + worst, e->py + worst + 1, (e->np - worst - 1) * sizeof *e->py);
            memmove(z + worst, z + worst + 1, (e->np - worst - 1) * sizeof *z);
            e->np--;
            dropped++;
        }
    }
    trd__free(obs->alloc, z);
    trd__free(obs->alloc, work);
    trd_observe_stats *st = &obs->ops[e->op].stats;
    st->accepted -= dropped;
    st->rejected_outlier += dropped;
    return dropped;
}

/* Recomputes the standardisation from the stored points and reloads the GP. */
static void reload(trd__estimator *e)
{
    for (uint32_t d = 0; d < e->dim; d++) {
        double mean = 0, var = 0;
        for (size_t i = 0; i < e->np; i++)
            mean += e->px[i * e->dim + d];
        mean /= (double)e->np;
        for (size_t i = 0; i < e->np; i++) {
            double t = e->px[i * e->dim + d] - mean;
            var += t * t;
        }
        double sd = sqrt(var / (double)e->np);
        e->mu[d] = mean;
        e->sd[d] = sd > 1e-9 ? sd : 1; /* a constant feature: leave it unscaled */
    }
    trd__gp_clear(&e->gp);
    double x[TRD_MAX_FEATURES];
    for (size_t i = 0; i < e->np; i++) {
        standardise(e, e->px + i * e->dim, x);
        memcpy(e->gp.X + i * e->dim, x, e->dim * sizeof *x);
        e->gp.y[i] = e->py[i];
    }
    e->gp.n = e->np;
    trd__gp_refactor(&e->gp);
}

/* Reloads the GP and fits its hyper-parameters from the previous ones -- plus `restarts` random starts where
 * the landscape may have changed (the first fit, a shift) -- then purges leave-one-out outliers and, if any
 * went, fits again from there.  A fit that cannot get memory keeps the previous hyper-parameters. */
static void refit(trd__observe *obs, const trd__observe_params *p, trd__estimator *e, unsigned restarts)
{
    trd__gp_hyper before = e->gp.h;
    int was_on = e->gp_on;
    reload(e);
    if (restarts == 0 && was_on && e->gp.factored) {
        /* A periodic refit first asks whether the current hyper-parameters still sit at the top of the
         * likelihood of the moved data: if no direction gains a nat per log unit, a fit would gain next to
         * nothing, so it is skipped (one likelihood evaluation instead of a fit's dozens) and the next check
         * waits twice as long.  Refits dominate observe's cost (bench/control_step). */
        double lml, grad[TRD__GP_MAX_DIM + 2], steep = 0;
        if (trd__gp_lml_gradient(&e->gp, &lml, grad) == TRD_OK) {
            for (uint32_t d = 0; d < e->dim + 2; d++)
                steep = fmax(steep, fabs(grad[d]));
            if (steep < 1.0) {
                e->since_refit = 0;
                e->refit_interval = e->refit_interval * 2 < 8 * p->refit_every ? e->refit_interval * 2
                                                                                 : 8 * p->refit_every;
                return;
            }
        }
    }
    fit_hyper(obs, p, e, restarts);
    size_t purged = e->gp.factored ? purge_outliers(obs, p, e) : 0;
    if (purged > 0) {
        reload(e);
        fit_hyper(obs, p, e, 0);
    }
    e->gp_on = e->gp.factored && e->np > 0;
    e->since_refit = 0;
    /* A refit that leaves every hyper-parameter within 10% (0.1 in log units) found the same model: the next
     * one can wait twice as long (refits dominate observe's cost: bench/control_step).  Anything else -- a
     * first fit, a shift (restarts), purged outliers, a real move -- brings the interval back. */
    double moved = 0;
    for (uint32_t d = 0; d < e->dim; d++)
        moved = fmax(moved, fabs(e->gp.h.log_ls[d] - before.log_ls[d]));
    moved = fmax(moved, fmax(fabs(e->gp.h.log_sf2 - before.log_sf2), fabs(e->gp.h.log_sn2 - before.log_sn2)));
    if (was_on && restarts == 0 && purged == 0 && moved < 0.1)
        e->refit_interval = e->refit_interval * 2 < 8 * p->refit_every ? e->refit_interval * 2 : 8 * p->refit_every;
    else
        e->refit_interval = p->refit_every;
}

/* Index of the point to evict when the store is full: the oldest one that is not alone in its neighbourhood
 * (so the window keeps covering regions seen only long ago), else the oldest. */
static size_t eviction_index(const trd__estimator *e, double radius)
{
    double r2 = radius * radius;
    for (size_t i = 0; i < e->np; i++) {
        for (size_t j = 0; j < e->np; j++) {
            if (j == i)
                continue;
            double d2 = 0;
            for (uint32_t d = 0; d < e->dim; d++) {
                double t = (e->px[i * e->dim + d] - e->px[j * e->dim + d]) / e->sd[d];
                d2 += t * t;
            }
            if (d2 <= r2)
                return i;
        }
    }
    return 0;
}

static void accept_point(trd__observe *obs, const trd__observe_params *p, trd__estimator *e, const double *xlog,
                         double y)
{
    if (e->np == e->cap) {
        size_t victim = e->gp_on ? eviction_index(e, p->coverage_radius) : 0;
        memmove(e->px + victim * e->dim, e->px + (victim + 1) * e->dim, (e->np - victim - 1) * e->dim * sizeof *e->px);
        memmove(e->py + victim, e->py + victim + 1, (e->np - victim - 1) * sizeof *e->py);
        e->np--;
        if (e->gp_on)
            trd__gp_remove(&e->gp, victim);
    }
    memcpy(e->px + e->np * e->dim, xlog, e->dim * sizeof *xlog);
    e->py[e->np] = y;
    e->np++;
    if (!e->gp_on) {
        if (e->np >= p->n_min)
            refit(obs, p, e, p->restarts);
        return;
    }
    /* Periodic refits start from the current optimum only: between two of them the data moved by
     * refit_every points, and random restarts would cost several fits' worth each time. */
    if (++e->since_refit >= (e->refit_interval ? e->refit_interval : p->refit_every)) {
        refit(obs, p, e, 0);
        return;
    }
    double x[TRD_MAX_FEATURES];
    standardise(e, xlog, x);
    if (trd__gp_add(&e->gp, x, y) != 0)
        e->gp_on = 0; /* no jitter rescued the factor: back to the EMA until the next fit */
}

/* ---- windows ---- */

static void ema(double *value, double *dev, uint64_t *count, double x, double alpha)
{
    if ((*count)++ == 0) {
        *value = x;
        *dev = 0;
        return;
    }
    *dev = (1 - alpha) * *dev + alpha * fabs(x - *value);
    *value = (1 - alpha) * *value + alpha * x;
}

/* The window's instance time joins the decayed production time (windows close in order of their start, so a
 * later end is the common case; an earlier one is added at its own age). */
static void add_production(trd__estimator *e, const trd__window *w, uint64_t tau_ns)
{
    double tau = tau_ns > 0 ? (double)tau_ns : 1;
    if (w->end_ns >= e->production_ns) {
        e->production_s = e->production_s * exp(-(double)(w->end_ns - e->production_ns) / tau) + w->inst_s;
        e->production_ns = w->end_ns;
    } else {
        e->production_s += w->inst_s * exp(-(double)(e->production_ns - w->end_ns) / tau);
    }
}

/* op_items_in: what the whole operator (every config) took in this window -- the rate its queue trend is
 * judged against, since the queue is the operator's. */
static void process_window(trd__observe *obs, const trd__observe_params *p, const trd__model *m,
                           const trd__window *w, double op_items_in, trd__estimator *e)
{
    trd__op_state *os = &obs->ops[w->op];
    trd_observe_stats *st = &os->stats;
    double inst_s = w->inst_s > 0 ? w->inst_s : 1e-9;
    double y = w->items_in / inst_s;
    double util = w->util_w / inst_s;
    double xlog[TRD_MAX_FEATURES];
    st->windows++;
    /* Every window counts for memory, rejected or not: a probe's peak is a peak even while it warms up. */
    if (w->peak_device > e->peak_device)
        e->peak_device = w->peak_device;
    if (w->peak_host > e->peak_host)
        e->peak_host = w->peak_host;
    os->config = w->config;
    os->n_features = w->n_features;
    os->seen = 1;
    if (w->end_ns > os->window_ns)
        os->window_ns = w->end_ns;
    for (uint32_t d = 0; d < w->n_features; d++) {
        os->features[d] = w->feat_w[d] / inst_s;
        xlog[d] = log1p(os->features[d]);
    }

    /* Stage 1: steady-state signals. */
    if (w->items_in <= 0) {
        st->rejected_progress++;
        return;
    }
    add_production(e, w, p->production_tau_ns);
    ema(&e->raw_ema, &e->raw_dev, &e->raw_n, y, p->ema_alpha);
    if (w->busy_s > 0)
        ema(&e->useful_ema, &e->useful_dev, &e->useful_n, w->items_in / w->busy_s, p->ema_alpha);
    const trd__operator *o = &m->ops[w->op];
    int async = trd__op_get(o, TRD_OP_ASYNC) != 0;
    if (util < p->tau_u) {
        st->rejected_utilisation++;
        /* The busy fraction of a synchronous operator is trustworthy, so rate / utilisation still bounds the
         * capacity.  Not an asynchronous one's, CPU or accelerator: one request in flight keeps it busy. */
        int trustworthy = !async;
        /* Down to 1%: below, y / util amplifies the noise of a few items a hundredfold. */
        if (p->util_capacity && trustworthy && util >= 0.01) {
            ema(&e->util_ema, &e->util_dev, &e->util_n, y / util, p->ema_alpha);
            os->capacity_ns = w->end_ns;
        }
        return;
    }
    double span_s = (double)(w->q_last_ns - w->q_first_ns) / NS_PER_S;
    double total_rate = span_s > 0 ? op_items_in / span_s : 0;
    double slope = span_s > 0 ? (w->q_last - w->q_first) / span_s : 0;
    int starved = async && w->q_last == 0; /* only a backlog shows an asynchronous operator saturated */
    if ((w->q_last == 0 && w->q_first > 0) || starved || fabs(slope) > p->queue_slope * total_rate) {
        st->rejected_queue++;
        return;
    }
    /* With a backlog, an asynchronous operator that had nothing in progress for part of the window was held
     * back (downstream queues full): while it ran, it ran full batches, so its capacity is its rate over the
     * time it ran -- its busy seconds (at least one request in progress), not its utilisation: a saturated
     * accelerator reports 85-100% device utilisation, and dividing by that inflated every steady window of
     * bench/observe_accuracy (8.7% MAPE instead of 1.15%). */
    double busy = w->busy_s / inst_s;
    if (async && busy > 0 && busy < 1)
        y /= busy;
    os->capacity_ns = w->end_ns;
    ema(&e->ema, &e->ema_dev, &e->ema_n, y, p->ema_alpha);

    /* Stage 2: the model, where it is confident. */
    if (e->gp_on) {
        double x[TRD_MAX_FEATURES], mu, var;
        standardise(e, xlog, x);
        trd__gp_predict(&e->gp, x, &mu, &var);
        double noise = trd__gp_noise_var(&e->gp);
        double z = fabs(y - mu) / sqrt(var + noise);
        if (z > p->tau_z) {
            if (e->streak + 1 < p->outlier_streak) {
                memcpy(e->streak_x[e->streak], xlog, e->dim * sizeof *xlog);
                e->streak_y[e->streak++] = y;
                st->rejected_outlier++;
                return;
            }
            /* Consistently "wrong": the operator changed, not the windows.  Admit the streak and refit at
             * once (standardisation and hyper-parameters both belong to the old behaviour). */
            for (size_t i = 0; i < e->streak; i++) {
                st->rejected_outlier--;
                st->accepted++;
                accept_point(obs, p, e, e->streak_x[i], e->streak_y[i]);
            }
            e->streak = 0;
            st->accepted++;
            accept_point(obs, p, e, xlog, y);
            if (e->since_refit > 0)
                refit(obs, p, e, p->restarts);
            return;
        }
    }
    e->streak = 0;
    st->accepted++;
    accept_point(obs, p, e, xlog, y);
}

/* Windows whose end plus grace the watermark has passed, oldest first, then by operator and config: the
 * order in which they are processed, which must not depend on the order samples arrived in. */
static int window_ready(const trd__observe *obs, const trd__observe_params *p, const trd__window *w)
{
    return w->end_ns + p->grace_ns <= obs->watermark_ns;
}

static int window_before(const trd__window *a, const trd__window *b)
{
    if (a->start_ns != b->start_ns)
        return a->start_ns < b->start_ns;
    if (a->op != b->op)
        return a->op < b->op;
    return a->config < b->config;
}

static void close_ready_windows(trd__observe *obs, const trd__observe_params *p, const trd__model *m)
{
    /* Windows of one operator and start (one per config) come out one after another; the first of them sums
     * what the operator took over all of them. */
    uint32_t group_op = UINT32_MAX;
    uint64_t group_start = 0;
    double group_items = 0;
    for (;;) {
        size_t pick = obs->n_open;
        for (size_t i = 0; i < obs->n_open; i++)
            if (window_ready(obs, p, &obs->open[i]) && (pick == obs->n_open || window_before(&obs->open[i], &obs->open[pick])))
                pick = i;
        if (pick == obs->n_open)
            return;
        trd__window w = obs->open[pick];
        if (w.op != group_op || w.start_ns != group_start) {
            group_op = w.op;
            group_start = w.start_ns;
            group_items = 0;
            for (size_t i = 0; i < obs->n_open; i++)
                if (obs->open[i].op == w.op && obs->open[i].start_ns == w.start_ns)
                    group_items += obs->open[i].items_in;
        }
        obs->open[pick] = obs->open[--obs->n_open];
        trd__estimator *e = find_estimator(obs, w.op, w.config);
        if (e) /* always present: trd__observe_add created it before folding the samples */
            process_window(obs, p, m, &w, group_items, e);
    }
}

static trd__window *find_window(trd__observe *obs, uint32_t op, uint32_t config, uint64_t start)
{
    for (size_t i = 0; i < obs->n_open; i++)
        if (obs->open[i].op == op && obs->open[i].config == config && obs->open[i].start_ns == start)
            return &obs->open[i];
    return NULL;
}

static void fold_sample(trd__observe *obs, const trd__observe_params *p, const trd_sample *s)
{
    uint64_t mid = s->window_start_ns + (s->window_end_ns - s->window_start_ns) / 2;
    uint64_t start = mid / p->window_ns * p->window_ns;
    trd__op_state *os = &obs->ops[s->op];
    if (start + p->window_ns + p->grace_ns <= obs->watermark_ns) {
        os->stats.late_samples++;
        return;
    }
    trd__window *w = find_window(obs, s->op, s->config, start);
    if (!w) { /* room was reserved by trd__observe_add */
        w = &obs->open[obs->n_open++];
        memset(w, 0, sizeof *w);
        w->op = s->op;
        w->config = s->config;
        w->start_ns = start;
        w->end_ns = start + p->window_ns;
        w->n_features = s->n_features;
        w->q_first_ns = UINT64_MAX;
    }
    double dt = (double)(s->window_end_ns - s->window_start_ns) / NS_PER_S;
    double inst_s = dt * s->active_instances;
    w->inst_s += inst_s;
    w->items_in += (double)s->items_in;
    w->items_out += (double)s->items_out;
    w->busy_s += s->busy_s;
    w->util_w += s->utilisation * inst_s;
    for (uint32_t d = 0; d < w->n_features && d < s->n_features; d++)
        w->feat_w[d] += s->features[d] * inst_s;
    if (s->window_start_ns < w->q_first_ns) {
        w->q_first_ns = s->window_start_ns;
        w->q_first = (double)s->queue_start;
    }
    if (s->window_end_ns >= w->q_last_ns) {
        w->q_last_ns = s->window_end_ns;
        w->q_last = (double)s->queue_end;
    }
    if ((double)s->device_mem_peak_bytes > w->peak_device)
        w->peak_device = (double)s->device_mem_peak_bytes;
    if ((double)s->host_mem_peak_bytes > w->peak_host)
        w->peak_host = (double)s->host_mem_peak_bytes;
    os->flow_in += (double)s->items_in;
    os->flow_out += (double)s->items_out;
    os->flow_bytes_out += (double)s->bytes_out;
    if (s->instance == TRD_WHOLE_OPERATOR)
        os->flow_queue += (double)s->queue_end - (double)s->queue_start;
    w->samples++;
}

static const trd_sample *nth(const trd_sample *a, size_t na, const trd_sample *b, size_t i)
{
    return i < na ? &a[i] : &b[i - na];
}

trd_status trd__observe_add(trd__observe *obs, const trd__observe_params *p, const trd__model *m,
                            const trd_sample *a, size_t na, const trd_sample *b, size_t nb)
{
    size_t n = na + nb;
    obs->useful_time = p->useful_time;
    /* Reserve everything first (operator states, window slots, estimators), so that folding cannot fail
     * half-way and a TRD_E_NOMEM leaves the module as it was. */
    if (m->n_ops > obs->n_ops) {
        trd__op_state *ops = trd__realloc(obs->alloc, obs->ops, m->n_ops * sizeof *ops);
        if (!ops)
            return TRD_E_NOMEM;
        memset(ops + obs->n_ops, 0, (m->n_ops - obs->n_ops) * sizeof *ops);
        obs->ops = ops;
        obs->n_ops = m->n_ops;
    }
    if (trd__grow(obs->alloc, (void **)&obs->open, &obs->cap_open, obs->n_open + n, sizeof *obs->open) != 0)
        return TRD_E_NOMEM;
    size_t created_from = obs->n_est;
    for (size_t i = 0; i < n; i++) {
        const trd_sample *s = nth(a, na, b, i);
        if (find_estimator(obs, s->op, s->config))
            continue;
        trd__estimator *e = NULL;
        if (trd__grow(obs->alloc, (void **)&obs->est, &obs->cap_est, obs->n_est + 1, sizeof *obs->est) != 0 ||
            !(e = estimator_new(obs, p, s->op, s->config, m->ops[s->op].n_features))) {
            while (obs->n_est > created_from)
                estimator_free(obs->alloc, obs->est[--obs->n_est]);
            return TRD_E_NOMEM;
        }
        obs->est[obs->n_est++] = e;
    }
    /* Estimators built for another feature count (features added in a later model), window size or kernel
     * start afresh; their replacements are allocated before any is swapped in. */
    size_t stale = 0;
    for (size_t i = 0; i < obs->n_est; i++) {
        const trd__estimator *e = obs->est[i];
        stale += e->dim != m->ops[e->op].n_features || e->cap != p->gp_max_points || e->kernel != p->kernel;
    }
    if (stale) {
        trd__estimator **fresh = trd__calloc(obs->alloc, stale, sizeof *fresh);
        size_t k = 0;
        for (size_t i = 0; fresh && i < obs->n_est; i++) {
            const trd__estimator *e = obs->est[i];
            if (e->dim == m->ops[e->op].n_features && e->cap == p->gp_max_points && e->kernel == p->kernel)
                continue;
            if (!(fresh[k++] = estimator_new(obs, p, e->op, e->config, m->ops[e->op].n_features)))
                break;
        }
        if (!fresh || !fresh[stale - 1]) {
            for (size_t i = 0; fresh && i < stale; i++)
                estimator_free(obs->alloc, fresh[i]);
            trd__free(obs->alloc, fresh);
            while (obs->n_est > created_from)
                estimator_free(obs->alloc, obs->est[--obs->n_est]);
            return TRD_E_NOMEM;
        }
        k = 0;
        for (size_t i = 0; i < obs->n_est; i++) {
            trd__estimator *e = obs->est[i];
            if (e->dim == m->ops[e->op].n_features && e->cap == p->gp_max_points && e->kernel == p->kernel)
                continue;
            estimator_free(obs->alloc, e);
            obs->est[i] = fresh[k++];
        }
        trd__free(obs->alloc, fresh);
    }

    /* Lateness is judged against the watermark before this batch, so that samples delivered together are
     * never late relative to one another, whatever their order in the batch. */
    uint64_t watermark = obs->watermark_ns;
    for (size_t i = 0; i < n; i++) {
        const trd_sample *s = nth(a, na, b, i);
        if (s->n_features != m->ops[s->op].n_features) {
            obs->ops[s->op].stats.late_samples++; /* validated against an older model: features no longer line up */
            continue;
        }
        fold_sample(obs, p, s);
        if (s->window_end_ns > watermark)
            watermark = s->window_end_ns;
    }
    obs->watermark_ns = watermark;
    close_ready_windows(obs, p, m);
    return TRD_OK;
}

uint32_t trd__observe_current_config(const trd__observe *obs, uint32_t op)
{
    return op < obs->n_ops && obs->ops[op].seen ? obs->ops[op].config : 0;
}

int trd__observe_estimate(trd__observe *obs, uint32_t op, uint32_t config, const double *features, double *mean,
                          double *stddev, double *noise_sd, uint32_t *points)
{
    *mean = *stddev = *noise_sd = 0;
    *points = 0;
    trd__estimator *e = find_estimator(obs, op, config);
    if (!e)
        return TRD__SRC_NONE;
    if (obs->useful_time) {
        *mean = e->useful_ema;
        *stddev = 1.25 * e->useful_dev;
        *points = (uint32_t)e->useful_n;
        return e->useful_n ? TRD__SRC_USEFUL_TIME : TRD__SRC_NONE;
    }
    if (e->gp_on) {
        const double *raw = features ? features : op < obs->n_ops ? obs->ops[op].features : NULL;
        double xlog[TRD_MAX_FEATURES], x[TRD_MAX_FEATURES], mu, var;
        for (uint32_t d = 0; d < e->dim; d++)
            xlog[d] = log1p(raw ? raw[d] : 0);
        standardise(e, xlog, x);
        trd__gp_predict(&e->gp, x, &mu, &var);
        *mean = mu > 0 ? mu : 0; /* a capacity is never negative, whatever the extrapolation says */
        *stddev = sqrt(var);
        *noise_sd = sqrt(trd__gp_noise_var(&e->gp));
        *points = (uint32_t)e->gp.n;
        return TRD__SRC_GP;
    }
    /* 1.25 x the mean absolute deviation estimates the standard deviation of normal errors. */
    if (e->ema_n > 0) {
        *mean = e->ema;
        *stddev = 1.25 * e->ema_dev;
        *points = (uint32_t)e->ema_n;
        return TRD__SRC_EMA;
    }
    if (e->util_n > 0) {
        *mean = e->util_ema;
        *stddev = 1.25 * e->util_dev;
        *points = (uint32_t)e->util_n;
        return TRD__SRC_UTILISATION;
    }
    if (e->raw_n > 0) {
        *mean = e->raw_ema;
        *stddev = 1.25 * e->raw_dev;
        *points = (uint32_t)e->raw_n;
        return TRD__SRC_LOWER_BOUND;
    }
    return TRD__SRC_NONE;
}

void trd__observe_invalidate(trd__observe *obs, uint32_t op, uint32_t config)
{
    for (size_t i = 0; i < obs->n_est;) {
        trd__estimator *e = obs->est[i];
        if (e->op == op && (config == UINT32_MAX || e->config == config)) {
            if (op < obs->n_ops)
                obs->ops[op].stats.invalidations++;
            estimator_free(obs->alloc, e);
            obs->est[i] = obs->est[--obs->n_est];
        } else {
            i++;
        }
    }
    for (size_t i = 0; i < obs->n_open;) {
        trd__window *w = &obs->open[i];
        if (w->op == op && (config == UINT32_MAX || w->config == config))
            obs->open[i] = obs->open[--obs->n_open];
        else
            i++;
    }
}

void trd__observe_stats(const trd__observe *obs, uint32_t op, trd_observe_stats *out)
{
    if (op < obs->n_ops)
        *out = obs->ops[op].stats;
    else
        memset(out, 0, sizeof *out);
}

void trd__observe_peek_flow(const trd__observe *obs, uint32_t op, double *items_in, double *items_out,
                            double *bytes_out)
{
    *items_in = *items_out = *bytes_out = 0;
    if (op >= obs->n_ops)
        return;
    const trd__op_state *os = &obs->ops[op];
    *items_in = os->flow_in;
    *items_out = os->flow_out;
    *bytes_out = os->flow_bytes_out;
}

void trd__observe_take_flow(trd__observe *obs, uint32_t op, double *items_in, double *items_out, double *bytes_out)
{
    trd__observe_peek_flow(obs, op, items_in, items_out, bytes_out);
    if (op < obs->n_ops)
        obs->ops[op].flow_in = obs->ops[op].flow_out = obs->ops[op].flow_bytes_out = obs->ops[op].flow_queue = 0;
}

double trd__observe_peek_queue_growth(const trd__observe *obs, uint32_t op)
{
    return op < obs->n_ops ? obs->ops[op].flow_queue : 0;
}

int trd__observe_capacity_now(const trd__observe *obs, uint32_t op)
{
    return op < obs->n_ops && obs->ops[op].window_ns > 0 && obs->ops[op].capacity_ns == obs->ops[op].window_ns;
}

double trd__observe_production(const trd__observe *obs, uint32_t op, uint32_t config, uint64_t now_ns,
                               uint64_t tau_ns)
{
    const trd__estimator *e = find_estimator(obs, op, config);
    if (!e || e->production_s <= 0)
        return 0;
    double age = now_ns > e->production_ns ? (double)(now_ns - e->production_ns) : 0;
    return e->production_s * exp(-age / (tau_ns > 0 ? (double)tau_ns : 1));
}

int trd__observe_peak(const trd__observe *obs, uint32_t op, uint32_t config, double *device, double *host)
{
    const trd__estimator *e = find_estimator(obs, op, config);
    *device = e ? e->peak_device : 0;
    *host = e ? e->peak_host : 0;
    return e != NULL;
}
