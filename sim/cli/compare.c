/* compare.c -- `trident-sim compare`: every policy on every seed of every scenario, then DIR/summary.json,
 * DIR/summary.md and DIR/throughput.png. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define MAX_SCENARIOS 8
#define MAX_POLICIES 16
#define MAX_SEEDS 64

typedef struct compare_args {
    const char *scenarios[MAX_SCENARIOS];
    uint32_t n_scenarios;
    const sim_policy_vtable *policies[MAX_POLICIES];
    uint32_t n_policies;
    uint64_t seeds[MAX_SEEDS];
    uint32_t n_seeds;
    const char *out;
    uint64_t items;
    int timing, plot;
    cli_trident trident;   /* --param for the trident policy */
} compare_args;

static int parse_policies(compare_args *a, const char *list)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const sim_policy_vtable *pv = sim_policy_find(tok);
        if (!pv) {
            fprintf(stderr, "trident-sim compare: unknown policy '%s'\n", tok);
            cli_list_policies(stderr);
            return -1;
        }
        if (a->n_policies == MAX_POLICIES) {
            fprintf(stderr, "trident-sim compare: at most %d policies\n", MAX_POLICIES);
            return -1;
        }
        a->policies[a->n_policies++] = pv;
    }
    return a->n_policies ? 0 : -1;
}

/* "3", "1-5" or "1,4,9". */
static int parse_seeds(compare_args *a, const char *list)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t lo, hi;
        char *dash = strchr(tok, '-');
        if (dash)
            *dash = '\0';
        if (cli_parse_u64(tok, &lo) || (dash ? cli_parse_u64(dash + 1, &hi) : (hi = lo, 0)) || lo == 0 || hi < lo ||
            hi - lo >= MAX_SEEDS) {
            fprintf(stderr, "trident-sim compare: bad --seeds '%s' (e.g. 1-5 or 1,4,9; seeds are positive)\n", list);
            return -1;
        }
        for (uint64_t s = lo; s <= hi; s++) {
            if (a->n_seeds == MAX_SEEDS) {
                fprintf(stderr, "trident-sim compare: at most %d seeds\n", MAX_SEEDS);
                return -1;
            }
            a->seeds[a->n_seeds++] = s;
        }
    }
    return a->n_seeds ? 0 : -1;
}

static int parse(compare_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->timing = a->plot = 1;
    const char *seeds = "1";
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        int has = i + 1 < argc, took;
        if ((took = cli_trident_arg(&a->trident, argc, argv, &i, 0)) != 0) {
            if (took < 0)
                return -1;
        } else if (strcmp(s, "--policies") == 0 && has) {
            if (parse_policies(a, argv[++i]))
                return -1;
        } else if (strcmp(s, "--seeds") == 0 && has) {
            seeds = argv[++i];
        } else if (strcmp(s, "--out") == 0 && has) {
            a->out = argv[++i];
        } else if (strcmp(s, "--items") == 0 && has) {
            if (cli_parse_u64(argv[++i], &a->items) || a->items == 0) {
                fprintf(stderr, "trident-sim compare: --items wants a positive integer, got '%s'\n", argv[i]);
                return -1;
            }
        } else if (strcmp(s, "--no-timing") == 0) {
            a->timing = 0;
        } else if (strcmp(s, "--no-plot") == 0) {
            a->plot = 0;
        } else if (s[0] != '-' && a->n_scenarios < MAX_SCENARIOS) {
            a->scenarios[a->n_scenarios++] = s;
        } else {
            fprintf(stderr, "trident-sim compare: unexpected argument '%s'\n", s);
            return -1;
        }
    }
    if (parse_seeds(a, seeds))
        return -1;
    if (!a->n_scenarios || !a->n_policies || !a->out) {
        fprintf(stderr, "trident-sim compare: needs SCENARIO..., --policies and --out\n");
        return -1;
    }
    for (uint32_t p = 0; p < a->n_policies; p++)
        if (cli_trident_policy(&a->trident, &a->policies[p]) != 0)
            return -1;
    return 0;
}

