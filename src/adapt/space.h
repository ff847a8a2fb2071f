/* space.h -- the configuration space of one operator, as Bayesian optimisation sees it.
 *
 * A config is one double per knob in the model's encoding (src/model/model.h): integers and choice indices as
 * whole numbers, booleans 0/1, reals as they are -- so a config can be registered with trd__model_add_config
 * unchanged.  Two maps leave that encoding:
 *   unit coordinates  one value in [0, 1) per knob, where quasi-random and local search move: linear in the
 *                     knob's value, or in its logarithm for TRD_KNOB_LOG_SCALE knobs; an integer covers equal
 *                     widths per value (linear) or is rounded after the log map; a boolean is u >= 1/2; a choice
 *                     is floor(u n);
 *   GP inputs         `dim` values in [0, 1]: numeric knobs as their unit coordinate at the config's exact
 *                     value, booleans 0/1, choice knobs one-hot (one input per choice) -- no false order between
 *                     categories, and a length scale per category -- unless the inputs would exceed
 *                     TRD__GP_MAX_DIM: then the choice knobs with the most choices fall back to one ordinal
 *                     input each (index / (n - 1)), largest first, until the space fits.
 * Memory-monotone knobs (TRD_KNOB_MEMORY_MONOTONE) give the partial order of safety: a config `dominates`
 * another when it is >= on every monotone knob and equal on every other knob, and then needs at least as much
 * memory. */
#ifndef TRD_ADAPT_SPACE_H
#define TRD_ADAPT_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "gp/gp.h"
#include "model/model.h"
#include "trident.h"

typedef struct trd__space_knob {
    uint32_t type;      /* trd_knob_type */
    uint32_t flags;     /* TRD_KNOB_* */
    double min, max, dflt;
    uint32_t n_choices; /* choice knobs */
    uint32_t offset;    /* first GP input */
    uint32_t width;     /* GP inputs: 1, or n_choices when one-hot */
} trd__space_knob;

typedef struct trd__space {
    size_t n;           /* knobs */
    size_t dim;         /* GP inputs */
    size_t n_monotone;
    trd__space_knob k[TRD__MAX_KNOBS];
} trd__space;

/* From the model's knobs (1..TRD__MAX_KNOBS of them, as validated by the model: min <= dflt <= max, min > 0
 * on log-scale knobs, choices >= 1).  TRD_E_INVALID_ARG otherwise. */
trd_status trd__space_init(trd__space *s, const trd__knob *knobs, size_t n);

/* 1 if `cfg` lies in the domain: finite, within bounds, integers and choices whole, booleans 0 or 1. */
int trd__space_valid(const trd__space *s, const double *cfg);

/* GP inputs of a valid config (s->dim values). */
void trd__space_encode(const trd__space *s, const double *cfg, double *x);

/* Unit coordinates (one per knob, in [0, 1]) of a valid config, and the config at unit coordinates (any
 * values, clamped into [0, 1)). */
void trd__space_to_unit(const trd__space *s, const double *cfg, double *u);
void trd__space_from_unit(const trd__space *s, const double *u, double *cfg);
/* The same for knob i alone. */
double trd__space_knob_to_unit(const trd__space *s, size_t i, double v);
double trd__space_knob_from_unit(const trd__space *s, size_t i, double u);

/* The default config. */
void trd__space_default(const trd__space *s, double *cfg);

int trd__space_equal(const trd__space *s, const double *a, const double *b);
/* a >= b on every memory-monotone knob and a == b on every other knob. */
int trd__space_dominates(const trd__space *s, const double *a, const double *b);

/* log of prod over memory-monotone knobs of (a + c) / (ref + c), c = max(0, 1 - min): how much more memory `a`
 * needs than `ref` if memory were proportional to every monotone knob (the envelope of memory that is affine in
 * each knob with a non-negative intercept, which is what batch sizes, sequence counts, token budgets and
 * replicas do).  The memory model's prior mean (bo.h). */
double trd__space_log_growth(const trd__space *s, const double *a, const double *ref);

#endif
