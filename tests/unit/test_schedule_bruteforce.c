/* The schedule MILP against exhaustive enumeration on seeded random small instances.
 *
 * Each instance: 2-4 operators in a chain or a diamond (fan-out with edge shares, fan-in), 1-3 node kinds with
 * 1-2 machines each (at most 4 machines), small cpus/memory/devices, fractional and whole-device operators,
 * instance caps, with and without NIC limits, with and without a pending config transition (cold starts that
 * do and do not pay back).  The oracle enumerates every machine-level deployment (each machine's pattern of
 * instances, then every combination of patterns), takes each operator's best restart count analytically, and
 * computes the throughput of each: the capacity bound min_i capacity_i / D_i, and with NIC limits the rate-flow
 * LP, written here independently of the library's formulation.  The plan must reach the oracle's optimum
 * within 1e-6 relative, and its targets must respect every machine's cpus, memory and devices, the instance
 * bounds, B_max, and (via the LP on the plan's own placement) every NIC limit.
 *
 * Semantics checked (docs/scheduling.md): rates are per instance, fractional-device instances are credited
 * their fraction of the device's rate; D_source = 1, D_j = sum over in-edges of D_i r_i share; capacity with a
 * transition = (p - n_new - b) UT + n_new UT_cand + b UT_cand max(0, 1 - cold / T_sched), and per pool at most
 * peak rate x instances; NIC limits per pool of N machines are N x NIC per direction, counting flows between
 * pools and, in pools of several machines, within the pool. */
#include <math.h>
#include <stdlib.h>

#include "schedule/milp.h"
#include "test_support.h"

#define MAX_OPS 4
#define MAX_POOLS 3
#define MAX_MACHINES 4
#define INSTANCES 240
#define T_SCHED 120.0

typedef struct inst {
    int n_ops, n_pools, n_edges;
    int from[MAX_OPS], to[MAX_OPS];
    double share[MAX_OPS];
    int count[MAX_POOLS], gpus[MAX_POOLS];
    double cpus[MAX_POOLS], mem[MAX_POOLS], nic[MAX_POOLS];
    double ocpu[MAX_OPS], omem[MAX_OPS], ogpu[MAX_OPS], r[MAX_OPS], bytes[MAX_OPS];
    double ut[MAX_OPS], ut_cand[MAX_OPS], cold[MAX_OPS];
    int min[MAX_OPS], max[MAX_OPS]; /* max 0 = unlimited */
    int cand[MAX_OPS];              /* candidate config or -1 */
    int n_old[MAX_OPS], n_new[MAX_OPS], deploy_pool[MAX_OPS];
    /* derived (the oracle's own reading of the documented semantics) */
    double D[MAX_OPS], cur[MAX_OPS], cnd[MAX_OPS], hat[MAX_OPS], peak[MAX_OPS];
    int bmax[MAX_OPS], law[MAX_OPS], nnew[MAX_OPS];
} inst;

/* ---- instances ---- */

static int fits_machine(const inst *in, int k, const int *c)
{
    double cpu = 0, mem = 0, whole = 0, frac = 0;
    for (int i = 0; i < in->n_ops; i++) {
        cpu += c[i] * in->ocpu[i];
        mem += c[i] * in->omem[i];
        if (in->ogpu[i] >= 1)
            whole += c[i] * in->ogpu[i];
        else
            frac += c[i] * in->ogpu[i];
    }
    /* Shares of 1/4 and 1/2 are divisible: any total packs into ceil(total) devices. */
    return cpu <= in->cpus[k] + 1e-9 && mem <= in->mem[k] + 1e-9 && whole + ceil(frac - 1e-9) <= in->gpus[k];
}

