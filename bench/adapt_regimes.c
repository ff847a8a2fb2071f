/* bench_adapt_regimes -- how well the online regime clustering (src/adapt/regimes.c) recovers known workload
 * regimes, how fast a shift makes the new regime dominant, and whether a stationary stream sets off tuning
 * (the rows of the Trident paper's Table 4, plus what the paper does not measure).
 *
 *   bench_adapt_regimes [--quick] [--seeds N] [--json PATH]
 *
 * Streams.  An observation is the mean workload features of one sample: the 4-12 requests one instance
 * finished in its reporting period.  Requests draw their features around their regime's medians (log-normal
 * spread, discrete mixtures where the feature is categorical in reality); medians drift within a segment; 2%
 * of observations are outliers (one feature multiplied or divided by e^1.5..e^3, e.g. one 2,000-page document
 * in the batch).  Regimes are processed one after the other, as the paper's corpora were:
 *   pdf    features pages per document, text tokens per page, blocks (tables, figures, formulas) per page.
 *          academic papers -> annual reports -> financial reports -> academic papers again.
 *   video  features clip duration (s), megapixels per frame, frames per second.
 *          short 720p clips -> long 1080p-4K videos -> short -> long.
 *   *_stationary  10,000 observations of one regime (annual reports; long videos), no drift.
 * A *window* is the observe layer's 10 s window; in it the operator's instances report 20 observations (e.g.
 * 4 instances every 2 s), so the stream advances 0.5 s of host time per observation and the paper's
 * dominance rule (70% of the last 50 assignments) cannot fire before 35 observations = 1.75 windows.
 *
 * Measures, per scenario (means over seeds, delays and false triggers at their worst):
 *   purity, ARI   of the online assignments (each observation labelled with the regime it joined, followed
 *                 through later merges) against the true regimes; the same for offline k-means given the true
 *                 k (k-means++ with 10 restarts on the standardised log1p features of the whole stream).
 *   delay_windows windows from a shift until the dominant regime is one whose members are mostly of the new
 *                 true regime.
 *   false_triggers tuning triggers beyond the one legitimate trigger per true regime: a trigger is legitimate
 *                 when most members of the triggered regime belong to a true regime no earlier trigger claimed.
 *                 Tuning is simulated: a triggered regime is marked Tuned 300 s later (15 probes of 20 s).
 * A second table repeats the scenarios with the authors'-code variants each rule replaced (regimes.h). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapt/regimes.h"
#include "common/rng.h"

#define D 3
#define OBS_PER_WINDOW 20
#define OBS_NS 500000000ull
#define TUNE_NS 300000000000ull
#define MAX_LEVELS 5
#define MAX_TRUE 3
#define MAX_SEGMENTS 4
#define STATIONARY_OBS 10000
#define OUTLIER_RATE 0.02

typedef struct regime_spec {
    const char *name;
    double median[D];          /* per-request median of a continuous feature */
    double sigma[D];           /* log-normal spread per request */
    double drift[D];           /* log change of the median across a segment */
    int levels[D];             /* > 0: the feature is a mixture of these values (jittered by sigma) */
    double level[D][MAX_LEVELS], level_p[D][MAX_LEVELS];
} regime_spec;

typedef struct scenario {
    const char *name;
    int n_true;
    regime_spec r[MAX_TRUE];
    int n_segments;
    int segment[MAX_SEGMENTS]; /* true regime of each segment */
    int stationary;
} scenario;

/* Medians from public descriptions of the corpora: arXiv papers run 10-15 pages of dense text with a few
 * figures and formulas; annual reports 100+ pages with photos and charts; financial statements 30-60 pages
 * dominated by tables.  Video: the paper's short-form clips (10-30 s, <= 720p) and long-form videos
 * (5-10 min, 1080p-4K). */
