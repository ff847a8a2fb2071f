/* scenario_workload.c -- the `simulation.workload` section: regimes, their feature distributions, their order. */
#include "scenario_internal.h"
#include "sim_grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sim_status read_dist(const sim_yreader *r, const sim_ynode *v, const char *name, sim_dist *d)
{
    d->lo = -INFINITY;
    d->hi = INFINITY;
    if (v->kind == TRD__Y_SCALAR) {
        d->kind = SIM_DIST_CONST;
        return sim_y_number(r, v, name, SIM_Y_NUMBER, 0, 1e18, &d->a);
    }
    static const char *const keys[] = {"lognormal", "uniform", "min", "max", "integer", NULL};
    sim_status st = sim_y_mapping(r, v, "a feature distribution", keys);
    if (st != SIM_OK)
        return st;
    const sim_ynode *ln = sim_y_find(v, "lognormal"), *un = sim_y_find(v, "uniform");
    if ((ln != NULL) == (un != NULL))
        return sim_y_fail(r, v, "feature '%s': give exactly one of 'lognormal' and 'uniform' (or a number)", name);
    if (ln) {
        static const char *const lkeys[] = {"mean", "cv", NULL};
        const sim_ynode *m, *c;
        d->kind = SIM_DIST_LOGNORMAL;
        if ((st = sim_y_mapping(r, ln, "'lognormal'", lkeys)) != SIM_OK ||
            (st = sim_y_required(r, ln, "mean", "'lognormal'", &m)) != SIM_OK ||
            (st = sim_y_required(r, ln, "cv", "'lognormal'", &c)) != SIM_OK ||
            (st = sim_y_number(r, m, "mean", SIM_Y_NUMBER, 0, 1e18, &d->a)) != SIM_OK ||
            (st = sim_y_number(r, c, "cv", SIM_Y_NUMBER, 0, 100, &d->b)) != SIM_OK)
            return st;
    } else {
        if ((st = sim_y_list(r, un, "'uniform'")) != SIM_OK)
            return st;
        if (un->n != 2)
            return sim_y_fail(r, un, "'uniform' must be a list [low, high], got %zu items", un->n);
        d->kind = SIM_DIST_UNIFORM;
        if ((st = sim_y_number(r, un->first, "uniform low", SIM_Y_NUMBER, 0, 1e18, &d->a)) != SIM_OK ||
            (st = sim_y_number(r, un->first->next, "uniform high", SIM_Y_NUMBER, d->a, 1e18, &d->b)) != SIM_OK)
            return st;
    }
    if ((st = sim_y_opt_number(r, v, "min", SIM_Y_NUMBER, 0, 1e18, &d->lo)) != SIM_OK ||
        (st = sim_y_opt_number(r, v, "max", SIM_Y_NUMBER, 0, 1e18, &d->hi)) != SIM_OK ||
        (st = sim_y_opt_bool(r, v, "integer", &d->integer)) != SIM_OK)
        return st;
    if (d->lo > d->hi)
        return sim_y_fail(r, v, "feature '%s': min %g > max %g", name, d->lo, d->hi);
    return SIM_OK;
}

static uint32_t find_feature(const sim_scenario *sc, const char *name)
{
    for (uint32_t f = 0; f < sc->n_features; f++)
        if (strcmp(sc->feature_names[f], name) == 0)
            return f;
    return SIM_NO_FEATURE;
}

/* Adds the keys of a `features` mapping to the workload's feature names (first appearance fixes the order). */
static sim_status declare_features(const sim_yreader *r, sim_scenario *sc, const sim_ynode *feats)
{
    SIM_Y_EACH_PAIR(feats, k, v)
    {
        (void)v;
        if (find_feature(sc, k->text) != SIM_NO_FEATURE)
            continue;
        if (k->len >= sizeof sc->feature_names[0])
            return sim_y_fail(r, k, "feature name '%.40s...' is too long", k->text);
        if (sim_grow((void **)&sc->feature_names, &sc->cap_features, (size_t)sc->n_features + 1,
                     sizeof *sc->feature_names))
            return sim_fail(r->err, SIM_E_NOMEM, "%s: out of memory", r->source);
        memcpy(sc->feature_names[sc->n_features++], k->text, k->len + 1);
    }
    return SIM_OK;
}

