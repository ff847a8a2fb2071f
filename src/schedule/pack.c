/* pack.c -- from per-pool instance counts to machines, and the greedy plan.
 *
 * Packing keeps instances where they run now (fewest starts and stops), then places the rest first-fit
 * decreasing: operators by device share, then by their largest share of a machine's cpus or memory, ties by
 * id, each instance on the lowest-numbered machine of its pool with room.  Decreasing device shares make the
 * device packing optimal for the usual shares (1/2, 1/4, ... of a device).  If keeping instances in place
 * blocks the rest, packing starts over from empty machines. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schedule/sched.h"

typedef struct ffd_key {
    double device, other;
    uint32_t op;
} ffd_key;

static int cmp_key(const void *a, const void *b)
{
    const ffd_key *x = a, *y = b;
    if (x->device != y->device)
        return x->device < y->device ? 1 : -1;
    if (x->other != y->other)
        return x->other < y->other ? 1 : -1;
    return (x->op > y->op) - (x->op < y->op);
}

/* An empty fleet and room for one sort key per operator; -1 (nothing allocated) on allocation failure. */
static int begin(const trd__sched_input *in, trd__fleet *f, ffd_key **keys)
{
    if (trd__fleet_init(f, in) != 0)
        return -1;
    *keys = trd__calloc(in->alloc, in->n_ops, sizeof **keys);
    if (!*keys) {
        trd__fleet_free(f);
        return -1;
    }
    return 0;
}

/* First machine of pool p where one instance of op fits; places it there.  1 on success. */
static int place_in_pool(trd__fleet *f, uint32_t op, const trd__sched_pool *p)
{
    for (uint32_t a = 0; a < p->count; a++)
        if (trd__fleet_place(f, op, p->first + a))
            return 1;
    return 0;
}

/* Places machine-level counts of pool p as given.  Returns 1, or 0 with *fail set. */
static int place_fixed(trd__fleet *f, const uint32_t *fixed, size_t p, trd__pack_failure *fail)
{
    const trd__sched_input *in = f->in;
    const trd__sched_pool *pl = &in->pools[p];
    for (uint32_t i = 0; i < in->n_ops; i++)
        for (uint32_t a = 0; a < pl->count; a++) {
            uint32_t mc = pl->first + a;
            for (uint32_t k = 0; k < fixed[i * in->n_machines + mc]; k++)
                if (!trd__fleet_place(f, i, mc)) {
                    *fail = (trd__pack_failure){i, (uint32_t)p, mc, k};
                    return 0;
                }
        }
    return 1;
}

/* One packing attempt of pool p.  Returns 1, or 0 with *fail set. */
static int pack_pool(trd__fleet *f, const uint32_t *pool_count, size_t p, int keep, ffd_key *keys,
                     trd__pack_failure *fail)
{
    const trd__sched_input *in = f->in;
    const trd__sched_pool *pl = &in->pools[p];
    size_t n = 0;
    for (uint32_t i = 0; i < in->n_ops; i++) {
        uint32_t want = pool_count[i * in->n_pools + p], have = 0;
        for (uint32_t a = 0; keep && a < pl->count && have < want; a++) {
            uint32_t mc = pl->first + a, now = in->current[i * in->n_machines + mc];
            for (uint32_t k = 0; k < now && have < want && trd__fleet_place(f, i, mc); k++)
                have++;
        }
        if (have < want) {
            const trd__sched_op *o = &in->ops[i];
            double cpu = pl->cpus > 0 ? o->cpus / pl->cpus : 0, mem = pl->mem > 0 ? o->mem / pl->mem : 0;
            keys[n++] = (ffd_key){in->share[i * in->n_pools + p], cpu > mem ? cpu : mem, i};
        }
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t k = 0; k < n; k++) {
        uint32_t i = keys[k].op, want = pool_count[i * in->n_pools + p], have = 0;
        for (uint32_t a = 0; a < pl->count; a++)
            have += f->count[i * in->n_machines + pl->first + a];
        for (; have < want; have++)
            if (!place_in_pool(f, i, pl)) {
                *fail = (trd__pack_failure){i, (uint32_t)p, UINT32_MAX, have};
                return 0;
            }
    }
    return 1;
}

int trd__sched_pack(const trd__sched_input *in, const uint32_t *pool_count, const uint32_t *fixed,
                    const unsigned char *fixed_pool, uint32_t *count, trd__pack_failure *fail)
{
    trd__fleet f;
    ffd_key *keys;
    if (begin(in, &f, &keys) != 0)
        return -1;
    int ok = 0;
    for (int keep = 1; keep >= 0 && !ok; keep--) {
        trd__fleet_clear(&f);
        ok = 1;
        for (size_t p = 0; p < in->n_pools && ok; p++)
            ok = fixed_pool && fixed_pool[p] ? place_fixed(&f, fixed, p, fail)
                                             : pack_pool(&f, pool_count, p, keep, keys, fail);
    }
    if (ok)
        memcpy(count, f.count, in->n_ops * in->n_machines * sizeof *count);
    trd__free(in->alloc, keys);
    trd__fleet_free(&f);
    return ok;
}

