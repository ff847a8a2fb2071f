/* optimal.c -- builds the planning model through libtrident's public API and solves it. */
#include "optimal.h"

#include <stdlib.h>

static const trd_node_attr node_attrs[] = {TRD_NODE_COUNT, TRD_NODE_CPUS, TRD_NODE_MEMORY_BYTES, TRD_NODE_GPUS,
                                           TRD_NODE_GPU_MEMORY_BYTES, TRD_NODE_NIC_BYTES_PER_S};

static trd_status build(trd_ctx *ctx, const sim_scenario *sc, const sim_truth *t)
{
    trd_status st = TRD_OK;
    for (uint32_t n = 0; n < sc->n_nodes && st == TRD_OK; n++) {
        uint32_t id;
        st = trd_ctx_add_node(ctx, trd_ctx_node_name(sc->model, n), &id);
        for (size_t a = 0; a < sizeof node_attrs / sizeof node_attrs[0] && st == TRD_OK; a++) {
            double v;
            if ((st = trd_ctx_get_node_attr(sc->model, n, node_attrs[a], &v)) == TRD_OK)
                st = trd_ctx_set_node_attr(ctx, id, node_attrs[a], v);
        }
    }
    for (uint32_t i = 0; i < sc->n_ops && st == TRD_OK; i++) {
        const sim_op *o = &sc->ops[i];
        uint32_t id;
        const struct {
            trd_op_attr a;
            double v;
        } attrs[] = {{TRD_OP_CPUS, o->cpus},
                     {TRD_OP_MEMORY_BYTES, o->memory_bytes},
                     {TRD_OP_GPUS, o->gpus},
                     {TRD_OP_GPU_MEMORY_BYTES, o->gpu_memory_bytes},
                     {TRD_OP_MIN_INSTANCES, o->min_instances},
                     {TRD_OP_MAX_INSTANCES, o->max_instances},
                     {TRD_OP_ASYNC, o->async},
                     {TRD_OP_OUTPUT_BYTES_PER_ITEM, t->ops[i].out_bytes},
                     {TRD_OP_ITEMS_OUT_PER_IN, t->ops[i].out_per_in},
                     {TRD_OP_START_S, o->start_s},
                     {TRD_OP_STOP_S, o->stop_s},
                     {TRD_OP_COLD_START_S, o->cold_s}};
        st = trd_ctx_add_operator(ctx, o->name, &id);
        for (size_t a = 0; a < sizeof attrs / sizeof attrs[0] && st == TRD_OK; a++)
            st = trd_ctx_set_operator_attr(ctx, id, attrs[a].a, attrs[a].v);
    }
    for (uint32_t e = 0; e < sc->n_edges && st == TRD_OK; e++) {
        /* A route that carries nothing in this regime keeps a token share: the library wants (0, 1]. */
        double share = t->edge_share[e] < 1e-6 ? 1e-6 : t->edge_share[e] > 1 ? 1 : t->edge_share[e];
        st = trd_ctx_add_edge(ctx, sc->edges[e].from, sc->edges[e].to, share);
    }
    if (st == TRD_OK)
        st = trd_ctx_commit_model(ctx, NULL);
    if (st == TRD_OK) /* room for the solver: a plan that finishes within the limit is deterministic */
        st = trd_ctx_set_int(ctx, TRD_P_SOLVER_TIME_LIMIT_MS, 20000);
    return st;
}

sim_status sim_optimal_targets(const sim_scenario *sc, const sim_truth *t, const double *rates, sim_plan *plan,
                               double *predicted, sim_error *err)
{
    trd_ctx *ctx = NULL;
    trd_rate *r = calloc(sc->n_ops, sizeof *r);
    trd_plan *p = NULL;
    sim_status out = SIM_OK;
    trd_status st = r ? trd_ctx_new(&ctx) : TRD_E_NOMEM;
    if (st == TRD_OK)
        st = build(ctx, sc, t);
    for (uint32_t i = 0; i < sc->n_ops && st == TRD_OK; i++)
        r[i] = (trd_rate){i, TRD_NO_CONFIG, rates[i] > 0 ? rates[i] : 1e-9, 0, 0};
    if (st == TRD_OK)
        st = trd_ctx_plan_with_rates(ctx, r, sc->n_ops, &p);
    if (st != TRD_OK) {
        out = sim_fail(err, st == TRD_E_NOMEM ? SIM_E_NOMEM : SIM_E_MODEL, "optimal allocation: %s (%s)",
                       ctx ? trd_ctx_last_error(ctx) : "out of memory", trd_status_name(st));
    } else {
        size_t n = trd_plan_target_count(p);
        trd_target *tg = calloc(n ? n : 1, sizeof *tg);
        if (!tg || trd_plan_get_targets(p, tg, n, NULL) != TRD_OK) {
            out = sim_fail(err, SIM_E_NOMEM, "optimal allocation: out of memory");
        } else {
            for (size_t k = 0; k < n && out == SIM_OK; k++)
                out = sim_plan_add_target(plan, &tg[k]);
            if (out != SIM_OK)
                sim_fail(err, out, "optimal allocation: out of memory");
        }
        free(tg);
        *predicted = trd_plan_predicted_throughput(p);
    }
    trd_plan_free(p);
    trd_ctx_free(ctx);
    free(r);
    return out;
}