/* A regime's features: its own, else the workload's defaults; every feature must have one of them. */
static sim_status read_features(const sim_yreader *r, sim_scenario *sc, const sim_ynode *node, const sim_ynode *feats,
                                const sim_ynode *defaults, sim_regime *g)
{
    sim_status st;
    g->features = calloc(sc->n_features ? sc->n_features : 1, sizeof *g->features);
    if (!g->features)
        return sim_fail(r->err, SIM_E_NOMEM, "%s: out of memory", r->source);
    for (uint32_t f = 0; f < sc->n_features; f++) {
        const sim_ynode *v = feats ? sim_y_find(feats, sc->feature_names[f]) : NULL;
        if (!v && defaults)
            v = sim_y_find(defaults, sc->feature_names[f]);
        if (!v)
            return sim_y_fail(r, node, "regime '%s' does not define feature '%s' and 'workload.features' gives no "
                              "default", g->name, sc->feature_names[f]);
        if ((st = read_dist(r, v, sc->feature_names[f], &g->features[f])) != SIM_OK)
            return st;
    }
    return SIM_OK;
}

static sim_status read_regime(const sim_yreader *r, sim_scenario *sc, const sim_ynode *node, sim_regime *g)
{
    static const char *const keys[] = {"name", "share", "features", NULL};
    const sim_ynode *name;
    const char *text;
    sim_status st;
    if ((st = sim_y_mapping(r, node, "a regime", keys)) != SIM_OK ||
        (st = sim_y_required(r, node, "name", "regime", &name)) != SIM_OK ||
        (st = sim_y_name(r, name, "a regime's name", &text)) != SIM_OK)
        return st;
    if (strlen(text) >= sizeof g->name)
        return sim_y_fail(r, name, "regime name '%.40s...' is too long", text);
    if (sim_scenario_find_regime(sc, text) != UINT32_MAX)
        return sim_y_fail(r, name, "duplicate regime '%s'", text);
    strcpy(g->name, text);
    g->share = 1;
    const sim_ynode *feats = sim_y_find(node, "features");
    if (feats && (st = sim_y_mapping(r, feats, "'features'", NULL)) != SIM_OK)
        return st;
    if ((st = sim_y_opt_number(r, node, "share", SIM_Y_NUMBER, 1e-9, 1e9, &g->share)) != SIM_OK)
        return st;
    return feats ? declare_features(r, sc, feats) : SIM_OK;
}

/* `order` lists regime names (repeats allowed); each occurrence gets an equal part of its regime's items. */
static sim_status read_order(const sim_yreader *r, sim_scenario *sc, const sim_ynode *order)
{
    sim_status st;
    uint32_t n = sc->n_regimes;
    if (order) {
        if ((st = sim_y_list(r, order, "'order'")) != SIM_OK)
            return st;
        if (order->n == 0)
            return sim_y_fail(r, order, "'order' is empty");
        n = (uint32_t)order->n;
    }
    sc->segments = calloc(n, sizeof *sc->segments);
    if (!sc->segments)
        return sim_fail(r->err, SIM_E_NOMEM, "%s: out of memory", r->source);
    sc->n_segments = n;
    if (!order) {
        for (uint32_t i = 0; i < n; i++)
            sc->segments[i].regime = i;
        return SIM_OK;
    }
    uint32_t i = 0;
    for (const sim_ynode *e = order->first; e; e = e->next, i++) {
        const char *text;
        if ((st = sim_y_name(r, e, "an 'order' entry", &text)) != SIM_OK)
            return st;
        uint32_t g = sim_scenario_find_regime(sc, text);
        if (g == UINT32_MAX)
            return sim_y_fail(r, e, "'order': unknown regime '%s'", text);
        sc->segments[i].regime = g;
    }
    for (uint32_t g = 0; g < sc->n_regimes; g++) {
        int used = 0;
        for (i = 0; i < n; i++)
            used |= sc->segments[i].regime == g;
        if (!used)
            return sim_y_fail(r, order, "'order' never names regime '%s'", sc->regimes[g].name);
    }
    return SIM_OK;
}

