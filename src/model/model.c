/* model.c -- model storage and the edit operations. */
#include "model/model.h"

#include <math.h>
#include <string.h>

#include "common/numfmt.h"

static void init_node(trd__node *n, const char *name)
{
    memset(n, 0, sizeof *n);
    strcpy(n->name, name);
    for (uint32_t a = 1; a <= TRD__NODE_ATTRS; a++)
        n->attr[a - 1] = trd__node_attr_desc(a)->dflt;
}

static void init_op(trd__operator *o, const char *name)
{
    memset(o, 0, sizeof *o);
    strcpy(o->name, name);
    for (uint32_t a = 1; a <= TRD__OP_ATTRS; a++)
        o->attr[a - 1] = trd__op_attr_desc(a)->dflt;
    o->n_configs = 1; /* the default config exists from the start, with no values while there are no knobs */
}

trd__model *trd__model_new(const trd__alloc *alloc)
{
    trd__model *m = trd__calloc(alloc, 1, sizeof *m);
    if (m)
        m->alloc = alloc;
    return m;
}

static void free_op(const trd__alloc *a, trd__operator *o)
{
    for (size_t k = 0; k < o->n_knobs; k++)
        trd__free(a, o->knobs[k].choices);
    trd__free(a, o->knobs);
    trd__free(a, o->configs);
}

void trd__model_free(trd__model *m)
{
    if (!m)
        return;
    const trd__alloc *a = m->alloc;
    for (size_t i = 0; i < m->n_ops; i++)
        free_op(a, &m->ops[i]);
    trd__free(a, m->ops);
    trd__free(a, m->nodes);
    trd__free(a, m->edges);
    trd__free(a, m->placements);
    trd__free(a, m);
}

/* Copies `n` elements of `size` bytes; NULL stays NULL, and zero elements give NULL. */
static int dup_array(const trd__alloc *a, void **dst, const void *src, size_t n, size_t size)
{
    *dst = NULL;
    if (!src || n == 0)
        return 0;
    *dst = trd__malloc(a, n * size);
    if (!*dst)
        return -1;
    memcpy(*dst, src, n * size);
    return 0;
}

static int clone_op(const trd__alloc *a, trd__operator *dst, const trd__operator *src)
{
    *dst = *src;
    dst->knobs = NULL;
    dst->configs = NULL;
    dst->cap_knobs = src->n_knobs;
    dst->cap_configs = src->n_knobs ? src->n_configs : 0;
    if (dup_array(a, (void **)&dst->knobs, src->knobs, src->n_knobs, sizeof *src->knobs) != 0)
        return -1;
    for (size_t k = 0; k < src->n_knobs; k++)
        dst->knobs[k].choices = NULL;
    for (size_t k = 0; k < src->n_knobs; k++) {
        const trd__knob *sk = &src->knobs[k];
        if (dup_array(a, (void **)&dst->knobs[k].choices, sk->choices, sk->n_choices, sizeof *sk->choices) != 0) {
            free_op(a, dst);
            return -1;
        }
    }
    if (dup_array(a, (void **)&dst->configs, src->configs, src->n_configs * src->n_knobs,
                  sizeof *src->configs) != 0) {
        free_op(a, dst);
        return -1;
    }
    return 0;
}

trd__model *trd__model_clone(const trd__model *m)
{
    const trd__alloc *a = m->alloc;
    trd__model *c = trd__model_new(a);
    if (!c)
        return NULL;
    c->epoch = m->epoch;
    if (dup_array(a, (void **)&c->nodes, m->nodes, m->n_nodes, sizeof *m->nodes) != 0)
        goto fail;
    c->n_nodes = c->cap_nodes = m->n_nodes;
    if (dup_array(a, (void **)&c->edges, m->edges, m->n_edges, sizeof *m->edges) != 0)
        goto fail;
    c->n_edges = c->cap_edges = m->n_edges;
    if (dup_array(a, (void **)&c->placements, m->placements, m->n_placements, sizeof *m->placements) != 0)
        goto fail;
    c->n_placements = c->cap_placements = m->n_placements;
    if (m->n_ops) {
        c->ops = trd__calloc(a, m->n_ops, sizeof *c->ops);
        if (!c->ops)
            goto fail;
        c->cap_ops = m->n_ops;
        for (size_t i = 0; i < m->n_ops; i++) {
            if (clone_op(a, &c->ops[i], &m->ops[i]) != 0)
                goto fail;
            c->n_ops = i + 1;
        }
    }
    return c;
fail:
    trd__model_free(c);
    return NULL;
}

