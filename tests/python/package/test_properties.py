"""Property tests: random inputs never crash the process, and every failure is a typed exception."""
from __future__ import annotations

import math

from conftest import CHAIN_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trident

SETTINGS = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
# Values no C field can hold are refused by cffi itself (OverflowError, TypeError) before the library sees them.
EXPECTED = (trident.TridentError, OverflowError, TypeError)

u64 = st.integers(min_value=-5, max_value=2**64 + 5)
u32 = st.integers(min_value=-5, max_value=2**32 + 5)
real = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**6))
sample = st.fixed_dictionaries({
    "window_start_ns": u64, "window_end_ns": u64, "op": u32, "instance": u32, "config": u32,
    "active_instances": u32, "items_in": u64, "items_out": u64, "queue_start": u64, "queue_end": u64,
    "busy_s": real, "utilisation": real, "features": st.lists(real, max_size=9)})

CTX = trident.Context.from_yaml_string(CHAIN_YAML)


@SETTINGS
@given(st.lists(sample, max_size=5))
def test_random_samples(batch: list[dict]) -> None:
    before = CTX.ingest_stats()
    try:
        n = CTX.observe(batch)
    except EXPECTED as e:
        after = CTX.ingest_stats()
        assert after.accepted == before.accepted  # all-or-nothing
        if isinstance(e, trident.InvalidArgument):
            assert str(e).startswith("observe: sample[")
        return
    assert CTX.ingest_stats().accepted == before.accepted + n


@SETTINGS
@given(st.sampled_from(sorted(trident.PARAMS)), real)
def test_random_parameters(name: str, value: float) -> None:
    ctx = trident.Context()
    info = trident.PARAMS[name]
    try:
        ctx.set_param(name, value)
    except EXPECTED as e:
        assert ctx.get_param(name) == info.default
        ok = isinstance(value, (int, float)) and not (isinstance(value, float) and not math.isfinite(value))
        if isinstance(e, trident.OutOfRange):
            assert ok and not (info.min <= value <= info.max)
        return
    assert info.min <= ctx.get_param(name) <= info.max


@SETTINGS
@given(st.text(max_size=300) | st.sampled_from([CHAIN_YAML[:n] for n in range(0, len(CHAIN_YAML), 7)]))
def test_random_yaml(text: str) -> None:
    ctx = trident.Context()
    try:
        ctx.load_yaml_string(text)
    except EXPECTED as e:
        assert isinstance(e, (trident.ParseError, trident.InvalidModel, trident.LimitExceeded)), e
        assert ctx.model_epoch == 0
        return
    assert ctx.model_epoch == 1


@SETTINGS
@given(st.integers(0, 2**64 - 1), st.sampled_from(list(trident.EventKind)), u32, u32, u32)
def test_random_events_and_polls(now: int, kind: trident.EventKind, op: int, count: int, config: int) -> None:
    ctx = trident.Context.from_yaml_string(CHAIN_YAML)
    try:
        ctx.report_event(kind=kind, op=op, count=count, config=config, time_ns=now)
    except EXPECTED:
        pass
    try:
        ctx.poll(now)
    except (trident.StateError, trident.SolverError, trident.LimitExceeded):
        pass
    try:
        ctx.report_outcome(now % 4, now % 5, now)
    except EXPECTED as e:
        assert isinstance(e, (trident.NotFound, trident.InvalidArgument, trident.StalePlan)), e
