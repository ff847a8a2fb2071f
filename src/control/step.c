/* step.c -- the control step (DESIGN section 8): fold -> observe -> adapt -> MILP -> compare with the live
 * deployment -> a plan, or none.
 *
 * The step orchestrates the layers, so it is the one place (with loop.c) that sees all of them.  It never
 * leaves a half-made decision behind: everything that can fail (allocation, the solve) happens before the
 * loop's state changes, and a failed step is retried by the next poll (TRD_E_NOMEM) or at the next interval
 * (a solver failure). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/numfmt.h"
#include "control/loop.h"
#include "control/tune.h"
#include "ctx_internal.h"
#include "schedule/plan.h"

/* ---- the step's reason text ---- */

static void reason(trd__control *c, const char *fmt, ...) TRD__PRINTF(2, 3);
static void reason(trd__control *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

/* ---- what the MILP is given ---- */

static double ema_or_unknown(const trd__ema *e) { return e->n ? e->value : -1; }

/* The horizon over which op's config transition must pay back its cold start (TRD_P_TRANSITION_HORIZON_MS):
 * fixed, or the age of the operator's dominant workload regime -- the longer a regime has lasted, the longer it
 * can be expected to last -- and no regime yet means the interval (the schedule layer's floor). */
static double horizon_s(const trd_ctx *ctx, uint32_t op, uint64_t now_ns)
{
    double fixed_ms = trd__ctx_param(ctx, TRD__PI_TRANSITION_HORIZON_MS);
    if (fixed_ms > 0)
        return fixed_ms / 1000;
    uint64_t since = trd__regimes_dominant_since(&ctx->tune.regimes, op);
    return since > 0 && now_ns > since ? (double)(now_ns - since) / 1e9 : 0;
}

static void fill_hints(const trd_ctx *ctx, const trd__learned *learned, size_t n_ops, uint64_t now_ns,
                       trd__sched_hint *h)
{
    const trd__control *c = &ctx->control;
    for (size_t i = 0; i < n_ops; i++) {
        const trd__learned *l = &learned[i];
        h[i].horizon_s = horizon_s(ctx, (uint32_t)i, now_ns);
        h[i].rolling_fraction = c->transitions[i].active && c->transitions[i].urgent ? 1 : -1;
        h[i].start_s = ema_or_unknown(&l->start_s);
        h[i].stop_s = ema_or_unknown(&l->stop_s);
        h[i].cold_s = ema_or_unknown(&l->cold_s);
        h[i].out_per_in = ema_or_unknown(&l->out_per_in);
        h[i].bytes_per_out = ema_or_unknown(&l->bytes_per_out);
    }
}

/* Items out per item in, bytes per item and edge shares (arrivals over the producer's output, arrivals being the
 * items taken plus the queue's growth), updated with what was folded since the last step,
 * into copies of the loop's tables (`l`, `shares`): the step uses them, and installs them only when it
 * commits -- a failed step leaves the flows in the observe layer for the next one.  A share is learned only
 * for an edge into an operator with no other input: with fan-in, what arrives cannot be told apart by edge,
 * and the model's prior stays. */
static void learn_flows(trd_ctx *ctx, trd__learned *l, trd__ema *shares)
{
    const trd__model *m = ctx->model;
    const trd__control *c = &ctx->control;
    double alpha = trd__ctx_param(ctx, TRD__PI_LEARN_ALPHA);
    memcpy(l, c->learned, m->n_ops * sizeof *l);
    memcpy(shares, c->shares, m->n_edges * sizeof *shares);
    for (uint32_t op = 0; op < m->n_ops; op++) {
        double bytes;
        trd__observe_peek_flow(&ctx->observe, op, &l[op].flow_in, &l[op].flow_out, &bytes);
        if (l[op].flow_in > 0)
            trd__ema_add(&l[op].out_per_in, l[op].flow_out / l[op].flow_in, alpha);
        if (l[op].flow_out > 0 && bytes > 0)
            trd__ema_add(&l[op].bytes_per_out, bytes / l[op].flow_out, alpha);
    }
    for (size_t e = 0; e < m->n_edges; e++) {
        uint32_t from = m->edges[e].from, to = m->edges[e].to;
        size_t fan_in = 0;
        for (size_t q = 0; q < m->n_edges; q++)
            fan_in += m->edges[q].to == to;
        /* What arrived is what was taken plus what piled up in the queue: while a slow consumer's backlog grows,
         * the items it takes undercount the producer's share (a fast upstream feeding a slow downstream would
         * otherwise look like a filter, and the scheduler would starve the bottleneck further). */
        double out = l[from].flow_out;
        double in = l[to].flow_in + trd__observe_peek_queue_growth(&ctx->observe, to);
        if (fan_in == 1 && out > 0 && in > 0)
            trd__ema_add(&shares[e], fmin(1, in / out), alpha);
    }
}

/* Installs the step's learned tables and consumes the flows they include. */
static void commit_flows(trd_ctx *ctx, const trd__learned *l, const trd__ema *shares)
{
    const trd__model *m = ctx->model;
    trd__control *c = &ctx->control;
    for (uint32_t op = 0; op < m->n_ops; op++) {
        double in, out, bytes;
        trd__observe_take_flow(&ctx->observe, op, &in, &out, &bytes);
        c->learned[op] = l[op];
    }
    memcpy(c->shares, shares, m->n_edges * sizeof *shares);
}

/* The config most instances of op run, not counting those already on `skip` (a transition's target). */
static uint32_t current_config(const trd__model *m, uint32_t op, uint32_t skip, uint32_t fallback)
{
    uint32_t best = fallback, best_n = 0;
    for (size_t q = 0; q < m->n_placements; q++) {
        const trd__placement *p = &m->placements[q];
        if (p->op != op || p->config == skip)
            continue;
        uint32_t n = trd__live_instances_on(m, op, p->config);
        if (n > best_n || (n == best_n && p->config < best))
            best = p->config, best_n = n;
    }
    return best;
}

/* Instances of a device-sharing operator (0 < gpus < 1) per device they occupy in the live deployment: the
 * observe layer measures what one instance does, the scheduler wants what a whole device does (trd_rate), and
 * time-sliced instances each get the device for 1/k of the time.  1 for other operators, and while none runs
 * (then the rate seen came from a time the instances had devices to themselves, as far as anyone knows). */
static double instances_per_device(const trd__model *m, uint32_t op)
{
    const trd__operator *o = &m->ops[op];
    double g = trd__op_get(o, TRD_OP_GPUS);
    if (!(g > 0 && g < 1))
        return 1;
    double instances = 0, devices = 0;
    for (size_t q = 0; q < m->n_placements; q++) {
        const trd__placement *p = &m->placements[q];
        if (p->op != op)
            continue;
        /* Each entry's instances share their machine's devices with the op's other entries there; entries are
         * counted per machine once. */
        int first = 1;
        for (size_t r = 0; r < q && first; r++)
            first = !(m->placements[r].op == op && m->placements[r].node == p->node &&
                      m->placements[r].member == p->member);
        if (!first)
            continue;
        double here = 0;
        for (size_t r = q; r < m->n_placements; r++)
            if (m->placements[r].op == op && m->placements[r].node == p->node && m->placements[r].member == p->member)
                here += m->placements[r].instances;
        const trd__node *n = &m->nodes[p->node];
        double share = trd__op_device_share(o, n);
        double used = fmin(trd__node_get(n, TRD_NODE_GPUS), ceil(here * share - 1e-9));
        instances += here;
        devices += used > 0 ? used : 1;
    }
    return devices > 0 && instances > 0 ? instances / devices : 1;
}

/* A rate the observe layer can vouch for: a GP, or an EMA of at least three windows. */
static int measured(int source, uint32_t points)
{
    return source == TRD__SRC_GP || (source == TRD__SRC_EMA && points >= 3);
}

/* One trd_rate per operator from the observe layer (current config) and the transitions (candidate); the
 * rates are remembered in `learned` (the step's copy) as the fallback for later steps.  Returns the number of
 * operators without any rate; their names go into `missing`. */
static size_t gather_rates(trd_ctx *ctx, uint64_t now_ns, trd__learned *learned, trd_rate *rates, char *missing,
                           size_t cap)
{
    const trd__model *m = ctx->model;
    const trd__control *c = &ctx->control;
    size_t n_missing = 0, len = 0;
    missing[0] = '\0';
    for (uint32_t op = 0; op < m->n_ops; op++) {
        const trd__transition *t = &c->transitions[op];
        trd__learned *l = &learned[op];
        uint32_t skip = t->active ? t->target : TRD_NO_CONFIG;
        uint32_t cur = current_config(m, op, skip, trd__observe_current_config(&ctx->observe, op));
        double mean, sd, noise;
        uint32_t points;
        int src = trd__observe_estimate(&ctx->observe, op, cur, NULL, &mean, &sd, &noise, &points);
        if (src == TRD__SRC_NONE || !(mean > 0)) {
            if (l->last_rate > 0 && l->last_rate_config == cur) {
                mean = l->last_rate;
            } else {
                if (n_missing++ < 4 && len + 1 < cap) {
                    int k = snprintf(missing + len, cap - len, "%s'%s'", len ? ", " : "", m->ops[op].name);
                    len += k > 0 ? ((size_t)k < cap - len ? (size_t)k : cap - len - 1) : 0;
                }
                continue;
            }
        }
        /* A rate known only as a lower bound (what an operator that never had a backlog did) is planned with
         * headroom: with the bound itself, every extra instance would lower the next bound (each sees a smaller
         * share of the load) and the operator would take ever more instances; with headroom it is saturated
         * within a few plans, and then measured. */
        if (src == TRD__SRC_LOWER_BOUND)
            mean *= trd__ctx_param(ctx, TRD__PI_LOWER_BOUND_HEADROOM);
        l->last_rate = mean;
        l->last_rate_config = cur;
        /* Time lost to out-of-memory restarts produces nothing, whatever the windows in between measured (the
         * observe layer keeps no-progress windows out of its estimates): a config counts for its productive
         * share -- and for next to nothing while an urgent transition takes the operator away from a config
         * that crashes, so that the MILP restarts every instance it can.  (Without a way out, next to nothing
         * would only starve the plan around it.) */
        int leaving = t->active && t->urgent && t->target != cur && trd__control_infeasible(c, op, cur);
        mean *= leaving ? 1e-3 : fmax(1e-3, trd__loop_survival(ctx, op, cur, now_ns));
        double per_device = instances_per_device(m, op);
        trd_rate *r = &rates[op];
        memset(r, 0, sizeof *r);
        r->op = op;
        r->items_per_s = mean * per_device;
        r->candidate_config = TRD_NO_CONFIG;
        if (t->active && t->target != cur) {
            double cm, csd, cn;
            uint32_t cp;
            int cs = trd__observe_estimate(&ctx->observe, op, t->target, NULL, &cm, &csd, &cn, &cp);
            r->candidate_config = t->target;
            r->candidate_items_per_s = (measured(cs, cp) && cm > 0 ? cm : t->predicted) * per_device;
            if (!(r->candidate_items_per_s > 0))
                r->candidate_config = TRD_NO_CONFIG;
        }
    }
    return n_missing;
}

/* Predicted throughput of the live deployment with the step's rates (no transition restarts, NIC limits not
 * counted: it errs high, so the gain a plan must show errs on the side of not churning the host). */
static double live_throughput(const trd__sched_input *in)
{
    double best = INFINITY;
    for (size_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        if (o->D <= 0)
            continue;
        double t = trd__sched_op_capacity(o, o->n_now, 0) / o->D;
        if (t < best)
            best = t;
    }
    return isfinite(best) && best > 0 ? best : 0;
}

/* ---- when a step is due ---- */

static int step_due(const trd_ctx *ctx, uint64_t now_ns)
{
    const trd__control *c = &ctx->control;
    if (!c->stepped)
        return 1;
    if (now_ns < c->last_step_ns)
        return 0;
    uint64_t elapsed = now_ns - c->last_step_ns;
    if (elapsed >= (uint64_t)trd__ctx_param(ctx, TRD__PI_SCHED_INTERVAL_MS) * 1000000u)
        return 1;
    return c->early != 0 && elapsed >= (uint64_t)trd__ctx_param(ctx, TRD__PI_EARLY_STEP_MIN_MS) * 1000000u;
}

/* ---- probes ---- */

/* The machine where op's probe runs: the first target entry that keeps an instance on from_config. */
static int probe_site(const trd_plan *p, const trd__probe_req *r, uint32_t *node, uint32_t *member)
{
    for (size_t k = 0; k < p->n_targets; k++) {
        const trd_target *t = &p->targets[k];
        if (t->op == r->op && t->config == r->from_config && t->instances > 0) {
            *node = t->node;
            *member = t->member;
            return 1;
        }
    }
    return 0;
}

/* ---- the step ---- */

typedef struct step_ws {
    trd_rate *rates;
    trd__sched_hint *hints;
    double *shares;
    trd__learned *learned;
    trd__ema *share_emas;
    trd__probe_req *reqs;
    trd_action *probes;
    size_t *probe_req; /* the request behind each probe action */
    trd_target *targets_copy;
    trd_action *actions_copy;
} step_ws;

static void ws_free(const trd__alloc *a, step_ws *w)
{
    trd__free(a, w->rates);
    trd__free(a, w->hints);
    trd__free(a, w->shares);
    trd__free(a, w->learned);
    trd__free(a, w->share_emas);
    trd__free(a, w->reqs);
    trd__free(a, w->probes);
    trd__free(a, w->probe_req);
    trd__free(a, w->targets_copy);
    trd__free(a, w->actions_copy);
}

/* Whether the MILP's own changes are worth making: they continue a config transition, restore an operator
 * below its minimum instances, or gain at least TRD_P_MIN_GAIN (*gain receives the predicted gain). */
static int changes_worth(const trd_ctx *ctx, const trd__sched_input *in, const trd_plan *plan, double live,
                         double *gain)
{
    int reconfigures = 0, restores = 0;
    for (size_t k = 0; k < plan->n_actions; k++)
        reconfigures |= plan->actions[k].kind == TRD_ACTION_RECONFIGURE;
    for (size_t i = 0; i < in->n_ops; i++)
        restores |= in->ops[i].n_now < in->ops[i].min_inst;
    *gain = live > 0 ? plan->throughput / live - 1 : INFINITY;
    return plan->n_actions > 0 && (reconfigures || restores || *gain >= trd__ctx_param(ctx, TRD__PI_MIN_GAIN));
}

/* The step's decision: keep the plan or withhold it, with the reason's first sentence.  `changes`: the plan
 * makes changes of its own that are worth making (changes_worth); otherwise it has none left. */
static int worth_issuing(trd_ctx *ctx, const trd__sched_input *in, const trd_plan *plan, int changes, double gain,
                         size_t n_probes, char *note, size_t cap)
{
    int restores = 0, reconfigures = 0;
    for (size_t k = 0; k < plan->n_actions; k++)
        reconfigures |= plan->actions[k].kind == TRD_ACTION_RECONFIGURE;
    for (size_t i = 0; i < in->n_ops; i++)
        restores |= in->ops[i].n_now < in->ops[i].min_inst;
    char g[TRD__NUM_CAP], mg[TRD__NUM_CAP];
    trd__fmt_sig3(g, 100 * gain);
    trd__fmt_sig3(mg, 100 * trd__ctx_param(ctx, TRD__PI_MIN_GAIN));
    if (changes) {
        if (restores)
            snprintf(note, cap, "plan: an operator is below its minimum instances");
        else if (reconfigures)
            snprintf(note, cap, "plan: a config transition continues");
        else if (isfinite(gain))
            snprintf(note, cap, "plan: predicted gain %s%%", g);
        else
            snprintf(note, cap, "plan: nothing runs yet");
        return 1;
    }
    if (n_probes > 0) {
        snprintf(note, cap, "plan: probes only");
        return 1;
    }
    if (plan->n_actions == 0 && !(gain > 0))
        snprintf(note, cap, "no plan: the live deployment is already the best one");
    else
        snprintf(note, cap, "no plan: predicted gain %s%% is below min_gain %s%%", g, mg);
    return 0;
}

/* Counts deferred transition rounds and drops transitions deferred too often. */
static void judge_deferrals(trd_ctx *ctx, const trd__sched_input *in, const trd__sched_solution *sol)
{
    trd__control *c = &ctx->control;
    uint32_t max_def = (uint32_t)trd__ctx_param(ctx, TRD__PI_TRANSITION_MAX_DEFERRALS);
    for (uint32_t op = 0; op < in->n_ops; op++) {
        trd__transition *t = &c->transitions[op];
        if (!t->active || in->ops[op].cand == TRD_NO_CONFIG)
            continue;
        if (sol->b[op] > 0) {
            t->deferrals = 0;
        } else if (++t->deferrals >= max_def) {
            trd__loop_end_transition(ctx, op, "deferred by too many plans in a row");
        }
    }
}

trd_status trd__loop_poll(trd_ctx *ctx, uint64_t now_ns, trd_plan **out_plan)
{
    trd__control *c = &ctx->control;
    const trd__alloc *a = &ctx->alloc;
    *out_plan = NULL;
    if (trd__ctx_fold(ctx) != TRD_OK)
        return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "poll: out of memory folding buffered samples (they "
                             "stay buffered)");
    trd__loop_expire(ctx, now_ns);
    if (!step_due(ctx, now_ns))
        return TRD_OK;
    if (c->have_outstanding) {
        reason(c, "no plan: plan %llu awaits its outcome", (unsigned long long)c->out.id);
        return TRD_OK;
    }

    const trd__model *m = ctx->model;
    size_t n_ops = m->n_ops;
    step_ws w;
    memset(&w, 0, sizeof w);
    w.rates = trd__calloc(a, n_ops, sizeof *w.rates);
    w.hints = trd__calloc(a, n_ops, sizeof *w.hints);
    w.reqs = trd__calloc(a, n_ops, sizeof *w.reqs);
    w.probes = trd__calloc(a, n_ops, sizeof *w.probes);
    w.probe_req = trd__calloc(a, n_ops, sizeof *w.probe_req);
    w.shares = trd__calloc(a, m->n_edges ? m->n_edges : 1, sizeof *w.shares);
    w.learned = trd__calloc(a, n_ops, sizeof *w.learned);
    w.share_emas = trd__calloc(a, m->n_edges ? m->n_edges : 1, sizeof *w.share_emas);
    if (!w.rates || !w.hints || !w.reqs || !w.probes || !w.probe_req || !w.shares || !w.learned || !w.share_emas) {
        ws_free(a, &w);
        return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "poll: out of memory starting a step");
    }

    /* Adapt first: it may start a transition, which the rates then offer to the MILP. */
    size_t n_reqs = 0;
    trd__tune_step(ctx, now_ns, w.reqs, &n_reqs);
    trd_status st;
    learn_flows(ctx, w.learned, w.share_emas);
    char missing[256];
    size_t n_missing = gather_rates(ctx, now_ns, w.learned, w.rates, missing, sizeof missing);
    if (n_missing > 0) {
        /* Not a step: the next poll tries again, since estimates appear as windows close. */
        reason(c, "no plan: waiting for throughput estimates of %zu operator(s) (%s%s)", n_missing, missing,
               n_missing > 4 ? ", ..." : "");
        ws_free(a, &w);
        return TRD_OK;
    }
    fill_hints(ctx, w.learned, n_ops, now_ns, w.hints);
    for (size_t e = 0; e < m->n_edges; e++)
        w.shares[e] = ema_or_unknown(&w.share_emas[e]);
    trd__sched_params params = trd__ctx_sched_params(ctx, w.hints, w.shares);
    trd__sched_input in;
    trd__sched_solution sol;
    trd__diag d;
    st = trd__sched_input_init(&in, m, a, w.rates, n_ops, &params, &d);
    if (st != TRD_OK) {
        ws_free(a, &w);
        if (st != TRD_E_NOMEM) /* a model the solver cannot plan for: the next try waits an interval */
            c->stepped = 1, c->last_step_ns = now_ns, c->early = 0;
        return trd__ctx_failed(ctx, "control", st, &d);
    }
    if (trd__sched_solution_init(&sol, &in) != 0) {
        trd__sched_input_free(&in);
        ws_free(a, &w);
        return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "poll: out of memory preparing the solve");
    }
    st = trd__sched_solve(&in, &sol, &d);
    trd_plan *plan = NULL;
    if (st == TRD_OK) {
        plan = trd__plan_build(&in, &sol, ctx->plans_made + 1, m->epoch);
        if (!plan)
            st = trd__fail(&d, TRD_E_NOMEM, "poll: out of memory building the plan");
    }
    if (st != TRD_OK) {
        trd__sched_solution_free(&sol, a);
        trd__sched_input_free(&in);
        ws_free(a, &w);
        if (st != TRD_E_NOMEM) {
            c->stepped = 1, c->last_step_ns = now_ns, c->early = 0;
            c->info.steps++;
            reason(c, "no plan: %s", d.msg);
        }
        return trd__ctx_failed(ctx, "control", st, &d);
    }

    /* Changes below the churn threshold are not made -- not even alongside probes, which would otherwise carry
     * them out: a plan for probes alone keeps the live deployment. */
    double live = live_throughput(&in), gain;
    int changes = changes_worth(ctx, &in, plan, live, &gain);
    if (!changes && n_reqs > 0 && plan->n_actions > 0 && trd__plan_keep(plan, m, live) != 0) {
        trd__plan_free(plan);
        trd__sched_solution_free(&sol, a);
        trd__sched_input_free(&in);
        ws_free(a, &w);
        return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "poll: out of memory finishing the plan");
    }

    /* Probes go on machines the plan keeps an instance of the probed operator on.  A probed config gets its
     * id now -- the one it has, or the next free one, which it will get when it is registered below, past the
     * point of no return (room for it is reserved first, so registering cannot fail). */
    size_t n_probes = 0;
    int reserved = 1;
    trd__lock_acquire(&ctx->lock);
    for (size_t k = 0; k < n_reqs; k++) {
        uint32_t node, member, op = w.reqs[k].op;
        if (!probe_site(plan, &w.reqs[k], &node, &member))
            continue;
        const trd__operator *o = &m->ops[op];
        uint32_t id = trd__tune_config_id(o, w.reqs[k].cfg);
        if (id == TRD_NO_CONFIG) {
            if (ctx->staged || o->n_configs >= TRD__MAX_CONFIGS)
                continue; /* a new config while edits are pending would have to go into them too: later */
            if (trd__model_reserve_configs(ctx->model, op, 1) != 0) {
                reserved = 0;
                break;
            }
            id = (uint32_t)o->n_configs;
        }
        w.probe_req[n_probes] = k;
        w.probes[n_probes++] = (trd_action){TRD_ACTION_PROBE, op, node, member, id, w.reqs[k].from_config, 1, 3};
    }
    trd__lock_release(&ctx->lock);
    char note[256];
    int issue = worth_issuing(ctx, &in, plan, changes, gain, n_probes, note, sizeof note);
    if (!reserved || (issue && (trd__plan_amend(plan, w.probes, n_probes, note) != 0 ||
                  !(w.targets_copy = trd__calloc(a, plan->n_targets ? plan->n_targets : 1, sizeof(trd_target))) ||
                  !(w.actions_copy = trd__calloc(a, plan->n_actions ? plan->n_actions : 1, sizeof(trd_action)))))) {
        trd__plan_free(plan);
        trd__sched_solution_free(&sol, a);
        trd__sched_input_free(&in);
        ws_free(a, &w);
        return trd__ctx_fail(ctx, "control", TRD_E_NOMEM, "poll: out of memory finishing the plan");
    }

    /* Nothing can fail from here on: commit the step. */
    c->stepped = 1;
    c->last_step_ns = now_ns;
    c->early = 0;
    c->info.steps++;
    c->info.last_step_ns = now_ns;
    c->info.live_throughput = live;
    c->info.planned_throughput = plan->throughput;
    commit_flows(ctx, w.learned, w.share_emas);
    judge_deferrals(ctx, &in, &sol);
    if (issue) {
        memcpy(w.targets_copy, plan->targets, plan->n_targets * sizeof *plan->targets);
        memcpy(w.actions_copy, plan->actions, plan->n_actions * sizeof *plan->actions);
        trd__outstanding *o = &c->out;
        o->id = plan->id;
        o->epoch = plan->epoch;
        o->issued_ns = now_ns;
        o->targets = w.targets_copy;
        o->n_targets = plan->n_targets;
        o->actions = w.actions_copy;
        o->n_actions = plan->n_actions;
        w.targets_copy = NULL;
        w.actions_copy = NULL;
        c->have_outstanding = 1;
        ctx->plans_made++;
        c->info.plans++;
        trd__lock_acquire(&ctx->lock);
        for (size_t k = 0; k < n_probes; k++) {
            trd__model *mm = ctx->model;
            const trd__probe_req *r = &w.reqs[w.probe_req[k]];
            uint32_t id;
            trd__diag d2;
            /* Cannot fail: the values came from the optimiser (in the domain) and room was reserved. */
            trd__model_add_config(mm, r->op, r->cfg, mm->ops[r->op].n_knobs, &id, &d2);
        }
        trd__lock_release(&ctx->lock);
        for (size_t k = 0; k < n_probes; k++) {
            trd__tune_probe_issued(ctx, w.probes[k].op, w.probes[k].config, plan->id);
            c->info.probes++;
        }
        snprintf(c->reason, sizeof c->reason, "%s", plan->reason);
        trd__logf(&ctx->log, TRD_LOG_INFO, "control", "plan %llu: %s", (unsigned long long)plan->id, plan->reason);
        *out_plan = plan;
    } else {
        snprintf(c->reason, sizeof c->reason, "%s; %s", note, plan->reason);
        trd__plan_free(plan);
    }
    trd__sched_solution_free(&sol, a);
    trd__sched_input_free(&in);
    ws_free(a, &w);
    return TRD_OK;
}