long trd__model_find_node(const trd__model *m, const char *name)
{
    for (size_t i = 0; i < m->n_nodes; i++)
        if (strcmp(m->nodes[i].name, name) == 0)
            return (long)i;
    return -1;
}

long trd__model_find_op(const trd__model *m, const char *name)
{
    for (size_t i = 0; i < m->n_ops; i++)
        if (strcmp(m->ops[i].name, name) == 0)
            return (long)i;
    return -1;
}

long trd__op_find_knob(const trd__operator *op, const char *name)
{
    for (size_t k = 0; k < op->n_knobs; k++)
        if (strcmp(op->knobs[k].name, name) == 0)
            return (long)k;
    return -1;
}

trd_status trd__check_name(const char *what, const char *name, trd__diag *d)
{
    if (!name)
        return trd__fail(d, TRD_E_INVALID_ARG, "%s name is NULL", what);
    size_t n = strlen(name);
    if (n == 0)
        return trd__fail(d, TRD_E_INVALID_ARG, "%s name is empty", what);
    if (n >= TRD__NAME_CAP)
        return trd__fail(d, TRD_E_INVALID_ARG, "%s name '%.20s...' is %zu characters long (at most %d)", what,
                         name, n, TRD__NAME_CAP - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '-' || c == '.' || c == ':' || c == '/';
        if (!ok)
            return trd__fail(d, TRD_E_INVALID_ARG,
                             "%s name '%s' has character 0x%02x at %zu (allowed: letters, digits, _ - . : /)",
                             what, name, c, i);
    }
    return TRD_OK;
}

/* Checks a value against an attribute's row: finite, integral where required, inside the range. */
static trd_status check_attr(const trd__attr_desc *desc, const char *kind, const char *name, double v,
                             trd__diag *d)
{
    char a[TRD__NUM_CAP], b[TRD__NUM_CAP], c[TRD__NUM_CAP];
    if (!isfinite(v))
        return trd__fail(d, TRD_E_INVALID_ARG, "%s '%s': %s must be a finite number", kind, name, desc->key);
    if (desc->unknown_ok && v == TRD_UNKNOWN)
        return TRD_OK;
    if (v < desc->min || v > desc->max) {
        trd__fmt_double(a, v);
        trd__fmt_double(b, desc->min);
        trd__fmt_double(c, desc->max);
        return trd__fail(d, TRD_E_OUT_OF_RANGE, "%s '%s': %s is %s, outside [%s, %s]%s", kind, name, desc->key,
                         a, b, c, desc->unknown_ok ? " (or TRD_UNKNOWN)" : "");
    }
    if (desc->integral && v != floor(v)) {
        trd__fmt_double(a, v);
        return trd__fail(d, TRD_E_INVALID_ARG, "%s '%s': %s must be a whole number, got %s", kind, name,
                         desc->key, a);
    }
    return TRD_OK;
}

trd_status trd__model_add_node(trd__model *m, const char *name, uint32_t *out, trd__diag *d)
{
    trd_status st = trd__check_name("node", name, d);
    if (st != TRD_OK)
        return st;
    if (trd__model_find_node(m, name) >= 0)
        return trd__fail(d, TRD_E_INVALID_ARG, "node '%s' already exists", name);
    if (m->n_nodes >= TRD__MAX_NODES)
        return trd__fail(d, TRD_E_LIMIT, "node '%s': the cluster already has %d node kinds (the maximum)", name,
                         TRD__MAX_NODES);
    if (trd__grow(m->alloc, (void **)&m->nodes, &m->cap_nodes, m->n_nodes + 1, sizeof *m->nodes) != 0)
        return trd__fail(d, TRD_E_NOMEM, "out of memory adding node '%s'", name);
    init_node(&m->nodes[m->n_nodes], name);
    if (out)
        *out = (uint32_t)m->n_nodes;
    m->n_nodes++;
    return TRD_OK;
}

