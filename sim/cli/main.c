/* trident-sim -- simulate libtrident's host pipelines under a scheduling policy.
 *
 *   trident-sim run SCENARIO --policy NAME [--seed N] [--items N] [--json OUT]
 *   trident-sim compare SCENARIO... --policies a,b,... [--seeds 1-5] --out DIR [--items N] [--no-timing]
 *   trident-sim policies
 *
 * Exit status: 0 success, 1 a failure (message on stderr), 2 a usage error, 3 a run hit max_time unfinished. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void cli_list_policies(FILE *f)
{
    fprintf(f, "policies:\n");
    for (size_t i = 0; sim_policy_at(i); i++)
        fprintf(f, "  %-20s %s\n", sim_policy_at(i)->name, sim_policy_at(i)->description);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: trident-sim run SCENARIO --policy NAME [--seed N] [--items N] [--json OUT] [--trace]\n"
               "                      [--param NAME=VALUE]... [--record TRACE] [--log FILE]\n"
               "       trident-sim compare SCENARIO... --policies a,b,... [--seeds 1-5] --out DIR [--items N] "
               "[--no-timing] [--no-plot] [--param NAME=VALUE]...\n"
               "       trident-sim policies\n"
               "SCENARIO is a pipeline YAML file with a 'simulation:' section (docs/yaml.md).  --trace prints every\n"
               "plan; --param sets a libtrident parameter of the trident policy, --record writes its libtrident calls\n"
               "as a trace for trident-replay, --log its loop's log.\n");
    cli_list_policies(f);
}

double cli_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void cli_progress_start(cli_progress *p, const char *label)
{
    p->label = label;
    p->started = p->last_line = cli_wall();
    p->tty = isatty(STDERR_FILENO);
    p->printed = 0;
}

void cli_progress_cb(void *user, double sim_time_s, double done)
{
    cli_progress *p = user;
    double now = cli_wall();
    /* Short runs stay quiet; a terminal gets an updating line, a log a line after two seconds and then every ten. */
    if (now - p->started < 2 || (!p->tty && p->printed && now - p->last_line < 10))
        return;
    p->last_line = now;
    fprintf(stderr, "%s%s: %5.1f%% of items done, %.2f h simulated in %.1f s%s", p->tty ? "\r" : "", p->label,
            100 * done, sim_time_s / 3600, now - p->started, p->tty ? "" : "\n");
    p->printed = 1;
}

