/* bench_adapt_bo -- memory-constrained Bayesian optimisation (src/adapt/bo.c) against the usual ways of tuning
 * an operator's config, on response surfaces calibrated on measured H100 curves and on two standard constrained
 * test problems (the rows of the Trident paper's Tables 5-6, plus what the paper does not measure).
 *
 *   bench_adapt_bo [--quick] [--seeds N] [--json PATH] [--methods MASK] [--surface NAME] [--set name=value]...
 *                  [--trace]
 *
 * --methods runs a subset (bit i = the i-th method below), --surface one problem, --set overrides a parameter
 * of the constrained-BO runs (to explore), --trace prints every probe on stderr.
 *
 * (a) Operator surfaces calibrated on measured H100 curves and (b) two constrained test problems: see
 * bo_problems.c for what stands behind each.  Knobs: vision curves -- batch (1-2048, log, memory-monotone,
 * default 32), replicas (1-4, monotone, default 1), cuda_graphs (default off); LLM curves -- max_seqs (1-1024,
 * log, monotone, default 32), token_budget (2048-65536, log, monotone, default 8192), replicas (1-2, monotone),
 * cuda_graphs.  Memory caps of 1/8, 1/4 (the measured one) and 1/2 of the 80 GiB device; Delta = max(2 GiB,
 * 10% of the cap).  A probe measures throughput with 3% noise and peak memory with 1%; a config whose true
 * memory exceeds the cap is an OOM.
 *
 * Methods, 30 evaluations each:
 *   ours            constrained BO with the defaults of bo.h (its recommendation is scored);
 *   unconstrained   plain EI, Sobol initial design, OOMs scored as the worst throughput (the paper's baseline);
 *   sobol           quasi-random search (Sobol, a random shift per seed);
 *   grid            the smallest full grid of >= 30 points (levels log-spaced on log knobs), in random order;
 *   ablations       ours with the paper's initial design (5 Sobol points, no default), ours with a constant-
 *                   mean memory GP, and both (the paper's method as published).
 * For every method but ours the pick after k evaluations is the best measured throughput among evaluations
 * measured within M_cap - Delta.  Scores: the pick's true throughput / the true best config within M_cap -
 * Delta (enumerated), evaluations until that ratio reaches 0.95, and OOM evaluations.
 *
 * Cost: one adapt step of a 17-operator pipeline with 3 operators tuning -- every operator clusters one window of
 * 20 feature vectors, and each tuning operator takes a probe result and proposes the next probe. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapt/bo.h"
#include "adapt/regimes.h"
#include "bo_problems.h"
#include "common/sobol.h"

#define BUDGET 30
#define THR_NOISE 0.03
#define MEM_NOISE 0.01

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- one tuning run ---- */

enum { M_OURS, M_UNCONSTRAINED, M_SOBOL, M_GRID, M_PAPER_INIT, M_CONST_MEMORY, M_PAPER, N_METHODS };
static const char *const method_names[N_METHODS] = {
    "constrained BO (ours)", "unconstrained EI", "Sobol random search", "grid search",
    "ours, paper's random initial design", "ours, constant-mean memory GP", "paper's constrained BO (both)"};
static const char *const method_keys[N_METHODS] = {"constrained_bo", "unconstrained_ei", "sobol", "grid",
                                                   "ablation_random_init", "ablation_constant_memory_gp",
                                                   "paper_constrained_bo"};

typedef struct run_out {
    double ratio[BUDGET + 1];  /* true ratio of the pick after k evaluations */
    int ooms[BUDGET + 1];      /* OOMs among the first k */
    int violations[BUDGET + 1];/* evaluations measured above the limit among the first k */
    int evals;
} run_out;

typedef struct evaluator {
    const problem *pb;
    trd__rng noise;
    /* best measured feasible evaluation so far (for the methods scored that way) */
    double best_obs, best_true;
    int have;
} evaluator;

/* Probes cfg: 1 and a noisy measurement, or 0 for an OOM. */
static int probe(evaluator *ev, const double *cfg, double *thr, double *mem, double *thr_true)
{
    double m;
    truth(ev->pb, cfg, thr_true, &m);
    if (m > ev->pb->cap)
        return 0;
    *thr = *thr_true * (1 + THR_NOISE * trd__rng_normal(&ev->noise));
    *mem = m * (1 + MEM_NOISE * trd__rng_normal(&ev->noise));
    if (*thr < 0)
        *thr = 0;
    return 1;
}

