/* trident_configs.c -- config ids on the two sides of the trident policy.  The configs of the loaded model have
 * the same ids in the simulator and in libtrident.  Later ones -- the configs libtrident adds for probes and
 * recommendations -- are registered with the engine when a plan first names them, and the two ids are kept as a
 * pair; a config one side has and the other has not met yet is matched by its knob values. */
#include <stdlib.h>
#include <string.h>

#include "sim_grow.h"
#include "trident_host.h"

#define MAX_KNOBS 16 /* libtrident's limit per operator */

static int lookup(const tp_config_map *m, int by_sim, uint32_t id, uint32_t *out)
{
    for (size_t k = 0; k < m->n; k++)
        if ((by_sim ? m->pairs[k].sim : m->pairs[k].trd) == id) {
            *out = by_sim ? m->pairs[k].trd : m->pairs[k].sim;
            return 1;
        }
    return 0;
}

static sim_status remember(tp_config_map *m, uint32_t sim, uint32_t trd, sim_error *err)
{
    if (sim_grow((void **)&m->pairs, &m->cap, m->n + 1, sizeof *m->pairs))
        return sim_fail(err, SIM_E_NOMEM, "trident: out of memory (configs)");
    m->pairs[m->n++] = (tp_config_pair){sim, trd};
    return SIM_OK;
}

sim_status tp_config_to_trd(tp_host *h, const sim_host *sh, uint32_t op, uint32_t sim_id, uint32_t *out,
                            sim_error *err)
{
    if (sim_id < h->model_configs[op]) {
        *out = sim_id;
        return SIM_OK;
    }
    tp_config_map *m = &h->configs[op];
    if (lookup(m, 1, sim_id, out))
        return SIM_OK;
    const double *want = sim_host_config_values(sh, op, sim_id);
    uint32_t n_knobs = trd_ctx_knob_count(h->ctx, op);
    double have[MAX_KNOBS];
    size_t n = 0;
    for (uint32_t c = h->model_configs[op]; want && c < trd_ctx_config_count(h->ctx, op); c++)
        if (trd_ctx_config_values(h->ctx, op, c, have, MAX_KNOBS, &n) == TRD_OK && n == n_knobs &&
            memcmp(have, want, n * sizeof *have) == 0) {
            *out = c;
            return remember(m, sim_id, c, err);
        }
    return sim_fail(err, SIM_E_INVALID, "trident: operator %u's config %u is unknown to libtrident", op, sim_id);
}

sim_status tp_config_to_sim(tp_host *h, sim_host *sh, uint32_t op, uint32_t trd_id, uint32_t *out, sim_error *err)
{
    if (trd_id < h->model_configs[op]) {
        *out = trd_id;
        return SIM_OK;
    }
    tp_config_map *m = &h->configs[op];
    if (lookup(m, 0, trd_id, out))
        return SIM_OK;
    double v[MAX_KNOBS];
    size_t n = 0;
    if (trd_ctx_config_values(h->ctx, op, trd_id, v, MAX_KNOBS, &n) != TRD_OK)
        return sim_fail(err, SIM_E_MODEL, "trident: a plan names config %u of operator %u: %s", trd_id, op,
                        trd_ctx_last_error(h->ctx));
    sim_status st = sim_host_config(sh, op, v, out); /* the engine's id: the one it has, or the next */
    return st == SIM_OK ? remember(m, *out, trd_id, err) : st;
}

void tp_configs_free(tp_host *h)
{
    for (uint32_t op = 0; h->configs && op < h->n_ops; op++)
        free(h->configs[op].pairs);
    free(h->configs);
    h->configs = NULL;
}
