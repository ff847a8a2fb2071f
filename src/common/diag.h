/* diag.h -- error messages: one sentence per failure, formatted into a fixed buffer (no allocation, so a
 * failing allocation can still be described). */
#ifndef TRD_COMMON_DIAG_H
#define TRD_COMMON_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "trident.h"

#if defined(__GNUC__)
#define TRD__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define TRD__PRINTF(fmt, args)
#endif

#define TRD__MSG_CAP 512

/* Which model object a failure is about, so that a loader can point at the object's place in its file. */
typedef enum trd__where {
    TRD__WHERE_NONE = 0,
    TRD__WHERE_NODE,
    TRD__WHERE_OP,
    TRD__WHERE_EDGE,
    TRD__WHERE_PLACEMENT
} trd__where;

typedef struct trd__diag {
    char msg[TRD__MSG_CAP];
    trd__where where;   /* set by whole-model validation; TRD__WHERE_NONE otherwise */
    uint32_t where_index;
} trd__diag;

/* Replaces the message and returns `status`, so that failures read `return trd__fail(d, TRD_E_..., ...)`. */
trd_status trd__fail(trd__diag *d, trd_status status, const char *fmt, ...) TRD__PRINTF(3, 4);
trd_status trd__vfail(trd__diag *d, trd_status status, const char *fmt, va_list ap) TRD__PRINTF(3, 0);

/* Records the object a failure is about (call right after trd__fail). */
static inline trd_status trd__diag_at(trd__diag *d, trd_status status, trd__where where, size_t index)
{
    d->where = where;
    d->where_index = (uint32_t)index;
    return status;
}

/* Prepends a formatted prefix to the current message (e.g. "pdf.yaml:3:7: "), truncating at the end. */
void trd__diag_prefix(trd__diag *d, const char *fmt, ...) TRD__PRINTF(2, 3);

#endif
