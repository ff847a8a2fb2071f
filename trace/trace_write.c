/* trace_write.c -- the recording half of trace.h: wrappers that call the library and append one JSON line per
 * successful call.  Lines are built in memory and written under a mutex, so concurrent observers never
 * interleave within a line. */
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

struct trd_trace {
    FILE *f;
    pthread_mutex_t mutex;
    int error; /* first errno met; guarded by mutex */
};

/* ---- a growable line ---- */

typedef struct line {
    char *buf;
    size_t len, cap;
    int failed;
} line;

static void put(line *l, const char *s, size_t n)
{
    if (l->failed)
        return;
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->len + n + 1)
            cap *= 2;
        char *b = realloc(l->buf, cap);
        if (!b) {
            l->failed = 1;
            return;
        }
        l->buf = b;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len] = '\0';
}

static void puts_(line *l, const char *s) { put(l, s, strlen(s)); }

static void putf(line *l, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(l, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A double that reads back exactly, with '.' whatever LC_NUMERIC the host set. */
static void put_double(line *l, double x)
{
    if (!isfinite(x)) {
        puts_(l, "null");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.17g", x);
    const char *dp = localeconv()->decimal_point;
    size_t dpl = dp ? strlen(dp) : 0;
    char *at = dpl && strcmp(dp, ".") != 0 ? strstr(tmp, dp) : NULL;
    if (at) {
        *at = '.';
        memmove(at + 1, at + dpl, strlen(at + dpl) + 1);
    }
    puts_(l, tmp);
}

static void put_u64(line *l, uint64_t x) { putf(l, "%" PRIu64, x); }

/* Appends the line and a newline to the file (the line is freed). */
static void emit(trd_trace *t, line *l)
{
    pthread_mutex_lock(&t->mutex);
    if (l->failed) {
        if (!t->error)
            t->error = ENOMEM;
    } else {
        put(l, "\n", 1);
        if (!l->failed && fwrite(l->buf, 1, l->len, t->f) != l->len && !t->error)
            t->error = errno ? errno : EIO;
    }
    pthread_mutex_unlock(&t->mutex);
    free(l->buf);
}

/* ---- opening and closing ---- */

int trd_trace_open(trd_trace **out, const char *path)
{
    trd_trace *t = calloc(1, sizeof *t);
    if (!t)
        return ENOMEM;
    t->f = fopen(path, "wb");
    if (!t->f) {
        int e = errno;
        free(t);
        return e ? e : EIO;
    }
    if (pthread_mutex_init(&t->mutex, NULL) != 0) {
        fclose(t->f);
        free(t);
        return EAGAIN;
    }
    line l = {0};
    putf(&l, "{\"t\":\"trace\",\"version\":1,\"library\":\"%s\"}", trd_version_string());
    emit(t, &l);
    *out = t;
    return 0;
}

int trd_trace_close(trd_trace *t)
{
    if (!t)
        return 0;
    int e = t->error;
    if (fclose(t->f) != 0 && !e)
        e = errno ? errno : EIO;
    pthread_mutex_destroy(&t->mutex);
    free(t);
    return e;
}

int trd_trace_error(trd_trace *t)
{
    pthread_mutex_lock(&t->mutex);
    int e = t->error;
    pthread_mutex_unlock(&t->mutex);
    return e;
}

/* ---- records ---- */

static void record_params(trd_trace *t, trd_ctx *ctx)
{
    for (size_t i = 0; i < trd_param_count(); i++) {
        trd_param p;
        trd_param_type type;
        if (trd_param_at(i, &p) != TRD_OK || trd_param_info(p, &type, NULL, NULL, NULL) != TRD_OK)
            continue;
        line l = {0};
        putf(&l, "{\"t\":\"param\",\"name\":\"%s\",\"value\":", trd_param_name(p));
        if (type == TRD_PARAM_INT) {
            int64_t v = 0;
            trd_ctx_get_int(ctx, p, &v);
            putf(&l, "%" PRId64, v);
        } else {
            double v = 0;
            trd_ctx_get_double(ctx, p, &v);
            put_double(&l, v);
        }
        puts_(&l, "}");
        emit(t, &l);
    }
}

static void record_model(trd_trace *t, trd_ctx *ctx, const char *kind)
{
    record_params(t, ctx);
    size_t len = 0;
    if (trd_ctx_model_to_json(ctx, NULL, 0, &len) != TRD_OK)
        return;
    char *json = malloc(len + 1);
    line l = {0};
    if (!json || trd_ctx_model_to_json(ctx, json, len + 1, NULL) != TRD_OK) {
        l.failed = 1;
    } else {
        putf(&l, "{\"t\":\"%s\",\"model\":", kind);
        put(&l, json, len);
        puts_(&l, "}");
    }
    free(json);
    emit(t, &l);
}

trd_status trd_traced_load_yaml(trd_trace *t, trd_ctx *ctx, const char *path)
{
    trd_status st = trd_ctx_load_yaml(ctx, path);
    if (st == TRD_OK)
        record_model(t, ctx, "load");
    return st;
}

trd_status trd_traced_load_yaml_string(trd_trace *t, trd_ctx *ctx, const char *text, size_t len)
{
    trd_status st = trd_ctx_load_yaml_string(ctx, text, len);
    if (st == TRD_OK)
        record_model(t, ctx, "load");
    return st;
}

trd_status trd_traced_commit_model(trd_trace *t, trd_ctx *ctx, uint64_t *out_epoch)
{
    trd_status st = trd_ctx_commit_model(ctx, out_epoch);
    if (st == TRD_OK)
        record_model(t, ctx, "commit");
    return st;
}

static void record_param(trd_trace *t, trd_param param, int is_int, int64_t iv, double dv)
{
    line l = {0};
    putf(&l, "{\"t\":\"param\",\"name\":\"%s\",\"value\":", trd_param_name(param));
    if (is_int)
        putf(&l, "%" PRId64, iv);
    else
        put_double(&l, dv);
    puts_(&l, "}");
    emit(t, &l);
}

trd_status trd_traced_set_int(trd_trace *t, trd_ctx *ctx, trd_param param, int64_t value)
{
    trd_status st = trd_ctx_set_int(ctx, param, value);
    if (st == TRD_OK)
        record_param(t, param, 1, value, 0);
    return st;
}

trd_status trd_traced_set_double(trd_trace *t, trd_ctx *ctx, trd_param param, double value)
{
    trd_status st = trd_ctx_set_double(ctx, param, value);
    if (st == TRD_OK)
        record_param(t, param, 0, 0, value);
    return st;
}

static void put_sample(line *l, const trd_sample *s)
{
    puts_(l, "{\"window_start_ns\":");
    put_u64(l, s->window_start_ns);
    puts_(l, ",\"window_end_ns\":");
    put_u64(l, s->window_end_ns);
    putf(l, ",\"op\":%" PRIu32 ",\"instance\":%" PRIu32 ",\"config\":%" PRIu32 ",\"active_instances\":%" PRIu32,
         s->op, s->instance, s->config, s->active_instances);
    const uint64_t u[8] = {s->items_in,    s->items_out, s->bytes_in,           s->bytes_out,
                           s->queue_start, s->queue_end, s->host_mem_peak_bytes, s->device_mem_peak_bytes};
    static const char *const names[8] = {"items_in",    "items_out", "bytes_in",            "bytes_out",
                                         "queue_start", "queue_end", "host_mem_peak_bytes", "device_mem_peak_bytes"};
    for (int k = 0; k < 8; k++) {
        putf(l, ",\"%s\":", names[k]);
        put_u64(l, u[k]);
    }
    puts_(l, ",\"busy_s\":");
    put_double(l, s->busy_s);
    puts_(l, ",\"utilisation\":");
    put_double(l, s->utilisation);
    putf(l, ",\"flags\":%" PRIu32 ",\"features\":[", s->flags);
    for (uint32_t f = 0; f < s->n_features && f < TRD_MAX_FEATURES; f++) {
        if (f)
            puts_(l, ",");
        put_double(l, s->features[f]);
    }
    puts_(l, "]}");
}

trd_status trd_traced_observe(trd_trace *t, trd_ctx *ctx, const trd_sample *samples, size_t count)
{
    trd_status st = trd_ctx_observe(ctx, samples, count);
    if (st != TRD_OK || count == 0)
        return st;
    line l = {0};
    puts_(&l, "{\"t\":\"observe\",\"samples\":[");
    for (size_t i = 0; i < count; i++) {
        if (i)
            puts_(&l, ",");
        put_sample(&l, &samples[i]);
    }
    puts_(&l, "]}");
    emit(t, &l);
    return st;
}

trd_status trd_traced_report_event(trd_trace *t, trd_ctx *ctx, const trd_event *e)
{
    trd_status st = trd_ctx_report_event(ctx, e);
    if (st != TRD_OK)
        return st;
    line l = {0};
    puts_(&l, "{\"t\":\"event\",\"time_ns\":");
    put_u64(&l, e->time_ns);
    puts_(&l, ",\"plan_id\":");
    put_u64(&l, e->plan_id);
    puts_(&l, ",\"duration_s\":");
    put_double(&l, e->duration_s);
    puts_(&l, ",\"peak_bytes\":");
    put_double(&l, e->peak_bytes);
    putf(&l, ",\"kind\":%" PRIu32 ",\"op\":%" PRIu32 ",\"node\":%" PRIu32 ",\"member\":%" PRIu32, e->kind, e->op,
         e->node, e->member);
    putf(&l, ",\"config\":%" PRIu32 ",\"from_config\":%" PRIu32 ",\"count\":%" PRIu32 ",\"instance\":%" PRIu32 "}",
         e->config, e->from_config, e->count, e->instance);
    emit(t, &l);
    return st;
}

trd_status trd_traced_poll(trd_trace *t, trd_ctx *ctx, uint64_t now_ns, trd_plan **out_plan)
{
    trd_status st = trd_ctx_poll(ctx, now_ns, out_plan);
    /* Failed polls are recorded too: a step that failed still moved the loop's clock. */
    line l = {0};
    puts_(&l, "{\"t\":\"poll\",\"now\":");
    put_u64(&l, now_ns);
    putf(&l, ",\"status\":%d,\"plan\":", (int)st);
    const trd_plan *p = st == TRD_OK ? *out_plan : NULL;
    size_t len = 0;
    if (p && trd_plan_to_json(p, NULL, 0, &len) == TRD_OK) {
        char *json = malloc(len + 1);
        if (json && trd_plan_to_json(p, json, len + 1, NULL) == TRD_OK)
            put(&l, json, len);
        else
            l.failed = 1;
        free(json);
    } else {
        puts_(&l, "null");
    }
    puts_(&l, "}");
    emit(t, &l);
    return st;
}

trd_status trd_traced_report_outcome(trd_trace *t, trd_ctx *ctx, uint64_t plan_id, trd_outcome outcome,
                                     uint64_t now_ns)
{
    trd_status st = trd_ctx_report_outcome(ctx, plan_id, outcome, now_ns);
    if (st != TRD_OK)
        return st;
    static const char *const names[] = {"", "applied", "partial", "failed"};
    line l = {0};
    puts_(&l, "{\"t\":\"outcome\",\"plan\":");
    put_u64(&l, plan_id);
    putf(&l, ",\"outcome\":\"%s\",\"now\":", names[outcome]);
    put_u64(&l, now_ns);
    puts_(&l, "}");
    emit(t, &l);
    return st;
}

trd_status trd_traced_request_transition(trd_trace *t, trd_ctx *ctx, uint32_t op, uint32_t config,
                                         double predicted_items_per_s)
{
    trd_status st = trd_ctx_request_transition(ctx, op, config, predicted_items_per_s);
    if (st != TRD_OK)
        return st;
    line l = {0};
    putf(&l, "{\"t\":\"request_transition\",\"op\":%" PRIu32 ",\"config\":%" PRIu32 ",\"rate\":", op, config);
    put_double(&l, predicted_items_per_s);
    puts_(&l, "}");
    emit(t, &l);
    return st;
}

trd_status trd_traced_cancel_transition(trd_trace *t, trd_ctx *ctx, uint32_t op)
{
    trd_status st = trd_ctx_cancel_transition(ctx, op);
    if (st != TRD_OK)
        return st;
    line l = {0};
    putf(&l, "{\"t\":\"cancel_transition\",\"op\":%" PRIu32 "}", op);
    emit(t, &l);
    return st;
}

trd_status trd_traced_invalidate(trd_trace *t, trd_ctx *ctx, uint32_t op, uint32_t config)
{
    trd_status st = trd_ctx_invalidate(ctx, op, config);
    if (st != TRD_OK)
        return st;
    line l = {0};
    putf(&l, "{\"t\":\"invalidate\",\"op\":%" PRIu32 ",\"config\":%" PRIu32 "}", op, config);
    emit(t, &l);
    return st;
}
