/* scenario_model.c -- the cluster and the pipeline as libtrident committed them, read through the public API:
 * node pools expanded into machines and devices, operators with resources, resolved times, knobs and configs,
 * edges and a topological order. */
#include "scenario_internal.h"

#include <stdlib.h>
#include <string.h>

static double node_attr(trd_ctx *m, uint32_t n, trd_node_attr a)
{
    double v = 0;
    trd_ctx_get_node_attr(m, n, a, &v);
    return v;
}

static double op_attr(trd_ctx *m, uint32_t i, trd_op_attr a)
{
    double v = 0;
    trd_ctx_get_operator_attr(m, i, a, &v);
    return v;
}

static sim_status read_cluster(sim_scenario *sc, sim_error *err)
{
    trd_ctx *m = sc->model;
    sc->n_nodes = trd_ctx_node_count(m);
    sc->machine_of_node = calloc(sc->n_nodes, sizeof *sc->machine_of_node);
    if (!sc->machine_of_node)
        return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", sc->source);
    for (uint32_t n = 0; n < sc->n_nodes; n++) {
        sc->machine_of_node[n] = sc->n_machines;
        sc->n_machines += (uint32_t)node_attr(m, n, TRD_NODE_COUNT);
        sc->n_devices += (uint32_t)(node_attr(m, n, TRD_NODE_COUNT) * node_attr(m, n, TRD_NODE_GPUS));
    }
    sc->machines = calloc(sc->n_machines ? sc->n_machines : 1, sizeof *sc->machines);
    sc->devices_machine = calloc(sc->n_devices ? sc->n_devices : 1, sizeof *sc->devices_machine);
    if (!sc->machines || !sc->devices_machine)
        return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", sc->source);
    uint32_t k = 0, d = 0;
    for (uint32_t n = 0; n < sc->n_nodes; n++)
        for (uint32_t j = 0; j < (uint32_t)node_attr(m, n, TRD_NODE_COUNT); j++, k++) {
            sim_machine *mc = &sc->machines[k];
            mc->node = n;
            mc->member = j;
            mc->cpus = node_attr(m, n, TRD_NODE_CPUS);
            mc->memory_bytes = node_attr(m, n, TRD_NODE_MEMORY_BYTES);
            mc->nic_bytes_per_s = node_attr(m, n, TRD_NODE_NIC_BYTES_PER_S);
            mc->gpus = (uint32_t)node_attr(m, n, TRD_NODE_GPUS);
            mc->gpu_memory_bytes = node_attr(m, n, TRD_NODE_GPU_MEMORY_BYTES);
            mc->first_device = d;
            for (uint32_t g = 0; g < mc->gpus; g++)
                sc->devices_machine[d++] = k;
        }
    return SIM_OK;
}

/* Unknown times resolve as the scheduler resolves them (docs/scheduling.md), so that the simulated cluster and
 * the plans agree on what a start costs. */
static void resolve_times(trd_ctx *m, uint32_t i, sim_op *op)
{
    double start = op_attr(m, i, TRD_OP_START_S), stop = op_attr(m, i, TRD_OP_STOP_S);
    double cold = op_attr(m, i, TRD_OP_COLD_START_S);
    double gb = (op->memory_bytes + op->gpu_memory_bytes) / 1e9;
    op->start_s = start >= 0 ? start : 2 + 10 * op->gpus + 0.5 * gb;
    op->stop_s = stop >= 0 ? stop : 0.5 + op->gpus;
    op->cold_s = cold >= 0 ? cold : op->start_s;
}

static sim_status read_knobs(trd_ctx *m, uint32_t i, sim_op *op, sim_error *err, const char *source)
{
    op->n_knobs = trd_ctx_knob_count(m, i);
    op->n_model_configs = trd_ctx_config_count(m, i);
    op->knobs = calloc(op->n_knobs ? op->n_knobs : 1, sizeof *op->knobs);
    op->model_configs = calloc((size_t)op->n_model_configs * (op->n_knobs ? op->n_knobs : 1), sizeof(double));
    if (!op->knobs || !op->model_configs)
        return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", source);
    for (uint32_t k = 0; k < op->n_knobs; k++) {
        sim_knob *kn = &op->knobs[k];
        const char *name = "";
        trd_ctx_get_knob(m, i, k, &name, &kn->type, &kn->min, &kn->max, &kn->dflt, &kn->flags);
        strncpy(kn->name, name, sizeof kn->name - 1);
    }
    for (uint32_t c = 0; c < op->n_model_configs && op->n_knobs; c++)
        trd_ctx_config_values(m, i, c, op->model_configs + (size_t)c * op->n_knobs, op->n_knobs, NULL);
    return SIM_OK;
}