static void derive(inst *in)
{
    for (int j = 0; j < in->n_ops; j++) { /* ids are a topological order */
        in->D[j] = 0;
        int sources = 1;
        for (int e = 0; e < in->n_edges; e++)
            if (in->to[e] == j) {
                sources = 0;
                in->D[j] += in->D[in->from[e]] * in->r[in->from[e]] * in->share[e];
            }
        if (sources)
            in->D[j] = 1;
        double w = in->ogpu[j] > 0 && in->ogpu[j] < 1 ? in->ogpu[j] : 1;
        in->cur[j] = in->ut[j] * w;
        in->cnd[j] = in->cand[j] >= 0 ? in->ut_cand[j] * w : 0;
        in->nnew[j] = in->cand[j] >= 0 ? in->n_new[j] : 0;
        int old = in->n_old[j] + (in->cand[j] >= 0 ? 0 : in->n_new[j]);
        if (in->cand[j] >= 0 && old == 0 && (in->nnew[j] > 0 || in->cnd[j] > in->cur[j])) {
            in->cur[j] = in->cnd[j]; /* finished transition, or nothing runs yet and the candidate is faster */
            in->nnew[j] = 0;
            in->cnd[j] = 0;
        } else if (in->cand[j] >= 0 && old == 0) {
            in->cnd[j] = 0;
        }
        int now = in->n_old[j] + in->n_new[j];
        in->bmax[j] = 0;
        if (in->cnd[j] > 0 && old > 0) {
            in->bmax[j] = (int)ceil(0.25 * now - 1e-9);
            in->bmax[j] = in->bmax[j] < 1 ? 1 : in->bmax[j] > old ? old : in->bmax[j];
        }
        in->hat[j] = in->cnd[j] * fmax(0, 1 - in->cold[j] / T_SCHED);
        in->law[j] = in->bmax[j] > 0 || in->nnew[j] > 0;
        in->peak[j] = fmax(in->cur[j], fmax(in->nnew[j] > 0 ? in->cnd[j] : 0, in->bmax[j] > 0 ? in->hat[j] : 0));
    }
}

static void generate(inst *in, uint64_t *rng)
{
    for (;;) {
        memset(in, 0, sizeof *in);
        in->n_ops = test_range(rng, 2, 4);
        if (in->n_ops == 4 && test_uniform(rng) < 0.5) { /* diamond */
            double s = 0.25 * test_range(rng, 1, 3);
            int f[4] = {0, 0, 1, 2}, t[4] = {1, 2, 3, 3};
            double sh[4] = {s, 1 - s, 1, 1};
            for (int e = 0; e < 4; e++)
                in->from[e] = f[e], in->to[e] = t[e], in->share[e] = sh[e];
            in->n_edges = 4;
        } else {
            for (int e = 0; e + 1 < in->n_ops; e++)
                in->from[e] = e, in->to[e] = e + 1, in->share[e] = 1;
            in->n_edges = in->n_ops - 1;
        }
        in->n_pools = test_range(rng, 1, 3);
        int machines = 0, any_gpu = 0, nic = test_uniform(rng) < 0.5;
        for (int k = 0; k < in->n_pools; k++) {
            in->count[k] = machines + 2 <= MAX_MACHINES - (in->n_pools - k - 1) ? test_range(rng, 1, 2) : 1;
            machines += in->count[k];
            in->cpus[k] = test_range(rng, 2, 3);
            in->mem[k] = 4.0 * test_range(rng, 1, 2);
            in->gpus[k] = test_range(rng, 0, 2);
            any_gpu |= in->gpus[k] > 0;
            in->nic[k] = nic && test_uniform(rng) < 0.8 ? 1.5 * test_range(rng, 1, 6) : 0;
        }
        static const double gshare[] = {0.25, 0.5, 1};
        for (int i = 0; i < in->n_ops; i++) {
            in->ocpu[i] = test_range(rng, 1, 2);
            in->omem[i] = 1 << test_range(rng, 0, 2);
            in->ogpu[i] = any_gpu && test_uniform(rng) < 0.4 ? gshare[test_range(rng, 0, 2)] : 0;
            in->r[i] = 0.5 * test_range(rng, 1, 4);
            in->bytes[i] = nic ? test_range(rng, 0, 3) : 0;
            in->ut[i] = 1 + 9 * test_uniform(rng);
            in->min[i] = 1;
            in->max[i] = test_range(rng, 0, 3);
            in->cand[i] = -1;
        }
        if (test_uniform(rng) < 0.7) { /* a pending transition on one operator, deployed on one machine */
            int i = test_range(rng, 0, in->n_ops - 1);
            in->cand[i] = 1;
            in->ut_cand[i] = in->ut[i] * (0.5 + 1.5 * test_uniform(rng));
            static const double colds[] = {0, 30, 90, 150};
            in->cold[i] = colds[test_range(rng, 0, 3)];
            in->n_old[i] = test_range(rng, 0, 2);
            in->n_new[i] = test_range(rng, 0, 1);
            in->deploy_pool[i] = test_range(rng, 0, in->n_pools - 1);
            int c[MAX_OPS] = {0};
            c[i] = in->n_old[i] + in->n_new[i];
            if (!fits_machine(in, in->deploy_pool[i], c) || (in->max[i] && c[i] > in->max[i]))
                continue;
        }
        /* Every operator must fit some machine, and the minimums must fit together somewhere. */
        int ok = 1;
        for (int i = 0; i < in->n_ops && ok; i++) {
            int c[MAX_OPS] = {0}, any = 0;
            c[i] = 1;
            for (int k = 0; k < in->n_pools; k++)
                any |= fits_machine(in, k, c);
            ok = any;
        }
        if (!ok)
            continue;
        derive(in);
        return;
    }
}

