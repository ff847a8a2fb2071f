/* plan.c -- from a packed solution to a plan: which configs the target instances run, and the ordered actions.
 *
 * Per operator and machine, instances already on the candidate config stay first (the solver counted them at
 * the candidate's rate), then instances on other configs, in config order; the machine's remaining target is
 * started.  The b_i restarts of this rolling-update round are spread over machines (one per machine in turn),
 * so no machine loses several instances at once; restarts that find no kept instance, and candidate instances
 * lost to a move, are started directly with the candidate config.  Other starts use the operator's current
 * config.  Stops come before starts on a machine only when the starts would not fit beside the instances they
 * replace; elsewhere replacements start first, so capacity never dips needlessly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schedule/plan.h"

typedef struct vec {
    void *items;
    size_t n, cap, size;
    int failed;
} vec;

static void *push(const trd__alloc *a, vec *v)
{
    if (v->failed || trd__grow(a, &v->items, &v->cap, v->n + 1, v->size) != 0) {
        v->failed = 1;
        return NULL;
    }
    return (char *)v->items + v->size * v->n++;
}

static uint32_t node_of(const trd__sched_input *in, uint32_t mc) { return in->pools[in->machine_pool[mc]].node; }
static uint32_t member_of(const trd__sched_input *in, uint32_t mc)
{
    return mc - in->pools[in->machine_pool[mc]].first;
}

static void add_action(const trd__alloc *a, vec *v, const trd__sched_input *in, uint32_t kind, uint32_t op,
                       uint32_t mc, uint32_t config, uint32_t from, uint32_t count)
{
    if (count == 0)
        return;
    trd_action *x = push(a, v);
    if (x)
        *x = (trd_action){kind, op, node_of(in, mc), member_of(in, mc), config, from, count, 0};
}

static void add_target(const trd__alloc *a, vec *v, const trd__sched_input *in, uint32_t op, uint32_t mc,
                       uint32_t config, uint32_t n)
{
    if (n == 0)
        return;
    trd_target *t = push(a, v);
    if (t)
        *t = (trd_target){op, node_of(in, mc), member_of(in, mc), config, n, 0};
}

/* One deployment entry of the operator being planned, with what happens to it. */
typedef struct entry {
    uint32_t mc, config, now, kept, reconf;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->mc != y->mc)
        return x->mc < y->mc ? -1 : 1;
    return (x->config > y->config) - (x->config < y->config);
}

