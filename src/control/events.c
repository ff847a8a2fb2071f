/* events.c -- checking, learning from and applying trd_event (see trident.h for each kind's meaning). */
#include <math.h>

#include "common/numfmt.h"
#include "control/control.h"

static const char *kind_name(uint32_t kind)
{
    static const char *const names[] = {"?", "INSTANCE_UP", "INSTANCE_READY", "INSTANCE_DOWN", "OOM",
                                        "CONFIG_APPLIED", "PROBE_FINISHED"};
    return kind >= 1 && kind <= 6 ? names[kind] : "?";
}

static int has_from(uint32_t kind) { return kind == TRD_EVENT_CONFIG_APPLIED || kind == TRD_EVENT_PROBE_FINISHED; }

trd_status trd__event_check(const trd__model *m, const trd_event *e, trd__diag *d)
{
    if (e->kind < TRD_EVENT_INSTANCE_UP || e->kind > TRD_EVENT_PROBE_FINISHED)
        return trd__fail(d, TRD_E_INVALID_ARG, "event: kind %u unknown", e->kind);
    const char *k = kind_name(e->kind);
    if (e->op >= m->n_ops)
        return trd__fail(d, TRD_E_NOT_FOUND, "event %s: op %u unknown (the model has %zu operators)", k, e->op,
                         m->n_ops);
    const trd__operator *o = &m->ops[e->op];
    if (e->node >= m->n_nodes)
        return trd__fail(d, TRD_E_NOT_FOUND, "event %s ('%s'): node %u unknown (the model has %zu node kinds)", k,
                         o->name, e->node, m->n_nodes);
    double machines = trd__node_get(&m->nodes[e->node], TRD_NODE_COUNT);
    if (e->member >= machines)
        return trd__fail(d, TRD_E_NOT_FOUND, "event %s ('%s'): node '%s' member %u, but the pool has %.0f machines",
                         k, o->name, m->nodes[e->node].name, e->member, machines);
    if (e->config >= o->n_configs)
        return trd__fail(d, TRD_E_NOT_FOUND, "event %s ('%s'): config %u unknown (the operator has %zu)", k, o->name,
                         e->config, o->n_configs);
    if (has_from(e->kind)) {
        if (e->from_config >= o->n_configs)
            return trd__fail(d, TRD_E_NOT_FOUND, "event %s ('%s'): from_config %u unknown (the operator has %zu)", k,
                             o->name, e->from_config, o->n_configs);
        if (e->from_config == e->config)
            return trd__fail(d, TRD_E_INVALID_ARG, "event %s ('%s'): from_config and config are both %u", k, o->name,
                             e->config);
    } else if (e->from_config != TRD_NO_CONFIG) {
        return trd__fail(d, TRD_E_INVALID_ARG, "event %s ('%s'): from_config must be TRD_NO_CONFIG", k, o->name);
    }
    if (e->count == 0)
        return trd__fail(d, TRD_E_INVALID_ARG, "event %s ('%s'): count is 0", k, o->name);
    if ((e->kind == TRD_EVENT_OOM || e->kind == TRD_EVENT_PROBE_FINISHED) && e->count != 1)
        return trd__fail(d, TRD_E_INVALID_ARG, "event %s ('%s'): count is %u; it concerns one instance", k, o->name,
                         e->count);
    char v[TRD__NUM_CAP];
    if (!isfinite(e->duration_s) || e->duration_s < 0) {
        trd__fmt_double(v, e->duration_s);
        return trd__fail(d, TRD_E_INVALID_ARG, "event %s ('%s'): duration_s is %s (must be finite and >= 0)", k,
                         o->name, v);
    }
    if (!isfinite(e->peak_bytes) || e->peak_bytes < 0) {
        trd__fmt_double(v, e->peak_bytes);
        return trd__fail(d, TRD_E_INVALID_ARG, "event %s ('%s'): peak_bytes is %s (must be finite and >= 0)", k,
                         o->name, v);
    }
    return TRD_OK;
}

/* Remembers an UP with an instance id for its READY. */
static void remember_up(trd__control *c, const trd_event *e)
{
    trd__pending_up u = {e->op, e->instance, e->time_ns};
    c->ups[c->ups_next] = u;
    c->ups_next = (c->ups_next + 1) % TRD__PENDING_UPS;
    if (c->n_ups < TRD__PENDING_UPS)
        c->n_ups++;
}