trd_status trd__model_set_node_attr(trd__model *m, uint32_t node, uint32_t attr, double value, trd__diag *d)
{
    if (node >= m->n_nodes)
        return trd__fail(d, TRD_E_NOT_FOUND, "node %u unknown (the model has %zu node kinds)", node, m->n_nodes);
    const trd__attr_desc *desc = trd__node_attr_desc(attr);
    if (!desc)
        return trd__fail(d, TRD_E_NOT_FOUND, "node '%s': attribute %u unknown", m->nodes[node].name, attr);
    trd_status st = check_attr(desc, "node", m->nodes[node].name, value, d);
    if (st != TRD_OK)
        return st;
    m->nodes[node].attr[attr - 1] = value + 0.0; /* + 0.0 turns -0 into 0 */
    return TRD_OK;
}

trd_status trd__model_add_op(trd__model *m, const char *name, uint32_t *out, trd__diag *d)
{
    trd_status st = trd__check_name("operator", name, d);
    if (st != TRD_OK)
        return st;
    if (trd__model_find_op(m, name) >= 0)
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s' already exists", name);
    if (m->n_ops >= TRD__MAX_OPS)
        return trd__fail(d, TRD_E_LIMIT, "operator '%s': the pipeline already has %d operators (the maximum)",
                         name, TRD__MAX_OPS);
    if (trd__grow(m->alloc, (void **)&m->ops, &m->cap_ops, m->n_ops + 1, sizeof *m->ops) != 0)
        return trd__fail(d, TRD_E_NOMEM, "out of memory adding operator '%s'", name);
    init_op(&m->ops[m->n_ops], name);
    if (out)
        *out = (uint32_t)m->n_ops;
    m->n_ops++;
    return TRD_OK;
}

static trd_status op_or_fail(const trd__model *m, uint32_t op, trd__diag *d)
{
    if (op >= m->n_ops)
        return trd__fail(d, TRD_E_NOT_FOUND, "operator %u unknown (the model has %zu operators)", op, m->n_ops);
    return TRD_OK;
}

trd_status trd__model_set_op_attr(trd__model *m, uint32_t op, uint32_t attr, double value, trd__diag *d)
{
    trd_status st = op_or_fail(m, op, d);
    if (st != TRD_OK)
        return st;
    trd__operator *o = &m->ops[op];
    const trd__attr_desc *desc = trd__op_attr_desc(attr);
    if (!desc)
        return trd__fail(d, TRD_E_NOT_FOUND, "operator '%s': attribute %u unknown", o->name, attr);
    st = check_attr(desc, "operator", o->name, value, d);
    if (st != TRD_OK)
        return st;
    if (attr == TRD_OP_GPUS && value > 1 && value != floor(value)) {
        char v[TRD__NUM_CAP];
        trd__fmt_double(v, value);
        return trd__fail(d, TRD_E_INVALID_ARG,
                         "operator '%s': gpus is %s; use a fraction in (0, 1] to share one device or a whole "
                         "number of devices",
                         o->name, v);
    }
    o->attr[attr - 1] = value + 0.0; /* + 0.0 turns -0 into 0 */
    return TRD_OK;
}

trd_status trd__model_add_feature(trd__model *m, uint32_t op, const char *name, uint32_t *out, trd__diag *d)
{
    trd_status st = op_or_fail(m, op, d);
    if (st != TRD_OK)
        return st;
    trd__operator *o = &m->ops[op];
    if ((st = trd__check_name("feature", name, d)) != TRD_OK)
        return st;
    for (uint32_t i = 0; i < o->n_features; i++)
        if (strcmp(o->features[i], name) == 0)
            return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': feature '%s' already declared", o->name, name);
    if (o->n_features >= TRD_MAX_FEATURES)
        return trd__fail(d, TRD_E_LIMIT, "operator '%s': feature '%s' would be feature %d; at most %d", o->name,
                         name, TRD_MAX_FEATURES + 1, TRD_MAX_FEATURES);
    strcpy(o->features[o->n_features], name);
    if (out)
        *out = o->n_features;
    o->n_features++;
    return TRD_OK;
}

static const char *knob_type_name(uint32_t type)
{
    switch (type) {
    case TRD_KNOB_TYPE_INT: return "int";
    case TRD_KNOB_TYPE_REAL: return "real";
    case TRD_KNOB_TYPE_BOOL: return "bool";
    case TRD_KNOB_TYPE_CHOICE: return "choice";
    default: return "?";
    }
}

