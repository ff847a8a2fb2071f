/* regimes.c -- online clustering of workload features into regimes (see regimes.h). */
#include "adapt/regimes.h"

#include <math.h>
#include <string.h>

trd__regime_params trd__regime_params_default(void)
{
    trd__regime_params p;
    p.tau_d = 1.1;
    p.max_regimes = 6;
    p.gamma = 0.995;
    p.decay_period_ns = 300000000000ull;
    p.prune_below = 0.1;
    p.window = 50;
    p.dominance = 0.7;
    p.min_samples = 5;
    p.min_share = 0.7;
    p.cooldown_ns = 60000000000ull;
    p.drift = 0.4;
    p.scale_floor = 0.5;
    p.standardise = 0;
    p.merge_closest = 0;
    p.share_of_total = 0;
    return p;
}

trd_status trd__regime_params_check(const trd__regime_params *p, const char **why)
{
    const char *w = NULL;
    if (!(p->tau_d > 0 && isfinite(p->tau_d)))
        w = "tau_d must be positive";
    else if (p->max_regimes < 2 || p->max_regimes > TRD__REGIMES_MAX)
        w = "max_regimes must lie in 2..32";
    else if (!(p->gamma > 0 && p->gamma <= 1))
        w = "gamma must lie in (0, 1]";
    else if (p->decay_period_ns == 0)
        w = "the decay period must be positive";
    else if (!(p->prune_below >= 0 && p->prune_below < 1))
        w = "prune_below must lie in [0, 1)"; /* a fresh regime (count 1) must survive its first decay */
    else if (p->window == 0 || p->window > 100000)
        w = "window must lie in 1..100000";
    else if (!(p->dominance > 0.5 && p->dominance <= 1))
        w = "dominance must lie in (0.5, 1] so that at most one regime is dominant";
    else if (!(p->min_samples >= 1 && isfinite(p->min_samples)))
        w = "min_samples must be at least 1";
    else if (!(p->min_share >= 0 && p->min_share <= 1))
        w = "min_share must lie in [0, 1]";
    else if (!(p->drift > 0 && isfinite(p->drift)))
        w = "drift must be positive";
    else if (!(p->scale_floor > 0 && isfinite(p->scale_floor)))
        w = "scale_floor must be positive";
    if (why)
        *why = w;
    return w ? TRD_E_INVALID_ARG : TRD_OK;
}

trd_status trd__regimes_init(trd__regimes *rs, const trd__alloc *alloc, size_t n_ops, const trd__regime_params *p)
{
    memset(rs, 0, sizeof *rs);
    if (trd__regime_params_check(p, NULL) != TRD_OK)
        return TRD_E_INVALID_ARG;
    rs->ops = trd__calloc(alloc, n_ops ? n_ops : 1, sizeof *rs->ops);
    if (!rs->ops)
        return TRD_E_NOMEM;
    rs->alloc = alloc;
    rs->p = *p;
    rs->n_ops = n_ops;
    return TRD_OK;
}

static void op_free(const trd__alloc *a, trd__regime_op *o)
{
    trd__free(a, o->r);
    trd__free(a, o->ring);
    memset(o, 0, sizeof *o);
}

void trd__regimes_free(trd__regimes *rs)
{
    if (!rs->alloc)
        return;
    for (size_t i = 0; i < rs->n_ops; i++)
        op_free(rs->alloc, &rs->ops[i]);
    trd__free(rs->alloc, rs->ops);
    memset(rs, 0, sizeof *rs);
}

void trd__regimes_reset_op(trd__regimes *rs, uint32_t op)
{
    if (op < rs->n_ops)
        op_free(rs->alloc, &rs->ops[op]);
}

static trd__regime_op *op_of(const trd__regimes *rs, uint32_t op)
{
    return op < rs->n_ops && rs->ops[op].r ? &rs->ops[op] : NULL;
}

/* ---- metric ---- */

/* Per-feature reciprocal scales: 1, or with `standardise` the running deviation of the log1p feature, floored. */
static void inv_scales(const trd__regimes *rs, const trd__regime_op *o, double *inv)
{
    for (uint32_t d = 0; d < o->dim; d++) {
        double sd = o->stat_n > 0 ? sqrt(o->stat_m2[d] / o->stat_n) : 0;
        inv[d] = rs->p.standardise ? 1 / (sd > rs->p.scale_floor ? sd : rs->p.scale_floor) : 1;
    }
}

static double dist2(const trd__regime_op *o, const double *inv, const double *a, const double *b)
{
    double s = 0;
    for (uint32_t d = 0; d < o->dim; d++) {
        double t = (a[d] - b[d]) * inv[d];
        s += t * t;
    }
    return s;
}