/* ---- the library's answer, through the public API ---- */

/* The model of `in` in a new context; NULL (context freed) if commit refuses it as invalid. */
static trd_ctx *build_ctx(const inst *in, test_alloc *a)
{
    trd_ctx *ctx = test_ctx_new(a);
    for (int k = 0; k < in->n_pools; k++) {
        char name[16];
        uint32_t id;
        snprintf(name, sizeof name, "n%d", k);
        assert_ok(ctx, trd_ctx_add_node(ctx, name, &id));
        assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_COUNT, in->count[k]));
        assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_CPUS, in->cpus[k]));
        assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_MEMORY_BYTES, in->mem[k] * 1e9));
        assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_GPUS, in->gpus[k]));
        if (in->gpus[k])
            assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_GPU_MEMORY_BYTES, 80e9));
        assert_ok(ctx, trd_ctx_set_node_attr(ctx, id, TRD_NODE_NIC_BYTES_PER_S, in->nic[k] * 1e6));
    }
    for (int i = 0; i < in->n_ops; i++) {
        char name[16];
        uint32_t id;
        snprintf(name, sizeof name, "op%d", i);
        assert_ok(ctx, trd_ctx_add_operator(ctx, name, &id));
        assert_ok(ctx, trd_ctx_set_operator_attr(ctx, id, TRD_OP_CPUS, in->ocpu[i]));
        assert_ok(ctx, trd_ctx_set_operator_attr(ctx, id, TRD_OP_MEMORY_BYTES, in->omem[i] * 1e9));
        assert_ok(ctx, trd_ctx_set_operator_attr(ctx, id, TRD_OP_GPUS, in->ogpu[i]));
        assert_ok(ctx, trd_ctx_set_operator_attr(ctx, id, TRD_OP_MAX_INSTANCES, in->max[i]));
        assert_ok(ctx, trd_ctx_set_operator_attr(ctx, id, TRD_OP_ITEMS_OUT_PER_IN, in->r[i]));
        assert_ok(ctx, trd_ctx_set_operator_attr(ctx, id, TRD_OP_OUTPUT_BYTES_PER_ITEM, in->bytes[i] * 1e6));
        assert_ok(ctx, trd_ctx_set_operator_attr(ctx, id, TRD_OP_COLD_START_S, in->cold[i]));
        if (in->cand[i] >= 0) {
            const double v = 2;
            assert_ok(ctx, trd_ctx_add_knob_int(ctx, id, "k", 1, 4, 1, 0, NULL));
            uint32_t cfg;
            assert_ok(ctx, trd_ctx_add_config(ctx, id, &v, 1, &cfg));
            assert_int_equal(cfg, 1);
            assert_ok(ctx, trd_ctx_set_deployment(ctx, id, (uint32_t)in->deploy_pool[i], 0, 0, in->n_old[i]));
            assert_ok(ctx, trd_ctx_set_deployment(ctx, id, (uint32_t)in->deploy_pool[i], 0, 1, in->n_new[i]));
        }
    }
    for (int e = 0; e < in->n_edges; e++)
        assert_ok(ctx, trd_ctx_add_edge(ctx, in->from[e], in->to[e], in->share[e]));
    trd_status st = trd_ctx_commit_model(ctx, NULL);
    if (st == TRD_E_INVALID_MODEL) {
        trd_ctx_free(ctx);
        return NULL;
    }
    assert_ok(ctx, st);
    assert_ok(ctx, trd_ctx_set_double(ctx, TRD_P_SOLVER_MIP_GAP, 0));
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SOLVER_TIME_LIMIT_MS, 20000));
    return ctx;
}

