"""The package's generated declarations compiled in cffi's API mode against the real header.

ABI mode trusts the declarations; API mode hands them to the C compiler next to `#include <trident.h>`, and cffi
then checks every struct's size and field offsets, every field's type, every function's signature and every
constant's value against what the compiler sees.  If tools/header_to_cdef.py ever produced something that differs
from the header, this fails.  CTest sets TRIDENT_HEADER and TRIDENT_LIBRARY_DIR (and PYTHONPATH to the staged
package, whose ABI-mode ffi is compared too)."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import cffi

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from header_to_cdef import header_to_cdef  # noqa: E402

HEADER = Path(os.environ.get("TRIDENT_HEADER", ROOT / "include" / "trident.h"))


def test_declarations_compile_in_api_mode(tmp_path: Path) -> None:
    libdir = os.environ["TRIDENT_LIBRARY_DIR"]
    ffi = cffi.FFI()
    ffi.cdef(header_to_cdef(HEADER.read_text(encoding="utf-8")))
    ffi.set_source("_trident_api_check", "#include <trident.h>", include_dirs=[str(HEADER.parent)],
                   libraries=["trident"], library_dirs=[libdir], runtime_library_dirs=[libdir],
                   extra_compile_args=["-Werror=incompatible-pointer-types", "-Werror=int-conversion"])
    so = ffi.compile(tmpdir=str(tmp_path), verbose=False)
    spec = importlib.util.spec_from_file_location("_trident_api_check", so)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # cffi verifies sizes, offsets and constants here
    api_ffi, api_lib = mod.ffi, mod.lib
    assert api_lib.trd_version_number() == api_lib.TRD_VERSION_NUMBER

    # The package's out-of-line ABI module agrees with the compiled one record by record, field by field.
    from trident._trident_cffi import ffi as abi_ffi

    records = abi_ffi.typeof("trd_record").relements
    assert len(records) == 13
    for name in ("trd_allocator", "trd_sample", "trd_ingest_stats", "trd_estimate", "trd_observe_stats",
                 "trd_rate", "trd_action", "trd_target", "trd_event", "trd_step_info", "trd_loop_op_info",
                 "trd_adapt_info", "trd_regime_info"):
        assert abi_ffi.sizeof(name) == api_ffi.sizeof(name), name
        for field, _ in abi_ffi.typeof(name).fields:
            assert abi_ffi.offsetof(name, field) == api_ffi.offsetof(name, field), (name, field)
    for enum in ("trd_status", "trd_param", "trd_event_kind", "trd_outcome"):
        assert abi_ffi.typeof(enum).relements == api_ffi.typeof(enum).relements
