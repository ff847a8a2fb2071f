/* sim_status.c -- status names and the message helper. */
#include "sim_status.h"

#include <stdio.h>

sim_status sim_fail(sim_error *err, sim_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}

const char *sim_status_name(sim_status st)
{
    switch (st) {
    case SIM_OK: return "SIM_OK";
    case SIM_E_PARSE: return "SIM_E_PARSE";
    case SIM_E_NOMEM: return "SIM_E_NOMEM";
    case SIM_E_INVALID: return "SIM_E_INVALID";
    case SIM_E_IO: return "SIM_E_IO";
    case SIM_E_MODEL: return "SIM_E_MODEL";
    case SIM_E_STUCK: return "SIM_E_STUCK";
    }
    return "SIM_E_UNKNOWN";
}
