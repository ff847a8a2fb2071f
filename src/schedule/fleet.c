/* fleet.c -- free resources of every machine, with accelerators tracked per device: whole-device instances
 * take empty devices, fractional ones share a device first-fit (the rule model validation applies to the
 * declared deployment). */
#include <string.h>

#include "schedule/sched.h"

int trd__fleet_init(trd__fleet *f, const trd__sched_input *in)
{
    memset(f, 0, sizeof *f);
    f->in = in;
    const trd__alloc *a = in->alloc;
    f->cpus = trd__calloc(a, in->n_machines, sizeof *f->cpus);
    f->mem = trd__calloc(a, in->n_machines, sizeof *f->mem);
    f->dev = trd__calloc(a, in->n_devices ? in->n_devices : 1, sizeof *f->dev);
    f->dev_first = trd__calloc(a, in->n_machines, sizeof *f->dev_first);
    f->count = trd__calloc(a, in->n_ops * in->n_machines, sizeof *f->count);
    if (!f->cpus || !f->mem || !f->dev || !f->dev_first || !f->count) {
        trd__fleet_free(f);
        return -1;
    }
    uint32_t dev = 0;
    for (size_t mc = 0; mc < in->n_machines; mc++) {
        f->dev_first[mc] = dev;
        dev += (uint32_t)in->pools[in->machine_pool[mc]].gpus;
    }
    trd__fleet_clear(f);
    return 0;
}

void trd__fleet_free(trd__fleet *f)
{
    if (!f->in)
        return;
    const trd__alloc *a = f->in->alloc;
    trd__free(a, f->cpus);
    trd__free(a, f->mem);
    trd__free(a, f->dev);
    trd__free(a, f->dev_first);
    trd__free(a, f->count);
    memset(f, 0, sizeof *f);
}

void trd__fleet_reset_machine(trd__fleet *f, uint32_t mc)
{
    const trd__sched_input *in = f->in;
    const trd__sched_pool *p = &in->pools[in->machine_pool[mc]];
    f->cpus[mc] = p->cpus;
    f->mem[mc] = p->mem;
    for (uint32_t k = 0; k < (uint32_t)p->gpus; k++)
        f->dev[f->dev_first[mc] + k] = 0;
    for (size_t i = 0; i < in->n_ops; i++)
        f->count[i * in->n_machines + mc] = 0;
}

void trd__fleet_clear(trd__fleet *f)
{
    for (uint32_t mc = 0; mc < f->in->n_machines; mc++)
        trd__fleet_reset_machine(f, mc);
}

static int within(double need, double have) { return need <= have + TRD__FIT_EPS * (1 + have); }

int trd__fleet_place(trd__fleet *f, uint32_t op, uint32_t mc)
{
    const trd__sched_input *in = f->in;
    const trd__sched_op *o = &in->ops[op];
    uint32_t p = in->machine_pool[mc];
    if (in->fit[op * in->n_pools + p] == 0 || !within(o->cpus, f->cpus[mc]) || !within(o->mem, f->mem[mc]))
        return 0;
    double *dev = f->dev + f->dev_first[mc];
    uint32_t n_dev = (uint32_t)in->pools[p].gpus;
    if (o->gpus >= 1) {
        /* Whole devices: the first `gpus` empty ones. */
        uint32_t need = (uint32_t)o->gpus, found = 0;
        for (uint32_t k = 0; k < n_dev && found < need; k++)
            found += dev[k] <= TRD__FIT_EPS;
        if (found < need)
            return 0;
        for (uint32_t k = 0; k < n_dev && need > 0; k++)
            if (dev[k] <= TRD__FIT_EPS) {
                dev[k] = 1;
                need--;
            }
    } else if (o->gpus > 0) {
        double s = in->share[op * in->n_pools + p];
        uint32_t k = 0;
        while (k < n_dev && !within(dev[k] + s, 1))
            k++;
        if (k == n_dev)
            return 0;
        dev[k] += s;
    }
    f->cpus[mc] -= o->cpus;
    f->mem[mc] -= o->mem;
    f->count[op * in->n_machines + mc]++;
    return 1;
}
