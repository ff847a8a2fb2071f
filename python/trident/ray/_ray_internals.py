"""Every touch of Ray Data's internals (ray.data._internal) lives in this file, so a Ray upgrade is one file.

Written against ray 2.60.0 exactly (RAY_VERSION); trident.ray refuses other versions at install() unless told
otherwise.  The hooks used (docs/python.md lists them with their Ray source files):
  - ExecutionCallback, registered through DataContext.custom_execution_callback_classes (what
    RAY_DATA_EXECUTION_CALLBACKS also feeds); Ray instantiates the class without arguments;
  - StreamingExecutor._actor_autoscaler (replaced before execution starts) and ._backpressure_policies (one
    policy appended);
  - the executor's topology: map operators, their input dependencies, OpState's enqueued input blocks;
  - each operator's OpRuntimeMetrics, its actor pool (AutoscalingActorPool.scale with ActorPoolScalingRequest),
    add_map_task_kwargs_fn, and _ray_remote_args / _ray_remote_args_fn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

import ray
from ray.data._internal.actor_autoscaler import ActorAutoscaler, ActorPoolScalingRequest
from ray.data._internal.execution.backpressure_policy import BackpressurePolicy
from ray.data._internal.execution.execution_callback import ExecutionCallback
from ray.data._internal.execution.operators.actor_pool_map_operator import ActorPoolMapOperator
from ray.data._internal.execution.operators.map_operator import MapOperator
from ray.data._internal.execution.operators.task_pool_map_operator import TaskPoolMapOperator
from ray.data.context import DataContext

RAY_VERSION = "2.60.0"

__all__ = ["ActorAutoscaler", "BackpressurePolicy", "ExecutionCallback", "OpCounters", "RAY_VERSION",
           "actor_pool", "counters", "install_autoscaler", "install_policy", "is_actor_op", "is_map_op",
           "map_ops", "map_upstreams", "op_demand", "op_name", "pool_bounds", "register_callback",
           "scale_pool", "set_remote_args_fn", "add_task_kwargs_fn", "inputs_finished", "cluster_shapes",
           "ray_version"]


def ray_version() -> str:
    return str(ray.__version__)


def register_callback(cls: type, context: DataContext | None = None) -> None:
    """Adds the callback class to the DataContext's registry (once)."""
    ctx = context or DataContext.get_current()
    if cls not in ctx.custom_execution_callback_classes:
        ctx.custom_execution_callback_classes.append(cls)


def unregister_callback(cls: type, context: DataContext | None = None) -> None:
    ctx = context or DataContext.get_current()
    while cls in ctx.custom_execution_callback_classes:
        ctx.custom_execution_callback_classes.remove(cls)


# ---- the executor ----

def topology(executor: Any) -> dict[Any, Any]:
    return executor._topology  # op -> OpState, in topological order


def map_ops(executor: Any) -> list[Any]:
    return [op for op in topology(executor) if isinstance(op, MapOperator)]


def is_map_op(op: Any) -> bool:
    return isinstance(op, MapOperator)


def is_actor_op(op: Any) -> bool:
    return isinstance(op, ActorPoolMapOperator)


def is_task_op(op: Any) -> bool:
    return isinstance(op, TaskPoolMapOperator)


def map_upstreams(op: Any) -> Iterator[Any]:
    """The nearest map operators upstream of op, through any non-map operators in between."""
    for dep in op.input_dependencies:
        if isinstance(dep, MapOperator):
            yield dep
        else:
            yield from map_upstreams(dep)


def op_name(op: Any) -> str:
    return str(op.name)


def install_autoscaler(executor: Any, make: Callable[[Any, Any], Any]) -> None:
    """Replaces the executor's actor autoscaler with make(topology, resource_manager)."""
    executor._actor_autoscaler = make(executor._topology, executor._resource_manager)


def install_policy(executor: Any, policy_cls: type) -> Any:
    policy = policy_cls(executor._data_context, executor._topology, executor._resource_manager)
    executor._backpressure_policies.append(policy)
    return policy


def inputs_finished(op: Any, state: Any) -> bool:
    """All of op's input has arrived and none is left waiting: its pool may shrink to nothing."""
    return bool(op.has_completed() or (op._inputs_complete and state.total_enqueued_input_blocks() == 0))


# ---- operators ----

def actor_pool(op: Any) -> Any | None:
    pools = op.get_autoscaling_actor_pools() if is_actor_op(op) else []
    return pools[0] if pools else None


def pool_bounds(op: Any) -> tuple[int, int, int]:
    """(min, max, current) actors of an actor operator; max is 0 when unbounded."""
    pool = actor_pool(op)
    if pool is None:
        return 0, 0, 0
    hi = pool.max_size()
    return int(pool.min_size()), (0 if hi == float("inf") or hi > 10**6 else int(hi)), int(pool.current_size())


