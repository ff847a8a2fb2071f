/* solve.c -- from input to a packed solution: incumbent, the lexicographic solves, packing and its repair.
 *
 * Ours solves twice (lexicographic objective): stage 1 maximises the throughput T; stage 2 holds T at its
 * optimum and breaks ties (form_ours.c).  The paper's formulation is solved once with its own weights.
 *
 * Pools make the model's size depend on node kinds, not nodes, but a pool's aggregate capacity is a
 * relaxation: counts that fit the pool's total may not pack onto its machines.  When first-fit decreasing
 * cannot place a pool's counts, the repair re-solves with that pool modelled machine by machine (exact for
 * cpus, memory and whole or power-of-two device shares) if it has at most REFINE_MACHINES machines; otherwise
 * (or if that still does not pack) it caps the operator's count in that pool at what did pack and re-solves.
 * Each cap strictly lowers a bound, so the loop ends; after MAX_ROUNDS the greedy plan is used. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/form.h"

#define MAX_ROUNDS 8
#define REFINE_MACHINES 16
/* Share of the time budget kept for the tie-breaking stage when stage 1 runs out of time. */
#define STAGE2_RESERVE 0.2

int trd__sched_solution_init(trd__sched_solution *s, const trd__sched_input *in)
{
    memset(s, 0, sizeof *s);
    s->nic_pool = UINT32_MAX;
    s->count = trd__calloc(in->alloc, in->n_ops * in->n_machines, sizeof *s->count);
    s->b = trd__calloc(in->alloc, in->n_ops, sizeof *s->b);
    if (!s->count || !s->b) {
        trd__sched_solution_free(s, in->alloc);
        return -1;
    }
    return 0;
}

void trd__sched_solution_free(trd__sched_solution *s, const trd__alloc *a)
{
    trd__free(a, s->count);
    trd__free(a, s->b);
    s->count = NULL;
    s->b = NULL;
}

typedef struct work {
    const trd__sched_input *in;
    trd__form_limits lim;
    uint32_t *greedy;      /* n_ops x n_machines, valid if have_greedy */
    int have_greedy;
    uint32_t *pool_count;  /* n_ops x n_pools */
    uint32_t *machine;     /* n_ops x n_machines, from the solver where it places per machine */
    double *vec;           /* incumbent, n_cols of the current model */
    unsigned char *all;    /* n_pools flags, all set: the paper places every pool per machine */
    double spent_ms;
    int capped;            /* a repair capped a count: infeasibility may be the repair's doing */
} work;

static void work_free(work *w)
{
    const trd__alloc *a = w->in->alloc;
    trd__free(a, w->lim.ub);
    trd__free(a, w->lim.refined);
    trd__free(a, w->greedy);
    trd__free(a, w->pool_count);
    trd__free(a, w->machine);
    trd__free(a, w->vec);
    trd__free(a, w->all);
}

static int work_init(work *w, const trd__sched_input *in)
{
    memset(w, 0, sizeof *w);
    w->in = in;
    const trd__alloc *a = in->alloc;
    size_t per = in->params.formulation == TRD__FORM_PAPER ? in->n_machines : in->n_pools;
    w->lim.ub = trd__malloc(a, in->n_ops * per * sizeof *w->lim.ub);
    w->lim.refined = trd__calloc(a, in->n_pools, 1);
    w->greedy = trd__calloc(a, in->n_ops * in->n_machines, sizeof *w->greedy);
    w->pool_count = trd__calloc(a, in->n_ops * in->n_pools, sizeof *w->pool_count);
    w->machine = trd__calloc(a, in->n_ops * in->n_machines, sizeof *w->machine);
    w->all = trd__malloc(a, in->n_pools);
    if (!w->lim.ub || !w->lim.refined || !w->greedy || !w->pool_count || !w->machine || !w->all)
        return -1;
    memset(w->all, 1, in->n_pools);
    for (size_t k = 0; k < in->n_ops * per; k++)
        w->lim.ub[k] = UINT32_MAX;
    int g = in->params.formulation == TRD__FORM_PAPER ? trd__sched_equal_greedy(in, w->greedy)
                                                      : trd__sched_greedy(in, w->greedy);
    if (g < 0)
        return -1;
    w->have_greedy = g;
    return 0;
}

static double budget_left(const work *w)
{
    double left = w->in->params.time_limit_ms - w->spent_ms;
    return left > 1 ? left : 1;
}

/* Solves fm once with the incumbent `inc` (or none). */
static trd_status run(work *w, trd__form *fm, const double *inc, double budget_ms, trd__milp_result *r,
                      trd__diag *d)
{
    trd__milp_params p = {budget_ms, w->in->params.mip_gap, inc};
    trd_status st = trd__milp_solve(&fm->milp, &p, r, d);
    if (st == TRD_OK)
        w->spent_ms += r->solve_ms;
    return st;
}

