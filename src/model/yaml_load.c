/* yaml_load.c -- walks the YAML tree against the schema and builds the model with the same edit functions
 * the public API uses, so both paths accept and refuse exactly the same models.  Every message starts with
 * "source:line:col: " pointing at the offending key or value. */
#include "model/yaml_load.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/numfmt.h"
#include "model/units.h"
#include "model/yaml_tree.h"

typedef struct loader {
    const char *source;
    trd__model *m;
    trd__diag *d;
    trd__arena *ar;
    const trd__ynode *root;
    /* Where each object was defined, for messages from whole-model validation. */
    const trd__ynode **node_at, **op_at, **edge_at, **placement_at;
} loader;

static trd_status fail_at(loader *L, const trd__ynode *at, trd_status st, const char *fmt, ...) TRD__PRINTF(4, 5);

static trd_status fail_at(loader *L, const trd__ynode *at, trd_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trd__vfail(L->d, st, fmt, ap);
    va_end(ap);
    trd__diag_prefix(L->d, "%s:%u:%u: ", L->source, at->line, at->col);
    return st;
}

/* Points a message produced by a model edit at the YAML node that caused it.  A value the edit refuses is a
 * defect of the file, so argument errors become TRD_E_PARSE; memory, limits and whole-model validation keep
 * their own status. */
static trd_status here(loader *L, const trd__ynode *at, trd_status st)
{
    if (st == TRD_OK)
        return st;
    trd__diag_prefix(L->d, "%s:%u:%u: ", L->source, at->line, at->col);
    if (st == TRD_E_INVALID_ARG || st == TRD_E_OUT_OF_RANGE || st == TRD_E_NOT_FOUND || st == TRD_E_STATE)
        return TRD_E_PARSE;
    return st;
}

static const char *kind_name(const trd__ynode *n)
{
    if (n->kind == TRD__Y_MAP)
        return "a mapping";
    if (n->kind == TRD__Y_SEQ)
        return "a list";
    return n->plain ? "a plain scalar" : "a quoted string";
}

/* Iterates the (key, value) pairs of a mapping. */
#define FOR_PAIRS(map, k, v)                                                                                     \
    for (const trd__ynode *k = (map)->first, *v = k ? k->next : NULL; k && v;                                    \
         k = v->next, v = k ? k->next : NULL)

static const trd__ynode *get(const trd__ynode *map, const char *key)
{
    FOR_PAIRS(map, k, v)
    if (strcmp(k->text, key) == 0)
        return v;
    return NULL;
}

static trd_status expect(loader *L, const trd__ynode *n, trd__ykind kind, const char *what)
{
    if (n->kind == kind)
        return TRD_OK;
    return fail_at(L, n, TRD_E_PARSE, "%s must be %s, got %s", what,
                   kind == TRD__Y_MAP ? "a mapping" : kind == TRD__Y_SEQ ? "a list" : "a scalar", kind_name(n));
}

/* Refuses keys not in `allowed` (a NULL-terminated list), naming the ones that are. */
static trd_status check_keys(loader *L, const trd__ynode *map, const char *const *allowed, const char *where)
{
    FOR_PAIRS(map, k, v)
    {
        (void)v;
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(k->text, *a) == 0;
        if (!known) {
            char list[TRD__MSG_CAP] = "";
            size_t len = 0;
            for (const char *const *a = allowed; *a && len < sizeof list; a++)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", a == allowed ? "" : ", ", *a);
            return fail_at(L, k, TRD_E_PARSE, "unknown key '%s' in %s; expected one of: %s", k->text, where, list);
        }
    }
    return TRD_OK;
}

static trd_status required(loader *L, const trd__ynode *map, const char *key, const char *where,
                           const trd__ynode **out)
{
    *out = get(map, key);
    if (!*out)
        return fail_at(L, map, TRD_E_PARSE, "%s: missing required key '%s'", where, key);
    return TRD_OK;
}

static trd_status name_of(loader *L, const trd__ynode *n, const char *what, const char **out)
{
    if (n->kind != TRD__Y_SCALAR)
        return fail_at(L, n, TRD_E_PARSE, "%s must be a name, got %s", what, kind_name(n));
    *out = n->text;
    return TRD_OK;
}

