"""Parameters as keyword arguments and properties, from the library's own table."""
from __future__ import annotations

import pytest

import trident


def test_table_comes_from_the_library() -> None:
    p = trident.PARAMS
    assert len(p) >= 40
    assert p["ingest_capacity"] == trident.ParamInfo("ingest_capacity", 100, int, 16, 4194304, 65536)
    assert p["min_gain"].type is float and p["min_gain"].default == pytest.approx(0.05)


def test_keywords_and_properties() -> None:
    ctx = trident.Context(observe_window_ms=2500, min_gain=0.1)
    assert ctx.observe_window_ms == 2500 and isinstance(ctx.observe_window_ms, int)
    assert ctx.min_gain == pytest.approx(0.1)
    ctx.ingest_capacity = 128
    assert ctx.get_param("ingest_capacity") == 128
    assert ctx.ingest_stats().capacity == 128
    defaults = trident.Context().params()
    assert defaults == {name: info.default for name, info in trident.PARAMS.items()}


def test_out_of_range_and_wrong_types() -> None:
    ctx = trident.Context()
    with pytest.raises(trident.OutOfRange, match="ingest_capacity|100"):
        ctx.ingest_capacity = 3
    assert ctx.ingest_capacity == 65536  # a failing set changes nothing
    with pytest.raises(trident.InvalidArgument):
        ctx.min_gain = float("nan")
    with pytest.raises(TypeError, match="unknown parameter 'no_such'"):
        trident.Context(no_such=1)
    with pytest.raises(TypeError, match="integer"):
        ctx.observe_window_ms = 1.5
    with pytest.raises(TypeError):
        ctx.min_gain = "0.1"  # type: ignore[assignment]