/* The domain checks shared by knob creation (for the default) and configs (for each value). */
static trd_status check_knob_value(const trd__operator *o, const trd__knob *k, double v, const char *what,
                                   trd__diag *d)
{
    char a[TRD__NUM_CAP], lo[TRD__NUM_CAP], hi[TRD__NUM_CAP];
    trd__fmt_double(a, v);
    if (!isfinite(v))
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s': %s is not finite", o->name, k->name,
                         what);
    if (k->type != TRD_KNOB_TYPE_REAL && v != floor(v))
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' (%s): %s %s is not a whole number",
                         o->name, k->name, knob_type_name(k->type), what, a);
    if (v < k->min || v > k->max) {
        trd__fmt_double(lo, k->min);
        trd__fmt_double(hi, k->max);
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s': %s %s is outside its domain [%s, %s]",
                         o->name, k->name, what, a, lo, hi);
    }
    return TRD_OK;
}

trd_status trd__model_add_knob(trd__model *m, uint32_t op, const trd__knob *spec, const char *const *choices,
                               uint32_t *out, trd__diag *d)
{
    trd_status st = op_or_fail(m, op, d);
    if (st != TRD_OK)
        return st;
    trd__operator *o = &m->ops[op];
    if ((st = trd__check_name("knob", spec->name, d)) != TRD_OK)
        return st;
    if (trd__op_find_knob(o, spec->name) >= 0)
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' already exists", o->name, spec->name);
    if (o->n_configs > 1)
        return trd__fail(d, TRD_E_STATE, "operator '%s': knob '%s' added after configs were registered", o->name,
                         spec->name);
    if (o->n_knobs >= TRD__MAX_KNOBS)
        return trd__fail(d, TRD_E_LIMIT, "operator '%s': knob '%s' exceeds the maximum of %d knobs", o->name,
                         spec->name, TRD__MAX_KNOBS);
    if (spec->type < TRD_KNOB_TYPE_INT || spec->type > TRD_KNOB_TYPE_CHOICE)
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' has unknown type %u", o->name,
                         spec->name, spec->type);

    trd__knob k = *spec;
    k.choices = NULL;
    k.n_choices = 0;
    if (k.flags & ~(uint32_t)(TRD_KNOB_MEMORY_MONOTONE | TRD_KNOB_LOG_SCALE))
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' has unknown flags 0x%x", o->name, k.name,
                         k.flags);
    if (k.flags && (k.type == TRD_KNOB_TYPE_BOOL || k.type == TRD_KNOB_TYPE_CHOICE))
        return trd__fail(d, TRD_E_INVALID_ARG,
                         "operator '%s': knob '%s' (%s) cannot be memory-monotone or log-scale; only int and real "
                         "knobs are ordered",
                         o->name, k.name, knob_type_name(k.type));
    if (k.type == TRD_KNOB_TYPE_BOOL) {
        k.min = 0;
        k.max = 1;
    } else if (k.type == TRD_KNOB_TYPE_CHOICE) {
        if (spec->n_choices == 0)
            return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' has an empty domain (no choices)",
                             o->name, k.name);
        if (spec->n_choices > TRD__MAX_CHOICES)
            return trd__fail(d, TRD_E_LIMIT, "operator '%s': knob '%s' has %u choices (at most %d)", o->name,
                             k.name, spec->n_choices, TRD__MAX_CHOICES);
        if (!choices)
            return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s': choices is NULL", o->name, k.name);
        for (uint32_t i = 0; i < spec->n_choices; i++) {
            if ((st = trd__check_name("choice", choices[i], d)) != TRD_OK) {
                trd__diag_prefix(d, "operator '%s': knob '%s': ", o->name, k.name);
                return st;
            }
            for (uint32_t j = 0; j < i; j++)
                if (strcmp(choices[i], choices[j]) == 0)
                    return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s': choice '%s' is listed twice",
                                     o->name, k.name, choices[i]);
        }
        k.min = 0;
        k.max = spec->n_choices - 1;
    } else {
        if (!isfinite(k.min) || !isfinite(k.max))
            return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' has a non-finite bound", o->name,
                             k.name);
        if (k.min > k.max) {
            char lo[TRD__NUM_CAP], hi[TRD__NUM_CAP];
            trd__fmt_double(lo, k.min);
            trd__fmt_double(hi, k.max);
            return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' has an empty domain (min %s > max %s)",
                             o->name, k.name, lo, hi);
        }
        if (k.type == TRD_KNOB_TYPE_INT && (k.min != floor(k.min) || k.max != floor(k.max)))
            return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' (int) has a fractional bound", o->name,
                             k.name);
        if ((k.flags & TRD_KNOB_LOG_SCALE) && k.min <= 0)
            return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': knob '%s' is log-scale but its min is not > 0",
                             o->name, k.name);
    }
    if ((st = check_knob_value(o, &k, k.dflt, "default", d)) != TRD_OK)
        return st;

    /* Allocate everything before touching the operator, so a failure leaves it as it was. */
    char(*names)[TRD__NAME_CAP] = NULL;
    if (k.type == TRD_KNOB_TYPE_CHOICE) {
        names = trd__calloc(m->alloc, spec->n_choices, sizeof *names);
        if (!names)
            return trd__fail(d, TRD_E_NOMEM, "out of memory adding knob '%s'", k.name);
        for (uint32_t i = 0; i < spec->n_choices; i++)
            strcpy(names[i], choices[i]);
    }
    double *row = trd__malloc(m->alloc, (o->n_knobs + 1) * sizeof *row);
    if (!row || trd__grow(m->alloc, (void **)&o->knobs, &o->cap_knobs, o->n_knobs + 1, sizeof *o->knobs) != 0) {
        trd__free(m->alloc, row);
        trd__free(m->alloc, names);
        return trd__fail(d, TRD_E_NOMEM, "out of memory adding knob '%s'", k.name);
    }
    /* Only the default config exists (checked above): extend it with the new knob's default. */
    if (o->n_knobs)
        memcpy(row, o->configs, o->n_knobs * sizeof *row);
    row[o->n_knobs] = k.dflt;
    trd__free(m->alloc, o->configs);
    o->configs = row;
    o->cap_configs = 1;
    k.choices = names;
    k.n_choices = spec->type == TRD_KNOB_TYPE_CHOICE ? spec->n_choices : 0;
    o->knobs[o->n_knobs] = k;
    if (out)
        *out = (uint32_t)o->n_knobs;
    o->n_knobs++;
    return TRD_OK;
}