/* ---- the greedy plan ---- */

static uint32_t placed_total(const trd__fleet *f, uint32_t op)
{
    uint32_t n = 0;
    for (size_t mc = 0; mc < f->in->n_machines; mc++)
        n += f->count[op * f->in->n_machines + mc];
    return n;
}

static int place_anywhere(trd__fleet *f, uint32_t op)
{
    for (size_t p = 0; p < f->in->n_pools; p++)
        if (place_in_pool(f, op, &f->in->pools[p]))
            return 1;
    return 0;
}

int trd__sched_greedy(const trd__sched_input *in, uint32_t *count)
{
    trd__fleet f;
    if (trd__fleet_init(&f, in) != 0)
        return -1;
    /* The declared deployment fits its machines (checked at commit). */
    for (uint32_t i = 0; i < in->n_ops; i++)
        for (uint32_t mc = 0; mc < in->n_machines; mc++)
            for (uint32_t k = 0; k < in->current[i * in->n_machines + mc] && placed_total(&f, i) < in->ops[i].max_inst; k++)
                trd__fleet_place(&f, i, mc);
    int ok = 1;
    for (size_t t = 0; t < in->n_ops && ok; t++) {
        uint32_t i = in->topo[t];
        while (ok && placed_total(&f, i) < in->ops[i].min_inst)
            ok = place_anywhere(&f, i);
    }
    /* Fill the bottleneck: add an instance to the operator with the least capacity per item it must process,
     * until that operator can grow no more (then nothing else would raise the throughput). */
    while (ok) {
        uint32_t best = UINT32_MAX;
        double best_t = 0;
        for (uint32_t i = 0; i < in->n_ops; i++) {
            const trd__sched_op *o = &in->ops[i];
            if (o->D <= 0)
                continue;
            double t = trd__sched_op_capacity(o, placed_total(&f, i), 0) / o->D;
            if (best == UINT32_MAX || t < best_t)
                best = i, best_t = t;
        }
        if (best == UINT32_MAX || placed_total(&f, best) >= in->ops[best].max_inst || !place_anywhere(&f, best))
            break;
    }
    if (ok)
        memcpy(count, f.count, in->n_ops * in->n_machines * sizeof *count);
    trd__fleet_free(&f);
    return ok;
}

/* Places `per_op` instances of every operator, largest first, first fit over all machines.  1 if all fit. */
static int place_equal(trd__fleet *f, const ffd_key *keys, uint32_t per_op)
{
    trd__fleet_clear(f);
    for (size_t k = 0; k < f->in->n_ops; k++)
        for (uint32_t c = 0; c < per_op; c++)
            if (!place_anywhere(f, keys[k].op))
                return 0;
    return 1;
}

int trd__sched_equal_greedy(const trd__sched_input *in, uint32_t *count)
{
    uint32_t lo = 1, hi = UINT32_MAX;
    for (size_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        uint32_t need = o->min_inst > o->n_new ? o->min_inst : o->n_new;
        lo = need > lo ? need : lo;
        hi = o->max_inst < hi ? o->max_inst : hi;
    }
    if (lo > hi)
        return 0;
    trd__fleet f;
    ffd_key *keys;
    if (begin(in, &f, &keys) != 0)
        return -1;
    /* Sort by the largest share over all pools, so the order does not depend on where an instance lands. */
    for (uint32_t i = 0; i < in->n_ops; i++) {
        keys[i].op = i;
        for (size_t p = 0; p < in->n_pools; p++) {
            const trd__sched_pool *pl = &in->pools[p];
            double cpu = in->ops[i].cpus / pl->cpus, mem = in->ops[i].mem / pl->mem;
            keys[i].device = fmax(keys[i].device, in->share[i * in->n_pools + p]);
            keys[i].other = fmax(keys[i].other, fmax(cpu, mem));
        }
    }
    qsort(keys, in->n_ops, sizeof *keys, cmp_key);
    int ok = place_equal(&f, keys, lo);
    if (ok) {
        /* Largest feasible count by bisection over [lo, hi]. */
        uint32_t good = lo, bad = hi;
        if (place_equal(&f, keys, hi))
            good = hi;
        while (bad - good > 1) {
            uint32_t mid = good + (bad - good) / 2;
            if (place_equal(&f, keys, mid))
                good = mid;
            else
                bad = mid;
        }
        place_equal(&f, keys, good);
        memcpy(count, f.count, in->n_ops * in->n_machines * sizeof *count);
    }
    trd__free(in->alloc, keys);
    trd__fleet_free(&f);
    return ok;
}
