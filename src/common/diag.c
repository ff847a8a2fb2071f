/* diag.c -- formatting of error messages. */
#include "common/diag.h"

#include <stdio.h>
#include <string.h>

trd_status trd__vfail(trd__diag *d, trd_status status, const char *fmt, va_list ap)
{
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    d->where = TRD__WHERE_NONE;
    d->where_index = 0;
    return status;
}

trd_status trd__fail(trd__diag *d, trd_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trd__vfail(d, status, fmt, ap);
    va_end(ap);
    return status;
}

void trd__diag_prefix(trd__diag *d, const char *fmt, ...)
{
    char prefix[TRD__MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    size_t plen = strlen(prefix);
    size_t mlen = strlen(d->msg);
    if (plen >= sizeof d->msg - 1) {
        memcpy(d->msg, prefix, sizeof d->msg - 1);
        d->msg[sizeof d->msg - 1] = '\0';
        return;
    }
    if (plen + mlen > sizeof d->msg - 1)
        mlen = sizeof d->msg - 1 - plen;
    memmove(d->msg + plen, d->msg, mlen);
    memcpy(d->msg, prefix, plen);
    d->msg[plen + mlen] = '\0';
}
