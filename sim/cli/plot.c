/* plot.c -- throughput over time through gnuplot (Debian's gnuplot-nox, pngcairo terminal): one PNG per scenario,
 * one panel per policy, the mean over seeds of source items leaving per second in each bin, and a dashed
 * line where the source reached each new workload segment (mean time over seeds), labelled with its regime. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"

extern char **environ;

static const sim_result *run_of(const sim_summary_scenario *s, uint32_t p, uint32_t k)
{
    return &s->runs[(size_t)p * s->n_seeds + k];
}

static int write_data(const char *path, const sim_summary_scenario *s, double *ymin, double *ymax, double *xmax)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (uint32_t p = 0; p < s->n_policies; p++) {
        uint32_t bins = 0;
        for (uint32_t k = 0; k < s->n_seeds; k++)
            bins = run_of(s, p, k)->n_bins > bins ? run_of(s, p, k)->n_bins : bins;
        fprintf(f, "# %s\n", run_of(s, p, 0)->policy);
        for (uint32_t b = 0; b < bins; b++) {
            double sum = 0;
            for (uint32_t k = 0; k < s->n_seeds; k++)
                sum += b < run_of(s, p, k)->n_bins ? run_of(s, p, k)->bins[b] : 0;
            double t = (b + 0.5) * run_of(s, p, 0)->bin_s / 3600, y = sum / s->n_seeds;
            fprintf(f, "%.6g %.6g\n", t, y);
            *ymax = y > *ymax ? y : *ymax;
            if (y > 0 && b + 1 < bins && (*ymin == 0 || y < *ymin)) /* the last bin is partial */
                *ymin = y;
            *xmax = t > *xmax ? t : *xmax;
        }
        fprintf(f, "\n\n"); /* a new gnuplot data block (index) per policy */
    }
    return fclose(f);
}

static int write_script(const char *path, const char *dat, const char *png, const sim_summary_scenario *s,
                        double ymin, double ymax, double xmax)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    /* pngcairo: dashed lines and antialiasing; noenhanced: regime names keep their underscores. */
    fprintf(f, "set terminal pngcairo noenhanced size 1100,%u font ',10'\nset output '%s'\n", 120 + 260 * s->n_policies,
            png);
    fprintf(f, "set multiplot layout %u,1 title \"%s: source items/s leaving the pipeline (mean of %u seed%s; dashed: "
               "the source reaches a new regime)\"\n",
            s->n_policies, s->name, s->n_seeds, s->n_seeds == 1 ? "" : "s");
    fprintf(f, "set xlabel 'simulated time (h)'\nset ylabel 'items/s'\nset grid ytics\n");
    fprintf(f, "set xrange [0:%.6g]\n", xmax * 1.02 + 1e-9);
    /* Regimes whose rates differ by more than 20x (short clips, long videos) need a log scale to be seen. */
    if (ymin > 0 && ymax / ymin > 20)
        fprintf(f, "set logscale y\nset yrange [%.6g:%.6g]\n", ymin / 2, ymax * 2);
    else
        fprintf(f, "set yrange [0:%.6g]\n", ymax * 1.15 + 1e-9);
    for (uint32_t p = 0; p < s->n_policies; p++) {
        fprintf(f, "set title '%s'\nunset arrow\nunset label\n", run_of(s, p, 0)->policy);
        for (uint32_t g = 0; g < s->n_segments; g++) {
            double t = 0;
            for (uint32_t k = 0; k < s->n_seeds; k++)
                t += run_of(s, p, k)->segment_start_s[g] / 3600 / s->n_seeds;
            if (g > 0)
                fprintf(f, "set arrow from %.6g, graph 0 to %.6g, graph 1 nohead dashtype 2 lc rgb 'gray30'\n", t, t);
            /* Staggered heights: regimes that start close together stay readable. */
            fprintf(f, "set label '%s' at %.6g, graph %.2f offset 0.5,0\n", s->segment_regime[g], t,
                    0.92 - 0.1 * (g % 3));
        }
        fprintf(f, "plot '%s' index %u using 1:2 with lines lw 2 lc %u notitle\n", dat, p, p + 1);
    }
    fprintf(f, "unset multiplot\n");
    return fclose(f);
}

static int run_gnuplot(const char *script)
{
    char *argv[] = {"gnuplot", (char *)(uintptr_t)script, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "trident-sim: cannot run gnuplot (%s); install Debian's gnuplot-nox "
                        "(scripts/install-deps.sh does)\n", strerror(rc));
        return -1;
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "trident-sim: gnuplot failed on %s\n", script);
        return -1;
    }
    return 0;
}

int cli_plot(const char *dir, const sim_summary_scenario *sv, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const sim_summary_scenario *s = &sv[i];
        char dat[1024], gp[1024], png[1024];
        snprintf(dat, sizeof dat, "%s/throughput_%s.dat", dir, s->name);
        snprintf(gp, sizeof gp, "%s/throughput_%s.gp", dir, s->name);
        snprintf(png, sizeof png, "%s/throughput_%s.png", dir, s->name);
        if (strchr(dir, '\'')) {
            fprintf(stderr, "trident-sim: the output directory's name must not contain a quote\n");
            return -1;
        }
        double ymin = 0, ymax = 0, xmax = 0;
        if (write_data(dat, s, &ymin, &ymax, &xmax) || write_script(gp, dat, png, s, ymin, ymax, xmax)) {
            fprintf(stderr, "trident-sim: cannot write the plot files in %s: %s\n", dir, strerror(errno));
            return -1;
        }
        if (run_gnuplot(gp))
            return -1;
    }
    return 0;
}
