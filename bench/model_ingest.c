/* bench_model_ingest -- what the foundation costs a host:
 *   - loading and validating the bundled pipelines from YAML (per load),
 *   - committing a programmatic edit of the PDF model (clone + whole-model validation),
 *   - writing the model as JSON,
 *   - ingesting samples (validation + bounded buffer) per sample, for several batch sizes.
 * Each figure is the median of repeated timed rounds, in one process.
 *
 *   bench_model_ingest [--quick] [--json PATH]
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "trident.h"

static void check(trd_ctx *ctx, trd_status st, const char *what)
{
    if (st != TRD_OK) {
        fprintf(stderr, "bench_model_ingest: %s: %s: %s\n", what, trd_status_name(st), trd_ctx_last_error(ctx));
        exit(1);
    }
}

/* Median microseconds to load `text` into a fresh context (parse + build + validate + install). */
static double load_us(const char *text, size_t len, int rounds)
{
    double t[64];
    for (int r = 0; r < rounds; r++) {
        trd_ctx *ctx;
        check(NULL, trd_ctx_new(&ctx), "ctx_new");
        double t0 = bench_now_s();
        check(ctx, trd_ctx_load_yaml_string(ctx, text, len), "load");
        t[r] = (bench_now_s() - t0) * 1e6;
        trd_ctx_free(ctx);
    }
    return bench_median(t, rounds);
}

/* Median microseconds of one staged edit + commit on the loaded model (a clone and a full validation). */
static double commit_us(trd_ctx *ctx, int rounds)
{
    double t[64];
    for (int r = 0; r < rounds; r++) {
        double t0 = bench_now_s();
        check(ctx, trd_ctx_set_operator_attr(ctx, 0, TRD_OP_CPUS, r % 2 ? 1 : 0.5), "edit");
        check(ctx, trd_ctx_commit_model(ctx, NULL), "commit");
        t[r] = (bench_now_s() - t0) * 1e6;
    }
    return bench_median(t, rounds);
}

static double json_us(trd_ctx *ctx, int rounds, size_t *bytes)
{
    static char buf[1 << 20];
    double t[64];
    for (int r = 0; r < rounds; r++) {
        double t0 = bench_now_s();
        check(ctx, trd_ctx_model_to_json(ctx, buf, sizeof buf, bytes), "json");
        t[r] = (bench_now_s() - t0) * 1e6;
    }
    return bench_median(t, rounds);
}

/* Median nanoseconds per sample to ingest `total` samples in batches of `batch`, for every operator in turn. */
static double ingest_ns(trd_ctx *ctx, size_t batch, size_t total, int rounds)
{
    uint32_t n_ops = trd_ctx_operator_count(ctx);
    trd_sample *s = calloc(batch, sizeof *s);
    for (size_t i = 0; i < batch; i++) {
        uint32_t op = (uint32_t)(i % n_ops);
        s[i].window_start_ns = 1000000000ull * i;
        s[i].window_end_ns = s[i].window_start_ns + 10000000000ull;
        s[i].op = op;
        s[i].instance = (uint32_t)i;
        s[i].active_instances = 1;
        s[i].items_in = 100 + i;
        s[i].items_out = 100 + i;
        s[i].busy_s = 8.0;
        s[i].utilisation = 0.8;
        s[i].n_features = trd_ctx_feature_count(ctx, op);
        for (uint32_t f = 0; f < s[i].n_features; f++)
            s[i].features[f] = 1.0 + f;
    }
    double t[64];
    for (int r = 0; r < rounds; r++) {
        double t0 = bench_now_s();
        for (size_t done = 0; done < total; done += batch)
            check(ctx, trd_ctx_observe(ctx, s, batch), "observe");
        t[r] = (bench_now_s() - t0) * 1e9 / (double)total;
    }
    free(s);
    return bench_median(t, rounds);
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *json_path = NULL;
    if (!bench_args(argc, argv, "bench_model_ingest", &quick, &json_path, NULL))
        return 2;
    int rounds = quick ? 3 : 31;
    size_t total = quick ? 4096 : 1u << 20;
    size_t len_pdf, len_video;
    const char *prog = "bench_model_ingest";
    char *pdf = bench_read_file(prog, TRIDENT_SOURCE_DIR "/examples/pipelines/pdf.yaml", &len_pdf);
    char *video = bench_read_file(prog, TRIDENT_SOURCE_DIR "/examples/pipelines/video.yaml", &len_video);

    double load_pdf = load_us(pdf, len_pdf, rounds), load_video = load_us(video, len_video, rounds);
    trd_ctx *ctx;
    check(NULL, trd_ctx_new(&ctx), "ctx_new");
    check(ctx, trd_ctx_load_yaml_string(ctx, pdf, len_pdf), "load");
    double commit = commit_us(ctx, rounds);
    size_t json_bytes = 0;
    double json = json_us(ctx, rounds, &json_bytes);
    const size_t batches[] = {1, 64, 4096};
    double ingest[3];
    for (int b = 0; b < 3; b++)
        ingest[b] = ingest_ns(ctx, batches[b], total, rounds);
    trd_ingest_stats st;
    check(ctx, trd_ctx_ingest_stats(ctx, &st), "stats");

    printf("libtrident %s, %d rounds per figure (median)\n\n", trd_version_string(), rounds);
    printf("| what | median |\n|---|---|\n");
    printf("| load + validate pdf.yaml (17 operators, %zu bytes) | %.1f us |\n", len_pdf, load_pdf);
    printf("| load + validate video.yaml (9 operators, %zu bytes) | %.1f us |\n", len_video, load_video);
    printf("| edit + commit (clone + validation), pdf model | %.1f us |\n", commit);
    printf("| model_to_json, pdf model (%zu bytes) | %.1f us |\n", json_bytes, json);
    for (int b = 0; b < 3; b++)
        printf("| observe, batches of %zu | %.1f ns/sample |\n", batches[b], ingest[b]);
    printf("\ningested %llu samples, %llu dropped by the bounded buffer (capacity %llu)\n",
           (unsigned long long)st.accepted, (unsigned long long)st.dropped, (unsigned long long)st.capacity);

    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (!f) {
            fprintf(stderr, "bench_model_ingest: cannot write %s\n", json_path);
            return 1;
        }
        fprintf(f,
                "{\"load_pdf_us\": %.3f, \"load_video_us\": %.3f, \"commit_us\": %.3f, \"model_json_us\": %.3f, "
                "\"ingest_ns\": {\"1\": %.3f, \"64\": %.3f, \"4096\": %.3f}, \"rounds\": %d}\n",
                load_pdf, load_video, commit, json, ingest[0], ingest[1], ingest[2], rounds);
        fclose(f);
    }
    trd_ctx_free(ctx);
    free(pdf);
    free(video);
    return 0;
}