static const scenario scenarios[] = {
    {"pdf", 3,
     {{"academic", {12, 850, 2.5}, {0.45, 0.25, 0.45}, {0.25, 0.1, 0.2}, {0}, {{0}}, {{0}}},
      {"annual", {110, 420, 5.5}, {0.5, 0.3, 0.4}, {0.3, -0.1, 0.2}, {0}, {{0}}, {{0}}},
      {"financial", {45, 600, 11}, {0.45, 0.25, 0.35}, {-0.2, 0.1, 0.15}, {0}, {{0}}, {{0}}}},
     4, {0, 1, 2, 0}, 0},
    {"video", 2,
     {{"short_720p", {18, 0, 0}, {0.3, 0.05, 0.02}, {0.2, 0, 0}, {0, 2, 3},
       {{0}, {0.92, 0.41}, {30, 25, 24}}, {{0}, {0.7, 0.3}, {0.6, 0.2, 0.2}}},
      {"long_1080p_4k", {420, 0, 0}, {0.2, 0.05, 0.02}, {0.25, 0, 0}, {0, 2, 3},
       {{0}, {2.07, 8.29}, {24, 30, 60}}, {{0}, {0.65, 0.35}, {0.4, 0.3, 0.3}}}},
     4, {0, 1, 0, 1}, 0},
    {"pdf_stationary", 1,
     {{"annual", {110, 420, 5.5}, {0.5, 0.3, 0.4}, {0, 0, 0}, {0}, {{0}}, {{0}}}},
     1, {0}, 1},
    {"video_stationary", 1,
     {{"long_1080p_4k", {420, 0, 0}, {0.2, 0.05, 0.02}, {0, 0, 0}, {0, 2, 3},
       {{0}, {2.07, 8.29}, {24, 30, 60}}, {{0}, {0.65, 0.35}, {0.4, 0.3, 0.3}}}},
     1, {0}, 1},
};
#define N_SCEN (sizeof scenarios / sizeof scenarios[0])

/* ---- the stream ---- */

static double request_feature(const regime_spec *r, int d, double pos, trd__rng *g)
{
    double jitter = exp(r->sigma[d] * trd__rng_normal(g));
    if (r->levels[d] > 0) {
        double u = trd__rng_uniform(g), acc = 0;
        int k = 0;
        for (; k < r->levels[d] - 1; k++) {
            acc += r->level_p[d][k];
            if (u < acc)
                break;
        }
        return r->level[d][k] * jitter;
    }
    return r->median[d] * exp(r->drift[d] * (pos - 0.5)) * jitter;
}

static void observation(const regime_spec *r, double pos, trd__rng *g, double *x)
{
    int m = 4 + (int)(trd__rng_uniform(g) * 9);
    for (int d = 0; d < D; d++) {
        double s = 0;
        for (int i = 0; i < m; i++)
            s += request_feature(r, d, pos, g);
        x[d] = s / m;
    }
    if (trd__rng_uniform(g) < OUTLIER_RATE) {
        int d = (int)(trd__rng_uniform(g) * D);
        double f = exp(1.5 + 1.5 * trd__rng_uniform(g));
        x[d] = trd__rng_uniform(g) < 0.5 ? x[d] * f : x[d] / f;
    }
}

/* ---- clustering quality ---- */

static double pairs(double n)
{
    return n * (n - 1) / 2;
}

