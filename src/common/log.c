/* log.c -- formats a message on the stack and hands it to the host's sink. */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

void trd__logf(const trd__log *log, trd_log_level level, const char *component, const char *fmt, ...)
{
    if (!trd__log_enabled(log, level))
        return;
    char line[TRD__MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log->fn(log->user, level, component, line);
}
