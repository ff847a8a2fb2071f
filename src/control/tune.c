/* tune.c -- the adapt layer in the closed loop (tune.h has the flow).  Context-level glue between the regime
 * clustering and the optimisers of src/adapt, the observe layer (probe measurements), the model (configs a
 * probe or a recommendation introduces) and the loop's transitions. */
#include <math.h>
#include <string.h>

#include "control/loop.h"
#include "control/tune.h"
#include "ctx_internal.h"

#define GIB 1073741824.0

/* ---- tables ---- */

static trd__regime_params regime_params(const double *params)
{
    trd__regime_params p = trd__regime_params_default();
    p.tau_d = params[TRD__PI_REGIME_RADIUS];
    p.max_regimes = (size_t)params[TRD__PI_REGIME_MAX];
    p.gamma = params[TRD__PI_REGIME_DECAY];
    p.decay_period_ns = (uint64_t)params[TRD__PI_REGIME_DECAY_PERIOD_MS] * 1000000u;
    p.window = (size_t)params[TRD__PI_REGIME_WINDOW];
    p.dominance = params[TRD__PI_REGIME_DOMINANCE];
    p.min_share = p.dominance; /* only a dominant regime is tuned: a probe measures the arriving workload */
    p.cooldown_ns = (uint64_t)params[TRD__PI_REGIME_COOLDOWN_MS] * 1000000u;
    return p;
}

/* What an operator may use in memory, and where its peaks are measured.  An accelerator operator's cap is its
 * device-memory cap, or the smallest device it can run on; a CPU operator's its host memory, or the smallest
 * machine's. */
static void describe_op(const trd__model *m, uint32_t op, trd__tune_op *t)
{
    const trd__operator *o = &m->ops[op];
    double g = trd__op_get(o, TRD_OP_GPUS);
    t->tunable = o->n_knobs > 0;
    t->device = g > 0;
    double cap = t->device ? trd__op_get(o, TRD_OP_GPU_MEMORY_BYTES) : trd__op_get(o, TRD_OP_MEMORY_BYTES);
    if (!(cap > 0)) {
        cap = INFINITY;
        for (size_t k = 0; k < m->n_nodes; k++) {
            const trd__node *n = &m->nodes[k];
            double have = t->device ? trd__node_get(n, TRD_NODE_GPU_MEMORY_BYTES) * (g >= 1 ? g : 1)
                                    : trd__node_get(n, TRD_NODE_MEMORY_BYTES);
            if (have > 0 && (!t->device || trd__node_get(n, TRD_NODE_GPUS) > 0))
                cap = fmin(cap, have);
        }
    }
    t->cap_bytes = isfinite(cap) && cap > 0 ? cap : 1e18;
}

static void op_reset(trd__tune_op *t)
{
    memset(t, 0, sizeof *t);
    t->pending = t->tuning = TRD__REGIME_NONE;
    t->rec_config = TRD_NO_CONFIG;
}

trd_status trd__tune_init(trd__tune *t, const trd__alloc *a, const trd__model *m, const double *params)
{
    memset(t, 0, sizeof *t);
    t->alloc = a;
    trd__regime_params rp = regime_params(params);
    if (trd__regimes_init(&t->regimes, a, m ? m->n_ops : 0, &rp) != TRD_OK)
        return TRD_E_NOMEM; /* the parameters are checked by their bounds; only memory can fail */
    t->have_regimes = 1;
    size_t n = m ? m->n_ops : 0;
    t->ops = trd__calloc(a, n ? n : 1, sizeof *t->ops);
    if (!t->ops) {
        trd__regimes_free(&t->regimes);
        return TRD_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        op_reset(&t->ops[i]);
        describe_op(m, (uint32_t)i, &t->ops[i]);
    }
    t->n_ops = n;
    return TRD_OK;
}

static void free_bos(const trd__alloc *a, trd__tune_op *t)
{
    for (size_t k = 0; k < t->n_bos; k++)
        trd__bo_free(&t->bos[k].bo);
    trd__free(a, t->bos);
    t->bos = NULL;
    t->n_bos = t->cap_bos = 0;
}

void trd__tune_free(trd__tune *t)
{
    if (!t->alloc)
        return;
    for (size_t i = 0; i < t->n_ops; i++)
        free_bos(t->alloc, &t->ops[i]);
    trd__free(t->alloc, t->ops);
    if (t->have_regimes)
        trd__regimes_free(&t->regimes);
    memset(t, 0, sizeof *t);
}

