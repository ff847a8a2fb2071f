/* control.h -- the closed loop's state (DESIGN section 8): the outstanding plan and the events that wait for
 * its outcome, the live deployment's bookkeeping, learned timings and flows, config transitions, and when
 * the next control step is due.
 *
 * The live deployment itself is the committed model's deployment (model->placements): hosts read it with
 * trd_ctx_get_deployment, and the scheduler plans from it.  The module edits it only through the model's own
 * edit function, so every entry stays valid. */
#ifndef TRD_CONTROL_CONTROL_H
#define TRD_CONTROL_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "common/diag.h"
#include "model/model.h"
#include "trident.h"

/* UP events remembered for pairing with their READY (start times learned from timestamps). */
#define TRD__PENDING_UPS 256

/* An exponential moving average that knows whether it has seen anything. */
typedef struct trd__ema {
    double value;
    uint64_t n;
} trd__ema;

void trd__ema_add(trd__ema *e, double x, double alpha);

/* What the loop learned about one operator where the model says TRD_UNKNOWN (or gives a prior). */
typedef struct trd__learned {
    trd__ema start_s, stop_s, cold_s; /* from events */
    trd__ema out_per_in;              /* items out per item in, from samples */
    trd__ema bytes_per_out;           /* bytes per output item, from samples */
    double flow_in, flow_out;         /* items in and out folded between the last two polls */
    double last_rate;                 /* the rate of the last plan (> 0), the fallback when estimates lapse */
    uint32_t last_rate_config;
} trd__learned;

/* A config transition in progress (one per operator at most: the single-transition invariant). */
typedef struct trd__transition {
    int active;
    uint32_t target;          /* the config every instance moves to                         */
    double predicted;         /* its predicted per-instance rate (adapt), items/s           */
    uint32_t regime;          /* the workload regime it was tuned for (TRD__NO_REGIME if none) */
    uint32_t rounds;          /* plans that restarted instances for it                      */
    uint32_t deferrals;       /* consecutive plans that restarted none                      */
    int urgent;               /* away from a config that crashes: every instance at once    */
    uint64_t started_ns;
    /* Configs the operator ran when the transition started: forgotten by observe at its end. */
    uint32_t *left;
    size_t n_left, cap_left;
} trd__transition;

#define TRD__NO_REGIME UINT32_MAX

typedef struct trd__pending_up {
    uint32_t op, instance;
    uint64_t time_ns;
} trd__pending_up;

/* The plan awaiting its outcome, with what is needed to apply it and to judge its events. */
typedef struct trd__outstanding {
    uint64_t id, epoch, issued_ns;
    trd_target *targets;      /* the plan's target deployment (copied: the plan belongs to the host) */
    size_t n_targets;
    trd_action *actions;      /* its actions (transition rounds and probes are read from them) */
    size_t n_actions;
    trd_event *events;        /* the plan's instance events, applied by a PARTIAL outcome */
    size_t n_events, cap_events;
} trd__outstanding;

/* Why a step is due before its interval (bits). */
enum {
    TRD__EARLY_OOM = 1u,
    TRD__EARLY_REGIME = 2u,
    TRD__EARLY_PROBE = 4u,
    TRD__EARLY_COMMIT = 8u,
    TRD__EARLY_OUTCOME = 16u
};

/* Out-of-memory crashes of one (operator, config), each weighted exp(-age / horizon) as of at_ns. */
typedef struct trd__oom_count {
    double weight;
    uint64_t at_ns;
} trd__oom_count;