/* A number, optionally with a unit of the given kind.  Numbers must be plain scalars: "8" in quotes is a
 * string, and silently converting it would hide a mistake in the file. */
static trd_status number(loader *L, const trd__ynode *n, const char *key, trd__unit unit, double *out)
{
    if (n->kind != TRD__Y_SCALAR || !n->plain)
        return fail_at(L, n, TRD_E_PARSE, "'%s' must be a number, got %s", key, kind_name(n));
    const char *why = "";
    int rc = trd__parse_quantity(n->text, n->len, unit, out, &why);
    if (rc == TRD__NUM_OK)
        return TRD_OK;
    if (rc == TRD__NUM_RANGE)
        return fail_at(L, n, TRD_E_PARSE, "'%s': %.40s is out of range (%s)", key, n->text, why);
    if (unit == TRD__UNIT_NUMBER || unit == TRD__UNIT_BOOL)
        return fail_at(L, n, TRD_E_PARSE, "'%s' must be a number, got '%.40s'", key, n->text);
    return fail_at(L, n, TRD_E_PARSE, "'%s': '%.40s' is not a number with a unit (%s; units: %s)", key, n->text, why,
                   trd__unit_names(unit));
}

static trd_status boolean(loader *L, const trd__ynode *n, const char *key, int *out)
{
    if (n->kind == TRD__Y_SCALAR && n->plain) {
        if (strcmp(n->text, "true") == 0) {
            *out = 1;
            return TRD_OK;
        }
        if (strcmp(n->text, "false") == 0) {
            *out = 0;
            return TRD_OK;
        }
    }
    return fail_at(L, n, TRD_E_PARSE, "'%s' must be true or false, got %s%s%.40s%s", key, kind_name(n),
                   n->kind == TRD__Y_SCALAR ? " '" : "", n->kind == TRD__Y_SCALAR ? n->text : "",
                   n->kind == TRD__Y_SCALAR ? "'" : "");
}

/* Reads an attribute value per its table row. */
static trd_status attr_value(loader *L, const trd__ynode *v, const trd__attr_desc *desc, double *out)
{
    if (desc->unit == TRD__UNIT_BOOL) {
        int b;
        trd_status st = boolean(L, v, desc->key, &b);
        *out = b;
        return st;
    }
    /* `null` is how the JSON form (trd_ctx_model_to_json) writes an unknown value. */
    if (desc->unknown_ok && v->kind == TRD__Y_SCALAR && v->plain && v->len == 4 && memcmp(v->text, "null", 4) == 0) {
        *out = TRD_UNKNOWN;
        return TRD_OK;
    }
    trd_status st = number(L, v, desc->key, desc->unit, out);
    /* The API spells "unknown" as TRD_UNKNOWN (-1); a file says it by leaving the key out (or writing null),
     * so "-1s" must not slip through as "unknown". */
    if (st == TRD_OK && desc->unknown_ok && *out < 0)
        return fail_at(L, v, TRD_E_PARSE, "'%s' must be >= 0, got %.40s (leave it out to have it learned)",
                       desc->key, v->text);
    return st;
}

/* Builds the allowed-key list: fixed keys followed by every attribute key. */
static void keys_with_attrs(const char **out, const char *const *fixed, int ops)
{
    size_t n = 0;
    for (; fixed[n]; n++)
        out[n] = fixed[n];
    uint32_t count = ops ? TRD__OP_ATTRS : TRD__NODE_ATTRS;
    for (uint32_t a = 1; a <= count; a++)
        out[n++] = ops ? trd__op_attr_desc(a)->key : trd__node_attr_desc(a)->key;
    out[n] = NULL;
}

