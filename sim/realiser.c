/* realiser.c -- bin packing and action diffs (see realiser.h). */
#include "realiser.h"
#include "sim_grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9

typedef struct room {
    double *cpus, *mem;   /* free per machine */
    double *share;        /* used per device */
} room;

static sim_status room_init(const sim_scenario *sc, room *r)
{
    r->cpus = calloc(sc->n_machines, sizeof *r->cpus);
    r->mem = calloc(sc->n_machines, sizeof *r->mem);
    r->share = calloc(sc->n_devices ? sc->n_devices : 1, sizeof *r->share);
    if (!r->cpus || !r->mem || !r->share)
        return SIM_E_NOMEM;
    for (uint32_t m = 0; m < sc->n_machines; m++) {
        r->cpus[m] = sc->machines[m].cpus;
        r->mem[m] = sc->machines[m].memory_bytes;
    }
    return SIM_OK;
}

static void room_free(room *r)
{
    free(r->cpus);
    free(r->mem);
    free(r->share);
}

/* Takes room for one instance of `o` on machine m if there is some. */
static int take(const sim_scenario *sc, room *r, const sim_op *o, uint32_t m)
{
    const sim_machine *mc = &sc->machines[m];
    if (r->cpus[m] + EPS < o->cpus || r->mem[m] * (1 + EPS) < o->memory_bytes)
        return 0;
    if (o->gpus > 0) {
        double need = o->gpus >= 1 ? 1 : o->device_share;
        uint32_t whole = o->gpus >= 1 ? (uint32_t)ceil(o->gpus - EPS) : 1, found = 0;
        if (o->device_cap_bytes > mc->gpu_memory_bytes * (1 + EPS))
            return 0;
        for (uint32_t g = 0; g < mc->gpus && found < whole; g++)
            found += o->gpus >= 1 ? r->share[mc->first_device + g] <= EPS
                                  : r->share[mc->first_device + g] + need <= 1 + EPS;
        if (found < whole)
            return 0;
        found = 0;
        for (uint32_t g = 0; g < mc->gpus && found < whole; g++) {
            double *s = &r->share[mc->first_device + g];
            if (o->gpus >= 1 ? *s <= EPS : *s + need <= 1 + EPS) {
                *s += need;
                found++;
            }
        }
    }
    r->cpus[m] -= o->cpus;
    r->mem[m] -= o->memory_bytes;
    return 1;
}

typedef struct order_key {
    const sim_scenario *sc;
    uint32_t op;
} order_key;

static double size_of(const sim_scenario *sc, uint32_t op)
{
    const sim_op *o = &sc->ops[op];
    double cpu = 0, mem = 0;
    for (uint32_t m = 0; m < sc->n_machines; m++) {
        cpu = fmax(cpu, o->cpus / sc->machines[m].cpus);
        mem = fmax(mem, o->memory_bytes / sc->machines[m].memory_bytes);
    }
    return fmax(cpu, mem);
}

static int decreasing(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    const sim_op *ox = &x->sc->ops[x->op], *oy = &y->sc->ops[y->op];
    double dx = ox->gpus >= 1 ? ox->gpus : ox->device_share, dy = oy->gpus >= 1 ? oy->gpus : oy->device_share;
    if (dx != dy)
        return dx > dy ? -1 : 1;
    double sx = size_of(x->sc, x->op), sy = size_of(y->sc, y->op);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return x->op < y->op ? -1 : x->op > y->op;
}

/* Places counts[op] - got[op] more instances of every operator first-fit decreasing into `r`; per[op x machine]
 * and got[op] count what was placed. */
static sim_status fill_ffd(const sim_scenario *sc, room *r, const uint32_t *counts, uint32_t *got, uint32_t *per)
{
    order_key *ord = calloc(sc->n_ops, sizeof *ord);
    if (!ord)
        return SIM_E_NOMEM;
    for (uint32_t i = 0; i < sc->n_ops; i++)
        ord[i] = (order_key){sc, i};
    qsort(ord, sc->n_ops, sizeof *ord, decreasing);
    for (uint32_t k = 0; k < sc->n_ops; k++) {
        uint32_t op = ord[k].op;
        for (uint32_t m = 0; m < sc->n_machines && got[op] < counts[op];)
            if (take(sc, r, &sc->ops[op], m)) {
                got[op]++;
                if (per)
                    per[(size_t)op * sc->n_machines + m]++;
            } else {
                m++;
            }
    }
    free(ord);
    return SIM_OK;
}

