"""The parameter table, read from the library (trd_param_count / trd_param_at / trd_param_info), so the keyword
arguments and properties of Context follow the library's parameters without a hand-written list."""
from __future__ import annotations

from dataclasses import dataclass

from ._lib import ffi, lib, string
from .errors import check


@dataclass(frozen=True)
class ParamInfo:
    name: str            # "ingest_capacity": the keyword argument and property name
    id: int              # the trd_param value
    type: type           # int or float
    min: float
    max: float
    default: float


def _load() -> dict[str, ParamInfo]:
    table: dict[str, ParamInfo] = {}
    p = ffi.new("trd_param *")
    t = ffi.new("trd_param_type *")
    lo, hi, dflt = ffi.new("double *"), ffi.new("double *"), ffi.new("double *")
    for i in range(lib.trd_param_count()):
        check(lib.trd_param_at(i, p))
        check(lib.trd_param_info(p[0], t, lo, hi, dflt))
        name = string(lib.trd_param_name(p[0]))
        kind = int if t[0] == lib.TRD_PARAM_INT else float
        table[name] = ParamInfo(name, int(p[0]), kind, lo[0], hi[0], kind(dflt[0]))
    return table


PARAMS: dict[str, ParamInfo] = _load()