void cli_progress_end(cli_progress *p)
{
    if (p->printed && p->tty)
        fprintf(stderr, "\n");
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

typedef struct trace_ctx {
    cli_progress *prog;
    const sim_scenario *sc;
} trace_ctx;

/* --trace: every plan on stderr, as instances per operator (summed over machines) and config batch size. */
static void trace_plan(void *user, double t, const sim_plan *p)
{
    const trace_ctx *tc = user;
    const sim_scenario *sc = tc->sc;
    fprintf(stderr, "[%9.1f s] plan: %s%s\n", t, p->reason, p->instant ? " (instant)" : "");
    for (uint32_t op = 0; op < sc->n_ops; op++) {
        uint32_t n = 0, config = 0;
        for (size_t k = 0; k < p->n_targets; k++)
            if (p->targets[k].op == op) {
                n += p->targets[k].instances;
                config = p->targets[k].config;
            }
        size_t starts = 0, stops = 0, restarts = 0;
        for (size_t k = 0; k < p->n_actions; k++)
            if (p->actions[k].op == op) {
                starts += p->actions[k].kind == TRD_ACTION_START ? p->actions[k].count : 0;
                stops += p->actions[k].kind == TRD_ACTION_STOP ? p->actions[k].count : 0;
                restarts += p->actions[k].kind == TRD_ACTION_RECONFIGURE ? p->actions[k].count : 0;
            }
        fprintf(stderr, "    %-22s %4u instances (config %u)  +%zu -%zu ~%zu\n", sc->ops[op].name, n, config, starts,
                stops, restarts);
    }
}

static void progress_and_trace(void *user, double t, double done)
{
    cli_progress_cb(((trace_ctx *)user)->prog, t, done);
}

static int run_command(int argc, char **argv)
{
    const char *scenario = NULL, *policy = NULL, *json = NULL;
    int trace = 0, took;
    uint64_t seed = 0, items = 0;
    cli_trident topt;
    memset(&topt, 0, sizeof topt);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if ((took = cli_trident_arg(&topt, argc, argv, &i, 1)) != 0) {
            if (took < 0)
                return CLI_USAGE;
        } else if (strcmp(a, "--policy") == 0 && has)
            policy = argv[++i];
        else if (strcmp(a, "--trace") == 0)
            trace = 1;
        else if (strcmp(a, "--json") == 0 && has)
            json = argv[++i];
        else if (strcmp(a, "--seed") == 0 && has) {
            if (cli_parse_u64(argv[++i], &seed) || seed == 0) {
                fprintf(stderr, "trident-sim: --seed wants a positive integer, got '%s'\n", argv[i]);
                return CLI_USAGE;
            }
        } else if (strcmp(a, "--items") == 0 && has) {
            if (cli_parse_u64(argv[++i], &items) || items == 0) {
                fprintf(stderr, "trident-sim: --items wants a positive integer, got '%s'\n", argv[i]);
                return CLI_USAGE;
            }
        } else if (a[0] != '-' && !scenario)
            scenario = a;
        else {
            fprintf(stderr, "trident-sim run: unexpected argument '%s'\n", a);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!scenario || !policy) {
        fprintf(stderr, "trident-sim run: %s\n", !scenario ? "a SCENARIO file is required" : "--policy is required");
        usage(stderr);
        return CLI_USAGE;
    }
    const sim_policy_vtable *pv = sim_policy_find(policy);
    if (!pv) {
        fprintf(stderr, "trident-sim: unknown policy '%s'\n", policy);
        cli_list_policies(stderr);
        return CLI_USAGE;
    }
    if ((topt.opt.n_params || topt.opt.trace_path || topt.log_path) && pv != &sim_policy_trident) {
        fprintf(stderr, "trident-sim run: --param, --record and --log are options of the trident policy\n");
        return CLI_USAGE;
    }
    if (cli_trident_policy(&topt, &pv) != 0)
        return CLI_FAILED;
    sim_error err = {{0}};
    sim_scenario *sc;
    if (sim_scenario_load(scenario, items, &sc, &err) != SIM_OK) {
        fprintf(stderr, "trident-sim: %s\n", err.msg);
        cli_trident_close(&topt);
        return CLI_FAILED;
    }
    char label[160];
    snprintf(label, sizeof label, "%s / %s", sc->name, pv->name);
    cli_progress prog;
    cli_progress_start(&prog, label);
    trace_ctx tc = {&prog, sc};
    sim_run_options opt = {seed, progress_and_trace, &tc, 0.5, trace ? trace_plan : NULL};
    sim_result r;
    sim_status st = sim_run(sc, pv, &opt, &r, &err);
    cli_progress_end(&prog);
    cli_trident_close(&topt);
    if (st != SIM_OK) {
        fprintf(stderr, "trident-sim: %s: %s\n", sc->name, err.msg);
        sim_scenario_free(sc);
        return CLI_FAILED;
    }
    printf("%s / %s (seed %llu): %llu items (%llu output, %llu filtered) in %.0f s simulated: %.4g items/s; "
           "%llu OOMs, %llu reconfigurations; CPU busy %.0f%%, GPU busy %.0f%%; %.2f s wall (%.0fx)%s\n",
           sc->name, pv->name, (unsigned long long)r.seed, (unsigned long long)r.items,
           (unsigned long long)r.items_output, (unsigned long long)r.items_filtered, r.makespan_s, r.throughput_per_s,
           (unsigned long long)r.ooms, (unsigned long long)r.reconfigurations, 100 * r.util_cpu, 100 * r.util_gpu,
           r.wall_s, r.wall_s > 0 ? r.makespan_s / r.wall_s : 0, r.finished ? "" : " -- UNFINISHED at max_time");
    int rc = r.finished ? CLI_OK : CLI_UNFINISHED;
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f || sim_result_write_json(f, sc->name, &r, 1) != 0 || fclose(f) != 0) {
            fprintf(stderr, "trident-sim: cannot write %s: %s\n", json, strerror(errno));
            rc = CLI_FAILED;
        }
    }
    sim_result_release(&r);
    sim_scenario_free(sc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "run") == 0)
        return run_command(argc - 2, argv + 2);
    if (strcmp(argv[1], "compare") == 0)
        return cli_compare(argc - 2, argv + 2);
    if (strcmp(argv[1], "policies") == 0) {
        cli_list_policies(stdout);
        return CLI_OK;
    }
    fprintf(stderr, "trident-sim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