trd_status trd__tune_extend(trd__tune *t, const trd__model *m, const double *params)
{
    if (m->n_ops > t->n_ops) {
        /* The regime clustering has a fixed number of operators: a new object with room for all takes over the
         * old operators' states (their storage moves with them; a window's ring is sized by the parameters it
         * was made with, which is why those stay once any operator exists). */
        trd__regime_params rp = t->n_ops == 0 ? regime_params(params) : t->regimes.p;
        trd__regimes grown;
        if (trd__regimes_init(&grown, t->alloc, m->n_ops, &rp) != TRD_OK)
            return TRD_E_NOMEM;
        trd__tune_op *ops = trd__realloc(t->alloc, t->ops, m->n_ops * sizeof *ops);
        if (!ops) {
            trd__regimes_free(&grown);
            return TRD_E_NOMEM;
        }
        t->ops = ops;
        memcpy(grown.ops, t->regimes.ops, t->regimes.n_ops * sizeof *grown.ops);
        memset(t->regimes.ops, 0, t->regimes.n_ops * sizeof *t->regimes.ops);
        trd__regimes_free(&t->regimes);
        t->regimes = grown;
        for (size_t i = t->n_ops; i < m->n_ops; i++)
            op_reset(&t->ops[i]);
        t->n_ops = m->n_ops;
    }
    /* Knobs and caps may have been added or changed by the commit. */
    for (size_t i = 0; i < m->n_ops; i++)
        describe_op(m, (uint32_t)i, &t->ops[i]);
    return TRD_OK;
}

/* ---- optimisers per regime ---- */

static trd__tune_bo *find_bo(trd__tune_op *t, uint32_t regime)
{
    for (size_t k = 0; k < t->n_bos; k++)
        if (t->bos[k].regime == regime)
            return &t->bos[k];
    return NULL;
}

static void drop_bo(const trd__alloc *a, trd__tune_op *t, uint32_t regime)
{
    (void)a;
    for (size_t k = 0; k < t->n_bos; k++)
        if (t->bos[k].regime == regime) {
            trd__bo_free(&t->bos[k].bo);
            t->bos[k] = t->bos[--t->n_bos];
            return;
        }
}

static trd__bo_params bo_params(const trd_ctx *ctx, uint32_t op, double cap)
{
    trd__bo_params p = trd__bo_params_default();
    p.budget = (size_t)trd__ctx_param(ctx, TRD__PI_BO_BUDGET);
    p.eta = trd__ctx_param(ctx, TRD__PI_BO_ETA);
    p.max_crash = trd__ctx_param(ctx, TRD__PI_BO_MAX_CRASH);
    double delta = trd__ctx_param(ctx, TRD__PI_BO_SAFETY_BYTES);
    if (delta < 0) {
        delta = fmax(2 * GIB, 0.1 * cap);
        if (delta > 0.25 * cap)
            delta = 0.1 * cap; /* small instances: 2 GiB would be most of them */
    }
    p.delta_bytes = delta < cap ? delta : 0.1 * cap;
    /* One stream per (context seed, operator): reproducible, and different per operator. */
    p.seed = (uint64_t)trd__ctx_param(ctx, TRD__PI_RANDOM_SEED) * 1000003u + op;
    return p;
}

/* Starts tuning `regime` of `op`: a fresh optimiser, warm-started from the nearest tuned regime's.  0, or -1
 * (no memory, or a space the optimiser refuses: the operator is then not tunable). */
