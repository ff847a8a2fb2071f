/* scenario_load.c -- reads a scenario: the model through libtrident, then the `simulation:` section. */
#include "scenario_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/diag.h"

#define SIM_MAX_FILE_BYTES (16u << 20)

/* libtrident names string input "<string>"; messages should name the scenario's file. */
static sim_status model_error(sim_scenario *sc, trd_status st, sim_error *err)
{
    const char *msg = trd_ctx_last_error(sc->model);
    if (strncmp(msg, "<string>", 8) == 0)
        return sim_fail(err, SIM_E_MODEL, "%s%s (%s)", sc->source, msg + 8, trd_status_name(st));
    return sim_fail(err, SIM_E_MODEL, "%s: %s (%s)", sc->source, msg, trd_status_name(st));
}

static sim_status resolve_op_features(sim_scenario *sc, sim_error *err)
{
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        sim_op *op = &sc->ops[i];
        for (uint32_t f = 0; f < op->n_features; f++) {
            const char *name = trd_ctx_feature_name(sc->model, i, f);
            op->features[f] = sim_scenario_feature(sc, op->name, name);
            if (op->features[f] == SIM_NO_FEATURE)
                return sim_fail(err, SIM_E_PARSE,
                                "%s: operator '%s' reports feature '%s', but the workload defines neither '%s.%s' "
                                "nor '%s'", sc->source, op->name, name, op->name, name, name);
        }
    }
    return SIM_OK;
}

/* Device share and memory cap of an operator's instance, as the model's validation packs them. */
static void device_shapes(sim_scenario *sc)
{
    double device_memory = 0;
    for (uint32_t k = 0; k < sc->n_machines; k++)
        if (sc->machines[k].gpus && (device_memory == 0 || sc->machines[k].gpu_memory_bytes < device_memory))
            device_memory = sc->machines[k].gpu_memory_bytes;
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        sim_op *op = &sc->ops[i];
        if (op->gpus <= 0)
            continue;
        op->device_cap_bytes = op->gpu_memory_bytes > 0 ? op->gpu_memory_bytes : device_memory;
        op->device_share = op->gpus;
        if (op->gpus < 1 && device_memory > 0 && op->gpu_memory_bytes / device_memory > op->device_share)
            op->device_share = op->gpu_memory_bytes / device_memory;
    }
}

static sim_status read_section(sim_scenario *sc, const sim_ynode *root, sim_error *err)
{
    sim_yreader r = {sc->source, err};
    const sim_ynode *sim = sim_y_find(root, "simulation"), *w, *ops;
    if (!sim)
        return sim_y_fail(&r, root, "the file has no 'simulation' section (docs/yaml.md, \"Simulation\")");
    static const char *const keys[] = {"seed",  "window",    "bin",       "max_time", "queue_partitions",
                                       "workload", "operators", NULL};
    double seed = 1, queue = 64;
    sc->window_s = 10;
    sc->bin_s = 60;
    sc->max_time_s = 7 * 86400.0;
    sim_status st;
    if ((st = sim_y_mapping(&r, sim, "'simulation'", keys)) != SIM_OK ||
        (st = sim_y_opt_number(&r, sim, "seed", SIM_Y_NUMBER, 0, 9007199254740991.0, &seed)) != SIM_OK ||
        (st = sim_y_opt_number(&r, sim, "window", SIM_Y_SECONDS, 0.1, 86400, &sc->window_s)) != SIM_OK ||
        (st = sim_y_opt_number(&r, sim, "bin", SIM_Y_SECONDS, 1, 86400, &sc->bin_s)) != SIM_OK ||
        (st = sim_y_opt_number(&r, sim, "max_time", SIM_Y_SECONDS, 1, 365 * 86400.0, &sc->max_time_s)) != SIM_OK ||
        (st = sim_y_opt_number(&r, sim, "queue_partitions", SIM_Y_NUMBER, 1, 1e6, &queue)) != SIM_OK ||
        (st = sim_y_required(&r, sim, "workload", "'simulation'", &w)) != SIM_OK ||
        (st = sim_read_workload(&r, sc, w)) != SIM_OK || (st = resolve_op_features(sc, err)) != SIM_OK ||
        (st = sim_y_required(&r, sim, "operators", "'simulation'", &ops)) != SIM_OK ||
        (st = sim_read_operators(&r, sc, ops)) != SIM_OK)
        return st;
    if (seed != floor(seed) || queue != floor(queue))
        return sim_y_fail(&r, sim, "'seed' and 'queue_partitions' must be whole numbers");
    sc->seed = (uint64_t)seed;
    sc->queue_partitions = (uint32_t)queue;
    return SIM_OK;
}