/* The predicted throughput of a machine-level deployment: the model solved with every integer column fixed. */
static trd_status evaluate(work *w, const uint32_t *count, double *throughput, trd__diag *d)
{
    trd__form fm;
    trd_status st = trd__form_build(&fm, w->in, &w->lim, d);
    if (st != TRD_OK)
        return st;
    double *vec = trd__calloc(w->in->alloc, fm.milp.n_cols, sizeof *vec);
    uint32_t *b = trd__calloc(w->in->alloc, w->in->n_ops, sizeof *b);
    if (!vec || !b) {
        trd__free(w->in->alloc, vec);
        trd__free(w->in->alloc, b);
        trd__form_free(&fm);
        return trd__fail(d, TRD_E_NOMEM, "schedule: out of memory evaluating a plan");
    }
    trd__form_incumbent(&fm, count, vec);
    for (size_t j = 0; j < fm.milp.n_cols; j++)
        if (fm.milp.col_int[j])
            trd__milp_set_bounds(&fm.milp, j, vec[j], vec[j]);
    trd__milp_result r;
    st = trd__milp_failed(&fm.milp, d);
    if (st == TRD_OK)
        st = run(w, &fm, NULL, budget_left(w) + 1000, &r, d); /* an LP: never stop it half way */
    *throughput = 0;
    if (st == TRD_OK && r.x)
        trd__form_extract(&fm, r.x, w->pool_count, w->machine, b, throughput);
    if (st == TRD_OK)
        trd__milp_result_free(w->in->alloc, &r);
    trd__free(w->in->alloc, vec);
    trd__free(w->in->alloc, b);
    trd__form_free(&fm);
    return st;
}

/* The greedy plan as the answer, with its throughput evaluated. */
static trd_status use_greedy(work *w, trd__sched_solution *out, const char *why, trd__diag *d)
{
    const trd__sched_input *in = w->in;
    if (!w->have_greedy)
        return trd__fail(d, TRD_E_SOLVER, "schedule: %s, and no greedy plan fits the minimum instances", why);
    double t;
    trd_status st = evaluate(w, w->greedy, &t, d);
    if (st != TRD_OK)
        return st;
    memcpy(out->count, w->greedy, in->n_ops * in->n_machines * sizeof *out->count);
    memset(out->b, 0, in->n_ops * sizeof *out->b);
    out->throughput = t;
    out->status = TRD_SOLVE_FALLBACK;
    out->gap = NAN;
    snprintf(out->note, sizeof out->note, "greedy plan: %s", why);
    return TRD_OK;
}

/* Stage 2 of ours: re-weights fm and solves from stage 1's point.  On success `best` becomes its result. */
static trd_status tie_break(work *w, trd__form *fm, trd__milp_result *best, trd__diag *d)
{
    double T1 = best->x[fm->col_T];
    trd__form_second_stage(fm, T1);
    trd_status st = trd__milp_failed(&fm->milp, d);
    if (st != TRD_OK)
        return st;
    trd__milp_result r;
    st = run(w, fm, best->x, budget_left(w), &r, d);
    if (st != TRD_OK)
        return st;
    if (r.x && r.x[fm->col_T] >= T1 * (1 - 1e-6)) {
        /* Keep stage 1's verdict on T (the tie-break does not change it) and its gap. */
        trd__milp_outcome outcome = best->outcome;
        double gap = best->gap;
        trd__milp_result_free(w->in->alloc, best);
        *best = r;
        best->x[fm->col_T] = T1; /* stage 2 may sit a hair (1e-9) below; its flows carry T1 within tolerance */
        best->outcome = outcome;
        best->gap = gap;
    } else {
        trd__milp_result_free(w->in->alloc, &r);
    }
    return TRD_OK;
}

/* Records a packing failure in the limits for the next round.  Returns 0 if nothing could be tightened. */
static int repair(work *w, const trd__pack_failure *f, int paper, char *note, size_t cap)
{
    const trd__sched_input *in = w->in;
    const char *op = in->model->ops[f->op].name, *node = in->model->nodes[in->pools[f->pool].node].name;
    if (!paper && !w->lim.refined[f->pool] && in->pools[f->pool].count <= REFINE_MACHINES) {
        w->lim.refined[f->pool] = 1;
        snprintf(note, cap, "pool '%s' modelled per machine ('%s' did not pack)", node, op);
        return 1;
    }
    size_t idx = paper ? f->op * in->n_machines + f->machine : f->op * in->n_pools + f->pool;
    if (w->lim.ub[idx] != UINT32_MAX && w->lim.ub[idx] <= f->placed)
        return 0;
    w->lim.ub[idx] = f->placed;
    w->capped = 1;
    snprintf(note, cap, "'%s' capped at %u instances on '%s' (the rest did not pack)", op, f->placed, node);
    return 1;
}

