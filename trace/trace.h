/* trace.h -- recording what a host passes to libtrident, and replaying it.
 *
 * The library reads no clock and no file, so everything that decides its answers comes in through its calls.
 * A trace is a JSON-lines file of those calls -- parameters, models, samples, events, polls with their `now`,
 * outcomes, transition requests -- which replays into a fresh context to the same plans, byte for byte.  This
 * is a host-side helper (the library does no I/O): link trident_trace next to libtrident and call the
 * `trd_traced_*` wrappers instead of the library functions you want recorded.  `trident-replay` replays a
 * trace and prints its plans.
 *
 * Format, one JSON object per line, "t" naming the record:
 *   {"t":"trace","version":1}                                          first line
 *   {"t":"param","name":"sched_interval_ms","value":60000}             every parameter, before each model
 *   {"t":"load","model":{...}}                                         a loaded model (trd_ctx_model_to_json)
 *   {"t":"commit","model":{...}}                                       a committed extension of the model
 *   {"t":"observe","samples":[{...}, ...]}                             one trd_ctx_observe batch
 *   {"t":"event", ...trd_event fields...}
 *   {"t":"poll","now":N,"plan":{...} or null}                          with the plan the host got
 *   {"t":"outcome","plan":ID,"outcome":"applied","now":N}
 *   {"t":"request_transition","op":I,"config":C,"rate":R} / {"t":"cancel_transition","op":I}
 *   {"t":"invalidate","op":I,"config":C}
 * Numbers are written so that they read back exactly (integers in decimal, doubles with 17 significant digits,
 * a '.' whatever the host's locale). */
#ifndef TRIDENT_TRACE_H
#define TRIDENT_TRACE_H

#include <stdio.h>

#include "trident.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trd_trace trd_trace;

/* Opens `path` for writing (truncating it) and writes the header line.  Returns 0, or an errno value. */
int trd_trace_open(trd_trace **out, const char *path);

/* Flushes and closes; NULL is a no-op.  Returns 0, or the first I/O error (errno) met while recording. */
int trd_trace_close(trd_trace *t);

/* The first I/O error met so far (errno), or 0.  Recording never fails the host's calls: a wrapper returns
 * the library's status whatever happened to the file. */
int trd_trace_error(trd_trace *t);

/* Each wrapper calls the library function of the same name and, when it succeeds, records the call.
 * trd_traced_observe may be called from several threads at once, like trd_ctx_observe. */
trd_status trd_traced_load_yaml(trd_trace *t, trd_ctx *ctx, const char *path);
trd_status trd_traced_load_yaml_string(trd_trace *t, trd_ctx *ctx, const char *text, size_t len);
trd_status trd_traced_commit_model(trd_trace *t, trd_ctx *ctx, uint64_t *out_epoch);
trd_status trd_traced_set_int(trd_trace *t, trd_ctx *ctx, trd_param param, int64_t value);
trd_status trd_traced_set_double(trd_trace *t, trd_ctx *ctx, trd_param param, double value);
trd_status trd_traced_observe(trd_trace *t, trd_ctx *ctx, const trd_sample *samples, size_t count);
trd_status trd_traced_report_event(trd_trace *t, trd_ctx *ctx, const trd_event *event);
trd_status trd_traced_poll(trd_trace *t, trd_ctx *ctx, uint64_t now_ns, trd_plan **out_plan);
trd_status trd_traced_report_outcome(trd_trace *t, trd_ctx *ctx, uint64_t plan_id, trd_outcome outcome,
                                     uint64_t now_ns);
trd_status trd_traced_request_transition(trd_trace *t, trd_ctx *ctx, uint32_t op, uint32_t config,
                                         double predicted_items_per_s);
trd_status trd_traced_cancel_transition(trd_trace *t, trd_ctx *ctx, uint32_t op);
trd_status trd_traced_invalidate(trd_trace *t, trd_ctx *ctx, uint32_t op, uint32_t config);

/* ---- replay ---- */

/* Called by trd_trace_replay for every poll: the plan the replay got (NULL if none) and the plan JSON the
 * trace recorded ("null" if none).  Return 0 to go on, anything else to stop. */
typedef int (*trd_trace_poll_fn)(void *user, uint64_t now_ns, const trd_plan *plan, const char *recorded_json);

/* Replays the trace in `f` into `ctx` (a fresh context is what makes the result reproducible).  Returns 0;
 * or -1 with a message in err ("TRACE:LINE: ...") for a malformed trace, a call the library refused that the
 * recording host had made successfully, or a stop requested by `on_poll`. */
int trd_trace_replay(FILE *f, const char *name, trd_ctx *ctx, trd_trace_poll_fn on_poll, void *user, char *err,
                     size_t err_cap);

#ifdef __cplusplus
}
#endif

#endif