static sim_status parse(sim_scenario *sc, sim_error *err)
{
    trd__alloc alloc;
    trd__alloc_init_default(&alloc);
    trd__arena ar;
    trd__arena_init(&ar, &alloc);
    trd__diag d = {{0}, TRD__WHERE_NONE, 0};
    trd__ylimits limits = {32}; /* libtrident's default yaml_max_depth: the model loaded the same text */
    trd__ynode *root = NULL;
    sim_status st = SIM_OK;
    trd_status ts = trd__yaml_parse(&ar, sc->source, sc->yaml_text, sc->yaml_len, &limits, &root, &d);
    if (ts != TRD_OK)
        st = sim_fail(err, ts == TRD_E_NOMEM ? SIM_E_NOMEM : SIM_E_PARSE, "%s", d.msg);
    else
        st = read_section(sc, root, err);
    trd__arena_free(&ar);
    return st;
}

sim_status sim_scenario_load_string(const char *source, const char *text, size_t len, uint64_t items,
                                    sim_scenario **out, sim_error *err)
{
    sim_scenario *sc = calloc(1, sizeof *sc);
    if (!sc || !(sc->yaml_text = malloc(len + 1))) {
        free(sc);
        return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", source);
    }
    memcpy(sc->yaml_text, text, len);
    sc->yaml_text[len] = '\0';
    sc->yaml_len = len;
    snprintf(sc->source, sizeof sc->source, "%s", source);
    const char *base = strrchr(source, '/');
    snprintf(sc->name, sizeof sc->name, "%s", base ? base + 1 : source);
    char *dot = strrchr(sc->name, '.');
    if (dot && dot != sc->name)
        *dot = '\0';

    sim_status st = SIM_OK;
    trd_status ts = trd_ctx_new(&sc->model);
    if (ts != TRD_OK)
        st = sim_fail(err, SIM_E_NOMEM, "%s: out of memory", source);
    else if ((ts = trd_ctx_load_yaml_string(sc->model, text, len)) != TRD_OK)
        st = model_error(sc, ts, err);
    if (st == SIM_OK)
        st = sim_read_model(sc, err);
    if (st == SIM_OK) {
        device_shapes(sc);
        st = parse(sc, err);
    }
    if (st == SIM_OK && items > 0)
        st = sim_scenario_set_items(sc, items, err);
    if (st != SIM_OK) {
        sim_scenario_free(sc);
        return st;
    }
    *out = sc;
    return SIM_OK;
}

sim_status sim_scenario_load(const char *path, uint64_t items, sim_scenario **out, sim_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sim_fail(err, SIM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    char *text = malloc(SIM_MAX_FILE_BYTES + 1);
    size_t len = text ? fread(text, 1, SIM_MAX_FILE_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!text)
        return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", path);
    sim_status st;
    if (bad)
        st = sim_fail(err, SIM_E_IO, "%s: read error", path);
    else if (len > SIM_MAX_FILE_BYTES)
        st = sim_fail(err, SIM_E_IO, "%s: larger than %u bytes", path, SIM_MAX_FILE_BYTES);
    else
        st = sim_scenario_load_string(path, text, len, items, out, err);
    free(text);
    return st;
}

void sim_scenario_free(sim_scenario *sc)
{
    if (!sc)
        return;
    for (uint32_t i = 0; sc->ops && i < sc->n_ops; i++) {
        free(sc->ops[i].knobs);
        free(sc->ops[i].model_configs);
        free(sc->ops[i].in_edges);
        free(sc->ops[i].out_edges);
        free(sc->ops[i].route);
    }
    for (uint32_t g = 0; sc->regimes && g < sc->n_regimes; g++)
        free(sc->regimes[g].features);
    free(sc->ops);
    free(sc->edges);
    free(sc->topo);
    free(sc->machines);
    free(sc->devices_machine);
    free(sc->machine_of_node);
    free(sc->feature_names);
    free(sc->regimes);
    free(sc->segments);
    free(sc->yaml_text);
    trd_ctx_free(sc->model);
    free(sc);
}

double sim_scale_of(const sim_scale *s, const double *f)
{
    double x = 1;
    for (uint32_t i = 0; i < s->n; i++) {
        double v = f[s->term[i].feature] / s->term[i].ref;
        x *= s->term[i].exponent == 1 ? v : pow(v, s->term[i].exponent);
    }
    return x;
}

uint32_t sim_op_batch(const sim_op *op, const double *cfg)
{
    if (op->cost.batch_knob != UINT32_MAX)
        return (uint32_t)cfg[op->cost.batch_knob];
    return op->cost.batch_default;
}
