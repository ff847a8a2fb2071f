/* plan_reason.c -- the plan's explanation for people: what limits the throughput, how the solve ended, and
 * what happened to each offered config transition. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/numfmt.h"
#include "schedule/plan.h"

typedef struct text {
    char *buf;
    size_t cap, len;
} text;

static void say(text *t, const char *fmt, ...) TRD__PRINTF(2, 3);
static void say(text *t, const char *fmt, ...)
{
    if (t->len + 1 >= t->cap)
        return;
    if (t->len > 0) {
        int n = snprintf(t->buf + t->len, t->cap - t->len, "; ");
        t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
}

static double instances(const trd__sched_input *in, const trd__sched_solution *sol, uint32_t op)
{
    double p = 0;
    for (size_t mc = 0; mc < in->n_machines; mc++)
        p += sol->count[(size_t)op * in->n_machines + mc];
    return p;
}

static void transitions(const trd__sched_input *in, const trd__sched_solution *sol, text *t)
{
    char a[TRD__NUM_CAP], b[TRD__NUM_CAP], c[TRD__NUM_CAP], s[TRD__NUM_CAP];
    for (uint32_t i = 0; i < in->n_ops; i++) {
        const trd__sched_op *o = &in->ops[i];
        const char *name = in->model->ops[i].name;
        if (o->cand == TRD_NO_CONFIG)
            continue;
        trd__fmt_sig3(s, o->horizon_s);
        trd__fmt_sig3(a, o->ut_hat);
        trd__fmt_sig3(b, o->ut_cur);
        if (o->b_max == 0) {
            say(t, "transition of '%s' to config %u waits: rolling_max_fraction is 0", name, o->cand);
        } else if (sol->b[i] > 0) {
            say(t, "'%s': %u of %u instances restart with config %u (%s items/s per instance after its cold start, "
                   "now %s)",
                name, sol->b[i], o->n_old, o->cand, a, b);
        } else if (o->ut_hat <= o->ut_cur) {
            trd__fmt_sig3(c, o->h_cold);
            say(t, "transition of '%s' to config %u deferred: its %s s cold start leaves %s items/s per instance "
                   "over a %s s horizon, not above the current %s",
                name, o->cand, c, a, s, b);
        } else {
            say(t, "transition of '%s' to config %u deferred: no instance on the old config remains", name, o->cand);
        }
    }
}

void trd__plan_reason(const trd__sched_input *in, const trd__sched_solution *sol, uint32_t bottleneck, char *out,
                      size_t cap)
{
    text t = {out, cap, 0};
    out[0] = '\0';
    char a[TRD__NUM_CAP], b[TRD__NUM_CAP], c[TRD__NUM_CAP];
    const trd__sched_op *o = &in->ops[bottleneck];
    double capacity = trd__sched_op_capacity(o, instances(in, sol, bottleneck), sol->b[bottleneck]);
    double demand = sol->throughput * o->D;
    trd__fmt_sig3(a, capacity);
    trd__fmt_sig3(b, demand);
    trd__fmt_sig3(c, capacity > 0 ? 100 * demand / capacity : 0);
    say(&t, "bottleneck '%s': %s items/s of capacity for %s items/s of demand (%s%%)",
        in->model->ops[bottleneck].name, a, b, c);
    if (sol->nic_pool != UINT32_MAX) {
        trd__fmt_sig3(a, sol->throughput);
        say(&t, "the NIC limit of node '%s' is saturated at %s source items/s",
            in->model->nodes[in->pools[sol->nic_pool].node].name, a);
    } else if (o->D > 0 && sol->throughput < 0.999 * capacity / o->D) {
        trd__fmt_sig3(a, sol->throughput);
        trd__fmt_sig3(b, capacity / o->D);
        say(&t, "the throughput %s source items/s is below the operators' %s", a, b);
    }
    /* No wall times here or in the JSON: a plan's text is a function of its inputs, so recorded traces replay
     * to identical bytes (trd_plan_solve_ms has the time). */
    trd__fmt_sig3(b, 100 * sol->gap);
    if (sol->status == TRD_SOLVE_OPTIMAL)
        say(&t, "solver: optimal (gap %s%%)", b);
    else if (sol->status == TRD_SOLVE_FEASIBLE)
        say(&t, "solver: stopped at its time limit with a gap of %s%%", b);
    if (sol->note[0])
        say(&t, "%s", sol->note);
    transitions(in, sol, &t);
}