/* What pack and grow work with: the host's instances, the room left on each machine, and what they place. */
typedef struct packing {
    sim_instance_view *iv;
    size_t n_inst;
    uint32_t *per; /* placed per (op, machine) */
    uint32_t *got; /* placed per op */
    room r;
} packing;

static void packing_close(packing *w)
{
    room_free(&w->r);
    free(w->iv);
    free(w->per);
    free(w->got);
}

static sim_status packing_open(sim_host *h, const sim_scenario *sc, packing *w)
{
    memset(w, 0, sizeof *w);
    w->n_inst = sim_host_instances(h, NULL, 0);
    w->iv = calloc(w->n_inst + 1, sizeof *w->iv);
    w->per = calloc((size_t)sc->n_ops * sc->n_machines, sizeof *w->per);
    w->got = calloc(sc->n_ops, sizeof *w->got);
    sim_status st = (!w->iv || !w->per || !w->got) ? SIM_E_NOMEM : room_init(sc, &w->r);
    if (st == SIM_OK)
        sim_host_instances(h, w->iv, w->n_inst);
    return st;
}

sim_status sim_realise_pack(sim_host *h, const uint32_t *counts, const uint32_t *configs, sim_plan *plan,
                            uint32_t *placed, sim_error *err)
{
    const sim_scenario *sc = sim_host_scenario(h);
    packing w;
    sim_status st = packing_open(h, sc, &w);
    if (st != SIM_OK)
        goto done;
    const sim_instance_view *iv = w.iv;
    size_t n_inst = w.n_inst;
    uint32_t *per = w.per, *got = w.got;
    room *r = &w.r;
    /* 1. keep what runs with the wanted config, as far as the count allows */
    for (size_t k = 0; k < n_inst; k++) {
        const sim_instance_view *v = &iv[k];
        if (v->state == SIM_INSTANCE_DRAINING || v->state == SIM_INSTANCE_STOPPING)
            continue;
        uint32_t m = sc->machine_of_node[v->node] + v->member;
        if (v->next_config == configs[v->op] && got[v->op] < counts[v->op] && take(sc, r, &sc->ops[v->op], m)) {
            got[v->op]++;
            per[(size_t)v->op * sc->n_machines + m]++;
        }
    }
    /* 2. the rest, first-fit decreasing */
    st = fill_ffd(sc, r, counts, got, per);
    for (uint32_t op = 0; op < sc->n_ops && st == SIM_OK; op++) {
        if (placed)
            placed[op] = got[op];
        for (uint32_t m = 0; m < sc->n_machines && st == SIM_OK; m++) {
            uint32_t c = per[(size_t)op * sc->n_machines + m];
            if (c) {
                trd_target t = {op, sc->machines[m].node, sc->machines[m].member, configs[op], c, 0};
                st = sim_plan_add_target(plan, &t);
            }
        }
    }
done:
    packing_close(&w);
    return st == SIM_OK ? SIM_OK : sim_fail(err, st, "realiser: out of memory");
}

sim_status sim_realise_grow(sim_host *h, const uint32_t *add, sim_plan *plan, uint32_t *placed, sim_error *err)
{
    const sim_scenario *sc = sim_host_scenario(h);
    packing w;
    sim_status st = packing_open(h, sc, &w);
    if (st != SIM_OK)
        goto done;
    uint32_t *per = w.per, *got = w.got;
    /* Everything alive holds its resources until its stop finishes, leaving or not. */
    for (size_t k = 0; k < w.n_inst; k++)
        take(sc, &w.r, &sc->ops[w.iv[k].op], sc->machine_of_node[w.iv[k].node] + w.iv[k].member);
    st = fill_ffd(sc, &w.r, add, got, per);
    for (uint32_t op = 0; op < sc->n_ops && st == SIM_OK; op++) {
        if (placed)
            placed[op] = got[op];
        for (uint32_t m = 0; m < sc->n_machines && st == SIM_OK; m++) {
            uint32_t c = per[(size_t)op * sc->n_machines + m];
            if (c) {
                trd_action a = {TRD_ACTION_START, op, sc->machines[m].node, sc->machines[m].member, 0,
                                TRD_NO_CONFIG, c, 1};
                st = sim_plan_add_action(plan, &a);
            }
        }
    }
done:
    packing_close(&w);
    return st == SIM_OK ? SIM_OK : sim_fail(err, st, "realiser: out of memory");
}

