"""Build hook of the trident package (the metadata is in pyproject.toml).

At build time it (1) generates trident/_trident_cffi.py from include/trident.h with ffi_build.py -- cffi's ABI
mode, so no compiler is needed -- and (2) bundles a libtrident.so it finds into the package, so `import trident`
works without TRIDENT_LIBRARY: the one TRIDENT_LIBRARY names at build time, else the source tree's
build/release or build/dev output.  Without one, the package uses the system's libtrident (cmake --install).
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ffi_build import find_header, generate  # noqa: E402


def library_to_bundle() -> Path | None:
    env = os.environ.get("TRIDENT_LIBRARY")
    if env:
        return Path(env)
    for preset in ("release", "dev"):
        candidate = HERE.parent / "build" / preset / "src" / "libtrident.so"
        if candidate.exists():
            return candidate
    return None


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        pkg = Path(self.build_lib) / "trident"
        generate(find_header(), pkg)
        lib = library_to_bundle()
        if lib is not None:
            # The real file under its SONAME, which is what the package's loader looks for.
            shutil.copy2(lib.resolve(), pkg / "libtrident.so.0")
            print(f"trident: bundled {lib.resolve()}")
        else:
            print("trident: no libtrident.so found to bundle; the installed package will use the system's "
                  "(or TRIDENT_LIBRARY)")


class BinaryDistribution(Distribution):
    """The wheel may carry libtrident.so: tag it for this platform, not as pure Python."""

    def has_ext_modules(self) -> bool:
        return library_to_bundle() is not None


setup(cmdclass={"build_py": BuildPy}, distclass=BinaryDistribution)
