/* form_ours.c -- libtrident's formulation (DESIGN section 7 with the four fixes of research/trident.md 4.5).
 *
 * Columns (i operator, k/l pool, a machine, e edge i -> j):
 *   T        >= 0   throughput in source items/s (stage 1 maximises it)
 *   x_ik     int    instances of i in pool k, 0 .. min(machines x per-machine fit, max_instances)
 *   y_ik     >= 0   items/s operator i processes in pool k
 *   f_ekl    >= 0   items/s sent along e from pool k to pool l (continuous: rates, not instance units)
 *   b_i      int    instances restarted with the candidate config this round, 0 .. B_max (only with one)
 *   xa_ia    int    instances of i on machine a, only for pools the repair loop refined
 *   dp, dm   >= 0   instances added / removed per (i, k) against the deployment
 *   E        >= 0   largest average egress per machine over pools, GB/s
 * Rows:
 *   sources           sum_k y_sk = T                     (D_source = 1)
 *   producers (e, k)  sum_l f_ekl = r_i share_e y_ik      (what leaves along e is what i made there)
 *   consumers (j, l)  sum_{e into j} sum_k f_ekl = y_jl   (what j processes in l arrived there; fan-in)
 *   per pool          y_ik <= peak_i x_ik
 *   per operator      sum_k y_ik <= (p - n_new - b) UT_cur + n_new UT_cand + b UT_hat  (with a transition)
 *                     max(min, n_new) <= p <= max;  p - b >= n_new           (p = sum_k x_ik)
 *   resources         per pool: sum_i need_i x_ik <= machines x capacity, for cpus, memory and devices
 *                     (normalised to the machine's capacity); per machine for refined pools
 *   NIC               per pool with a limit, egress and ingress <= machines x NIC (normalised): flows to
 *                     other pools, and within a pool of several machines too (they may cross machines)
 *   E                 E >= egress_k / machines_k (GB/s)
 *   migration         x_ik - dp_ik + dm_ik = deployed_ik
 * By induction over a topological order every edge then carries T x D_i x r_i x share_e and every operator
 * processes T x D_i, so T is in source items/s whatever the fan-out and fan-in. */
#include <math.h>
#include <string.h>

#include "schedule/form.h"
#include "schedule/form_internal.h"

#define NONE TRD__MILP_NONE

/* Bytes/s one item/s along edge e costs (the producer's output item size). */
static double edge_bytes(const trd__sched_input *in, size_t e)
{
    return in->ops[in->model->edges[e].from].out_bytes;
}

/* Whether flow from pool k to pool l may cross a NIC: always between pools, and inside a pool of several
 * machines (producer and consumer need not share a machine; counting it is the conservative choice). */
static int crossing(const trd__sched_input *in, size_t k, size_t l)
{
    return k != l || in->pools[k].count > 1;
}

static void add_columns(trd__form *fm, const trd__form_limits *lim)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    size_t P = in->n_pools, E = in->model->n_edges;
    fm->col_T = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, 1);
    fm->col_E = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, 0);
    for (size_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        for (size_t k = 0; k < P; k++) {
            double ub = (double)in->fit[i * P + k] * in->pools[k].count;
            ub = fmin(ub, o->max_inst);
            if (lim->ub[i * P + k] != UINT32_MAX)
                ub = fmin(ub, lim->ub[i * P + k]);
            if (ub < 1)
                continue;
            fm->x[i * P + k] = trd__milp_add_col(m, TRD__COL_INTEGER, 0, ub, 0);
            fm->y[i * P + k] = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, 0);
            fm->dp[i * P + k] = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, 0);
            fm->dm[i * P + k] = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, 0);
            if (lim->refined[k])
                for (uint32_t a = 0; a < in->pools[k].count; a++)
                    fm->xa[i * in->n_machines + in->pools[k].first + a] =
                        trd__milp_add_col(m, TRD__COL_INTEGER, 0, fmin(in->fit[i * P + k], ub), 0);
        }
        if (o->b_max > 0)
            fm->b[i] = trd__milp_add_col(m, TRD__COL_INTEGER, 0, o->b_max, 0);
    }
    for (size_t e = 0; e < E; e++) {
        uint32_t from = in->model->edges[e].from, to = in->model->edges[e].to;
        for (size_t k = 0; k < P; k++)
            for (size_t l = 0; l < P; l++)
                if (fm->x[from * P + k] != NONE && fm->x[to * P + l] != NONE)
                    fm->f[(e * P + k) * P + l] = trd__milp_add_col(m, TRD__COL_CONTINUOUS, 0, INFINITY, 0);
    }
}

