/* model_validate.c -- whole-model checks run at commit.  Edits check their own arguments; what is left here
 * is what only the whole model can tell: cycles, connectivity, whether operators fit the machines, and
 * whether the declared deployment fits each machine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/numfmt.h"
#include "model/model.h"

/* Relative slack for sums of fractional resources (0.1 + 0.2 + ... must still fit 1 device). */
#define FIT_EPS 1e-9

int trd__model_topo_order(const trd__model *m, uint32_t *order)
{
    size_t n = m->n_ops;
    if (n == 0)
        return 0;
    uint32_t *indeg = trd__calloc(m->alloc, n, sizeof *indeg);
    if (!indeg)
        return -1;
    for (size_t e = 0; e < m->n_edges; e++)
        indeg[m->edges[e].to]++;
    /* Kahn's algorithm; picking the lowest ready index keeps the order deterministic and close to the
     * order of declaration. */
    size_t done = 0;
    while (done < n) {
        size_t pick = n;
        for (size_t i = 0; i < n; i++)
            if (indeg[i] == 0) {
                pick = i;
                break;
            }
        if (pick == n)
            break;
        indeg[pick] = UINT32_MAX; /* taken */
        order[done++] = (uint32_t)pick;
        for (size_t e = 0; e < m->n_edges; e++)
            if (m->edges[e].from == pick)
                indeg[m->edges[e].to]--;
    }
    trd__free(m->alloc, indeg);
    return done == n ? 0 : 1;
}

/* Describes one cycle: every operator left after Kahn's algorithm has a predecessor that is also left, so
 * walking predecessors from any of them must revisit one; the revisited stretch is a cycle. */
static trd_status report_cycle(const trd__model *m, trd__diag *d)
{
    size_t n = m->n_ops;
    uint32_t *indeg = trd__calloc(m->alloc, n, sizeof *indeg);
    uint32_t *seen = trd__calloc(m->alloc, n, sizeof *seen);
    uint32_t *path = trd__calloc(m->alloc, n + 1, sizeof *path);
    if (!indeg || !seen || !path) {
        trd__free(m->alloc, indeg);
        trd__free(m->alloc, seen);
        trd__free(m->alloc, path);
        return trd__fail(d, TRD_E_NOMEM, "out of memory describing a cycle");
    }
    for (size_t e = 0; e < m->n_edges; e++)
        indeg[m->edges[e].to]++;
    for (int progress = 1; progress;) {
        progress = 0;
        for (size_t i = 0; i < n; i++)
            if (indeg[i] == 0) {
                indeg[i] = UINT32_MAX;
                progress = 1;
                for (size_t e = 0; e < m->n_edges; e++)
                    if (m->edges[e].from == i)
                        indeg[m->edges[e].to]--;
            }
    }
    size_t cur = 0;
    while (cur < n && (indeg[cur] == 0 || indeg[cur] == UINT32_MAX))
        cur++;
    /* Walk backwards; seen[] holds the 1-based step at which an operator was visited. */
    size_t steps = 0;
    while (cur < n && !seen[cur]) {
        seen[cur] = (uint32_t)++steps;
        path[steps - 1] = (uint32_t)cur;
        size_t pred = n;
        for (size_t e = 0; e < m->n_edges; e++) {
            uint32_t f = m->edges[e].from;
            if (m->edges[e].to == cur && indeg[f] != UINT32_MAX && indeg[f] != 0) {
                pred = f;
                break;
            }
        }
        cur = pred;
    }
    char text[TRD__MSG_CAP] = "";
    size_t len = 0;
    if (cur < n) {
        /* path[first .. steps-1] is the cycle walked backwards from cur = path[first]; print it forwards,
         * starting and ending at cur. */
        size_t first = seen[cur] - 1;
        len += (size_t)snprintf(text, sizeof text, "'%s'", m->ops[cur].name);
        for (size_t i = steps; i-- > first + 1 && len < sizeof text;)
            len += (size_t)snprintf(text + len, sizeof text - len, " -> '%s'", m->ops[path[i]].name);
        if (len < sizeof text)
            snprintf(text + len, sizeof text - len, " -> '%s'", m->ops[cur].name);
    }
    trd__free(m->alloc, indeg);
    trd__free(m->alloc, seen);
    trd__free(m->alloc, path);
    trd__fail(d, TRD_E_INVALID_MODEL, "pipeline: cycle %s", text);
    return cur < n ? trd__diag_at(d, TRD_E_INVALID_MODEL, TRD__WHERE_OP, cur) : TRD_E_INVALID_MODEL;
}