static int start_tuning(trd_ctx *ctx, uint32_t op, uint32_t regime)
{
    trd__tune *tu = &ctx->tune;
    trd__tune_op *t = &tu->ops[op];
    const trd__operator *o = &ctx->model->ops[op];
    trd__tune_bo *b = find_bo(t, regime);
    if (b) { /* tuned before (drift): start afresh */
        trd__bo_free(&b->bo);
        memset(&b->bo, 0, sizeof b->bo);
    } else {
        if (trd__grow(tu->alloc, (void **)&t->bos, &t->cap_bos, t->n_bos + 1, sizeof *t->bos) != 0)
            return -1;
        b = &t->bos[t->n_bos];
        b->regime = regime;
    }
    trd__bo_params p = bo_params(ctx, op, t->cap_bytes);
    trd_status st = trd__bo_init(&b->bo, tu->alloc, o->knobs, o->n_knobs, t->cap_bytes, &p);
    if (st != TRD_OK) {
        if (st == TRD_E_INVALID_ARG) {
            trd__logf(&ctx->log, TRD_LOG_WARN, "adapt", "'%s' cannot be tuned (its knobs or memory cap do not make "
                      "an optimisation space)", o->name);
            t->tunable = 0;
        }
        if (b == &t->bos[t->n_bos])
            memset(b, 0, sizeof *b);
        else
            drop_bo(tu->alloc, t, regime);
        return -1;
    }
    if (b == &t->bos[t->n_bos])
        t->n_bos++;
    uint32_t near = trd__regimes_nearest_tuned(&tu->regimes, op, regime);
    const trd__tune_bo *from = near == TRD__REGIME_NONE ? NULL : find_bo(t, near);
    if (from && trd__bo_warm_start(&b->bo, &from->bo) == TRD_OK)
        trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': tuning regime %u, warm-started from regime %u", o->name,
                  regime, near);
    else
        trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': tuning regime %u", o->name, regime);
    t->tuning = regime;
    t->probe_failures = 0;
    return 0;
}

/* ---- feeding the regimes ---- */

static void note_events(trd_ctx *ctx, uint32_t op, const trd__regime_events *ev)
{
    trd__tune *tu = &ctx->tune;
    trd__tune_op *t = &tu->ops[op];
    if (ev->flags & TRD__REGIME_EV_DOMINANT)
        ctx->control.early |= TRD__EARLY_REGIME;
    if ((ev->flags & TRD__REGIME_EV_TRIGGER) && t->tunable)
        t->pending = ev->trigger;
    else if (ev->flags & TRD__REGIME_EV_TRIGGER)
        trd__regimes_abandon(&tu->regimes, op, ev->trigger);
    uint32_t gone[TRD__REGIMES_MAX + 1];
    size_t n_gone = 0;
    if (ev->flags & TRD__REGIME_EV_MERGED)
        gone[n_gone++] = ev->merged_from;
    for (uint32_t k = 0; (ev->flags & TRD__REGIME_EV_PRUNED) && k < ev->n_pruned; k++)
        gone[n_gone++] = ev->pruned[k];
    for (size_t k = 0; k < n_gone; k++) {
        drop_bo(tu->alloc, t, gone[k]);
        if (t->pending == gone[k])
            t->pending = TRD__REGIME_NONE;
        if (t->tuning == gone[k]) {
            /* Its workload is gone: stop; a probe in flight is left to finish and is ignored. */
            t->tuning = TRD__REGIME_NONE;
        }
    }
}

void trd__tune_observe(trd_ctx *ctx, const trd_sample *a, size_t na, const trd_sample *b, size_t nb)
{
    trd__tune *tu = &ctx->tune;
    if (!tu->have_regimes)
        return;
    for (size_t i = 0; i < na + nb; i++) {
        const trd_sample *s = i < na ? &a[i] : &b[i - na];
        if (s->op >= tu->n_ops || s->n_features != ctx->model->ops[s->op].n_features)
            continue;
        /* An operator without features has one workload: a constant stands for it, so it is tuned once. */
        const double one = 1;
        trd__regime_events ev;
        if (trd__regimes_observe(&tu->regimes, s->op, s->n_features ? s->features : &one,
                                 s->n_features ? s->n_features : 1, s->window_end_ns, &ev) == TRD_OK)
            note_events(ctx, s->op, &ev);
    }
}

/* ---- probes ---- */

uint32_t trd__tune_config_id(const trd__operator *o, const double *cfg)
{
    for (size_t c = 0; c < o->n_configs; c++)
        if (memcmp(&o->configs[c * o->n_knobs], cfg, o->n_knobs * sizeof *cfg) == 0)
            return (uint32_t)c;
    return TRD_NO_CONFIG;
}

/* What observe measured of (op, config) now: the per-instance rate and the peak memory that counts. */
static int measured(trd_ctx *ctx, uint32_t op, uint32_t config, double *rate, double *peak)
{
    double sd, noise, dev, host;
    uint32_t points;
    int src = trd__observe_estimate(&ctx->observe, op, config, NULL, rate, &sd, &noise, &points);
    trd__observe_peak(&ctx->observe, op, config, &dev, &host);
    *peak = ctx->tune.ops[op].device ? dev : host;
    /* A lower bound is what arrived, not what the config can do: no measure of it (an operator starved of
     * input serves every config at the same rate). */
    return src != TRD__SRC_NONE && src != TRD__SRC_LOWER_BOUND && *rate > 0;
}