/* Seconds since the remembered UP of the same instance (which is forgotten), or -1. */
static double since_up(trd__control *c, const trd_event *e)
{
    for (size_t k = 0; k < c->n_ups; k++) {
        trd__pending_up *u = &c->ups[k];
        if (u->op == e->op && u->instance == e->instance && e->time_ns >= u->time_ns) {
            double s = (double)(e->time_ns - u->time_ns) * 1e-9;
            u->instance = TRD_WHOLE_OPERATOR; /* used: never paired twice */
            return s;
        }
    }
    return -1;
}

void trd__event_learn(trd__control *c, const trd__model *m, const trd_event *e, double alpha)
{
    (void)m;
    if (e->op >= c->n_ops)
        return;
    trd__learned *l = &c->learned[e->op];
    switch (e->kind) {
    case TRD_EVENT_INSTANCE_UP:
        if (e->instance != TRD_WHOLE_OPERATOR && e->count == 1)
            remember_up(c, e);
        break;
    case TRD_EVENT_INSTANCE_READY: {
        double s = e->duration_s > 0 ? e->duration_s
                   : e->instance != TRD_WHOLE_OPERATOR ? since_up(c, e) : -1;
        if (s >= 0)
            trd__ema_add(&l->start_s, s, alpha);
        break;
    }
    case TRD_EVENT_INSTANCE_DOWN:
        if (e->duration_s > 0)
            trd__ema_add(&l->stop_s, e->duration_s, alpha);
        break;
    case TRD_EVENT_CONFIG_APPLIED:
        if (e->duration_s > 0)
            trd__ema_add(&l->cold_s, e->duration_s, alpha);
        break;
    default:
        break;
    }
}

static uint32_t placed(const trd__model *m, uint32_t op, uint32_t node, uint32_t member, uint32_t config)
{
    for (size_t q = 0; q < m->n_placements; q++) {
        const trd__placement *p = &m->placements[q];
        if (p->op == op && p->node == node && p->member == member && p->config == config)
            return p->instances;
    }
    return 0;
}

trd_status trd__event_apply(trd__model *m, const trd_event *e, trd__diag *d)
{
    const char *name = m->ops[e->op].name, *node = m->nodes[e->node].name;
    uint32_t here = placed(m, e->op, e->node, e->member, e->kind == TRD_EVENT_CONFIG_APPLIED ? e->from_config : e->config);
    switch (e->kind) {
    case TRD_EVENT_INSTANCE_UP:
        if ((uint64_t)here + e->count > TRD__MAX_PLACED)
            return trd__fail(d, TRD_E_LIMIT, "event INSTANCE_UP ('%s'): %llu instances on one machine (at most %d)",
                             name, (unsigned long long)here + e->count, TRD__MAX_PLACED);
        return trd__model_set_placement(m, e->op, e->node, e->member, e->config, here + e->count, d);
    case TRD_EVENT_INSTANCE_DOWN:
        if (e->count > here)
            return trd__fail(d, TRD_E_OUT_OF_RANGE, "event INSTANCE_DOWN ('%s'): %u instances with config %u stopped "
                             "on %s[%u], but %u run there", name, e->count, e->config, node, e->member, here);
        return trd__model_set_placement(m, e->op, e->node, e->member, e->config, here - e->count, d);
    case TRD_EVENT_CONFIG_APPLIED: {
        if (e->count > here)
            return trd__fail(d, TRD_E_OUT_OF_RANGE, "event CONFIG_APPLIED ('%s'): %u instances moved from config %u "
                             "on %s[%u], but %u run it there", name, e->count, e->from_config, node, e->member, here);
        uint32_t there = placed(m, e->op, e->node, e->member, e->config);
        if ((uint64_t)there + e->count > TRD__MAX_PLACED)
            return trd__fail(d, TRD_E_LIMIT, "event CONFIG_APPLIED ('%s'): %llu instances on one machine (at most %d)",
                             name, (unsigned long long)there + e->count, TRD__MAX_PLACED);
        /* Grow the destination first: that is the step that may allocate, so a failure changes nothing. */
        trd_status st = trd__model_set_placement(m, e->op, e->node, e->member, e->config, there + e->count, d);
        if (st != TRD_OK)
            return st;
        return trd__model_set_placement(m, e->op, e->node, e->member, e->from_config, here - e->count, d);
    }
    default:
        return TRD_OK;
    }
}