static trd_status load_node(loader *L, const trd__ynode *nm)
{
    trd_status st;
    if ((st = expect(L, nm, TRD__Y_MAP, "a node")) != TRD_OK)
        return st;
    const trd__ynode *name_n;
    const char *name = NULL;
    if ((st = required(L, nm, "name", "node", &name_n)) != TRD_OK || (st = name_of(L, name_n, "name", &name)) != TRD_OK)
        return st;
    const char *allowed[TRD__NODE_ATTRS + 2];
    keys_with_attrs(allowed, (const char *const[]){"name", NULL}, 0);
    char where[96];
    snprintf(where, sizeof where, "node '%s'", name);
    if ((st = check_keys(L, nm, allowed, where)) != TRD_OK)
        return st;
    long existing = trd__model_find_node(L->m, name);
    if (existing >= 0)
        return fail_at(L, name_n, TRD_E_PARSE, "duplicate node name '%s' (first defined at %u:%u)", name,
                       L->node_at[existing]->line, L->node_at[existing]->col);
    uint32_t id;
    if ((st = here(L, name_n, trd__model_add_node(L->m, name, &id, L->d))) != TRD_OK)
        return st;
    L->node_at[id] = name_n;
    FOR_PAIRS(nm, k, v)
    {
        const trd__attr_desc *desc = trd__node_attr_by_key(k->text);
        if (!desc)
            continue;
        double value;
        if ((st = attr_value(L, v, desc, &value)) != TRD_OK ||
            (st = here(L, v, trd__model_set_node_attr(L->m, id, desc->attr, value, L->d))) != TRD_OK)
            return st;
    }
    return TRD_OK;
}

/* `flat`: the JSON form, whose nodes sit at the top (the caller checked its keys). */
static trd_status load_cluster(loader *L, const trd__ynode *cm, int flat)
{
    trd_status st;
    if (!flat && ((st = expect(L, cm, TRD__Y_MAP, "'cluster'")) != TRD_OK ||
                  (st = check_keys(L, cm, (const char *const[]){"nodes", NULL}, "'cluster'")) != TRD_OK))
        return st;
    const trd__ynode *nodes;
    if ((st = required(L, cm, "nodes", "'cluster'", &nodes)) != TRD_OK ||
        (st = expect(L, nodes, TRD__Y_SEQ, "'nodes'")) != TRD_OK)
        return st;
    if (nodes->n == 0)
        return fail_at(L, nodes, TRD_E_PARSE, "'nodes' is empty; the cluster needs at least one node kind");
    if (nodes->n > TRD__MAX_NODES)
        return fail_at(L, nodes, TRD_E_LIMIT, "'nodes' lists %zu node kinds (at most %d)", nodes->n, TRD__MAX_NODES);
    L->node_at = trd__arena_alloc(L->ar, nodes->n * sizeof *L->node_at);
    if (!L->node_at)
        return trd__fail(L->d, TRD_E_NOMEM, "%s: out of memory", L->source);
    for (const trd__ynode *n = nodes->first; n; n = n->next)
        if ((st = load_node(L, n)) != TRD_OK)
            return st;
    return TRD_OK;
}

