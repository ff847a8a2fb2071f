/* loop.h -- the closed loop at context level: events, outcomes and the control step (DESIGN section 8).  The
 * public entry points (src/api/loop_api.c) check their arguments and call these. */
#ifndef TRD_CONTROL_LOOP_H
#define TRD_CONTROL_LOOP_H

#include <stdint.h>

#include "trident.h"

struct trd_ctx;

/* An event (checked here).  Status and last error as trd_ctx_report_event. */
trd_status trd__loop_event(struct trd_ctx *ctx, const trd_event *e);

/* A plan's outcome.  Status and last error as trd_ctx_report_outcome. */
trd_status trd__loop_outcome(struct trd_ctx *ctx, uint64_t plan_id, trd_outcome outcome, uint64_t now_ns);

/* Abandons the outstanding plan if it waited longer than TRD_P_PLAN_TIMEOUT_MS. */
void trd__loop_expire(struct trd_ctx *ctx, uint64_t now_ns);

/* Ends every transition whose config now runs on all of its operator's instances. */
void trd__loop_check_transitions(struct trd_ctx *ctx);

/* Drops op's transition (logged with `why`). */
void trd__loop_end_transition(struct trd_ctx *ctx, uint32_t op, const char *why);

/* The start, stop and cold-start seconds of op the scheduler plans with: declared, else learned, else the
 * defaults. */
void trd__loop_timings(const struct trd_ctx *ctx, uint32_t op, double *start_s, double *stop_s, double *cold_s);

/* The share of (op, config)'s recent instance time that was productive, not lost to out-of-memory restarts:
 * production / (production + decayed OOMs x (start + cold start)); 1 without OOMs, 0 without production.
 * Horizon TRD_P_OOM_HORIZON_MS, at host time now_ns. */
double trd__loop_survival(struct trd_ctx *ctx, uint32_t op, uint32_t config, uint64_t now_ns);

/* trd_ctx_poll after its argument checks. */
trd_status trd__loop_poll(struct trd_ctx *ctx, uint64_t now_ns, trd_plan **out_plan);

#endif
