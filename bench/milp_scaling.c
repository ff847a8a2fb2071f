/* bench_milp_scaling -- how the schedule MILP scales with the cluster, against the Trident paper's formulation.
 *
 * For the PDF (17 operators, a DAG) and video (9 operators, a chain) pipelines of examples/pipelines/, on
 * heterogeneous clusters of 8, 16, 64 and 256 nodes (three node kinds: CPU machines, 8 x H100 machines and
 * 4 x L40S machines, 5 : 2 : 1), with pending config transitions, it solves in one run:
 *   (a) our formulation with GLPK, through trd_ctx_plan_with_rates (wall time of the whole call: model
 *       building, both lexicographic stages, packing and plan construction);
 *   (b) the paper's formulation (Eqs. 10-26, per machine) with CBC, the solver of the authors' code: the model
 *       is written as free MPS by GLPK and solved by the `cbc` program (Debian coinor-cbc) with -max; we report
 *       CBC's own "Total time ... (Wallclock seconds)" and the process wall time (start, MPS reading, solve);
 *       the ratio uses CBC's own time, the fairer figure for CBC;
 *   (c) the paper's formulation with GLPK, through the same API call (TRD_P_SCHED_FORMULATION = 1).
 * Both solvers get the same relative MIP gap (1%); (b) and (c) get a time limit (30 s; 10 s with --quick), so
 * their times are then lower bounds.  The paper reports 206 ms (8 nodes) and 1,521 ms (16 nodes) for PDF.
 *
 * The paper's formulation needs a chain: the PDF DAG is run as its topological order with each operator's
 * items_out_per_in set to D_next / D_i, which keeps every operator's amplification D_i (so capacities, and
 * throughputs in source documents/s, are comparable).  Both formulations solve the same model otherwise;
 * max_instances are lifted because the paper's formulation has no instance caps.
 *
 * Rates (items/s per instance, per device for the quarter-device operators) are the table below, derived from
 * the comments of the pipeline files and research/baselines.md 7 ([A]: assumed, order of magnitude).  The
 * transitions: PDF render_page batch 4 -> 8 (+20%, 2 s cold start: pays back) and ocr_text's tuned vLLM config
 * (+36% [P Table 5], 90 s cold start: deferred at T_sched 120 s); video text_detect batch 8 -> 16 (+25%, 15 s:
 * pays back) and caption_vlm's tuned config (+33% [P Table 5], 120 s: deferred).
 *
 *   bench_milp_scaling [--quick] [--json PATH]     (--quick: 8 nodes only, one repetition; CTest's smoke run)
 *
 * It needs the `cbc` program and fails, saying so, without it. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, popen */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "ctx_internal.h"
#include "schedule/form.h"
#include "schedule/plan.h"

#define MAX_OPS 32

typedef struct rate_row {
    const char *op;
    double items_per_s;
} rate_row;

static const rate_row pdf_rates[] = {
    {"list_manifest", 1000}, /* one LIST page of 1000 keys per second [A]                                */
    {"fetch_pdf", 20},       /* 2 MiB PDFs at ~40 MB/s per connection [A]                               */
    {"validate_pdf", 40},    /* xref check [A]                                                          */
    {"parse_pdf", 2},        /* 12 pages at ~40 ms of text and glyph extraction each [A]                */
    {"render_page", 6.7},    /* 0.15 CPU-s per page, inside the 0.05-0.3 of [B]                         */
    {"detect_layout", 8},    /* ONNX detector on 4 cores, ~2 pages/s per core [A]                       */
    {"segment_blocks", 20},  /* pages/s [A]                                                             */
    {"classify_blocks", 100}, /* blocks/s [A]                                                           */
    {"crop_blocks", 100},    /* blocks/s [A]                                                            */
    {"ocr_text", 10},        /* ~1 page (10 blocks) per s per accelerator for a MinerU-class VLM [B]    */
    {"ocr_table", 2},        /* long HTML outputs [A]                                                   */
    {"ocr_formula", 5},      /* [A]                                                                     */
    {"encode_figure", 20},   /* WebP re-encode on 2 cores [A]                                           */
    {"merge_blocks", 200},   /* [A]                                                                     */
    {"assemble_document", 50}, /* [A]                                                                   */
    {"quality_filter", 10},  /* fastText + KenLM over 12 pages [A]                                      */
    {"write_output", 50},    /* [A]                                                                     */
};

