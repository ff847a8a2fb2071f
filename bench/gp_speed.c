/* bench_gp_speed -- what the Gaussian processes cost, side by side with scikit-learn doing the same work.
 *
 *   bench_gp_speed [--quick] [--json PATH]
 *
 * 1. Fit + predict, n = 32, 64, 128, 256 points of d = 4 features: kernel C * Matern 5/2 (ARD) + white noise,
 *    outputs normalised, hyper-parameters by maximum likelihood from the initial values plus 2 random
 *    restarts, then 16 predictions with variance.  Ours with each optimiser (the default projected
 *    quasi-Newton and GSL's BFGS2), scikit-learn (GaussianProcessRegressor, L-BFGS-B) on the same data in a
 *    child process (bench/gp_speed_sklearn.py), medians of repeated runs, and the ratio.  The fitted log
 *    marginal likelihoods are printed too: the speed is worth something only at the same optimum.
 * 2. The observe layer's cost per control step: 17 operators with 4 features each and 64-point GPs; a step
 *    reports one window per operator (trd_ctx_observe) and reads every operator's estimate
 *    (trd_ctx_estimate), which folds the windows, filters them, updates the GPs incrementally and refits
 *    every 10th window.  Mean (refits amortised) and median over 200 steps.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, popen */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gp/gp.h"
#include "trident.h"
#include "bench_util.h"

#ifndef TRIDENT_PYTHON
#define TRIDENT_PYTHON "python3"
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define D 4
#define MAX_N 256

/* A smooth response with a nonlinear interaction and noise: what a throughput surface looks like. */
static void make_data(size_t n, double X[][D], double *y)
{
    trd__rng r;
    trd__rng_seed(&r, 20260101 + n);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < D; k++)
            X[i][k] = trd__rng_normal(&r);
        y[i] = sin(X[i][0]) + 0.5 * X[i][1] * X[i][1] + 0.3 * X[i][2] * X[i][3] + 0.1 * trd__rng_normal(&r);
    }
}

/* Median ms of init + append + fit (2 restarts) + 16 predictions; the fitted LML through *lml. */
static double ours_ms(size_t n, double X[][D], const double *y, unsigned optimiser, int reps, double *lml)
{
    trd__alloc a;
    trd__alloc_init_default(&a);
    trd__rng rng;
    trd__rng_seed(&rng, 1);
    double t[64];
    for (int rep = 0; rep < reps; rep++) {
        trd__gp gp;
        double t0 = now_s();
        if (trd__gp_init(&gp, &a, TRD__KERNEL_MATERN52, D, n) != TRD_OK) {
            fprintf(stderr, "bench_gp_speed: out of memory\n");
            exit(1);
        }
        for (size_t i = 0; i < n; i++)
            trd__gp_add(&gp, X[i], y[i]);
        trd__gp_fit_opts o = trd__gp_fit_defaults();
        o.restarts = 2;
        o.optimiser = optimiser;
        trd__gp_fit(&gp, &o, &rng);
        double m, v, sink = 0;
        for (size_t i = 0; i < 16 && i < n; i++) {
            trd__gp_predict(&gp, X[i], &m, &v);
            sink += m + v;
        }
        t[rep] = (now_s() - t0) * 1e3;
        *lml = trd__gp_lml(&gp);
        trd__gp_free(&gp);
        if (!isfinite(sink))
            fprintf(stderr, "bench_gp_speed: non-finite prediction\n");
    }
    return median(t, reps);
}

/* Runs the scikit-learn side on the same data; returns its median ms (and LML), or exits on failure. */
static double sklearn_ms(size_t n, double X[][D], const double *y, int reps, double *lml)
{
    char path[] = "/tmp/trident_gp_speed_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "bench_gp_speed: cannot create a temporary file\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < D; k++)
            fprintf(f, "%.17g ", X[i][k]);
        fprintf(f, "%.17g\n", y[i]);
    }
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s/bench/gp_speed_sklearn.py %s 2 %d", TRIDENT_PYTHON, TRIDENT_SOURCE_DIR, path,
             reps);
    FILE *p = popen(cmd, "r");
    double ms = -1;
    if (p) {
        if (fscanf(p, "median_ms %lf lml %lf", &ms, lml) != 2)
            ms = -1;
        pclose(p);
    }
    remove(path);
    if (ms < 0) {
        fprintf(stderr, "bench_gp_speed: the scikit-learn run failed (%s); install the Python packages with "
                        "scripts/install-deps.sh\n", cmd);
        exit(1);
    }
    return ms;
}

/* ---- the observe step ---- */

#define OPS 17

static void observe_window(trd_ctx *ctx, uint64_t index, trd__rng *r)
{
    trd_sample s[OPS];
    memset(s, 0, sizeof s);
    for (uint32_t op = 0; op < OPS; op++) {
        trd_sample *x = &s[op];
        x->window_start_ns = index * 10000000000ull;
        x->window_end_ns = x->window_start_ns + 10000000000ull;
        x->op = op;
        x->instance = TRD_WHOLE_OPERATOR;
        x->active_instances = 4;
        x->n_features = D;
        double load = 0;
        for (int k = 0; k < D; k++) {
            x->features[k] = 100 * (1 + k) * (1 + 0.3 * trd__rng_normal(r) * trd__rng_normal(r));
            if (x->features[k] < 1)
                x->features[k] = 1;
            load += log1p(x->features[k]);
        }
        double rate = 2000 / load * (1 + 0.02 * trd__rng_normal(r));
        x->items_in = (uint64_t)(rate * 40);
        x->busy_s = 36;
        x->utilisation = 0.9;
        x->queue_start = x->queue_end = 100;
    }
    if (trd_ctx_observe(ctx, s, OPS) != TRD_OK) {
        fprintf(stderr, "bench_gp_speed: observe: %s\n", trd_ctx_last_error(ctx));
        exit(1);
    }
}