static trd_status load_knob(loader *L, uint32_t op, const trd__ynode *km)
{
    trd_status st;
    const trd__operator *o = &L->m->ops[op];
    if ((st = expect(L, km, TRD__Y_MAP, "a knob")) != TRD_OK)
        return st;
    const trd__ynode *name_n, *type_n, *dflt_n;
    const char *name = NULL, *type = NULL;
    if ((st = required(L, km, "name", "knob", &name_n)) != TRD_OK || (st = name_of(L, name_n, "name", &name)) != TRD_OK)
        return st;
    char where[160];
    snprintf(where, sizeof where, "knob '%s' of operator '%s'", name, o->name);
    if ((st = required(L, km, "type", where, &type_n)) != TRD_OK || (st = name_of(L, type_n, "type", &type)) != TRD_OK)
        return st;

    trd__knob spec;
    memset(&spec, 0, sizeof spec);
    snprintf(spec.name, sizeof spec.name, "%s", name);
    if (strlen(name) >= sizeof spec.name)
        return here(L, name_n, trd__check_name("knob", name, L->d));
    static const char *const ordered_keys[] = {"name", "type", "min", "max", "default", "memory_monotone",
                                               "log_scale", NULL};
    static const char *const bool_keys[] = {"name", "type", "default", NULL};
    static const char *const choice_keys[] = {"name", "type", "choices", "default", NULL};
    const char *const *keys;
    if (strcmp(type, "int") == 0 || strcmp(type, "real") == 0) {
        spec.type = type[0] == 'i' ? TRD_KNOB_TYPE_INT : TRD_KNOB_TYPE_REAL;
        keys = ordered_keys;
    } else if (strcmp(type, "bool") == 0) {
        spec.type = TRD_KNOB_TYPE_BOOL;
        keys = bool_keys;
    } else if (strcmp(type, "choice") == 0) {
        spec.type = TRD_KNOB_TYPE_CHOICE;
        keys = choice_keys;
    } else {
        return fail_at(L, type_n, TRD_E_PARSE, "%s: type '%.40s' unknown; expected int, real, bool or choice", where,
                       type);
    }
    if ((st = check_keys(L, km, keys, where)) != TRD_OK ||
        (st = required(L, km, "default", where, &dflt_n)) != TRD_OK)
        return st;

    const char **choices = NULL;
    if (spec.type == TRD_KNOB_TYPE_INT || spec.type == TRD_KNOB_TYPE_REAL) {
        const trd__ynode *lo, *hi, *flag;
        if ((st = required(L, km, "min", where, &lo)) != TRD_OK || (st = required(L, km, "max", where, &hi)) != TRD_OK ||
            (st = number(L, lo, "min", TRD__UNIT_NUMBER, &spec.min)) != TRD_OK ||
            (st = number(L, hi, "max", TRD__UNIT_NUMBER, &spec.max)) != TRD_OK ||
            (st = number(L, dflt_n, "default", TRD__UNIT_NUMBER, &spec.dflt)) != TRD_OK)
            return st;
        int b;
        if ((flag = get(km, "memory_monotone")) != NULL) {
            if ((st = boolean(L, flag, "memory_monotone", &b)) != TRD_OK)
                return st;
            spec.flags |= b ? TRD_KNOB_MEMORY_MONOTONE : 0;
        }
        if ((flag = get(km, "log_scale")) != NULL) {
            if ((st = boolean(L, flag, "log_scale", &b)) != TRD_OK)
                return st;
            spec.flags |= b ? TRD_KNOB_LOG_SCALE : 0;
        }
        /* Integer bounds beyond 2^53 would be silently rounded as doubles. */
        if (spec.type == TRD_KNOB_TYPE_INT && (fabs(spec.min) > 9007199254740992.0 || fabs(spec.max) > 9007199254740992.0))
            return fail_at(L, km, TRD_E_PARSE, "%s: integer bounds must lie within +-2^53", where);
    } else if (spec.type == TRD_KNOB_TYPE_BOOL) {
        int b;
        if ((st = boolean(L, dflt_n, "default", &b)) != TRD_OK)
            return st;
        spec.dflt = b;
    } else {
        const trd__ynode *list;
        if ((st = required(L, km, "choices", where, &list)) != TRD_OK ||
            (st = expect(L, list, TRD__Y_SEQ, "'choices'")) != TRD_OK)
            return st;
        if (list->n > TRD__MAX_CHOICES)
            return fail_at(L, list, TRD_E_LIMIT, "%s has %zu choices (at most %d)", where, list->n, TRD__MAX_CHOICES);
        choices = trd__arena_alloc(L->ar, (list->n + 1) * sizeof *choices);
        if (!choices)
            return trd__fail(L->d, TRD_E_NOMEM, "%s: out of memory", L->source);
        size_t i = 0;
        for (const trd__ynode *c = list->first; c; c = c->next, i++)
            if ((st = name_of(L, c, "a choice", &choices[i])) != TRD_OK)
                return st;
        spec.n_choices = (uint32_t)list->n;
        const char *dflt = NULL;
        if ((st = name_of(L, dflt_n, "default", &dflt)) != TRD_OK)
            return st;
        spec.dflt = -1;
        for (i = 0; i < list->n; i++)
            if (strcmp(choices[i], dflt) == 0)
                spec.dflt = (double)i;
        if (spec.dflt < 0 && list->n > 0)
            return fail_at(L, dflt_n, TRD_E_PARSE, "%s: default '%.40s' is not one of its choices", where, dflt);
        spec.dflt = spec.dflt < 0 ? 0 : spec.dflt;
    }
    return here(L, km, trd__model_add_knob(L->m, op, &spec, choices, NULL, L->d));
}