/* Plans operator i.  `e` holds room for all deployment entries. */
static void plan_op(const trd__sched_input *in, const trd__sched_solution *sol, uint32_t i, entry *e, vec *acts,
                    vec *tgts)
{
    const trd__alloc *a = in->alloc;
    const trd__model *m = in->model;
    const trd__sched_op *o = &in->ops[i];
    size_t n = 0;
    for (size_t q = 0; q < m->n_placements; q++) {
        const trd__placement *pl = &m->placements[q];
        for (size_t p = 0; p < in->n_pools; p++)
            if (pl->op == i && in->pools[p].node == pl->node)
                e[n++] = (entry){in->pools[p].first + pl->member, pl->config, pl->instances, 0, 0};
    }
    qsort(e, n, sizeof *e, cmp_entry);
    const uint32_t *target = sol->count + (size_t)i * in->n_machines;
    uint32_t kept_new = 0, kept_old = 0;
    /* Keep: candidate instances first, then the others in config order; entries of a machine are adjacent. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < n; k++) {
            if ((e[k].config == o->cand) != (pass == 0))
                continue;
            uint32_t used = 0;
            for (size_t q = 0; q < n; q++)
                if (e[q].mc == e[k].mc)
                    used += e[q].kept;
            uint32_t room = target[e[k].mc] - used;
            e[k].kept = e[k].now < room ? e[k].now : room;
            *(pass == 0 ? &kept_new : &kept_old) += e[k].kept;
        }
    /* This round's restarts, one machine at a time. */
    uint32_t b = sol->b[i], reconf = 0;
    for (int progress = 1; reconf < b && progress;) {
        progress = 0;
        for (size_t k = 0; k < n && reconf < b;) {
            size_t end = k;
            while (end < n && e[end].mc == e[k].mc)
                end++;
            for (size_t q = k; q < end; q++)
                if (e[q].config != o->cand && e[q].reconf < e[q].kept) {
                    e[q].reconf++;
                    reconf++;
                    progress = 1;
                    break;
                }
            k = end;
        }
    }
    uint32_t cand_starts = b - reconf + (o->n_new > kept_new ? o->n_new - kept_new : 0);
    for (size_t k = 0; k < n; k++) {
        add_action(a, acts, in, TRD_ACTION_STOP, i, e[k].mc, e[k].config, TRD_NO_CONFIG, e[k].now - e[k].kept);
        add_action(a, acts, in, TRD_ACTION_RECONFIGURE, i, e[k].mc, o->cand, e[k].config, e[k].reconf);
        add_target(a, tgts, in, i, e[k].mc, e[k].config, e[k].kept - e[k].reconf);
        if (e[k].reconf)
            add_target(a, tgts, in, i, e[k].mc, o->cand, e[k].reconf);
    }
    for (uint32_t mc = 0; mc < in->n_machines; mc++) {
        uint32_t kept = 0;
        for (size_t k = 0; k < n; k++)
            if (e[k].mc == mc)
                kept += e[k].kept;
        uint32_t starts = target[mc] - kept;
        uint32_t to_cand = o->cand == TRD_NO_CONFIG ? 0 : starts < cand_starts ? starts : cand_starts;
        cand_starts -= to_cand;
        add_action(a, acts, in, TRD_ACTION_START, i, mc, o->cand, TRD_NO_CONFIG, to_cand);
        add_action(a, acts, in, TRD_ACTION_START, i, mc, o->cur_config, TRD_NO_CONFIG, starts - to_cand);
        add_target(a, tgts, in, i, mc, o->cand, to_cand);
        add_target(a, tgts, in, i, mc, o->cur_config, starts - to_cand);
    }
}

/* Whether the starts on machine mc fit beside everything that runs there now. */
static int starts_fit_beside(trd__fleet *f, const trd_action *acts, size_t n_acts, uint32_t mc)
{
    const trd__sched_input *in = f->in;
    trd__fleet_reset_machine(f, mc);
    for (size_t i = 0; i < in->n_ops; i++)
        for (uint32_t k = 0; k < in->current[i * in->n_machines + mc]; k++)
            trd__fleet_place(f, (uint32_t)i, mc);
    for (size_t k = 0; k < n_acts; k++)
        if (acts[k].kind == TRD_ACTION_START && node_of(in, mc) == acts[k].node && member_of(in, mc) == acts[k].member)
            for (uint32_t c = 0; c < acts[k].count; c++)
                if (!trd__fleet_place(f, acts[k].op, mc))
                    return 0;
    return 1;
}

static uint32_t machine_of(const trd__sched_input *in, const trd_action *x)
{
    for (size_t p = 0; p < in->n_pools; p++)
        if (in->pools[p].node == x->node)
            return in->pools[p].first + x->member;
    return 0;
}

static int rank(uint32_t kind) { return kind == TRD_ACTION_STOP ? 0 : kind == TRD_ACTION_START ? 1 : 2; }

static int cmp_action(const void *a, const void *b)
{
    const trd_action *x = a, *y = b;
    const uint32_t kx[7] = {x->round, (uint32_t)rank(x->kind), x->op, x->node, x->member, x->from_config, x->config};
    const uint32_t ky[7] = {y->round, (uint32_t)rank(y->kind), y->op, y->node, y->member, y->from_config, y->config};
    for (int k = 0; k < 7; k++)
        if (kx[k] != ky[k])
            return kx[k] < ky[k] ? -1 : 1;
    return 0;
}

static int cmp_target(const void *a, const void *b)
{
    const trd_target *x = a, *y = b;
    const uint32_t kx[4] = {x->op, x->node, x->member, x->config}, ky[4] = {y->op, y->node, y->member, y->config};
    for (int k = 0; k < 4; k++)
        if (kx[k] != ky[k])
            return kx[k] < ky[k] ? -1 : 1;
    return 0;
}

