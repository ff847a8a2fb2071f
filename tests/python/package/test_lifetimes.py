"""Lifetimes: plans outlive their context, closing is idempotent, and interpreter exit never crashes whatever
order the garbage collector picks."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import CHAIN_YAML, NS

import trident


def test_plan_outlives_its_context(chain: trident.Context, feed) -> None:
    feed(chain, 12)
    plan = chain.poll(13 * NS)
    assert plan is not None
    chain.close()
    del chain
    gc.collect()
    assert plan.instances() == {"fast": 3, "slow": 5}
    assert plan.to_dict()["id"] == 1  # the C plan is read after its context was freed


def test_closed_context_raises_and_close_is_idempotent(chain: trident.Context) -> None:
    with chain:
        assert chain.operators == ["fast", "slow"]
    chain.close()
    with pytest.raises(trident.StateError, match="closed"):
        chain.poll(0)
    with pytest.raises(trident.StateError):
        _ = chain.min_gain


def test_interpreter_exit_with_live_objects_in_a_subprocess() -> None:
    """Contexts, plans, cycles and a logger callback alive at exit: module teardown must not crash."""
    code = textwrap.dedent(f"""
        import trident, gc
        from test_helpers_exit import run
        run({CHAIN_YAML!r})
    """)
    helper = textwrap.dedent("""
        import trident
        NS = 10**9
        KEEP = []
        def run(yaml):
            for k in range(4):
                ctx = trident.Context.from_yaml_string(yaml, observe_window_ms=1000, observe_grace_ms=0,
                                                       early_step_min_ms=0)
                ctx.set_logger(lambda *a: None, level=4)
                rates = {"fast": 20.0, "slow": 10.0}
                plan = ctx.plan_with_rates(rates)
                cycle = {"ctx": ctx, "plan": plan}
                cycle["self"] = cycle
                KEEP.append(cycle)
            print("ok", len(KEEP))
    """)
    env = dict(os.environ)
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "test_helpers_exit.py"), "w") as f:
            f.write(helper)
        env["PYTHONPATH"] = d + os.pathsep + env.get("PYTHONPATH", "")
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok 4"
    assert r.stderr == ""


def test_logger_receives_messages() -> None:
    seen: list[tuple[int, str, str]] = []
    ctx = trident.Context()
    ctx.set_logger(lambda lv, comp, msg: seen.append((lv, comp, msg)), level=4)
    ctx.load_yaml_string(CHAIN_YAML)
    assert any("commit" in m or "load" in m for _, _, m in seen), seen
    n = len(seen)
    ctx.set_logger(level=0)
    ctx.load_yaml_string(CHAIN_YAML)
    assert len(seen) == n
