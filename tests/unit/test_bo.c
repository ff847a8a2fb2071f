/* White-box tests of memory-constrained Bayesian optimisation: the config space (encoding, categorical knobs,
 * dominance), the log-space acquisition arithmetic, and the optimiser (safe initial design, OOM dominance,
 * never re-proposing, early stop, the recommendation, warm start, invalid input, allocation failures). */
#include <stdlib.h>

#include "adapt/acq.h"
#include "adapt/bo.h"
#include "test_support.h"

#define GIB 1073741824.0

typedef struct fixture {
    test_alloc stats;
    trd__alloc alloc;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->alloc.fn = test_allocator(&f->stats);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    int leaked = f->stats.live_blocks != 0;
    free(f);
    return leaked ? -1 : 0;
}

static trd__knob knob(uint32_t type, uint32_t flags, double min, double max, double dflt, uint32_t n_choices)
{
    trd__knob k;
    memset(&k, 0, sizeof k);
    k.type = type;
    k.flags = flags;
    k.min = min;
    k.max = max;
    k.dflt = dflt;
    k.n_choices = n_choices;
    return k;
}

/* The test operator: batch (1-256, log, memory-monotone, default 16), mode (3 choices, default 0), flag (bool). */
static void knobs3(trd__knob *k)
{
    k[0] = knob(TRD_KNOB_TYPE_INT, TRD_KNOB_MEMORY_MONOTONE | TRD_KNOB_LOG_SCALE, 1, 256, 16, 0);
    k[1] = knob(TRD_KNOB_TYPE_CHOICE, 0, 0, 2, 0, 3);
    k[2] = knob(TRD_KNOB_TYPE_BOOL, 0, 0, 1, 0, 0);
}

/* Throughput saturates with batch; mode 1 is 20% faster, the flag 5%; memory 0.1 GiB + 0.02 GiB per item
 * (x mem_scale), +0.2 GiB with the flag.  With a 4 GiB cap (limit 2 GiB) the best feasible config is {85, 1, 1}. */
static double thr_of(const double *c)
{
    static const double mode[3] = {1, 1.2, 0.8};
    return c[0] / (0.5 + 0.01 * c[0]) * mode[(int)c[1]] * (c[2] > 0 ? 1.05 : 1);
}

static double mem_of(const double *c, double mem_scale)
{
    return (0.1 + 0.02 * mem_scale * c[0] + (c[2] > 0 ? 0.2 : 0)) * GIB;
}

static trd__bo_params params(void)
{
    trd__bo_params p = trd__bo_params_default();
    p.n_candidates = 256; /* keeps the tests fast; the search is the same */
    return p;
}

/* An optimiser over knobs3 with a 4 GiB cap. */
static void open_bo(fixture *f, trd__bo *bo, const trd__bo_params *p)
{
    trd__knob k[3];
    knobs3(k);
    assert_int_equal(trd__bo_init(bo, &f->alloc, k, 3, 4 * GIB, p), TRD_OK);
}

/* Probes until the optimiser stops or `max` evaluations; OOM beyond the cap.  Returns the evaluations. */
static size_t drive(trd__bo *bo, double mem_scale, size_t max)
{
    size_t k = 0;
    for (; k < max; k++) {
        double c[3];
        int done;
        assert_int_equal(trd__bo_next(bo, c, &done), TRD_OK);
        if (done)
            break;
        double m = mem_of(c, mem_scale);
        if (m > bo->cap_bytes)
            assert_int_equal(trd__bo_report_oom(bo, c), TRD_OK);
        else
            assert_int_equal(trd__bo_report(bo, c, thr_of(c), m), TRD_OK);
    }
    return k;
}

/* ---- the space ---- */