/* Adjusted Rand index of two labellings with values below ka and kb. */
static double ari(const int *a, const int *b, size_t n, int ka, int kb)
{
    double *c = calloc((size_t)ka * (size_t)kb, sizeof *c), *ra = calloc((size_t)ka, sizeof *ra),
           *rb = calloc((size_t)kb, sizeof *rb);
    if (!c || !ra || !rb) {
        fprintf(stderr, "bench_adapt_regimes: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        c[a[i] * kb + b[i]] += 1;
        ra[a[i]] += 1;
        rb[b[i]] += 1;
    }
    double sij = 0, sa = 0, sb = 0;
    for (int i = 0; i < ka * kb; i++)
        sij += pairs(c[i]);
    for (int i = 0; i < ka; i++)
        sa += pairs(ra[i]);
    for (int i = 0; i < kb; i++)
        sb += pairs(rb[i]);
    double expected = sa * sb / pairs((double)n), top = 0.5 * (sa + sb);
    free(c);
    free(ra);
    free(rb);
    return top == expected ? 1 : (sij - expected) / (top - expected);
}

/* Share of observations whose cluster's majority true label is their own. */
static double purity(const int *cl, const int *truth, size_t n, int kc, int kt)
{
    int *c = calloc((size_t)kc * (size_t)kt, sizeof *c);
    if (!c) {
        fprintf(stderr, "bench_adapt_regimes: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        c[cl[i] * kt + truth[i]]++;
    long hit = 0;
    for (int i = 0; i < kc; i++) {
        int best = 0;
        for (int j = 0; j < kt; j++)
            best = c[i * kt + j] > best ? c[i * kt + j] : best;
        hit += best;
    }
    free(c);
    return (double)hit / (double)n;
}

/* Offline k-means (k-means++ seeding, Lloyd iterations, best of `restarts` by inertia) on standardised
 * log1p features; labels into `out`. */
static void kmeans(const double (*raw)[D], size_t n, int k, int restarts, uint64_t seed, int *out)
{
    double (*z)[D] = malloc(n * sizeof *z), mean[D] = {0}, sd[D] = {0};
    double *dmin = malloc(n * sizeof *dmin);
    int *lab = malloc(n * sizeof *lab);
    if (!z || !dmin || !lab) {
        fprintf(stderr, "bench_adapt_regimes: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < D; d++) {
            z[i][d] = log1p(raw[i][d]);
            mean[d] += z[i][d] / (double)n;
        }
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < D; d++)
            sd[d] += (z[i][d] - mean[d]) * (z[i][d] - mean[d]) / (double)n;
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < D; d++)
            z[i][d] = (z[i][d] - mean[d]) / (sqrt(sd[d]) > 1e-12 ? sqrt(sd[d]) : 1);
    trd__rng g;
    trd__rng_seed(&g, seed);
    double best = HUGE_VAL;
    for (int rep = 0; rep < restarts; rep++) {
        double c[MAX_TRUE][D];
        size_t first = (size_t)(trd__rng_uniform(&g) * (double)n);
        for (int d = 0; d < D; d++)
            c[0][d] = z[first][d];
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (size_t i = 0; i < n; i++) {
                double m = HUGE_VAL;
                for (int q = 0; q < j; q++) {
                    double s = 0;
                    for (int d = 0; d < D; d++)
                        s += (z[i][d] - c[q][d]) * (z[i][d] - c[q][d]);
                    m = fmin(m, s);
                }
                dmin[i] = m;
                total += m;
            }
            double u = trd__rng_uniform(&g) * total;
            size_t pick = 0;
            for (size_t i = 0; i < n; i++) {
                pick = i;
                u -= dmin[i];
                if (u <= 0)
                    break;
            }
            for (int d = 0; d < D; d++)
                c[j][d] = z[pick][d];
        }
        double inertia = HUGE_VAL;
        for (int it = 0; it < 100; it++) {
            int moved = 0;
            inertia = 0;
            for (size_t i = 0; i < n; i++) {
                double m = HUGE_VAL;
                int arg = 0;
                for (int q = 0; q < k; q++) {
                    double s = 0;
                    for (int d = 0; d < D; d++)
                        s += (z[i][d] - c[q][d]) * (z[i][d] - c[q][d]);
                    if (s < m) {
                        m = s;
                        arg = q;
                    }
                }
                moved += it == 0 || lab[i] != arg;
                lab[i] = arg;
                inertia += m;
            }
            if (!moved)
                break;
            double sum[MAX_TRUE][D] = {{0}}, cnt[MAX_TRUE] = {0};
            for (size_t i = 0; i < n; i++) {
                cnt[lab[i]] += 1;
                for (int d = 0; d < D; d++)
                    sum[lab[i]][d] += z[i][d];
            }
            for (int q = 0; q < k; q++)
                for (int d = 0; d < D; d++)
                    if (cnt[q] > 0)
                        c[q][d] = sum[q][d] / cnt[q];
        }
        if (inertia < best) {
            best = inertia;
            memcpy(out, lab, n * sizeof *out);
        }
    }
    free(z);
    free(dmin);
    free(lab);
}

/* ---- one run ---- */

typedef struct result {
    double purity, ari, km_purity, km_ari;
    double delay_max, delay_mean; /* windows; -1 without shifts */
    double trigger_delay_max;     /* windows from a shift to a new regime until its tuning is triggered */
    int missed;                   /* shifts after which the new regime never became dominant */
    int triggers, false_triggers, regimes_final;
    int dominance_changes; /* beyond one per segment */
    double us_per_obs;
} result;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_adapt_regimes: %s\n", what);
    exit(1);
}

