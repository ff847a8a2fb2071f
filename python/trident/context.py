"""Context: one pipeline on one cluster (a trd_ctx), with the closed loop's calls as methods.

Threads: cffi releases the GIL during every library call, so two Python threads could otherwise enter the same
trd_ctx at once, which the C API forbids (except for trd_ctx_observe).  Every call therefore takes the
Context's lock -- observe too, because a failed observe must read trd_ctx_last_error before another observer
overwrites it.  The calls are short (a poll that solves the MILP is the longest, bounded by
solver_time_limit_ms); different Contexts never contend.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any, Callable, Iterable, Mapping, Sequence, Union

from ._lib import ffi, lib, string
from .errors import StateError, raise_status
from .params import PARAMS, ParamInfo
from .plan import Plan, Target
from .records import (CURRENT_CONFIG, Estimate, EstimateSource, Event, IngestStats, Outcome, StepInfo,
                      fill_sample, record_to_dataclass, sample_dtype)

OpRef = Union[int, str]
LogFn = Callable[[int, str, str], None]

_LOG_LEVELS = {lib.TRD_LOG_ERROR: logging.ERROR, lib.TRD_LOG_WARN: logging.WARNING,
               lib.TRD_LOG_INFO: logging.INFO, lib.TRD_LOG_DEBUG: logging.DEBUG}


def _free_ctx(lib_: Any) -> Callable[[Any], None]:
    # The finalizer closes over the library: a context collected at interpreter exit still finds it loaded.
    def free(ptr: Any) -> None:
        lib_.trd_ctx_free(ptr)
    return free


def _attr_id(prefix: str, name: str) -> int:
    value = getattr(lib, f"{prefix}{name.upper()}", None)
    if value is None:
        raise TypeError(f"unknown attribute {name!r}")
    return int(value)


class Context:
    """A libtrident context.  Keyword arguments set parameters by name (Context(observe_window_ms=2000)); each
    parameter is also a property (ctx.observe_window_ms)."""

    def __init__(self, **params: float) -> None:
        self._lock = threading.RLock()
        out = ffi.new("trd_ctx **")
        st = lib.trd_ctx_new(out)
        if st != lib.TRD_OK:
            raise_status(st, "")
        self._ptr: Any = ffi.gc(out[0], _free_ctx(lib))
        self._log_cb: Any = None
        self._names_epoch = -1
        self._op_names: list[str] = []
        self._node_names: list[str] = []
        self.set_params(**params)

    # ---- lifetime ----

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str], **params: float) -> "Context":
        """A context with its parameters set first (YAML limits are parameters) and then the model loaded."""
        ctx = cls(**params)
        ctx.load_yaml(path)
        return ctx

    @classmethod
    def from_yaml_string(cls, text: str, **params: float) -> "Context":
        ctx = cls(**params)
        ctx.load_yaml_string(text)
        return ctx

    def close(self) -> None:
        """Frees the C context now (otherwise the garbage collector does).  Plans it made stay valid."""
        with self._lock:
            if self._ptr is not None:
                ffi.release(self._ptr)
                self._ptr = None

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _p(self) -> Any:
        if self._ptr is None:
            raise StateError("the context is closed", lib.TRD_E_STATE)
        return self._ptr

    def _call(self, fn: Callable[..., int], *args: Any) -> None:
        """Calls fn(ctx, *args) under the lock; a failure raises with the context's message."""
        with self._lock:
            p = self._p()
            st = fn(p, *args)
            if st != lib.TRD_OK:
                raise_status(st, string(lib.trd_ctx_last_error(p)))

    @property
    def last_error(self) -> str:
        with self._lock:
            return string(lib.trd_ctx_last_error(self._p()))

    # ---- parameters ----

    def set_params(self, **params: float) -> None:
        for name, value in params.items():
            self.set_param(name, value)

    def set_param(self, name: str, value: float) -> None:
        info = self._param(name)
        if info.type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                if not (isinstance(value, float) and value.is_integer()):
                    raise TypeError(f"parameter {name!r} is an integer, got {value!r}")
            self._call(lib.trd_ctx_set_int, info.id, int(value))
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"parameter {name!r} is a number, got {value!r}")
            self._call(lib.trd_ctx_set_double, info.id, float(value))

    def get_param(self, name: str) -> float:
        info = self._param(name)
        if info.type is int:
            out = ffi.new("int64_t *")
            self._call(lib.trd_ctx_get_int, info.id, out)
            return int(out[0])
        dout = ffi.new("double *")
        self._call(lib.trd_ctx_get_double, info.id, dout)
        return float(dout[0])

    def params(self) -> dict[str, float]:
        return {name: self.get_param(name) for name in PARAMS}

    @staticmethod
    def _param(name: str) -> ParamInfo:
        try:
            return PARAMS[name]
        except KeyError:
            raise TypeError(f"unknown parameter {name!r} (known: {', '.join(PARAMS)})") from None

    # ---- logging ----

    def set_logger(self, fn: LogFn | None = None, level: int = lib.TRD_LOG_INFO) -> None:
        """Routes the context's log to fn(level, component, message), or to the Python logger "trident" when fn
        is None; level is a TRD_LOG_* value (0 silences).  The callback runs on the calling thread, under the
        Context's lock: it must not call back into this Context."""
        if fn is None:
            logger = logging.getLogger("trident")

            def fn(lv: int, component: str, message: str) -> None:
                logger.log(_LOG_LEVELS.get(lv, logging.DEBUG), "%s: %s", component, message)

        user_fn = fn

        @ffi.callback("void(void *, trd_log_level, const char *, const char *)")
        def cb(_user: Any, lv: int, component: Any, message: Any) -> None:
            try:
                user_fn(int(lv), string(component), string(message))
            except Exception:  # an exception cannot cross into C; logging must never break a call
                pass

        self._call(lib.trd_ctx_set_logger, cb if level else ffi.NULL, ffi.NULL, level)
        self._log_cb = cb if level else None  # keeps the callback alive while C holds it

    # ---- the model ----

    def load_yaml(self, path: str | os.PathLike[str]) -> None:
        self._call(lib.trd_ctx_load_yaml, os.fsencode(path))

    def load_yaml_string(self, text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        self._call(lib.trd_ctx_load_yaml_string, data, len(data))

    def add_node(self, name: str, **attrs: float) -> int:
        """Adds a node kind; attrs: count, cpus, memory_bytes, gpus, gpu_memory_bytes, nic_bytes_per_s."""
        out = ffi.new("uint32_t *")
        with self._lock:
            self._call(lib.trd_ctx_add_node, name.encode(), out)
            for k, v in attrs.items():
                self._call(lib.trd_ctx_set_node_attr, out[0], _attr_id("TRD_NODE_", k), float(v))
        return int(out[0])

    def add_operator(self, name: str, *, features: Sequence[str] = (), **attrs: float) -> int:
        """Adds an operator; attrs as trd_op_attr in lower case (cpus, memory_bytes, gpus, min_instances, ...)."""
        out = ffi.new("uint32_t *")
        with self._lock:
            self._call(lib.trd_ctx_add_operator, name.encode(), out)
            for k, v in attrs.items():
                self._call(lib.trd_ctx_set_operator_attr, out[0], _attr_id("TRD_OP_", k), float(v))
            for f in features:
                self._call(lib.trd_ctx_add_feature, out[0], f.encode(), ffi.NULL)
        return int(out[0])

    def add_knob_int(self, op: int, name: str, min: int, max: int, default: int, flags: int = 0) -> int:
        out = ffi.new("uint32_t *")
        self._call(lib.trd_ctx_add_knob_int, op, name.encode(), min, max, default, flags, out)
        return int(out[0])

    def add_config(self, op: int, values: Sequence[float]) -> int:
        out = ffi.new("uint32_t *")
        self._call(lib.trd_ctx_add_config, op, [float(v) for v in values], len(values), out)
        return int(out[0])

    def add_edge(self, src: int, dst: int, share: float = 1.0) -> None:
        self._call(lib.trd_ctx_add_edge, src, dst, float(share))

    def set_deployment(self, op: int, node: int, instances: int, *, member: int = 0, config: int = 0) -> None:
        self._call(lib.trd_ctx_set_deployment, op, node, member, config, instances)

    def commit(self) -> int:
        """Validates and commits the staged model; returns its epoch."""
        out = ffi.new("uint64_t *")
        self._call(lib.trd_ctx_commit_model, out)
        return int(out[0])

    @property
    def model_epoch(self) -> int:
        with self._lock:
            return int(lib.trd_ctx_model_epoch(self._p()))

    def _names(self) -> tuple[list[str], list[str]]:
        with self._lock:
            p = self._p()
            epoch = lib.trd_ctx_model_epoch(p)
            if epoch != self._names_epoch:
                self._op_names = [string(lib.trd_ctx_operator_name(p, i))
                                  for i in range(lib.trd_ctx_operator_count(p))]
                self._node_names = [string(lib.trd_ctx_node_name(p, i)) for i in range(lib.trd_ctx_node_count(p))]
                self._names_epoch = epoch
            return self._op_names, self._node_names

    @property
    def operators(self) -> list[str]:
        """Operator names of the committed model, by id."""
        return list(self._names()[0])

    @property
    def nodes(self) -> list[str]:
        return list(self._names()[1])

    def find_operator(self, name: str) -> int:
        out = ffi.new("uint32_t *")
        self._call(lib.trd_ctx_find_operator, name.encode(), out)
        return int(out[0])

    def find_node(self, name: str) -> int:
        out = ffi.new("uint32_t *")
        self._call(lib.trd_ctx_find_node, name.encode(), out)
        return int(out[0])

    def _op(self, op: OpRef) -> int:
        return self.find_operator(op) if isinstance(op, str) else op

    def feature_names(self, op: OpRef) -> list[str]:
        o = self._op(op)
        with self._lock:
            p = self._p()
            return [string(lib.trd_ctx_feature_name(p, o, i)) for i in range(lib.trd_ctx_feature_count(p, o))]

    def operator_attr(self, op: OpRef, attr: str) -> float:
        out = ffi.new("double *")
        self._call(lib.trd_ctx_get_operator_attr, self._op(op), _attr_id("TRD_OP_", attr), out)
        return float(out[0])

    def knob_names(self, op: OpRef) -> list[str]:
        o = self._op(op)
        name = ffi.new("const char **")
        with self._lock:
            out = []
            for k in range(lib.trd_ctx_knob_count(self._p(), o)):
                self._call(lib.trd_ctx_get_knob, o, k, name, ffi.NULL, ffi.NULL, ffi.NULL, ffi.NULL, ffi.NULL)
                out.append(string(name[0]))
            return out

    def config_values(self, op: OpRef, config: int) -> dict[str, float]:
        """The knob values of one of op's configs, by knob name."""
        o = self._op(op)
        names = self.knob_names(o)
        buf = ffi.new("double[]", max(len(names), 1))
        self._call(lib.trd_ctx_config_values, o, config, buf, len(names), ffi.NULL)
        return {n: float(buf[i]) for i, n in enumerate(names)}

    def deployment(self) -> list[Target]:
        """The live deployment (what the loop believes runs where)."""
        op_names, node_names = self._names()
        o, n, m, c, k = (ffi.new("uint32_t *") for _ in range(5))
        out = []
        with self._lock:
            p = self._p()
            for i in range(lib.trd_ctx_deployment_count(p)):
                self._call(lib.trd_ctx_get_deployment, i, o, n, m, c, k)
                out.append(Target(o[0], n[0], m[0], c[0], k[0], op_names[o[0]], node_names[n[0]]))
        return out

    def model_json(self) -> dict[str, Any]:
        n = ffi.new("size_t *")
        with self._lock:
            self._call(lib.trd_ctx_model_to_json, ffi.NULL, 0, n)
            buf = ffi.new("char[]", n[0] + 1)
            self._call(lib.trd_ctx_model_to_json, buf, n[0] + 1, n)
        result: dict[str, Any] = json.loads(ffi.string(buf, n[0]).decode("utf-8"))
        return result

    # ---- the closed loop ----

    def observe(self, samples: Any) -> int:
        """Ingests samples: a numpy structured array of sample_dtype() (passed without a copy), or an iterable
        of Sample, dicts or tuples (fields in SAMPLE_FIELDS order, features last).  All-or-nothing: an invalid
        sample raises InvalidArgument naming it, and none is kept.  Returns the number of samples."""
        if type(samples).__module__ == "numpy" and hasattr(samples, "dtype"):
            import numpy as np

            arr = samples
            if arr.dtype != sample_dtype():
                raise TypeError(f"observe: a numpy array must have trident.sample_dtype(), got {arr.dtype}")
            if arr.ndim != 1 or not arr.flags["C_CONTIGUOUS"]:
                arr = np.ascontiguousarray(arr).reshape(-1)  # the one case that copies
            n = len(arr)
            buf = ffi.from_buffer("trd_sample[]", arr) if n else ffi.NULL
        else:
            items = list(samples)
            n = len(items)
            buf = ffi.new("trd_sample[]", max(n, 1))
            for i, s in enumerate(items):
                fill_sample(buf[i], s, i)
        self._call(lib.trd_ctx_observe, buf, n)
        return n

    def ingest_stats(self) -> IngestStats:
        out = ffi.new("trd_ingest_stats *")
        self._call(lib.trd_ctx_ingest_stats, out)
        return record_to_dataclass(IngestStats, out)

    def poll(self, now_ns: int) -> Plan | None:
        """Runs the control step if one is due at host time now_ns; returns its plan, or None."""
        out = ffi.new("trd_plan **")
        self._call(lib.trd_ctx_poll, now_ns, out)
        if out[0] == ffi.NULL:
            return None
        op_names, node_names = self._names()
        return Plan(out[0], op_names, node_names)

    def plan_with_rates(self, rates: Mapping[OpRef, float]) -> Plan:
        """A plan from per-instance rates the host knows (one per operator, by id or name)."""
        resolved = {self._op(k): float(v) for k, v in rates.items()}
        buf = ffi.new("trd_rate[]", max(len(resolved), 1))
        for i, (op, rate) in enumerate(resolved.items()):
            buf[i].op, buf[i].items_per_s = op, rate
            buf[i].candidate_config = lib.TRD_NO_CONFIG
        out = ffi.new("trd_plan **")
        self._call(lib.trd_ctx_plan_with_rates, buf, len(resolved), out)
        op_names, node_names = self._names()
        return Plan(out[0], op_names, node_names)

    def report_event(self, event: Event | None = None, **fields: Any) -> None:
        """Reports an Event, or one given by keywords (report_event(kind=EventKind.INSTANCE_UP, op=2, count=3))."""
        ev = event if event is not None else Event(**fields)
        rec = ffi.new("trd_event *")
        for name in Event.__dataclass_fields__:
            setattr(rec, name, int(getattr(ev, name)) if name not in ("duration_s", "peak_bytes")
                    else float(getattr(ev, name)))
        self._call(lib.trd_ctx_report_event, rec)

    def report_outcome(self, plan: Plan | int, outcome: Outcome | int, now_ns: int) -> None:
        plan_id = plan.id if isinstance(plan, Plan) else plan
        self._call(lib.trd_ctx_report_outcome, plan_id, int(outcome), now_ns)

    def estimate(self, op: OpRef, *, config: int = CURRENT_CONFIG,
                 features: Iterable[float] | None = None) -> Estimate:
        """What observe believes about op's sustainable per-instance rate (source NONE when nothing is known)."""
        o = self._op(op)
        out = ffi.new("trd_estimate *")
        if features is None:
            self._call(lib.trd_ctx_estimate_detail, o, config, ffi.NULL, 0, out)
        else:
            f = [float(x) for x in features]
            self._call(lib.trd_ctx_estimate_detail, o, config, ffi.new("double[]", f) if f else ffi.NULL,
                       len(f), out)
        return Estimate(out.items_per_s, out.stddev, out.noise_stddev, EstimateSource(out.source), out.config,
                        out.points)

    def observe_stats(self, op: OpRef) -> dict[str, int]:
        out = ffi.new("trd_observe_stats *")
        self._call(lib.trd_ctx_observe_stats, self._op(op), out)
        return {name: int(getattr(out, name)) for name, _ in ffi.typeof("trd_observe_stats").fields}

    def loop_op_info(self, op: OpRef) -> dict[str, float]:
        """What the loop learned about op: start/stop/cold-start times, items out per item in, bytes per output
        item (NaN where nothing was learned), and its transition state."""
        out = ffi.new("trd_loop_op_info *")
        self._call(lib.trd_ctx_loop_op_info, self._op(op), out)
        return {name: getattr(out, name) for name, _ in ffi.typeof("trd_loop_op_info").fields}

    def step_info(self) -> StepInfo:
        out = ffi.new("trd_step_info *")
        self._call(lib.trd_ctx_step_info, out)
        return record_to_dataclass(StepInfo, out)

    @property
    def step_reason(self) -> str:
        with self._lock:
            return string(lib.trd_ctx_step_reason(self._p()))


def _param_property(info: ParamInfo) -> property:
    def get(self: Context) -> float:
        return self.get_param(info.name)

    def set_(self: Context, value: float) -> None:
        self.set_param(info.name, value)

    kind = "int" if info.type is int else "float"
    return property(get, set_, doc=f"Parameter {info.name} ({kind}, [{info.min:g}, {info.max:g}], "
                                   f"default {info.default:g}).")


for _info in PARAMS.values():
    if hasattr(Context, _info.name):  # never shadow a method; get_param still reaches it
        continue
    setattr(Context, _info.name, _param_property(_info))