/* The peak a report carries: what was measured, but never 0 (a host that measures no memory still has
 * instances that use some; the optimiser models memory in logs). */
static double report_peak(double peak) { return peak > 1048576 ? peak : 1048576; }

static void finish_tuning(trd_ctx *ctx, uint32_t op, trd__tune_bo *b, uint64_t now_ns);

static void conclude_probe(trd_ctx *ctx, uint32_t op, uint64_t now_ns)
{
    trd__tune_op *t = &ctx->tune.ops[op];
    trd__tune_bo *b = t->tuning == TRD__REGIME_NONE ? NULL : find_bo(t, t->tuning);
    const char *name = ctx->model->ops[op].name;
    t->probe = TRD__PROBE_NONE;
    t->probes++;
    if (!b)
        return; /* the regime went away while the probe ran */
    if (t->probe_oom) {
        trd__bo_report_oom(&b->bo, t->probe_cfg);
        trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': probe of config %u ran out of memory", name, t->probe_config);
        return;
    }
    double rate, peak;
    if (measured(ctx, op, t->probe_config, &rate, &peak)) {
        peak = fmax(peak, t->probe_peak);
        if (trd__bo_report(&b->bo, t->probe_cfg, rate, report_peak(peak)) == TRD_OK) {
            t->probe_failures = 0;
            trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': probe of config %u: %.4g items/s per instance, "
                      "peak %.4g GB", name, t->probe_config, rate, peak / 1e9);
        }
        return;
    }
    /* The probe's windows never reached the observe layer (the instance stalled, or its samples were lost):
     * ask again, twice at most, then settle for the best config measured. */
    if (++t->probe_failures >= 3) {
        trd__logf(&ctx->log, TRD_LOG_WARN, "adapt", "'%s': three probes measured nothing", name);
        finish_tuning(ctx, op, b, now_ns);
    }
}

/* ---- recommendations ---- */

/* Registers the config (under the lock: trd_ctx_observe validates configs) and returns its id, or
 * TRD_NO_CONFIG when memory or the model's limit refuses it. */
static uint32_t register_config(trd_ctx *ctx, uint32_t op, const double *cfg)
{
    trd__model *m = ctx->model;
    uint32_t id = trd__tune_config_id(&m->ops[op], cfg);
    if (id != TRD_NO_CONFIG || ctx->staged)
        return id; /* with edits pending, a new config would have to go into the staged model too: wait */
    trd__diag d;
    trd__lock_acquire(&ctx->lock);
    trd_status st = trd__model_add_config(m, op, cfg, m->ops[op].n_knobs, &id, &d);
    trd__lock_release(&ctx->lock);
    return st == TRD_OK ? id : TRD_NO_CONFIG;
}

/* The per-instance rate the operator achieves now with the config most of its instances run, less the time its
 * out-of-memory restarts cost. */
static double current_rate(trd_ctx *ctx, uint32_t op, uint32_t *config, uint64_t now_ns)
{
    *config = trd__live_main_config(ctx->model, op, trd__observe_current_config(&ctx->observe, op));
    double rate, peak;
    return measured(ctx, op, *config, &rate, &peak) ? rate * trd__loop_survival(ctx, op, *config, now_ns) : 0;
}

/* Moves op to `config` if that is worth it and nothing else is moving it. */
static void maybe_transition(trd_ctx *ctx, uint32_t op, uint32_t config, double predicted, uint32_t regime,
                             uint64_t now_ns)
{
    trd__control *c = &ctx->control;
    uint32_t current;
    double now_rate = current_rate(ctx, op, &current, now_ns);
    double gain = trd__ctx_param(ctx, TRD__PI_TRANSITION_MIN_GAIN);
    const char *name = ctx->model->ops[op].name;
    if (c->transitions[op].active || config == current || trd__control_infeasible(c, op, config))
        return;
    if (now_rate > 0 && predicted < (1 + gain) * now_rate) {
        trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': config %u predicts %.4g items/s per instance, not %g%% "
                  "above the current %.4g: no transition", name, config, predicted, 100 * gain, now_rate);
        return;
    }
    if (trd__control_start_transition(c, ctx->model, op, config, predicted, regime, now_ns) == 0)
        trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': transition to config %u (%.4g items/s per instance "
                  "predicted, now %.4g)", name, config, predicted, now_rate);
}