static int run_all(const compare_args *a, sim_summary_scenario *sum, uint32_t si, int *unfinished)
{
    sim_error err = {{0}};
    sim_scenario *sc;
    if (sim_scenario_load(a->scenarios[si], a->items, &sc, &err) != SIM_OK) {
        fprintf(stderr, "trident-sim: %s\n", err.msg);
        return -1;
    }
    sim_summary_scenario *s = &sum[si];
    snprintf(s->name, sizeof s->name, "%s", sc->name);
    s->items = sc->items;
    s->n_segments = sc->n_segments < SIM_MAX_SEGMENTS ? sc->n_segments : SIM_MAX_SEGMENTS;
    for (uint32_t g = 0; g < s->n_segments; g++)
        snprintf(s->segment_regime[g], sizeof s->segment_regime[g], "%s", sc->regimes[sc->segments[g].regime].name);
    s->runs = calloc((size_t)a->n_policies * a->n_seeds, sizeof *s->runs);
    if (!s->runs) {
        fprintf(stderr, "trident-sim: out of memory\n");
        sim_scenario_free(sc);
        return -1;
    }
    int rc = 0;
    for (uint32_t p = 0; p < a->n_policies && rc == 0; p++)
        for (uint32_t k = 0; k < a->n_seeds && rc == 0; k++) {
            char label[160];
            snprintf(label, sizeof label, "%s / %s / seed %llu", sc->name, a->policies[p]->name,
                     (unsigned long long)a->seeds[k]);
            cli_progress prog;
            cli_progress_start(&prog, label);
            sim_run_options opt = {a->seeds[k], cli_progress_cb, &prog, 0.5, NULL};
            sim_result *r = &s->runs[(size_t)p * a->n_seeds + k];
            if (sim_run(sc, a->policies[p], &opt, r, &err) != SIM_OK) {
                cli_progress_end(&prog);
                fprintf(stderr, "trident-sim: %s: %s\n", label, err.msg);
                rc = -1;
                break;
            }
            cli_progress_end(&prog);
            if (!r->finished) {
                fprintf(stderr, "trident-sim: %s did not finish within max_time\n", label);
                *unfinished = 1;
            }
            fprintf(stderr, "%s: %.4g items/s, %.2f h, %.2f s wall\n", label, r->throughput_per_s,
                    r->makespan_s / 3600, r->wall_s);
            s->n_seeds = k + 1;
            s->n_policies = p + 1;
        }
    sim_scenario_free(sc);
    return rc;
}

static int write_file(const char *dir, const char *name, sim_summary_scenario *s, uint32_t n, const compare_args *a,
                      const char *command)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "trident-sim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = strstr(name, ".json") ? sim_summary_write_json(f, s, n, a->timing)
                                   : sim_summary_write_markdown(f, s, n, command);
    if (fclose(f) != 0 || rc != 0) {
        fprintf(stderr, "trident-sim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int cli_compare(int argc, char **argv)
{
    compare_args a;
    if (parse(&a, argc, argv))
        return CLI_USAGE;
    if (make_dirs(a.out) != 0) {
        fprintf(stderr, "trident-sim: cannot create %s: %s\n", a.out, strerror(errno));
        return CLI_FAILED;
    }
    /* The command as given, for the Markdown footer (paths as typed). */
    char command[1024] = "trident-sim compare";
    size_t used = strlen(command);
    for (int i = 0; i < argc && used + 2 < sizeof command; i++)
        used += (size_t)snprintf(command + used, sizeof command - used, " %s", argv[i]);
    sim_summary_scenario sum[MAX_SCENARIOS];
    memset(sum, 0, sizeof sum);
    int rc = CLI_OK, unfinished = 0;
    uint32_t done = 0;
    for (; done < a.n_scenarios; done++)
        if (run_all(&a, sum, done, &unfinished)) {
            rc = CLI_FAILED;
            break;
        }
    if (rc == CLI_OK && (write_file(a.out, "summary.json", sum, done, &a, command) ||
                         write_file(a.out, "summary.md", sum, done, &a, command)))
        rc = CLI_FAILED;
    if (rc == CLI_OK && a.plot && cli_plot(a.out, sum, done))
        rc = CLI_FAILED;
    if (rc == CLI_OK)
        sim_summary_write_markdown(stdout, sum, done, NULL);
    for (uint32_t i = 0; i < MAX_SCENARIOS; i++) {
        for (size_t k = 0; sum[i].runs && k < (size_t)a.n_policies * a.n_seeds; k++)
            sim_result_release(&sum[i].runs[k]);
        free(sum[i].runs);
    }
    return rc == CLI_OK && unfinished ? CLI_UNFINISHED : rc;
}
