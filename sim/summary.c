/* summary.c -- aggregation over seeds and the summary files (JSON and Markdown). */
#include "summary.h"

#include <math.h>
#include <string.h>

static const sim_result *run_of(const sim_summary_scenario *s, uint32_t p, uint32_t k)
{
    return &s->runs[(size_t)p * s->n_seeds + k];
}

static uint32_t policy_index(const sim_summary_scenario *s, const char *name)
{
    for (uint32_t p = 0; p < s->n_policies; p++)
        if (strcmp(run_of(s, p, 0)->policy, name) == 0)
            return p;
    return UINT32_MAX;
}

void sim_summary_stats(const sim_summary_scenario *s, uint32_t p, sim_policy_stats *o)
{
    memset(o, 0, sizeof *o);
    uint32_t st = policy_index(s, "static"), orc = policy_index(s, "oracle");
    double n = s->n_seeds;
    o->finished = 1;
    for (uint32_t k = 0; k < s->n_seeds; k++) {
        const sim_result *r = run_of(s, p, k);
        o->throughput += r->throughput_per_s / n;
        o->makespan_s += r->makespan_s / n;
        o->latency_s += r->mean_latency_s / n;
        o->ooms += (double)r->ooms / n;
        o->reconfigurations += (double)r->reconfigurations / n;
        o->plans += (double)r->plans / n;
        o->util_cpu += r->util_cpu / n;
        o->util_gpu += r->util_gpu / n;
        o->alloc_cpu += r->alloc_cpu / n;
        o->alloc_gpu += r->alloc_gpu / n;
        o->wall_s += r->wall_s / n;
        o->sim_per_wall += (r->wall_s > 0 ? r->makespan_s / r->wall_s : 0) / n;
        o->finished &= r->finished;
        /* Ratios per seed (the same documents for every policy), then their mean. */
        if (st != UINT32_MAX)
            o->throughput_vs_static += r->throughput_per_s / run_of(s, st, k)->throughput_per_s / n;
        if (orc != UINT32_MAX)
            o->fraction_of_oracle += r->throughput_per_s / run_of(s, orc, k)->throughput_per_s / n;
    }
    if (st == UINT32_MAX)
        o->throughput_vs_static = NAN;
    if (orc == UINT32_MAX)
        o->fraction_of_oracle = NAN;
}

/* JSON numbers: six significant digits, "C" formatting (the CLI never sets a locale); NaN as null. */
static void num(FILE *f, const char *key, double v, const char *tail)
{
    if (isfinite(v))
        fprintf(f, "\"%s\": %.6g%s", key, v, tail);
    else
        fprintf(f, "\"%s\": null%s", key, tail);
}

static void run_json(FILE *f, const sim_result *r, int timing, const char *indent)
{
    fprintf(f, "%s{\"seed\": %llu, \"finished\": %s, ", indent, (unsigned long long)r->seed,
            r->finished ? "true" : "false");
    num(f, "throughput_per_s", r->throughput_per_s, ", ");
    num(f, "time_to_finish_s", r->makespan_s, ", ");
    num(f, "mean_latency_s", r->mean_latency_s, ", ");
    fprintf(f, "\"items\": %llu, \"items_output\": %llu, \"items_filtered\": %llu, \"ooms\": %llu, "
               "\"reconfigurations\": %llu, \"plans\": %llu, \"instance_starts\": %llu, \"instance_stops\": %llu, "
               "\"instance_restarts\": %llu, \"events\": %llu, ",
            (unsigned long long)r->items, (unsigned long long)r->items_output, (unsigned long long)r->items_filtered,
            (unsigned long long)r->ooms, (unsigned long long)r->reconfigurations, (unsigned long long)r->plans,
            (unsigned long long)r->instance_starts, (unsigned long long)r->instance_stops,
            (unsigned long long)r->instance_restarts, (unsigned long long)r->events);
    fprintf(f, "\"utilisation\": {");
    num(f, "cpu", r->util_cpu, ", ");
    num(f, "gpu", r->util_gpu, "}, ");
    fprintf(f, "\"allocation\": {");
    num(f, "cpu", r->alloc_cpu, ", ");
    num(f, "gpu", r->alloc_gpu, "}");
    if (timing) {
        fprintf(f, ", ");
        num(f, "sim_seconds", r->wall_s, ", ");
        num(f, "sim_time_per_wall_s", r->wall_s > 0 ? r->makespan_s / r->wall_s : NAN, "");
    }
    fprintf(f, "}");
}

int sim_result_write_json(FILE *f, const char *scenario, const sim_result *r, int timing)
{
    fprintf(f, "{\"scenario\": \"%s\", \"policy\": \"%s\", \"run\":\n", scenario, r->policy);
    run_json(f, r, timing, "  ");
    fprintf(f, ",\n \"segment_start_s\": [");
    for (uint32_t i = 0; i < r->n_segments; i++)
        fprintf(f, "%s%.6g", i ? ", " : "", r->segment_start_s[i]);
    fprintf(f, "],\n \"throughput_per_bin\": {\"bin_s\": %.6g, \"items_per_s\": [", r->bin_s);
    for (uint32_t i = 0; i < r->n_bins; i++)
        fprintf(f, "%s%.6g", i ? ", " : "", r->bins[i]);
    fprintf(f, "]}}\n");
    return ferror(f) ? -1 : 0;
}

