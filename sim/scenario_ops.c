/* scenario_ops.c -- `simulation.operators`: each operator's true cost model and how its items flow. */
#include "scenario_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct op_reader {
    const sim_yreader *r;
    const sim_scenario *sc;
    sim_op *op;
    char what[128];
} op_reader;

static sim_status feature_ref(const op_reader *o, const sim_ynode *v, const char *key, uint32_t *out)
{
    const char *name;
    sim_status st = sim_y_name(o->r, v, key, &name);
    if (st != SIM_OK)
        return st;
    *out = sim_scenario_feature(o->sc, o->op->name, name);
    if (*out == SIM_NO_FEATURE)
        return sim_y_fail(o->r, v, "%s: '%s' names feature '%s', which the workload does not define", o->what, key,
                          name);
    return SIM_OK;
}

/* A number, or the name of a workload feature. */
static sim_status quantity(const op_reader *o, const sim_ynode *v, const char *key, double lo, double hi,
                           sim_quantity *q)
{
    if (sim_y_is_number(v)) {
        q->feature = SIM_NO_FEATURE;
        return sim_y_number(o->r, v, key, SIM_Y_NUMBER, lo, hi, &q->value);
    }
    q->value = 0;
    return feature_ref(o, v, key, &q->feature);
}

static sim_status read_scale(const op_reader *o, const sim_ynode *list, const char *key, sim_scale *s)
{
    sim_status st = sim_y_list(o->r, list, key);
    if (st != SIM_OK)
        return st;
    if (list->n > SIM_MAX_TERMS)
        return sim_y_fail(o->r, list, "%s: '%s' has %zu terms; at most %d", o->what, key, list->n, SIM_MAX_TERMS);
    static const char *const keys[] = {"feature", "ref", "exponent", NULL};
    for (const sim_ynode *t = list->first; t; t = t->next) {
        const sim_ynode *f, *ref;
        uint32_t i = s->n++;
        s->term[i].exponent = 1;
        if ((st = sim_y_mapping(o->r, t, "a scale term", keys)) != SIM_OK ||
            (st = sim_y_required(o->r, t, "feature", "a scale term", &f)) != SIM_OK ||
            (st = feature_ref(o, f, "feature", &s->term[i].feature)) != SIM_OK ||
            (st = sim_y_required(o->r, t, "ref", "a scale term", &ref)) != SIM_OK ||
            (st = sim_y_number(o->r, ref, "ref", SIM_Y_NUMBER, 1e-300, 1e300, &s->term[i].ref)) != SIM_OK ||
            (st = sim_y_opt_number(o->r, t, "exponent", SIM_Y_NUMBER, -8, 8, &s->term[i].exponent)) != SIM_OK)
            return st;
    }
    return SIM_OK;
}

static sim_status batch_knob(const op_reader *o, const sim_ynode *map, sim_cost *c)
{
    c->batch_knob = UINT32_MAX;
    double batch = 0;
    sim_status st = sim_y_opt_number(o->r, map, "batch", SIM_Y_NUMBER, 1, 1e6, &batch);
    if (st != SIM_OK)
        return st;
    c->batch_default = (uint32_t)batch;
    const sim_ynode *v = sim_y_find(map, "batch_knob");
    if (!v)
        return SIM_OK;
    const char *name;
    if ((st = sim_y_name(o->r, v, "batch_knob", &name)) != SIM_OK)
        return st;
    for (uint32_t k = 0; k < o->op->n_knobs; k++)
        if (strcmp(o->op->knobs[k].name, name) == 0) {
            if (o->op->knobs[k].type != TRD_KNOB_TYPE_INT)
                return sim_y_fail(o->r, v, "%s: batch_knob '%s' must be an int knob", o->what, name);
            c->batch_knob = k;
            return SIM_OK;
        }
    return sim_y_fail(o->r, v, "%s: batch_knob '%s' is not a knob of the operator", o->what, name);
}

