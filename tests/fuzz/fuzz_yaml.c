/* Fuzz target: arbitrary bytes as a YAML model, loaded into a context that already holds a model.  Whatever
 * the input, the call must return a status (never crash, hang, leak or read out of bounds), and a failure
 * must leave the committed model untouched.  Built as a libFuzzer target with clang
 * (-DTRIDENT_BUILD_FUZZERS=ON), and always as a replay driver that CTest runs over the seed corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trident.h"

static const char base_model[] = "cluster: {nodes: [{name: n, cpus: 8, memory: 16GiB, gpus: 1, gpu_memory: 16GiB}]}\n"
                                 "pipeline: {operators: [{name: a}, {name: b, gpus: 1}], edges: [{from: a, to: b}]}\n";

static char *model_json(trd_ctx *ctx)
{
    size_t len = 0;
    if (trd_ctx_model_to_json(ctx, NULL, 0, &len) != TRD_OK)
        abort();
    char *buf = malloc(len + 1);
    if (!buf || trd_ctx_model_to_json(ctx, buf, len + 1, NULL) != TRD_OK)
        abort();
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK)
        abort();
    if (trd_ctx_load_yaml_string(ctx, base_model, sizeof base_model - 1) != TRD_OK)
        abort();
    char *before = model_json(ctx);
    trd_status st = trd_ctx_load_yaml_string(ctx, (const char *)data, size);
    const char *msg = trd_ctx_last_error(ctx);
    if (st != TRD_OK) {
        /* Every failure explains itself and changes nothing. */
        if (msg[0] == '\0' || strlen(msg) >= 512)
            abort();
        char *after = model_json(ctx);
        if (strcmp(before, after) != 0)
            abort();
        free(after);
    } else {
        /* A model that loaded must also serialise, and its epoch moved on. */
        if (trd_ctx_model_epoch(ctx) != 2)
            abort();
        free(model_json(ctx));
    }
    free(before);
    trd_ctx_free(ctx);
    return 0;
}

#ifdef TRIDENT_FUZZ_REPLAY
/* Replays files given on the command line (gcc builds and CTest). */
int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "fuzz_yaml: cannot open %s\n", argv[i]);
            return 1;
        }
        static uint8_t buf[1 << 22];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        files++;
    }
    printf("fuzz_yaml: replayed %d inputs\n", files);
    return files > 0 ? 0 : 1;
}
#endif
