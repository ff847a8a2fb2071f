/* raydata.h -- Ray Data's default scheduling decisions (Ray 2.57+; research/raydata.md 1.4-1.9), as the `raydata`
 * policy uses them and its tests check them.
 *
 * Actor pools (DefaultActorAutoscaler.try_trigger_scaling, _ActorPool.scale):
 *   utilisation = tasks in flight / (max_concurrency x size), size = running + pending actors, each actor holding
 *   up to 2 x max_concurrency tasks (so utilisation reaches 2.0).  In order: below min_size -> up to min; above
 *   max_size -> down to max; no input received yet -> nothing; utilisation >= 1.75 -> +1 unless at max_size, the
 *   operator is over its resource limits, or its budget admits no more actor; utilisation <= 0.5 and above
 *   min_size -> -1, refused for 10 s after an upscale (the debounce), taking a pending actor first, then an idle
 *   one (busy actors are never killed).
 * Budgets (ReservationOpResourceAllocator, reservation ratio 0.5): every eligible operator reserves an even share
 * of half the cluster (clamped to [one task or min_size actors, max_size actors]; zero of a resource it does not
 * use) in topological order while it fits; what is left is shared, downstream operators first, after each
 * operator's use above its reservation is taken out of it; an operator that uses devices may use every device no
 * other operator holds. */
#ifndef SIM_RAYDATA_H
#define SIM_RAYDATA_H

#include <stdint.h>

#define SIM_RAY_UP 1.75          /* actor_pool_util_upscaling_threshold (PR #59512)     */
#define SIM_RAY_DOWN 0.5         /* actor_pool_util_downscaling_threshold               */
#define SIM_RAY_DEBOUNCE_S 10.0  /* _ACTOR_POOL_SCALE_DOWN_DEBOUNCE_PERIOD_S            */
#define SIM_RAY_RESERVATION 0.5  /* op_resource_reservation_ratio                       */

typedef struct sim_ray_pool {
    uint32_t running, pending;   /* size = running + pending                            */
    uint32_t min_size, max_size;
    double tasks_in_flight;      /* submitted, not finished (queued on actors included)  */
    uint32_t max_concurrency;    /* per actor (1)                                        */
    int inputs_received;         /* the operator got its first input                     */
    int under_limits;            /* no backpressure policy held it back this tick        */
    uint32_t budget_actors;      /* more actors its budget admits                        */
    double last_upscale_s;       /* when it last grew (-inf: never)                      */
} sim_ray_pool;

/* The pool's utilisation (inf for an empty pool). */
double sim_ray_utilisation(const sim_ray_pool *p);
/* The scaling decision at time now: actors to add (> 0) or remove (< 0), 0 for none. */
int sim_ray_scale(const sim_ray_pool *p, double now_s);

/* Resources: cpu, gpu, memory. */
#define SIM_RAY_RES 3
typedef struct sim_ray_op_res {
    double per_instance[SIM_RAY_RES];  /* one task or actor                                         */
    double usage[SIM_RAY_RES];         /* held now                                                 */
    double min_usage[SIM_RAY_RES];     /* one task, or min_size actors                             */
    double max_usage[SIM_RAY_RES];     /* max_size actors (inf for tasks without a cap)             */
    int uses_gpu;
} sim_ray_op_res;

/* Budgets of the n operators (topological order) under the cluster's limits, into budget[n][SIM_RAY_RES]. */
void sim_ray_budgets(const double *limits, const sim_ray_op_res *ops, uint32_t n, double (*budget)[SIM_RAY_RES]);

#endif
