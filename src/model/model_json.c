/* model_json.c -- the committed model as JSON.  References use names (ids are positions in the arrays), and
 * values use the same keys as the YAML format, so a dump reads like the file it came from. */
#include "model/model.h"

static void attr_value(trd__json *j, const trd__attr_desc *desc, double v)
{
    if (desc->unknown_ok && v == TRD_UNKNOWN)
        trd__json_null(j);
    else if (desc->unit == TRD__UNIT_BOOL)
        trd__json_bool(j, v != 0);
    else
        trd__json_double(j, v);
}

/* One knob value as the type it has: number, boolean or the choice's name. */
static void knob_value(trd__json *j, const trd__knob *k, double v)
{
    if (k->type == TRD_KNOB_TYPE_BOOL)
        trd__json_bool(j, v != 0);
    else if (k->type == TRD_KNOB_TYPE_CHOICE)
        trd__json_string(j, k->choices[(size_t)v]);
    else
        trd__json_double(j, v);
}

static void knob(trd__json *j, const trd__knob *k)
{
    static const char *const types[] = {"", "int", "real", "bool", "choice"};
    trd__json_object_begin(j);
    trd__json_key(j, "name");
    trd__json_string(j, k->name);
    trd__json_key(j, "type");
    trd__json_string(j, types[k->type]);
    if (k->type == TRD_KNOB_TYPE_INT || k->type == TRD_KNOB_TYPE_REAL) {
        trd__json_key(j, "min");
        trd__json_double(j, k->min);
        trd__json_key(j, "max");
        trd__json_double(j, k->max);
        trd__json_key(j, "memory_monotone");
        trd__json_bool(j, (k->flags & TRD_KNOB_MEMORY_MONOTONE) != 0);
        trd__json_key(j, "log_scale");
        trd__json_bool(j, (k->flags & TRD_KNOB_LOG_SCALE) != 0);
    }
    if (k->type == TRD_KNOB_TYPE_CHOICE) {
        trd__json_key(j, "choices");
        trd__json_array_begin(j);
        for (uint32_t c = 0; c < k->n_choices; c++)
            trd__json_string(j, k->choices[c]);
        trd__json_array_end(j);
    }
    trd__json_key(j, "default");
    knob_value(j, k, k->dflt);
    trd__json_object_end(j);
}

static void op_json(trd__json *j, const trd__operator *o)
{
    trd__json_object_begin(j);
    trd__json_key(j, "name");
    trd__json_string(j, o->name);
    for (uint32_t a = 1; a <= TRD__OP_ATTRS; a++) {
        const trd__attr_desc *desc = trd__op_attr_desc(a);
        trd__json_key(j, desc->key);
        attr_value(j, desc, o->attr[a - 1]);
    }
    trd__json_key(j, "features");
    trd__json_array_begin(j);
    for (uint32_t f = 0; f < o->n_features; f++)
        trd__json_string(j, o->features[f]);
    trd__json_array_end(j);
    trd__json_key(j, "knobs");
    trd__json_array_begin(j);
    for (size_t k = 0; k < o->n_knobs; k++)
        knob(j, &o->knobs[k]);
    trd__json_array_end(j);
    trd__json_key(j, "configs");
    trd__json_array_begin(j);
    for (size_t c = 0; c < o->n_configs; c++) {
        trd__json_object_begin(j);
        for (size_t k = 0; k < o->n_knobs; k++) {
            trd__json_key(j, o->knobs[k].name);
            knob_value(j, &o->knobs[k], o->configs[c * o->n_knobs + k]);
        }
        trd__json_object_end(j);
    }
    trd__json_array_end(j);
    trd__json_object_end(j);
}

void trd__model_to_json(const trd__model *m, trd__json *j)
{
    trd__json_object_begin(j);
    trd__json_key(j, "epoch");
    trd__json_uint(j, m->epoch);

    trd__json_key(j, "nodes");
    trd__json_array_begin(j);
    for (size_t i = 0; i < m->n_nodes; i++) {
        const trd__node *n = &m->nodes[i];
        trd__json_object_begin(j);
        trd__json_key(j, "name");
        trd__json_string(j, n->name);
        for (uint32_t a = 1; a <= TRD__NODE_ATTRS; a++) {
            const trd__attr_desc *desc = trd__node_attr_desc(a);
            trd__json_key(j, desc->key);
            attr_value(j, desc, n->attr[a - 1]);
        }
        trd__json_object_end(j);
    }
    trd__json_array_end(j);

    trd__json_key(j, "operators");
    trd__json_array_begin(j);
    for (size_t i = 0; i < m->n_ops; i++)
        op_json(j, &m->ops[i]);
    trd__json_array_end(j);

    trd__json_key(j, "edges");
    trd__json_array_begin(j);
    for (size_t e = 0; e < m->n_edges; e++) {
        trd__json_object_begin(j);
        trd__json_key(j, "from");
        trd__json_string(j, m->ops[m->edges[e].from].name);
        trd__json_key(j, "to");
        trd__json_string(j, m->ops[m->edges[e].to].name);
        trd__json_key(j, "share");
        trd__json_double(j, m->edges[e].share);
        trd__json_object_end(j);
    }
    trd__json_array_end(j);

    trd__json_key(j, "deployment");
    trd__json_array_begin(j);
    for (size_t p = 0; p < m->n_placements; p++) {
        const trd__placement *pl = &m->placements[p];
        trd__json_object_begin(j);
        trd__json_key(j, "operator");
        trd__json_string(j, m->ops[pl->op].name);
        trd__json_key(j, "node");
        trd__json_string(j, m->nodes[pl->node].name);
        trd__json_key(j, "member");
        trd__json_uint(j, pl->member);
        trd__json_key(j, "config");
        trd__json_uint(j, pl->config);
        trd__json_key(j, "instances");
        trd__json_uint(j, pl->instances);
        trd__json_object_end(j);
    }
    trd__json_array_end(j);
    trd__json_object_end(j);
}