trd_status trd__model_add_config(trd__model *m, uint32_t op, const double *values, size_t n, uint32_t *out,
                                 trd__diag *d)
{
    trd_status st = op_or_fail(m, op, d);
    if (st != TRD_OK)
        return st;
    trd__operator *o = &m->ops[op];
    if (n != o->n_knobs)
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': a config needs %zu values (one per knob), got %zu",
                         o->name, o->n_knobs, n);
    if (n > 0 && !values)
        return trd__fail(d, TRD_E_INVALID_ARG, "operator '%s': config values are NULL", o->name);
    for (size_t k = 0; k < n; k++)
        if ((st = check_knob_value(o, &o->knobs[k], values[k], "config value", d)) != TRD_OK)
            return st;
    for (size_t c = 0; c < o->n_configs; c++) {
        if (n == 0 || memcmp(&o->configs[c * n], values, n * sizeof *values) == 0) {
            if (out)
                *out = (uint32_t)c;
            return TRD_OK;
        }
    }
    if (o->n_configs >= TRD__MAX_CONFIGS)
        return trd__fail(d, TRD_E_LIMIT, "operator '%s' already has %d configs (the maximum)", o->name,
                         TRD__MAX_CONFIGS);
    /* Rows are n doubles each; grow in units of rows. */
    size_t cap_rows = o->cap_configs;
    void *rows = o->configs;
    if (trd__grow(m->alloc, &rows, &cap_rows, o->n_configs + 1, n * sizeof *values) != 0)
        return trd__fail(d, TRD_E_NOMEM, "out of memory adding a config to operator '%s'", o->name);
    o->configs = rows;
    o->cap_configs = cap_rows;
    memcpy(&o->configs[o->n_configs * n], values, n * sizeof *values);
    if (out)
        *out = (uint32_t)o->n_configs;
    o->n_configs++;
    return TRD_OK;
}

int trd__model_reserve_configs(trd__model *m, uint32_t op, size_t extra)
{
    if (op >= m->n_ops)
        return -1;
    trd__operator *o = &m->ops[op];
    if (o->n_knobs == 0 || extra == 0)
        return 0;
    size_t cap_rows = o->cap_configs;
    void *rows = o->configs;
    if (trd__grow(m->alloc, &rows, &cap_rows, o->n_configs + extra, o->n_knobs * sizeof *o->configs) != 0)
        return -1;
    o->configs = rows;
    o->cap_configs = cap_rows;
    return 0;
}