static void record(const evaluator *ev, run_out *o, int k, double pick_true, int oom, int violation)
{
    o->ratio[k] = pick_true / ev->pb->best;
    o->ooms[k] = o->ooms[k - 1] + oom;
    o->violations[k] = o->violations[k - 1] + violation;
}

static void finish(run_out *o, int k)
{
    o->evals = k - 1;
    for (; k <= BUDGET; k++) {
        o->ratio[k] = o->ratio[k - 1];
        o->ooms[k] = o->ooms[k - 1];
        o->violations[k] = o->violations[k - 1];
    }
}

/* Scores the best measured evaluation within the limit (the rule for every method but ours). */
static double observed_pick(evaluator *ev, int ok, const double *cfg, double thr, double mem, double thr_true)
{
    (void)cfg;
    if (ok && mem <= ev->pb->limit && (!ev->have || thr > ev->best_obs)) {
        ev->have = 1;
        ev->best_obs = thr;
        ev->best_true = thr_true;
    }
    return ev->have ? ev->best_true : 0;
}

static trd__bo_params g_ours; /* the defaults, with --set overrides */
static int g_trace;           /* --trace: every probe of the BO runs, and every run's summary, on stderr */

static trd__bo_params method_params(int method, uint64_t seed)
{
    trd__bo_params p = g_ours;
    p.budget = BUDGET;
    p.seed = seed;
    if (method == M_UNCONSTRAINED) {
        p.constrained = 0;
        p.safe_init = 0;
        p.n_init = 5;
    }
    if (method == M_PAPER_INIT || method == M_PAPER) {
        p.safe_init = 0;
        p.n_init = 5;
    }
    if (method == M_CONST_MEMORY || method == M_PAPER)
        p.memory_prior = 0;
    return p;
}

static void run_bo(const problem *pb, int method, uint64_t seed, const trd__bo *warm, run_out *o, trd__bo *keep)
{
    trd__alloc a;
    trd__alloc_init_default(&a);
    trd__bo bo;
    trd__bo_params p = method_params(method, seed);
    if (trd__bo_init(&bo, &a, pb->knobs, pb->n_knobs, pb->cap, &p) != TRD_OK)
        bench_die("bo init failed");
    if (warm && trd__bo_warm_start(&bo, warm) != TRD_OK)
        bench_die("warm start failed");
    evaluator ev;
    memset(&ev, 0, sizeof ev);
    ev.pb = pb;
    trd__rng_seed(&ev.noise, seed * 1000003 + 7);
    memset(o, 0, sizeof *o);
    int k = 1;
    for (; k <= BUDGET; k++) {
        double cfg[MAX_K], thr, mem, thr_true;
        int done;
        if (trd__bo_next(&bo, cfg, &done) != TRD_OK)
            bench_die("next failed");
        if (done)
            break;
        int ok = probe(&ev, cfg, &thr, &mem, &thr_true);
        double pred_thr = 0, pred_sd = 0, pred_pof = 0;
        if (g_trace)
            trd__bo_predict(&bo, cfg, &pred_thr, &pred_sd, &pred_pof);
        trd_status st = ok ? trd__bo_report(&bo, cfg, thr, mem) : trd__bo_report_oom(&bo, cfg);
        if (st != TRD_OK)
            bench_die("report failed");
        double pick = observed_pick(&ev, ok, cfg, thr, mem, thr_true);
        if (p.constrained) {
            double rc[MAX_K], pred, pof, t, m;
            pick = 0;
            if (trd__bo_recommend(&bo, rc, &pred, &pof) == TRD_OK) {
                truth(pb, rc, &t, &m);
                pick = m <= pb->cap ? t : 0;
            }
        }
        record(&ev, o, k, pick, !ok, ok && mem > pb->limit);
        if (g_trace) {
            double mt;
            truth(pb, cfg, &thr_true, &mt);
            fprintf(stderr, "  %s k=%2d config", method_names[method], k);
            for (size_t i = 0; i < pb->n_knobs; i++)
                fprintf(stderr, " %g", cfg[i]);
            fprintf(stderr, ": predicted %.4g (log sd %.3f, PoF %.3f), true %.4g (%.3f of best), %.2f GiB%s; pick %.3f\n",
                    pred_thr, pred_sd, pred_pof, thr_true, thr_true / pb->best, mt / GIB, ok ? "" : " OOM",
                    pick / pb->best);
        }
    }
    finish(o, k);
    if (keep)
        *keep = bo;
    else
        trd__bo_free(&bo);
}