static result run(const scenario *sc, const trd__regime_params *p, size_t seg_len, uint64_t seed, int with_kmeans)
{
    size_t n = sc->stationary ? STATIONARY_OBS : seg_len * (size_t)sc->n_segments;
    size_t per_seg = sc->stationary ? n : seg_len;
    double (*x)[D] = malloc(n * sizeof *x);
    int *truth = malloc(n * sizeof *truth), *assigned = malloc(n * sizeof *assigned), *dom = malloc(n * sizeof *dom);
    int *parent = malloc((n + 1) * sizeof *parent), *members = calloc((n + 1) * MAX_TRUE, sizeof *members);
    int *cl = malloc(n * sizeof *cl), *km = malloc(n * sizeof *km), *dense = malloc((n + 1) * sizeof *dense);
    uint64_t *tune_due = calloc(n + 1, sizeof *tune_due);
    if (!x || !truth || !assigned || !dom || !parent || !members || !cl || !km || !dense || !tune_due)
        die("out of memory");
    trd__rng g;
    trd__rng_seed(&g, seed * 7919 + 17);
    for (size_t i = 0; i < n; i++) {
        size_t s = i / per_seg;
        truth[i] = sc->segment[s];
        observation(&sc->r[truth[i]], (double)(i % per_seg) / (double)per_seg, &g, x[i]);
    }

    trd__alloc a;
    trd__alloc_init_default(&a);
    trd__regimes rs;
    if (trd__regimes_init(&rs, &a, 1, p) != TRD_OK)
        die("bad parameters");
    for (size_t i = 0; i <= n; i++)
        parent[i] = (int)i;
    result res;
    memset(&res, 0, sizeof res);
    int claimed[MAX_TRUE] = {0};
    size_t first_trigger[MAX_TRUE];
    for (int l = 0; l < MAX_TRUE; l++)
        first_trigger[l] = n;
    double t_clock = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t now = (uint64_t)i * OBS_NS;
        trd__regime_events ev;
        double t0 = now_s();
        if (trd__regimes_observe(&rs, 0, x[i], D, now, &ev) != TRD_OK)
            die("observe failed");
        t_clock += now_s() - t0;
        if (ev.flags & TRD__REGIME_EV_MERGED) {
            parent[ev.merged_from] = (int)ev.merged_into;
            for (int l = 0; l < MAX_TRUE; l++)
                members[ev.merged_into * MAX_TRUE + l] += members[ev.merged_from * MAX_TRUE + l];
        }
        res.dominance_changes += (ev.flags & TRD__REGIME_EV_DOMINANT) != 0;
        assigned[i] = (int)ev.assigned;
        members[ev.assigned * MAX_TRUE + truth[i]]++;
        uint32_t d = trd__regimes_dominant(&rs, 0);
        dom[i] = d == TRD__REGIME_NONE ? -1 : (int)d;
        if (ev.flags & TRD__REGIME_EV_TRIGGER) {
            res.triggers++;
            const int *m = members + ev.trigger * MAX_TRUE;
            int lab = 0;
            for (int l = 1; l < MAX_TRUE; l++)
                lab = m[l] > m[lab] ? l : lab;
            if (claimed[lab])
                res.false_triggers++;
            else
                first_trigger[lab] = i;
            claimed[lab] = 1;
            tune_due[ev.trigger] = now + TUNE_NS;
        }
        /* Simulated tuning: answer triggers that are due (a regime merged away meanwhile is dropped). */
        for (size_t r = 0; r < trd__regimes_count(&rs, 0); r++) {
            const trd__regime *rg = trd__regimes_at(&rs, 0, r);
            if (rg->status == TRD__REGIME_TUNING && tune_due[rg->id] && tune_due[rg->id] <= now) {
                tune_due[rg->id] = 0;
                trd__regimes_set_tuned(&rs, 0, rg->id, rg->id, 1);
            }
        }
    }
    res.us_per_obs = t_clock / (double)n * 1e6;
    res.dominance_changes -= sc->n_segments;
    res.regimes_final = (int)trd__regimes_count(&rs, 0);
    trd__regimes_free(&rs);

    /* Follow merges to the final regimes and number them densely. */
    for (size_t i = 0; i <= n; i++)
        dense[i] = -1;
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        int r = assigned[i];
        while (parent[r] != r)
            r = parent[r];
        if (dense[r] < 0)
            dense[r] = k++;
        cl[i] = dense[r];
    }
    res.purity = purity(cl, truth, n, k, sc->n_true);
    res.ari = sc->n_true > 1 ? ari(cl, truth, n, k, sc->n_true) : (k == 1 ? 1 : 0);
    if (with_kmeans && sc->n_true > 1) {
        kmeans((const double(*)[D])x, n, sc->n_true, 10, seed, km);
        res.km_purity = purity(km, truth, n, sc->n_true, sc->n_true);
        res.km_ari = ari(km, truth, n, sc->n_true, sc->n_true);
    }

    /* Majority true label of every final regime, then the delay after each shift. */
    int *maj = malloc((size_t)(k > 0 ? k : 1) * sizeof *maj), *cnt = calloc((size_t)(k > 0 ? k : 1) * MAX_TRUE, sizeof *cnt);
    if (!maj || !cnt)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        cnt[cl[i] * MAX_TRUE + truth[i]]++;
    for (int c = 0; c < k; c++) {
        maj[c] = 0;
        for (int l = 1; l < MAX_TRUE; l++)
            maj[c] = cnt[c * MAX_TRUE + l] > cnt[c * MAX_TRUE + maj[c]] ? l : maj[c];
    }
    res.delay_max = res.delay_mean = -1;
    int shifts = 0;
    for (int s = 1; s < (sc->stationary ? 1 : sc->n_segments); s++) {
        size_t start = (size_t)s * per_seg, hit = start + per_seg;
        for (size_t i = start; i < start + per_seg; i++) {
            if (dom[i] < 0)
                continue;
            int r = dom[i];
            while (parent[r] != r)
                r = parent[r];
            if (dense[r] >= 0 && maj[dense[r]] == sc->segment[s]) {
                hit = i;
                break;
            }
        }
        if (hit == start + per_seg)
            res.missed++;
        double w = (double)(hit - start + 1) / OBS_PER_WINDOW;
        if (getenv("DBG")) fprintf(stderr, "%s seed %llu shift %d delay %.2f\n", sc->name, (unsigned long long)seed, s, w);
        res.delay_max = fmax(res.delay_max, w);
        res.delay_mean = (res.delay_mean < 0 ? 0 : res.delay_mean) + w;
        shifts++;
    }
    if (shifts)
        res.delay_mean /= shifts;
    /* Tuning starts: only at the first segment of each true regime after the first segment. */
    res.trigger_delay_max = -1;
    for (int s = 1; s < (sc->stationary ? 1 : sc->n_segments); s++) {
        int seen = 0;
        for (int q = 0; q < s; q++)
            seen |= sc->segment[q] == sc->segment[s];
        if (seen)
            continue;
        size_t start = (size_t)s * per_seg, at = first_trigger[sc->segment[s]];
        double w = at >= start && at < n ? (double)(at - start + 1) / OBS_PER_WINDOW : (double)per_seg / OBS_PER_WINDOW;
        res.trigger_delay_max = fmax(res.trigger_delay_max, w);
    }
    free(maj);
    free(cnt);
    free(x);
    free(truth);
    free(assigned);
    free(dom);
    free(parent);
    free(members);
    free(cl);
    free(km);
    free(dense);
    free(tune_due);
    return res;
}

