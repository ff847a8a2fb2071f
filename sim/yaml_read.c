/* yaml_read.c -- strict typed access to YAML tree nodes. */
#include "yaml_read.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/numfmt.h"
#include "model/units.h"

sim_status sim_y_fail(const sim_yreader *r, const sim_ynode *at, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (at)
        return sim_fail(r->err, SIM_E_PARSE, "%s:%u:%u: %s", r->source, at->line, at->col, what);
    return sim_fail(r->err, SIM_E_PARSE, "%s: %s", r->source, what);
}

static const char *shape(const sim_ynode *n)
{
    switch (n->kind) {
    case TRD__Y_MAP: return "a mapping";
    case TRD__Y_SEQ: return "a list";
    default: return n->plain ? "a plain scalar" : "a quoted string";
    }
}

const sim_ynode *sim_y_find(const sim_ynode *map, const char *key)
{
    if (!map || map->kind != TRD__Y_MAP)
        return NULL;
    SIM_Y_EACH_PAIR(map, k, v)
    {
        if (strcmp(k->text, key) == 0)
            return v;
    }
    return NULL;
}

sim_status sim_y_mapping(const sim_yreader *r, const sim_ynode *node, const char *what, const char *const *allowed)
{
    if (node->kind != TRD__Y_MAP)
        return sim_y_fail(r, node, "%s must be a mapping, got %s", what, shape(node));
    if (!allowed)
        return SIM_OK;
    SIM_Y_EACH_PAIR(node, k, v)
    {
        (void)v;
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], k->text) != 0)
            i++;
        if (allowed[i])
            continue;
        char keys[400];
        size_t used = 0;
        keys[0] = '\0';
        for (i = 0; allowed[i] && used + 1 < sizeof keys; i++)
            used += (size_t)snprintf(keys + used, sizeof keys - used, i ? ", %s" : "%s", allowed[i]);
        return sim_y_fail(r, k, "unknown key '%s' in %s; expected one of: %s", k->text, what, keys);
    }
    return SIM_OK;
}

sim_status sim_y_list(const sim_yreader *r, const sim_ynode *node, const char *what)
{
    if (node->kind != TRD__Y_SEQ)
        return sim_y_fail(r, node, "%s must be a list, got %s", what, shape(node));
    return SIM_OK;
}

sim_status sim_y_required(const sim_yreader *r, const sim_ynode *map, const char *key, const char *what,
                          const sim_ynode **out)
{
    *out = sim_y_find(map, key);
    return *out ? SIM_OK : sim_y_fail(r, map, "%s: missing required key '%s'", what, key);
}

int sim_y_is_number(const sim_ynode *node)
{
    double x;
    const char *why;
    return node->kind == TRD__Y_SCALAR && node->plain &&
           trd__parse_quantity(node->text, node->len, TRD__UNIT_NUMBER, &x, &why) == TRD__NUM_OK;
}

sim_status sim_y_number(const sim_yreader *r, const sim_ynode *node, const char *what, sim_yunit unit, double lo,
                        double hi, double *out)
{
    static const trd__unit units[] = {TRD__UNIT_NUMBER, TRD__UNIT_BYTES, TRD__UNIT_RATE, TRD__UNIT_SECONDS};
    if (node->kind != TRD__Y_SCALAR || !node->plain)
        return sim_y_fail(r, node, "'%s' must be a number, got %s", what, shape(node));
    double x;
    const char *why = "";
    if (trd__parse_quantity(node->text, node->len, units[unit], &x, &why) != TRD__NUM_OK) {
        if (unit == SIM_Y_NUMBER)
            return sim_y_fail(r, node, "'%s' must be a number, got '%.40s'", what, node->text);
        return sim_y_fail(r, node, "'%s': '%.40s' is not a number with a unit (%s; units: %s)", what, node->text,
                          why, trd__unit_names(units[unit]));
    }
    if (!isfinite(x) || x < lo || x > hi)
        return sim_y_fail(r, node, "'%s' is %.6g, outside [%.6g, %.6g]", what, x, lo, hi);
    *out = x;
    return SIM_OK;
}

sim_status sim_y_opt_number(const sim_yreader *r, const sim_ynode *map, const char *key, sim_yunit unit, double lo,
                            double hi, double *out)
{
    const sim_ynode *v = sim_y_find(map, key);
    return v ? sim_y_number(r, v, key, unit, lo, hi, out) : SIM_OK;
}

sim_status sim_y_opt_bool(const sim_yreader *r, const sim_ynode *map, const char *key, int *out)
{
    const sim_ynode *v = sim_y_find(map, key);
    if (!v)
        return SIM_OK;
    if (v->kind == TRD__Y_SCALAR && v->plain && (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0)) {
        *out = v->text[0] == 't';
        return SIM_OK;
    }
    return sim_y_fail(r, v, "'%s' must be true or false, got %s '%.40s'", key, shape(v),
                      v->kind == TRD__Y_SCALAR ? v->text : "");
}

sim_status sim_y_name(const sim_yreader *r, const sim_ynode *node, const char *what, const char **out)
{
    if (node->kind != TRD__Y_SCALAR || node->len == 0)
        return sim_y_fail(r, node, "%s must be a name, got %s", what, shape(node));
    *out = node->text;
    return SIM_OK;
}