/* Quasi-random and grid search over unit coordinates. */
static void run_search(const problem *pb, int method, uint64_t seed, run_out *o)
{
    trd__space sp;
    if (trd__space_init(&sp, pb->knobs, pb->n_knobs) != TRD_OK)
        bench_die("bad space");
    size_t K = pb->n_knobs;
    trd__rng g;
    trd__rng_seed(&g, seed * 7777 + 3);
    double shift[MAX_K];
    for (size_t i = 0; i < K; i++)
        shift[i] = trd__rng_uniform(&g);
    /* The grid: L levels per knob (fewer where a knob has fewer values), the smallest L giving >= BUDGET. */
    double grid[4096][MAX_K];
    size_t n_grid = 0;
    if (method == M_GRID) {
        for (int L = 2;; L++) {
            size_t levels[MAX_K], total = 1;
            for (size_t i = 0; i < K; i++) {
                double values = sp.k[i].type == TRD_KNOB_TYPE_REAL ? 1e9 : sp.k[i].max - sp.k[i].min + 1;
                levels[i] = (size_t)fmin(L, values);
                total *= levels[i];
            }
            if (total < BUDGET)
                continue;
            for (size_t j = 0; j < total; j++) {
                double u[MAX_K];
                size_t r = j;
                for (size_t i = 0; i < K; i++) {
                    u[i] = ((double)(r % levels[i]) + 0.5) / (double)levels[i];
                    r /= levels[i];
                }
                trd__space_from_unit(&sp, u, grid[n_grid++]);
            }
            break;
        }
        for (size_t j = n_grid - 1; j > 0; j--) { /* Fisher-Yates */
            size_t r = (size_t)(trd__rng_uniform(&g) * (double)(j + 1));
            for (size_t i = 0; i < K; i++) {
                double t = grid[j][i];
                grid[j][i] = grid[r][i];
                grid[r][i] = t;
            }
        }
    }
    trd__sobol sob;
    trd__sobol_init(&sob, K);
    evaluator ev;
    memset(&ev, 0, sizeof ev);
    ev.pb = pb;
    trd__rng_seed(&ev.noise, seed * 1000003 + 7);
    memset(o, 0, sizeof *o);
    double seen[BUDGET][MAX_K];
    int k = 1;
    for (; k <= BUDGET; k++) {
        double cfg[MAX_K];
        if (method == M_GRID) {
            if ((size_t)k > n_grid)
                break;
            memcpy(cfg, grid[k - 1], sizeof cfg);
        } else {
            int fresh = 0;
            for (int tries = 0; tries < 1000 && !fresh; tries++) {
                double u[MAX_K];
                trd__sobol_next(&sob, u);
                for (size_t i = 0; i < K; i++)
                    u[i] = fmod(u[i] + shift[i], 1.0);
                trd__space_from_unit(&sp, u, cfg);
                fresh = 1;
                for (int j = 0; j < k - 1; j++)
                    fresh &= !trd__space_equal(&sp, seen[j], cfg);
            }
        }
        memcpy(seen[k - 1], cfg, sizeof cfg);
        double thr, mem, thr_true;
        int ok = probe(&ev, cfg, &thr, &mem, &thr_true);
        record(&ev, o, k, observed_pick(&ev, ok, cfg, thr, mem, thr_true), !ok, ok && mem > pb->limit);
    }
    finish(o, k);
}

static void run_method(const problem *pb, int method, uint64_t seed, run_out *o)
{
    if (method == M_SOBOL || method == M_GRID)
        run_search(pb, method, seed, o);
    else
        run_bo(pb, method, seed, NULL, o, NULL);
}

/* ---- aggregation ---- */

typedef struct agg {
    int runs;
    double ratio15, ratio30, dflt_ratio;
    int hit15;              /* runs at >= 0.95 of the best after 15 evaluations */
    int oom_free15, oom_free30;
    double ooms30, violations30, evals;
    double to95[4096];      /* evaluations to 0.95 per run (BUDGET + 1 when never) */
    double regret15, regret30;
} agg;

static int first_95(const run_out *o)
{
    for (int k = 1; k <= BUDGET; k++)
        if (o->ratio[k] >= 0.95)
            return k;
    return BUDGET + 1;
}