/* Assigns rounds (see trd_action) and sorts. */
static int order_actions(const trd__sched_input *in, trd_action *acts, size_t n)
{
    trd__fleet f;
    if (trd__fleet_init(&f, in) != 0)
        return -1;
    for (size_t k = 0; k < n; k++)
        acts[k].round = acts[k].kind == TRD_ACTION_START ? 2 : 3;
    for (size_t k = 0; k < n; k++) {
        if (acts[k].kind != TRD_ACTION_STOP || acts[k].round == 1)
            continue;
        uint32_t mc = machine_of(in, &acts[k]);
        if (starts_fit_beside(&f, acts, n, mc))
            continue;
        for (size_t q = 0; q < n; q++)
            if (acts[q].kind == TRD_ACTION_STOP && acts[q].node == acts[k].node && acts[q].member == acts[k].member)
                acts[q].round = 1;
    }
    trd__fleet_free(&f);
    if (n > 0) /* acts is NULL when the plan changes nothing */
        qsort(acts, n, sizeof *acts, cmp_action);
    return 0;
}

/* Merges targets that name the same (op, node, member, config) after sorting. */
static size_t merge_targets(trd_target *t, size_t n)
{
    if (n == 0)
        return 0;
    qsort(t, n, sizeof *t, cmp_target);
    size_t w = 0;
    for (size_t k = 0; k < n; k++)
        if (w > 0 && cmp_target(&t[w - 1], &t[k]) == 0)
            t[w - 1].instances += t[k].instances;
        else
            t[w++] = t[k];
    return w;
}

/* The operator with the least capacity per item it must process.  Operators that tie (the second stage trims
 * every operator to what the throughput needs) are told apart by whether they could grow: one at its
 * max_instances is the real limit. */
static uint32_t find_bottleneck(const trd__sched_input *in, const trd__sched_solution *sol)
{
    uint32_t best = 0;
    double best_t = -1;
    int best_full = 0;
    for (uint32_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        if (o->D <= 0)
            continue;
        double p = 0;
        for (size_t mc = 0; mc < in->n_machines; mc++)
            p += sol->count[(size_t)i * in->n_machines + mc];
        double t = trd__sched_op_capacity(o, p, sol->b[i]) / o->D;
        int full = p >= o->max_inst;
        int lower = best_t < 0 || t < best_t * (1 - 1e-6);
        if (lower || (t <= best_t * (1 + 1e-6) && full && !best_full)) {
            best = i;
            best_full = full;
            if (lower)
                best_t = t;
        }
    }
    return best;
}

void trd__plan_free(trd_plan *p)
{
    if (!p)
        return;
    trd__alloc a = p->alloc; /* the plan lives in its own allocator's memory: copy it out first */
    trd__free(&a, p->actions);
    trd__free(&a, p->targets);
    trd__free(&a, p->reason);
    trd__free(&a, p->op_names);
    trd__free(&a, p->node_names);
    trd__free(&a, p);
}

static int copy_names(trd_plan *p, const trd__model *m)
{
    p->n_ops = m->n_ops;
    p->n_nodes = m->n_nodes;
    p->op_names = trd__calloc(&p->alloc, m->n_ops ? m->n_ops : 1, TRD__NAME_CAP);
    p->node_names = trd__calloc(&p->alloc, m->n_nodes ? m->n_nodes : 1, TRD__NAME_CAP);
    if (!p->op_names || !p->node_names)
        return -1;
    for (size_t i = 0; i < m->n_ops; i++)
        memcpy(p->op_names[i], m->ops[i].name, TRD__NAME_CAP);
    for (size_t k = 0; k < m->n_nodes; k++)
        memcpy(p->node_names[k], m->nodes[k].name, TRD__NAME_CAP);
    return 0;
}

