"""The Ray Data adapter: an ExecutionCallback that lets libtrident size Ray Data's operators.

Before execution starts it describes the executor's topology to a trident.Context (one node kind per resource
shape of the Ray cluster, one operator per map operator, edges through non-map operators), replaces the actor
autoscaler and appends a concurrency backpressure policy.  On every execution step it integrates each
operator's running and busy instances; once per window it turns Ray's per-operator metrics into samples, polls,
and applies a plan: actor-pool sizes (pool.scale), task-operator concurrency caps (the policy), config knobs
(add_map_task_kwargs_fn: the UDF reads TaskContext.get_current().kwargs["trident"]) and placement
(ray_remote_args_fn, on clusters with more than one node).  Ray internals are reached only through
_ray_internals.
"""
from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .. import Context, Outcome, Plan, Sample, WHOLE_OPERATOR
from . import _ray_internals as ri

log = logging.getLogger("trident.ray")
NS = 1_000_000_000


@dataclass
class AdapterConfig:
    """How the adapter drives libtrident (set with trident.ray.install)."""

    window_s: float = 1.0            # observation window: samples per operator per window
    interval_s: float = 5.0          # control interval T_sched (a step at least this often)
    early_step_s: float = 1.0        # least time between steps brought forward (the first one, after commit)
    min_gain: float = 0.05           # least predicted gain for a plan
    params: dict[str, float] = field(default_factory=dict)   # further libtrident parameters, by name
    # Knobs per Ray operator name ("MapBatches(Embed)"): {knob: (min, max, default)}.  The UDF reads the
    # values of the operator's current config from TaskContext.get_current().kwargs["trident"].
    knobs: dict[str, dict[str, tuple[int, int, int]]] = field(default_factory=dict)
    cluster: Optional[list[dict[str, Any]]] = None   # override of the cluster's shapes (tests)
    on_plan: Optional[Callable[[Plan], None]] = None
    keep_samples: bool = False       # keep every sample fed to libtrident in TridentCallback.samples (debugging)


CONFIG = AdapterConfig()


def _model_name(raw: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.:/-]", "_", raw)[:56] or "op"
    name, k = base, 1
    while name in used:
        k += 1
        name = f"{base}.{k}"
    used.add(name)
    return name


@dataclass
class _OpTrack:
    """Per-operator state between windows."""

    id: int
    name: str
    actor: bool
    last: ri.OpCounters
    running_s: float = 0.0          # integral of running instances over the window
    active_s: float = 0.0           # integral of busy instances
    queue_start: int = 0
    config: int = 0
    reported_size: int = 0          # the pool size libtrident was last told about


class TridentConcurrencyPolicy(ri.BackpressurePolicy):
    """Caps the running tasks of task operators at what the plan gives them (no cap before the first plan)."""

    caps: dict[Any, int]

    def can_add_input(self, op: Any) -> bool:
        cap = getattr(self, "caps", {}).get(op)
        return cap is None or ri.task_concurrency(op) < cap


class TridentActorAutoscaler(ri.ActorAutoscaler):
    """Holds every actor pool at its planned size; Ray's own autoscaler runs until the first plan arrives."""

    def __init__(self, topology: Any, resource_manager: Any, fallback: Any, targets: dict[Any, int]) -> None:
        super().__init__(topology, resource_manager)
        self._fallback = fallback
        self._targets = targets

    def try_trigger_scaling(self) -> None:
        if not self._targets:
            self._fallback.try_trigger_scaling()
            return
        for op, state in self._topology.items():
            if ri.actor_pool(op) is None:
                continue
            lo, hi, current = ri.pool_bounds(op)
            if ri.inputs_finished(op, state):
                ri.scale_pool(op, -current, "trident: inputs done")
                continue
            target = self._targets.get(op)
            if target is None:
                continue
            target = max(lo, min(target, hi) if hi else target)
            if target != current:
                ri.scale_pool(op, target - current, "trident plan")