/* ---- the oracle ---- */

static double law_capacity(const inst *in, int i, int p, int b)
{
    return (p - in->nnew[i] - b) * in->cur[i] + in->nnew[i] * in->cnd[i] + b * in->hat[i];
}

/* The best restart count for p instances: as many as allowed when the discounted candidate beats the current
 * rate (capacity grows with b), none otherwise. */
static int best_b(const inst *in, int i, int p)
{
    if (in->bmax[i] == 0 || in->hat[i] <= in->cur[i])
        return 0;
    int b = in->bmax[i];
    return b < p - in->nnew[i] ? b : p - in->nnew[i];
}

/* Throughput bound from operator capacities alone, for x[op][pool] with restarts b[op]. */
static double capacity_bound(const inst *in, int x[][MAX_POOLS], const int *b)
{
    double t = INFINITY;
    for (int i = 0; i < in->n_ops; i++) {
        int p = 0;
        for (int k = 0; k < in->n_pools; k++)
            p += x[i][k];
        double cap = in->peak[i] * p;
        if (in->law[i])
            cap = fmin(cap, law_capacity(in, i, p, b[i]));
        if (in->D[i] > 0)
            t = fmin(t, cap / in->D[i]);
    }
    return t;
}

static int crossing(const inst *in, int k, int l) { return k != l || in->count[k] > 1; }

/* Maximum throughput of the placement x with restarts b under the NIC limits: the rate-flow LP. */
static double flow_lp(const inst *in, int x[][MAX_POOLS], const int *b)
{
    trd__alloc a;
    trd__alloc_init_default(&a);
    trd__milp m;
    trd__milp_init(&m, &a, 100000);
    size_t T = trd__milp_add_col(&m, TRD__COL_CONTINUOUS, 0, INFINITY, 1);
    size_t y[MAX_OPS][MAX_POOLS], f[MAX_OPS][MAX_POOLS][MAX_POOLS];
    for (int i = 0; i < in->n_ops; i++)
        for (int k = 0; k < in->n_pools; k++)
            y[i][k] = x[i][k] > 0 ? trd__milp_add_col(&m, TRD__COL_CONTINUOUS, 0, in->peak[i] * x[i][k], 0)
                                  : TRD__MILP_NONE;
    for (int e = 0; e < in->n_edges; e++)
        for (int k = 0; k < in->n_pools; k++)
            for (int l = 0; l < in->n_pools; l++)
                f[e][k][l] = y[in->from[e]][k] != TRD__MILP_NONE && y[in->to[e]][l] != TRD__MILP_NONE
                                 ? trd__milp_add_col(&m, TRD__COL_CONTINUOUS, 0, INFINITY, 0)
                                 : TRD__MILP_NONE;
    for (int i = 0; i < in->n_ops; i++) {
        int source = 1, p = 0;
        for (int e = 0; e < in->n_edges; e++)
            source &= in->to[e] != i;
        for (int k = 0; k < in->n_pools; k++)
            p += x[i][k];
        if (source) { /* a source processes T items/s */
            size_t row = trd__milp_add_row(&m, 0, 0);
            trd__milp_coef(&m, row, T, -1);
            for (int k = 0; k < in->n_pools; k++)
                if (y[i][k] != TRD__MILP_NONE)
                    trd__milp_coef(&m, row, y[i][k], 1);
        }
        for (int l = 0; !source && l < in->n_pools; l++) { /* what arrives at (i, l) is processed there */
            if (y[i][l] == TRD__MILP_NONE)
                continue;
            size_t row = trd__milp_add_row(&m, 0, 0);
            trd__milp_coef(&m, row, y[i][l], -1);
            for (int e = 0; e < in->n_edges; e++)
                for (int k = 0; in->to[e] == i && k < in->n_pools; k++)
                    if (f[e][k][l] != TRD__MILP_NONE)
                        trd__milp_coef(&m, row, f[e][k][l], 1);
        }
        if (in->law[i]) { /* the operator's capacity with its restarts */
            size_t row = trd__milp_add_row(&m, -INFINITY, law_capacity(in, i, p, b[i]));
            for (int k = 0; k < in->n_pools; k++)
                if (y[i][k] != TRD__MILP_NONE)
                    trd__milp_coef(&m, row, y[i][k], 1);
        }
    }
    for (int e = 0; e < in->n_edges; e++) /* what leaves (from, k) along e is r share of what it processed */
        for (int k = 0; k < in->n_pools; k++) {
            if (y[in->from[e]][k] == TRD__MILP_NONE)
                continue;
            size_t row = trd__milp_add_row(&m, 0, 0);
            trd__milp_coef(&m, row, y[in->from[e]][k], -in->r[in->from[e]] * in->share[e]);
            for (int l = 0; l < in->n_pools; l++)
                if (f[e][k][l] != TRD__MILP_NONE)
                    trd__milp_coef(&m, row, f[e][k][l], 1);
        }
    for (int k = 0; k < in->n_pools; k++) {
        if (in->nic[k] <= 0)
            continue;
        for (int dir = 0; dir < 2; dir++) {
            size_t row = trd__milp_add_row(&m, -INFINITY, in->count[k] * in->nic[k]);
            for (int e = 0; e < in->n_edges; e++)
                for (int o = 0; o < in->n_pools; o++) {
                    int s = dir == 0 ? k : o, t = dir == 0 ? o : k;
                    if (f[e][s][t] != TRD__MILP_NONE && crossing(in, s, t))
                        trd__milp_coef(&m, row, f[e][s][t], in->bytes[in->from[e]]);
                }
        }
    }
    trd__milp_params par = {60000, 0, NULL};
    trd__milp_result res;
    trd__diag d;
    assert_int_equal(trd__milp_solve(&m, &par, &res, &d), TRD_OK);
    assert_int_equal(res.outcome, TRD__MILP_OPTIMAL);
    double t = res.x[T];
    trd__milp_result_free(&a, &res);
    trd__milp_free(&m);
    return t;
}

