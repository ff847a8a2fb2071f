/* policy_registry.c -- the built-in policies by name.  A new policy defines a sim_policy_vtable and is added
 * here (issue 8's baselines and the trident adapter plug in the same way). */
#include <string.h>

#include "policy.h"

#include "policy_trident.h"

extern const sim_policy_vtable sim_policy_static, sim_policy_oracle;
/* The baselines of issue 8 (docs/baselines.md). */
extern const sim_policy_vtable sim_policy_ds2, sim_policy_xenna, sim_policy_conttune, sim_policy_scoot, sim_policy_raydata;

static const sim_policy_vtable *const policies[] = {
    &sim_policy_static, &sim_policy_trident, &sim_policy_oracle,
    /* baselines */
    &sim_policy_raydata, &sim_policy_ds2, &sim_policy_conttune, &sim_policy_scoot, &sim_policy_xenna,
    /* trident's variants: RQ2's all-at-once switching and RQ5's ablations */
    &sim_policy_trident_all_at_once, &sim_policy_trident_no_observe, &sim_policy_trident_no_adapt,
    &sim_policy_trident_no_placement};

const sim_policy_vtable *sim_policy_find(const char *name)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (strcmp(policies[i]->name, name) == 0)
            return policies[i];
    return NULL;
}

const sim_policy_vtable *sim_policy_at(size_t index)
{
    return index < sizeof policies / sizeof policies[0] ? policies[index] : NULL;
}
