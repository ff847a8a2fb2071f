/* plan.c -- growing the records of a sim_plan. */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "sim_grow.h"

sim_status sim_plan_add_target(sim_plan *p, const trd_target *t)
{
    if (sim_grow((void **)&p->targets, &p->cap_targets, p->n_targets + 1, sizeof *t))
        return SIM_E_NOMEM;
    p->targets[p->n_targets++] = *t;
    return SIM_OK;
}

sim_status sim_plan_add_action(sim_plan *p, const trd_action *a)
{
    if (sim_grow((void **)&p->actions, &p->cap_actions, p->n_actions + 1, sizeof *a))
        return SIM_E_NOMEM;
    p->actions[p->n_actions++] = *a;
    return SIM_OK;
}

void sim_plan_clear(sim_plan *p)
{
    p->id = 0;
    p->n_targets = p->n_actions = 0;
    p->instant = 0;
    p->probe_duration_s = 0;
    p->reason[0] = '\0';
}

void sim_plan_release(sim_plan *p)
{
    free(p->targets);
    free(p->actions);
    memset(p, 0, sizeof *p);
}
