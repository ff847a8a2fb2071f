/* test_support.c -- see test_support.h. */
#include "test_support.h"

#include <stdlib.h>

#ifndef TRIDENT_SOURCE_DIR
#error "TRIDENT_SOURCE_DIR must be defined by the build"
#endif

#define HEADER 16u

static void *ta_alloc(void *user, size_t size)
{
    test_alloc *s = user;
    s->calls++;
    if (s->fail_at && s->calls == s->fail_at) {
        s->failures++;
        return NULL;
    }
    unsigned char *p = malloc(size + HEADER);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    s->live_blocks++;
    s->live_bytes += size;
    if (s->live_bytes > s->peak_bytes)
        s->peak_bytes = s->live_bytes;
    return p + HEADER;
}

static void ta_free(void *user, void *ptr, size_t size)
{
    test_alloc *s = user;
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *)ptr - HEADER;
    size_t stored;
    memcpy(&stored, p, sizeof stored);
    if (stored != size)
        s->size_mismatches++;
    s->live_blocks--;
    s->live_bytes -= stored;
    free(p);
}

static void *ta_realloc(void *user, void *ptr, size_t old_size, size_t new_size)
{
    test_alloc *s = user;
    if (!ptr)
        return ta_alloc(user, new_size);
    s->calls++;
    if (s->fail_at && s->calls == s->fail_at) {
        s->failures++;
        return NULL;
    }
    unsigned char *p = (unsigned char *)ptr - HEADER;
    size_t stored;
    memcpy(&stored, p, sizeof stored);
    if (stored != old_size)
        s->size_mismatches++;
    unsigned char *q = realloc(p, new_size + HEADER);
    if (!q)
        return NULL;
    memcpy(q, &new_size, sizeof new_size);
    s->live_bytes = s->live_bytes - stored + new_size;
    if (s->live_bytes > s->peak_bytes)
        s->peak_bytes = s->live_bytes;
    return q + HEADER;
}

trd_allocator test_allocator(test_alloc *state)
{
    trd_allocator a = {ta_alloc, ta_realloc, ta_free, state};
    return a;
}

trd_ctx *test_ctx_new(test_alloc *state)
{
    memset(state, 0, sizeof *state);
    trd_allocator a = test_allocator(state);
    trd_ctx *ctx = NULL;
    trd_status st = trd_ctx_new_with_allocator(&ctx, &a);
    if (st != TRD_OK)
        fail_msg("trd_ctx_new_with_allocator: %s", trd_status_name(st));
    return ctx;
}

const char *const test_model_yaml =
    "cluster:\n"
    "  nodes:\n"
    "    - {name: cpu, count: 2, cpus: 64, memory: 256GiB, nic: 25Gbps}\n"
    "    - {name: gpu, count: 1, cpus: 32, memory: 512GiB, gpus: 8, gpu_memory: 80GiB, nic: 100Gbps}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - name: read\n"
    "      cpus: 2\n"
    "      memory: 4GiB\n"
    "      items_out_per_in: 12\n"
    "      features: [pages, bytes]\n"
    "    - name: ocr\n"
    "      cpus: 4\n"
    "      memory: 32GiB\n"
    "      gpus: 1\n"
    "      gpu_memory: 40GiB\n"
    "      async: true\n"
    "      cold_start: 60s\n"
    "      features: [image_pixels]\n"
    "      knobs:\n"
    "        - {name: batch_size, type: int, min: 1, max: 256, default: 32, memory_monotone: true, "
    "log_scale: true}\n"
    "        - {name: precision, type: choice, choices: [bf16, fp8], default: bf16}\n"
    "        - {name: prefix_caching, type: bool, default: false}\n"
    "    - name: write\n"
    "      cpus: 1\n"
    "      memory: 1GiB\n"
    "  edges:\n"
    "    - {from: read, to: ocr}\n"
    "    - {from: ocr, to: write}\n"
    "  deployment:\n"
    "    - {operator: read, node: cpu, member: 0, instances: 4}\n"
    "    - {operator: ocr, node: gpu, instances: 2, config: {batch_size: 64}}\n"
    "    - {operator: write, node: cpu, member: 1, instances: 1}\n";

trd_ctx *test_ctx_yaml(test_alloc *state, const char *yaml)
{
    trd_ctx *ctx = test_ctx_new(state);
    trd_status st = trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml));
    if (st != TRD_OK)
        fail_msg("loading the test model: %s: %s", trd_status_name(st), trd_ctx_last_error(ctx));
    return ctx;
}

trd_status test_load_model(trd_ctx *ctx)
{
    return trd_ctx_load_yaml_string(ctx, test_model_yaml, strlen(test_model_yaml));
}

char *test_model_json(trd_ctx *ctx)
{
    size_t len = 0;
    if (trd_ctx_model_to_json(ctx, NULL, 0, &len) != TRD_OK)
        return NULL;
    char *buf = malloc(len + 1);
    if (!buf)
        fail_msg("out of memory");
    if (trd_ctx_model_to_json(ctx, buf, len + 1, NULL) != TRD_OK)
        fail_msg("model_to_json failed: %s", trd_ctx_last_error(ctx));
    return buf;
}

trd_sample test_sample(uint32_t op, uint32_t n_features)
{
    trd_sample s;
    memset(&s, 0, sizeof s);
    s.window_start_ns = 1000000000ull;
    s.window_end_ns = 11000000000ull; /* a 10 s window */
    s.op = op;
    s.instance = 7;
    s.config = 0;
    s.active_instances = 1;
    s.items_in = 500;
    s.items_out = 480;
    s.bytes_in = 500u * 1024u;
    s.bytes_out = 480u * 1024u;
    s.queue_start = 40;
    s.queue_end = 42;
    s.busy_s = 9.0;
    s.utilisation = 0.9;
    s.n_features = n_features;
    for (uint32_t f = 0; f < n_features; f++)
        s.features[f] = 10.0 * (f + 1);
    return s;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            if (!buf)
                fail_msg("out of memory");
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *test_source_path(const char *relative)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", TRIDENT_SOURCE_DIR, relative);
    return path;
}

uint64_t test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double test_uniform(uint64_t *state)
{
    return (double)(test_rand(state) >> 11) / 9007199254740992.0;
}

int test_range(uint64_t *state, int lo, int hi)
{
    return lo + (int)(test_rand(state) % (uint64_t)(hi - lo + 1));
}
