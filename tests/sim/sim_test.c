/* sim_test.c -- see sim_test.h. */
#include "sim_test.h"

#include <stdlib.h>

sim_scenario *sim_test_load(const char *rel, uint64_t items)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TRIDENT_SOURCE_DIR, rel);
    sim_scenario *sc = NULL;
    sim_error err = {{0}};
    sim_status st = sim_scenario_load(path, items, &sc, &err);
    if (st != SIM_OK)
        fail_msg("loading %s: %s: %s", rel, sim_status_name(st), err.msg);
    return sc;
}

uint32_t sim_test_op(const sim_scenario *sc, const char *name)
{
    for (uint32_t i = 0; i < sc->n_ops; i++)
        if (strcmp(sc->ops[i].name, name) == 0)
            return i;
    fail_msg("no operator '%s'", name);
    return 0;
}

static sim_status script_create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)sc;
    (void)seed;
    (void)err;
    *out = (void *)(uintptr_t)param; /* the script is the state */
    return SIM_OK;
}

static sim_status deploy(sim_test_script *s, sim_host *h, sim_plan *plan, sim_error *err)
{
    const sim_scenario *sc = sim_host_scenario(h);
    for (size_t i = 0; i < s->n_deploy; i++) {
        const sim_test_deploy *d = &s->deploy[i];
        uint32_t op = sim_test_op(sc, d->op), config = 0;
        if (d->batch) {
            double values[16];
            const double *dflt = sim_host_config_values(h, op, 0);
            memcpy(values, dflt, sc->ops[op].n_knobs * sizeof *values);
            values[sc->ops[op].cost.batch_knob] = d->batch;
            sim_status st = sim_host_config(h, op, values, &config);
            if (st != SIM_OK)
                return st;
        }
        trd_target t = {op, d->node, d->member, config, d->count, 0};
        sim_status st = sim_plan_add_target(plan, &t);
        if (st != SIM_OK)
            return sim_fail(err, st, "script: out of memory");
    }
    plan->instant = s->instant;
    return s->instant ? SIM_OK : sim_realise_actions(h, plan, NULL, err);
}

static sim_status script_step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    sim_test_script *s = state;
    for (size_t i = 0; i < obs->n_events; i++) {
        if (obs->events[i].kind < 8)
            s->events_by_kind[obs->events[i].kind]++;
        if (obs->events[i].kind == SIM_EVENT_PLAN_DONE)
            s->last_outcome = obs->events[i].outcome;
    }
    for (size_t i = 0; i < obs->n_samples; i++)
        if ((double)obs->samples[i].device_mem_peak_bytes > s->max_device_peak)
            s->max_device_peak = (double)obs->samples[i].device_mem_peak_bytes;
    s->samples += obs->n_samples;
    if (obs->first)
        return deploy(s, h, plan, err);
    s->windows++;
    return s->on_window ? s->on_window(s, h, obs, plan, err) : SIM_OK;
}

static void script_destroy(void *state)
{
    (void)state;
}

sim_policy_vtable sim_test_policy(sim_test_script *script)
{
    sim_policy_vtable v = {"script", "test script", 0, 1, script, script_create, script_step, script_destroy};
    return v;
}

void sim_test_run(const sim_scenario *sc, const sim_policy_vtable *pv, uint64_t seed, sim_result *out)
{
    sim_error err = {{0}};
    sim_run_options opt = {seed, NULL, NULL, 0, NULL};
    sim_status st = sim_run(sc, pv, &opt, out, &err);
    if (st != SIM_OK)
        fail_msg("%s on %s: %s: %s", pv->name, sc->name, sim_status_name(st), err.msg);
}

void sim_test_run_script(const sim_scenario *sc, sim_test_script *script, uint64_t seed, sim_result *out)
{
    sim_policy_vtable pv = sim_test_policy(script);
    sim_test_run(sc, &pv, seed, out);
}

void sim_test_assert_conservation(const sim_scenario *sc, const sim_result *r)
{
    assert_true(r->finished);
    assert_int_equal(r->items, sc->items);
    assert_int_equal(r->items_output + r->items_filtered, r->items);
    assert_int_equal(r->items_lost, 0);
    assert_int_equal(r->capacity_violations, 0);
    assert_int_equal(r->op_items_queued[sc->source_op], sc->items);
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        const sim_op *o = &sc->ops[i];
        if (r->op_items_queued[i] != r->op_items_in[i])
            fail_msg("'%s' was given %llu items and took %llu", o->name, (unsigned long long)r->op_items_queued[i],
                     (unsigned long long)r->op_items_in[i]);
        /* What an operator takes is what its producers emitted towards it: all of a single producer's output,
         * or (a join) the sum of its branches'. */
        uint64_t from = 0;
        int exact = o->n_in > 0;
        for (uint32_t k = 0; k < o->n_in; k++) {
            uint32_t p = sc->edges[o->in_edges[k]].from;
            from += r->op_items_out[p];
            exact &= sc->ops[p].n_out == 1;
        }
        if (exact && from != r->op_items_in[i])
            fail_msg("'%s' took %llu items; its producers emitted %llu", o->name,
                     (unsigned long long)r->op_items_in[i], (unsigned long long)from);
        /* A routing operator sends each item down exactly one branch. */
        if (o->route) {
            uint64_t sent = 0;
            for (uint32_t k = 0; k < o->n_out; k++)
                sent += r->op_items_in[sc->edges[o->out_edges[k]].to];
            if (sent != r->op_items_out[i])
                fail_msg("'%s' emitted %llu items but its branches took %llu", o->name,
                         (unsigned long long)r->op_items_out[i], (unsigned long long)sent);
        }
    }
}
