/* Links an installed libtrident, loads a model from YAML and checks what it reads back. */
#include <stdio.h>
#include <string.h>

#include <trident.h>

int main(void)
{
    static const char yaml[] = "cluster:\n  nodes:\n    - {name: n, cpus: 8, memory: 16GiB}\n"
                               "pipeline:\n  operators:\n    - {name: a}\n    - {name: b}\n"
                               "  edges:\n    - {from: a, to: b}\n";
    if (trd_version_number() != TRD_VERSION_NUMBER) {
        fprintf(stderr, "consumer: header %d vs library %u\n", TRD_VERSION_NUMBER, trd_version_number());
        return 1;
    }
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK)
        return 1;
    trd_status st = trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml));
    if (st != TRD_OK || trd_ctx_operator_count(ctx) != 2 || trd_ctx_model_epoch(ctx) != 1) {
        fprintf(stderr, "consumer: %s: %s\n", trd_status_name(st), trd_ctx_last_error(ctx));
        trd_ctx_free(ctx);
        return 1;
    }
    printf("consumer: libtrident %s loaded %u operators\n", trd_version_string(), trd_ctx_operator_count(ctx));
    trd_ctx_free(ctx);
    return 0;
}
