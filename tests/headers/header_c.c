/* Compiled as C99 and C11 with -Wall -Wextra -Wpedantic -Werror: trident.h must stand alone (it is the first
 * include) and its version macros must match the library that is linked. */
#include "trident.h"

#include <stdio.h>

int main(void)
{
    if (trd_version_number() != TRD_VERSION_NUMBER) {
        fprintf(stderr, "header version %d, library version %u\n", TRD_VERSION_NUMBER, trd_version_number());
        return 1;
    }
    if (TRD_VERSION_NUMBER != TRD_VERSION_MAJOR * 10000 + TRD_VERSION_MINOR * 100 + TRD_VERSION_PATCH) {
        fprintf(stderr, "TRD_VERSION_NUMBER disagrees with MAJOR/MINOR/PATCH\n");
        return 1;
    }
    if (trd_record_size(TRD_RECORD_SAMPLE) != sizeof(trd_sample) ||
        trd_record_size(TRD_RECORD_INGEST_STATS) != sizeof(trd_ingest_stats) ||
        trd_record_size(TRD_RECORD_ALLOCATOR) != sizeof(trd_allocator)) {
        fprintf(stderr, "record sizes differ between this compiler's view of the header and the library\n");
        return 1;
    }
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK)
        return 1;
    trd_ctx_free(ctx);
    return 0;
}