static size_t index_of(const trd__regime_op *o, uint32_t id)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->r[i].id == id)
            return i;
    return o->n;
}

/* ---- the window of recent assignments ---- */

static void ring_replace(trd__regime_op *o, uint32_t from, uint32_t to)
{
    for (size_t i = 0; i < o->ring_len; i++)
        if (o->ring[i] == from)
            o->ring[i] = to;
}

static size_t ring_count(const trd__regime_op *o, uint32_t id)
{
    size_t c = 0;
    for (size_t i = 0; i < o->ring_len; i++)
        c += o->ring[i] == id;
    return c;
}

/* ---- structural changes ---- */

/* Removes slot i (order of the others kept). */
static void remove_slot(trd__regime_op *o, size_t i)
{
    memmove(o->r + i, o->r + i + 1, (o->n - i - 1) * sizeof *o->r);
    o->n--;
}

static void decay(trd__regimes *rs, trd__regime_op *o, uint64_t now_ns, trd__regime_events *ev)
{
    if (now_ns <= o->last_decay_ns)
        return;
    uint64_t periods = (now_ns - o->last_decay_ns) / rs->p.decay_period_ns;
    if (periods == 0)
        return;
    o->last_decay_ns += periods * rs->p.decay_period_ns;
    double f = pow(rs->p.gamma, (double)periods);
    for (size_t i = 0; i < o->n;) {
        o->r[i].count *= f;
        if (o->r[i].count >= rs->p.prune_below) {
            i++;
            continue;
        }
        uint32_t id = o->r[i].id;
        ring_replace(o, id, TRD__REGIME_NONE);
        if (o->dominant == id)
            o->dominant = TRD__REGIME_NONE;
        if (ev) {
            ev->flags |= TRD__REGIME_EV_PRUNED;
            ev->pruned[ev->n_pruned++] = id;
        }
        remove_slot(o, i);
    }
}

/* The merge survivor: the regime holding a tuned config if only one does, else the one further along
 * (Tuning over Pending), else the larger. */
static int survives(const trd__regime *a, const trd__regime *b)
{
    if (a->has_config != b->has_config)
        return a->has_config;
    if (a->status != b->status)
        return a->status > b->status;
    return a->count >= b->count;
}

/* Merges the pair with the smallest Ward cost, to make room for one more regime. */
static void merge_cheapest(trd__regimes *rs, trd__regime_op *o, trd__regime_events *ev)
{
    size_t bi = 0, bj = 1;
    double best = HUGE_VAL, inv[TRD_MAX_FEATURES];
    inv_scales(rs, o, inv);
    for (size_t i = 0; i < o->n; i++)
        for (size_t j = i + 1; j < o->n; j++) {
            double na = o->r[i].count, nb = o->r[j].count;
            double cost = dist2(o, inv, o->r[i].mu, o->r[j].mu) * (rs->p.merge_closest ? 1 : na * nb / (na + nb));
            if (cost < best) {
                best = cost;
                bi = i;
                bj = j;
            }
        }
    size_t keep = survives(&o->r[bi], &o->r[bj]) ? bi : bj, gone = keep == bi ? bj : bi;
    trd__regime *k = &o->r[keep];
    const trd__regime *g = &o->r[gone];
    double total = k->count + g->count;
    for (uint32_t d = 0; d < o->dim; d++)
        k->mu[d] = (k->count * k->mu[d] + g->count * g->mu[d]) / total;
    k->count = total;
    if (g->created_ns < k->created_ns)
        k->created_ns = g->created_ns;
    if (g->last_ns > k->last_ns)
        k->last_ns = g->last_ns;
    uint32_t from = g->id, into = k->id;
    ring_replace(o, from, into);
    if (o->dominant == from)
        o->dominant = into;
    if (ev) {
        ev->flags |= TRD__REGIME_EV_MERGED;
        ev->merged_from = from;
        ev->merged_into = into;
    }
    remove_slot(o, gone);
}

/* ---- observation ---- */

static trd_status op_alloc(trd__regimes *rs, trd__regime_op *o, uint32_t dim, uint64_t now_ns)
{
    trd__regime *r = trd__calloc(rs->alloc, rs->p.max_regimes, sizeof *r);
    uint32_t *ring = trd__calloc(rs->alloc, rs->p.window, sizeof *ring);
    if (!r || !ring) {
        trd__free(rs->alloc, r);
        trd__free(rs->alloc, ring);
        return TRD_E_NOMEM;
    }
    memset(o, 0, sizeof *o);
    o->r = r;
    o->ring = ring;
    o->dim = dim;
    o->dominant = TRD__REGIME_NONE;
    o->last_decay_ns = now_ns;
    return TRD_OK;
}