static const rate_row video_rates[] = {
    {"read_video", 5},               /* 48 MiB videos at ~250 MB/s [A]                                   */
    {"decode_video", 0.5},           /* heavy tail of long 1080p-4K decodes on 4 cores [M][B]            */
    {"detect_scenes", 2},            /* analysis frames [A]                                              */
    {"extract_clip_frames", 4},      /* 3 cores [A]                                                      */
    {"aesthetic_score", 400},        /* per device: ~1,200 ViT-L frames/s at ~3 frames per clip [M]      */
    {"text_detect", 100},            /* per device: CRAFT on ~16 frames per clip [A]                     */
    {"prepare_caption_inputs", 3},   /* [A]                                                              */
    {"caption_vlm", 0.15},           /* ~7 GPU-s per clip, inside the 5-15 of [B 7.3]                    */
    {"write_clips", 20},             /* [A]                                                              */
};

typedef struct transition {
    const char *op;
    double values[6]; /* one per knob, in knob order */
    size_t n_values;
    double gain;
} transition;

static const transition pdf_transitions[] = {
    {"render_page", {8}, 1, 1.20},
    {"ocr_text", {128, 16384, 1, 0, 1, 1}, 6, 1.36},
};
static const transition video_transitions[] = {
    {"text_detect", {16, 1024}, 2, 1.25},
    {"caption_vlm", {64, 16384, 1, 0, 1, 1}, 6, 1.33},
};

typedef struct pipeline {
    const char *name, *file;
    const rate_row *rates;
    size_t n_rates;
    const transition *transitions;
    size_t n_transitions;
} pipeline;

static const pipeline pipelines[] = {
    {"pdf", "examples/pipelines/pdf.yaml", pdf_rates, sizeof pdf_rates / sizeof pdf_rates[0], pdf_transitions, 2},
    {"video", "examples/pipelines/video.yaml", video_rates, sizeof video_rates / sizeof video_rates[0],
     video_transitions, 2},
};

/* ---- small utilities ---- */

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_milp_scaling: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void check(trd_ctx *ctx, trd_status st, const char *what)
{
    if (st != TRD_OK) {
        fprintf(stderr, "bench_milp_scaling: %s: %s: %s\n", what, trd_status_name(st), trd_ctx_last_error(ctx));
        exit(1);
    }
}

/* ---- models ---- */

/* The cluster section for `nodes` machines: CPU : H100 : L40S machines as 5 : 2 : 1. */
static void cluster_yaml(char *out, size_t cap, int nodes)
{
    int gpu = nodes / 4, l40s = nodes / 8, cpu = nodes - gpu - l40s;
    snprintf(out, cap,
             "cluster:\n  nodes:\n"
             "    - {name: cpu, count: %d, cpus: 64, memory: 256GiB, nic: 25Gbps}\n"
             "    - {name: gpu, count: %d, cpus: 112, memory: 2TiB, gpus: 8, gpu_memory: 85017493504, nic: 100Gbps}\n"
             "    - {name: l40s, count: %d, cpus: 48, memory: 512GiB, gpus: 4, gpu_memory: 48GB, nic: 50Gbps}\n",
             cpu, gpu, l40s);
}