sim_status sim_scenario_set_items(sim_scenario *sc, uint64_t items, sim_error *err)
{
    if (items == 0)
        return sim_fail(err, SIM_E_INVALID, "%s: the workload needs at least one item", sc->source);
    double total = 0;
    for (uint32_t s = 0; s < sc->n_segments; s++) {
        uint32_t occurrences = 0;
        for (uint32_t t = 0; t < sc->n_segments; t++)
            occurrences += sc->segments[t].regime == sc->segments[s].regime;
        total += sc->regimes[sc->segments[s].regime].share / occurrences;
    }
    /* Largest-remainder rounding in segment order keeps the total exact and the split deterministic. */
    uint64_t first = 0;
    double acc = 0;
    for (uint32_t s = 0; s < sc->n_segments; s++) {
        uint32_t occurrences = 0;
        for (uint32_t t = 0; t < sc->n_segments; t++)
            occurrences += sc->segments[t].regime == sc->segments[s].regime;
        acc += sc->regimes[sc->segments[s].regime].share / occurrences / total * (double)items;
        uint64_t end = s + 1 == sc->n_segments ? items : (uint64_t)llround(acc);
        if (end < first)
            end = first;
        sc->segments[s].first = first;
        sc->segments[s].items = end - first;
        first = end;
    }
    sc->items = items;
    return SIM_OK;
}

sim_status sim_read_workload(const sim_yreader *r, sim_scenario *sc, const sim_ynode *w)
{
    static const char *const keys[] = {"items", "arrival_rate", "features", "regimes", "order", NULL};
    const sim_ynode *regimes, *items, *defaults = sim_y_find(w, "features");
    sim_status st;
    double n_items = 0;
    if ((st = sim_y_mapping(r, w, "'workload'", keys)) != SIM_OK ||
        (st = sim_y_required(r, w, "items", "'workload'", &items)) != SIM_OK ||
        (st = sim_y_number(r, items, "items", SIM_Y_NUMBER, 1, 1e9, &n_items)) != SIM_OK ||
        (st = sim_y_opt_number(r, w, "arrival_rate", SIM_Y_NUMBER, 0, 1e9, &sc->arrival_rate)) != SIM_OK ||
        (st = sim_y_required(r, w, "regimes", "'workload'", &regimes)) != SIM_OK ||
        (st = sim_y_list(r, regimes, "'regimes'")) != SIM_OK)
        return st;
    if (n_items != floor(n_items))
        return sim_y_fail(r, items, "'items' must be a whole number, got %g", n_items);
    if (regimes->n == 0 || regimes->n > 64)
        return sim_y_fail(r, regimes, "'regimes' must list 1 to 64 regimes, got %zu", regimes->n);
    sc->regimes = calloc(regimes->n, sizeof *sc->regimes);
    if (!sc->regimes)
        return sim_fail(r->err, SIM_E_NOMEM, "%s: out of memory", r->source);
    if (defaults && ((st = sim_y_mapping(r, defaults, "'workload.features'", NULL)) != SIM_OK ||
                     (st = declare_features(r, sc, defaults)) != SIM_OK))
        return st;
    /* Names first (every regime's features join the namespace), then the values. */
    for (const sim_ynode *g = regimes->first; g; g = g->next)
        if ((st = read_regime(r, sc, g, &sc->regimes[sc->n_regimes++])) != SIM_OK)
            return st;
    uint32_t i = 0;
    for (const sim_ynode *g = regimes->first; g; g = g->next, i++)
        if ((st = read_features(r, sc, g, sim_y_find(g, "features"), defaults, &sc->regimes[i])) != SIM_OK)
            return st;
    if ((st = read_order(r, sc, sim_y_find(w, "order"))) != SIM_OK)
        return st;
    return sim_scenario_set_items(sc, (uint64_t)n_items, r->err);
}

uint32_t sim_scenario_find_regime(const sim_scenario *sc, const char *name)
{
    for (uint32_t g = 0; g < sc->n_regimes; g++)
        if (strcmp(sc->regimes[g].name, name) == 0)
            return g;
    return UINT32_MAX;
}

uint32_t sim_scenario_feature(const sim_scenario *sc, const char *op, const char *name)
{
    char qualified[2 * SIM_NAME_CAP + 1];
    snprintf(qualified, sizeof qualified, "%s.%s", op, name);
    uint32_t f = find_feature(sc, qualified);
    return f != SIM_NO_FEATURE ? f : find_feature(sc, name);
}