static void events_clear(trd__regime_events *ev)
{
    if (!ev)
        return;
    memset(ev, 0, sizeof *ev);
    ev->assigned = ev->created = ev->dominant = ev->trigger = TRD__REGIME_NONE;
    ev->merged_from = ev->merged_into = TRD__REGIME_NONE;
}

static void update_dominance(trd__regimes *rs, trd__regime_op *o, uint64_t now_ns, trd__regime_events *ev)
{
    /* A regime holding more than half of the window is the only candidate; find it by majority vote. */
    uint32_t cand = TRD__REGIME_NONE;
    size_t votes = 0;
    for (size_t i = 0; i < o->ring_len; i++) {
        if (votes == 0)
            cand = o->ring[i];
        if (o->ring[i] == cand)
            votes++;
        else
            votes--;
    }
    if (cand == TRD__REGIME_NONE || cand == o->dominant)
        return;
    if ((double)ring_count(o, cand) < rs->p.dominance * (double)rs->p.window)
        return;
    o->dominant = cand;
    o->dominant_since_ns = now_ns;
    if (ev) {
        ev->flags |= TRD__REGIME_EV_DOMINANT;
        ev->dominant = cand;
    }
}

static int should_trigger(const trd__regimes *rs, const trd__regime_op *o, const trd__regime *r, uint64_t now_ns)
{
    if (r->status == TRD__REGIME_TUNING)
        return 0;
    if (o->triggered && now_ns < o->last_trigger_ns + rs->p.cooldown_ns)
        return 0;
    if (r->count < rs->p.min_samples)
        return 0;
    if (rs->p.share_of_total) {
        double total = 0;
        for (size_t i = 0; i < o->n; i++)
            total += o->r[i].count;
        if (r->count < rs->p.min_share * total)
            return 0;
    } else if ((double)ring_count(o, r->id) < rs->p.min_share * (double)rs->p.window) {
        return 0;
    }
    if (r->status == TRD__REGIME_PENDING)
        return 1;
    double inv[TRD_MAX_FEATURES];
    inv_scales(rs, o, inv);
    return dist2(o, inv, r->mu, r->mu_tuned) >= rs->p.drift * rs->p.drift;
}

trd_status trd__regimes_observe(trd__regimes *rs, uint32_t op, const double *features, size_t n, uint64_t now_ns,
                                trd__regime_events *ev)
{
    if (op >= rs->n_ops)
        return TRD_E_NOT_FOUND;
    trd__regime_op *o = &rs->ops[op];
    if (!features || n == 0 || n > TRD_MAX_FEATURES || (o->r && n != o->dim))
        return TRD_E_INVALID_ARG;
    double x[TRD_MAX_FEATURES];
    for (size_t d = 0; d < n; d++) {
        if (!isfinite(features[d]) || features[d] < 0)
            return TRD_E_INVALID_ARG;
        x[d] = log1p(features[d]);
    }
    if (!o->r) {
        trd_status st = op_alloc(rs, o, (uint32_t)n, now_ns);
        if (st != TRD_OK)
            return st;
    }
    events_clear(ev);
    decay(rs, o, now_ns, ev);

    /* Running mean and deviation of each log1p feature (Welford). */
    o->stat_n += 1;
    for (uint32_t d = 0; d < o->dim; d++) {
        double delta = x[d] - o->stat_mean[d];
        o->stat_mean[d] += delta / o->stat_n;
        o->stat_m2[d] += delta * (x[d] - o->stat_mean[d]);
    }

    size_t near = o->n;
    double best = HUGE_VAL, inv[TRD_MAX_FEATURES];
    inv_scales(rs, o, inv);
    for (size_t i = 0; i < o->n; i++) {
        double d2 = dist2(o, inv, x, o->r[i].mu);
        if (d2 < best) {
            best = d2;
            near = i;
        }
    }
    trd__regime *r;
    if (near < o->n && best < rs->p.tau_d * rs->p.tau_d) {
        r = &o->r[near];
        for (uint32_t d = 0; d < o->dim; d++)
            r->mu[d] += (x[d] - r->mu[d]) / (r->count + 1);
        r->count += 1;
    } else {
        if (o->n == rs->p.max_regimes)
            merge_cheapest(rs, o, ev);
        r = &o->r[o->n++];
        memset(r, 0, sizeof *r);
        r->id = o->next_id++;
        r->status = TRD__REGIME_PENDING;
        r->count = 1;
        memcpy(r->mu, x, o->dim * sizeof *x);
        r->created_ns = now_ns;
        if (ev) {
            ev->flags |= TRD__REGIME_EV_NEW;
            ev->created = r->id;
        }
    }
    r->last_ns = now_ns;

    o->ring[o->ring_pos] = r->id;
    o->ring_pos = (o->ring_pos + 1) % rs->p.window;
    if (o->ring_len < rs->p.window)
        o->ring_len++;
    if (ev)
        ev->assigned = r->id;
    update_dominance(rs, o, now_ns, ev);

    if (should_trigger(rs, o, r, now_ns)) {
        r->status = TRD__REGIME_TUNING;
        o->triggered = 1;
        o->last_trigger_ns = now_ns;
        if (ev) {
            ev->flags |= TRD__REGIME_EV_TRIGGER;
            ev->trigger = r->id;
        }
    }
    return TRD_OK;
}

