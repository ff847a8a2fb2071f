"""The public header parses in cffi (the Python binding's declarations are generated from it), and what cffi
lays out agrees with the compiled library: record sizes, version, and the names the library gives its enum
values.  Run by CTest with TRIDENT_HEADER and TRIDENT_LIBRARY set."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import cffi
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from header_to_cdef import header_to_cdef  # noqa: E402

HEADER = Path(os.environ.get("TRIDENT_HEADER", Path(__file__).resolve().parents[2] / "include" / "trident.h"))
LIBRARY = os.environ.get("TRIDENT_LIBRARY")


@pytest.fixture(scope="module")
def cdef() -> str:
    return header_to_cdef(HEADER.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ffi(cdef: str) -> cffi.FFI:
    f = cffi.FFI()
    f.cdef(cdef)
    return f


@pytest.fixture(scope="module")
def lib(ffi: cffi.FFI):
    if not LIBRARY:
        pytest.fail("TRIDENT_LIBRARY is not set (CTest sets it to the built libtrident.so)")
    return ffi.dlopen(LIBRARY)


def test_cdef_has_no_preprocessor_leftovers(cdef: str) -> None:
    for line in cdef.splitlines():
        assert not line.startswith("#") or re.match(r"#define TRD_[A-Z0-9_]+ -?\d+$", line), line
    assert "TRD_API" not in cdef
    assert "extern" not in cdef


def test_every_exported_function_is_declared(ffi: cffi.FFI, lib, cdef: str) -> None:
    names = re.findall(r"\b(trd_[a-z0-9_]+)\s*\(", cdef)
    assert len(set(names)) >= 50
    for name in set(names):
        assert callable(getattr(lib, name)), name


def test_record_sizes_match_library(ffi: cffi.FFI, lib) -> None:
    assert ffi.sizeof("trd_sample") == 184
    assert ffi.sizeof("trd_sample") == lib.trd_record_size(lib.TRD_RECORD_SAMPLE)
    assert ffi.sizeof("trd_ingest_stats") == lib.trd_record_size(lib.TRD_RECORD_INGEST_STATS)
    assert ffi.sizeof("trd_allocator") == lib.trd_record_size(lib.TRD_RECORD_ALLOCATOR)
    assert ffi.sizeof("trd_estimate") == lib.trd_record_size(lib.TRD_RECORD_ESTIMATE) == 40
    assert ffi.sizeof("trd_observe_stats") == lib.trd_record_size(lib.TRD_RECORD_OBSERVE_STATS) == 72
    assert ffi.sizeof("trd_rate") == 32 == lib.trd_record_size(lib.TRD_RECORD_RATE)
    assert ffi.sizeof("trd_action") == 32 == lib.trd_record_size(lib.TRD_RECORD_ACTION)
    assert ffi.sizeof("trd_target") == 24 == lib.trd_record_size(lib.TRD_RECORD_TARGET)
    assert ffi.sizeof("trd_event") == 64 == lib.trd_record_size(lib.TRD_RECORD_EVENT)
    assert ffi.sizeof("trd_step_info") == 64 == lib.trd_record_size(lib.TRD_RECORD_STEP_INFO)
    assert ffi.sizeof("trd_loop_op_info") == 56 == lib.trd_record_size(lib.TRD_RECORD_LOOP_OP_INFO)
    assert ffi.sizeof("trd_adapt_info") == 56 == lib.trd_record_size(lib.TRD_RECORD_ADAPT_INFO)
    assert ffi.sizeof("trd_regime_info") == 104 == lib.trd_record_size(lib.TRD_RECORD_REGIME_INFO)
    # Every record the enum names has a size, and the enum has no gaps.
    records = ffi.typeof("trd_record").relements
    assert sorted(records.values()) == list(range(1, len(records) + 1))
    assert all(lib.trd_record_size(v) > 0 for v in records.values())
    assert lib.trd_record_size(999) == 0
    assert ffi.offsetof("trd_sample", "features") == 120


def test_version_handshake(lib) -> None:
    assert lib.trd_version_number() == lib.TRD_VERSION_NUMBER
    assert ffi_string(lib.trd_version_string()) == f"{lib.TRD_VERSION_MAJOR}.{lib.TRD_VERSION_MINOR}.{lib.TRD_VERSION_PATCH}"


def ffi_string(ptr) -> str:
    return cffi.FFI().string(ptr).decode()


def test_status_names_match_enum_identifiers(ffi: cffi.FFI, lib) -> None:
    """trd_status_name() must return each enum member's own identifier: the table in status.c and the enum in
    the header cannot drift apart."""
    members = ffi.typeof("trd_status").relements
    assert len(members) >= 12
    for name, value in members.items():
        assert ffi.string(lib.trd_status_name(value)).decode() == name
        assert ffi.string(lib.trd_strerror(value)).decode() not in ("", "unknown status code")
    assert ffi.string(lib.trd_status_name(-12345)).decode() == "TRD_E_UNKNOWN"


def test_parameter_names_match_enum_identifiers(ffi: cffi.FFI, lib) -> None:
    """Each TRD_P_X is reachable by the name 'x' (what Python exposes as a keyword argument)."""
    members = ffi.typeof("trd_param").relements
    assert lib.trd_param_count() == len(members)
    out = ffi.new("trd_param *")
    for name, value in members.items():
        expected = name[len("TRD_P_"):].lower()
        assert ffi.string(lib.trd_param_name(value)).decode() == expected
        assert lib.trd_param_from_name(expected.encode(), out) == lib.TRD_OK
        assert out[0] == value


def test_a_context_round_trip_through_cffi(ffi: cffi.FFI, lib) -> None:
    pctx = ffi.new("trd_ctx **")
    assert lib.trd_ctx_new(pctx) == lib.TRD_OK
    ctx = pctx[0]
    try:
        yaml = (b"cluster:\n  nodes:\n    - {name: n, cpus: 4, memory: 8GiB}\n"
                b"pipeline:\n  operators:\n    - {name: only, features: [pages]}\n")
        assert lib.trd_ctx_load_yaml_string(ctx, yaml, len(yaml)) == lib.TRD_OK
        samples = ffi.new("trd_sample[2]")
        for s in samples:
            s.window_start_ns, s.window_end_ns = 0, 10**10
            s.instance, s.active_instances = 0, 1
            s.items_in, s.busy_s, s.utilisation = 100, 5.0, 0.5
            s.n_features = 1
            s.features[0] = 12.0
        assert lib.trd_ctx_observe(ctx, samples, 2) == lib.TRD_OK
        samples[1].utilisation = float("nan")
        assert lib.trd_ctx_observe(ctx, samples, 2) == lib.TRD_E_INVALID_ARG
        assert b"sample[1]" in ffi.string(lib.trd_ctx_last_error(ctx))
        stats = ffi.new("trd_ingest_stats *")
        assert lib.trd_ctx_ingest_stats(ctx, stats) == lib.TRD_OK
        assert (stats.accepted, stats.rejected, stats.buffered) == (2, 2, 2)
    finally:
        lib.trd_ctx_free(ctx)