static trd_status load_config(loader *L, uint32_t op, const trd__ynode *cm, uint32_t *out);

/* An operator's `configs:` list: configs registered in order (the JSON form lists every config, the default
 * first, so ids survive a round trip). */
static trd_status load_configs(loader *L, uint32_t op, const trd__ynode *list)
{
    trd_status st;
    if ((st = expect(L, list, TRD__Y_SEQ, "'configs'")) != TRD_OK)
        return st;
    for (const trd__ynode *c = list->first; c; c = c->next) {
        uint32_t id;
        if ((st = load_config(L, op, c, &id)) != TRD_OK)
            return st;
    }
    return TRD_OK;
}

static trd_status load_operator(loader *L, const trd__ynode *om)
{
    trd_status st;
    if ((st = expect(L, om, TRD__Y_MAP, "an operator")) != TRD_OK)
        return st;
    const trd__ynode *name_n;
    const char *name = NULL;
    if ((st = required(L, om, "name", "operator", &name_n)) != TRD_OK ||
        (st = name_of(L, name_n, "name", &name)) != TRD_OK)
        return st;
    const char *allowed[TRD__OP_ATTRS + 5];
    keys_with_attrs(allowed, (const char *const[]){"name", "features", "knobs", "configs", NULL}, 1);
    char where[96];
    snprintf(where, sizeof where, "operator '%s'", name);
    if ((st = check_keys(L, om, allowed, where)) != TRD_OK)
        return st;
    long existing = trd__model_find_op(L->m, name);
    if (existing >= 0)
        return fail_at(L, name_n, TRD_E_PARSE, "duplicate operator name '%s' (first defined at %u:%u)", name,
                       L->op_at[existing]->line, L->op_at[existing]->col);
    uint32_t id;
    if ((st = here(L, name_n, trd__model_add_op(L->m, name, &id, L->d))) != TRD_OK)
        return st;
    L->op_at[id] = name_n;
    FOR_PAIRS(om, k, v)
    {
        const trd__attr_desc *desc = trd__op_attr_by_key(k->text);
        if (desc) {
            double value;
            if ((st = attr_value(L, v, desc, &value)) != TRD_OK ||
                (st = here(L, v, trd__model_set_op_attr(L->m, id, desc->attr, value, L->d))) != TRD_OK)
                return st;
        } else if (strcmp(k->text, "features") == 0) {
            if ((st = expect(L, v, TRD__Y_SEQ, "'features'")) != TRD_OK)
                return st;
            for (const trd__ynode *f = v->first; f; f = f->next) {
                const char *fname = NULL;
                if ((st = name_of(L, f, "a feature", &fname)) != TRD_OK ||
                    (st = here(L, f, trd__model_add_feature(L->m, id, fname, NULL, L->d))) != TRD_OK)
                    return st;
            }
        } else if (strcmp(k->text, "knobs") == 0) {
            if ((st = expect(L, v, TRD__Y_SEQ, "'knobs'")) != TRD_OK)
                return st;
            for (const trd__ynode *kn = v->first; kn; kn = kn->next)
                if ((st = load_knob(L, id, kn)) != TRD_OK)
                    return st;
        }
    }
    /* After the loop: configs name knobs, wherever `knobs:` stands in the mapping. */
    const trd__ynode *configs = get(om, "configs");
    return configs ? load_configs(L, id, configs) : TRD_OK;
}

static trd_status op_by_name(loader *L, const trd__ynode *n, const char *key, uint32_t *out)
{
    const char *name = NULL;
    trd_status st = name_of(L, n, key, &name);
    if (st != TRD_OK)
        return st;
    long id = trd__model_find_op(L->m, name);
    if (id < 0)
        return fail_at(L, n, TRD_E_PARSE, "'%s': unknown operator '%.63s'", key, name);
    *out = (uint32_t)id;
    return TRD_OK;
}