/* Operators in topological order (ties by id, like the library) and each one's amplification. */
static void order_and_D(trd_ctx *ctx, uint32_t *topo, double *D)
{
    uint32_t n = trd_ctx_operator_count(ctx), ne = trd_ctx_edge_count(ctx), indeg[MAX_OPS] = {0}, done = 0;
    uint32_t from[256], to[256];
    double share[256];
    for (uint32_t e = 0; e < ne; e++) {
        check(ctx, trd_ctx_get_edge(ctx, e, &from[e], &to[e], &share[e]), "get_edge");
        indeg[to[e]]++;
    }
    for (uint32_t i = 0; i < n; i++)
        D[i] = indeg[i] == 0 ? 1 : 0;
    while (done < n) {
        uint32_t pick = 0;
        while (indeg[pick] != 0)
            pick++;
        indeg[pick] = UINT32_MAX;
        topo[done++] = pick;
        double r;
        check(ctx, trd_ctx_get_operator_attr(ctx, pick, TRD_OP_ITEMS_OUT_PER_IN, &r), "attr");
        for (uint32_t e = 0; e < ne; e++)
            if (from[e] == pick) {
                indeg[to[e]]--;
                D[to[e]] += D[pick] * r * share[e];
            }
    }
}

/* Loads cluster + pipeline text; lifts instance caps; adds the candidate configs (ids in cfg[]). */
static trd_ctx *load_model(const char *text, const pipeline *pl, uint32_t *cfg)
{
    trd_ctx *ctx;
    check(NULL, trd_ctx_new(&ctx), "ctx_new");
    check(ctx, trd_ctx_load_yaml_string(ctx, text, strlen(text)), "load");
    for (uint32_t i = 0; i < trd_ctx_operator_count(ctx); i++)
        check(ctx, trd_ctx_set_operator_attr(ctx, i, TRD_OP_MAX_INSTANCES, 0), "lift max_instances");
    for (size_t t = 0; t < pl->n_transitions; t++) {
        uint32_t op;
        check(ctx, trd_ctx_find_operator(ctx, pl->transitions[t].op, &op), "find transition op");
        check(ctx, trd_ctx_add_config(ctx, op, pl->transitions[t].values, pl->transitions[t].n_values, &cfg[t]),
              "add_config");
    }
    check(ctx, trd_ctx_commit_model(ctx, NULL), "commit");
    return ctx;
}

/* Our model (the pipeline as it is) and the paper's (a chain with the same amplifications). */
static void build_models(const char *yaml, const pipeline *pl, int nodes, trd_ctx **ours, trd_ctx **chain,
                         uint32_t *cfg)
{
    const char *pipe = strstr(yaml, "\npipeline:");
    if (!pipe)
        die("no pipeline section in", pl->file);
    size_t cap = strlen(yaml) + 65536;
    char *text = malloc(cap);
    cluster_yaml(text, cap, nodes);
    strcat(text, pipe + 1);
    *ours = load_model(text, pl, cfg);

    uint32_t topo[MAX_OPS];
    double D[MAX_OPS];
    order_and_D(*ours, topo, D);
    /* Replace the edges section by the chain in topological order. */
    char *edges = strstr(text, "\n  edges:"), *after = edges ? strstr(edges + 1, "\n  deployment:") : NULL;
    if (!edges || !after)
        die("no edges/deployment sections in", pl->file);
    char *rest = strdup(after);
    size_t len = (size_t)(edges - text);
    len += (size_t)snprintf(text + len, cap - len, "\n  edges:\n");
    uint32_t n = trd_ctx_operator_count(*ours);
    for (uint32_t t = 0; t + 1 < n; t++)
        len += (size_t)snprintf(text + len, cap - len, "    - {from: %s, to: %s}\n", trd_ctx_operator_name(*ours, topo[t]),
                                trd_ctx_operator_name(*ours, topo[t + 1]));
    snprintf(text + len, cap - len, "%s", rest + 1);
    free(rest);
    *chain = load_model(text, pl, cfg);
    for (uint32_t t = 0; t + 1 < n; t++)
        check(*chain, trd_ctx_set_operator_attr(*chain, topo[t], TRD_OP_ITEMS_OUT_PER_IN, D[topo[t + 1]] / D[topo[t]]),
              "chain ratio");
    check(*chain, trd_ctx_commit_model(*chain, NULL), "commit chain");
    free(text);
}