class TridentCallback(ri.ExecutionCallback):
    """Registered by trident.ray.install() (or RAY_DATA_EXECUTION_CALLBACKS=trident.ray.TridentCallback)."""

    last: Optional["TridentCallback"] = None   # the most recent run, for inspection

    def __init__(self) -> None:
        self.config = CONFIG
        self.ctx: Optional[Context] = None
        self.ops: dict[Any, _OpTrack] = {}
        self.targets: dict[Any, int] = {}
        self.plans: list[dict[str, Any]] = []        # applied plans: id, time, target instances per op name
        self.pool_sizes: list[tuple[float, dict[str, int]]] = []
        self.errors: list[str] = []
        self.samples: list[Sample] = []
        self.policy: Optional[TridentConcurrencyPolicy] = None
        self.shapes: list[dict[str, Any]] = []
        self.placement: dict[Any, list[str]] = {}     # op -> Ray node ids, one per planned instance
        self._t0 = 0
        self._last_step = 0
        self._last_emit = 0
        self._window_end = 0
        TridentCallback.last = self

    # ---- set-up ----

    def before_execution_starts(self, executor: Any) -> None:
        try:
            self._setup(executor)
        except Exception as e:  # never break the user's pipeline: Ray's own autoscaling stays in charge
            log.exception("trident: set-up failed; Ray Data's own policies stay in charge")
            self.errors.append(f"setup: {e!r}")
            self.ctx = None

    def _setup(self, executor: Any) -> None:
        cfg = self.config
        w_ms = max(100, int(cfg.window_s * 1000))
        params: dict[str, float] = dict(observe_window_ms=w_ms, observe_grace_ms=min(w_ms // 2, 500),
                                        sched_interval_ms=max(1000, int(cfg.interval_s * 1000)),
                                        early_step_min_ms=int(cfg.early_step_s * 1000), min_gain=cfg.min_gain,
                                        # Ray's queues swing by whole blocks per window: judge steadiness by
                                        # utilisation, not by the queue's slope.
                                        observe_queue_slope=100.0, observe_min_samples=4,
                                        # Ray's actors and tasks run one batch at a time (synchronous), and busy_s
                                        # is the UDF's own wall time, so items / busy seconds is the service rate;
                                        # the default estimator takes steady windows at face value, which
                                        # under-reads a pool that idles between dispatches (about 20% here).
                                        observe_estimator=1,
                                        # Probes need per-actor configs, which the kwargs hook cannot give.
                                        adapt_enable=0, solver_time_limit_ms=500)
        params.update(cfg.params)
        ctx = Context(**params)
        used: set[str] = set()
        self.shapes = cfg.cluster or ri.cluster_shapes()
        for i, shape in enumerate(self.shapes):
            attrs = dict(count=len(shape.get("node_ids", [0])), cpus=max(shape["cpus"], 0.001),
                         memory_bytes=max(shape.get("memory_bytes", 0), 2**30))
            if shape.get("gpus"):
                attrs.update(gpus=int(shape["gpus"]), gpu_memory_bytes=80e9)
            ctx.add_node(_model_name(f"node{i}", used), **attrs)
        for op in ri.map_ops(executor):
            demand = ri.op_demand(op)
            actor = ri.is_actor_op(op)
            lo, hi, current = ri.pool_bounds(op) if actor else (1, 0, 1)
            attrs = dict(cpus=max(demand["cpus"], 0.01), memory_bytes=demand["memory_bytes"],
                         min_instances=max(lo, 1), max_instances=hi)
            if demand["gpus"]:
                attrs["gpus"] = demand["gpus"]
            name = _model_name(ri.op_name(op), used)
            oid = ctx.add_operator(name, **attrs)
            for knob, (kmin, kmax, kdef) in cfg.knobs.get(ri.op_name(op), {}).items():
                ctx.add_knob_int(oid, knob, kmin, kmax, kdef)
            size = max(current, lo, 1)
            ctx.set_deployment(oid, 0, size)
            state = ri.topology(executor)[op]
            self.ops[op] = _OpTrack(oid, name, actor, ri.counters(op, state), reported_size=size)
        for op, track in self.ops.items():
            for up in ri.map_upstreams(op):
                ctx.add_edge(self.ops[up].id, track.id)
        ctx.commit()
        self.ctx = ctx
        fallback = executor._actor_autoscaler
        ri.install_autoscaler(executor, lambda topo, rm: TridentActorAutoscaler(topo, rm, fallback, self.targets))
        self.policy = ri.install_policy(executor, TridentConcurrencyPolicy)
        self.policy.caps = {}
        for op, track in self.ops.items():
            if track.name and cfg.knobs.get(ri.op_name(op)):
                ri.add_task_kwargs_fn(op, self._kwargs_fn(op))
            if track.actor and sum(len(sh.get("node_ids", [])) for sh in self.shapes) > 1:
                ri.set_remote_args_fn(op, self._placement_fn(op))
        now = time.monotonic_ns()
        self._t0 = self._last_step = self._last_emit = now
        self._window_end = (now // (w_ms * 1_000_000) + 1) * w_ms * 1_000_000

    def _placement_fn(self, op: Any) -> Callable[[], dict[str, Any]]:
        """Remote args for each new actor of op: soft affinity to the machines the plan puts its instances on,
        in turn (nothing before the first plan)."""
        turn = [0]

        def remote_args() -> dict[str, Any]:
            slots = self.placement.get(op)
            if not slots:
                return {}
            turn[0] += 1
            return ri.node_affinity(slots[turn[0] % len(slots)])
        return remote_args

    def _kwargs_fn(self, op: Any) -> Callable[[], dict[str, Any]]:
        def kwargs() -> dict[str, Any]:
            if self.ctx is None:
                return {}
            track = self.ops[op]
            return {"trident": {k: int(v) for k, v in self.ctx.config_values(track.id, track.config).items()}}
        return kwargs

    # ---- every step ----

    def on_execution_step(self, executor: Any) -> None:
        if self.ctx is None:
            return
        try:
            self._step(executor)
        except Exception as e:
            log.exception("trident: step failed")
            self.errors.append(f"step: {e!r}")
            if len(self.errors) > 20:  # something is persistently wrong: hand control back to Ray
                self.targets.clear()
                self.ctx = None

    def _step(self, executor: Any) -> None:
        assert self.ctx is not None
        now = time.monotonic_ns()
        dt = (now - self._last_step) / NS
        self._last_step = now
        topo = ri.topology(executor)
        for op, track in self.ops.items():
            c = ri.counters(op, topo[op])
            track.running_s += c.running * dt
            track.active_s += c.active * dt
        if now < self._window_end:
            return
        self._emit_window(executor, now)
        plan = self.ctx.poll(now)
        if plan is not None:
            self._apply(plan, now)

    def _emit_window(self, executor: Any, now: int) -> None:
        assert self.ctx is not None
        window_ns = max(100, int(self.config.window_s * 1000)) * 1_000_000
        start, end = self._window_end - window_ns, self._window_end
        span_s = (now - self._last_emit) / NS  # what the integrals cover
        self._last_emit = now
        samples: list[Sample] = []
        sizes: dict[str, int] = {}
        topo = ri.topology(executor)
        for op, track in self.ops.items():
            c = ri.counters(op, topo[op])
            prev, track.last = track.last, c
            rows_per_block = c.rows_received / c.inputs_received_blocks if c.inputs_received_blocks else 1.0
            items_in = round((c.inputs_blocks - prev.inputs_blocks) * rows_per_block)
            items_out = max(0, c.rows_out - prev.rows_out)
            queue_end = round(c.queued_blocks * rows_per_block)
            mean_running = track.running_s / span_s if span_s > 0 else 0.0
            # Useful time is the time the UDF spent producing blocks: a task or actor that waits on a full
            # output queue, or on its input, is running but not busy.
            # For a task operator, a task is an instance: its slot is busy while it runs and Ray reads its
            # output (tasks also pay scheduling and start-up, which the UDF's time leaves out).
            used = track.active_s if not track.actor else max(0.0, c.busy_s - prev.busy_s)
            busy = used * (self.config.window_s / span_s) if span_s > 0 else 0.0
            track.running_s = track.active_s = 0.0
            if track.actor:
                sizes[track.name] = c.running + c.pending
            if c.finished:
                continue  # winding down: neither its samples nor its shrinking pool say anything
            if track.actor:
                self._sync_size(op, track, c.running + c.pending, now)
            if mean_running < 0.5 or items_in + items_out == 0 and busy == 0:
                track.queue_start = queue_end
                continue  # nothing ran: no information about capacity
            instances = max(1, round(mean_running))
            busy = min(busy, self.config.window_s * instances)
            samples.append(Sample(window_start_ns=start, window_end_ns=end, op=track.id, instance=WHOLE_OPERATOR,
                                  config=track.config, active_instances=instances, items_in=items_in,
                                  items_out=items_out, bytes_in=max(0, c.bytes_in - prev.bytes_in),
                                  bytes_out=max(0, c.bytes_out - prev.bytes_out), queue_start=track.queue_start,
                                  queue_end=queue_end, busy_s=busy,
                                  utilisation=min(1.0, busy / (self.config.window_s * instances))))
            track.queue_start = queue_end
        self.pool_sizes.append(((now - self._t0) / NS, sizes))
        if samples:
            self.ctx.observe(samples)
            if self.config.keep_samples:
                self.samples.extend(samples)
        while self._window_end <= now:
            self._window_end += window_ns

    def _sync_size(self, op: Any, track: _OpTrack, size: int, now: int) -> None:
        """Tells libtrident about pool-size changes it did not plan (Ray's autoscaler before the first plan,
        actors that died or left once their input was done), so it plans from what really runs."""
        assert self.ctx is not None
        if self.ctx.step_info().outstanding_plan:
            return
        diff = size - track.reported_size
        if diff == 0:
            return
        from .. import EventKind
        kind = EventKind.INSTANCE_UP if diff > 0 else EventKind.INSTANCE_DOWN
        try:
            self.ctx.report_event(kind=kind, op=track.id, count=abs(diff), time_ns=now, config=track.config)
            track.reported_size = size
        except Exception as e:  # e.g. DOWN of more than the live deployment has: resynchronise next window
            self.errors.append(f"sync: {e!r}")

    def _apply(self, plan: Plan, now: int) -> None:
        assert self.ctx is not None and self.policy is not None
        wanted = plan.instances()
        for op, track in self.ops.items():
            if track.last.finished:
                continue
            n = wanted.get(track.name, 0)
            if track.actor:
                self.targets[op] = n
                track.reported_size = n
            else:
                self.policy.caps[op] = max(1, n)
        for op, track in self.ops.items():
            slots = []
            for t in plan.targets:
                ids = self.shapes[t.node].get("node_ids", []) if t.node < len(self.shapes) else []
                if t.op == track.id and t.member < len(ids):
                    slots += [ids[t.member]] * t.instances
            self.placement[op] = slots
        for a in plan.actions:
            if a.kind == a.kind.RECONFIGURE:
                for op, track in self.ops.items():
                    if track.id == a.op:
                        track.config = a.config
        self.ctx.report_outcome(plan, Outcome.APPLIED, now)
        estimates = {t.name: round(self.ctx.estimate(t.id).items_per_s, 3) for t in self.ops.values()}
        learned = {t.name: {k: (None if isinstance(v, float) and math.isnan(v) else v)  # None: not learned yet
                            for k, v in self.ctx.loop_op_info(t.id).items()} for t in self.ops.values()}
        live = {t.op_name: t.instances for t in self.ctx.deployment()}
        self.plans.append({"id": plan.id, "t_s": (now - self._t0) / NS, "instances": wanted,
                           "estimated_items_per_s": estimates, "learned": learned, "live_before": live,
                           "predicted_throughput": plan.predicted_throughput, "reason": plan.reason})
        log.info("trident: plan %d applied: %s (%s)", plan.id, wanted, plan.reason)
        if self.config.on_plan is not None:
            self.config.on_plan(plan)

    # ---- the end ----

    def after_execution_succeeds(self, executor: Any) -> None:
        self._finish()

    def after_execution_fails(self, executor: Any, error: Exception) -> None:
        self._finish()

    def _finish(self) -> None:
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None