static trd_status solve_round(work *w, trd__form *fm, trd__sched_solution *out, int *packed, trd__diag *d)
{
    const trd__sched_input *in = w->in;
    int paper = fm->paper;
    const double *inc = NULL;
    if (w->have_greedy) {
        trd__form_incumbent(fm, w->greedy, w->vec);
        inc = w->vec;
    }
    trd__milp_result r;
    double stage1 = paper ? budget_left(w) : budget_left(w) * (1 - STAGE2_RESERVE);
    trd_status st = run(w, fm, inc, stage1, &r, d);
    if (st != TRD_OK)
        return st;
    /* Modelling pools per machine is exact, so only a capped count can make a feasible model infeasible. */
    if (r.outcome == TRD__MILP_INFEASIBLE && !w->capped)
        return trd__fail(d, TRD_E_INFEASIBLE, "schedule: no deployment satisfies the model (%s)", r.reason);
    if (r.outcome == TRD__MILP_INFEASIBLE || r.outcome == TRD__MILP_NO_SOLUTION) {
        char why[224];
        snprintf(why, sizeof why, "the solver found no plan (%s)", r.reason);
        *packed = 1;
        return use_greedy(w, out, why, d);
    }
    if (r.outcome == TRD__MILP_INCUMBENT) {
        /* Nothing better than the greedy plan in time: take it as placed (it packs by construction). */
        trd__form_extract(fm, r.x, w->pool_count, w->machine, out->b, &out->throughput);
        memcpy(out->count, w->greedy, in->n_ops * in->n_machines * sizeof *out->count);
        memset(out->b, 0, in->n_ops * sizeof *out->b);
        out->status = TRD_SOLVE_FALLBACK;
        out->gap = r.gap;
        out->objective = r.objective;
        snprintf(out->note, sizeof out->note, "greedy plan: the solver found nothing better (%s)", r.reason);
        *packed = 1;
        trd__milp_result_free(in->alloc, &r);
        return TRD_OK;
    }
    if (!paper)
        st = tie_break(w, fm, &r, d);
    if (st == TRD_OK) {
        trd__form_extract(fm, r.x, w->pool_count, w->machine, out->b, &out->throughput);
        out->nic_pool = trd__form_saturated_nic(fm, r.x);
        out->objective = r.objective;
        out->status = r.outcome == TRD__MILP_OPTIMAL ? TRD_SOLVE_OPTIMAL : TRD_SOLVE_FEASIBLE;
        out->gap = r.gap;
        trd__pack_failure fail;
        /* The paper's x is per machine: placed as it is.  Ours: per pool, except refined pools. */
        int ok = trd__sched_pack(in, w->pool_count, w->machine, paper ? w->all : w->lim.refined, out->count, &fail);
        if (ok < 0)
            st = trd__fail(d, TRD_E_NOMEM, "schedule: out of memory packing the plan");
        else if (ok)
            *packed = 1;
        else if (!repair(w, &fail, paper, out->note, sizeof out->note))
            *packed = -1;
    }
    trd__milp_result_free(in->alloc, &r);
    return st;
}

/* Appends "; note" (or just the note) to `notes`, truncating at its capacity. */
static void append_note(char *notes, size_t cap, const char *note)
{
    size_t len = strlen(notes);
    if (len > 0 && len + 2 < cap) {
        memcpy(notes + len, "; ", 2);
        len += 2;
    }
    size_t n = strlen(note);
    if (n > cap - 1 - len)
        n = cap - 1 - len;
    memcpy(notes + len, note, n);
    notes[len + n] = '\0';
}

trd_status trd__sched_solve(const trd__sched_input *in, trd__sched_solution *out, trd__diag *d)
{
    work w;
    if (work_init(&w, in) != 0) {
        work_free(&w);
        return trd__fail(d, TRD_E_NOMEM, "schedule: out of memory preparing the solve");
    }
    trd_status st = TRD_OK;
    char notes[224] = "";
    int packed = 0;
    for (int round = 0; round < MAX_ROUNDS && !packed && st == TRD_OK; round++) {
        trd__form fm;
        st = trd__form_build(&fm, in, &w.lim, d);
        if (st != TRD_OK)
            break;
        trd__free(in->alloc, w.vec);
        w.vec = trd__calloc(in->alloc, fm.milp.n_cols, sizeof *w.vec);
        if (!w.vec)
            st = trd__fail(d, TRD_E_NOMEM, "schedule: out of memory preparing the incumbent");
        out->note[0] = '\0';
        if (st == TRD_OK)
            st = solve_round(&w, &fm, out, &packed, d);
        trd__form_free(&fm);
        if (st == TRD_OK && !packed && out->note[0])
            append_note(notes, sizeof notes, out->note);
        if (st == TRD_OK && packed < 0)
            break;
    }
    if (st == TRD_OK && packed != 1)
        st = use_greedy(&w, out, "the plan did not pack onto the machines", d);
    else if (st == TRD_OK && notes[0] && out->status != TRD_SOLVE_FALLBACK)
        snprintf(out->note, sizeof out->note, "repaired packing: %s", notes);
    out->solve_ms = w.spent_ms;
    work_free(&w);
    return st;
}