static void rates_for(trd_ctx *ctx, const pipeline *pl, const uint32_t *cfg, trd_rate *r)
{
    uint32_t n = trd_ctx_operator_count(ctx);
    for (uint32_t i = 0; i < n; i++) {
        const char *name = trd_ctx_operator_name(ctx, i);
        r[i] = (trd_rate){i, TRD_NO_CONFIG, 0, 0, 0};
        for (size_t k = 0; k < pl->n_rates; k++)
            if (strcmp(pl->rates[k].op, name) == 0)
                r[i].items_per_s = pl->rates[k].items_per_s;
        for (size_t t = 0; t < pl->n_transitions; t++)
            if (strcmp(pl->transitions[t].op, name) == 0) {
                r[i].candidate_config = cfg[t];
                r[i].candidate_items_per_s = r[i].items_per_s * pl->transitions[t].gain;
            }
        if (r[i].items_per_s <= 0)
            die("no rate for operator", name);
    }
}

/* ---- the three solves ---- */

typedef struct result {
    int ran;            /* 0: not attempted (model over the size cap) */
    double ms, wall_ms; /* median solve time; for CBC also the process wall time */
    double gap, throughput, objective;
    const char *status;
    int time_limited;
    char note[512];
} result;

static const char *status_name(uint32_t s)
{
    return s == TRD_SOLVE_OPTIMAL ? "optimal" : s == TRD_SOLVE_FEASIBLE ? "time limit" : "fallback";
}

/* Median wall time of trd_ctx_plan_with_rates over `reps` calls (fewer if the first hits the time limit). */
static result solve_api(trd_ctx *ctx, const trd_rate *r, int formulation, int limit_ms, int reps)
{
    result res = {0};
    check(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_FORMULATION, formulation), "formulation");
    check(ctx, trd_ctx_set_int(ctx, TRD_P_SOLVER_TIME_LIMIT_MS, limit_ms), "time limit");
    check(ctx, trd_ctx_set_double(ctx, TRD_P_SOLVER_MIP_GAP, 0.01), "gap");
    double t[16];
    int n = 0;
    for (; n < reps; n++) {
        trd_plan *p = NULL;
        double t0 = 1e3 * bench_now_s();
        trd_status st = trd_ctx_plan_with_rates(ctx, r, trd_ctx_operator_count(ctx), &p);
        t[n] = 1e3 * bench_now_s() - t0;
        if (st == TRD_E_LIMIT) {
            snprintf(res.note, sizeof res.note, "%s", trd_ctx_last_error(ctx));
            return res;
        }
        check(ctx, st, "plan_with_rates");
        res.ran = 1;
        res.gap = trd_plan_mip_gap(p);
        res.throughput = trd_plan_predicted_throughput(p);
        res.objective = p->objective;
        res.status = status_name(trd_plan_solve_status(p));
        res.time_limited = trd_plan_solve_status(p) != TRD_SOLVE_OPTIMAL;
        trd_plan_free(p);
        if (res.time_limited) {
            n++;
            break;
        }
    }
    res.ms = bench_median(t, n);
    return res;
}

/* Writes the paper's model of `ctx` as MPS.  Returns its column count, or 0 if it exceeds the size cap. */
static size_t write_paper_mps(trd_ctx *ctx, const trd_rate *r, const char *path, char *note, size_t cap)
{
    /* The library's default size cap: a model the library refuses to build is not written either. */
    trd__sched_params prm = {30000, 0.01, 200000, 120, 0.25, TRD__FORM_PAPER, NULL, NULL, 1};
    trd__sched_input in;
    trd__diag d;
    if (trd__sched_input_init(&in, ctx->model, &ctx->alloc, r, trd_ctx_operator_count(ctx), &prm, &d) != TRD_OK)
        die("sched input", d.msg);
    uint32_t *ub = malloc(in.n_ops * in.n_machines * sizeof *ub);
    for (size_t k = 0; k < in.n_ops * in.n_machines; k++)
        ub[k] = UINT32_MAX;
    trd__form_limits lim = {ub, NULL}; /* the paper's model has no refined pools */
    trd__form fm;
    size_t cols = 0;
    trd_status st = trd__form_build(&fm, &in, &lim, &d);
    if (st == TRD_E_LIMIT) {
        snprintf(note, cap, "%s", d.msg);
    } else if (st != TRD_OK) {
        die("paper model", d.msg);
    } else {
        if (trd__milp_write_mps(&fm.milp, path, &d) != TRD_OK)
            die("write MPS", d.msg);
        cols = fm.milp.n_cols;
        trd__form_free(&fm);
    }
    free(ub);
    trd__sched_input_free(&in);
    return cols;
}