static trd_status check_connected(const trd__model *m, trd__diag *d)
{
    size_t n = m->n_ops;
    if (n <= 1)
        return TRD_OK;
    unsigned char *reached = trd__calloc(m->alloc, n, 1);
    if (!reached)
        return trd__fail(d, TRD_E_NOMEM, "out of memory checking connectivity");
    reached[0] = 1;
    /* Relax over the edges until nothing changes: at most n rounds on a model of a few hundred edges. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t e = 0; e < m->n_edges; e++) {
            uint32_t a = m->edges[e].from, b = m->edges[e].to;
            if (reached[a] != reached[b]) {
                reached[a] = reached[b] = 1;
                changed = 1;
            }
        }
    }
    trd_status st = TRD_OK;
    for (size_t i = 0; i < n; i++)
        if (!reached[i]) {
            trd__fail(d, TRD_E_INVALID_MODEL, "pipeline: operator '%s' is not connected to operator '%s' (add an edge)",
                      m->ops[i].name, m->ops[0].name);
            st = trd__diag_at(d, TRD_E_INVALID_MODEL, TRD__WHERE_OP, i);
            break;
        }
    trd__free(m->alloc, reached);
    return st;
}

static trd_status check_nodes(const trd__model *m, trd__diag *d)
{
    if (m->n_nodes == 0)
        return trd__fail(d, TRD_E_INVALID_MODEL, "cluster: no node kinds");
    int machines = 0;
    for (size_t i = 0; i < m->n_nodes; i++) {
        const trd__node *n = &m->nodes[i];
        if (trd__node_get(n, TRD_NODE_COUNT) >= 1)
            machines = 1;
        if (trd__node_get(n, TRD_NODE_CPUS) <= 0)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL, "node '%s': cpus must be > 0", n->name), TRD__WHERE_NODE, i);
        if (trd__node_get(n, TRD_NODE_MEMORY_BYTES) <= 0)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL, "node '%s': memory must be > 0", n->name), TRD__WHERE_NODE, i);
        if (trd__node_get(n, TRD_NODE_GPUS) > 0 && trd__node_get(n, TRD_NODE_GPU_MEMORY_BYTES) <= 0)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL, "node '%s': gpu_memory must be > 0 when gpus > 0", n->name), TRD__WHERE_NODE, i);
        if (trd__node_get(n, TRD_NODE_GPUS) == 0 && trd__node_get(n, TRD_NODE_GPU_MEMORY_BYTES) > 0)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL, "node '%s': gpu_memory is set but gpus is 0", n->name), TRD__WHERE_NODE, i);
    }
    if (!machines)
        return trd__fail(d, TRD_E_INVALID_MODEL, "cluster: no machines (every node kind has count 0)");
    return TRD_OK;
}

/* The resources an instance takes from a machine, as (operator attribute, node attribute) pairs.  Device
 * memory is per device, so it bounds a single instance but is not summed across instances. */
typedef struct resource {
    trd_op_attr oa;
    trd_node_attr na;
    const char *what;
    int bytes;
} resource;

static const resource resources[] = {
    {TRD_OP_CPUS, TRD_NODE_CPUS, "cpus", 0},
    {TRD_OP_MEMORY_BYTES, TRD_NODE_MEMORY_BYTES, "memory", 1},
    {TRD_OP_GPUS, TRD_NODE_GPUS, "gpus", 0},
    {TRD_OP_GPU_MEMORY_BYTES, TRD_NODE_GPU_MEMORY_BYTES, "gpu_memory", 1},
};
enum { SUMMED_RESOURCES = 3 }; /* the first three add up across instances */

/* The first resource of node kind `n` that one instance of `o` does not fit, or NULL if it fits. */
static const char *misfit(const trd__operator *o, const trd__node *n, double *need, double *have, int *bytes)
{
    *bytes = 0;
    for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++) {
        *need = trd__op_get(o, resources[i].oa);
        *have = trd__node_get(n, resources[i].na);
        if (*need > *have * (1 + FIT_EPS)) {
            *bytes = resources[i].bytes;
            return resources[i].what;
        }
    }
    return NULL;
}

static void fmt_amount(char out[TRD__NUM_CAP], double v, int bytes)
{
    if (bytes)
        trd__fmt_bytes(out, v);
    else
        trd__fmt_double(out, v);
}