static trd_status load_edge(loader *L, const trd__ynode *em)
{
    trd_status st;
    const trd__ynode *from_n, *to_n, *share_n;
    uint32_t from, to;
    double share = 1;
    if ((st = expect(L, em, TRD__Y_MAP, "an edge")) != TRD_OK ||
        (st = check_keys(L, em, (const char *const[]){"from", "to", "share", NULL}, "an edge")) != TRD_OK ||
        (st = required(L, em, "from", "edge", &from_n)) != TRD_OK || (st = required(L, em, "to", "edge", &to_n)) != TRD_OK ||
        (st = op_by_name(L, from_n, "from", &from)) != TRD_OK || (st = op_by_name(L, to_n, "to", &to)) != TRD_OK)
        return st;
    if ((share_n = get(em, "share")) != NULL && (st = number(L, share_n, "share", TRD__UNIT_NUMBER, &share)) != TRD_OK)
        return st;
    size_t index = L->m->n_edges;
    if ((st = here(L, em, trd__model_add_edge(L->m, from, to, share, L->d))) != TRD_OK)
        return st;
    L->edge_at[index] = em;
    return TRD_OK;
}

/* A deployment entry's `config:` mapping of knob values; unspecified knobs keep their defaults. */
static trd_status load_config(loader *L, uint32_t op, const trd__ynode *cm, uint32_t *out)
{
    trd_status st;
    if ((st = expect(L, cm, TRD__Y_MAP, "'config'")) != TRD_OK)
        return st;
    const trd__operator *o = &L->m->ops[op];
    double values[TRD__MAX_KNOBS];
    if (o->n_knobs)
        memcpy(values, o->configs, o->n_knobs * sizeof *values);
    FOR_PAIRS(cm, k, v)
    {
        long idx = trd__op_find_knob(o, k->text);
        if (idx < 0)
            return fail_at(L, k, TRD_E_PARSE, "operator '%s' has no knob '%.63s'", o->name, k->text);
        const trd__knob *kn = &o->knobs[idx];
        if (kn->type == TRD_KNOB_TYPE_BOOL) {
            int b;
            if ((st = boolean(L, v, k->text, &b)) != TRD_OK)
                return st;
            values[idx] = b;
        } else if (kn->type == TRD_KNOB_TYPE_CHOICE) {
            const char *choice = NULL;
            if ((st = name_of(L, v, k->text, &choice)) != TRD_OK)
                return st;
            values[idx] = -1;
            for (uint32_t c = 0; c < kn->n_choices; c++)
                if (strcmp(kn->choices[c], choice) == 0)
                    values[idx] = c;
            if (values[idx] < 0)
                return fail_at(L, v, TRD_E_PARSE, "knob '%s' of operator '%s' has no choice '%.63s'", kn->name,
                               o->name, choice);
        } else if ((st = number(L, v, k->text, TRD__UNIT_NUMBER, &values[idx])) != TRD_OK) {
            return st;
        }
    }
    return here(L, cm, trd__model_add_config(L->m, op, values, o->n_knobs, out, L->d));
}

static trd_status whole(loader *L, const trd__ynode *n, const char *key, double lo, double hi, uint32_t *out)
{
    double v;
    trd_status st = number(L, n, key, TRD__UNIT_NUMBER, &v);
    if (st != TRD_OK)
        return st;
    if (v != floor(v) || v < lo || v > hi)
        return fail_at(L, n, TRD_E_PARSE, "'%s' must be a whole number in [%.0f, %.0f], got %.40s", key, lo, hi,
                       n->text);
    *out = (uint32_t)v;
    return TRD_OK;
}