int sim_realise_fits(const sim_scenario *sc, const uint32_t *counts)
{
    room r = {0};
    uint32_t *got = calloc(sc->n_ops, sizeof *got);
    int fits = got && room_init(sc, &r) == SIM_OK && fill_ffd(sc, &r, counts, got, NULL) == SIM_OK;
    for (uint32_t op = 0; op < sc->n_ops && fits; op++)
        fits = got[op] >= counts[op];
    room_free(&r);
    free(got);
    return fits;
}

void sim_realise_current(const sim_host *h, uint32_t *counts)
{
    const sim_scenario *sc = sim_host_scenario(h);
    memset(counts, 0, sc->n_ops * sizeof *counts);
    size_t n = sim_host_instances(h, NULL, 0);
    sim_instance_view *iv = calloc(n + 1, sizeof *iv);
    if (!iv)
        return; /* counts stay 0: the caller sees an empty deployment and re-plans, which is safe */
    sim_host_instances(h, iv, n);
    for (size_t k = 0; k < n; k++)
        counts[iv[k].op] += iv[k].state != SIM_INSTANCE_DRAINING && iv[k].state != SIM_INSTANCE_STOPPING;
    free(iv);
}

sim_status sim_realise_counts(sim_host *h, const uint32_t *counts, sim_plan *plan, uint32_t *placed,
                              sim_error *err)
{
    const sim_scenario *sc = sim_host_scenario(h);
    uint32_t *configs = calloc(sc->n_ops, sizeof *configs); /* config 0: every knob at its default */
    sim_status st = configs ? sim_realise_pack(h, counts, configs, plan, placed, err)
                            : sim_fail(err, SIM_E_NOMEM, "realiser: out of memory");
    free(configs);
    return st == SIM_OK ? sim_realise_actions(h, plan, NULL, err) : st;
}

sim_status sim_realise_declared(sim_host *h, sim_plan *plan, sim_error *err)
{
    const sim_scenario *sc = sim_host_scenario(h);
    uint32_t *counts = calloc(sc->n_ops, sizeof *counts);
    if (!counts)
        return sim_fail(err, SIM_E_NOMEM, "realiser: out of memory");
    for (uint32_t i = 0, n = trd_ctx_deployment_count(sc->model); i < n; i++) {
        uint32_t op, count;
        if (trd_ctx_get_deployment(sc->model, i, &op, NULL, NULL, NULL, &count) == TRD_OK && op < sc->n_ops)
            counts[op] += count;
    }
    for (uint32_t op = 0; op < sc->n_ops; op++)
        counts[op] = counts[op] < sc->ops[op].min_instances ? sc->ops[op].min_instances : counts[op];
    sim_status st = sim_realise_counts(h, counts, plan, NULL, err);
    free(counts);
    return st;
}

/* Counts per (op, machine, config): what runs (instances not leaving, by the config they will have) and what
 * the targets want. */
typedef struct tally {
    uint32_t op, machine, config;
    int64_t have, want;
} tally;

static tally *find_tally(tally **v, size_t *n, size_t *cap, uint32_t op, uint32_t m, uint32_t c)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].op == op && (*v)[i].machine == m && (*v)[i].config == c)
            return &(*v)[i];
    if (sim_grow((void **)v, cap, *n + 1, sizeof **v))
        return NULL;
    (*v)[*n] = (tally){op, m, c, 0, 0};
    return &(*v)[(*n)++];
}

static int by_key(const void *a, const void *b)
{
    const tally *x = a, *y = b;
    if (x->op != y->op)
        return x->op < y->op ? -1 : 1;
    if (x->machine != y->machine)
        return x->machine < y->machine ? -1 : 1;
    return x->config < y->config ? -1 : x->config > y->config;
}