trd_status trd__model_add_edge(trd__model *m, uint32_t from, uint32_t to, double share, trd__diag *d)
{
    trd_status st = op_or_fail(m, from, d);
    if (st != TRD_OK || (st = op_or_fail(m, to, d)) != TRD_OK)
        return st;
    if (from == to)
        return trd__fail(d, TRD_E_INVALID_ARG, "edge '%s' -> '%s' is a self-loop", m->ops[from].name,
                         m->ops[to].name);
    if (!isfinite(share) || share <= 0 || share > 1) {
        char s[TRD__NUM_CAP];
        trd__fmt_double(s, share);
        return trd__fail(d, TRD_E_INVALID_ARG, "edge '%s' -> '%s': share %s is outside (0, 1]", m->ops[from].name,
                         m->ops[to].name, s);
    }
    for (size_t i = 0; i < m->n_edges; i++)
        if (m->edges[i].from == from && m->edges[i].to == to)
            return trd__fail(d, TRD_E_INVALID_ARG, "edge '%s' -> '%s' already exists", m->ops[from].name,
                             m->ops[to].name);
    if (m->n_edges >= TRD__MAX_EDGES)
        return trd__fail(d, TRD_E_LIMIT, "the pipeline already has %d edges (the maximum)", TRD__MAX_EDGES);
    if (trd__grow(m->alloc, (void **)&m->edges, &m->cap_edges, m->n_edges + 1, sizeof *m->edges) != 0)
        return trd__fail(d, TRD_E_NOMEM, "out of memory adding an edge");
    m->edges[m->n_edges++] = (trd__edge){from, to, share};
    return TRD_OK;
}

trd_status trd__model_set_placement(trd__model *m, uint32_t op, uint32_t node, uint32_t member, uint32_t config,
                                    uint32_t instances, trd__diag *d)
{
    trd_status st = op_or_fail(m, op, d);
    if (st != TRD_OK)
        return st;
    const trd__operator *o = &m->ops[op];
    if (node >= m->n_nodes)
        return trd__fail(d, TRD_E_NOT_FOUND, "deployment of '%s': node %u unknown (the model has %zu node kinds)",
                         o->name, node, m->n_nodes);
    const trd__node *n = &m->nodes[node];
    if (member >= trd__node_get(n, TRD_NODE_COUNT))
        return trd__fail(d, TRD_E_OUT_OF_RANGE, "deployment of '%s': node '%s' member %u, but the pool has %.0f "
                         "machines", o->name, n->name, member, trd__node_get(n, TRD_NODE_COUNT));
    if (config >= o->n_configs)
        return trd__fail(d, TRD_E_NOT_FOUND, "deployment of '%s': config %u unknown (the operator has %zu)",
                         o->name, config, o->n_configs);
    if (instances > TRD__MAX_PLACED)
        return trd__fail(d, TRD_E_OUT_OF_RANGE, "deployment of '%s': %u instances on one machine (at most %d)",
                         o->name, instances, TRD__MAX_PLACED);
    for (size_t i = 0; i < m->n_placements; i++) {
        trd__placement *p = &m->placements[i];
        if (p->op == op && p->node == node && p->member == member && p->config == config) {
            if (instances > 0) {
                p->instances = instances;
            } else {
                memmove(p, p + 1, (m->n_placements - i - 1) * sizeof *p);
                m->n_placements--;
            }
            return TRD_OK;
        }
    }
    if (instances == 0)
        return TRD_OK;
    if (m->n_placements >= TRD__MAX_PLACEMENTS)
        return trd__fail(d, TRD_E_LIMIT, "the deployment already has %d entries (the maximum)",
                         TRD__MAX_PLACEMENTS);
    if (trd__grow(m->alloc, (void **)&m->placements, &m->cap_placements, m->n_placements + 1,
                  sizeof *m->placements) != 0)
        return trd__fail(d, TRD_E_NOMEM, "out of memory recording the deployment of '%s'", o->name);
    m->placements[m->n_placements++] = (trd__placement){op, node, member, config, instances};
    return TRD_OK;
}