trd_plan *trd__plan_build(const trd__sched_input *in, const trd__sched_solution *sol, uint64_t id, uint64_t epoch)
{
    const trd__alloc *a = in->alloc;
    trd_plan *p = trd__calloc(a, 1, sizeof *p);
    if (!p)
        return NULL;
    p->alloc = *a;
    p->id = id;
    p->epoch = epoch;
    p->throughput = sol->throughput;
    p->gap = sol->gap;
    p->solve_ms = sol->solve_ms;
    p->objective = sol->objective;
    p->solve_status = sol->status;
    p->bottleneck = find_bottleneck(in, sol);
    vec acts = {NULL, 0, 0, sizeof(trd_action), 0}, tgts = {NULL, 0, 0, sizeof(trd_target), 0};
    entry *e = trd__calloc(a, in->model->n_placements ? in->model->n_placements : 1, sizeof *e);
    char *reason = trd__malloc(a, 1024);
    int ok = e && reason && copy_names(p, in->model) == 0;
    for (uint32_t i = 0; ok && i < in->n_ops; i++)
        plan_op(in, sol, i, e, &acts, &tgts);
    ok = ok && !acts.failed && !tgts.failed && order_actions(in, acts.items, acts.n) == 0;
    trd__free(a, e);
    p->actions = acts.items;
    p->n_actions = acts.n;
    p->targets = tgts.items;
    p->n_targets = ok ? merge_targets(tgts.items, tgts.n) : 0;
    p->reason = reason;
    if (!ok) {
        trd__plan_free(p);
        return NULL;
    }
    trd__plan_reason(in, sol, p->bottleneck, reason, 1024);
    return p;
}

int trd__plan_amend(trd_plan *p, const trd_action *extra, size_t n_extra, const char *note)
{
    size_t note_len = note ? strlen(note) : 0, reason_len = strlen(p->reason);
    char *reason = NULL;
    if (note_len > 0) {
        reason = trd__malloc(&p->alloc, note_len + 2 + reason_len + 1);
        if (!reason)
            return -1;
        memcpy(reason, note, note_len);
        size_t at = note_len;
        if (reason_len > 0) {
            memcpy(reason + at, "; ", 2);
            at += 2;
        }
        memcpy(reason + at, p->reason, reason_len + 1);
    }
    if (n_extra > 0) {
        trd_action *acts = trd__realloc(&p->alloc, p->actions, (p->n_actions + n_extra) * sizeof *acts);
        if (!acts) {
            trd__free(&p->alloc, reason);
            return -1;
        }
        memcpy(acts + p->n_actions, extra, n_extra * sizeof *acts);
        p->actions = acts;
        p->n_actions += n_extra;
    }
    if (reason) {
        trd__free(&p->alloc, p->reason);
        p->reason = reason;
    }
    return 0;
}

static int target_before(const trd_target *a, const trd_target *b)
{
    if (a->op != b->op)
        return a->op < b->op;
    if (a->node != b->node)
        return a->node < b->node;
    if (a->member != b->member)
        return a->member < b->member;
    return a->config < b->config;
}

int trd__plan_keep(trd_plan *p, const trd__model *m, double throughput)
{
    size_t n = 0;
    for (size_t q = 0; q < m->n_placements; q++)
        n += m->placements[q].instances > 0;
    trd_target *t = trd__calloc(&p->alloc, n ? n : 1, sizeof *t);
    if (!t)
        return -1;
    size_t k = 0;
    for (size_t q = 0; q < m->n_placements; q++) {
        const trd__placement *pl = &m->placements[q];
        if (pl->instances == 0)
            continue;
        trd_target x = {pl->op, pl->node, pl->member, pl->config, pl->instances, 0};
        size_t at = k++; /* insertion sort: targets are listed by operator, node, member and config */
        while (at > 0 && target_before(&x, &t[at - 1])) {
            t[at] = t[at - 1];
            at--;
        }
        t[at] = x;
    }
    trd__free(&p->alloc, p->targets);
    trd__free(&p->alloc, p->actions);
    p->targets = t;
    p->n_targets = n;
    p->actions = NULL;
    p->n_actions = 0;
    p->throughput = throughput;
    return 0;
}
