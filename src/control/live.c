/* live.c -- reading and replacing the live deployment (the committed model's placements). */
#include <string.h>

#include "control/control.h"

trd_status trd__live_replace(trd__model *m, const trd_target *t, size_t n, trd__diag *d)
{
    trd__placement *p = trd__calloc(m->alloc, n ? n : 1, sizeof *p);
    if (!p)
        return trd__fail(d, TRD_E_NOMEM, "outcome: out of memory installing the plan's deployment");
    for (size_t k = 0; k < n; k++)
        p[k] = (trd__placement){t[k].op, t[k].node, t[k].member, t[k].config, t[k].instances};
    trd__free(m->alloc, m->placements);
    m->placements = p;
    m->n_placements = n;
    m->cap_placements = n ? n : 1;
    return TRD_OK;
}

uint32_t trd__live_instances(const trd__model *m, uint32_t op)
{
    uint32_t n = 0;
    for (size_t q = 0; q < m->n_placements; q++)
        if (m->placements[q].op == op)
            n += m->placements[q].instances;
    return n;
}

uint32_t trd__live_instances_on(const trd__model *m, uint32_t op, uint32_t config)
{
    uint32_t n = 0;
    for (size_t q = 0; q < m->n_placements; q++)
        if (m->placements[q].op == op && m->placements[q].config == config)
            n += m->placements[q].instances;
    return n;
}

uint32_t trd__live_main_config(const trd__model *m, uint32_t op, uint32_t fallback)
{
    uint32_t best = fallback, best_n = 0;
    for (size_t q = 0; q < m->n_placements; q++) {
        const trd__placement *p = &m->placements[q];
        if (p->op != op)
            continue;
        uint32_t n = trd__live_instances_on(m, op, p->config);
        if (n > best_n || (n == best_n && p->config < best))
            best = p->config, best_n = n;
    }
    return best;
}