static void flow_rows(trd__form *fm)
{
    const trd__sched_input *in = fm->in;
    const trd__model *md = in->model;
    trd__milp *m = &fm->milp;
    size_t P = in->n_pools, E = md->n_edges;
    for (size_t i = 0; i < in->n_ops; i++) {
        if (in->ops[i].n_in > 0)
            continue;
        size_t row = trd__milp_add_row(m, 0, 0);
        trd__milp_coef(m, row, fm->col_T, -1);
        for (size_t k = 0; k < P; k++)
            if (fm->y[i * P + k] != NONE)
                trd__milp_coef(m, row, fm->y[i * P + k], 1);
    }
    for (size_t e = 0; e < E; e++) {
        uint32_t from = md->edges[e].from;
        for (size_t k = 0; k < P; k++) {
            if (fm->y[from * P + k] == NONE)
                continue;
            size_t row = trd__milp_add_row(m, 0, 0);
            trd__milp_coef(m, row, fm->y[from * P + k], -in->ops[from].r * in->edge_share[e]);
            for (size_t l = 0; l < P; l++)
                if (fm->f[(e * P + k) * P + l] != NONE)
                    trd__milp_coef(m, row, fm->f[(e * P + k) * P + l], 1);
        }
    }
    for (size_t j = 0; j < in->n_ops; j++) {
        if (in->ops[j].n_in == 0)
            continue;
        for (size_t l = 0; l < P; l++) {
            if (fm->y[j * P + l] == NONE)
                continue;
            size_t row = trd__milp_add_row(m, 0, 0);
            trd__milp_coef(m, row, fm->y[j * P + l], -1);
            for (size_t e = 0; e < E; e++)
                if (md->edges[e].to == j)
                    for (size_t k = 0; k < P; k++)
                        if (fm->f[(e * P + k) * P + l] != NONE)
                            trd__milp_coef(m, row, fm->f[(e * P + k) * P + l], 1);
        }
    }
}

static void operator_rows(trd__form *fm)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    size_t P = in->n_pools;
    for (size_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        double peak = trd__sched_op_peak_rate(o), ub_sum = 0;
        for (size_t k = 0; k < P; k++) {
            size_t x = fm->x[i * P + k];
            if (x == NONE)
                continue;
            ub_sum += m->col_ub[x];
            size_t row = trd__milp_add_row(m, -INFINITY, 0);
            trd__milp_coef(m, row, fm->y[i * P + k], 1);
            trd__milp_coef(m, row, x, -peak);
        }
        /* The per-pool rows use the best rate any instance may run at; the exact capacity law, with its
         * transition terms, holds per operator (transitions have no pool index: b_i says how many, not where). */
        if (fm->b[i] != NONE || o->n_new > 0) {
            size_t row = trd__milp_add_row(m, -INFINITY, o->n_new * (o->ut_cand - o->ut_cur));
            for (size_t k = 0; k < P; k++)
                if (fm->x[i * P + k] != NONE) {
                    trd__milp_coef(m, row, fm->y[i * P + k], 1);
                    trd__milp_coef(m, row, fm->x[i * P + k], -o->ut_cur);
                }
            if (fm->b[i] != NONE)
                trd__milp_coef(m, row, fm->b[i], o->ut_cur - o->ut_hat);
        }
        double lo = o->min_inst > o->n_new ? o->min_inst : o->n_new, hi = o->max_inst;
        if (lo > 0 || hi < ub_sum) {
            size_t row = trd__milp_add_row(m, lo, hi);
            for (size_t k = 0; k < P; k++)
                if (fm->x[i * P + k] != NONE)
                    trd__milp_coef(m, row, fm->x[i * P + k], 1);
        }
        if (fm->b[i] != NONE) { /* no more restarts than instances staying on the old config */
            size_t row = trd__milp_add_row(m, o->n_new, INFINITY);
            trd__milp_coef(m, row, fm->b[i], -1);
            for (size_t k = 0; k < P; k++)
                if (fm->x[i * P + k] != NONE)
                    trd__milp_coef(m, row, fm->x[i * P + k], 1);
        }
    }
}

/* Resource rows of one pool (machines = its count, cols = x) or one machine (machines = 1, cols = xa).
 * Rows are divided by the machine's capacity so coefficients are shares, whatever the units. */
