/* tune.h -- the adapt layer inside the closed loop: workload regimes per operator, Bayesian optimisation of
 * a dominant regime's config through probes, and the recommendations that become config transitions.
 *
 * Flow (DESIGN section 6 and research/trident.md section 5):
 *   - every folded sample's features go to the regime clustering of its operator (trd__tune_observe);
 *   - a TRIGGER on a tunable operator (one with knobs) starts an optimiser for that regime -- warm-started
 *     from the nearest tuned regime's -- when the operator has no transition and no probe in flight;
 *   - each control step (trd__tune_step) concludes a finished probe (throughput from the observe layer's
 *     estimate of the probe's config, peak memory from its samples and the PROBE_FINISHED event, or an OOM),
 *     asks the optimiser for the next config and requests a PROBE of it -- except for the config the operator
 *     runs already, which its own samples measure;
 *   - a finished optimisation recommends a config; the regime becomes Tuned, and if it is the dominant one
 *     and the prediction beats the current rate by TRD_P_TRANSITION_MIN_GAIN, a transition starts.  When a
 *     Tuned regime becomes dominant again, its config is transitioned to without new probes.
 * Optimisers are kept while their regime exists (they warm-start neighbours) and freed when it is merged or
 * pruned.  Nothing here fails a step: what cannot get memory waits for the next one. */
#ifndef TRD_CONTROL_TUNE_H
#define TRD_CONTROL_TUNE_H

#include <stddef.h>
#include <stdint.h>

#include "adapt/bo.h"
#include "adapt/regimes.h"
#include "common/alloc.h"
#include "model/model.h"
#include "trident.h"

struct trd_ctx;

enum { TRD__PROBE_NONE = 0, TRD__PROBE_ASKED, TRD__PROBE_ISSUED, TRD__PROBE_RUNNING, TRD__PROBE_FINISHED };

typedef struct trd__tune_bo {
    uint32_t regime;
    trd__bo bo;
} trd__tune_bo;

typedef struct trd__tune_op {
    int tunable;                     /* has knobs: decided when the model is installed */
    double cap_bytes;                /* M_cap: the memory an instance may use */
    int device;                      /* peaks are device memory (else host memory) */
    trd__tune_bo *bos;               /* one optimiser per regime it tuned or tunes */
    size_t n_bos, cap_bos;
    uint32_t pending;                /* a triggered regime waiting to be tuned, or TRD__REGIME_NONE */
    uint32_t tuning;                 /* the regime being tuned, or TRD__REGIME_NONE */
    int probe;                       /* TRD__PROBE_* */
    double probe_cfg[TRD__MAX_KNOBS];
    uint32_t probe_config, probe_from;
    uint64_t probe_plan, probe_started_ns;
    double probe_peak;               /* from the PROBE_FINISHED event (0: not measured) */
    int probe_oom;
    uint32_t probe_failures;         /* consecutive probes that measured nothing */
    uint64_t probes, ooms;           /* counters */
    uint32_t rec_config;             /* the latest recommendation, or TRD_NO_CONFIG */
    double rec_rate, rec_pof;
} trd__tune_op;

typedef struct trd__tune {
    const trd__alloc *alloc;
    trd__regimes regimes;
    int have_regimes;
    trd__tune_op *ops;
    size_t n_ops;
} trd__tune;

/* A probe the step should ask the host for: a config of the operator by its knob values (the step registers
 * it when the plan is final), to run in place of one instance on `from_config`. */
typedef struct trd__probe_req {
    uint32_t op, from_config;
    double cfg[TRD__MAX_KNOBS];
} trd__probe_req;

/* The id of op's config with these knob values, or TRD_NO_CONFIG. */
uint32_t trd__tune_config_id(const trd__operator *o, const double *cfg);

/* Tables for the committed model `m` (regimes with the context's parameters).  TRD_E_NOMEM. */
trd_status trd__tune_init(trd__tune *t, const trd__alloc *a, const trd__model *m, const double *params);
void trd__tune_free(trd__tune *t);
/* After a commit that extended the model (new operators are tunable or not; existing state stays).  The
 * regime parameters are taken from `params` only while no operator has any (the first commit).  On
 * TRD_E_NOMEM nothing changed. */
trd_status trd__tune_extend(trd__tune *t, const trd__model *m, const double *params);

/* Clusters the features of folded samples (two runs, as the ingest buffer hands them out). */
void trd__tune_observe(struct trd_ctx *ctx, const trd_sample *a, size_t na, const trd_sample *b, size_t nb);

/* The adapt layer's part of a control step at host time now_ns: fills up to n_ops probe requests.  Never
 * fails (see above). */
void trd__tune_step(struct trd_ctx *ctx, uint64_t now_ns, trd__probe_req *reqs, size_t *n_reqs);

/* The step put op's probe into plan `plan_id` as `config` / the plan's outcome says whether it runs. */
void trd__tune_probe_issued(struct trd_ctx *ctx, uint32_t op, uint32_t config, uint64_t plan_id);
void trd__tune_plan_outcome(struct trd_ctx *ctx, uint64_t plan_id, int applied, uint64_t now_ns);

/* An event that concerns the adapt layer (OOM, PROBE_FINISHED). */
void trd__tune_event(struct trd_ctx *ctx, const trd_event *e);

/* A transition of `op` ended: completed (its config now runs everywhere) or dropped. */
void trd__tune_transition_ended(struct trd_ctx *ctx, uint32_t op, int completed);

#endif
