/* plan_json.c -- a plan as one JSON object (through the locale-free writer of common/json). */
#include "common/json.h"
#include "schedule/plan.h"

static const char *status_name(uint32_t s)
{
    return s == TRD_SOLVE_OPTIMAL ? "optimal" : s == TRD_SOLVE_FEASIBLE ? "feasible" : "fallback";
}

static const char *kind_name(uint32_t k)
{
    return k == TRD_ACTION_START ? "start" : k == TRD_ACTION_STOP ? "stop" : k == TRD_ACTION_RECONFIGURE ? "reconfigure"
                                                                                         : "probe";
}

static void place(trd__json *j, const trd_plan *p, uint32_t op, uint32_t node, uint32_t member)
{
    trd__json_key(j, "op");
    trd__json_string(j, p->op_names[op]);
    trd__json_key(j, "node");
    trd__json_string(j, p->node_names[node]);
    trd__json_key(j, "member");
    trd__json_uint(j, member);
}

size_t trd__plan_json(const trd_plan *p, char *buf, size_t cap)
{
    trd__json j;
    trd__json_init(&j, buf, cap);
    trd__json_object_begin(&j);
    trd__json_key(&j, "id");
    trd__json_uint(&j, p->id);
    trd__json_key(&j, "epoch");
    trd__json_uint(&j, p->epoch);
    trd__json_key(&j, "solve_status");
    trd__json_string(&j, status_name(p->solve_status));
    trd__json_key(&j, "mip_gap");
    trd__json_double(&j, p->gap); /* NaN (unknown) becomes null */
    trd__json_key(&j, "predicted_throughput_per_s");
    trd__json_double(&j, p->throughput);
    trd__json_key(&j, "bottleneck");
    trd__json_string(&j, p->op_names[p->bottleneck]);
    trd__json_key(&j, "reason");
    trd__json_string(&j, p->reason);
    trd__json_key(&j, "targets");
    trd__json_array_begin(&j);
    for (size_t k = 0; k < p->n_targets; k++) {
        const trd_target *t = &p->targets[k];
        trd__json_object_begin(&j);
        place(&j, p, t->op, t->node, t->member);
        trd__json_key(&j, "config");
        trd__json_uint(&j, t->config);
        trd__json_key(&j, "instances");
        trd__json_uint(&j, t->instances);
        trd__json_object_end(&j);
    }
    trd__json_array_end(&j);
    trd__json_key(&j, "actions");
    trd__json_array_begin(&j);
    for (size_t k = 0; k < p->n_actions; k++) {
        const trd_action *a = &p->actions[k];
        trd__json_object_begin(&j);
        trd__json_key(&j, "round");
        trd__json_uint(&j, a->round);
        trd__json_key(&j, "kind");
        trd__json_string(&j, kind_name(a->kind));
        place(&j, p, a->op, a->node, a->member);
        trd__json_key(&j, "config");
        trd__json_uint(&j, a->config);
        trd__json_key(&j, "from_config");
        if (a->from_config == TRD_NO_CONFIG)
            trd__json_null(&j);
        else
            trd__json_uint(&j, a->from_config);
        trd__json_key(&j, "count");
        trd__json_uint(&j, a->count);
        trd__json_object_end(&j);
    }
    trd__json_array_end(&j);
    trd__json_object_end(&j);
    return trd__json_finish(&j);
}
