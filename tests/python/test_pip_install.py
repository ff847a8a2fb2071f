"""`pip install ./python` as a user runs it after building the library: the package installs (its cffi
declarations generated from the header, the built libtrident bundled), and imports from the install alone --
TRIDENT_LIBRARY unset, nothing from the source tree on the path -- finding the bundled library."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pip_install_then_import(tmp_path: Path) -> None:
    target = tmp_path / "site"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    # Bundle the library this build made (setup.py takes TRIDENT_LIBRARY, else build/release or build/dev).
    assert env.get("TRIDENT_LIBRARY"), "the test runs with TRIDENT_LIBRARY naming the built libtrident.so"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT / "python")], check=True, env=env, cwd=tmp_path)
    assert (target / "trident" / "py.typed").exists()
    assert (target / "trident" / "libtrident.so.0").exists()

    env.pop("TRIDENT_LIBRARY")
    env["PYTHONPATH"] = str(target)
    probe = ("import trident, pathlib; "
             "print(trident.__version__); print(pathlib.Path(trident.library_path).resolve())")
    out = subprocess.run([sys.executable, "-c", probe], check=True, env=env, cwd=tmp_path,
                         capture_output=True, text=True).stdout.split("\n")
    major, minor, patch = (int(x) for x in out[0].split("."))
    assert (major, minor) >= (0, 1) and patch >= 0
    assert Path(out[1]).parent == (target / "trident").resolve()
