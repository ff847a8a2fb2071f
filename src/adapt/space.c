/* space.c -- the configuration space of Bayesian optimisation (see space.h). */
#include "adapt/space.h"

#include <math.h>
#include <string.h>

static int is_log(const trd__space_knob *k)
{
    return (k->flags & TRD_KNOB_LOG_SCALE) && k->min > 0 && (k->type == TRD_KNOB_TYPE_INT || k->type == TRD_KNOB_TYPE_REAL);
}

static int is_whole(double v)
{
    return v == floor(v);
}

trd_status trd__space_init(trd__space *s, const trd__knob *knobs, size_t n)
{
    memset(s, 0, sizeof *s);
    if (!knobs || n == 0 || n > TRD__MAX_KNOBS)
        return TRD_E_INVALID_ARG;
    for (size_t i = 0; i < n; i++) {
        const trd__knob *in = &knobs[i];
        trd__space_knob *k = &s->k[i];
        k->type = in->type;
        k->flags = in->flags;
        k->min = in->min;
        k->max = in->max;
        k->dflt = in->dflt;
        k->n_choices = in->n_choices;
        k->width = 1;
        if (!isfinite(k->min) || !isfinite(k->max) || !(k->min <= k->dflt && k->dflt <= k->max))
            return TRD_E_INVALID_ARG;
        switch (k->type) {
        case TRD_KNOB_TYPE_INT:
            if (!is_whole(k->min) || !is_whole(k->max) || !is_whole(k->dflt))
                return TRD_E_INVALID_ARG;
            break;
        case TRD_KNOB_TYPE_REAL:
            break;
        case TRD_KNOB_TYPE_BOOL:
            if (k->min != 0 || k->max != 1 || !is_whole(k->dflt))
                return TRD_E_INVALID_ARG;
            break;
        case TRD_KNOB_TYPE_CHOICE:
            if (k->n_choices == 0 || k->n_choices > TRD__MAX_CHOICES || k->min != 0 ||
                k->max != (double)(k->n_choices - 1) || !is_whole(k->dflt))
                return TRD_E_INVALID_ARG;
            k->width = k->n_choices;
            break;
        default:
            return TRD_E_INVALID_ARG;
        }
        if ((k->flags & TRD_KNOB_LOG_SCALE) && !(k->min > 0))
            return TRD_E_INVALID_ARG;
        s->n_monotone += (k->flags & TRD_KNOB_MEMORY_MONOTONE) != 0;
    }
    s->n = n;
    /* One-hot choices while the inputs fit; otherwise the widest choice knobs become ordinal. */
    for (;;) {
        size_t dim = 0, widest = n;
        for (size_t i = 0; i < n; i++) {
            dim += s->k[i].width;
            if (s->k[i].width > 1 && (widest == n || s->k[i].width > s->k[widest].width))
                widest = i;
        }
        if (dim <= TRD__GP_MAX_DIM)
            break;
        s->k[widest].width = 1;
    }
    uint32_t off = 0;
    for (size_t i = 0; i < n; i++) {
        s->k[i].offset = off;
        off += s->k[i].width;
    }
    s->dim = off;
    return TRD_OK;
}

int trd__space_valid(const trd__space *s, const double *cfg)
{
    for (size_t i = 0; i < s->n; i++) {
        const trd__space_knob *k = &s->k[i];
        double v = cfg[i];
        if (!isfinite(v) || v < k->min || v > k->max)
            return 0;
        if (k->type != TRD_KNOB_TYPE_REAL && !is_whole(v))
            return 0;
    }
    return 1;
}

/* Position of a numeric value in [0, 1] on the knob's (log) scale. */
static double numeric_unit(const trd__space_knob *k, double v)
{
    if (k->max <= k->min)
        return 0;
    if (is_log(k))
        return (log(v) - log(k->min)) / (log(k->max) - log(k->min));
    return (v - k->min) / (k->max - k->min);
}

void trd__space_encode(const trd__space *s, const double *cfg, double *x)
{
    for (size_t i = 0; i < s->n; i++) {
        const trd__space_knob *k = &s->k[i];
        double *xi = x + k->offset;
        if (k->type == TRD_KNOB_TYPE_CHOICE && k->width > 1) {
            for (uint32_t c = 0; c < k->width; c++)
                xi[c] = (double)c == cfg[i] ? 1 : 0;
        } else if (k->type == TRD_KNOB_TYPE_CHOICE || k->type == TRD_KNOB_TYPE_BOOL) {
            xi[0] = k->max > 0 ? cfg[i] / k->max : 0;
        } else {
            xi[0] = numeric_unit(k, cfg[i]);
        }
    }
}

double trd__space_knob_to_unit(const trd__space *s, size_t i, double v)
{
    const trd__space_knob *k = &s->k[i];
    if (k->type == TRD_KNOB_TYPE_CHOICE)
        return (v + 0.5) / (double)k->n_choices;
    if (k->type == TRD_KNOB_TYPE_BOOL)
        return v > 0 ? 0.75 : 0.25;
    if (k->type == TRD_KNOB_TYPE_INT && !is_log(k))
        return (v - k->min + 0.5) / (k->max - k->min + 1); /* the middle of the value's cell */
    return numeric_unit(k, v);
}

double trd__space_knob_from_unit(const trd__space *s, size_t i, double u)
{
    const trd__space_knob *k = &s->k[i];
    double t = u < 0 ? 0 : u >= 1 ? 0x1.fffffffffffffp-1 : u;
    double v;
    switch (k->type) {
    case TRD_KNOB_TYPE_CHOICE:
        v = floor(t * (double)k->n_choices);
        break;
    case TRD_KNOB_TYPE_BOOL:
        v = t >= 0.5;
        break;
    case TRD_KNOB_TYPE_INT:
        v = is_log(k) ? round(exp(log(k->min) + t * (log(k->max) - log(k->min))))
                      : k->min + floor(t * (k->max - k->min + 1));
        break;
    default:
        v = is_log(k) ? exp(log(k->min) + t * (log(k->max) - log(k->min))) : k->min + t * (k->max - k->min);
        break;
    }
    return v < k->min ? k->min : v > k->max ? k->max : v;
}

void trd__space_to_unit(const trd__space *s, const double *cfg, double *u)
{
    for (size_t i = 0; i < s->n; i++)
        u[i] = trd__space_knob_to_unit(s, i, cfg[i]);
}

void trd__space_from_unit(const trd__space *s, const double *u, double *cfg)
{
    for (size_t i = 0; i < s->n; i++)
        cfg[i] = trd__space_knob_from_unit(s, i, u[i]);
}

void trd__space_default(const trd__space *s, double *cfg)
{
    for (size_t i = 0; i < s->n; i++)
        cfg[i] = s->k[i].dflt;
}

int trd__space_equal(const trd__space *s, const double *a, const double *b)
{
    for (size_t i = 0; i < s->n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

int trd__space_dominates(const trd__space *s, const double *a, const double *b)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->k[i].flags & TRD_KNOB_MEMORY_MONOTONE) {
            if (a[i] < b[i])
                return 0;
        } else if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

double trd__space_log_growth(const trd__space *s, const double *a, const double *ref)
{
    double g = 0;
    for (size_t i = 0; i < s->n; i++) {
        const trd__space_knob *k = &s->k[i];
        if (!(k->flags & TRD_KNOB_MEMORY_MONOTONE))
            continue;
        double c = k->min < 1 ? 1 - k->min : 0;
        g += log((a[i] + c) / (ref[i] + c));
    }
    return g;
}