static trd_status check_operators(const trd__model *m, trd__diag *d)
{
    if (m->n_ops == 0)
        return trd__fail(d, TRD_E_INVALID_MODEL, "pipeline: no operators");
    for (size_t i = 0; i < m->n_ops; i++) {
        const trd__operator *o = &m->ops[i];
        double lo = trd__op_get(o, TRD_OP_MIN_INSTANCES), hi = trd__op_get(o, TRD_OP_MAX_INSTANCES);
        if (hi > 0 && lo > hi)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL, "operator '%s': min_instances %.0f > max_instances %.0f",
                             o->name, lo, hi), TRD__WHERE_OP, i);
        if (trd__op_get(o, TRD_OP_GPUS) == 0 && trd__op_get(o, TRD_OP_GPU_MEMORY_BYTES) > 0)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL, "operator '%s': gpu_memory is set but gpus is 0", o->name), TRD__WHERE_OP, i);

        int fits = 0;
        char why[TRD__MSG_CAP] = "";
        size_t len = 0;
        for (size_t k = 0; k < m->n_nodes && !fits; k++) {
            const trd__node *n = &m->nodes[k];
            if (trd__node_get(n, TRD_NODE_COUNT) < 1)
                continue;
            double need, have;
            int bytes;
            const char *what = misfit(o, n, &need, &have, &bytes);
            if (!what) {
                fits = 1;
                break;
            }
            char a[TRD__NUM_CAP], b[TRD__NUM_CAP];
            fmt_amount(a, need, bytes);
            fmt_amount(b, have, bytes);
            if (len < sizeof why)
                len += (size_t)snprintf(why + len, sizeof why - len, "%s'%s' has %s %s < %s", len ? "; " : "",
                                        n->name, what, b, a);
        }
        if (!fits)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL, "operator '%s' fits on no node kind: %s", o->name, why), TRD__WHERE_OP, i);
    }
    return TRD_OK;
}

/* A necessary condition for the minimum instances: their summed demand fits the cluster's totals.  (Whether
 * they also pack onto machines is the scheduler's problem; it reports that per plan.) */
