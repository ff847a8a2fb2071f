/* trident_events.c -- what happened to the simulated instances, told to libtrident the way a host tells it.
 *
 *   engine event         libtrident
 *   INSTANCE_LAUNCHED    INSTANCE_UP (nothing for the initial deployment's, which the model counts already)
 *   INSTANCE_UP          INSTANCE_READY (duration: start + cold start) -- nothing for one back from an OOM
 *                        restart, which kept its place in the deployment
 *   INSTANCE_DOWN        INSTANCE_DOWN (duration: the stop)
 *   OOM                  OOM with the memory the batch needed (the instance restarts in place: not DOWN)
 *   CONFIG_APPLIED       CONFIG_APPLIED from_config -> config (duration: the restart)
 *   PROBE_FINISHED       PROBE_FINISHED with the probe's peak memory
 *   PLAN_DONE            trd_ctx_report_outcome: APPLIED, or PARTIAL (a START that did not fit, a superseded plan)
 *
 * Instance events carry the libtrident plan their engine plan carries out while that plan awaits its outcome
 * (they take effect with it); after that -- or for the initial deployment, or an OOM restart -- plan 0, so
 * they change the live deployment at once. */
#include <string.h>

#include "sim_grow.h"
#include "trident_host.h"

sim_status tp_plan_issued(tp_host *h, uint64_t sim_id, uint64_t trd_id, sim_error *err)
{
    if (sim_grow((void **)&h->plans, &h->cap_plans, h->n_plans + 1, sizeof *h->plans))
        return sim_fail(err, SIM_E_NOMEM, "trident: out of memory (plans)");
    h->plans[h->n_plans++] = (tp_plan_pair){sim_id, trd_id};
    return SIM_OK;
}

/* The libtrident plan engine plan `sim_id` carries out (0: none, or the initial deployment); *found says
 * whether the engine plan is one of the policy's. */
static uint64_t trd_plan_of(const tp_host *h, uint64_t sim_id, int *found)
{
    *found = 0;
    for (size_t k = h->n_plans; sim_id && k-- > 0;)
        if (h->plans[k].sim == sim_id) {
            *found = 1;
            return h->plans[k].trd;
        }
    return 0;
}

/* ... if libtrident still waits for that plan's outcome, else 0. */
static uint64_t outstanding(const tp_host *h, uint64_t sim_id)
{
    int found;
    uint64_t trd = trd_plan_of(h, sim_id, &found);
    trd_step_info info;
    if (!trd || trd_ctx_step_info(h->ctx, &info) != TRD_OK || info.outstanding_plan != trd)
        return 0;
    return trd;
}

/* What libtrident knows of an engine instance (tp_host.known). */
enum { UNKNOWN = 0, LAUNCHED = 1, READY = 2 };

static int state(const tp_host *h, uint32_t id) { return id < h->cap_known ? h->known[id] : UNKNOWN; }

static sim_status set_known(tp_host *h, uint32_t id, uint8_t value, sim_error *err)
{
    if (id >= h->cap_known) {
        size_t old = h->cap_known;
        if (sim_grow((void **)&h->known, &h->cap_known, (size_t)id + 1, 1))
            return sim_fail(err, SIM_E_NOMEM, "trident: out of memory (instances)");
        memset(h->known + old, 0, h->cap_known - old);
    }
    h->known[id] = value;
    return SIM_OK;
}

static sim_status report(tp_host *h, const sim_host *sh, const sim_event *ev, sim_error *err)
{
    uint32_t config = 0, from = TRD_NO_CONFIG;
    sim_status st = SIM_OK;
    if (ev->kind != SIM_EVENT_PLAN_DONE)
        st = tp_config_to_trd(h, sh, ev->op, ev->config, &config, err);
    if (st == SIM_OK && ev->from_config != UINT32_MAX &&
        (ev->kind == SIM_EVENT_CONFIG_APPLIED || ev->kind == SIM_EVENT_PROBE_FINISHED))
        st = tp_config_to_trd(h, sh, ev->op, ev->from_config, &from, err);
    if (st != SIM_OK)
        return st;
    trd_event e = {ev->t_ns, outstanding(h, ev->plan_id), 0, 0, 0, ev->op, ev->node, ev->member, config, from, 1,
                   ev->instance};
    switch (ev->kind) {
    case SIM_EVENT_INSTANCE_LAUNCHED: {
        int found;
        uint64_t trd = trd_plan_of(h, ev->plan_id, &found);
        if ((st = set_known(h, ev->instance, LAUNCHED, err)) != SIM_OK || (found && trd == 0))
            return st; /* the initial deployment: counted since the model was loaded */
        e.kind = TRD_EVENT_INSTANCE_UP;
        return tp_event(h, &e, err);
    }
    case SIM_EVENT_INSTANCE_UP:
        if (state(h, ev->instance) != LAUNCHED)
            return SIM_OK; /* back from an OOM restart: it never left the deployment */
        if ((st = set_known(h, ev->instance, READY, err)) != SIM_OK)
            return st;
        e.kind = TRD_EVENT_INSTANCE_READY;
        e.plan_id = 0; /* a READY changes no deployment */
        e.duration_s = ev->duration_s;
        return tp_event(h, &e, err);
    case SIM_EVENT_INSTANCE_DOWN:
        if (state(h, ev->instance) == UNKNOWN)
            return SIM_OK;
        if ((st = set_known(h, ev->instance, UNKNOWN, err)) != SIM_OK)
            return st;
        e.kind = TRD_EVENT_INSTANCE_DOWN;
        e.duration_s = ev->duration_s;
        return tp_event(h, &e, err);
    case SIM_EVENT_OOM:
        e.kind = TRD_EVENT_OOM;
        e.peak_bytes = ev->device_mem_bytes;
        return tp_event(h, &e, err);
    case SIM_EVENT_CONFIG_APPLIED:
        e.kind = TRD_EVENT_CONFIG_APPLIED;
        e.duration_s = ev->duration_s;
        return tp_event(h, &e, err);
    case SIM_EVENT_PROBE_FINISHED:
        e.kind = TRD_EVENT_PROBE_FINISHED;
        e.plan_id = 0; /* a probe changes no deployment */
        e.peak_bytes = ev->device_mem_bytes;
        return tp_event(h, &e, err);
    case SIM_EVENT_PLAN_DONE: {
        uint64_t trd = outstanding(h, ev->plan_id);
        if (!trd)
            return SIM_OK; /* the initial deployment, or a plan libtrident gave up waiting for */
        trd_outcome o = ev->outcome == SIM_OUTCOME_APPLIED ? TRD_OUTCOME_APPLIED : TRD_OUTCOME_PARTIAL;
        tp_logf(h, "plan %llu %s", (unsigned long long)trd, o == TRD_OUTCOME_APPLIED ? "applied" : "partial");
        return tp_outcome(h, trd, o, ev->t_ns, err);
    }
    default:
        return SIM_OK;
    }
}

sim_status tp_report_events(tp_host *h, const sim_host *sh, const sim_observation *obs, sim_error *err)
{
    for (size_t k = 0; k < obs->n_events; k++) {
        h->now_s = (double)obs->events[k].t_ns / 1e9;
        sim_status st = report(h, sh, &obs->events[k], err);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}
