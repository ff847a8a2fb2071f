"""Generates trident/_trident_cffi.py, cffi's out-of-line ABI module, from include/trident.h.

The declarations come from the header mechanically (tools/header_to_cdef.py, the same generator the header test
uses), never by hand, so the binding cannot drift from the C API.  ABI mode needs no compiler: the generated
module is pure Python and the library is dlopen()ed at import.  Called by setup.py (pip install) and by CMake
(the staged package the test suite imports):

    python3 python/ffi_build.py include/trident.h OUTDIR      # writes OUTDIR/_trident_cffi.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def load_generator():
    """tools/header_to_cdef.py of this source tree (one generator for the header test and the package)."""
    sys.path.insert(0, str(_ROOT / "tools"))
    try:
        from header_to_cdef import header_to_cdef
    finally:
        sys.path.pop(0)
    return header_to_cdef


def find_header() -> Path:
    """TRIDENT_HEADER, else the source tree's include/trident.h."""
    env = os.environ.get("TRIDENT_HEADER")
    path = Path(env) if env else _ROOT / "include" / "trident.h"
    if not path.is_file():
        raise SystemExit(f"ffi_build: {path} not found (set TRIDENT_HEADER to libtrident's include/trident.h)")
    return path


def make_ffi(header: Path):
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(load_generator()(header.read_text(encoding="utf-8")))
    ffi.set_source("_trident_cffi", None)  # None: ABI mode, no C compiler involved
    return ffi


def generate(header: Path, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / "_trident_cffi.py"
    # cffi rewrites the file only when its content changes, which keeps CMake's and setuptools' timestamps sane.
    make_ffi(header).emit_python_code(str(target))
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: ffi_build.py HEADER OUTDIR")
    print(generate(Path(sys.argv[1]), Path(sys.argv[2])))
