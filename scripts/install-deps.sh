#!/usr/bin/env bash
# Installs what libtrident needs on a Debian or Ubuntu machine:
#   Debian packages: compiler, CMake, pkg-config, GLPK, GSL, OpenBLAS, libyaml, cmocka, Python, a locale with a
#                    decimal comma (for the locale-independence test), the CBC solver program (the MILP
#                    benchmark cross-checks GLPK against it), and gnuplot without X (trident-sim draws its
#                    throughput plots with its png terminal)
#   Python packages (pip, into ./.venv): cffi, pytest and hypothesis (the header's cffi check and the Python
#                    package's tests; python3-dev lets cffi compile the API-mode check), numpy and scikit-learn
#                    (the GP oracle fixtures and the speed comparison), ray[data]==2.60.0 (the Ray Data adapter)
# Safe to run again.  Run as root, or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
    build-essential cmake pkg-config ca-certificates \
    libglpk-dev libgsl-dev libopenblas-dev libyaml-dev libcmocka-dev coinor-cbc gnuplot-nox \
    python3 python3-venv python3-pip python3-dev \
    locales

# A locale whose decimal separator is a comma: the locale test sets it and checks our numbers ignore it.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    $SUDO sed -i 's/^# *\(de_DE.UTF-8 UTF-8\)/\1/' /etc/locale.gen
    grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
    $SUDO locale-gen
fi

# Python packages live in a project-local virtual environment (Debian's system Python refuses pip installs);
# the CMake test configuration picks up .venv/bin/python3 when it exists.
if [ ! -x .venv/bin/python3 ]; then
    python3 -m venv .venv
fi
.venv/bin/python3 -m pip install --quiet --upgrade pip
.venv/bin/python3 -m pip install --quiet -r requirements-dev.txt
echo "install-deps: done"