sim_status sim_realise_actions(sim_host *h, sim_plan *plan, const sim_realise_options *opt, sim_error *err)
{
    const sim_scenario *sc = sim_host_scenario(h);
    size_t n_inst = sim_host_instances(h, NULL, 0), n = 0, cap = 0;
    sim_instance_view *iv = calloc(n_inst + 1, sizeof *iv);
    uint32_t *running = calloc(sc->n_ops, sizeof *running), *restarted = calloc(sc->n_ops, sizeof *restarted);
    tally *t = NULL, *x;
    sim_status st = SIM_OK;
    if (!iv || !running || !restarted) {
        st = SIM_E_NOMEM;
        goto done;
    }
    sim_host_instances(h, iv, n_inst);
    for (size_t k = 0; k < n_inst; k++) {
        const sim_instance_view *v = &iv[k];
        if (v->state == SIM_INSTANCE_STOPPING || (v->state == SIM_INSTANCE_DRAINING && v->next_config == v->config))
            continue;
        if (!(x = find_tally(&t, &n, &cap, v->op, sc->machine_of_node[v->node] + v->member, v->next_config))) {
            st = SIM_E_NOMEM;
            goto done;
        }
        x->have++;
        running[v->op]++;
    }
    for (size_t k = 0; k < plan->n_targets; k++) {
        const trd_target *g = &plan->targets[k];
        if (!(x = find_tally(&t, &n, &cap, g->op, sc->machine_of_node[g->node] + g->member, g->config))) {
            st = SIM_E_NOMEM;
            goto done;
        }
        x->want += g->instances;
    }
    qsort(t, n, sizeof *t, by_key);
    /* Pair surplus and deficit on the same (op, machine) as in-place restarts, then stops and starts. */
    for (size_t a = 0; a < n && st == SIM_OK; a++)
        for (size_t b = 0; b < n && t[a].have > t[a].want && st == SIM_OK; b++) {
            if (t[b].op != t[a].op || t[b].machine != t[a].machine || t[b].want <= t[b].have)
                continue;
            int64_t k = t[a].have - t[a].want < t[b].want - t[b].have ? t[a].have - t[a].want : t[b].want - t[b].have;
            uint32_t bmax = opt && opt->rolling_fraction > 0
                                ? (uint32_t)fmax(1, ceil(opt->rolling_fraction * running[t[a].op] - EPS))
                                : UINT32_MAX;
            for (int64_t left = k; left > 0 && st == SIM_OK;) {
                uint32_t round = 3 + (bmax == UINT32_MAX ? 0 : restarted[t[a].op] / bmax);
                uint32_t room_in_round = bmax == UINT32_MAX ? (uint32_t)left : bmax - restarted[t[a].op] % bmax;
                uint32_t c = (uint32_t)(left < room_in_round ? left : room_in_round);
                const sim_machine *mc = &sc->machines[t[a].machine];
                trd_action act = {TRD_ACTION_RECONFIGURE, t[a].op, mc->node, mc->member, t[b].config, t[a].config,
                                  c, round};
                st = sim_plan_add_action(plan, &act);
                restarted[t[a].op] += c;
                left -= c;
            }
            t[a].have -= k;
            t[b].have += k;
        }
    for (size_t a = 0; a < n && st == SIM_OK; a++) {
        const sim_machine *mc = &sc->machines[t[a].machine];
        if (t[a].have > t[a].want) {
            trd_action act = {TRD_ACTION_STOP, t[a].op, mc->node, mc->member, t[a].config, TRD_NO_CONFIG,
                              (uint32_t)(t[a].have - t[a].want), 1};
            st = sim_plan_add_action(plan, &act);
        } else if (t[a].want > t[a].have) {
            trd_action act = {TRD_ACTION_START, t[a].op, mc->node, mc->member, t[a].config, TRD_NO_CONFIG,
                              (uint32_t)(t[a].want - t[a].have), 2};
            st = sim_plan_add_action(plan, &act);
        }
    }
done:
    free(iv);
    free(t);
    free(running);
    free(restarted);
    return st == SIM_OK ? SIM_OK : sim_fail(err, st, "realiser: out of memory");
}
