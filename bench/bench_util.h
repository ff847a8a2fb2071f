/* bench_util.h -- what every benchmark needs: a monotonic clock, medians, and reading a file whole.  Header-only
 * (static functions) so each benchmark stays one translation unit; define _POSIX_C_SOURCE before including it. */
#ifndef TRIDENT_BENCH_UTIL_H
#define TRIDENT_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v). */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The whole file, NUL-terminated (caller frees); exits with a message naming `prog` if it cannot be read. */
static inline char *bench_read_file(const char *prog, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s\n", prog, path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: cannot read %s\n", prog, path);
        exit(1);
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

/* The options every benchmark takes: --quick (CTest's smoke run), --json PATH, and --seeds N where `seeds` is
 * given (else the option is refused).  Returns 1, or 0 after printing the usage line for `prog`. */
static inline int bench_args(int argc, char **argv, const char *prog, int *quick, const char **json, int *seeds)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            *quick = 1;
        } else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            *json = argv[++i];
        } else if (seeds && strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
            *seeds = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--quick]%s [--json PATH]\n", prog, seeds ? " [--seeds N]" : "");
            return 0;
        }
    }
    return 1;
}

#endif