int sim_summary_write_json(FILE *f, const sim_summary_scenario *sv, uint32_t n, int timing)
{
    fprintf(f, "{\n \"tool\": \"trident-sim\",\n \"scenarios\": {");
    for (uint32_t i = 0; i < n; i++) {
        const sim_summary_scenario *s = &sv[i];
        fprintf(f, "%s\n  \"%s\": {\n   \"items\": %llu,\n   \"seeds\": [", i ? "," : "", s->name,
                (unsigned long long)s->items);
        for (uint32_t k = 0; k < s->n_seeds; k++)
            fprintf(f, "%s%llu", k ? ", " : "", (unsigned long long)run_of(s, 0, k)->seed);
        fprintf(f, "],\n   \"regimes\": [");
        for (uint32_t g = 0; g < s->n_segments; g++)
            fprintf(f, "%s\"%s\"", g ? ", " : "", s->segment_regime[g]);
        fprintf(f, "],\n   \"policies\": {");
        for (uint32_t p = 0; p < s->n_policies; p++) {
            sim_policy_stats st;
            sim_summary_stats(s, p, &st);
            fprintf(f, "%s\n    \"%s\": {\n     ", p ? "," : "", run_of(s, p, 0)->policy);
            num(f, "throughput_per_s", st.throughput, ", ");
            num(f, "throughput_vs_static", st.throughput_vs_static, ", ");
            num(f, "fraction_of_oracle", st.fraction_of_oracle, ",\n     ");
            num(f, "time_to_finish_s", st.makespan_s, ", ");
            num(f, "mean_latency_s", st.latency_s, ", ");
            num(f, "ooms", st.ooms, ", ");
            num(f, "reconfigurations", st.reconfigurations, ", ");
            num(f, "plans", st.plans, ",\n     ");
            fprintf(f, "\"utilisation\": {");
            num(f, "cpu", st.util_cpu, ", ");
            num(f, "gpu", st.util_gpu, "}, \"allocation\": {");
            num(f, "cpu", st.alloc_cpu, ", ");
            num(f, "gpu", st.alloc_gpu, "}, ");
            fprintf(f, "\"finished\": %s,\n     ", st.finished ? "true" : "false");
            if (timing) {
                num(f, "sim_seconds", st.wall_s, ", ");
                num(f, "sim_time_per_wall_s", st.sim_per_wall, ",\n     ");
            }
            fprintf(f, "\"runs\": [\n");
            for (uint32_t k = 0; k < s->n_seeds; k++) {
                run_json(f, run_of(s, p, k), timing, "      ");
                fprintf(f, "%s\n", k + 1 < s->n_seeds ? "," : "");
            }
            fprintf(f, "     ]}");
        }
        fprintf(f, "\n   }\n  }");
    }
    fprintf(f, "\n }\n}\n");
    return ferror(f) ? -1 : 0;
}

/* A table cell: v with `decimals` digits after the point (-1: four significant digits) and a suffix. */
static void cell(FILE *f, double v, int decimals, const char *suffix)
{
    if (!isfinite(v))
        fprintf(f, " - |");
    else if (decimals < 0)
        fprintf(f, " %.4g%s |", v, suffix);
    else
        fprintf(f, " %.*f%s |", decimals, v, suffix);
}

int sim_summary_write_markdown(FILE *f, const sim_summary_scenario *sv, uint32_t n, const char *command)
{
    for (uint32_t i = 0; i < n; i++) {
        const sim_summary_scenario *s = &sv[i];
        fprintf(f, "%s### %s: %llu source items, regimes", i ? "\n" : "", s->name, (unsigned long long)s->items);
        for (uint32_t g = 0; g < s->n_segments; g++)
            fprintf(f, "%s %s", g ? " ->" : "", s->segment_regime[g]);
        fprintf(f, ", %u seed%s\n\n", s->n_seeds, s->n_seeds == 1 ? "" : "s");
        fprintf(f, "| policy | items/s | vs static | of oracle | time to finish (h) | OOMs | reconfigurations | "
                   "CPU busy | GPU busy | CPU alloc | GPU alloc |\n");
        fprintf(f, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (uint32_t p = 0; p < s->n_policies; p++) {
            sim_policy_stats st;
            sim_summary_stats(s, p, &st);
            fprintf(f, "| %s%s |", run_of(s, p, 0)->policy, st.finished ? "" : " (unfinished)");
            cell(f, st.throughput, -1, "");
            cell(f, st.throughput_vs_static, 2, "x");
            cell(f, st.fraction_of_oracle, 3, "");
            cell(f, st.makespan_s / 3600, 2, "");
            cell(f, st.ooms, 1, "");
            cell(f, st.reconfigurations, 1, "");
            cell(f, 100 * st.util_cpu, 0, "%");
            cell(f, 100 * st.util_gpu, 0, "%");
            cell(f, 100 * st.alloc_cpu, 0, "%");
            cell(f, 100 * st.alloc_gpu, 0, "%");
            fprintf(f, "\n");
        }
        fprintf(f, "\nSimulation speed (wall clock, this machine):");
        for (uint32_t p = 0; p < s->n_policies; p++) {
            sim_policy_stats st;
            sim_summary_stats(s, p, &st);
            fprintf(f, "%s %s %.2f s per run (%.0fx real time)", p ? ";" : "", run_of(s, p, 0)->policy, st.wall_s,
                    st.sim_per_wall);
        }
        fprintf(f, ".\n");
    }
    if (command)
        fprintf(f, "\nProduced by `%s`.\n", command);
    return ferror(f) ? -1 : 0;
}
