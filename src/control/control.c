/* control.c -- the loop's tables: creation, growth with the model, infeasible configs, moving averages. */
#include "control/control.h"

#include <math.h>
#include <string.h>

void trd__ema_add(trd__ema *e, double x, double alpha)
{
    e->value = e->n == 0 ? x : e->value + alpha * (x - e->value);
    e->n++;
}

static void free_transition(const trd__alloc *a, trd__transition *t)
{
    trd__free(a, t->left);
    memset(t, 0, sizeof *t);
}

void trd__control_drop_outstanding(trd__control *c)
{
    trd__free(c->alloc, c->out.targets);
    trd__free(c->alloc, c->out.actions);
    trd__free(c->alloc, c->out.events);
    memset(&c->out, 0, sizeof c->out);
    c->have_outstanding = 0;
}

trd_status trd__control_init(trd__control *c, const trd__alloc *a, size_t n_ops, size_t n_edges)
{
    memset(c, 0, sizeof *c);
    c->alloc = a;
    trd_status st = trd__control_extend(c, n_ops, n_edges);
    if (st != TRD_OK) {
        /* Tables that did grow are freed; n_ops stayed 0, so nothing per operator was set up. */
        trd__free(a, c->learned);
        trd__free(a, c->transitions);
        trd__free(a, c->infeasible);
        trd__free(a, c->infeasible_cap);
        trd__free(a, c->ooms);
        trd__free(a, c->ooms_cap);
        trd__free(a, c->shares);
        memset(c, 0, sizeof *c);
    }
    return st;
}

void trd__control_free(trd__control *c)
{
    if (!c->alloc)
        return;
    trd__control_drop_outstanding(c);
    for (size_t i = 0; i < c->n_ops; i++) {
        free_transition(c->alloc, &c->transitions[i]);
        trd__free(c->alloc, c->infeasible[i]);
        trd__free(c->alloc, c->ooms[i]);
    }
    trd__free(c->alloc, c->learned);
    trd__free(c->alloc, c->transitions);
    trd__free(c->alloc, c->infeasible);
    trd__free(c->alloc, c->infeasible_cap);
    trd__free(c->alloc, c->ooms);
    trd__free(c->alloc, c->ooms_cap);
    trd__free(c->alloc, c->shares);
    memset(c, 0, sizeof *c);
}

/* Grows one per-operator table to n entries, zeroing the new ones; the old pointer stays valid on failure. */
static int grow_table(const trd__alloc *a, void **table, size_t old_n, size_t n, size_t size)
{
    void *t = trd__realloc(a, *table, (n ? n : 1) * size);
    if (!t)
        return -1;
    memset((char *)t + old_n * size, 0, (n - old_n) * size);
    *table = t;
    return 0;
}

trd_status trd__control_extend(trd__control *c, size_t n_ops, size_t n_edges)
{
    if (n_edges > c->n_edges) {
        if (grow_table(c->alloc, (void **)&c->shares, c->n_edges, n_edges, sizeof *c->shares) != 0)
            return TRD_E_NOMEM;
        c->n_edges = n_edges;
    }
    if (n_ops > c->n_ops) {
        /* Each table keeps its old contents if a later one fails; n_ops is raised only when all have grown. */
        if (grow_table(c->alloc, (void **)&c->learned, c->n_ops, n_ops, sizeof *c->learned) != 0 ||
            grow_table(c->alloc, (void **)&c->transitions, c->n_ops, n_ops, sizeof *c->transitions) != 0 ||
            grow_table(c->alloc, (void **)&c->infeasible, c->n_ops, n_ops, sizeof *c->infeasible) != 0 ||
            grow_table(c->alloc, (void **)&c->infeasible_cap, c->n_ops, n_ops, sizeof *c->infeasible_cap) != 0 ||
            grow_table(c->alloc, (void **)&c->ooms, c->n_ops, n_ops, sizeof *c->ooms) != 0 ||
            grow_table(c->alloc, (void **)&c->ooms_cap, c->n_ops, n_ops, sizeof *c->ooms_cap) != 0)
            return TRD_E_NOMEM;
        for (size_t i = c->n_ops; i < n_ops; i++)
            c->transitions[i].regime = TRD__NO_REGIME;
        c->n_ops = n_ops;
    }
    return TRD_OK;
}

