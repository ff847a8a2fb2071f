/* trident_calls.c -- the trident policy's calls into libtrident: each through the trace recorder when a trace
 * is asked for (so trident-replay can replay the run's plans), each failure turned into a sim_status with
 * libtrident's own sentence; and the log (libtrident's INFO messages with the host time, each step's reason,
 * the loop's state per operator at the end). */
#include <math.h>
#include <stdarg.h>

#include "trident_host.h"

static sim_status failed(tp_host *h, trd_status st, sim_error *err, const char *what)
{
    return sim_fail(err, st == TRD_E_NOMEM ? SIM_E_NOMEM : SIM_E_MODEL, "trident: %s at %.0f s: %s: %s", what,
                    h->now_s, trd_status_name(st), trd_ctx_last_error(h->ctx));
}

sim_status tp_load(tp_host *h, const char *yaml, size_t len, sim_error *err)
{
    trd_status st = h->trace ? trd_traced_load_yaml_string(h->trace, h->ctx, yaml, len)
                             : trd_ctx_load_yaml_string(h->ctx, yaml, len);
    return st == TRD_OK ? SIM_OK : failed(h, st, err, "loading the model");
}

sim_status tp_set(tp_host *h, const char *name, double value, sim_error *err)
{
    trd_param p;
    trd_param_type type;
    if (trd_param_from_name(name, &p) != TRD_OK || trd_param_info(p, &type, NULL, NULL, NULL) != TRD_OK)
        return sim_fail(err, SIM_E_INVALID, "trident: no libtrident parameter is called '%s'", name);
    trd_status st;
    if (type == TRD_PARAM_INT) {
        if (value != floor(value) || fabs(value) > 9007199254740991.0)
            return sim_fail(err, SIM_E_INVALID, "trident: parameter '%s' takes an integer, not %g", name, value);
        int64_t v = (int64_t)value;
        st = h->trace ? trd_traced_set_int(h->trace, h->ctx, p, v) : trd_ctx_set_int(h->ctx, p, v);
    } else {
        st = h->trace ? trd_traced_set_double(h->trace, h->ctx, p, value) : trd_ctx_set_double(h->ctx, p, value);
    }
    return st == TRD_OK ? SIM_OK : failed(h, st, err, "setting a parameter");
}

sim_status tp_observe(tp_host *h, const trd_sample *s, size_t n, sim_error *err)
{
    trd_status st = h->trace ? trd_traced_observe(h->trace, h->ctx, s, n) : trd_ctx_observe(h->ctx, s, n);
    return st == TRD_OK ? SIM_OK : failed(h, st, err, "observe");
}

sim_status tp_event(tp_host *h, const trd_event *e, sim_error *err)
{
    trd_status st = h->trace ? trd_traced_report_event(h->trace, h->ctx, e) : trd_ctx_report_event(h->ctx, e);
    return st == TRD_OK ? SIM_OK : failed(h, st, err, "report_event");
}

/* What observe believes of every operator after a step: per-instance rate of its current config and source. */
static void log_estimates(tp_host *h)
{
    static const char *const src[] = {"none", "ema", "gp", "util", "lower"};
    char line[2048];
    size_t len = 0;
    for (uint32_t op = 0; op < h->n_ops && len < sizeof line; op++) {
        trd_estimate e;
        if (trd_ctx_estimate_detail(h->ctx, op, TRD_CURRENT_CONFIG, NULL, 0, &e) != TRD_OK)
            continue;
        int k = snprintf(line + len, sizeof line - len, " %s=%.3g/%s/c%u", trd_ctx_operator_name(h->ctx, op),
                         e.items_per_s, e.source < 5 ? src[e.source] : "?", e.config);
        len += k > 0 ? (size_t)k : 0;
    }
    tp_logf(h, "estimates:%s", line);
}

trd_status tp_poll(tp_host *h, uint64_t now_ns, trd_plan **out)
{
    trd_status st = h->trace ? trd_traced_poll(h->trace, h->ctx, now_ns, out) : trd_ctx_poll(h->ctx, now_ns, out);
    trd_step_info info;
    if (h->log && trd_ctx_step_info(h->ctx, &info) == TRD_OK && info.steps != h->steps_logged) {
        h->steps_logged = info.steps;
        tp_logf(h, "step %llu: %s (live %.4g, planned %.4g items/s)", (unsigned long long)info.steps,
                trd_ctx_step_reason(h->ctx), info.live_throughput, info.planned_throughput);
        log_estimates(h);
    }
    if (st != TRD_OK)
        tp_logf(h, "poll failed: %s: %s", trd_status_name(st), trd_ctx_last_error(h->ctx));
    return st;
}

sim_status tp_outcome(tp_host *h, uint64_t plan_id, trd_outcome outcome, uint64_t now_ns, sim_error *err)
{
    trd_status st = h->trace ? trd_traced_report_outcome(h->trace, h->ctx, plan_id, outcome, now_ns)
                             : trd_ctx_report_outcome(h->ctx, plan_id, outcome, now_ns);
    if (st == TRD_OK || st == TRD_E_STALE)
        return SIM_OK;
    return failed(h, st, err, "report_outcome");
}

/* ---- the log ---- */

void tp_logf(tp_host *h, const char *fmt, ...)
{
    if (!h->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(h->log, "[%9.1f s] ", h->now_s);
    vfprintf(h->log, fmt, ap);
    fputc('\n', h->log);
    va_end(ap);
}

static void sink(void *user, trd_log_level level, const char *component, const char *message)
{
    tp_host *h = user;
    tp_logf(h, "%s%s: %s", level <= TRD_LOG_WARN ? "WARN " : "", component, message);
}

void tp_log_attach(tp_host *h)
{
    if (h->log)
        trd_ctx_set_logger(h->ctx, sink, h, TRD_LOG_INFO);
}

void tp_log_state(tp_host *h)
{
    if (!h->log)
        return;
    trd_step_info s;
    if (trd_ctx_step_info(h->ctx, &s) == TRD_OK)
        tp_logf(h, "end: %llu steps, %llu plans, %llu transitions, %llu probes", (unsigned long long)s.steps,
                (unsigned long long)s.plans, (unsigned long long)s.transitions, (unsigned long long)s.probes);
    for (uint32_t op = 0; op < h->n_ops; op++) {
        trd_adapt_info a;
        trd_loop_op_info l;
        double rate = NAN;
        if (trd_ctx_adapt_info(h->ctx, op, &a) != TRD_OK || trd_ctx_loop_op_info(h->ctx, op, &l) != TRD_OK)
            continue;
        trd_ctx_estimate(h->ctx, op, &rate, NULL);
        tp_logf(h, "end: %-20s %.4g items/s per instance; regimes %u (dominant %d), %llu probes, %llu OOMs, "
                "recommended config %d (%.4g items/s), infeasible configs %u, transition to %d",
                trd_ctx_operator_name(h->ctx, op), rate, trd_ctx_regime_count(h->ctx, op),
                a.dominant_regime == TRD_NO_REGIME ? -1 : (int)a.dominant_regime, (unsigned long long)a.probes,
                (unsigned long long)a.ooms, a.recommended_config == TRD_NO_CONFIG ? -1 : (int)a.recommended_config,
                a.recommended_items_per_s, l.infeasible_configs,
                l.transition_config == TRD_NO_CONFIG ? -1 : (int)l.transition_config);
    }
}