typedef struct trd__control {
    const trd__alloc *alloc;
    size_t n_ops, n_edges;
    trd__ema *shares;             /* n_edges: learned fraction of the producer's output along each edge */
    trd__learned *learned;        /* n_ops */
    trd__transition *transitions; /* n_ops */
    unsigned char **infeasible;   /* n_ops bitmaps over configs (grown on demand): configs that ran out of memory */
    size_t *infeasible_cap;       /* n_ops: bytes in each bitmap */
    trd__oom_count **ooms;        /* n_ops arrays over configs (grown on demand): recent OOMs */
    size_t *ooms_cap;             /* n_ops: entries in each */
    trd__pending_up ups[TRD__PENDING_UPS];
    size_t n_ups, ups_next;
    int have_outstanding;
    trd__outstanding out;
    uint64_t last_plan_id;        /* highest plan id issued through the loop */
    int stepped;                  /* a step has run */
    uint64_t last_step_ns;
    unsigned early;               /* TRD__EARLY_* since the last step */
    trd_step_info info;
    char reason[1024];
} trd__control;

/* An empty loop for a model with n_ops operators and n_edges edges.  TRD_E_NOMEM. */
trd_status trd__control_init(trd__control *c, const trd__alloc *a, size_t n_ops, size_t n_edges);
void trd__control_free(trd__control *c);
/* Keeps what was learned and grows the tables to a model extended to n_ops operators and n_edges edges.
 * TRD_E_NOMEM with nothing changed that matters (tables may have grown, their sizes did not). */
trd_status trd__control_extend(trd__control *c, size_t n_ops, size_t n_edges);

/* Whether the config is known to run out of memory. */
int trd__control_infeasible(const trd__control *c, uint32_t op, uint32_t config);
/* Marks it.  -1 on allocation failure (nothing changed). */
int trd__control_mark_infeasible(trd__control *c, uint32_t op, uint32_t config);
/* Counts an OOM of (op, config) at now_ns and returns the decayed count including it (horizon_ns: the time
 * constant), or -1 on allocation failure (nothing changed). */
double trd__control_count_oom(trd__control *c, uint32_t op, uint32_t config, uint64_t now_ns, uint64_t horizon_ns);
/* The decayed count of (op, config)'s OOMs at now_ns (0 if none). */
double trd__control_ooms(const trd__control *c, uint32_t op, uint32_t config, uint64_t now_ns, uint64_t horizon_ns);

/* Forgets the outstanding plan (its events are dropped). */
void trd__control_drop_outstanding(trd__control *c);

/* Starts a transition of op to `target` (the live deployment gives the configs it leaves).  -1 on allocation
 * failure (nothing changed). */
int trd__control_start_transition(trd__control *c, const trd__model *m, uint32_t op, uint32_t target,
                                  double predicted, uint32_t regime, uint64_t now_ns);

/* ---- events (events.c) ---- */

/* Checks an event against the model and the live deployment.  TRD_E_* with a message. */
trd_status trd__event_check(const trd__model *m, const trd_event *e, trd__diag *d);
/* What an event teaches (timings), at once, whatever its plan. */
void trd__event_learn(trd__control *c, const trd__model *m, const trd_event *e, double alpha);
/* Applies an instance event (UP, DOWN, CONFIG_APPLIED) to the live deployment; other kinds change nothing.
 * TRD_E_OUT_OF_RANGE (more instances than are there), TRD_E_LIMIT, TRD_E_NOMEM; on failure nothing changed. */
trd_status trd__event_apply(trd__model *m, const trd_event *e, trd__diag *d);

/* ---- the live deployment (live.c) ---- */

/* Replaces the model's deployment with plan targets.  TRD_E_NOMEM with nothing changed. */
trd_status trd__live_replace(trd__model *m, const trd_target *t, size_t n, trd__diag *d);
/* Instances of op (all configs) / of op on config in the live deployment. */
uint32_t trd__live_instances(const trd__model *m, uint32_t op);
uint32_t trd__live_instances_on(const trd__model *m, uint32_t op, uint32_t config);
/* The config most of op's instances run (ties: the lower id), or `fallback` if none runs. */
uint32_t trd__live_main_config(const trd__model *m, uint32_t op, uint32_t fallback);

#endif
