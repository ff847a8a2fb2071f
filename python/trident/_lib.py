"""Finds libtrident, opens it through the generated cffi module, and checks that it is the library the
declarations were generated for.

Search order: the TRIDENT_LIBRARY environment variable (a path), then a libtrident.so* shipped inside this
package (pip install bundles the one it finds at build time), then the system's loader ("libtrident.so.<major>",
then ctypes.util.find_library).  The handshake refuses a library whose version or record layouts differ from the
header's: a mismatch would corrupt memory silently, an ImportError is better.
"""
from __future__ import annotations

import ctypes.util
import os
from pathlib import Path
from typing import Any

from ._trident_cffi import ffi

# Records that cross the boundary, by their trd_record value's name.
_RECORDS = {
    "TRD_RECORD_ALLOCATOR": "trd_allocator",
    "TRD_RECORD_SAMPLE": "trd_sample",
    "TRD_RECORD_INGEST_STATS": "trd_ingest_stats",
    "TRD_RECORD_ESTIMATE": "trd_estimate",
    "TRD_RECORD_OBSERVE_STATS": "trd_observe_stats",
    "TRD_RECORD_RATE": "trd_rate",
    "TRD_RECORD_ACTION": "trd_action",
    "TRD_RECORD_TARGET": "trd_target",
    "TRD_RECORD_EVENT": "trd_event",
    "TRD_RECORD_STEP_INFO": "trd_step_info",
    "TRD_RECORD_LOOP_OP_INFO": "trd_loop_op_info",
    "TRD_RECORD_ADAPT_INFO": "trd_adapt_info",
    "TRD_RECORD_REGIME_INFO": "trd_regime_info",
}


def _candidates() -> list[str]:
    env = os.environ.get("TRIDENT_LIBRARY")
    if env:
        return [env]  # an explicit choice is never second-guessed
    here = Path(__file__).resolve().parent
    bundled = sorted(str(p) for p in here.glob("libtrident.so*"))
    found = ctypes.util.find_library("trident")
    return bundled + ["libtrident.so.0"] + ([found] if found else [])


def _open() -> tuple[Any, str]:
    errors = []
    for name in _candidates():
        try:
            return ffi.dlopen(name), name
        except OSError as e:
            errors.append(f"{name}: {e}")
    raise ImportError("libtrident not found; set TRIDENT_LIBRARY to the built libtrident.so, or install the "
                      "library system-wide (tried " + "; ".join(errors) + ")")


def _handshake(lib: Any, path: str) -> None:
    header = lib.TRD_VERSION_NUMBER
    linked = lib.trd_version_number()
    if linked // 10000 != header // 10000 or linked < header:
        raise ImportError(f"{path} is libtrident {linked}, but the binding was generated from the header of "
                          f"{header}: rebuild the package against this library")
    for record, ctype in _RECORDS.items():
        size = lib.trd_record_size(getattr(lib, record))
        if size != ffi.sizeof(ctype):
            raise ImportError(f"{path}: {ctype} is {size} bytes in the library but {ffi.sizeof(ctype)} in the "
                              "binding's declarations: header and library do not match")


lib, path = _open()
_handshake(lib, path)


def string(ptr: Any) -> str:
    """A C string the library returned, as str ("" for NULL)."""
    return "" if ptr == ffi.NULL else ffi.string(ptr).decode("utf-8", "replace")