/* ---- aggregation over seeds ---- */

typedef struct summary {
    double purity, ari, km_purity, km_ari, purity_min, ari_min, delay_max, delay_mean, trigger_delay_max, us_per_obs;
    int missed, false_triggers, triggers, dominance_changes;
    double regimes_final;
} summary;

static summary run_seeds(const scenario *sc, const trd__regime_params *p, size_t seg_len, int seeds, int with_kmeans)
{
    summary s;
    memset(&s, 0, sizeof s);
    s.purity_min = s.ari_min = HUGE_VAL;
    s.delay_max = s.trigger_delay_max = -1;
    for (int seed = 1; seed <= seeds; seed++) {
        result r = run(sc, p, seg_len, (uint64_t)seed, with_kmeans);
        s.purity += r.purity / seeds;
        s.ari += r.ari / seeds;
        s.km_purity += r.km_purity / seeds;
        s.km_ari += r.km_ari / seeds;
        s.purity_min = fmin(s.purity_min, r.purity);
        s.ari_min = fmin(s.ari_min, r.ari);
        s.delay_max = fmax(s.delay_max, r.delay_max);
        s.delay_mean += r.delay_mean / seeds;
        s.trigger_delay_max = fmax(s.trigger_delay_max, r.trigger_delay_max);
        s.missed += r.missed;
        s.false_triggers += r.false_triggers;
        s.triggers += r.triggers;
        s.dominance_changes += r.dominance_changes;
        s.regimes_final += (double)r.regimes_final / seeds;
        s.us_per_obs += r.us_per_obs / seeds;
    }
    return s;
}

