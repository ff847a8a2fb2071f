/* sched.h -- the schedule layer's internal interface: what it derives from the model and the rates, the
 * machine-level bookkeeping shared by packing, the greedy plan and checks, and the solution handed to plan
 * construction.
 *
 * Vocabulary.  A *pool* is a node kind with at least one machine; a *machine* is one member of a pool, numbered
 * globally (pool.first + member).  Rates are per instance and already include the accelerator rule: an operator
 * with 0 < gpus < 1 time-slices its device, so its declared rate is that of a whole device and each instance is
 * credited `gpus` of it (weight); operators with whole devices or none have weight 1. */
#ifndef TRD_SCHEDULE_SCHED_H
#define TRD_SCHEDULE_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "common/diag.h"
#include "model/model.h"
#include "trident.h"

/* Instances of an operator that needs no resource at all that one machine may hold (keeps bounds finite). */
#define TRD__FIT_CAP 1024
/* Relative slack when summing fractional resources (0.1 + 0.2 + ... must still fit 1 device). */
#define TRD__FIT_EPS 1e-9

enum { TRD__FORM_OURS = 0, TRD__FORM_PAPER = 1 };

/* What the closed loop learned about an operator where the model leaves a value unknown or gives only a
 * prior; negative entries are unknown.  Declared model values win over learned timings; learned flows
 * replace the model's prior of items out per item in and its unknown (0) bytes per output item. */
typedef struct trd__sched_hint {
    double start_s, stop_s, cold_s;
    double out_per_in, bytes_per_out;
    double rolling_fraction; /* this operator's share restarted per round, or negative for the parameter's
                                (1 moves every instance at once: the way out of a config that crashes) */
    double horizon_s;        /* time a transition's cold start is paid back over; <= the interval (0 too)
                                means the interval */
} trd__sched_hint;

/* The start, stop and cold-start seconds the scheduler uses for an operator: its declared values, else the
 * hint's learned ones (h may be NULL), else the defaults trd_ctx_plan_with_rates documents. */
void trd__sched_timings(const trd__operator *o, const trd__sched_hint *h, double *start_s, double *stop_s,
                        double *cold_s);

typedef struct trd__sched_params {
    double time_limit_ms;
    double mip_gap;
    size_t max_cols;
    double interval_s;       /* T_sched: the horizon a cold start must pay back within */
    double rolling_fraction; /* B_max = max(1, ceil(fraction x instances)); 0 disables transitions */
    int formulation;         /* TRD__FORM_* */
    const trd__sched_hint *hints; /* n_ops entries, or NULL */
    const double *edge_shares;    /* n_edges learned shares (negative: unknown), or NULL */
    int network;                  /* 0: no NIC limits, no traffic costs (network-agnostic placement) */
} trd__sched_params;

typedef struct trd__sched_op {
    double D;          /* items entering per source item (amplification)                                */
    double r;          /* items out per item in (TRD_OP_ITEMS_OUT_PER_IN)                               */
    double weight;     /* device-equivalent credit of one instance (gpus for fractional, else 1)        */
    double ut_cur;     /* per-instance rate of the current config(s), weight applied                   */
    double ut_cand;    /* of the candidate config (0 without one)                                      */
    double ut_hat;     /* candidate discounted for the cold start: ut_cand x max(0, 1 - cold/T_sched)  */
    double cpus, mem;  /* per instance                                                                  */
    double gpus;       /* TRD_OP_GPUS                                                                   */
    double out_bytes;  /* bytes per output item (0 = unknown: no network traffic is charged)            */
    double h_start, h_stop, h_cold; /* seconds, defaults filled in                                     */
    double horizon_s;               /* the cold-start payback horizon (the hint's, at least the interval) */
    uint32_t cand;     /* candidate config or TRD_NO_CONFIG                                            */
    uint32_t cur_config; /* the config new instances start with                                       */
    uint32_t n_now, n_new, n_old; /* deployed instances: all, on the candidate, the rest             */
    uint32_t b_max;    /* reconfigurations allowed this round (0: no transition offered)                */
    uint32_t min_inst, max_inst; /* max_inst is finite (the cluster bounds an unlimited operator)        */
    uint32_t n_in, n_out; /* in- and out-degree                                                         */
} trd__sched_op;

typedef struct trd__sched_pool {
    uint32_t node;     /* node kind id */
    uint32_t count;    /* machines */
    uint32_t first;    /* global index of member 0 */
    double cpus, mem, gpus, gpu_mem, nic; /* per machine; nic 0 = unlimited */
} trd__sched_pool;

typedef struct trd__sched_input {
    const trd__model *model;
    const trd__alloc *alloc;
    trd__sched_params params;
    size_t n_ops, n_pools, n_machines, n_devices;
    trd__sched_op *ops;
    trd__sched_pool *pools;
    uint32_t *machine_pool;  /* n_machines: pool of each machine                                    */
    uint32_t *topo;          /* n_ops: a topological order                                          */
    uint32_t *fit;           /* n_ops x n_pools: instances of the operator alone on one machine     */
    double *share;           /* n_ops x n_pools: device share of one instance (0 for CPU operators) */
    uint32_t *current;       /* n_ops x n_machines: deployed instances                              */
    double *edge_share;      /* n_edges: fraction of the producer's output sent along each edge    */
} trd__sched_input;

