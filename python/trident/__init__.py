"""libtrident from Python: an embeddable scheduler for heterogeneous CPU/GPU data pipelines.

    import trident
    ctx = trident.Context.from_yaml("examples/pipelines/pdf.yaml", observe_window_ms=2000)
    ctx.observe([trident.Sample(window_start_ns=0, window_end_ns=10**10, op=0, items_in=120, busy_s=9.0,
                                utilisation=0.9, features=[...])])
    plan = ctx.poll(now_ns)

The binding is cffi's ABI mode over the same libtrident.so C hosts link (see docs/python.md).
"""
from __future__ import annotations

from ._lib import lib as _lib, path as library_path, string as _string
from .context import Context
from .errors import (BufferTooSmall, Infeasible, InternalError, InvalidArgument, InvalidModel, LimitExceeded,
                     NoMemory, NotFound, OutOfRange, ParseError, SolverError, StalePlan, StateError,
                     TridentError, TridentIOError)
from .params import PARAMS, ParamInfo
from .plan import Action, ActionKind, Plan, SolveStatus, Target
from .records import (ALL_CONFIGS, CURRENT_CONFIG, MAX_FEATURES, NO_CONFIG, SAMPLE_FIELDS, WHOLE_OPERATOR,
                      Estimate, EstimateSource, Event, EventKind, IngestStats, Outcome, Sample, StepInfo,
                      sample_dtype)

# The linked library's version (the handshake at import checked it against the header's).
__version__: str = _string(_lib.trd_version_string())
version_number: int = int(_lib.trd_version_number())

__all__ = [
    "ALL_CONFIGS", "Action", "ActionKind", "BufferTooSmall", "CURRENT_CONFIG", "Context", "Estimate",
    "EstimateSource", "Event", "EventKind", "Infeasible", "IngestStats", "InternalError", "InvalidArgument",
    "InvalidModel", "LimitExceeded", "MAX_FEATURES", "NO_CONFIG", "NoMemory", "NotFound", "OutOfRange",
    "Outcome", "PARAMS", "ParamInfo", "ParseError", "Plan", "SAMPLE_FIELDS", "Sample", "SolveStatus",
    "SolverError", "StalePlan", "StateError", "StepInfo", "Target", "TridentError", "TridentIOError",
    "WHOLE_OPERATOR", "__version__", "library_path", "sample_dtype", "version_number",
]