/* Runs cbc on the MPS file; CBC's own wall-clock total, the process wall time, status, objective, gap. */
static result solve_cbc(const char *mps, int limit_s, int reps)
{
    result res = {0};
    double own[16], wall[16];
    int n = 0;
    for (; n < reps; n++) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "cbc '%s' -max -ratio 0.01 -sec %d -solve -quit 2>&1", mps, limit_s);
        double t0 = 1e3 * bench_now_s();
        FILE *p = popen(cmd, "r");
        if (!p)
            die("cannot run", cmd);
        char line[512];
        own[n] = NAN;
        res.gap = 0;
        while (fgets(line, sizeof line, p)) {
            double v;
            char *s;
            if ((s = strstr(line, "Result - ")))
                res.status = strstr(s, "Optimal") ? "optimal" : strstr(s, "time") ? "time limit" : "other";
            if (sscanf(line, "Objective value: %lf", &v) == 1)
                res.objective = v;
            if (sscanf(line, "Gap: %lf", &v) == 1)
                res.gap = v;
            if ((s = strstr(line, "Total time (CPU seconds):")) && (s = strstr(s, "(Wallclock seconds):")) &&
                sscanf(s, "(Wallclock seconds): %lf", &v) == 1)
                own[n] = v * 1e3;
        }
        int rc = pclose(p);
        wall[n] = 1e3 * bench_now_s() - t0;
        if (rc != 0 || isnan(own[n]) || !res.status)
            die("cbc failed or printed no time for", mps);
        res.ran = 1;
        res.time_limited = strcmp(res.status, "optimal") != 0;
        if (res.time_limited) {
            n++;
            break;
        }
    }
    res.ms = bench_median(own, n);
    res.wall_ms = bench_median(wall, n);
    return res;
}

/* ---- output ---- */

typedef struct row {
    const char *pipeline;
    int nodes;
    result ours, cbc, glpk;
    size_t paper_cols;   /* built model's columns, or 0 */
    double paper_needed; /* the paper's column count by its formula ((n-1) M^2 + 3 n M + 2 n + 3) */
} row;

/* Both solved the paper's model to their 1% gap: only then are their objectives comparable. */
static int both_optimal(const row *rw)
{
    return rw->cbc.ran && rw->glpk.ran && !rw->cbc.time_limited && !rw->glpk.time_limited;
}

/* Relative difference of the paper objective as CBC and GLPK found it (each within its 1% gap). */
static double objective_gap(const row *rw)
{
    double a = rw->cbc.objective, b = rw->glpk.objective;
    return fabs(a - b) / fmax(fabs(a), fabs(b));
}

static void fmt_ms(char *out, size_t cap, const result *r)
{
    if (!r->ran)
        snprintf(out, cap, "n/a");
    else
        snprintf(out, cap, "%s%.1f", r->time_limited ? ">" : "", r->ms);
}

static void json_result(FILE *f, const char *prefix, const result *r)
{
    if (!r->ran) {
        fprintf(f, "\"%s_ms\": null, \"%s_status\": \"not built\", \"%s_note\": \"%s\"", prefix, prefix, prefix,
                r->note);
        return;
    }
    fprintf(f, "\"%s_ms\": %.3f, \"%s_status\": \"%s\", \"%s_objective\": %.9g, \"%s_gap\": ", prefix, r->ms, prefix,
            r->status, prefix, r->objective, prefix);
    if (isnan(r->gap))
        fprintf(f, "null");
    else
        fprintf(f, "%.6g", r->gap);
}

