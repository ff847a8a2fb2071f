/* raydata.c -- Ray Data's actor-pool scaling decision and resource budgets (see raydata.h). */
#include "raydata.h"

#include <math.h>
#include <string.h>

double sim_ray_utilisation(const sim_ray_pool *p)
{
    uint32_t size = p->running + p->pending;
    if (!size)
        return INFINITY;
    return p->tasks_in_flight / ((double)(p->max_concurrency ? p->max_concurrency : 1) * size);
}

int sim_ray_scale(const sim_ray_pool *p, double now_s)
{
    uint32_t size = p->running + p->pending;
    if (size < p->min_size)
        return (int)(p->min_size - size);
    if (size > p->max_size)
        return -(int)(size - p->max_size);
    if (!p->inputs_received)
        return 0; /* "no inputs received" */
    double util = sim_ray_utilisation(p);
    if (util >= SIM_RAY_UP) {
        if (size >= p->max_size || !p->under_limits || p->budget_actors == 0)
            return 0;
        return 1; /* ceil(size x (util/up - 1)) capped by max_upscaling_delta = 1 */
    }
    if (util <= SIM_RAY_DOWN && size > p->min_size) {
        if (now_s - p->last_upscale_s < SIM_RAY_DEBOUNCE_S)
            return 0; /* the scale-down debounce after an upscale */
        return -1;
    }
    return 0;
}

void sim_ray_budgets(const double *limits, const sim_ray_op_res *ops, uint32_t n, double (*budget)[SIM_RAY_RES])
{
    double remaining[SIM_RAY_RES], reserved_r[SIM_RAY_RES];
    memcpy(remaining, limits, sizeof remaining);
    for (uint32_t i = 0; i < n; i++) {
        const sim_ray_op_res *o = &ops[i];
        int fits = 1;
        for (int r = 0; r < SIM_RAY_RES; r++) {
            double want = limits[r] * SIM_RAY_RESERVATION / n;
            if (r == 1 && !o->uses_gpu)
                want = 0; /* no GPU budget for operators without GPUs (PR #59789) */
            if (want < o->min_usage[r])
                want = o->min_usage[r];
            if (want > o->max_usage[r])
                want = o->max_usage[r];
            reserved_r[r] = want;
            if (r < 2 && want > remaining[r] + 1e-9) /* CPU and GPU must fit; memory may be oversubscribed */
                fits = 0;
        }
        for (int r = 0; r < SIM_RAY_RES; r++) {
            budget[i][r] = fits ? reserved_r[r] : 0; /* the reservation, for now */
            remaining[r] -= budget[i][r];
        }
    }
    double shared[SIM_RAY_RES];
    for (int r = 0; r < SIM_RAY_RES; r++)
        shared[r] = remaining[r] > 0 ? remaining[r] : 0;
    for (uint32_t i = 0; i < n; i++)
        for (int r = 0; r < SIM_RAY_RES; r++) {
            double res = budget[i][r], use = ops[i].usage[r];
            budget[i][r] = res > use ? res - use : 0;
            shared[r] -= use > res ? use - res : 0; /* over-reservation eats the shared pool */
        }
    for (int r = 0; r < SIM_RAY_RES; r++)
        shared[r] = shared[r] > 0 ? shared[r] : 0;
    for (uint32_t k = 0; k < n; k++) { /* downstream first, an even share of what is left */
        uint32_t i = n - 1 - k;
        for (int r = 0; r < SIM_RAY_RES; r++) {
            if (r == 1 && !ops[i].uses_gpu)
                continue; /* no GPU budget for operators without GPUs (PR #59789) */
            double share = shared[r] / (double)(n - k);
            shared[r] -= share;
            budget[i][r] += share;
        }
        if (ops[i].uses_gpu) { /* every device no other operator holds */
            double held = 0;
            for (uint32_t j = 0; j < n; j++)
                held += j == i ? 0 : ops[j].usage[1];
            double g = limits[1] - held - ops[i].usage[1];
            budget[i][1] = g > 0 ? g : 0;
        }
    }
}