typedef struct cand {
    int x[MAX_OPS][MAX_POOLS];
    double bound;
} cand;

typedef struct search {
    const inst *in;
    int patterns[MAX_POOLS][64][MAX_OPS];
    int n_patterns[MAX_POOLS];
    int pool_vecs[MAX_POOLS][512][MAX_OPS]; /* distinct per-pool totals */
    int n_vecs[MAX_POOLS];
    cand *cands;
    size_t n_cands, cap_cands;
} search;

static void enum_patterns(search *s, int k, int i, int *c)
{
    const inst *in = s->in;
    if (i == in->n_ops) {
        assert_true(s->n_patterns[k] < 64);
        memcpy(s->patterns[k][s->n_patterns[k]++], c, sizeof(int) * MAX_OPS);
        return;
    }
    /* c[q] = 0 for q > i here, so c is the pattern so far. */
    for (c[i] = 0; fits_machine(in, k, c); c[i]++)
        enum_patterns(s, k, i + 1, c);
    c[i] = 0;
}

static void add_vec(search *s, int k, const int *v)
{
    for (int q = 0; q < s->n_vecs[k]; q++)
        if (memcmp(s->pool_vecs[k][q], v, sizeof(int) * MAX_OPS) == 0)
            return;
    assert_true(s->n_vecs[k] < 512);
    memcpy(s->pool_vecs[k][s->n_vecs[k]++], v, sizeof(int) * MAX_OPS);
}

/* Per pool: every multiset of `count` machine patterns, summed. */
static void enum_pool(search *s, int k, int machine, int from, int *sum)
{
    if (machine == s->in->count[k]) {
        add_vec(s, k, sum);
        return;
    }
    for (int p = from; p < s->n_patterns[k]; p++) {
        for (int i = 0; i < MAX_OPS; i++)
            sum[i] += s->patterns[k][p][i];
        enum_pool(s, k, machine + 1, p, sum);
        for (int i = 0; i < MAX_OPS; i++)
            sum[i] -= s->patterns[k][p][i];
    }
}