static void read_estimates(trd_ctx *ctx)
{
    for (uint32_t op = 0; op < OPS; op++) {
        double mean, sd;
        if (trd_ctx_estimate(ctx, op, &mean, &sd) != TRD_OK) {
            fprintf(stderr, "bench_gp_speed: estimate: %s\n", trd_ctx_last_error(ctx));
            exit(1);
        }
    }
}

static void observe_step_us(int steps, double *mean_us, double *median_us)
{
    char yaml[8192];
    size_t len = (size_t)snprintf(yaml, sizeof yaml, "cluster: {nodes: [{name: n, cpus: 256, memory: 1TiB}]}\n"
                                                     "pipeline:\n  operators:\n");
    for (int op = 0; op < OPS; op++)
        len += (size_t)snprintf(yaml + len, sizeof yaml - len, "    - {name: op%d, features: [a, b, c, d]}\n", op);
    len += (size_t)snprintf(yaml + len, sizeof yaml - len, "  edges:\n");
    for (int op = 0; op + 1 < OPS; op++)
        len += (size_t)snprintf(yaml + len, sizeof yaml - len, "    - {from: op%d, to: op%d}\n", op, op + 1);
    trd_ctx *ctx;
    if (trd_ctx_new(&ctx) != TRD_OK || trd_ctx_load_yaml_string(ctx, yaml, len) != TRD_OK) {
        fprintf(stderr, "bench_gp_speed: model: %s\n", trd_ctx_last_error(ctx));
        exit(1);
    }
    trd__rng r;
    trd__rng_seed(&r, 5);
    uint64_t index = 0;
    /* Fill every GP to its 64 points first. */
    for (; index < 80; index++)
        observe_window(ctx, index, &r);
    read_estimates(ctx);
    double *t = malloc((size_t)steps * sizeof *t), total = 0;
    for (int i = 0; i < steps; i++, index++) {
        double t0 = now_s();
        observe_window(ctx, index, &r);
        read_estimates(ctx);
        t[i] = (now_s() - t0) * 1e6;
        total += t[i];
    }
    *mean_us = total / steps;
    *median_us = median(t, steps);
    free(t);
    trd_ctx_free(ctx);
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *json = NULL;
    if (!bench_args(argc, argv, "bench_gp_speed", &quick, &json, NULL))
        return 2;
    const size_t sizes[] = {32, 64, 128, 256};
    size_t n_sizes = quick ? 2 : 4;
    static double X[MAX_N][D], y[MAX_N];
    double speedup[4], ours[4], gsl[4], sk[4], lml_ours[4], lml_gsl[4], lml_sk[4];
    printf("Fit + predict, d = %d, 2 restarts (median ms of repeated runs in this process and in scikit-learn's)\n\n", D);
    printf("| n | ours (ms) | ours with GSL BFGS2 (ms) | scikit-learn (ms) | speed-up | LML ours / GSL / scikit-learn |\n");
    printf("|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < n_sizes; k++) {
        size_t n = sizes[k];
        make_data(n, X, y);
        int reps = quick ? 3 : n <= 64 ? 31 : n <= 128 ? 11 : 5;
        ours[k] = ours_ms(n, X, y, TRD__GP_OPT_BOXMIN, reps, &lml_ours[k]);
        gsl[k] = ours_ms(n, X, y, TRD__GP_OPT_GSL_BFGS2, quick ? 1 : reps / 2 + 1, &lml_gsl[k]);
        sk[k] = sklearn_ms(n, X, y, quick ? 1 : n <= 64 ? 7 : 3, &lml_sk[k]);
        speedup[k] = sk[k] / ours[k];
        printf("| %zu | %.2f | %.2f | %.1f | %.1fx | %.4f / %.4f / %.4f |\n", n, ours[k], gsl[k], sk[k], speedup[k],
               lml_ours[k], lml_gsl[k], lml_sk[k]);
    }
    double step_mean, step_median;
    observe_step_us(quick ? 20 : 200, &step_mean, &step_median);
    printf("\nObserve cost per control step, %d operators with 64-point GPs: mean %.0f us (refits amortised), "
           "median %.0f us\n", OPS, step_mean, step_median);
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) {
            fprintf(stderr, "bench_gp_speed: cannot write %s\n", json);
            return 1;
        }
        fprintf(f, "{\"speedup_vs_sklearn\": {");
        for (size_t k = 0; k < n_sizes; k++)
            fprintf(f, "%s\"%zu\": %.3f", k ? ", " : "", sizes[k], speedup[k]);
        fprintf(f, "}, \"ours_ms\": {");
        for (size_t k = 0; k < n_sizes; k++)
            fprintf(f, "%s\"%zu\": %.4f", k ? ", " : "", sizes[k], ours[k]);
        fprintf(f, "}, \"gsl_bfgs2_ms\": {");
        for (size_t k = 0; k < n_sizes; k++)
            fprintf(f, "%s\"%zu\": %.4f", k ? ", " : "", sizes[k], gsl[k]);
        fprintf(f, "}, \"sklearn_ms\": {");
        for (size_t k = 0; k < n_sizes; k++)
            fprintf(f, "%s\"%zu\": %.4f", k ? ", " : "", sizes[k], sk[k]);
        fprintf(f, "}, \"observe_step_us\": %.2f, \"observe_step_median_us\": %.2f}\n", step_mean, step_median);
        fclose(f);
    }
    return 0;
}