typedef struct variant {
    const char *name;
    void (*apply)(trd__regime_params *p);
} variant;

static void v_defaults(trd__regime_params *p) { (void)p; }
static void v_tau_12(trd__regime_params *p) { p->tau_d = 1.2; }
static void v_std_05(trd__regime_params *p) { p->standardise = 1; p->scale_floor = 0.5; }
static void v_std_1(trd__regime_params *p) { p->standardise = 1; p->scale_floor = 1.0; }
static void v_std_pure(trd__regime_params *p) { p->standardise = 1; p->scale_floor = 1e-3; }
static void v_closest(trd__regime_params *p) { p->merge_closest = 1; }
static void v_share_01(trd__regime_params *p) { p->min_share = 0.1; }
static void v_total(trd__regime_params *p) { p->min_share = 0.1; p->share_of_total = 1; }
static void v_paper(trd__regime_params *p)
{
    p->tau_d = 1.2;
    p->merge_closest = 1;
    p->min_share = 0.1;
    p->share_of_total = 1;
}

static const variant variants[] = {
    {"libtrident defaults", v_defaults},
    {"tau_d 1.2 (authors' code)", v_tau_12},
    {"standardised, scale floor 0.5", v_std_05},
    {"standardised, scale floor 1.0", v_std_1},
    {"standardised, no floor (0.001)", v_std_pure},
    {"closest-pair merge (authors' code)", v_closest},
    {"trigger at 10% of the window", v_share_01},
    {"trigger at 10% of the total count (authors' code)", v_total},
    {"authors' code (all four)", v_paper},
};
#define N_VAR (sizeof variants / sizeof variants[0])

