/* test_probe.c -- PROBE actions in the engine (libtrident's TRD_ACTION_PROBE): one instance restarts in place on
 * the probed config (paying stop, start and cold start), serves with it for the probe's duration -- a real
 * instance: its samples carry the probed config, its batches run at the probed batch size -- then drains,
 * restarts on the config it left and reports SIM_EVENT_PROBE_FINISHED with the peak device memory it reached.
 * An OOM ends the probe (the OOM event names the probed config and the plan) and the instance comes back
 * silently; a plan that stops the probing instance ends the probe early, with its report.  Instance events name
 * the plan that caused them. */
#include "sim_test.h"

#include <math.h>

/* Two synchronous devices under a backlog: batches of b items take 2 + 0.01 b s and need 1 GB + 0.2 GB b (an
 * OOM past the 80 GB device: batch 512).  Restarts take stop 1 s + start 5 s + cold 4 s = 10 s. */
static const char *const yaml =
    "cluster:\n  nodes: [{name: g, cpus: 32, memory: 256GiB, gpus: 3, gpu_memory: 80GB}]\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: source, cpus: 1, memory: 1GiB, max_instances: 1, start_time: 1s, stop_time: 1s, cold_start: 0s}\n"
    "    - {name: model, cpus: 1, memory: 1GiB, gpus: 1, start_time: 5s, stop_time: 1s, cold_start: 4s,\n"
    "       knobs: [{name: batch_size, type: int, min: 1, max: 512, default: 32, memory_monotone: true}]}\n"
    "  edges: [{from: source, to: model}]\n"
    "simulation:\n"
    "  window: 10s\n"
    "  max_time: 100000s\n"
    "  workload: {items: 40, regimes: [{name: r, features: {n: 256}}]}\n"
    "  operators:\n"
    "    source: {fanout: n, cost: {cpu: {per_item: 0s}}}\n"
    "    model:\n"
    "      cost: {accelerator: {batch_knob: batch_size, latency: {floor: 2s, t0: 2s, t1: 10ms},\n"
    "                           memory: {base: 1GB, per_item: 200MB}}}\n";

#define PROBE_AT_S 100.0
#define PROBE_S 40.0
#define RESTART_S 10.0

typedef struct probe_run {
    uint32_t model, batch;   /* the operator, and the batch size to probe                          */
    int stop_at;             /* >0: at this window, stop both instances on config 0, then start one  */
    uint32_t config;         /* the probed config's id                                               */
    uint64_t plan_id;        /* the probe plan's id                                                  */
    uint32_t outcome;        /* ... and its outcome                                                  */
    double plan_done_s, finished_s, oom_s, stop_s;
    sim_event finished, oom;
    size_t n_finished, n_oom, n_down, n_applied, n_launched;
    size_t probe_samples;    /* samples of the probed config that took items                         */
    uint64_t probe_items;
    double probe_peak;       /* their largest device peak                                            */
    uint32_t final_configs[4];
    size_t n_final;
} probe_run;

static sim_status add(sim_plan *plan, trd_action a)
{
    return sim_plan_add_action(plan, &a);
}

static sim_status on_window(sim_test_script *s, sim_host *h, const sim_observation *obs, sim_plan *plan,
                            sim_error *err)
{
    probe_run *p = s->user;
    double now = (double)obs->now_ns / 1e9;
    for (size_t k = 0; k < obs->n_events; k++) {
        const sim_event *ev = &obs->events[k];
        double t = (double)ev->t_ns / 1e9;
        if (ev->kind == SIM_EVENT_PLAN_DONE && ev->plan_id == p->plan_id) {
            p->plan_done_s = t;
            p->outcome = ev->outcome;
        }
        if (ev->kind == SIM_EVENT_PROBE_FINISHED) {
            p->finished = *ev;
            p->finished_s = t;
            p->n_finished++;
        }
        if (ev->kind == SIM_EVENT_OOM) {
            p->oom = *ev;
            p->oom_s = t;
            p->n_oom++;
        }
        p->n_down += ev->kind == SIM_EVENT_INSTANCE_DOWN && ev->config == 0; /* the probing one too */
        p->n_applied += ev->kind == SIM_EVENT_CONFIG_APPLIED;
        p->n_launched += ev->kind == SIM_EVENT_INSTANCE_LAUNCHED && ev->plan_id != 0;
    }
    for (size_t k = 0; k < obs->n_samples; k++) {
        const trd_sample *x = &obs->samples[k];
        if (p->config && x->op == p->model && x->config == p->config && x->items_in > 0) {
            p->probe_samples++;
            p->probe_items += x->items_in;
            p->probe_peak = fmax(p->probe_peak, (double)x->device_mem_peak_bytes);
        }
    }
    sim_instance_view v[4];
    size_t n = sim_host_instances(h, v, 4);
    p->n_final = 0;
    for (size_t k = 0; k < n && k < 4; k++)
        if (v[k].op == p->model)
            p->final_configs[p->n_final++] = v[k].config;
    if (fabs(now - PROBE_AT_S) < 1e-6) {
        double batch = p->batch;
        sim_status st = sim_host_config(h, p->model, &batch, &p->config);
        if (st != SIM_OK)
            return st;
        p->plan_id = plan->id;
        plan->probe_duration_s = PROBE_S;
        return add(plan, (trd_action){TRD_ACTION_PROBE, p->model, 0, 0, p->config, 0, 1, 3});
    }
    if (p->stop_at && fabs(now - p->stop_at) < 1e-6) {
        p->stop_s = now;
        sim_status st = add(plan, (trd_action){TRD_ACTION_STOP, p->model, 0, 0, 0, TRD_NO_CONFIG, 2, 1});
        if (st == SIM_OK)
            st = add(plan, (trd_action){TRD_ACTION_START, p->model, 0, 0, 0, TRD_NO_CONFIG, 1, 2});
        return st != SIM_OK ? sim_fail(err, st, "probe test: out of memory") : SIM_OK;
    }
    return SIM_OK;
}