static trd_status load_placement(loader *L, const trd__ynode *pm)
{
    trd_status st;
    const trd__ynode *op_n, *node_n, *inst_n, *opt;
    uint32_t op, member = 0, config = 0, instances;
    const char *node_name = NULL;
    if ((st = expect(L, pm, TRD__Y_MAP, "a deployment entry")) != TRD_OK ||
        (st = check_keys(L, pm, (const char *const[]){"operator", "node", "member", "config", "instances", NULL},
                         "a deployment entry")) != TRD_OK ||
        (st = required(L, pm, "operator", "deployment entry", &op_n)) != TRD_OK ||
        (st = required(L, pm, "node", "deployment entry", &node_n)) != TRD_OK ||
        (st = required(L, pm, "instances", "deployment entry", &inst_n)) != TRD_OK ||
        (st = op_by_name(L, op_n, "operator", &op)) != TRD_OK || (st = name_of(L, node_n, "node", &node_name)) != TRD_OK ||
        (st = whole(L, inst_n, "instances", 1, TRD__MAX_PLACED, &instances)) != TRD_OK)
        return st;
    long node = trd__model_find_node(L->m, node_name);
    if (node < 0)
        return fail_at(L, node_n, TRD_E_PARSE, "'node': unknown node '%.63s'", node_name);
    if ((opt = get(pm, "member")) != NULL && (st = whole(L, opt, "member", 0, 65535, &member)) != TRD_OK)
        return st;
    if ((opt = get(pm, "config")) != NULL) {
        /* A mapping of knob values, or (the JSON form) an index into the operator's configs. */
        if (opt->kind == TRD__Y_SCALAR) {
            size_t n = L->m->ops[op].n_configs;
            if ((st = whole(L, opt, "config", 0, (double)(n - 1), &config)) != TRD_OK)
                return st;
        } else if ((st = load_config(L, op, opt, &config)) != TRD_OK) {
            return st;
        }
    }
    for (size_t p = 0; p < L->m->n_placements; p++) {
        const trd__placement *pl = &L->m->placements[p];
        if (pl->op == op && pl->node == (uint32_t)node && pl->member == member && pl->config == config)
            return fail_at(L, pm, TRD_E_PARSE, "duplicate deployment entry for operator '%s' on %s[%u] (first at %u:%u)",
                           L->m->ops[op].name, node_name, member, L->placement_at[p]->line, L->placement_at[p]->col);
    }
    size_t index = L->m->n_placements;
    if ((st = here(L, pm, trd__model_set_placement(L->m, op, (uint32_t)node, member, config, instances, L->d))) != TRD_OK)
        return st;
    if (L->m->n_placements > index)
        L->placement_at[index] = pm;
    return TRD_OK;
}

static trd_status load_pipeline(loader *L, const trd__ynode *pm, int flat)
{
    trd_status st;
    if (!flat && ((st = expect(L, pm, TRD__Y_MAP, "'pipeline'")) != TRD_OK ||
                  (st = check_keys(L, pm, (const char *const[]){"operators", "edges", "deployment", NULL},
                                   "'pipeline'")) != TRD_OK))
        return st;
    const trd__ynode *ops, *edges = get(pm, "edges"), *deployment = get(pm, "deployment");
    if ((st = required(L, pm, "operators", "'pipeline'", &ops)) != TRD_OK ||
        (st = expect(L, ops, TRD__Y_SEQ, "'operators'")) != TRD_OK)
        return st;
    if (ops->n == 0)
        return fail_at(L, ops, TRD_E_PARSE, "'operators' is empty; the pipeline needs at least one operator");
    if (ops->n > TRD__MAX_OPS)
        return fail_at(L, ops, TRD_E_LIMIT, "'operators' lists %zu operators (at most %d)", ops->n, TRD__MAX_OPS);
    L->op_at = trd__arena_alloc(L->ar, ops->n * sizeof *L->op_at);
    if (!L->op_at)
        return trd__fail(L->d, TRD_E_NOMEM, "%s: out of memory", L->source);
    for (const trd__ynode *o = ops->first; o; o = o->next)
        if ((st = load_operator(L, o)) != TRD_OK)
            return st;
    if (edges) {
        if ((st = expect(L, edges, TRD__Y_SEQ, "'edges'")) != TRD_OK)
            return st;
        if (edges->n > TRD__MAX_EDGES)
            return fail_at(L, edges, TRD_E_LIMIT, "'edges' lists %zu edges (at most %d)", edges->n, TRD__MAX_EDGES);
        L->edge_at = trd__arena_alloc(L->ar, (edges->n + 1) * sizeof *L->edge_at);
        if (!L->edge_at)
            return trd__fail(L->d, TRD_E_NOMEM, "%s: out of memory", L->source);
        for (const trd__ynode *e = edges->first; e; e = e->next)
            if ((st = load_edge(L, e)) != TRD_OK)
                return st;
    }
    if (deployment) {
        if ((st = expect(L, deployment, TRD__Y_SEQ, "'deployment'")) != TRD_OK)
            return st;
        if (deployment->n > TRD__MAX_PLACEMENTS)
            return fail_at(L, deployment, TRD_E_LIMIT, "'deployment' lists %zu entries (at most %d)", deployment->n,
                           TRD__MAX_PLACEMENTS);
        L->placement_at = trd__arena_alloc(L->ar, (deployment->n + 1) * sizeof *L->placement_at);
        if (!L->placement_at)
            return trd__fail(L->d, TRD_E_NOMEM, "%s: out of memory", L->source);
        for (const trd__ynode *p = deployment->first; p; p = p->next)
            if ((st = load_placement(L, p)) != TRD_OK)
                return st;
    }
    return TRD_OK;
}

