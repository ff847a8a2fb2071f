/* Fuzz target: arbitrary bytes reinterpreted as a batch of trd_sample records (NaN, infinities, huge ids,
 * any flags) against a model with features and configs.  Each batch is accepted whole or refused whole: the
 * counters must say exactly that. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trident.h"

static const char model[] =
    "cluster: {nodes: [{name: n, cpus: 8, memory: 16GiB, gpus: 1, gpu_memory: 16GiB}]}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: a, features: [pages, bytes]}\n"
    "    - name: b\n"
    "      gpus: 1\n"
    "      features: [tokens]\n"
    "      knobs: [{name: batch, type: int, min: 1, max: 64, default: 8}]\n"
    "  edges: [{from: a, to: b}]\n"
    "  deployment: [{operator: b, node: n, instances: 1, config: {batch: 16}}]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK || trd_ctx_set_int(ctx, TRD_P_INGEST_CAPACITY, 16) != TRD_OK ||
        trd_ctx_load_yaml_string(ctx, model, sizeof model - 1) != TRD_OK)
        abort();
    size_t n = size / sizeof(trd_sample);
    trd_sample *batch = malloc((n ? n : 1) * sizeof *batch);
    if (!batch)
        abort();
    if (n)
        memcpy(batch, data, n * sizeof *batch);
    trd_status st = trd_ctx_observe(ctx, batch, n);
    trd_ingest_stats s;
    if (trd_ctx_ingest_stats(ctx, &s) != TRD_OK)
        abort();
    if (st == TRD_OK) {
        if (s.accepted != n || s.rejected != 0 || s.buffered != (n < 16 ? n : 16) || s.dropped != (n > 16 ? n - 16 : 0))
            abort();
    } else {
        if (st != TRD_E_INVALID_ARG || s.accepted != 0 || s.rejected != n || s.buffered != 0 ||
            strncmp(trd_ctx_last_error(ctx), "observe: sample[", 16) != 0)
            abort();
    }
    free(batch);
    trd_ctx_free(ctx);
    return 0;
}

#ifdef TRIDENT_FUZZ_REPLAY
int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f)
            return 1;
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        files++;
    }
    printf("fuzz_observe: replayed %d inputs\n", files);
    return files > 0 ? 0 : 1;
}
#endif