static void test_space_encoding(void **state)
{
    (void)state;
    trd__knob k[5];
    k[0] = knob(TRD_KNOB_TYPE_INT, TRD_KNOB_LOG_SCALE, 1, 1024, 32, 0);
    k[1] = knob(TRD_KNOB_TYPE_REAL, 0, 0, 2, 0.5, 0);
    k[2] = knob(TRD_KNOB_TYPE_BOOL, 0, 0, 1, 1, 0);
    k[3] = knob(TRD_KNOB_TYPE_CHOICE, 0, 0, 2, 1, 3);
    k[4] = knob(TRD_KNOB_TYPE_INT, 0, 0, 9, 3, 0);
    trd__space s;
    assert_int_equal(trd__space_init(&s, k, 5), TRD_OK);
    assert_int_equal(s.dim, 7); /* the choice is one-hot */
    double cfg[5] = {32, 1.5, 1, 2, 9}, x[7];
    assert_true(trd__space_valid(&s, cfg));
    trd__space_encode(&s, cfg, x);
    assert_close(x[0], 0.5, 1e-15); /* log2(32) / log2(1024) */
    assert_close(x[1], 0.75, 1e-15);
    assert_close(x[2], 1, 0);
    assert_close(x[3], 0, 0);
    assert_close(x[4], 0, 0);
    assert_close(x[5], 1, 0);
    assert_close(x[6], 1, 0);
    /* Unit coordinates round-trip every valid config exactly; integers cover equal cells. */
    double u[5], back[5];
    trd__space_to_unit(&s, cfg, u);
    trd__space_from_unit(&s, u, back);
    for (int i = 0; i < 5; i++)
        assert_close(back[i], cfg[i], 1e-12);
    assert_close(trd__space_knob_from_unit(&s, 4, 0.0), 0, 0);
    assert_close(trd__space_knob_from_unit(&s, 4, 0.0999), 0, 0);
    assert_close(trd__space_knob_from_unit(&s, 4, 0.1), 1, 0);
    assert_close(trd__space_knob_from_unit(&s, 4, 1.0), 9, 0);
    assert_close(trd__space_knob_from_unit(&s, 3, 0.5), 1, 0);
    assert_close(trd__space_knob_from_unit(&s, 2, 0.49), 0, 0);
    assert_close(trd__space_knob_from_unit(&s, 0, 0.5), 32, 0);
    /* Outside the domain. */
    double bad[][5] = {{0, 1, 1, 2, 9}, {32.5, 1, 1, 2, 9}, {32, 2.5, 1, 2, 9}, {32, 1, 2, 2, 9},
                       {32, 1, 1, 3, 9}, {32, 1, 1, 1.5, 9}, {32, NAN, 1, 2, 9}, {32, 1, 1, 2, -1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(trd__space_valid(&s, bad[i]));
}

/* Four choice knobs of five choices would need 20 GP inputs: the first widest falls back to one ordinal input. */
static void test_space_ordinal_fallback(void **state)
{
    (void)state;
    trd__knob k[4];
    for (int i = 0; i < 4; i++)
        k[i] = knob(TRD_KNOB_TYPE_CHOICE, 0, 0, 4, 0, 5);
    trd__space s;
    assert_int_equal(trd__space_init(&s, k, 4), TRD_OK);
    assert_int_equal(s.dim, 16);
    assert_int_equal(s.k[0].width, 1);
    assert_int_equal(s.k[1].width, 5);
    double cfg[4] = {3, 4, 0, 2}, x[16];
    trd__space_encode(&s, cfg, x);
    assert_close(x[0], 0.75, 1e-15); /* 3 / (5 - 1) */
    assert_close(x[1 + 4], 1, 0);     /* knob 1, choice 4 */
    assert_close(x[6 + 0], 1, 0);     /* knob 2, choice 0 */
    /* A space the model would not accept. */
    trd__knob lo = knob(TRD_KNOB_TYPE_INT, TRD_KNOB_LOG_SCALE, 0, 10, 1, 0);
    assert_int_equal(trd__space_init(&s, &lo, 1), TRD_E_INVALID_ARG);
    trd__knob order = knob(TRD_KNOB_TYPE_INT, 0, 5, 1, 3, 0);
    assert_int_equal(trd__space_init(&s, &order, 1), TRD_E_INVALID_ARG);
    assert_int_equal(trd__space_init(&s, k, 0), TRD_E_INVALID_ARG);
}

static void test_space_dominance(void **state)
{
    (void)state;
    trd__knob k[3];
    knobs3(k);
    k[2].flags = TRD_KNOB_MEMORY_MONOTONE; /* the flag costs memory */
    trd__space s;
    assert_int_equal(trd__space_init(&s, k, 3), TRD_OK);
    double a[3] = {64, 1, 1}, b[3] = {32, 1, 0}, c[3] = {32, 2, 0};
    assert_true(trd__space_dominates(&s, a, b));
    assert_false(trd__space_dominates(&s, b, a));
    assert_false(trd__space_dominates(&s, a, c)); /* the choice differs */
    assert_true(trd__space_dominates(&s, a, a));
    /* Proportional growth: batch x2, the flag (min 0, so +1) 2 / 1. */
    assert_close(trd__space_log_growth(&s, a, b), log(2) + log(2), 1e-15);
}

/* ---- acquisition arithmetic (references: mpmath at 50 digits) ---- */

static void test_log_tails(void **state)
{
    (void)state;
    static const double ref[][3] = {
        {-40.0, -804.60844201375379, -808.29856835661996}, {-20.0, -203.91715537109726, -206.9178385094251},
        {-10.0, -53.231285150512471, -55.553122036122356}, {-6.5, -23.938149495161839, -25.853424209777893},
        {-5.9, -20.125799580203174, -21.952668481529732},  {-3.0, -6.6077262215103495, -7.8696860596030285},
        {-1.0, -1.8410216450092635, -2.4851210257126413},  {0.0, -0.69314718055994531, -0.91893853320467274},
        {1.5, -0.069143455612233983, 0.4248145567622593},  {4.0, -3.1671743377489264e-5, 1.3862961474329033},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        /* The asymptotic series below -6 are good to a few 1e-4 in the log; the direct forms to rounding. */
        double tol = ref[i][0] < -6 ? 5e-4 : 1e-12;
        assert_close(trd__log_ncdf(ref[i][0]), ref[i][1], tol);
        assert_close(trd__log_h(ref[i][0]), ref[i][2], tol);
    }
    /* log EI = log sd + log h((mu - best) / sd); degenerate sd. */
    assert_close(trd__log_ei(1, 2, 3), log(2) + trd__log_h(-1), 1e-15);
    assert_close(trd__log_ei(5, 0, 3), log(2), 1e-15);
    assert_true(trd__log_ei(1, 0, 3) == -INFINITY);
}

/* ---- the optimiser ---- */

static void test_safe_initial_design(void **state)
{
    fixture *f = *state;
    trd__bo_params p = params();
    trd__bo bo;
    open_bo(f, &bo, &p);
    double c[3];
    int done;
    assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
    assert_false(done);
    assert_close(c[0], 16, 0); /* the default first */
    assert_close(c[1], 0, 0);
    assert_close(c[2], 0, 0);
    /* Until reported, the same config comes back. */
    double again[3];
    assert_int_equal(trd__bo_next(&bo, again, &done), TRD_OK);
    assert_true(trd__space_equal(&bo.space, c, again));
    assert_int_equal(trd__bo_report(&bo, c, thr_of(c), mem_of(c, 1)), TRD_OK);
    /* Then n_init - 1 points below the default on the monotone knob (the upper half of its unit range: 4-16). */
    for (size_t i = 1; i < p.n_init; i++) {
        assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
        assert_false(done);
        assert_true(c[0] <= 16 && c[0] >= 4);
        assert_true(trd__space_valid(&bo.space, c));
        assert_int_equal(trd__bo_report(&bo, c, thr_of(c), mem_of(c, 1)), TRD_OK);
    }
    assert_int_equal(bo.design_next, p.n_init);
    trd__bo_free(&bo);
}

static void test_oom_marks_dominating_configs(void **state)
{
    fixture *f = *state;
    trd__bo_params p = params();
    trd__bo bo;
    open_bo(f, &bo, &p);
    double d[3] = {16, 0, 0}, oom[3] = {128, 1, 0};
    assert_int_equal(trd__bo_report(&bo, d, thr_of(d), mem_of(d, 1)), TRD_OK);
    assert_int_equal(trd__bo_report_oom(&bo, oom), TRD_OK);
    /* Reported again (a config crashing in production, crash after crash): nothing new to learn. */
    assert_int_equal(trd__bo_report_oom(&bo, oom), TRD_OK);
    assert_int_equal(bo.n, 2);
    double t, sd, pof;
    double above[3] = {200, 1, 0}, modest[3] = {24, 2, 1}, below[3] = {8, 0, 0};
    trd__bo_predict(&bo, above, &t, &sd, &pof);
    assert_close(pof, 0, 0); /* dominates the OOM */
    trd__bo_predict(&bo, oom, &t, &sd, &pof);
    assert_close(pof, 0, 0);
    trd__bo_predict(&bo, modest, &t, &sd, &pof);
    assert_true(pof > 0.5 && pof < 1); /* neither bound applies: the memory model decides */
    trd__bo_predict(&bo, below, &t, &sd, &pof);
    assert_close(pof, 1, 0); /* dominated by the default, measured within the limit */
    /* Nothing dominating the OOM, nor the OOM itself, is ever proposed. */
    drive(&bo, 1, 30);
    for (size_t i = 2; i < bo.n; i++)
        assert_false(trd__space_dominates(&bo.space, bo.cfg + i * 3, oom));
    /* The memory model saw the OOM as a censored observation at 1.1 x cap. */
    assert_close(bo.mem[1], 1.1 * 4 * GIB, 1e-15);
    assert_true(bo.oom[1]);
    trd__bo_free(&bo);
}

/* A full run: no config is proposed twice or within min_distance of an evaluation, nothing is proposed after
 * the budget, no probe runs out of memory, and the result is within 5% of the true best. */
static void test_run_never_reproposes(void **state)
{
    fixture *f = *state;
    trd__knob k[3];
    knobs3(k);
    trd__bo_params p = params();
    p.budget = 20;
    p.stop_ei = 1e-12; /* run the whole budget */
    trd__bo bo;
    assert_int_equal(trd__bo_init(&bo, &f->alloc, k, 3, 4 * GIB, &p), TRD_OK);
    size_t used = drive(&bo, 1, 100);
    assert_int_equal(used, 20);
    assert_int_equal(trd__bo_stopped(&bo), TRD__BO_BUDGET);
    double c[3];
    int done;
    assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
    assert_true(done);
    for (size_t i = 0; i < bo.n; i++) {
        assert_false(bo.oom[i]);
        for (size_t j = 0; j < i; j++) {
            int same_cat = bo.cfg[i * 3 + 1] == bo.cfg[j * 3 + 1] && bo.cfg[i * 3 + 2] == bo.cfg[j * 3 + 2];
            double du = fabs(bo.unit[i * 3] - bo.unit[j * 3]);
            assert_false(same_cat && du <= p.min_distance);
        }
    }
    double best[3], pred, pof;
    assert_int_equal(trd__bo_recommend(&bo, best, &pred, &pof), TRD_OK);
    assert_true(mem_of(best, 1) <= bo.limit_bytes);
    assert_close(best[1], 1, 0);
    double ideal[3] = {85, 1, 1}; /* 79.3 items/s in 2.0 GiB, just ahead of {95, 1, 0} at 78.6 */
    assert_true(thr_of(best) >= 0.95 * thr_of(ideal));
    assert_close(pof, 1, 0);
    trd__bo_free(&bo);
}

/* A flat response: expected improvement vanishes and the optimiser stops well before its budget (after the 4
 * design points, 8 probes: the last three of them below 1%). */
static void test_early_stop(void **state)
{
    fixture *f = *state;
    trd__bo_params p = params();
    trd__bo bo;
    open_bo(f, &bo, &p);
    size_t used = 0;
    for (; used < 30; used++) {
        double c[3];
        int done;
        assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
        if (done)
            break;
        /* 100 items/s with 1% of measurement noise */
        assert_int_equal(trd__bo_report(&bo, c, 100 * (1 + 0.01 * sin(7.0 * (double)used)), mem_of(c, 1)), TRD_OK);
    }
    assert_int_equal(trd__bo_stopped(&bo), TRD__BO_CONVERGED);
    assert_true(used < 15);
    assert_int_equal(bo.low_streak, p.stop_patience);
    trd__bo_free(&bo);
}

/* The recommendation is the best predicted feasible config: a faster config measured above the limit does
 * not count, and the prediction stays within the noise of what the config measured. */
static void test_recommendation(void **state)
{
    fixture *f = *state;
    trd__bo_params p = params();
    trd__bo bo;
    open_bo(f, &bo, &p);
    double c[3], pred, pof;
    assert_int_equal(trd__bo_recommend(&bo, c, &pred, &pof), TRD_E_STATE);
    double a[3] = {16, 0, 0}, b[3] = {64, 1, 0}, over[3] = {128, 1, 0}, slow[3] = {32, 2, 0};
    assert_int_equal(trd__bo_report(&bo, a, 100, 0.5 * GIB), TRD_OK);
    assert_int_equal(trd__bo_report(&bo, b, 300, 1.5 * GIB), TRD_OK);
    assert_int_equal(trd__bo_report(&bo, over, 400, 2.6 * GIB), TRD_OK); /* runs, but above the 2 GiB limit */
    assert_int_equal(trd__bo_report(&bo, slow, 80, 0.8 * GIB), TRD_OK);
    assert_int_equal(trd__bo_recommend(&bo, c, &pred, &pof), TRD_OK);
    assert_close(c[1], 1, 0);
    assert_true(c[0] <= 64); /* b or a certified neighbour below it */
    assert_true(pred <= 300 * exp(0.05) * (1 + 1e-12) && pred >= 300 * exp(-0.05) * (1 - 1e-12));
    assert_close(pof, 1, 0);
    trd__bo_free(&bo);
}

static void test_invalid_input_changes_nothing(void **state)
{
    fixture *f = *state;
    trd__bo_params p = params();
    trd__bo bo;
    open_bo(f, &bo, &p);
    double c[3];
    int done;
    assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
    assert_int_equal(trd__bo_report(&bo, c, thr_of(c), mem_of(c, 1)), TRD_OK);
    assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
    double pending[3];
    memcpy(pending, c, sizeof c);
    size_t calls = f->stats.calls;
    double ok[3] = {16, 0, 0};
    assert_int_equal(trd__bo_report(&bo, ok, NAN, GIB), TRD_E_INVALID_ARG);
    assert_int_equal(trd__bo_report(&bo, ok, INFINITY, GIB), TRD_E_INVALID_ARG);
    assert_int_equal(trd__bo_report(&bo, ok, -1, GIB), TRD_E_INVALID_ARG);
    assert_int_equal(trd__bo_report(&bo, ok, 10, -1), TRD_E_INVALID_ARG);
    assert_int_equal(trd__bo_report(&bo, ok, 10, NAN), TRD_E_INVALID_ARG);
    double bad[][3] = {{0, 0, 0}, {16.5, 0, 0}, {300, 0, 0}, {16, 3, 0}, {16, 0.5, 0}, {16, 0, 2}, {NAN, 0, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(trd__bo_report(&bo, bad[i], 10, GIB), TRD_E_INVALID_ARG);
        assert_int_equal(trd__bo_report_oom(&bo, bad[i]), TRD_E_INVALID_ARG);
    }
    assert_int_equal(trd__bo_report(&bo, NULL, 10, GIB), TRD_E_INVALID_ARG);
    assert_int_equal(trd__bo_next(&bo, NULL, &done), TRD_E_INVALID_ARG);
    assert_int_equal(bo.n, 1);
    assert_int_equal(f->stats.calls, calls); /* nothing was even allocated */
    assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
    assert_true(trd__space_equal(&bo.space, c, pending));
    trd__bo_free(&bo);

    /* Bad parameters and caps. */
    trd__knob k[3];
    knobs3(k);
    trd__bo_params q = params();
    q.eta = 1.5;
    assert_int_equal(trd__bo_init(&bo, &f->alloc, k, 3, 4 * GIB, &q), TRD_E_INVALID_ARG);
    q = params();
    q.budget = 0;
    assert_int_equal(trd__bo_init(&bo, &f->alloc, k, 3, 4 * GIB, &q), TRD_E_INVALID_ARG);
    q = params();
    assert_int_equal(trd__bo_init(&bo, &f->alloc, k, 3, 1 * GIB, &q), TRD_E_INVALID_ARG); /* Delta 2 GiB >= cap */
    assert_int_equal(trd__bo_init(&bo, &f->alloc, k, 3, NAN, &q), TRD_E_INVALID_ARG);
    q.delta_bytes = 0.25 * GIB;
    assert_int_equal(trd__bo_init(&bo, &f->alloc, k, 3, 1 * GIB, &q), TRD_OK);
    assert_close(bo.limit_bytes, 0.75 * GIB, 1e-15);
    trd__bo_free(&bo);
}

/* A warm start proposes the source's best config after the default -- scaled down on the batch knob until it
 * fits the new regime, which needs twice the memory per item. */
static void test_warm_start(void **state)
{
    fixture *f = *state;
    trd__knob k[3];
    knobs3(k);
    trd__bo_params p = params();
    trd__bo src, dst, other;
    assert_int_equal(trd__bo_init(&src, &f->alloc, k, 3, 4 * GIB, &p), TRD_OK);
    assert_int_equal(trd__bo_init(&dst, &f->alloc, k, 3, 4 * GIB, &p), TRD_OK);
    assert_int_equal(trd__bo_warm_start(&dst, &src), TRD_E_STATE); /* nothing measured yet */
    drive(&src, 1, 20);
    /* The source's best measured feasible config. */
    size_t best = 0;
    for (size_t i = 0; i < src.n; i++)
        if (!src.oom[i] && src.mem[i] <= src.limit_bytes && src.thr[i] > src.thr[best])
            best = i;
    assert_int_equal(trd__bo_warm_start(&dst, &src), TRD_OK);
    assert_int_equal(trd__bo_warm_start(&dst, &src), TRD_E_STATE); /* once */
    assert_true(trd__space_equal(&dst.space, dst.warm[0], src.cfg + best * 3));
    assert_int_equal(dst.design_len, p.n_init_warm);
    double c[3];
    int done;
    assert_int_equal(trd__bo_next(&dst, c, &done), TRD_OK);
    assert_close(c[0], 16, 0); /* the default still comes first */
    assert_int_equal(trd__bo_report(&dst, c, thr_of(c), mem_of(c, 2)), TRD_OK);
    assert_int_equal(trd__bo_next(&dst, c, &done), TRD_OK);
    const double *w = src.cfg + best * 3;
    assert_close(c[1], w[1], 0);
    assert_close(c[2], w[2], 0);
    assert_true(c[0] <= w[0] && c[0] > 16);
    assert_true(mem_of(c, 2) <= dst.cap_bytes); /* scaled until the new regime's model admits it */

    /* A report closes the door; a different space never opens it. */
    trd__knob k2[3];
    knobs3(k2);
    k2[0].max = 512;
    assert_int_equal(trd__bo_init(&other, &f->alloc, k2, 3, 4 * GIB, &p), TRD_OK);
    assert_int_equal(trd__bo_warm_start(&other, &src), TRD_E_INVALID_ARG);
    assert_int_equal(trd__bo_warm_start(&other, &other), TRD_E_INVALID_ARG);
    trd__bo_free(&other);
    assert_int_equal(trd__bo_init(&other, &f->alloc, k, 3, 4 * GIB, &p), TRD_OK);
    double d[3] = {16, 0, 0};
    assert_int_equal(trd__bo_report(&other, d, 10, GIB), TRD_OK);
    assert_int_equal(trd__bo_warm_start(&other, &src), TRD_E_STATE);
    trd__bo_free(&other);
    trd__bo_free(&src);
    trd__bo_free(&dst);
}

/* Fails every allocation of a 12-evaluation run in turn: the failing report returns TRD_E_NOMEM and changes
 * nothing (the retry then succeeds), next() never allocates, the run ends exactly where an undisturbed run
 * ends, and nothing leaks. */
static void run_with_failure(fixture *f, size_t fail_at, double *out_cfg, size_t *failures)
{
    trd__bo_params p = params();
    trd__bo bo;
    open_bo(f, &bo, &p);
    size_t base = f->stats.calls;
    f->stats.fail_at = fail_at ? base + fail_at : 0;
    for (int e = 0; e < 12; e++) {
        double c[3];
        int done;
        size_t before = f->stats.calls;
        assert_int_equal(trd__bo_next(&bo, c, &done), TRD_OK);
        assert_int_equal(f->stats.calls, before);
        if (done)
            break;
        size_t n = bo.n;
        double m = mem_of(c, 1);
        trd_status st = m > bo.cap_bytes ? trd__bo_report_oom(&bo, c) : trd__bo_report(&bo, c, thr_of(c), m);
        if (st == TRD_E_NOMEM) {
            (*failures)++;
            assert_int_equal(bo.n, n);
            double again[3];
            assert_int_equal(trd__bo_next(&bo, again, &done), TRD_OK);
            assert_true(trd__space_equal(&bo.space, again, c)); /* still pending */
            st = m > bo.cap_bytes ? trd__bo_report_oom(&bo, c) : trd__bo_report(&bo, c, thr_of(c), m);
        }
        assert_int_equal(st, TRD_OK);
        assert_int_equal(bo.n, n + 1);
    }
    double pred, pof;
    assert_int_equal(trd__bo_recommend(&bo, out_cfg, &pred, &pof), TRD_OK);
    f->stats.fail_at = 0;
    trd__bo_free(&bo);
    assert_int_equal(f->stats.live_blocks, 0);
}

static void test_allocation_failures(void **state)
{
    fixture *f = *state;
    double ref[3];
    size_t failures = 0;
    size_t start = f->stats.calls;
    run_with_failure(f, 0, ref, &failures);
    size_t total = f->stats.calls - start;
    assert_true(total > 12);
    for (size_t at = 1; at <= total; at++) {
        double got[3];
        size_t before = failures;
        run_with_failure(f, at, got, &failures);
        assert_int_equal(failures, before + 1); /* every allocation is reached and fails once */
        for (int i = 0; i < 3; i++)
            assert_close(got[i], ref[i], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_space_encoding),
        cmocka_unit_test(test_space_ordinal_fallback),
        cmocka_unit_test(test_space_dominance),
        cmocka_unit_test(test_log_tails),
        cmocka_unit_test_setup_teardown(test_safe_initial_design, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oom_marks_dominating_configs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_never_reproposes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_early_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recommendation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_input_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warm_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
