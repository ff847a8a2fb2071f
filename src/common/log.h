/* log.h -- the per-context log sink (silent unless the host installs one). */
#ifndef TRD_COMMON_LOG_H
#define TRD_COMMON_LOG_H

#include "common/diag.h"
#include "trident.h"

typedef struct trd__log {
    trd_log_fn fn;
    void *user;
    trd_log_level max_level;
} trd__log;

/* Cheap test callers use before formatting anything expensive. */
static inline int trd__log_enabled(const trd__log *log, trd_log_level level)
{
    return log->fn != NULL && level != TRD_LOG_OFF && level <= log->max_level;
}

void trd__logf(const trd__log *log, trd_log_level level, const char *component, const char *fmt, ...)
    TRD__PRINTF(4, 5);

#endif
