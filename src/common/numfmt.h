/* numfmt.h -- locale-independent conversion between doubles and text.
 *
 * The printf family's %g and strtod() follow LC_NUMERIC, so a host that calls setlocale(LC_ALL, "de_DE.UTF-8") would
 * get "0,5" in our JSON and stop parsing YAML numbers at the '.'.  These routines never read the locale's
 * decimal point: formatting takes only ASCII digits from printf's %e output, and parsing hands strtod a
 * string with no decimal point at all ("15e-1" for "1.5"), which every locale reads alike. */
#ifndef TRD_COMMON_NUMFMT_H
#define TRD_COMMON_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

#define TRD__NUM_CAP 32

/* Shortest text that reads back as exactly `x` ("0.1", "12", "1.5e-07", "-3e+20"); NaN and infinities
 * become "null" (the JSON convention).  Returns the length (< TRD__NUM_CAP). */
size_t trd__fmt_double(char out[TRD__NUM_CAP], double x);

/* `x` rounded to 3 significant digits for people ("0.123", "1.5", "12300"), in the same locale-free form. */
size_t trd__fmt_sig3(char out[TRD__NUM_CAP], double x);

/* A byte count for people: "512 B", "1.5 KiB", "80 GiB" (at most 3 significant digits). */
void trd__fmt_bytes(char out[TRD__NUM_CAP], double bytes);

/* Results of the parsers. */
enum { TRD__NUM_OK = 0, TRD__NUM_SYNTAX = -1, TRD__NUM_RANGE = -2 };

/* Parses all of s[0..n) as [+-]?(digits[.digits*]|.digits)([eE][+-]?digits)?.  Overflow to infinity and
 * underflow of a non-zero number to zero are TRD__NUM_RANGE; subnormal results are accepted. */
int trd__parse_double(const char *s, size_t n, double *out);

/* Parses all of s[0..n) as [+-]?digits into an int64 (TRD__NUM_RANGE on overflow). */
int trd__parse_int64(const char *s, size_t n, int64_t *out);

#endif
