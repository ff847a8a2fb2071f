"""Turns include/trident.h into declarations that cffi's cdef() accepts, mechanically.

The header is written so that this stays trivial (DESIGN section 3): drop comments, drop the blocks guarded by
`#ifdef __cplusplus`, keep `#define NAME <integer>` lines (cffi reads integer constants), drop every other
preprocessor line, and remove the word TRD_API.  Nothing is hand-copied, so the binding cannot drift from the
header.

    python3 tools/header_to_cdef.py include/trident.h > trident_cdef.h
"""
from __future__ import annotations

import re
import sys

_DEFINE_INT = re.compile(r"^#\s*define\s+(TRD_[A-Z0-9_]+)\s+\(?(-?\d+)\)?\s*$")


def header_to_cdef(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    out: list[str] = []
    skip_depth = 0  # > 0 inside an #ifdef __cplusplus block (nested #if counted)
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            directive = stripped[1:].strip()
            if skip_depth:
                if directive.startswith("if"):
                    skip_depth += 1
                elif directive.startswith("endif"):
                    skip_depth -= 1
                continue
            if directive.startswith("ifdef __cplusplus"):
                skip_depth = 1
                continue
            m = _DEFINE_INT.match(stripped)
            if m:
                out.append(f"#define {m.group(1)} {m.group(2)}")
            continue
        if skip_depth:
            continue
        out.append(re.sub(r"\bTRD_API\b\s*", "", line))
    return "\n".join(l for l in out if l.strip()) + "\n"


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "include/trident.h"
    with open(path, encoding="utf-8") as f:
        sys.stdout.write(header_to_cdef(f.read()))