static void add_run(agg *a, const problem *pb, const run_out *o)
{
    if (a->runs < 4096)
        a->to95[a->runs] = first_95(o);
    a->runs++;
    a->ratio15 += o->ratio[15];
    a->ratio30 += o->ratio[BUDGET];
    a->dflt_ratio += pb->dflt / pb->best;
    a->hit15 += o->ratio[15] >= 0.95;
    a->oom_free15 += o->ooms[15] == 0;
    a->oom_free30 += o->ooms[BUDGET] == 0;
    a->ooms30 += o->ooms[BUDGET];
    a->violations30 += o->violations[BUDGET];
    a->evals += o->evals;
    /* Toy problems: regret in the objective's units (ratio = exp(-regret)). */
    a->regret15 += o->ratio[15] > 0 ? -log(o->ratio[15]) : 99;
    a->regret30 += o->ratio[BUDGET] > 0 ? -log(o->ratio[BUDGET]) : 99;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median_to95(agg *a)
{
    int n = a->runs < 4096 ? a->runs : 4096;
    qsort(a->to95, (size_t)n, sizeof a->to95[0], cmp_double);
    return n ? a->to95[n / 2] : 0;
}

static const char *fmt_evals(double v, char *buf, size_t cap)
{
    if (v > BUDGET)
        snprintf(buf, cap, "> %d", BUDGET);
    else
        snprintf(buf, cap, "%.0f", v);
    return buf;
}

/* ---- warm start ---- */

typedef struct warm_pair {
    const char *from, *to;
} warm_pair;

static const warm_pair warm_pairs[] = {
    {"gpt2m_prompt512", "gpt2m_prompt1024"},
    {"gpt2m_prompt128", "gpt2m_prompt512"},
    {"resnet50_img448", "vit_b16_img224"},
};

/* ---- the cost of one adapt step ---- */

static double adapt_step_us(int steps, double *report_next_us, double *report_us)
{
    trd__alloc a;
    trd__alloc_init_default(&a);
    trd__regimes rs;
    trd__regime_params rp = trd__regime_params_default();
    enum { OPS = 17, TUNING = 3, PER_WINDOW = 20, F = 3 };
    if (trd__regimes_init(&rs, &a, OPS, &rp) != TRD_OK)
        bench_die("regimes init failed");
    problem pb = make_problem(surface_named("gpt2m_prompt512"), 0.25 * DEVICE_BYTES);
    trd__bo bo[TUNING];
    evaluator ev[TUNING];
    for (int t = 0; t < TUNING; t++) {
        trd__bo_params p = trd__bo_params_default();
        p.seed = (uint64_t)t + 1;
        p.stop_ei = 1e-9; /* keep tuning for the whole measurement */
        if (trd__bo_init(&bo[t], &a, pb.knobs, pb.n_knobs, pb.cap, &p) != TRD_OK)
            bench_die("bo init failed");
        memset(&ev[t], 0, sizeof ev[t]);
        ev[t].pb = &pb;
        trd__rng_seed(&ev[t].noise, (uint64_t)t + 99);
    }
    trd__rng g;
    trd__rng_seed(&g, 5);
    double total = 0, bo_total = 0, report_total = 0;
    int bo_count = 0;
    double pending[TUNING][MAX_K];
    for (int t = 0; t < TUNING; t++) {
        int done;
        trd__bo_next(&bo[t], pending[t], &done);
    }
    for (int step = 0; step < steps; step++) {
        /* Inputs are prepared outside the timed region. */
        static double feats[OPS][PER_WINDOW][F];
        for (int o = 0; o < OPS; o++)
            for (int i = 0; i < PER_WINDOW; i++)
                for (int f = 0; f < F; f++)
                    feats[o][i][f] = (10 + 5 * f) * exp(0.2 * trd__rng_normal(&g)) * (step < steps / 2 ? 1 : 4);
        double thr[TUNING], mem[TUNING], tt;
        int ok[TUNING];
        for (int t = 0; t < TUNING; t++)
            ok[t] = probe(&ev[t], pending[t], &thr[t], &mem[t], &tt);
        uint64_t now = (uint64_t)step * 10000000000ull;
        double t0 = now_s();
        for (int o = 0; o < OPS; o++)
            for (int i = 0; i < PER_WINDOW; i++)
                trd__regimes_observe(&rs, (uint32_t)o, feats[o][i], F, now + (uint64_t)i * 500000000ull, NULL);
        double t1 = now_s(), t_report = 0;
        for (int t = 0; t < TUNING; t++) {
            int done;
            double r0 = now_s();
            if (ok[t])
                trd__bo_report(&bo[t], pending[t], thr[t], mem[t]);
            else
                trd__bo_report_oom(&bo[t], pending[t]);
            t_report += now_s() - r0;
            trd__bo_next(&bo[t], pending[t], &done);
        }
        double t2 = now_s();
        total += t2 - t0;
        bo_total += t2 - t1;
        report_total += t_report;
        bo_count += TUNING;
    }
    for (int t = 0; t < TUNING; t++)
        trd__bo_free(&bo[t]);
    trd__regimes_free(&rs);
    *report_next_us = bo_total / bo_count * 1e6;
    *report_us = report_total / bo_count * 1e6;
    return total / steps * 1e6;
}

/* ---- main ---- */

/* --set name=value: overrides a parameter of the constrained-BO runs (to explore). */
static int set_param(trd__bo_params *p, const char *arg)
{
    char name[32];
    double v;
    if (sscanf(arg, "%31[a-z_]=%lf", name, &v) != 2)
        return -1;
    if (!strcmp(name, "n_init"))
        p->n_init = (size_t)v;
    else if (!strcmp(name, "n_init_warm"))
        p->n_init_warm = (size_t)v;
    else if (!strcmp(name, "eta"))
        p->eta = v;
    else if (!strcmp(name, "max_crash"))
        p->max_crash = v;
    else if (!strcmp(name, "n_candidates"))
        p->n_candidates = (size_t)v;
    else if (!strcmp(name, "n_top"))
        p->n_top = (size_t)v;
    else if (!strcmp(name, "n_local"))
        p->n_local = (size_t)v;
    else if (!strcmp(name, "local_sd"))
        p->local_sd = v;
    else if (!strcmp(name, "stop_ei"))
        p->stop_ei = v;
    else if (!strcmp(name, "stop_patience"))
        p->stop_patience = (size_t)v;
    else if (!strcmp(name, "restarts"))
        p->restarts = (unsigned)v;
    else if (!strcmp(name, "trend"))
        p->trend = (int)v;
    else if (!strcmp(name, "min_distance"))
        p->min_distance = v;
    else
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    int quick = 0, seeds = 20;
    unsigned method_mask = (1u << N_METHODS) - 1;
    const char *json = NULL, *only = NULL;
    g_ours = trd__bo_params_default();
    g_ours.budget = BUDGET;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
            seeds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            json = argv[++i];
        else if (strcmp(argv[i], "--methods") == 0 && i + 1 < argc)
            method_mask = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--surface") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc && set_param(&g_ours, argv[i + 1]) == 0)
            i++;
        else if (strcmp(argv[i], "--trace") == 0)
            g_trace = 1;
        else {
            fprintf(stderr, "usage: bench_adapt_bo [--quick] [--seeds N] [--json PATH] [--methods MASK] [--surface NAME]\n"
                            "                      [--set name=value]... [--trace]\n");
            return 2;
        }
    }
    if (quick)
        seeds = 1;
    if (seeds < 1)
        seeds = 1;
    problems_calibrate(1);

    /* (a) and (b) */
    int n_methods = N_METHODS;
    size_t n_surf_op = quick ? 1 : N_OPERATOR_SURF;
    int n_caps = quick ? 1 : N_CAPS;
    static agg op[N_METHODS], toy[2][N_METHODS], per_surface[N_SURF][N_METHODS];
    double t_start = now_s();
    for (size_t si = 0; si < N_SURF; si++) {
        int is_toy = surfaces[si].family == FAM_GRAMACY || surfaces[si].family == FAM_BRANIN;
        if ((!is_toy && si >= n_surf_op) || (only && strcmp(only, surfaces[si].name) != 0))
            continue;
        for (int ci = 0; ci < (is_toy ? 1 : n_caps); ci++) {
            double cap = is_toy ? 10 * GIB : cap_fractions[quick ? 1 : ci] * DEVICE_BYTES;
            problem pb = make_problem(&surfaces[si], cap);
            for (int m = 0; m < n_methods; m++)
                for (int seed = 1; seed <= seeds && (method_mask >> m & 1u); seed++) {
                    run_out o;
                    run_method(&pb, m, (uint64_t)seed, &o);
                    if (g_trace)
                        fprintf(stderr, "RUN %s cap %.0f seed %d method %d: r15 %.3f r30 %.3f ooms %d evals %d dflt %.3f\n",
                                surfaces[si].name, cap / GIB, seed, m, o.ratio[15], o.ratio[30], o.ooms[30], o.evals,
                                pb.dflt / pb.best);
                    if (is_toy)
                        add_run(&toy[surfaces[si].family == FAM_BRANIN][m], &pb, &o);
                    else
                        add_run(&op[m], &pb, &o);
                    add_run(&per_surface[si][m], &pb, &o);
                }
        }
    }
    double elapsed = now_s() - t_start;

    printf("\n(a) Operator surfaces: %zu curves x %d memory caps x %d seeds, %d evaluations\n\n", n_surf_op, n_caps,
           seeds, BUDGET);
    printf("| method | best feasible / true best at 15 | runs >= 0.95 at 15 | at 30 | evaluations to 0.95 (median) | "
           "OOM-free runs (15 / 30 evals) | OOMs per run | over-limit probes per run | evaluations used |\n"
           "|---|---|---|---|---|---|---|---|---|\n");
    for (int m = 0; m < n_methods; m++) {
        agg *a = &op[m];
        char e[16];
        if (!a->runs)
            continue;
        printf("| %s | %.3f | %.1f%% | %.3f | %s | %.1f%% / %.1f%% | %.2f | %.2f | %.1f |\n", method_names[m],
               a->ratio15 / a->runs, 100.0 * a->hit15 / a->runs, a->ratio30 / a->runs, fmt_evals(median_to95(a), e, sizeof e),
               100.0 * a->oom_free15 / a->runs, 100.0 * a->oom_free30 / a->runs, a->ooms30 / a->runs,
               a->violations30 / a->runs, a->evals / a->runs);
    }
    printf("\nThe default config reaches %.3f of the true best on average (ours at 30: %.2fx the default).  Goal: >= 0.95 "
           "within 15 evaluations in >= 90%% of runs, 0 OOMs in >= 95%%.\n",
           op[0].dflt_ratio / op[0].runs, (op[0].ratio30 / op[0].runs) / (op[0].dflt_ratio / op[0].runs));

    printf("\nPer surface (ours / unconstrained EI / Sobol: ratio at 15, OOM-free runs)\n\n| surface | ours | unconstrained EI | Sobol |\n|---|---|---|---|\n");
    for (size_t si = 0; si < n_surf_op; si++) {
        printf("| %s |", surfaces[si].name);
        int ms[3] = {M_OURS, M_UNCONSTRAINED, M_SOBOL};
        for (int j = 0; j < 3; j++) {
            agg *a = &per_surface[si][ms[j]];
            printf(" %.3f, %.0f%% |", a->ratio15 / a->runs, 100.0 * a->oom_free30 / a->runs);
        }
        printf("\n");
    }

    printf("\n(b) Constrained test problems, %d seeds (regret = f found - f*; ratio = exp(-regret))\n\n", seeds);
    printf("| method | Gramacy regret at 15 / 30 | Gramacy infeasible probes (OOM / over limit) | Branin regret at 15 / 30 | "
           "Branin infeasible probes (OOM / over limit) |\n|---|---|---|---|---|\n");
    for (int m = 0; m < n_methods; m++) {
        agg *g = &toy[0][m], *b = &toy[1][m];
        printf("| %s | %.3f / %.3f | %.2f / %.2f | %.3f / %.3f | %.2f / %.2f |\n", method_names[m], g->regret15 / g->runs,
               g->regret30 / g->runs, g->ooms30 / g->runs, g->violations30 / g->runs, b->regret15 / b->runs,
               b->regret30 / b->runs, b->ooms30 / b->runs, b->violations30 / b->runs);
    }

    /* Warm start: a regime tuned cold, then its neighbour tuned from it, against the neighbour tuned cold. */
    size_t n_pairs = quick ? 1 : sizeof warm_pairs / sizeof warm_pairs[0];
    printf("\nWarm start (cap 1/4 of the device; %d seeds): ratio at 5 / 10 / 15 evaluations and evaluations to 0.95\n\n"
           "| source -> target | cold | warm |\n|---|---|---|\n", seeds);
    double warm_to95 = 0, cold_to95 = 0;
    for (size_t wp = 0; wp < n_pairs; wp++) {
        problem src = make_problem(surface_named(warm_pairs[wp].from), 0.25 * DEVICE_BYTES);
        problem dst = make_problem(surface_named(warm_pairs[wp].to), 0.25 * DEVICE_BYTES);
        double r[2][3] = {{0}}, e[2] = {0};
        int oom[2] = {0};
        for (int seed = 1; seed <= seeds; seed++) {
            run_out o;
            trd__bo source;
            run_bo(&src, M_OURS, (uint64_t)seed + 100, NULL, &o, &source);
            for (int w = 0; w < 2; w++) {
                run_bo(&dst, M_OURS, (uint64_t)seed, w ? &source : NULL, &o, NULL);
                r[w][0] += o.ratio[5] / seeds;
                r[w][1] += o.ratio[10] / seeds;
                r[w][2] += o.ratio[15] / seeds;
                e[w] += (double)first_95(&o) / seeds;
                oom[w] += o.ooms[BUDGET];
            }
            trd__bo_free(&source);
        }
        printf("| %s -> %s | %.3f / %.3f / %.3f, %.1f evals, %d OOMs | %.3f / %.3f / %.3f, %.1f evals, %d OOMs |\n",
               warm_pairs[wp].from, warm_pairs[wp].to, r[0][0], r[0][1], r[0][2], e[0], oom[0], r[1][0], r[1][1], r[1][2],
               e[1], oom[1]);
        cold_to95 += e[0] / n_pairs;
        warm_to95 += e[1] / n_pairs;
    }

    double bo_us, report_us, step_us = adapt_step_us(quick ? 4 : BUDGET, &bo_us, &report_us);
    printf("\nCost: one adapt step (17 operators x 20 feature vectors, 3 operators tuning, averaged over their 30 "
           "evaluations) %.0f us; per tuning operator: report %.0f us + next %.0f us.  Benchmark wall time %.1f s.\n",
           step_us, report_us, bo_us - report_us, elapsed);

    if (json) {
        FILE *f = fopen(json, "w");
        if (!f)
            bench_die("cannot write the JSON file");
        fprintf(f, "{\"seeds\": %d, \"budget\": %d, \"operator_surfaces\": {", seeds, BUDGET);
        for (int m = 0; m < n_methods; m++) {
            agg *a = &op[m];
            fprintf(f, "%s\"%s\": {\"ratio_to_best_at_15\": %.4f, \"ratio_to_best_at_30\": %.4f, "
                       "\"runs_at_95pct_by_15\": %.4f, \"evals_to_95pct_median\": %.1f, \"oom_free_seed_fraction\": %.4f, "
                       "\"oom_free_seed_fraction_at_15\": %.4f, \"ooms_per_run\": %.3f, \"evaluations_used\": %.2f}",
                    m ? ", " : "", method_keys[m], a->ratio15 / a->runs, a->ratio30 / a->runs, (double)a->hit15 / a->runs,
                    median_to95(a), (double)a->oom_free30 / a->runs, (double)a->oom_free15 / a->runs, a->ooms30 / a->runs,
                    a->evals / a->runs);
        }
        fprintf(f, "}, \"test_problems\": {");
        for (int t = 0; t < 2; t++) {
            fprintf(f, "%s\"%s\": {", t ? ", " : "", t ? "constrained_branin" : "gramacy_2016");
            for (int m = 0; m < n_methods; m++) {
                agg *a = &toy[t][m];
                fprintf(f, "%s\"%s\": {\"ratio_to_best_at_15\": %.4f, \"ratio_to_best_at_30\": %.4f, \"regret_at_15\": %.4f, "
                           "\"regret_at_30\": %.4f, \"oom_free_seed_fraction\": %.4f, \"infeasible_per_run\": %.3f}",
                        m ? ", " : "", method_keys[m], a->ratio15 / a->runs, a->ratio30 / a->runs, a->regret15 / a->runs,
                        a->regret30 / a->runs, (double)a->oom_free30 / a->runs, (a->ooms30 + a->violations30) / a->runs);
            }
            fprintf(f, "}");
        }
        fprintf(f, "}, \"warm_start_evals_to_95pct\": {\"cold\": %.2f, \"warm\": %.2f}, \"adapt_step_us\": %.1f, "
                   "\"bo_report_us\": %.1f, \"bo_next_us\": %.1f}\n", cold_to95, warm_to95, step_us, report_us,
                bo_us - report_us);
        fclose(f);
    }
    return 0;
}