def scale_pool(op: Any, delta: int, reason: str) -> int:
    """Grows or shrinks op's actor pool by delta (forced: Ray's scale-down debounce is for its own oscillating
    policy, not for a plan).  Shrinking removes idle actors only; returns the change Ray made."""
    pool = actor_pool(op)
    if pool is None or delta == 0:
        return 0
    if delta > 0:
        req = ActorPoolScalingRequest.upscale(delta=delta, reason=reason)
    else:
        req = ActorPoolScalingRequest.downscale(delta=delta, force=True, reason=reason)
    return int(pool.scale(req) or 0)


def op_demand(op: Any) -> dict[str, float]:
    """Logical resources one instance (actor, or task) of op asks for."""
    args = dict(getattr(op, "_ray_remote_args", {}) or {})
    return {"cpus": float(args.get("num_cpus", 1 if not args.get("num_gpus") else 0)),
            "gpus": float(args.get("num_gpus", 0) or 0),
            "memory_bytes": float(args.get("memory", 0) or 0)}


def task_concurrency(op: Any) -> int:
    """Tasks of a task operator running now."""
    return int(op.num_active_tasks())


def add_task_kwargs_fn(op: Any, fn: Callable[[], dict[str, Any]]) -> None:
    """fn's dict reaches op's UDF as TaskContext.get_current().kwargs (Ray reads it for every task)."""
    op.add_map_task_kwargs_fn(fn)


def set_remote_args_fn(op: Any, fn: Callable[[], dict[str, Any]]) -> None:
    """Ray calls fn for the remote args of each actor it creates (and, for task operators, each task)."""
    previous = op._ray_remote_args_fn

    def merged() -> dict[str, Any]:
        out = dict(previous() if previous else {})
        out.update(fn())
        return out

    op._ray_remote_args_fn = merged


@dataclass
class OpCounters:
    """The cumulative counters the adapter differences per window, and instantaneous gauges."""

    inputs_blocks: int          # input blocks whose tasks finished
    inputs_received_blocks: int
    rows_received: int
    bytes_in: int
    rows_out: int
    bytes_out: int
    queued_blocks: int          # waiting in the operator's input queues
    running: int                # actors running (actor op) or tasks running (task op)
    pending: int                # actors starting
    active: int                 # actors with a task in flight, or running tasks
    busy_s: float               # seconds the UDF spent producing blocks (Ray's block_generation_time)
    object_store_bytes: int
    finished: bool              # all input arrived and none waits: the operator is winding down


def counters(op: Any, state: Any) -> OpCounters:
    m = op.metrics
    if is_actor_op(op):
        pool = actor_pool(op)
        running = pool.num_running_actors() if pool else 0
        pending = pool.num_pending_actors() if pool else 0
        active = pool.num_active_actors() if pool else 0
    else:
        running = task_concurrency(op)
        # A task whose outputs Ray does not read (output backpressure) holds its slot but does no work.
        active = 0 if m._task_output_backpressure_start_time != -1 else running
        pending = 0
    return OpCounters(
        inputs_blocks=int(m.num_task_inputs_processed), inputs_received_blocks=int(m.num_inputs_received),
        rows_received=int(m.num_row_inputs_received), bytes_in=int(m.bytes_task_inputs_processed),
        rows_out=int(m.rows_task_outputs_generated), bytes_out=int(m.bytes_task_outputs_generated),
        queued_blocks=int(state.total_enqueued_input_blocks()), running=int(running), pending=int(pending),
        active=int(active), busy_s=float(m.block_generation_time or 0.0),
        object_store_bytes=int(m.obj_store_mem_used or 0), finished=inputs_finished(op, state))


# ---- the cluster ----

def cluster_shapes() -> list[dict[str, Any]]:
    """Alive nodes grouped by resource shape: [{cpus, gpus, memory_bytes, node_ids}]."""
    shapes: dict[tuple[float, float, float], list[str]] = {}
    for node in ray.nodes():
        if not node.get("Alive"):
            continue
        r = node.get("Resources", {})
        key = (float(r.get("CPU", 0)), float(r.get("GPU", 0)), float(r.get("memory", 0)))
        shapes.setdefault(key, []).append(node["NodeID"])
    return [{"cpus": c, "gpus": g, "memory_bytes": mem, "node_ids": ids} for (c, g, mem), ids in shapes.items()]


def node_affinity(node_id: str) -> dict[str, Any]:
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return {"scheduling_strategy": NodeAffinitySchedulingStrategy(node_id=node_id, soft=True)}


def current_task_kwargs() -> dict[str, Any]:
    """The kwargs of the map task running on this thread (TaskContext.kwargs), or {} outside one.  Actor UDFs
    run on a separate thread by default in Ray 2.60 and see nothing: construct their ActorPoolStrategy with
    enable_true_multi_threading=True (with max_concurrency 1, the default, that still runs one batch at a time)."""
    from ray.data._internal.execution.interfaces.task_context import TaskContext

    ctx = TaskContext.get_current()
    return dict(ctx.kwargs) if ctx is not None else {}
