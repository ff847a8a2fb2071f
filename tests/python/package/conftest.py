"""Shared fixtures of the package tests: a small two-operator pipeline and samples that make it plan."""
from __future__ import annotations

from typing import Callable

import pytest

import trident

NS = 1_000_000_000

# Two CPU operators in a chain on one 8-core machine; 'slow' takes twice as long per item as 'fast'.
CHAIN_YAML = """
cluster:
  nodes:
    - {name: box, cpus: 8, memory: 32GiB}
pipeline:
  operators:
    - {name: fast, cpus: 1, memory: 1GiB, start_time: 1s, stop_time: 1s, features: [pages]}
    - {name: slow, cpus: 1, memory: 1GiB, start_time: 1s, stop_time: 1s, features: [pages]}
  edges:
    - {from: fast, to: slow}
  deployment:
    - {operator: fast, node: box, instances: 1}
    - {operator: slow, node: box, instances: 1}
"""

# Per-instance rates the samples below report (items/s).
RATES = {"fast": 20.0, "slow": 10.0}


def window(ctx: trident.Context, k: int, rates: dict[str, float] = RATES) -> list[trident.Sample]:
    """Window k (1 s long) of one instance each, as a chain runs: the slowest operator sets the pace (every
    operator moves the same items), the others are busy in proportion."""
    pace = min(rates.values())
    out = []
    for name, rate in rates.items():
        busy = pace / rate
        out.append(trident.Sample(window_start_ns=k * NS, window_end_ns=(k + 1) * NS, op=ctx.find_operator(name),
                                  instance=0, items_in=int(pace), items_out=int(pace), queue_start=50,
                                  queue_end=50, busy_s=busy, utilisation=busy, features=[3.0]))
    return out


@pytest.fixture
def chain() -> trident.Context:
    return trident.Context.from_yaml_string(CHAIN_YAML, observe_window_ms=1000, observe_grace_ms=0,
                                            early_step_min_ms=0, sched_interval_ms=5000, random_seed=7)


@pytest.fixture
def feed() -> Callable[[trident.Context, int], None]:
    def run(ctx: trident.Context, windows: int) -> None:
        for k in range(windows):
            ctx.observe(window(ctx, k))
    return run