/* Tuning of `regime` ended without a recommendation (nothing safe was measured, or the probes measured
 * nothing): the regime keeps the config the operator runs, as if tuned to it.  Abandoning it instead would
 * let the next trigger, a minute later, start over with the same probes; a drift of its workload still
 * re-tunes it. */
static void keep_running_config(trd_ctx *ctx, uint32_t op, uint32_t regime, uint64_t now_ns)
{
    trd__tune_op *t = &ctx->tune.ops[op];
    uint32_t config;
    double rate = current_rate(ctx, op, &config, now_ns);
    t->tuning = TRD__REGIME_NONE;
    trd__regimes_set_tuned(&ctx->tune.regimes, op, regime, config, rate > 0 ? rate : 0);
    trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': tuning of regime %u found nothing better: it keeps config %u",
              ctx->model->ops[op].name, regime, config);
}

static void finish_tuning(trd_ctx *ctx, uint32_t op, trd__tune_bo *b, uint64_t now_ns)
{
    trd__tune_op *t = &ctx->tune.ops[op];
    double cfg[TRD__MAX_KNOBS], predicted, pof;
    uint32_t regime = t->tuning;
    t->tuning = TRD__REGIME_NONE;
    if (trd__bo_recommend(&b->bo, cfg, &predicted, &pof) != TRD_OK) {
        keep_running_config(ctx, op, regime, now_ns);
        return;
    }
    uint32_t config = register_config(ctx, op, cfg);
    if (config == TRD_NO_CONFIG) {
        trd__regimes_abandon(&ctx->tune.regimes, op, regime);
        return;
    }
    t->rec_config = config;
    t->rec_rate = predicted;
    t->rec_pof = pof;
    trd__regimes_set_tuned(&ctx->tune.regimes, op, regime, config, predicted);
    trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': regime %u tuned after %zu probes: config %u, %.4g items/s "
              "per instance predicted, P(fits) %.2f", ctx->model->ops[op].name, regime,
              trd__bo_evaluations(&b->bo), config, predicted, pof);
    if (trd__regimes_dominant(&ctx->tune.regimes, op) == regime)
        maybe_transition(ctx, op, config, predicted, regime, now_ns);
}

/* ---- the step ---- */

/* The next config of op's optimiser to probe, into *req; configs the operator runs already are measured by
 * its own samples and reported at once.  Returns 1 with a request, 0 without. */
static int next_probe(trd_ctx *ctx, uint32_t op, trd__tune_bo *b, trd__probe_req *req, uint64_t now_ns)
{
    trd__tune_op *t = &ctx->tune.ops[op];
    const trd__operator *o = &ctx->model->ops[op];
    for (int guard = 0; guard < 4; guard++) {
        double cfg[TRD__MAX_KNOBS];
        int done = 0;
        if (trd__bo_next(&b->bo, cfg, &done) != TRD_OK)
            return 0;
        if (done) {
            finish_tuning(ctx, op, b, now_ns);
            return 0;
        }
        uint32_t current;
        current_rate(ctx, op, &current, now_ns);
        uint32_t id = trd__tune_config_id(o, cfg);
        double rate, peak;
        if (id != TRD_NO_CONFIG && trd__live_instances_on(ctx->model, op, id) > 0) {
            if (!measured(ctx, op, id, &rate, &peak))
                return 0; /* its samples will say: ask again at the next step */
            if (trd__bo_report(&b->bo, cfg, rate, report_peak(peak)) != TRD_OK)
                return 0;
            continue;
        }
        if (id != TRD_NO_CONFIG && trd__control_infeasible(&ctx->control, op, id)) {
            if (trd__bo_report_oom(&b->bo, cfg) != TRD_OK)
                return 0;
            continue;
        }
        req->op = op;
        req->from_config = current;
        memcpy(req->cfg, cfg, o->n_knobs * sizeof *cfg);
        memcpy(t->probe_cfg, cfg, o->n_knobs * sizeof *cfg);
        t->probe = TRD__PROBE_ASKED;
        t->probe_from = current;
        return 1;
    }
    return 0;
}

/* Whether some live instance of op runs a config marked infeasible. */
static int runs_infeasible(const trd_ctx *ctx, uint32_t op)
{
    const trd__operator *o = &ctx->model->ops[op];
    for (uint32_t config = 0; config < o->n_configs; config++)
        if (trd__control_infeasible(&ctx->control, op, config) && trd__live_instances_on(ctx->model, op, config) > 0)
            return 1;
    return 0;
}