trd_status trd__regimes_tick(trd__regimes *rs, uint32_t op, uint64_t now_ns, trd__regime_events *ev)
{
    if (op >= rs->n_ops)
        return TRD_E_NOT_FOUND;
    events_clear(ev);
    trd__regime_op *o = op_of(rs, op);
    if (o)
        decay(rs, o, now_ns, ev);
    return TRD_OK;
}

/* ---- the control loop's answers ---- */

static trd__regime *find_mut(trd__regimes *rs, uint32_t op, uint32_t id)
{
    trd__regime_op *o = op_of(rs, op);
    if (!o)
        return NULL;
    size_t i = index_of(o, id);
    return i < o->n ? &o->r[i] : NULL;
}

trd_status trd__regimes_set_tuned(trd__regimes *rs, uint32_t op, uint32_t id, uint32_t config, double predicted)
{
    trd__regime *r = find_mut(rs, op, id);
    if (!r)
        return TRD_E_NOT_FOUND;
    r->status = TRD__REGIME_TUNED;
    r->has_config = 1;
    r->config = config;
    r->predicted = predicted;
    memcpy(r->mu_tuned, r->mu, sizeof r->mu);
    return TRD_OK;
}

trd_status trd__regimes_abandon(trd__regimes *rs, uint32_t op, uint32_t id)
{
    trd__regime *r = find_mut(rs, op, id);
    if (!r)
        return TRD_E_NOT_FOUND;
    r->status = r->has_config ? TRD__REGIME_TUNED : TRD__REGIME_PENDING;
    return TRD_OK;
}

/* ---- lookups ---- */

const trd__regime *trd__regimes_get(const trd__regimes *rs, uint32_t op, uint32_t id)
{
    const trd__regime_op *o = op_of(rs, op);
    if (!o)
        return NULL;
    size_t i = index_of(o, id);
    return i < o->n ? &o->r[i] : NULL;
}

size_t trd__regimes_count(const trd__regimes *rs, uint32_t op)
{
    const trd__regime_op *o = op_of(rs, op);
    return o ? o->n : 0;
}

const trd__regime *trd__regimes_at(const trd__regimes *rs, uint32_t op, size_t i)
{
    const trd__regime_op *o = op_of(rs, op);
    return o && i < o->n ? &o->r[i] : NULL;
}

uint32_t trd__regimes_dominant(const trd__regimes *rs, uint32_t op)
{
    const trd__regime_op *o = op_of(rs, op);
    return o ? o->dominant : TRD__REGIME_NONE;
}

uint64_t trd__regimes_dominant_since(const trd__regimes *rs, uint32_t op)
{
    const trd__regime_op *o = op_of(rs, op);
    return o && o->dominant != TRD__REGIME_NONE ? o->dominant_since_ns : 0;
}

uint32_t trd__regimes_centroid_raw(const trd__regimes *rs, uint32_t op, uint32_t id, double *out)
{
    const trd__regime *r = trd__regimes_get(rs, op, id);
    if (!r)
        return 0;
    const trd__regime_op *o = op_of(rs, op);
    for (uint32_t d = 0; d < o->dim; d++)
        out[d] = expm1(r->mu[d]);
    return o->dim;
}

uint32_t trd__regimes_nearest_tuned(const trd__regimes *rs, uint32_t op, uint32_t id)
{
    const trd__regime *self = trd__regimes_get(rs, op, id);
    if (!self)
        return TRD__REGIME_NONE;
    const trd__regime_op *o = op_of(rs, op);
    uint32_t best_id = TRD__REGIME_NONE;
    double best = HUGE_VAL, inv[TRD_MAX_FEATURES];
    inv_scales(rs, o, inv);
    for (size_t i = 0; i < o->n; i++) {
        const trd__regime *r = &o->r[i];
        if (r->id == id || !r->has_config)
            continue;
        double d2 = dist2(o, inv, self->mu, r->mu);
        if (d2 < best) {
            best = d2;
            best_id = r->id;
        }
    }
    return best_id;
}

double trd__regimes_share(const trd__regimes *rs, uint32_t op, uint32_t id)
{
    const trd__regime_op *o = op_of(rs, op);
    return o ? (double)ring_count(o, id) / (double)rs->p.window : 0;
}
