/* json.c -- see json.h. */
#include "common/json.h"

#include <stdio.h>
#include <string.h>

#include "common/numfmt.h"

void trd__json_init(trd__json *j, char *buf, size_t cap)
{
    memset(j, 0, sizeof *j);
    j->buf = buf;
    j->cap = buf ? cap : 0;
}

static void put(trd__json *j, const char *s, size_t n)
{
    if (j->len < j->cap) {
        size_t room = j->cap - j->len;
        memcpy(j->buf + j->len, s, n < room ? n : room);
    }
    j->len += n;
}

/* Emits the separator that precedes a value or key at the current depth. */
static void item(trd__json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0 && j->depth <= TRD__JSON_MAX_DEPTH) {
        if (j->has_items[j->depth - 1])
            put(j, ",", 1);
        j->has_items[j->depth - 1] = 1;
    }
}

static void open_container(trd__json *j, const char *c)
{
    item(j);
    put(j, c, 1);
    if (j->depth < TRD__JSON_MAX_DEPTH)
        j->has_items[j->depth] = 0;
    j->depth++;
}

static void close_container(trd__json *j, const char *c)
{
    if (j->depth > 0)
        j->depth--;
    put(j, c, 1);
}

void trd__json_object_begin(trd__json *j) { open_container(j, "{"); }
void trd__json_object_end(trd__json *j) { close_container(j, "}"); }
void trd__json_array_begin(trd__json *j) { open_container(j, "["); }
void trd__json_array_end(trd__json *j) { close_container(j, "]"); }

static void quoted(trd__json *j, const char *s)
{
    put(j, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': put(j, "\\\"", 2); break;
        case '\\': put(j, "\\\\", 2); break;
        case '\n': put(j, "\\n", 2); break;
        case '\r': put(j, "\\r", 2); break;
        case '\t': put(j, "\\t", 2); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                put(j, esc, 6);
            } else {
                put(j, (const char *)p, 1);
            }
        }
    }
    put(j, "\"", 1);
}

void trd__json_key(trd__json *j, const char *key)
{
    item(j);
    quoted(j, key);
    put(j, ":", 1);
    j->after_key = 1;
}

void trd__json_string(trd__json *j, const char *s)
{
    item(j);
    quoted(j, s);
}

void trd__json_double(trd__json *j, double v)
{
    char num[TRD__NUM_CAP];
    size_t n = trd__fmt_double(num, v);
    item(j);
    put(j, num, n);
}

void trd__json_uint(trd__json *j, uint64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    item(j);
    put(j, num, (size_t)n);
}

void trd__json_bool(trd__json *j, int v)
{
    item(j);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void trd__json_null(trd__json *j)
{
    item(j);
    put(j, "null", 4);
}

size_t trd__json_finish(trd__json *j)
{
    if (j->cap > 0)
        j->buf[j->len < j->cap ? j->len : j->cap - 1] = '\0';
    return j->len;
}