static int cbc_available(void)
{
    FILE *p = popen("command -v cbc 2>/dev/null", "r");
    char line[256] = "";
    int found = p && fgets(line, sizeof line, p) && line[0] == '/';
    if (p)
        pclose(p);
    return found;
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *json = NULL;
    if (!bench_args(argc, argv, "bench_milp_scaling", &quick, &json, NULL))
        return 2;
    if (!cbc_available())
        die("the `cbc` program is not installed (Debian package coinor-cbc; scripts/install-deps.sh installs it); "
            "the comparison with the paper's solver needs it",
            NULL);
    static const int sizes[] = {8, 16, 64, 256};
    int n_sizes = quick ? 1 : 4, reps = quick ? 1 : 7, paper_reps = quick ? 1 : 3, limit_s = quick ? 10 : 30;
    row rows[8];
    int n_rows = 0;
    for (size_t p = 0; p < sizeof pipelines / sizeof pipelines[0]; p++) {
        const pipeline *pl = &pipelines[p];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", TRIDENT_SOURCE_DIR, pl->file);
        char *yaml = bench_read_file("bench_milp_scaling", path, NULL);
        for (int s = 0; s < n_sizes; s++) {
            row *rw = &rows[n_rows++];
            memset(rw, 0, sizeof *rw);
            rw->pipeline = pl->name;
            rw->nodes = sizes[s];
            trd_ctx *ours, *chain;
            uint32_t cfg[4];
            build_models(yaml, pl, sizes[s], &ours, &chain, cfg);
            trd_rate r[MAX_OPS], rc[MAX_OPS];
            rates_for(ours, pl, cfg, r);
            rates_for(chain, pl, cfg, rc);
            rw->ours = solve_api(ours, r, 0, 1000, reps);
            rw->glpk = solve_api(chain, rc, 1, limit_s * 1000, paper_reps);
            char mps[512], note[512] = "";
            snprintf(mps, sizeof mps, "%s/bench_milp_scaling_%s_%d.mps", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                     pl->name, sizes[s]);
            rw->paper_cols = write_paper_mps(chain, rc, mps, note, sizeof note);
            double n_ops = trd_ctx_operator_count(chain), M = sizes[s];
            rw->paper_needed = (n_ops - 1) * M * M + 3 * n_ops * M + 2 * n_ops + 3;
            if (rw->paper_cols) {
                rw->cbc = solve_cbc(mps, limit_s, paper_reps);
                remove(mps);
            } else {
                snprintf(rw->cbc.note, sizeof rw->cbc.note, "%s", note);
            }
            fprintf(stderr, "%s %d nodes: ours %.1f ms, paper CBC %.1f ms, paper GLPK %.1f ms\n", pl->name, sizes[s],
                    rw->ours.ms, rw->cbc.ms, rw->glpk.ms);
            trd_ctx_free(ours);
            trd_ctx_free(chain);
        }
        free(yaml);
    }

    printf("| pipeline | nodes | ours (GLPK) ms | ours gap | ours items/s | paper CBC ms (own / process) | CBC "
           "status | paper GLPK ms (status) | GLPK gap | paper items/s | paper columns | CBC vs GLPK objective | speedup (b)/(a) "
           "|\n");
    printf("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (int k = 0; k < n_rows; k++) {
        const row *rw = &rows[k];
        char a[32], b[32], c[32], sp[32], agree[48] = "n/a", og[32] = "-", gg[32] = "-", pt[32] = "-";
        if (both_optimal(rw))
            snprintf(agree, sizeof agree, "%.2g%%", 100 * objective_gap(rw));
        if (!isnan(rw->ours.gap))
            snprintf(og, sizeof og, "%.2g%%", 100 * rw->ours.gap);
        if (rw->glpk.ran && !isnan(rw->glpk.gap))
            snprintf(gg, sizeof gg, "%.2g%%", 100 * rw->glpk.gap);
        if (rw->glpk.ran)
            snprintf(pt, sizeof pt, "%.4g", rw->glpk.throughput);
        fmt_ms(a, sizeof a, &rw->ours);
        fmt_ms(b, sizeof b, &rw->cbc);
        fmt_ms(c, sizeof c, &rw->glpk);
        if (rw->cbc.ran)
            snprintf(sp, sizeof sp, "%s%.0fx", rw->cbc.time_limited ? ">" : "", rw->cbc.ms / rw->ours.ms);
        else
            snprintf(sp, sizeof sp, "n/a");
        char cols[48] = "-", cw[32] = "";
        if (rw->paper_cols)
            snprintf(cols, sizeof cols, "%zu", rw->paper_cols);
        else
            snprintf(cols, sizeof cols, "~%.3gM, over the cap", rw->paper_needed / 1e6);
        if (rw->cbc.ran)
            snprintf(cw, sizeof cw, " / %.0f", rw->cbc.wall_ms);
        printf("| %s | %d | %s | %s | %.4g | %s%s | %s | %s (%s) | %s | %s | %s | %s | %s |\n", rw->pipeline, rw->nodes,
               a, og, rw->ours.throughput, b, cw, rw->cbc.ran ? rw->cbc.status : "not built", c,
               rw->glpk.ran ? rw->glpk.status : "not built", gg, pt, cols, agree, sp);
    }
    printf("\nTimes are medians; \">\": the solver stopped at its %d s limit.  (a) is the wall time of "
           "trd_ctx_plan_with_rates; (b) is CBC's own wall-clock total (process time after the slash); the ratio "
           "uses (b)'s own time.  n/a: the paper's model exceeds solver_max_columns (200000).  The objective column "
           "compares the paper objective T - 1e-4 E - 1e-6 J as CBC and GLPK found it when both finished.\n",
           limit_s);

    if (json) {
        FILE *f = fopen(json, "w");
        if (!f)
            die("cannot write", json);
        fprintf(f, "{\"benchmark\": \"milp_scaling\", \"mip_gap\": 0.01, \"paper_time_limit_s\": %d, \"rows\": [\n",
                limit_s);
        for (int k = 0; k < n_rows; k++) {
            const row *rw = &rows[k];
            fprintf(f, "  {\"pipeline\": \"%s\", \"nodes\": %d, \"node_kinds\": 3, ", rw->pipeline, rw->nodes);
            json_result(f, "ours", &rw->ours);
            fprintf(f, ", \"ours_throughput\": %.9g, ", rw->ours.throughput);
            json_result(f, "paper_cbc", &rw->cbc);
            fprintf(f, ", \"paper_cbc_wall_ms\": %.3f, ", rw->cbc.ran ? rw->cbc.wall_ms : -1);
            json_result(f, "paper_glpk", &rw->glpk);
            fprintf(f, ", \"paper_throughput\": %.9g, \"paper_columns\": %.0f, ",
                    rw->glpk.ran ? rw->glpk.throughput : -1, rw->paper_cols ? (double)rw->paper_cols : rw->paper_needed);
            if (both_optimal(rw))
                fprintf(f, "\"paper_objective_rel_diff\": %.6g, ", objective_gap(rw));
            if (rw->cbc.ran)
                fprintf(f, "\"speedup_vs_paper\": %.3f, \"speedup_is_lower_bound\": %s}", rw->cbc.ms / rw->ours.ms,
                        rw->cbc.time_limited ? "true" : "false");
            else
                fprintf(f, "\"speedup_vs_paper\": null, \"speedup_is_lower_bound\": false}");
            fprintf(f, "%s\n", k + 1 < n_rows ? "," : "");
        }
        fprintf(f, "]}\n");
        fclose(f);
    }
    return 0;
}