static sim_status read_cpu(const op_reader *o, const sim_ynode *m, sim_cost *c)
{
    static const char *const keys[] = {"per_item", "per_batch", "batch_knob", "batch", "scale", "noise", NULL};
    const sim_ynode *per_item, *scale;
    sim_status st;
    c->kind = SIM_COST_CPU;
    if ((st = sim_y_mapping(o->r, m, "'cpu'", keys)) != SIM_OK ||
        (st = sim_y_required(o->r, m, "per_item", "'cpu'", &per_item)) != SIM_OK ||
        (st = sim_y_number(o->r, per_item, "per_item", SIM_Y_SECONDS, 0, 1e6, &c->per_item_s)) != SIM_OK ||
        (st = sim_y_opt_number(o->r, m, "per_batch", SIM_Y_SECONDS, 0, 1e6, &c->per_batch_s)) != SIM_OK ||
        (st = sim_y_opt_number(o->r, m, "noise", SIM_Y_NUMBER, 0, 10, &c->noise_cv)) != SIM_OK ||
        (st = batch_knob(o, m, c)) != SIM_OK)
        return st;
    if ((scale = sim_y_find(m, "scale")) && (st = read_scale(o, scale, "scale", &c->scale)) != SIM_OK)
        return st;
    return SIM_OK;
}

/* m[key] = {a: number, b: number} (and an optional `extra` key the caller reads). */
static sim_status pair(const op_reader *o, const sim_ynode *m, const char *key, const char *a, const char *b,
                       sim_yunit ua, sim_yunit ub, double *va, double *vb, double hi_b)
{
    const char *keys[] = {a, b, strcmp(key, "memory") == 0 ? "oom_at" : NULL, NULL};
    const sim_ynode *node = sim_y_find(m, key), *x;
    sim_status st;
    if (!node)
        return sim_y_fail(o->r, m, "%s: missing required key '%s'", o->what, key);
    if ((st = sim_y_mapping(o->r, node, key, keys)) != SIM_OK ||
        (st = sim_y_required(o->r, node, a, key, &x)) != SIM_OK ||
        (st = sim_y_number(o->r, x, a, ua, 0, 1e15, va)) != SIM_OK ||
        (st = sim_y_required(o->r, node, b, key, &x)) != SIM_OK ||
        (st = sim_y_number(o->r, x, b, ub, 0, hi_b, vb)) != SIM_OK)
        return st;
    return SIM_OK;
}