static void resource_rows(trd__form *fm, size_t k, double machines, const size_t *cols, size_t stride)
{
    const trd__sched_input *in = fm->in;
    const trd__sched_pool *pl = &in->pools[k];
    trd__milp *m = &fm->milp;
    const double cap[3] = {pl->cpus, pl->mem, pl->gpus};
    for (int r = 0; r < 4; r++) {
        if (cap[r < 3 ? r : 2] <= 0)
            continue;
        size_t row = NONE;
        for (size_t i = 0; i < in->n_ops; i++) {
            size_t c = cols[i * stride];
            if (c == NONE)
                continue;
            const trd__sched_op *o = &in->ops[i];
            double share = in->share[i * in->n_pools + k];
            double need = r == 0 ? o->cpus / cap[0] : r == 1 ? o->mem / cap[1] : r == 2 ? share / cap[2]
                        /* r == 3: instances of more than half a device each need a device of their own */
                        : (o->gpus >= 1 ? o->gpus : share > 0.5 ? 1 : 0) / cap[2];
            if (need <= 0)
                continue;
            if (row == NONE)
                row = trd__milp_add_row(m, -INFINITY, machines);
            trd__milp_coef(m, row, c, need);
        }
    }
}

static void pool_rows(trd__form *fm, const trd__form_limits *lim)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    size_t P = in->n_pools;
    for (size_t k = 0; k < P; k++) {
        const trd__sched_pool *pl = &in->pools[k];
        if (!lim->refined[k]) {
            resource_rows(fm, k, pl->count, fm->x + k, P);
            continue;
        }
        for (uint32_t a = 0; a < pl->count; a++)
            resource_rows(fm, k, 1, fm->xa + pl->first + a, in->n_machines);
        for (size_t i = 0; i < in->n_ops; i++) {
            if (fm->x[i * P + k] == NONE)
                continue;
            size_t row = trd__milp_add_row(m, 0, 0);
            trd__milp_coef(m, row, fm->x[i * P + k], 1);
            for (uint32_t a = 0; a < pl->count; a++)
                trd__milp_coef(m, row, fm->xa[i * in->n_machines + pl->first + a], -1);
        }
    }
}

/* Egress (dir 0) or ingress (dir 1) of pool k as row coefficients times `scale`. */
static void traffic_terms(trd__form *fm, size_t row, size_t k, int dir, double scale)
{
    const trd__sched_input *in = fm->in;
    size_t P = in->n_pools;
    for (size_t e = 0; e < in->model->n_edges; e++) {
        double bytes = edge_bytes(in, e);
        if (bytes <= 0)
            continue;
        for (size_t o = 0; o < P; o++) {
            size_t from = dir == 0 ? k : o, to = dir == 0 ? o : k;
            size_t c = fm->f[(e * P + from) * P + to];
            if (c != NONE && crossing(in, from, to))
                trd__milp_coef(&fm->milp, row, c, bytes * scale);
        }
    }
}

static int has_traffic(const trd__form *fm, size_t k)
{
    const trd__sched_input *in = fm->in;
    size_t P = in->n_pools;
    for (size_t e = 0; e < in->model->n_edges; e++)
        if (edge_bytes(in, e) > 0)
            for (size_t o = 0; o < P; o++)
                if ((fm->f[(e * P + k) * P + o] != NONE && crossing(in, k, o)) ||
                    (fm->f[(e * P + o) * P + k] != NONE && crossing(in, o, k)))
                    return 1;
    return 0;
}

static void network_rows(trd__form *fm)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    for (size_t k = 0; k < in->n_pools; k++) {
        const trd__sched_pool *pl = &in->pools[k];
        if (!has_traffic(fm, k))
            continue;
        if (pl->nic > 0)
            for (int dir = 0; dir < 2; dir++) {
                fm->nic_row[2 * k + dir] = trd__milp_add_row(m, -INFINITY, 1);
                traffic_terms(fm, fm->nic_row[2 * k + dir], k, dir, 1 / (pl->count * pl->nic));
            }
        size_t row = trd__milp_add_row(m, 0, INFINITY);
        trd__milp_coef(m, row, fm->col_E, 1);
        traffic_terms(fm, row, k, 0, -1 / (pl->count * 1e9));
    }
}

static void migration_rows(trd__form *fm)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    size_t P = in->n_pools;
    for (size_t i = 0; i < in->n_ops; i++)
        for (size_t k = 0; k < P; k++) {
            if (fm->x[i * P + k] == NONE)
                continue;
            double now = 0;
            for (uint32_t a = 0; a < in->pools[k].count; a++)
                now += in->current[i * in->n_machines + in->pools[k].first + a];
            size_t row = trd__milp_add_row(m, now, now);
            trd__milp_coef(m, row, fm->x[i * P + k], 1);
            trd__milp_coef(m, row, fm->dp[i * P + k], -1);
            trd__milp_coef(m, row, fm->dm[i * P + k], 1);
        }
}

