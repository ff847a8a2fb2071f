// Compiled as C++11 with -Wall -Wextra -Wpedantic -Werror: trident.h must work from C++ (extern "C", no
// C-only constructs) and agree with the library on record sizes.
#include "trident.h"

#include <cstdio>
#include <memory>

namespace {
struct ctx_deleter {
    void operator()(trd_ctx *ctx) const { trd_ctx_free(ctx); }
};
}  // namespace

int main()
{
    static_assert(sizeof(trd_sample) == 184, "trd_sample is frozen at 184 bytes");
    trd_ctx *raw = nullptr;
    if (trd_ctx_new(&raw) != TRD_OK)
        return 1;
    std::unique_ptr<trd_ctx, ctx_deleter> ctx(raw);
    if (trd_record_size(TRD_RECORD_SAMPLE) != sizeof(trd_sample))
        return 1;
    if (trd_version_number() != TRD_VERSION_NUMBER) {
        std::fprintf(stderr, "version mismatch\n");
        return 1;
    }
    return 0;
}
