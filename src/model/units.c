/* units.c -- unit suffixes.  Decimal (KB = 1000) and binary (KiB = 1024) prefixes are both accepted because
 * both appear in hardware specs; network rates come in bits (Gbps) or bytes (GB/s). */
#include "model/units.h"

#include <math.h>
#include <string.h>

#include "common/numfmt.h"

typedef struct unit_row {
    const char *suffix;
    double factor;
} unit_row;

static const unit_row bytes_units[] = {
    {"B", 1},         {"KB", 1e3},           {"kB", 1e3},           {"MB", 1e6},          {"GB", 1e9},
    {"TB", 1e12},     {"PB", 1e15},          {"KiB", 1024.0},       {"MiB", 1048576.0},   {"GiB", 1073741824.0},
    {"TiB", 1099511627776.0}, {"PiB", 1125899906842624.0}, {NULL, 0},
};

static const unit_row rate_units[] = {
    {"bps", 0.125},  {"Kbps", 125.0},  {"kbps", 125.0}, {"Mbps", 125e3},   {"Gbps", 125e6},   {"Tbps", 125e9},
    {"B/s", 1},      {"KB/s", 1e3},    {"kB/s", 1e3},   {"MB/s", 1e6},     {"GB/s", 1e9},     {"TB/s", 1e12},
    {"KiB/s", 1024.0}, {"MiB/s", 1048576.0}, {"GiB/s", 1073741824.0}, {"TiB/s", 1099511627776.0}, {NULL, 0},
};

static const unit_row time_units[] = {
    {"ms", 1e-3}, {"s", 1}, {"min", 60}, {"h", 3600}, {NULL, 0},
};

static const unit_row *table(trd__unit unit)
{
    switch (unit) {
    case TRD__UNIT_BYTES: return bytes_units;
    case TRD__UNIT_RATE: return rate_units;
    case TRD__UNIT_SECONDS: return time_units;
    default: return NULL;
    }
}

const char *trd__unit_names(trd__unit unit)
{
    switch (unit) {
    case TRD__UNIT_BYTES: return "B, KB (or kB), MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB";
    case TRD__UNIT_RATE:
        return "bps, Kbps (or kbps), Mbps, Gbps, Tbps, B/s, KB/s (or kB/s), MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, "
               "TiB/s";
    case TRD__UNIT_SECONDS: return "ms, s, min, h";
    default: return "none";
    }
}

int trd__parse_quantity(const char *s, size_t n, trd__unit unit, double *out, const char **why)
{
    /* The number ends where the first letter or '/' begins (an exponent 'e'/'E' followed by a digit or
     * sign belongs to the number). */
    size_t end = 0;
    while (end < n) {
        char c = s[end];
        int numeric = (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-';
        if ((c == 'e' || c == 'E') && end + 1 < n &&
            ((s[end + 1] >= '0' && s[end + 1] <= '9') || s[end + 1] == '+' || s[end + 1] == '-'))
            numeric = 1;
        if (!numeric)
            break;
        end++;
    }
    size_t num_end = end;
    while (end < n && s[end] == ' ')
        end++;
    double v;
    int rc = trd__parse_double(s, num_end, &v);
    if (rc != TRD__NUM_OK) {
        *why = rc == TRD__NUM_RANGE ? "too large or too small for a double" : "expected a number";
        return rc;
    }
    if (end == n) {
        *out = v;
        return TRD__NUM_OK;
    }
    const unit_row *rows = table(unit);
    if (!rows) {
        *why = "expected a plain number without a unit";
        return TRD__NUM_SYNTAX;
    }
    for (const unit_row *r = rows; r->suffix; r++) {
        if (strlen(r->suffix) == n - end && memcmp(r->suffix, s + end, n - end) == 0) {
            v *= r->factor;
            if (!isfinite(v)) {
                *why = "the number is too large";
                return TRD__NUM_RANGE;
            }
            *out = v;
            return TRD__NUM_OK;
        }
    }
    *why = "unknown unit";
    return TRD__NUM_SYNTAX;
}