static sim_result run(probe_run *p)
{
    sim_error err = {{0}};
    sim_scenario *sc = NULL;
    if (sim_scenario_load_string("probe.yaml", yaml, strlen(yaml), 0, &sc, &err) != SIM_OK)
        fail_msg("%s", err.msg);
    p->model = sim_test_op(sc, "model");
    sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"model", 0, 0, 2, 0}};
    sim_test_script s = {d, 2, 1, on_window, p, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    sim_test_assert_conservation(sc, &r);
    sim_scenario_free(sc);
    return r;
}

/* The probe runs its course: restart, the duration on the probed config, drain and restart back, report. */
static void test_probe_runs_and_reports(void **state)
{
    (void)state;
    probe_run p = {0};
    p.batch = 64;
    sim_result r = run(&p);
    assert_true(p.config >= 1); /* registered: config 0 is the default */
    assert_int_equal(p.outcome, SIM_OUTCOME_APPLIED);
    /* Done for its plan once begun: a plan of probes holds nothing up. */
    assert_close(p.plan_done_s, PROBE_AT_S, 1e-9);
    /* Back after at most one batch's drain (2.32 s at 32), a restart, the duration, at most one more batch
     * (2.64 s at 64), and the restart back. */
    assert_int_equal(p.n_finished, 1);
    assert_true(p.finished_s >= PROBE_AT_S + RESTART_S + PROBE_S + RESTART_S - 1e-6);
    assert_true(p.finished_s <= PROBE_AT_S + RESTART_S + PROBE_S + RESTART_S + 2.4 + 2.7);
    assert_int_equal(p.finished.op, p.model);
    assert_int_equal(p.finished.config, p.config);
    assert_int_equal(p.finished.from_config, 0);
    assert_int_equal(p.finished.plan_id, p.plan_id);
    /* Batches of 64 need 1 + 64 x 0.2 = 13.8 GB: the event and the probe's samples say so. */
    assert_close(p.finished.device_mem_bytes, 13.8e9, 1e-6);
    assert_close(p.probe_peak, 13.8e9, 1e-6);
    /* Its samples carry the probed config, over about the duration at 64 / 2.64 items per second. */
    assert_true(p.probe_samples >= 4 && p.probe_samples <= 6);
    assert_close((double)p.probe_items, PROBE_S * 64 / 2.64, 0.15);
    assert_int_equal(p.n_oom, 0);
    assert_int_equal(p.n_applied, 0); /* a probe is no config change */
    assert_int_equal(r.instance_restarts, 2);
    assert_int_equal(p.n_final, 2); /* both instances on config 0 again */
    assert_int_equal(p.final_configs[0], 0);
    assert_int_equal(p.final_configs[1], 0);
    sim_result_release(&r);
}

/* A probed config past the device's memory: the first batch runs out of memory, the OOM names the probed config
 * and the probe's plan, and the instance comes back on config 0 without a PROBE_FINISHED. */
static void test_probe_oom_ends_it(void **state)
{
    (void)state;
    probe_run p = {0};
    p.batch = 512; /* 1 + 512 x 0.2 = 103 GB */
    sim_result r = run(&p);
    assert_int_equal(p.n_oom, 1);
    assert_int_equal(p.oom.config, p.config);
    assert_int_equal(p.oom.plan_id, p.plan_id);
    assert_true(p.oom.device_mem_bytes > 80e9);
    /* Its first batch, after a drain of at most one batch (2.32 s at 32) and the restart. */
    assert_true(p.oom_s >= PROBE_AT_S + RESTART_S && p.oom_s <= PROBE_AT_S + RESTART_S + 2.32 + 2.1);
    assert_int_equal(p.n_finished, 0);
    assert_int_equal(r.ooms, 1);
    assert_true(p.probe_samples <= 1); /* the window of the lost batch (retried elsewhere) */
    assert_int_equal(r.instance_restarts, 2);
    assert_int_equal(p.n_final, 2);
    assert_int_equal(p.final_configs[0], 0);
    assert_int_equal(p.final_configs[1], 0);
    sim_result_release(&r);
}

/* A plan that stops the probing instance (it counts as one on config 0, taken last) ends the probe at once. */
static void test_stop_ends_probe(void **state)
{
    (void)state;
    probe_run p = {0};
    p.batch = 64;
    p.stop_at = 120; /* the probe serves from about 110 s to 150 s */
    sim_result r = run(&p);
    assert_int_equal(p.n_finished, 1);
    assert_close(p.finished_s, p.stop_s, 1e-9);
    assert_int_equal(p.finished.config, p.config);
    assert_int_equal(p.n_down, 2);
    assert_int_equal(p.n_launched, 1); /* the replacement, named by its plan */
    assert_int_equal(p.n_final, 1);
    assert_int_equal(p.final_configs[0], 0);
    sim_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_runs_and_reports),
        cmocka_unit_test(test_probe_oom_ends_it),
        cmocka_unit_test(test_stop_ends_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
