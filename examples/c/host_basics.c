/* host_basics.c -- the first steps of a host engine embedding libtrident: create a context, describe the
 * cluster and pipeline (here from YAML), look operators up by name, and report one observation window per
 * operator instance.  Public domain (CC0): copy it into your engine.
 *
 *   host_basics [PIPELINE.yaml]     (default: examples/pipelines/pdf.yaml)
 */
#include <stdio.h>
#include <string.h>

#include <trident.h>

#define CHECK(ctx, call)                                                                                         \
    do {                                                                                                         \
        trd_status rc_ = (call);                                                                                 \
        if (rc_ != TRD_OK) {                                                                                     \
            fprintf(stderr, "%s: %s: %s\n", #call, trd_status_name(rc_), trd_ctx_last_error(ctx));             \
            goto fail;                                                                                           \
        }                                                                                                        \
    } while (0)

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "examples/pipelines/pdf.yaml";
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK)
        return 1;

    /* 1. The model: cluster + pipeline, validated as a whole and committed (epoch 1). */
    CHECK(ctx, trd_ctx_load_yaml(ctx, path));
    printf("%s: %u operators on %u node kinds (epoch %llu)\n", path, trd_ctx_operator_count(ctx),
           trd_ctx_node_count(ctx), (unsigned long long)trd_ctx_model_epoch(ctx));

    /* 2. Every observation window, report what each instance did.  Here: one 10 s window per operator,
     *    with as many workload features as the operator declares. */
    trd_sample batch[64];
    size_t n = 0;
    for (uint32_t op = 0; op < trd_ctx_operator_count(ctx) && n < 64; op++, n++) {
        trd_sample *s = &batch[n];
        memset(s, 0, sizeof *s);
        s->window_start_ns = 0;
        s->window_end_ns = 10000000000ull; /* host clock, ns */
        s->op = op;
        s->instance = 0;                    /* the engine's own instance id */
        s->config = 0;                      /* the default config */
        s->active_instances = 1;
        s->items_in = 250;
        s->items_out = 250;
        s->queue_start = 40;
        s->queue_end = 38;
        s->busy_s = 8.5;
        s->utilisation = 0.85;
        s->n_features = trd_ctx_feature_count(ctx, op);
        for (uint32_t f = 0; f < s->n_features; f++)
            s->features[f] = 100.0 * (f + 1);
    }
    CHECK(ctx, trd_ctx_observe(ctx, batch, n));

    /* 3. A bad sample is refused with a precise message, and nothing of its batch is kept. */
    batch[0].utilisation = 1.5;
    if (trd_ctx_observe(ctx, batch, n) == TRD_E_INVALID_ARG)
        printf("refused as expected: %s\n", trd_ctx_last_error(ctx));

    trd_ingest_stats st;
    CHECK(ctx, trd_ctx_ingest_stats(ctx, &st));
    printf("ingest: %llu accepted, %llu rejected, %llu buffered (capacity %llu)\n",
           (unsigned long long)st.accepted, (unsigned long long)st.rejected, (unsigned long long)st.buffered,
           (unsigned long long)st.capacity);
    trd_ctx_free(ctx);
    return 0;
fail:
    trd_ctx_free(ctx);
    return 1;
}
