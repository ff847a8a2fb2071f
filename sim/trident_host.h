/* trident_host.h -- the trident policy's state, shared by its files:
 *   policy_trident.c   the policy: the context, the initial deployment, each window's feed, poll and plan
 *   trident_calls.c    every libtrident call that changes the context, through the trace recorder when asked,
 *                      and the log
 *   trident_configs.c  config ids: the simulator's <-> libtrident's
 *   trident_events.c   the engine's events as trd_event records and plan outcomes
 *
 * What the host knows and libtrident does not: which simulated instances its live deployment already counts
 * (`known`: the initial deployment's, and every instance whose launch was reported) and which of them serve,
 * and which libtrident plan each engine plan carries out. */
#ifndef SIM_TRIDENT_HOST_H
#define SIM_TRIDENT_HOST_H

#include <stdint.h>
#include <stdio.h>

#include "policy_trident.h"
#include "trace.h"

/* One operator's configs registered after the model's own (ids differ between the two sides). */
typedef struct tp_config_pair {
    uint32_t sim, trd;
} tp_config_pair;

typedef struct tp_config_map {
    tp_config_pair *pairs;
    size_t n, cap;
} tp_config_map;

/* An engine plan and the libtrident plan it carries out (trd 0: the initial deployment). */
typedef struct tp_plan_pair {
    uint64_t sim, trd;
} tp_plan_pair;

typedef struct tp_host {
    trd_ctx *ctx;
    trd_trace *trace;                /* NULL: calls are not recorded */
    FILE *log;                       /* NULL: no log */
    double now_s;                    /* host time of the call in progress (the log's time stamps) */
    uint32_t n_ops;
    uint32_t *model_configs;         /* per operator: configs of the loaded model, the same ids on both sides */
    tp_config_map *configs;          /* per operator: later configs */
    uint8_t *known;                  /* per engine instance id: launched (counted in libtrident's live
                                        deployment), ready, or unknown (trident_events.c)            */
    size_t cap_known;
    tp_plan_pair *plans;
    size_t n_plans, cap_plans;
    trd_sample *samples;             /* the window's samples with libtrident's config ids */
    size_t cap_samples;
    trd_target *targets;
    size_t cap_targets;
    trd_action *actions;
    size_t cap_actions;
    double probe_s;                  /* TRD_P_PROBE_DURATION_MS, in seconds */
    uint64_t steps_logged;           /* control steps whose reason is in the log */
} tp_host;

/* trident_calls.c: the calls (recorded when h->trace is set).  A failure leaves libtrident's message in err. */
sim_status tp_load(tp_host *h, const char *yaml, size_t len, sim_error *err);
sim_status tp_set(tp_host *h, const char *name, double value, sim_error *err);
sim_status tp_observe(tp_host *h, const trd_sample *s, size_t n, sim_error *err);
sim_status tp_event(tp_host *h, const trd_event *e, sim_error *err);
/* TRD_OK with or without a plan, or the status of a failed step (its message is in the log). */
trd_status tp_poll(tp_host *h, uint64_t now_ns, trd_plan **out);
/* TRD_OK, or TRD_E_STALE (the plan is no longer outstanding: nothing to report); other failures fail. */
sim_status tp_outcome(tp_host *h, uint64_t plan_id, trd_outcome outcome, uint64_t now_ns, sim_error *err);
/* Installs libtrident's logger into h->log (INFO) and logs a line of the host's own. */
void tp_log_attach(tp_host *h);
void tp_logf(tp_host *h, const char *fmt, ...) SIM_PRINTF(2, 3);
/* The state of the loop per operator, into the log (at the end of a run). */
void tp_log_state(tp_host *h);

/* trident_configs.c: libtrident's id of an engine config and back; configs one side lacks are matched or
 * registered by their knob values. */
sim_status tp_config_to_trd(tp_host *h, const sim_host *sh, uint32_t op, uint32_t sim_id, uint32_t *out,
                            sim_error *err);
sim_status tp_config_to_sim(tp_host *h, sim_host *sh, uint32_t op, uint32_t trd_id, uint32_t *out, sim_error *err);
void tp_configs_free(tp_host *h);

/* trident_events.c: the engine's events since the last window, as a host reports them. */
sim_status tp_report_events(tp_host *h, const sim_host *sh, const sim_observation *obs, sim_error *err);
/* Remembers that engine plan `sim_id` carries out libtrident plan `trd_id` (0: the initial deployment). */
sim_status tp_plan_issued(tp_host *h, uint64_t sim_id, uint64_t trd_id, sim_error *err);

#endif
