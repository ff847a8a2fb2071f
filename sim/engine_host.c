/* engine_host.c -- what a policy may ask the host: the scenario, the instances, configs, and (policies with
 * uses_truth only) the workload's regimes. */
#include "engine_internal.h"

#include <string.h>

const sim_scenario *sim_host_scenario(const sim_host *h)
{
    return h->sc;
}

size_t sim_host_instances(const sim_host *h, sim_instance_view *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t id = 0; id < h->n_insts; id++) {
        const sim_inst *in = &h->insts[id];
        if (!in->alive)
            continue;
        if (n < cap) {
            const sim_machine *mc = &h->sc->machines[in->machine];
            out[n] = (sim_instance_view){id, in->op, mc->node, mc->member, in->config, in->state, in->next_config,
                                         0};
        }
        n++;
    }
    return n;
}

sim_status sim_host_config(sim_host *h, uint32_t op, const double *values, uint32_t *out_id)
{
    if (op >= h->sc->n_ops)
        return sim_fail(h->err, SIM_E_INVALID, "config: operator %u unknown", op);
    const sim_op *o = &h->sc->ops[op];
    sim_configs *c = &h->configs[op];
    for (uint32_t k = 0; k < o->n_knobs; k++)
        if (!(values[k] >= o->knobs[k].min && values[k] <= o->knobs[k].max))
            return sim_fail(h->err, SIM_E_INVALID, "config: operator '%s': knob '%s' = %g is outside [%g, %g]",
                            o->name, o->knobs[k].name, values[k], o->knobs[k].min, o->knobs[k].max);
    for (uint32_t i = 0; i < c->n; i++)
        if (!o->n_knobs || memcmp(c->values + (size_t)i * o->n_knobs, values, o->n_knobs * sizeof(double)) == 0) {
            *out_id = i;
            return SIM_OK;
        }
    /* Capacity counts configs; each holds n_knobs values. */
    if (o->n_knobs && sim_grow((void **)&c->values, &c->cap, (size_t)c->n + 1, o->n_knobs * sizeof(double)))
        return sim_fail(h->err, SIM_E_NOMEM, "config: out of memory");
    memcpy(c->values + (size_t)c->n * o->n_knobs, values, o->n_knobs * sizeof(double));
    *out_id = c->n++;
    return SIM_OK;
}

const double *sim_host_config_values(const sim_host *h, uint32_t op, uint32_t config)
{
    if (op >= h->sc->n_ops || config >= h->configs[op].n)
        return NULL;
    return h->configs[op].values + (size_t)config * h->sc->ops[op].n_knobs;
}

uint32_t sim_host_config_count(const sim_host *h, uint32_t op)
{
    return op < h->sc->n_ops ? h->configs[op].n : 0;
}

uint32_t sim_host_regime(const sim_host *h)
{
    if (!h->pv->uses_truth)
        return UINT32_MAX;
    return h->sc->segments[h->segment].regime;
}

int sim_host_regime_items(const sim_host *h, uint64_t *out)
{
    if (!h->pv->uses_truth)
        return -1;
    for (uint32_t g = 0; g < h->sc->n_regimes; g++)
        out[g] = h->regime_live[g];
    return 0;
}