trd_status trd__form_build_ours(trd__form *fm, const trd__form_limits *lim, trd__diag *d)
{
    const trd__sched_input *in = fm->in;
    const trd__alloc *a = in->alloc;
    size_t P = in->n_pools, E = in->model->n_edges;
    /* Refuse before allocating anything quadratic: flows alone need E x P^2 columns. */
    double need = (double)E * P * P + 4.0 * in->n_ops * P;
    if (need > (double)in->params.max_cols)
        return trd__fail(d, TRD_E_LIMIT, "schedule: the model needs about %.0f columns, above solver_max_columns %zu",
                         need, in->params.max_cols);
    fm->x = trd__form_index_array(a, in->n_ops * P);
    fm->y = trd__form_index_array(a, in->n_ops * P);
    fm->dp = trd__form_index_array(a, in->n_ops * P);
    fm->dm = trd__form_index_array(a, in->n_ops * P);
    fm->xa = trd__form_index_array(a, in->n_ops * in->n_machines);
    fm->b = trd__form_index_array(a, in->n_ops);
    fm->f = trd__form_index_array(a, E * P * P);
    fm->nic_row = trd__form_index_array(a, 2 * P);
    if (!fm->x || !fm->y || !fm->dp || !fm->dm || !fm->xa || !fm->b || !fm->f || !fm->nic_row)
        return trd__fail(d, TRD_E_NOMEM, "schedule: out of memory building the model");
    fm->T_scale = 1;
    add_columns(fm, lim);
    flow_rows(fm);
    operator_rows(fm);
    pool_rows(fm, lim);
    network_rows(fm);
    migration_rows(fm);
    return trd__milp_failed(&fm->milp, d);
}

/* Stage 2 (lexicographic): the throughput is held at its optimum and the secondary goals are traded among
 * themselves.  Each is divided by an upper bound of its range, so each lies in [0, 1] whatever the units
 * (the paper's 1e-4 and 1e-6 weights mean different things for documents/s and pages/s): total cross-machine
 * traffic, the busiest pool's egress, migration seconds (relative to replacing every running instance once),
 * minus the reward for restarting instances with a
 * config that pays back its cold start (negative for one that does not, which defers it).  A tiny footprint
 * term (1e-3) removes idle instances nothing else accounts for. */
void trd__form_second_stage(trd__form *fm, double T1)
{
    const trd__sched_input *in = fm->in;
    trd__milp *m = &fm->milp;
    size_t P = in->n_pools;
    trd__milp_set_bounds(m, fm->col_T, T1 * (1 - 1e-9), INFINITY);
    trd__milp_set_obj(m, fm->col_T, 0);
    double traffic = 0, j_ref = 0, r_ref = 0, x_ref = 0;
    for (size_t e = 0; e < in->model->n_edges; e++) {
        const trd__sched_op *o = &in->ops[in->model->edges[e].from];
        traffic += T1 * o->D * o->r * in->edge_share[e] * edge_bytes(in, e);
    }
    for (size_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        j_ref += (o->h_start + o->h_stop) * (o->n_now > 0 ? o->n_now : 1); /* replacing everything once */
        if (fm->b[i] != NONE)
            r_ref += fabs(o->ut_hat - o->ut_cur) / o->ut_cur * o->b_max;
        for (size_t k = 0; k < P; k++)
            if (fm->x[i * P + k] != NONE)
                x_ref += m->col_ub[fm->x[i * P + k]];
    }
    if (traffic > 0) {
        trd__milp_set_obj(m, fm->col_E, -1e9 / traffic);
        for (size_t e = 0; e < in->model->n_edges; e++)
            for (size_t k = 0; k < P; k++)
                for (size_t l = 0; l < P; l++) {
                    size_t c = fm->f[(e * P + k) * P + l];
                    if (c != NONE && crossing(in, k, l))
                        trd__milp_set_obj(m, c, -edge_bytes(in, e) / traffic);
                }
    }
    for (size_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        for (size_t k = 0; k < P; k++) {
            if (fm->x[i * P + k] == NONE)
                continue;
            if (j_ref > 0) {
                trd__milp_set_obj(m, fm->dp[i * P + k], -o->h_start / j_ref);
                trd__milp_set_obj(m, fm->dm[i * P + k], -o->h_stop / j_ref);
            }
            trd__milp_set_obj(m, fm->x[i * P + k], -1e-3 / (x_ref > 0 ? x_ref : 1));
        }
        if (fm->b[i] != NONE && r_ref > 0)
            trd__milp_set_obj(m, fm->b[i], (o->ut_hat - o->ut_cur) / o->ut_cur / r_ref);
    }
}