static void enum_product(search *s, int k, int x[][MAX_POOLS])
{
    const inst *in = s->in;
    if (k == in->n_pools) {
        int b[MAX_OPS];
        for (int i = 0; i < in->n_ops; i++) {
            int p = 0;
            for (int q = 0; q < in->n_pools; q++)
                p += x[i][q];
            int lo = in->min[i] > in->nnew[i] ? in->min[i] : in->nnew[i];
            if (p < lo || (in->max[i] && p > in->max[i]))
                return;
            b[i] = best_b(in, i, p);
        }
        if (s->n_cands == s->cap_cands) {
            s->cap_cands = s->cap_cands ? 2 * s->cap_cands : 1024;
            s->cands = realloc(s->cands, s->cap_cands * sizeof *s->cands);
            assert_non_null(s->cands);
        }
        cand *c = &s->cands[s->n_cands++];
        memcpy(c->x, x, sizeof c->x);
        c->bound = capacity_bound(in, x, b);
        return;
    }
    for (int v = 0; v < s->n_vecs[k]; v++) {
        for (int i = 0; i < in->n_ops; i++)
            x[i][k] = s->pool_vecs[k][v][i];
        enum_product(s, k + 1, x);
    }
}

static int by_bound_desc(const void *a, const void *b)
{
    double x = ((const cand *)a)->bound, y = ((const cand *)b)->bound;
    return (x < y) - (x > y);
}

static int has_nic(const inst *in)
{
    for (int k = 0; k < in->n_pools; k++)
        if (in->nic[k] > 0)
            return 1;
    return 0;
}

static double oracle(const inst *in, size_t *evaluated)
{
    search *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->in = in;
    for (int k = 0; k < in->n_pools; k++) {
        int c[MAX_OPS] = {0}, sum[MAX_OPS] = {0};
        enum_patterns(s, k, 0, c);
        enum_pool(s, k, 0, 0, sum);
    }
    int x[MAX_OPS][MAX_POOLS];
    memset(x, 0, sizeof x);
    enum_product(s, 0, x);
    if (s->n_cands == 0) { /* the minimum instances fit no combination of machines */
        free(s);
        *evaluated = 0;
        return -1;
    }
    qsort(s->cands, s->n_cands, sizeof *s->cands, by_bound_desc);
    double best = 0;
    *evaluated = s->n_cands;
    for (size_t q = 0; q < s->n_cands; q++) {
        if (!has_nic(in)) {
            best = s->cands[0].bound;
            break;
        }
        if (s->cands[q].bound <= best * (1 + 1e-12))
            break; /* sorted: nothing below can beat the best flow found */
        int b[MAX_OPS];
        for (int i = 0; i < in->n_ops; i++) {
            int p = 0;
            for (int k = 0; k < in->n_pools; k++)
                p += s->cands[q].x[i][k];
            b[i] = best_b(in, i, p);
        }
        best = fmax(best, flow_lp(in, s->cands[q].x, b));
    }
    free(s->cands);
    free(s);
    return best;
}

/* ---- checking a plan ---- */

typedef struct verdict {
    double throughput;
    int b_total, nic_binds, fallback;
} verdict;

static void check_plan(const inst *in, trd_plan *plan, verdict *v)
{
    trd_target t[64];
    size_t n;
    assert_int_equal(trd_plan_get_targets(plan, t, 64, &n), TRD_OK);
    int per_machine[MAX_POOLS][2][MAX_OPS];
    int x[MAX_OPS][MAX_POOLS], cand_instances[MAX_OPS] = {0};
    memset(per_machine, 0, sizeof per_machine);
    memset(x, 0, sizeof x);
    for (size_t q = 0; q < n; q++) {
        assert_true(t[q].node < (uint32_t)in->n_pools && t[q].member < (uint32_t)in->count[t[q].node]);
        per_machine[t[q].node][t[q].member][t[q].op] += (int)t[q].instances;
        x[t[q].op][t[q].node] += (int)t[q].instances;
        if (in->cand[t[q].op] >= 0 && t[q].config == (uint32_t)in->cand[t[q].op])
            cand_instances[t[q].op] += (int)t[q].instances;
    }
    for (int k = 0; k < in->n_pools; k++)
        for (int a = 0; a < in->count[k]; a++)
            if (!fits_machine(in, k, per_machine[k][a]))
                fail_msg("machine n%d[%d] is over capacity", k, a);
    int b[MAX_OPS];
    for (int i = 0; i < in->n_ops; i++) {
        int p = 0;
        for (int k = 0; k < in->n_pools; k++)
            p += x[i][k];
        assert_true(p >= in->min[i] && p >= in->nnew[i]);
        if (in->max[i])
            assert_true(p <= in->max[i]);
        /* Candidate-config instances beyond those already moved are this round's restarts. */
        b[i] = in->cnd[i] > 0 ? cand_instances[i] - in->nnew[i] : 0;
        assert_true(b[i] >= 0 && b[i] <= in->bmax[i]);
        v->b_total += b[i];
    }
    v->throughput = trd_plan_predicted_throughput(plan);
    double cap = capacity_bound(in, x, b);
    assert_true(v->throughput <= cap * (1 + 1e-6));
    if (has_nic(in)) {
        double lp = flow_lp(in, x, b);
        if (!(v->throughput <= lp * (1 + 1e-6)))
            fail_msg("plan throughput %.9g exceeds what its placement carries within the NIC limits (%.9g)",
                     v->throughput, lp);
        v->nic_binds = lp < cap * (1 - 1e-6);
    }
    v->fallback = trd_plan_solve_status(plan) == TRD_SOLVE_FALLBACK;
}