static const char *fmt_delay(double d, int missed, char *buf, size_t cap)
{
    if (d < 0)
        snprintf(buf, cap, "-");
    else if (missed)
        snprintf(buf, cap, "%.2f (%d missed)", d, missed);
    else
        snprintf(buf, cap, "%.2f", d);
    return buf;
}

/* --set name=value: overrides one parameter of the main table (to explore; the variants table is unchanged). */
static int set_param(trd__regime_params *p, const char *arg)
{
    char name[32];
    double v;
    if (sscanf(arg, "%31[a-z_]=%lf", name, &v) != 2)
        return -1;
    if (!strcmp(name, "tau_d"))
        p->tau_d = v;
    else if (!strcmp(name, "max_regimes"))
        p->max_regimes = (size_t)v;
    else if (!strcmp(name, "window"))
        p->window = (size_t)v;
    else if (!strcmp(name, "dominance"))
        p->dominance = v;
    else if (!strcmp(name, "min_samples"))
        p->min_samples = v;
    else if (!strcmp(name, "min_share"))
        p->min_share = v;
    else if (!strcmp(name, "drift"))
        p->drift = v;
    else if (!strcmp(name, "scale_floor"))
        p->scale_floor = v;
    else if (!strcmp(name, "standardise"))
        p->standardise = (int)v;
    else if (!strcmp(name, "gamma"))
        p->gamma = v;
    else if (!strcmp(name, "decay_period_s"))
        p->decay_period_ns = (uint64_t)(v * 1e9);
    else
        return -1;
    return trd__regime_params_check(p, NULL) == TRD_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    int quick = 0, seeds = 10, only_main = 0;
    const char *json = NULL;
    trd__regime_params def = trd__regime_params_default();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc && set_param(&def, argv[i + 1]) == 0)
            i++, only_main = 1;
        else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
            seeds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            json = argv[++i];
        else {
            fprintf(stderr, "usage: bench_adapt_regimes [--quick] [--seeds N] [--json PATH] [--set name=value]...\n");
            return 2;
        }
    }
    if (quick)
        seeds = 1;
    if (seeds < 1)
        seeds = 1;
    size_t seg_len = quick ? 400 : 1500;

    summary main_rows[N_SCEN];
    for (size_t s = 0; s < N_SCEN; s++)
        main_rows[s] = run_seeds(&scenarios[s], &def, seg_len, seeds, 1);

    printf("Online regime detection (tau_d %.2g in %s, L_max %zu, window %zu, dominance %.2g, trigger share %.2g): "
           "seeds 1-%d, %zu observations per segment, %d observations per 10 s window\n\n",
           def.tau_d, def.standardise ? "standardised log1p units" : "log1p units", def.max_regimes, def.window,
           def.dominance, def.min_share, seeds, seg_len, OBS_PER_WINDOW);
    printf("| scenario | purity (worst) | ARI (worst) | k-means purity / ARI | delay, windows: worst (mean) | "
           "trigger delay, worst | false triggers / triggers | spurious dominance changes | regimes at end | us per observation |\n"
           "|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t s = 0; s < N_SCEN; s++) {
        const summary *m = &main_rows[s];
        char km[64], dl[64], td[32], ar[32];
        if (scenarios[s].n_true > 1)
            snprintf(km, sizeof km, "%.3f / %.3f", m->km_purity, m->km_ari);
        else
            snprintf(km, sizeof km, "-");
        fmt_delay(m->delay_max, m->missed, dl, sizeof dl);
        if (m->delay_max >= 0) {
            size_t len = strlen(dl);
            snprintf(dl + len, sizeof dl - len, " (%.2f)", m->delay_mean);
        }
        fmt_delay(m->trigger_delay_max, 0, td, sizeof td);
        if (scenarios[s].n_true > 1)
            snprintf(ar, sizeof ar, "%.3f (%.3f)", m->ari, m->ari_min);
        else
            snprintf(ar, sizeof ar, "-");
        printf("| %s | %.3f (%.3f) | %s | %s | %s | %s | %d / %d | %d | %.1f | %.2f |\n", scenarios[s].name, m->purity,
               m->purity_min, ar, km, dl, td, m->false_triggers, m->triggers, m->dominance_changes, m->regimes_final,
               m->us_per_obs);
    }
    printf("\nPaper (Table 4): online purity 0.95 (PDF) / 0.97 (video), ARI 0.89 / 0.93; offline k-means 0.97 / 0.98, "
           "ARI 0.94 / 0.96.  Goal: purity >= 0.97, ARI >= 0.93, delay <= 3 windows, 0 false triggers.\n");

    size_t nvar = only_main ? 0 : quick ? 2 : N_VAR;
    printf("\nVariants (each replaces one rule of the defaults; purity / ARI / worst delay and trigger delay in windows / false\n"
           "triggers / spurious dominance changes)\n\n");
    printf("| variant |");
    for (size_t s = 0; s < N_SCEN; s++)
        printf(" %s |", scenarios[s].name);
    printf("\n|---|");
    for (size_t s = 0; s < N_SCEN; s++)
        printf("---|");
    printf("\n");
    for (size_t v = 0; v < nvar; v++) {
        trd__regime_params p = def;
        variants[v].apply(&p);
        printf("| %s |", variants[v].name);
        for (size_t s = 0; s < N_SCEN; s++) {
            summary m = v == 0 ? main_rows[s] : run_seeds(&scenarios[s], &p, seg_len, seeds, 0);
            char dl[64], td[32], ar[16] = "-";
            if (scenarios[s].n_true > 1)
                snprintf(ar, sizeof ar, "%.3f", m.ari);
            printf(" %.3f / %s / %s / %s / %d / %d |", m.purity, ar, fmt_delay(m.delay_max, m.missed, dl, sizeof dl),
                   fmt_delay(m.trigger_delay_max, 0, td, sizeof td), m.false_triggers, m.dominance_changes);
        }
        printf("\n");
    }

    if (json) {
        FILE *f = fopen(json, "w");
        if (!f)
            die("cannot write the JSON file");
        fprintf(f, "{\"seeds\": %d, \"observations_per_segment\": %zu, \"observations_per_window\": %d, \"scenarios\": {",
                seeds, seg_len, OBS_PER_WINDOW);
        for (size_t s = 0; s < N_SCEN; s++) {
            const summary *m = &main_rows[s];
            fprintf(f, "%s\"%s\": {\"purity\": %.4f, \"purity_worst\": %.4f, ", s ? ", " : "", scenarios[s].name,
                    m->purity, m->purity_min);
            if (scenarios[s].n_true > 1)
                fprintf(f, "\"ari\": %.4f, \"ari_worst\": %.4f, \"kmeans_purity\": %.4f, \"kmeans_ari\": %.4f, ", m->ari,
                        m->ari_min, m->km_purity, m->km_ari);
            else
                fprintf(f, "\"ari\": null, ");
            if (m->delay_max >= 0)
                fprintf(f, "\"delay_windows\": %.3f, \"delay_windows_mean\": %.3f, \"missed_shifts\": %d, "
                           "\"trigger_delay_windows\": %.3f, ",
                        m->delay_max, m->delay_mean, m->missed, m->trigger_delay_max);
            else
                fprintf(f, "\"delay_windows\": null, ");
            fprintf(f, "\"false_triggers\": %d, \"triggers\": %d, \"spurious_dominance_changes\": %d, "
                       "\"us_per_observation\": %.3f}",
                    m->false_triggers, m->triggers, m->dominance_changes, m->us_per_obs);
        }
        fprintf(f, "}}\n");
        fclose(f);
    }
    return 0;
}