static sim_status read_accelerator(const op_reader *o, const sim_ynode *m, sim_cost *c)
{
    static const char *const keys[] = {"batch_knob", "batch",  "latency", "memory", "scale", "memory_scale",
                                       "steps",      "near_cap", "spikes", "noise",  NULL};
    static const char *const lkeys[] = {"floor", "t0", "t1", NULL};
    const sim_ynode *lat, *scale, *x;
    sim_status st;
    c->kind = SIM_COST_ACCELERATOR;
    c->near_cap_from = 1;
    c->oom_fraction = 1;
    c->near_cap_slowdown = 1;
    if (o->op->gpus <= 0)
        return sim_y_fail(o->r, m, "%s: an accelerator cost needs an operator with gpus > 0", o->what);
    if ((st = sim_y_mapping(o->r, m, "'accelerator'", keys)) != SIM_OK ||
        (st = batch_knob(o, m, c)) != SIM_OK || (st = sim_y_required(o->r, m, "latency", "'accelerator'", &lat)) != SIM_OK ||
        (st = sim_y_mapping(o->r, lat, "'latency'", lkeys)) != SIM_OK ||
        (st = sim_y_opt_number(o->r, lat, "floor", SIM_Y_SECONDS, 0, 1e6, &c->floor_s)) != SIM_OK ||
        (st = sim_y_required(o->r, lat, "t0", "'latency'", &x)) != SIM_OK ||
        (st = sim_y_number(o->r, x, "t0", SIM_Y_SECONDS, -1e6, 1e6, &c->t0_s)) != SIM_OK ||
        (st = sim_y_required(o->r, lat, "t1", "'latency'", &x)) != SIM_OK ||
        (st = sim_y_number(o->r, x, "t1", SIM_Y_SECONDS, 1e-12, 1e6, &c->t1_s)) != SIM_OK ||
        (st = sim_y_required(o->r, m, "memory", "'accelerator'", &x)) != SIM_OK ||
        (st = sim_y_opt_number(o->r, x, "oom_at", SIM_Y_NUMBER, 0.01, 1, &c->oom_fraction)) != SIM_OK ||
        (st = pair(o, m, "memory", "base", "per_item", SIM_Y_BYTES, SIM_Y_BYTES, &c->mem_base_bytes,
                   &c->mem_per_item_bytes, 1e15)) != SIM_OK ||
        (st = sim_y_opt_number(o->r, m, "noise", SIM_Y_NUMBER, 0, 10, &c->noise_cv)) != SIM_OK)
        return st;
    if (c->batch_knob == UINT32_MAX && c->batch_default == 0)
        return sim_y_fail(o->r, m, "%s: an accelerator cost needs 'batch_knob' or 'batch'", o->what);
    if (sim_y_find(m, "near_cap") &&
        (st = pair(o, m, "near_cap", "from", "slowdown", SIM_Y_NUMBER, SIM_Y_NUMBER, &c->near_cap_from,
                   &c->near_cap_slowdown, 1e3)) != SIM_OK)
        return st;
    if (c->near_cap_from > 1 || c->near_cap_slowdown < 1)
        return sim_y_fail(o->r, sim_y_find(m, "near_cap"), "%s: near_cap needs from <= 1 and slowdown >= 1", o->what);
    if (sim_y_find(m, "spikes") &&
        (st = pair(o, m, "spikes", "probability", "size", SIM_Y_NUMBER, SIM_Y_NUMBER, &c->spike_probability,
                   &c->spike_size, 100)) != SIM_OK)
        return st;
    if (c->spike_probability > 1)
        return sim_y_fail(o->r, sim_y_find(m, "spikes"), "%s: a spike probability is at most 1", o->what);
    if ((scale = sim_y_find(m, "scale")) && (st = read_scale(o, scale, "scale", &c->scale)) != SIM_OK)
        return st;
    if ((scale = sim_y_find(m, "memory_scale")) &&
        (st = read_scale(o, scale, "memory_scale", &c->mem_scale)) != SIM_OK)
        return st;
    if ((scale = sim_y_find(m, "steps")) && (st = read_scale(o, scale, "steps", &c->steps)) != SIM_OK)
        return st;
    return SIM_OK;
}

static sim_status read_route(const op_reader *o, const sim_ynode *m, const sim_scenario *sc)
{
    sim_status st = sim_y_mapping(o->r, m, "'route'", NULL);
    if (st != SIM_OK)
        return st;
    sim_op *op = o->op;
    if (op->n_out < 2)
        return sim_y_fail(o->r, m, "%s: 'route' needs at least two edges leaving the operator", o->what);
    op->route = calloc(op->n_out, sizeof *op->route);
    if (!op->route)
        return sim_fail(o->r->err, SIM_E_NOMEM, "%s: out of memory", o->r->source);
    for (uint32_t e = 0; e < op->n_out; e++)
        op->route[e].feature = UINT32_MAX - 1; /* not yet given */
    SIM_Y_EACH_PAIR(m, k, v)
    {
        uint32_t e = 0;
        while (e < op->n_out && strcmp(sc->ops[sc->edges[op->out_edges[e]].to].name, k->text) != 0)
            e++;
        if (e == op->n_out)
            return sim_y_fail(o->r, k, "%s: 'route' names '%s', which is not downstream of it", o->what, k->text);
        if ((st = quantity(o, v, k->text, 0, 1e9, &op->route[e])) != SIM_OK)
            return st;
    }
    for (uint32_t e = 0; e < op->n_out; e++)
        if (op->route[e].feature == UINT32_MAX - 1)
            return sim_y_fail(o->r, m, "%s: 'route' gives no weight for '%s'", o->what,
                              sc->ops[sc->edges[op->out_edges[e]].to].name);
    return SIM_OK;
}