/* How long after its plan was applied a probe of op has been measured: the instance's restart onto the probed
 * config, the probe's duration, and its last window closed (the window and its grace), plus the slack of
 * TRD_P_PROBE_TIMEOUT_MS. */
static uint64_t probe_needs_ns(const trd_ctx *ctx, uint32_t op)
{
    double start, stop, cold;
    trd__loop_timings(ctx, op, &start, &stop, &cold);
    double ms = (stop + start + cold) * 1000 + trd__ctx_param(ctx, TRD__PI_PROBE_DURATION_MS) +
                trd__ctx_param(ctx, TRD__PI_OBSERVE_WINDOW_MS) + trd__ctx_param(ctx, TRD__PI_OBSERVE_GRACE_MS) +
                trd__ctx_param(ctx, TRD__PI_PROBE_TIMEOUT_MS);
    return (uint64_t)(ms * 1e6);
}

void trd__tune_step(trd_ctx *ctx, uint64_t now_ns, trd__probe_req *reqs, size_t *n_reqs)
{
    trd__tune *tu = &ctx->tune;
    trd__control *c = &ctx->control;
    *n_reqs = 0;
    for (uint32_t op = 0; op < tu->n_ops && op < ctx->model->n_ops; op++) {
        trd__tune_op *t = &tu->ops[op];
        if (t->probe == TRD__PROBE_ASKED) /* asked for last time but not put into a plan */
            t->probe = TRD__PROBE_NONE;
        uint64_t needs = probe_needs_ns(ctx, op);
        if (t->probe == TRD__PROBE_RUNNING && now_ns >= t->probe_started_ns &&
            now_ns - t->probe_started_ns >= needs) {
            trd__logf(&ctx->log, TRD_LOG_INFO, "adapt", "'%s': probe of config %u measured (%llu ms since its "
                      "plan); its samples decide", ctx->model->ops[op].name, t->probe_config,
                      (unsigned long long)(needs / 1000000u));
            t->probe = TRD__PROBE_FINISHED;
        }
        if (t->probe == TRD__PROBE_FINISHED)
            conclude_probe(ctx, op, now_ns);
        if (!t->tunable)
            continue;
        if (trd__ctx_param(ctx, TRD__PI_ADAPT_ENABLE) == 0) {
            /* Tuning off (the ablation): the configs stay, except that one which crashes is left for the
             * default (below). */
            t->pending = TRD__REGIME_NONE;
            t->tuning = TRD__REGIME_NONE;
        }
        int busy = c->transitions[op].active || t->probe != TRD__PROBE_NONE;
        if (t->tuning == TRD__REGIME_NONE && t->pending != TRD__REGIME_NONE && !busy) {
            uint32_t regime = t->pending;
            if (start_tuning(ctx, op, regime) == 0)
                t->pending = TRD__REGIME_NONE;
        }
        /* The config most instances run ran out of memory (the workload grew): fall back to the default
         * config at once, rather than crash until the new regime is tuned -- unless it failed too. */
        uint32_t main_config;
        double main_rate = current_rate(ctx, op, &main_config, now_ns);
        if (!c->transitions[op].active && trd__control_infeasible(c, op, main_config) &&
            !trd__control_infeasible(c, op, 0) && main_config != 0) {
            double rate, peak;
            double fallback = measured(ctx, op, 0, &rate, &peak) ? rate : fmax(main_rate, 1e-9);
            if (trd__control_start_transition(c, ctx->model, op, 0, fallback, TRD__NO_REGIME, now_ns) == 0) {
                c->transitions[op].urgent = 1;
                trd__logf(&ctx->log, TRD_LOG_WARN, "adapt", "'%s': config %u runs out of memory; back to the "
                          "default config", ctx->model->ops[op].name, main_config);
            }
            busy = 1;
        } else if (!c->transitions[op].active && !trd__control_infeasible(c, op, main_config) &&
                   runs_infeasible(ctx, op)) {
            /* Some instances still run a config that crashes (a transition to it was dropped when it ran out
             * of memory, after a few rounds had moved instances): they would crash and restart on it forever.
             * Bring them back to the config the others run, all at once. */
            if (trd__control_start_transition(c, ctx->model, op, main_config, fmax(main_rate, 1e-9), TRD__NO_REGIME,
                                              now_ns) == 0) {
                c->transitions[op].urgent = 1;
                trd__logf(&ctx->log, TRD_LOG_WARN, "adapt", "'%s': instances run a config that runs out of memory; "
                          "back to config %u", ctx->model->ops[op].name, main_config);
            }
            busy = 1;
        }
        /* A tuned regime that is dominant again brings its config back, without probing anew. */
        uint32_t dom = trd__regimes_dominant(&tu->regimes, op);
        const trd__regime *r = dom == TRD__REGIME_NONE ? NULL : trd__regimes_get(&tu->regimes, op, dom);
        if (r && r->status == TRD__REGIME_TUNED && r->has_config && t->tuning == TRD__REGIME_NONE && !busy)
            maybe_transition(ctx, op, r->config, r->predicted, dom, now_ns);
        if (t->tuning == TRD__REGIME_NONE || t->probe != TRD__PROBE_NONE || c->transitions[op].active)
            continue;
        trd__tune_bo *b = find_bo(t, t->tuning);
        if (!b) {
            t->tuning = TRD__REGIME_NONE;
            continue;
        }
        /* A probe measures a config only where the operator's windows measure capacity: an asynchronous
         * operator starved of input serves every config at the rate its input arrives.  (The MILP plans such
         * an operator with headroom, which soon gives it a backlog.) */
        if (!trd__observe_capacity_now(&ctx->observe, op))
            continue;
        if (next_probe(ctx, op, b, &reqs[*n_reqs], now_ns))
            (*n_reqs)++;
    }
}

