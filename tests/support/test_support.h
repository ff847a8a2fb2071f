/* test_support.h -- helpers shared by the cmocka tests: a counting allocator that can fail on demand,
 * a double-precision assert (cmocka 1.1's assert_float_equal works in float), fixtures and file helpers. */
#ifndef TRIDENT_TEST_SUPPORT_H
#define TRIDENT_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trident.h"

/* |a - b| <= tol * max(1, |a|, |b|), printing both values on failure. */
#define assert_close(a, b, tol)                                                                                  \
    do {                                                                                                         \
        double a_ = (a), b_ = (b), t_ = (tol);                                                                   \
        double s_ = fmax(1.0, fmax(fabs(a_), fabs(b_)));                                                         \
        if (!(fabs(a_ - b_) <= t_ * s_))                                                                         \
            fail_msg("%s = %.17g, %s = %.17g, differ by more than %g (relative)", #a, a_, #b, b_, t_);           \
    } while (0)

/* Asserts a status, printing names and the context's message on failure. */
#define assert_status(ctx, expected, call)                                                                       \
    do {                                                                                                         \
        trd_status got_ = (call);                                                                                \
        if (got_ != (expected))                                                                                  \
            fail_msg("%s returned %s, expected %s; last error: %s", #call, trd_status_name(got_),                \
                     trd_status_name(expected), trd_ctx_last_error(ctx));                                        \
    } while (0)

#define assert_ok(ctx, call) assert_status(ctx, TRD_OK, call)

/* Asserts that the last error contains `needle`. */
#define assert_error_contains(ctx, needle)                                                                       \
    do {                                                                                                         \
        const char *msg_ = trd_ctx_last_error(ctx);                                                              \
        if (!strstr(msg_, (needle)))                                                                             \
            fail_msg("last error \"%s\" does not contain \"%s\"", msg_, (needle));                              \
    } while (0)

/* ---- counting allocator ---- */
typedef struct test_alloc {
    size_t calls;     /* alloc + realloc calls so far */
    size_t fail_at;   /* fail the call with this number (1-based); 0 = never */
    size_t failures;  /* injected failures so far */
    size_t live_blocks;
    size_t live_bytes;
    size_t peak_bytes;
    size_t size_mismatches; /* free/realloc told a size different from the one allocated */
} test_alloc;

/* A trd_allocator over `state` (malloc underneath, with a hidden size header to check sizes). */
trd_allocator test_allocator(test_alloc *state);

/* A context using a fresh counting allocator; fails the test if creation fails. */
trd_ctx *test_ctx_new(test_alloc *state);

/* ---- fixtures ---- */
/* A context (counting allocator) with the model in `yaml` loaded; fails the test if loading fails. */
trd_ctx *test_ctx_yaml(test_alloc *state, const char *yaml);

/* A small valid model: nodes cpu (count 2) and gpu; operators read -> ocr -> write; ocr has knobs. */
extern const char *const test_model_yaml;
trd_status test_load_model(trd_ctx *ctx);

/* The committed model as JSON in a buffer the caller frees (NULL without a model). */
char *test_model_json(trd_ctx *ctx);

/* A valid instance sample for operator `op` of test_model_yaml with n_features features. */
trd_sample test_sample(uint32_t op, uint32_t n_features);

/* ---- seeded randomness (splitmix64): every randomised test states its seed ---- */
uint64_t test_rand(uint64_t *state);
/* Uniform in [0, 1). */
double test_uniform(uint64_t *state);
/* Uniform integer in [lo, hi]. */
int test_range(uint64_t *state, int lo, int hi);

/* Reads a whole file (NUL-terminated) into a buffer the caller frees; fails the test on error. */
char *test_read_file(const char *path, size_t *len);

/* Absolute path of a file in the source tree ("examples/pipelines/pdf.yaml"), in a static buffer. */
const char *test_source_path(const char *relative);

#endif
