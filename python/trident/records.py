"""The plain records that cross the boundary, as dataclasses, and the numpy dtype of trd_sample (built from
cffi's own layout, so a numpy structured array of it is passed to the library without a copy)."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Sequence

from ._lib import ffi, lib
from .errors import InvalidArgument

MAX_FEATURES: int = lib.TRD_MAX_FEATURES
WHOLE_OPERATOR: int = lib.TRD_WHOLE_OPERATOR
NO_CONFIG: int = lib.TRD_NO_CONFIG
CURRENT_CONFIG: int = lib.TRD_CURRENT_CONFIG
ALL_CONFIGS: int = lib.TRD_ALL_CONFIGS


class EventKind(enum.IntEnum):
    INSTANCE_UP = lib.TRD_EVENT_INSTANCE_UP
    INSTANCE_READY = lib.TRD_EVENT_INSTANCE_READY
    INSTANCE_DOWN = lib.TRD_EVENT_INSTANCE_DOWN
    OOM = lib.TRD_EVENT_OOM
    CONFIG_APPLIED = lib.TRD_EVENT_CONFIG_APPLIED
    PROBE_FINISHED = lib.TRD_EVENT_PROBE_FINISHED


class Outcome(enum.IntEnum):
    APPLIED = lib.TRD_OUTCOME_APPLIED
    PARTIAL = lib.TRD_OUTCOME_PARTIAL
    FAILED = lib.TRD_OUTCOME_FAILED


class EstimateSource(enum.IntEnum):
    NONE = lib.TRD_ESTIMATE_NONE
    EMA = lib.TRD_ESTIMATE_EMA
    GP = lib.TRD_ESTIMATE_GP
    UTILISATION = lib.TRD_ESTIMATE_UTILISATION
    LOWER_BOUND = lib.TRD_ESTIMATE_LOWER_BOUND
    USEFUL_TIME = lib.TRD_ESTIMATE_USEFUL_TIME


# Field order of trd_sample: a tuple passed to observe() lists these in this order (features last, a sequence).
SAMPLE_FIELDS: tuple[str, ...] = tuple(name for name, _ in ffi.typeof("trd_sample").fields)


@dataclass
class Sample:
    """One observation window of one operator instance (or of the whole operator).  n_features is derived from
    `features`; `flags` is reserved."""

    window_start_ns: int
    window_end_ns: int
    op: int
    instance: int = WHOLE_OPERATOR
    config: int = 0
    active_instances: int = 1
    items_in: int = 0
    items_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    queue_start: int = 0
    queue_end: int = 0
    host_mem_peak_bytes: int = 0
    device_mem_peak_bytes: int = 0
    busy_s: float = 0.0
    utilisation: float = 0.0
    features: Sequence[float] = field(default_factory=tuple)


@dataclass
class Event:
    kind: EventKind
    op: int
    node: int = 0
    member: int = 0
    config: int = 0
    count: int = 1
    time_ns: int = 0
    plan_id: int = 0
    duration_s: float = 0.0
    peak_bytes: float = 0.0
    from_config: int = NO_CONFIG
    instance: int = WHOLE_OPERATOR


@dataclass(frozen=True)
class Estimate:
    items_per_s: float
    stddev: float
    noise_stddev: float
    source: EstimateSource
    config: int
    points: int


@dataclass(frozen=True)
class IngestStats:
    accepted: int
    rejected: int
    dropped: int
    buffered: int
    capacity: int


@dataclass(frozen=True)
class StepInfo:
    steps: int
    plans: int
    last_step_ns: int
    outstanding_plan: int
    live_throughput: float
    planned_throughput: float
    transitions: int
    probes: int


def record_to_dataclass(cls: Any, rec: Any) -> Any:
    """Copies the fields `cls` names out of a cffi record."""
    return cls(*(getattr(rec, f) for f in cls.__dataclass_fields__))


def sample_dtype() -> Any:
    """numpy's dtype for trd_sample, with cffi's offsets and the library's size (184 bytes)."""
    import numpy as np

    names, formats, offsets = [], [], []
    for name, f in ffi.typeof("trd_sample").fields:
        names.append(name)
        offsets.append(f.offset)
        if f.type.kind == "array":
            formats.append(("<f8", (f.type.length,)))
        else:
            formats.append({"uint64_t": "<u8", "uint32_t": "<u4", "double": "<f8"}[f.type.cname])
    return np.dtype({"names": names, "formats": formats, "offsets": offsets,
                     "itemsize": ffi.sizeof("trd_sample")})


def fill_sample(dst: Any, src: Any, index: int = 0) -> None:
    """Writes one sample given as a Sample, a mapping or a tuple (in SAMPLE_FIELDS order, features last) into a
    cffi trd_sample.  Python raises TypeError/OverflowError for values no C field can hold; the library
    validates the rest."""
    if isinstance(src, dict):
        src = Sample(**src)  # unknown keys raise TypeError; missing ones take Sample's defaults
    elif not isinstance(src, Sample):
        values = tuple(src)
        if len(values) > len(Sample.__dataclass_fields__):
            raise TypeError(f"a sample tuple has at most {len(Sample.__dataclass_fields__)} fields "
                            f"({', '.join(Sample.__dataclass_fields__)}), got {len(values)}")
        src = Sample(*values)
    items = {k: getattr(src, k) for k in Sample.__dataclass_fields__}
    features = items.pop("features", ())
    features = tuple(features)
    if len(features) > MAX_FEATURES:
        raise InvalidArgument(f"observe: sample[{index}]: {len(features)} features, at most {MAX_FEATURES} fit "
                              "in a sample (TRD_E_INVALID_ARG)")
    for k, v in items.items():
        setattr(dst, k, v)
    dst.n_features = len(features)
    for i, v in enumerate(features):
        dst.features[i] = v