static trd_status check_minimum_totals(const trd__model *m, trd__diag *d)
{
    for (size_t r = 0; r < SUMMED_RESOURCES; r++) {
        double need = 0, have = 0;
        for (size_t i = 0; i < m->n_ops; i++)
            need += trd__op_get(&m->ops[i], TRD_OP_MIN_INSTANCES) * trd__op_get(&m->ops[i], resources[r].oa);
        for (size_t k = 0; k < m->n_nodes; k++)
            have += trd__node_get(&m->nodes[k], TRD_NODE_COUNT) * trd__node_get(&m->nodes[k], resources[r].na);
        if (need > have * (1 + FIT_EPS)) {
            char a[TRD__NUM_CAP], b[TRD__NUM_CAP];
            fmt_amount(a, need, resources[r].bytes);
            fmt_amount(b, have, resources[r].bytes);
            return trd__fail(d, TRD_E_INVALID_MODEL, "pipeline: the minimum instances need %s %s but the cluster has %s",
                             a, resources[r].what, b);
        }
    }
    return TRD_OK;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Packs the fractional accelerator instances of one machine onto its devices left after whole-device
 * instances, first fit decreasing.  Returns 1 if they fit, 0 if not, -1 on allocation failure. */
static int pack_devices(const trd__model *m, size_t k, uint32_t member, size_t *out_devices)
{
    const trd__node *n = &m->nodes[k];
    double free_devices = trd__node_get(n, TRD_NODE_GPUS);
    size_t n_shares = 0;
    for (size_t p = 0; p < m->n_placements; p++) {
        const trd__placement *pl = &m->placements[p];
        if (pl->node != k || pl->member != member)
            continue;
        double g = trd__op_get(&m->ops[pl->op], TRD_OP_GPUS);
        if (g >= 1)
            free_devices -= g * pl->instances;
        else if (g > 0)
            n_shares += pl->instances;
    }
    size_t devices = free_devices > 0 ? (size_t)(free_devices + FIT_EPS) : 0;
    *out_devices = devices;
    if (n_shares == 0)
        return 1;
    if (devices == 0)
        return 0;
    double *shares = trd__calloc(m->alloc, n_shares + devices, sizeof *shares);
    if (!shares)
        return -1;
    double *load = shares + n_shares;
    size_t s = 0;
    for (size_t p = 0; p < m->n_placements; p++) {
        const trd__placement *pl = &m->placements[p];
        double g = trd__op_get(&m->ops[pl->op], TRD_OP_GPUS);
        if (pl->node == k && pl->member == member && g > 0 && g < 1)
            for (uint32_t i = 0; i < pl->instances; i++)
                shares[s++] = trd__op_device_share(&m->ops[pl->op], n);
    }
    qsort(shares, n_shares, sizeof *shares, cmp_desc);
    int fits = 1;
    for (s = 0; s < n_shares && fits; s++) {
        size_t i = 0;
        while (i < devices && load[i] + shares[s] > 1 + FIT_EPS)
            i++;
        if (i == devices)
            fits = 0;
        else
            load[i] += shares[s];
    }
    trd__free(m->alloc, shares);
    return fits;
}

/* Checks the deployment on machine (node k, member `member`). */
static trd_status check_machine(const trd__model *m, size_t k, uint32_t member, trd__diag *d)
{
    const trd__node *n = &m->nodes[k];
    for (size_t r = 0; r < SUMMED_RESOURCES; r++) {
        double used = 0;
        for (size_t p = 0; p < m->n_placements; p++) {
            const trd__placement *pl = &m->placements[p];
            if (pl->node == k && pl->member == member)
                used += pl->instances * trd__op_get(&m->ops[pl->op], resources[r].oa);
        }
        double have = trd__node_get(n, resources[r].na);
        if (used > have * (1 + FIT_EPS)) {
            char a[TRD__NUM_CAP], b[TRD__NUM_CAP];
            fmt_amount(a, used, resources[r].bytes);
            fmt_amount(b, have, resources[r].bytes);
            return trd__fail(d, TRD_E_INVALID_MODEL, "deployment: machine %s[%u] is over capacity: %s %s > %s",
                             n->name, member, resources[r].what, a, b);
        }
    }
    size_t devices;
    int packed = pack_devices(m, k, member, &devices);
    if (packed < 0)
        return trd__fail(d, TRD_E_NOMEM, "out of memory checking the deployment");
    if (!packed)
        return trd__fail(d, TRD_E_INVALID_MODEL,
                         "deployment: machine %s[%u]: the fractional accelerator instances do not pack onto its "
                         "%zu free devices",
                         n->name, member, devices);
    return TRD_OK;
}

static trd_status check_deployment(const trd__model *m, trd__diag *d)
{
    for (size_t p = 0; p < m->n_placements; p++) {
        const trd__placement *pl = &m->placements[p];
        const trd__node *n = &m->nodes[pl->node];
        if (pl->member >= trd__node_get(n, TRD_NODE_COUNT))
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL,
                             "deployment: operator '%s' on node '%s' member %u, but the pool has %.0f machines",
                             m->ops[pl->op].name, n->name, pl->member, trd__node_get(n, TRD_NODE_COUNT)), TRD__WHERE_PLACEMENT, p);
    }
    for (size_t i = 0; i < m->n_ops; i++) {
        const trd__operator *o = &m->ops[i];
        double total = 0, hi = trd__op_get(o, TRD_OP_MAX_INSTANCES);
        for (size_t p = 0; p < m->n_placements; p++)
            if (m->placements[p].op == i)
                total += m->placements[p].instances;
        if (hi > 0 && total > hi)
            return trd__diag_at(d, trd__fail(d, TRD_E_INVALID_MODEL,
                             "deployment: operator '%s' has %.0f instances, above its max_instances %.0f", o->name,
                             total, hi), TRD__WHERE_OP, i);
    }
    /* Each machine that hosts something, once: the first placement naming it triggers the check. */
    for (size_t p = 0; p < m->n_placements; p++) {
        const trd__placement *pl = &m->placements[p];
        int first = 1;
        for (size_t q = 0; q < p && first; q++)
            if (m->placements[q].node == pl->node && m->placements[q].member == pl->member)
                first = 0;
        if (first) {
            trd_status st = check_machine(m, pl->node, pl->member, d);
            if (st != TRD_OK)
                return st == TRD_E_INVALID_MODEL ? trd__diag_at(d, st, TRD__WHERE_PLACEMENT, p) : st;
        }
    }
    return TRD_OK;
}

trd_status trd__model_validate(const trd__model *m, trd__diag *d)
{
    trd_status st;
    if ((st = check_nodes(m, d)) != TRD_OK || (st = check_operators(m, d)) != TRD_OK)
        return st;
    uint32_t *order = trd__calloc(m->alloc, m->n_ops, sizeof *order);
    if (!order)
        return trd__fail(d, TRD_E_NOMEM, "out of memory ordering the pipeline");
    int topo = trd__model_topo_order(m, order);
    trd__free(m->alloc, order);
    if (topo < 0)
        return trd__fail(d, TRD_E_NOMEM, "out of memory ordering the pipeline");
    if (topo > 0)
        return report_cycle(m, d);
    if ((st = check_connected(m, d)) != TRD_OK || (st = check_minimum_totals(m, d)) != TRD_OK)
        return st;
    return check_deployment(m, d);
}