/* Derives the input from a committed model, the host's rates (validated here: every operator exactly once,
 * finite positive rates, known candidate configs, reserved 0) and the parameters.  TRD_E_INVALID_ARG,
 * TRD_E_INFEASIBLE (an operator fits no machine), TRD_E_NOMEM. */
trd_status trd__sched_input_init(trd__sched_input *in, const trd__model *m, const trd__alloc *a, const trd_rate *rates,
                                 size_t count, const trd__sched_params *params, trd__diag *d);
void trd__sched_input_free(trd__sched_input *in);

/* Operator capacity in items/s with `instances` instances of which `b` reconfigure this round (capacity law of
 * DESIGN section 7: stay instances at the current rate, n_new at the candidate's, b at the discounted one). */
double trd__sched_op_capacity(const trd__sched_op *o, double instances, double b);
/* The best per-instance rate an instance of the operator may run at (per-pool capacity bound). */
double trd__sched_op_peak_rate(const trd__sched_op *o);

/* ---- machines: free resources per machine and device loads ---- */

typedef struct trd__fleet {
    const trd__sched_input *in;
    double *cpus, *mem;   /* n_machines, free                 */
    double *dev;          /* n_devices, load in [0, 1]        */
    uint32_t *dev_first;  /* n_machines: first device index   */
    uint32_t *count;      /* n_ops x n_machines: placed       */
} trd__fleet;

/* An empty fleet (every machine free).  -1 on allocation failure. */
int trd__fleet_init(trd__fleet *f, const trd__sched_input *in);
void trd__fleet_free(trd__fleet *f);
void trd__fleet_clear(trd__fleet *f);
/* Empties one machine. */
void trd__fleet_reset_machine(trd__fleet *f, uint32_t mc);
/* Places one instance of op on machine mc if it fits (resources and a device slot); returns 1 or 0. */
int trd__fleet_place(trd__fleet *f, uint32_t op, uint32_t mc);

/* ---- solutions ---- */

typedef struct trd__sched_solution {
    uint32_t *count;   /* n_ops x n_machines: target instances                                   */
    uint32_t *b;       /* n_ops: instances reconfigured to the candidate this round              */
    double throughput; /* predicted, source items/s                                              */
    uint32_t status;   /* TRD_SOLVE_*                                                            */
    double gap, solve_ms;
    double objective;  /* of the last solve (paper: T - 1e-4 E - 1e-6 J; ours: the tie-breaking stage's)   */
    uint32_t nic_pool; /* a pool whose NIC limit the plan saturates, or UINT32_MAX            */
    char note[256];    /* how it was obtained (repairs, fallbacks), for the plan's reason         */
} trd__sched_solution;

int trd__sched_solution_init(trd__sched_solution *s, const trd__sched_input *in);
void trd__sched_solution_free(trd__sched_solution *s, const trd__alloc *a);

/* The greedy plan: the current deployment, completed to every operator's minimum, then one instance at a time
 * for the bottleneck until it no longer fits.  Machine-level, so it always packs.  Returns 1 with counts in
 * `count` (n_ops x n_machines), 0 if the minimums do not fit greedily, -1 on allocation failure. */
int trd__sched_greedy(const trd__sched_input *in, uint32_t *count);

/* The paper formulation's incumbent: the largest equal instance count for every operator that packs
 * first-fit decreasing onto empty machines (the literal form allows nothing else).  As trd__sched_greedy. */
int trd__sched_equal_greedy(const trd__sched_input *in, uint32_t *count);

/* Where packing failed: the operator, its pool, the machine for a pool placed machine by machine (else
 * UINT32_MAX), and how many of the operator's instances did fit there. */
typedef struct trd__pack_failure {
    uint32_t op, pool, machine, placed;
} trd__pack_failure;

/* Packs per-pool counts (n_ops x n_pools) onto machines: instances stay where they run now as far as
 * possible, the rest go first-fit decreasing.  Pools flagged in `fixed_pool` (may be NULL) take the
 * machine-level counts of `fixed` (n_ops x n_machines) as they are.  Returns 1 with `count` (n_ops x
 * n_machines) filled; 0 with *fail describing the first instance that does not fit; -1 on allocation failure. */
int trd__sched_pack(const trd__sched_input *in, const uint32_t *pool_count, const uint32_t *fixed,
                    const unsigned char *fixed_pool, uint32_t *count, trd__pack_failure *fail);

/* Solves with the formulation the parameters select and returns a packed solution.  TRD_OK with a solution;
 * TRD_E_INFEASIBLE, TRD_E_SOLVER (nothing found and no greedy plan), TRD_E_LIMIT, TRD_E_STATE (paper_literal on
 * a non-chain), TRD_E_NOMEM otherwise. */
trd_status trd__sched_solve(const trd__sched_input *in, trd__sched_solution *out, trd__diag *d);

#endif