static void test_milp_matches_exhaustive_enumeration(void **state)
{
    (void)state;
    uint64_t rng = 20260611;
    int diamonds = 0, with_nic = 0, nic_binding = 0, transitions = 0, restarts = 0, optimal = 0;
    size_t evaluated = 0;
    int infeasible = 0;
    for (int t = 0; t < INSTANCES;) {
        inst in;
        generate(&in, &rng);
        size_t ev;
        double best = oracle(&in, &ev);
        test_alloc a;
        trd_ctx *ctx = build_ctx(&in, &a);
        trd_rate rates[MAX_OPS];
        for (int i = 0; i < in.n_ops; i++)
            rates[i] = (trd_rate){(uint32_t)i, in.cand[i] >= 0 ? 1u : TRD_NO_CONFIG, in.ut[i], in.ut_cand[i], 0};
        trd_plan *plan = NULL;
        if (best < 0) {
            /* No deployment exists: commit refuses the model, or the scheduler says so. */
            if (ctx)
                assert_status(ctx, TRD_E_INFEASIBLE, trd_ctx_plan_with_rates(ctx, rates, (size_t)in.n_ops, &plan));
            assert_null(plan);
            trd_ctx_free(ctx);
            infeasible++;
            continue;
        }
        assert_non_null(ctx);
        evaluated += ev;
        assert_ok(ctx, trd_ctx_plan_with_rates(ctx, rates, (size_t)in.n_ops, &plan));
        verdict v = {0};
        check_plan(&in, plan, &v);
        if (fabs(v.throughput - best) > 1e-6 * fmax(1, best))
            fail_msg("instance %d: MILP throughput %.12g, exhaustive optimum %.12g (%s)", t, v.throughput, best,
                     trd_plan_reason(plan));
        assert_false(v.fallback);
        optimal += trd_plan_solve_status(plan) == TRD_SOLVE_OPTIMAL;
        diamonds += in.n_edges == 4;
        with_nic += has_nic(&in);
        nic_binding += v.nic_binds;
        transitions += in.bmax[0] + in.bmax[1] + in.bmax[2] + in.bmax[3] > 0;
        restarts += v.b_total > 0;
        trd_plan_free(plan);
        trd_ctx_free(ctx);
        assert_int_equal(a.live_blocks, 0);
        t++;
    }
    print_message("%d instances equal to exhaustive enumeration (%zu deployments enumerated): %d diamonds, %d with "
                  "NIC limits (%d where the NIC binds), %d with a transition offered (%d restarting), %d optimal; "
                  "%d infeasible instances refused\n",
                  INSTANCES, evaluated, diamonds, with_nic, nic_binding, transitions, restarts, optimal, infeasible);
    /* The corpus must exercise what it claims to. */
    assert_true(diamonds >= 20 && nic_binding >= 20 && transitions >= 40 && restarts >= 15);
    assert_int_equal(optimal, INSTANCES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_milp_matches_exhaustive_enumeration)};
    return cmocka_run_group_tests_name("unit_schedule_bruteforce", tests, NULL, NULL);
}
