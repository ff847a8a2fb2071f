/* bo_problems.h -- the problems bench/adapt_bo tunes: operator response surfaces calibrated on the measured H100
 * curves of bench/h100_profiles.h, extended to 3-4 knobs, at several memory caps; and the constrained test
 * problems of Gramacy et al. (2016) and constrained Branin.  bo_problems.c says which measurement stands behind
 * which part of a surface, and which parts are assumed. */
#ifndef TRD_BENCH_BO_PROBLEMS_H
#define TRD_BENCH_BO_PROBLEMS_H

#include <stddef.h>

#include "adapt/bo.h"

#define GIB 1073741824.0
#define DEVICE_BYTES (80.0 * GIB)
#define MAX_K 4

enum { FAM_VISION, FAM_LLM, FAM_GRAMACY, FAM_BRANIN };

typedef struct line {
    double t0, t1, w, m1;
} line;

typedef struct surface {
    const char *name;
    int family;
    const char *curve;
    double prompt;
    line l; /* fitted by problems_calibrate */
} surface;

#define N_SURF 10
#define N_OPERATOR_SURF 8 /* the first ones; then the two test problems */
extern surface surfaces[N_SURF];

#define N_CAPS 3
extern const double cap_fractions[N_CAPS]; /* of the device */

typedef struct problem {
    const surface *s;
    double cap, limit;
    size_t n_knobs;
    trd__knob knobs[MAX_K];
    double best;        /* true best feasible throughput */
    double dflt;        /* true throughput of the default config */
} problem;

/* Fits every surface to its measured curve (once, before make_problem); prints the fits when asked. */
void problems_calibrate(int print);
/* A surface at a memory cap: knobs, the true best feasible throughput (enumerated) and the default's. */
problem make_problem(const surface *s, double cap);
/* True throughput and peak memory of a config. */
void truth(const problem *pb, const double *cfg, double *thr, double *mem);
const surface *surface_named(const char *name);
/* Prints "bench_adapt_bo: what" and exits 1. */
void bench_die(const char *what);

#endif
