/* json.h -- a small JSON writer into a caller-owned buffer.
 *
 * It never allocates: output beyond the buffer is counted but not stored, so one pass both fills a large
 * enough buffer and reports the size a too-small one would need (the snprintf convention). */
#ifndef TRD_COMMON_JSON_H
#define TRD_COMMON_JSON_H

#include <stddef.h>
#include <stdint.h>

#define TRD__JSON_MAX_DEPTH 32

typedef struct trd__json {
    char *buf;
    size_t cap;
    size_t len;                                /* bytes produced so far, stored or not */
    unsigned depth;
    unsigned char has_items[TRD__JSON_MAX_DEPTH]; /* a comma is due before the next item at this depth */
    unsigned char after_key;
} trd__json;

void trd__json_init(trd__json *j, char *buf, size_t cap);
void trd__json_object_begin(trd__json *j);
void trd__json_object_end(trd__json *j);
void trd__json_array_begin(trd__json *j);
void trd__json_array_end(trd__json *j);
void trd__json_key(trd__json *j, const char *key);
void trd__json_string(trd__json *j, const char *s);
void trd__json_double(trd__json *j, double v);  /* shortest round-trip form; non-finite -> null */
void trd__json_uint(trd__json *j, uint64_t v);
void trd__json_bool(trd__json *j, int v);
void trd__json_null(trd__json *j);

/* NUL-terminates what fits and returns the full length (excluding the NUL). */
size_t trd__json_finish(trd__json *j);

#endif