/* Points a whole-model validation failure at the object it names, or at the document if it names none. */
static trd_status locate_validation(loader *L, trd_status st)
{
    const trd__ynode *at = L->root;
    const trd__diag *d = L->d;
    if (d->where == TRD__WHERE_NODE && L->node_at)
        at = L->node_at[d->where_index];
    else if (d->where == TRD__WHERE_OP && L->op_at)
        at = L->op_at[d->where_index];
    else if (d->where == TRD__WHERE_EDGE && L->edge_at)
        at = L->edge_at[d->where_index];
    else if (d->where == TRD__WHERE_PLACEMENT && L->placement_at)
        at = L->placement_at[d->where_index];
    return here(L, at, st);
}

trd_status trd__yaml_load_model(const trd__alloc *alloc, const char *source, const char *text, size_t len,
                                size_t max_depth, trd__model **out, trd__diag *d)
{
    trd__arena ar;
    trd__arena_init(&ar, alloc);
    loader L = {0};
    L.source = source;
    L.d = d;
    L.ar = &ar;
    trd__ylimits limits = {max_depth};
    trd__ynode *root = NULL;
    trd_status st = trd__yaml_parse(&ar, source, text, len, &limits, &root, d);
    if (st == TRD_OK) {
        L.root = root;
        /* "---" alone (or a comment-only file with a marker) parses as one empty plain scalar. */
        if (root->kind == TRD__Y_SCALAR && root->plain && root->len == 0)
            st = trd__fail(d, TRD_E_PARSE, "%s:1:1: the document has no content; expected a mapping with "
                           "'cluster' and 'pipeline'", source);
        else
            st = expect(&L, root, TRD__Y_MAP, "the document");
    }
    /* Two forms: the YAML schema (cluster:, pipeline:) and the JSON that trd_ctx_model_to_json writes (nodes,
     * operators, edges and deployment at the top, with the epoch), so that a model round-trips. */
    int flat = st == TRD_OK && get(root, "nodes") != NULL;
    if (st == TRD_OK)
        st = flat ? check_keys(&L, root, (const char *const[]){"epoch", "nodes", "operators", "edges", "deployment",
                                                               NULL}, "the document")
                  : check_keys(&L, root, (const char *const[]){"cluster", "pipeline", "simulation", NULL},
                               "the document");
    const trd__ynode *cluster = NULL, *pipeline = NULL;
    if (st == TRD_OK && flat) {
        cluster = pipeline = root;
    } else if (st == TRD_OK && (st = required(&L, root, "cluster", "the document", &cluster)) == TRD_OK) {
        st = required(&L, root, "pipeline", "the document", &pipeline);
    }
    if (st == TRD_OK) {
        L.m = trd__model_new(alloc);
        if (!L.m)
            st = trd__fail(d, TRD_E_NOMEM, "%s: out of memory", source);
    }
    /* `simulation:` belongs to the simulator, which reads it itself; the library only skips it. */
    if (st == TRD_OK)
        st = load_cluster(&L, cluster, flat);
    if (st == TRD_OK)
        st = load_pipeline(&L, pipeline, flat);
    if (st == TRD_OK && (st = trd__model_validate(L.m, d)) != TRD_OK)
        st = locate_validation(&L, st);
    trd__arena_free(&ar);
    if (st != TRD_OK) {
        trd__model_free(L.m);
        return st;
    }
    *out = L.m;
    return TRD_OK;
}