int trd__control_infeasible(const trd__control *c, uint32_t op, uint32_t config)
{
    if (op >= c->n_ops || (size_t)config / 8 >= c->infeasible_cap[op])
        return 0;
    return (c->infeasible[op][config / 8] >> (config % 8)) & 1;
}

int trd__control_mark_infeasible(trd__control *c, uint32_t op, uint32_t config)
{
    if (op >= c->n_ops)
        return -1;
    size_t need = (size_t)config / 8 + 1;
    if (need > c->infeasible_cap[op]) {
        size_t cap = need < 16 ? 16 : need * 2;
        unsigned char *b = trd__realloc(c->alloc, c->infeasible[op], cap);
        if (!b)
            return -1;
        memset(b + c->infeasible_cap[op], 0, cap - c->infeasible_cap[op]);
        c->infeasible[op] = b;
        c->infeasible_cap[op] = cap;
    }
    c->infeasible[op][config / 8] |= (unsigned char)(1u << (config % 8));
    return 0;
}

double trd__control_count_oom(trd__control *c, uint32_t op, uint32_t config, uint64_t now_ns, uint64_t horizon_ns)
{
    if (op >= c->n_ops)
        return -1;
    if ((size_t)config >= c->ooms_cap[op]) {
        size_t cap = (size_t)config < 8 ? 16 : 2 * ((size_t)config + 1);
        trd__oom_count *o = trd__realloc(c->alloc, c->ooms[op], cap * sizeof *o);
        if (!o)
            return -1;
        memset(o + c->ooms_cap[op], 0, (cap - c->ooms_cap[op]) * sizeof *o);
        c->ooms[op] = o;
        c->ooms_cap[op] = cap;
    }
    trd__oom_count *o = &c->ooms[op][config];
    double tau = horizon_ns > 0 ? (double)horizon_ns : 1;
    if (now_ns >= o->at_ns) {
        o->weight = o->weight * exp(-(double)(now_ns - o->at_ns) / tau) + 1;
        o->at_ns = now_ns;
    } else { /* reported late: it counts at its own age */
        o->weight += exp(-(double)(o->at_ns - now_ns) / tau);
    }
    return o->weight;
}

double trd__control_ooms(const trd__control *c, uint32_t op, uint32_t config, uint64_t now_ns, uint64_t horizon_ns)
{
    if (op >= c->n_ops || (size_t)config >= c->ooms_cap[op])
        return 0;
    const trd__oom_count *o = &c->ooms[op][config];
    double age = now_ns > o->at_ns ? (double)(now_ns - o->at_ns) : 0;
    return o->weight * exp(-age / (horizon_ns > 0 ? (double)horizon_ns : 1));
}

int trd__control_start_transition(trd__control *c, const trd__model *m, uint32_t op, uint32_t target,
                                  double predicted, uint32_t regime, uint64_t now_ns)
{
    trd__transition *t = &c->transitions[op];
    size_t n = 0;
    for (size_t q = 0; q < m->n_placements; q++)
        n += m->placements[q].op == op;
    if (n > t->cap_left) {
        uint32_t *left = trd__realloc(c->alloc, t->left, n * sizeof *left);
        if (!left)
            return -1;
        t->left = left;
        t->cap_left = n;
    }
    t->n_left = 0;
    for (size_t q = 0; q < m->n_placements; q++) {
        const trd__placement *p = &m->placements[q];
        if (p->op != op || p->config == target)
            continue;
        int seen = 0;
        for (size_t k = 0; k < t->n_left && !seen; k++)
            seen = t->left[k] == p->config;
        if (!seen)
            t->left[t->n_left++] = p->config;
    }
    t->active = 1;
    t->target = target;
    t->predicted = predicted;
    t->regime = regime;
    t->rounds = t->deferrals = 0;
    t->urgent = 0;
    t->started_ns = now_ns;
    c->info.transitions++;
    return 0;
}