static sim_status read_op(const sim_yreader *r, sim_scenario *sc, const sim_ynode *k, const sim_ynode *m)
{
    static const char *const keys[] = {"cost", "fanout", "fanin", "keep", "route", "output_bytes", NULL};
    static const char *const ckeys[] = {"cpu", "accelerator", NULL};
    uint32_t i = 0;
    while (i < sc->n_ops && strcmp(sc->ops[i].name, k->text) != 0)
        i++;
    if (i == sc->n_ops)
        return sim_y_fail(r, k, "'operators': '%s' is not an operator of the pipeline", k->text);
    op_reader o = {r, sc, &sc->ops[i], ""};
    snprintf(o.what, sizeof o.what, "operator '%s'", o.op->name);
    sim_op *op = o.op;
    if (op->cost.kind)
        return sim_y_fail(r, k, "%s appears twice", o.what);
    const sim_ynode *cost, *x;
    sim_status st;
    if ((st = sim_y_mapping(r, m, o.what, keys)) != SIM_OK ||
        (st = sim_y_required(r, m, "cost", o.what, &cost)) != SIM_OK ||
        (st = sim_y_mapping(r, cost, "'cost'", ckeys)) != SIM_OK)
        return st;
    if (cost->n != 2)
        return sim_y_fail(r, cost, "%s: 'cost' must hold exactly one of 'cpu' and 'accelerator'", o.what);
    if (strcmp(cost->first->text, "cpu") == 0) {
        if (op->gpus > 0)
            return sim_y_fail(r, cost->first, "%s holds accelerators: give it an 'accelerator' cost", o.what);
        st = read_cpu(&o, cost->first->next, &op->cost);
    } else {
        st = read_accelerator(&o, cost->first->next, &op->cost);
    }
    if (st != SIM_OK)
        return st;
    if (sim_y_find(m, "fanout") && sim_y_find(m, "fanin"))
        return sim_y_fail(r, m, "%s: give 'fanout' or 'fanin', not both", o.what);
    op->fanin = (x = sim_y_find(m, "fanin")) != NULL;
    if (x || (x = sim_y_find(m, "fanout")))
        if ((st = quantity(&o, x, op->fanin ? "fanin" : "fanout", op->fanin ? 1e-9 : 0, 1e9, &op->fanout)) != SIM_OK)
            return st;
    if ((x = sim_y_find(m, "keep")) && (st = quantity(&o, x, "keep", 0, 1, &op->keep)) != SIM_OK)
        return st;
    if ((x = sim_y_find(m, "output_bytes"))) {
        /* A size ("2MiB") or the name of a feature holding each item's bytes (video sizes vary by regime). */
        int size = x->kind == TRD__Y_SCALAR && x->plain && x->len && (isdigit((unsigned char)x->text[0]) || x->text[0] == '.');
        st = size ? sim_y_number(r, x, "output_bytes", SIM_Y_BYTES, 0, 1e15, &op->out_bytes.value)
                  : feature_ref(&o, x, "output_bytes", &op->out_bytes.feature);
        if (st != SIM_OK)
            return st;
    }
    if ((x = sim_y_find(m, "route")) && (st = read_route(&o, x, sc)) != SIM_OK)
        return st;
    return SIM_OK;
}

sim_status sim_read_operators(const sim_yreader *r, sim_scenario *sc, const sim_ynode *ops)
{
    sim_status st = sim_y_mapping(r, ops, "'operators'", NULL);
    if (st != SIM_OK)
        return st;
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        sc->ops[i].fanout = (sim_quantity){SIM_NO_FEATURE, 1};
        sc->ops[i].keep = (sim_quantity){SIM_NO_FEATURE, 1};
        sc->ops[i].out_bytes = (sim_quantity){SIM_NO_FEATURE, sc->ops[i].out_bytes_model};
    }
    SIM_Y_EACH_PAIR(ops, k, v)
    {
        if ((st = read_op(r, sc, k, v)) != SIM_OK)
            return st;
    }
    for (uint32_t i = 0; i < sc->n_ops; i++)
        if (!sc->ops[i].cost.kind)
            return sim_y_fail(r, ops, "'operators' has no entry for operator '%s' (every operator needs a cost)",
                              sc->ops[i].name);
    return SIM_OK;
}