void trd__tune_probe_issued(trd_ctx *ctx, uint32_t op, uint32_t config, uint64_t plan_id)
{
    trd__tune_op *t = &ctx->tune.ops[op];
    if (t->probe != TRD__PROBE_ASKED)
        return;
    t->probe = TRD__PROBE_ISSUED;
    t->probe_config = config;
    t->probe_plan = plan_id;
    t->probe_peak = 0;
    t->probe_oom = 0;
}

void trd__tune_plan_outcome(trd_ctx *ctx, uint64_t plan_id, int applied, uint64_t now_ns)
{
    trd__tune *tu = &ctx->tune;
    for (size_t op = 0; op < tu->n_ops; op++) {
        trd__tune_op *t = &tu->ops[op];
        if (t->probe != TRD__PROBE_ISSUED || t->probe_plan != plan_id)
            continue;
        t->probe = applied ? TRD__PROBE_RUNNING : TRD__PROBE_NONE;
        t->probe_started_ns = now_ns;
        if (applied)
            trd__observe_invalidate(&ctx->observe, (uint32_t)op, t->probe_config); /* measure it afresh */
    }
}

void trd__tune_event(trd_ctx *ctx, const trd_event *e)
{
    trd__tune *tu = &ctx->tune;
    if (e->op >= tu->n_ops)
        return;
    trd__tune_op *t = &tu->ops[e->op];
    int probe_live = t->probe == TRD__PROBE_RUNNING || t->probe == TRD__PROBE_ISSUED;
    if (e->kind == TRD_EVENT_OOM) {
        t->ooms++;
        if (probe_live && e->config == t->probe_config) {
            t->probe_oom = 1;
            t->probe = TRD__PROBE_FINISHED;
            return;
        }
        /* Production ran out of memory, and not just once in a while (the loop marked the config): the
         * optimiser of the regime being tuned learns it too. */
        trd__tune_bo *b = t->tuning == TRD__REGIME_NONE ? NULL : find_bo(t, t->tuning);
        const trd__operator *o = &ctx->model->ops[e->op];
        if (b && e->config < o->n_configs && trd__control_infeasible(&ctx->control, e->op, e->config))
            trd__bo_report_oom(&b->bo, &o->configs[e->config * o->n_knobs]);
    } else if (e->kind == TRD_EVENT_PROBE_FINISHED && probe_live && e->config == t->probe_config) {
        t->probe_peak = e->peak_bytes;
        t->probe = TRD__PROBE_FINISHED;
    }
}

void trd__tune_transition_ended(trd_ctx *ctx, uint32_t op, int completed)
{
    (void)completed;
    /* A finished or dropped transition frees the operator for a pending trigger at the next step. */
    if (op < ctx->tune.n_ops && ctx->control.transitions[op].regime != TRD__NO_REGIME && !completed)
        ctx->control.early |= TRD__EARLY_REGIME;
}
