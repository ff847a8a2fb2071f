/* numfmt.c -- see numfmt.h for why the locale must be kept out. */
#include "common/numfmt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The `prec` significant digits of |x| and its decimal exponent, so that |x| ~ d1.d2...dp x 10^exp10.
 * Only the digits of printf's %e output are read, so the locale's decimal point never matters. */
static int sci_digits(double x, int prec, char *digits, int *exp10)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
    int nd = 0;
    const char *p = tmp;
    if (*p == '-')
        p++;
    for (; *p && *p != 'e' && *p != 'E'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    digits[nd] = '\0';
    *exp10 = (*p) ? atoi(p + 1) : 0;
    return nd;
}

/* strtod over "digits e exp" with no decimal point, which reads the same in every locale. */
static double read_back(int negative, const char *digits, int nd, int exp10)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s%.*se%d", negative ? "-" : "", nd, digits, exp10 - (nd - 1));
    return strtod(tmp, NULL);
}

size_t trd__fmt_double(char out[TRD__NUM_CAP], double x)
{
    if (!isfinite(x)) {
        memcpy(out, "null", 5);
        return 4;
    }
    if (x == 0) {
        if (signbit(x)) {
            memcpy(out, "-0", 3);
            return 2;
        }
        memcpy(out, "0", 2);
        return 1;
    }
    /* Whole numbers below 2^53 (counts, bytes, ids: most of what we print) need no search: %.0f prints only
     * digits and a sign, which no locale changes. */
    if (x == floor(x) && fabs(x) < 9007199254740992.0) {
        int n = snprintf(out, TRD__NUM_CAP, "%.0f", x);
        return (size_t)n;
    }
    char digits[24];
    int nd = 0, e = 0;
    int negative = x < 0;
    /* The fewest digits that read back exactly.  Short decimals (0.5, 0.25) are the common case, so try up
     * to 3 digits in turn; beyond that reading back is monotone in the digit count (17 always suffice), so
     * binary-search the rest. */
    int lo = 1, hi = 17, found = 0;
    for (; lo <= 3; lo++) {
        nd = sci_digits(x, lo, digits, &e);
        if (read_back(negative, digits, nd, e) == x) {
            found = 1;
            break;
        }
    }
    while (!found && lo < hi) {
        int mid = (lo + hi) / 2;
        nd = sci_digits(x, mid, digits, &e);
        if (read_back(negative, digits, nd, e) == x)
            hi = mid;
        else
            lo = mid + 1;
    }
    nd = sci_digits(x, lo, digits, &e);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;

    size_t n = 0;
    if (negative)
        out[n++] = '-';
    if (e >= -5 && e < 17) {
        /* Positional: up to 17 integer digits or 5 leading zeros, like %g with enough precision. */
        if (e < 0) {
            out[n++] = '0';
            out[n++] = '.';
            for (int i = 0; i < -e - 1; i++)
                out[n++] = '0';
            for (int i = 0; i < nd; i++)
                out[n++] = digits[i];
        } else {
            for (int i = 0; i <= e; i++)
                out[n++] = i < nd ? digits[i] : '0';
            if (nd > e + 1) {
                out[n++] = '.';
                for (int i = e + 1; i < nd; i++)
                    out[n++] = digits[i];
            }
        }
    } else {
        out[n++] = digits[0];
        if (nd > 1) {
            out[n++] = '.';
            for (int i = 1; i < nd; i++)
                out[n++] = digits[i];
        }
        n += (size_t)snprintf(out + n, TRD__NUM_CAP - n, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    out[n] = '\0';
    return n;
}

size_t trd__fmt_sig3(char out[TRD__NUM_CAP], double x)
{
    if (!isfinite(x) || x == 0)
        return trd__fmt_double(out, x);
    int e = (int)floor(log10(fabs(x)));
    /* Scale by an exact power of ten (an integer, or its reciprocal applied as a division) so the rounded value
     * is the double nearest the 3-digit decimal. */
    double r = e >= 2 ? round(x / pow(10, e - 2)) * pow(10, e - 2) : round(x * pow(10, 2 - e)) / pow(10, 2 - e);
    return trd__fmt_double(out, r);
}

void trd__fmt_bytes(char out[TRD__NUM_CAP], double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    double v = bytes;
    while (fabs(v) >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    /* Three significant digits, printed through trd__fmt_double to stay locale-free. */
    double scale = fabs(v) >= 100 ? 1 : fabs(v) >= 10 ? 10 : 100;
    v = round(v * scale) / scale;
    size_t n = trd__fmt_double(out, v);
    snprintf(out + n, TRD__NUM_CAP - n, " %s", units[u]);
}

int trd__parse_double(const char *s, size_t n, double *out)
{
    /* "-" + 600 mantissa digits + "e" + exponent: longer mantissas carry no information a double can hold
     * beyond rounding ties, and such inputs are rejected as malformed rather than guessed. */
    char buf[640];
    size_t i = 0, m = 0;
    int negative = 0, any_digit = 0;
    long exp_adjust = 0;

    if (i < n && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        any_digit = 1;
        if (m == 0 && s[i] == '0')
            continue; /* leading zeros */
        if (m >= 600)
            return TRD__NUM_SYNTAX;
        buf[1 + m++] = s[i];
    }
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            any_digit = 1;
            if (m == 0 && s[i] == '0') {
                exp_adjust--;
                continue;
            }
            if (m >= 600)
                return TRD__NUM_SYNTAX;
            buf[1 + m++] = s[i];
            exp_adjust--;
        }
    }
    if (!any_digit)
        return TRD__NUM_SYNTAX;
    long exp10 = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, edigit = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            edigit = 1;
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (s[i] - '0'); /* saturate: 1e100000 is out of range anyway */
        }
        if (!edigit)
            return TRD__NUM_SYNTAX;
        if (eneg)
            exp10 = -exp10;
    }
    if (i != n)
        return TRD__NUM_SYNTAX;
    if (m == 0) {
        *out = negative ? -0.0 : 0.0;
        return TRD__NUM_OK;
    }
    buf[0] = negative ? '-' : '+';
    snprintf(buf + 1 + m, sizeof buf - 1 - m, "e%ld", exp10 + exp_adjust);
    errno = 0;
    double v = strtod(buf, NULL);
    /* Overflow to infinity, or underflow of a non-zero number all the way to zero (subnormals are kept). */
    if (isinf(v) || v == 0)
        return TRD__NUM_RANGE;
    *out = v;
    return TRD__NUM_OK;
}

int trd__parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int negative = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    if (i == n)
        return TRD__NUM_SYNTAX;
    /* Accumulate as a negative number so INT64_MIN parses. */
    int64_t v = 0;
    int range = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return TRD__NUM_SYNTAX;
        int d = s[i] - '0';
        if (v < (INT64_MIN + d) / 10)
            range = 1;
        else
            v = v * 10 - d;
    }
    if (range || (!negative && v == INT64_MIN))
        return TRD__NUM_RANGE;
    *out = negative ? v : -v;
    return TRD__NUM_OK;
}