static sim_status read_pipeline(sim_scenario *sc, sim_error *err)
{
    trd_ctx *m = sc->model;
    sc->n_ops = trd_ctx_operator_count(m);
    sc->n_edges = trd_ctx_edge_count(m);
    sc->ops = calloc(sc->n_ops, sizeof *sc->ops);
    sc->edges = calloc(sc->n_edges ? sc->n_edges : 1, sizeof *sc->edges);
    sc->topo = calloc(sc->n_ops, sizeof *sc->topo);
    if (!sc->ops || !sc->edges || !sc->topo)
        return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", sc->source);
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        sim_op *op = &sc->ops[i];
        strncpy(op->name, trd_ctx_operator_name(m, i), sizeof op->name - 1);
        op->cpus = op_attr(m, i, TRD_OP_CPUS);
        op->memory_bytes = op_attr(m, i, TRD_OP_MEMORY_BYTES);
        op->gpus = op_attr(m, i, TRD_OP_GPUS);
        op->gpu_memory_bytes = op_attr(m, i, TRD_OP_GPU_MEMORY_BYTES);
        op->min_instances = (uint32_t)op_attr(m, i, TRD_OP_MIN_INSTANCES);
        op->max_instances = (uint32_t)op_attr(m, i, TRD_OP_MAX_INSTANCES);
        op->async = op_attr(m, i, TRD_OP_ASYNC) != 0;
        op->out_bytes_model = op_attr(m, i, TRD_OP_OUTPUT_BYTES_PER_ITEM);
        op->n_features = trd_ctx_feature_count(m, i);
        resolve_times(m, i, op);
        sim_status st = read_knobs(m, i, op, err, sc->source);
        if (st != SIM_OK)
            return st;
    }
    for (uint32_t e = 0; e < sc->n_edges; e++) {
        trd_ctx_get_edge(m, e, &sc->edges[e].from, &sc->edges[e].to, &sc->edges[e].share);
        sc->ops[sc->edges[e].from].n_out++;
        sc->ops[sc->edges[e].to].n_in++;
    }
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        sim_op *op = &sc->ops[i];
        op->in_edges = calloc(op->n_in + 1, sizeof *op->in_edges);
        op->out_edges = calloc(op->n_out + 1, sizeof *op->out_edges);
        if (!op->in_edges || !op->out_edges)
            return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", sc->source);
        op->n_in = op->n_out = 0;
    }
    for (uint32_t e = 0; e < sc->n_edges; e++) {
        sim_op *from = &sc->ops[sc->edges[e].from], *to = &sc->ops[sc->edges[e].to];
        from->out_edges[from->n_out++] = e;
        to->in_edges[to->n_in++] = e;
    }
    return SIM_OK;
}

/* Kahn's algorithm, always taking the lowest-numbered ready operator: one order for one model. */
static sim_status order(sim_scenario *sc, sim_error *err)
{
    uint32_t *indeg = calloc(sc->n_ops, sizeof *indeg);
    if (!indeg)
        return sim_fail(err, SIM_E_NOMEM, "%s: out of memory", sc->source);
    uint32_t sources = 0;
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        indeg[i] = sc->ops[i].n_in;
        if (!indeg[i]) {
            sc->source_op = i;
            sources++;
        }
    }
    for (uint32_t t = 0; t < sc->n_ops; t++) {
        uint32_t next = 0;
        while (indeg[next] != 0)
            next++; /* the model is acyclic (committed), so a ready operator exists */
        sc->topo[t] = next;
        indeg[next] = UINT32_MAX;
        for (uint32_t e = 0; e < sc->ops[next].n_out; e++)
            indeg[sc->edges[sc->ops[next].out_edges[e]].to]--;
    }
    free(indeg);
    if (sources != 1)
        return sim_fail(err, SIM_E_INVALID, "%s: the simulator needs exactly one source operator (without inputs); "
                        "the pipeline has %u", sc->source, sources);
    return SIM_OK;
}

sim_status sim_read_model(sim_scenario *sc, sim_error *err)
{
    sim_status st = read_cluster(sc, err);
    if (st == SIM_OK)
        st = read_pipeline(sc, err);
    if (st == SIM_OK)
        st = order(sc, err);
    return st;
}
