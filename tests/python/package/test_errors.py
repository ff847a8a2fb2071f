"""Status codes become typed exceptions carrying the context's message."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHAIN_YAML

import trident


def test_exception_hierarchy() -> None:
    assert issubclass(trident.InvalidArgument, ValueError)
    assert issubclass(trident.NotFound, KeyError)
    assert issubclass(trident.NoMemory, MemoryError)
    assert issubclass(trident.TridentIOError, OSError)
    assert issubclass(trident.Infeasible, trident.SolverError)
    for cls in (trident.InvalidArgument, trident.NotFound, trident.SolverError, trident.StalePlan):
        assert issubclass(cls, trident.TridentError)


def test_parse_error_carries_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CHAIN_YAML.replace("{name: box, cpus: 8,", "{name: box, cpu: 8,"))
    with pytest.raises(trident.ParseError) as info:
        trident.Context.from_yaml(bad)
    assert f"{bad}:4:" in str(info.value)
    assert "unknown key 'cpu'" in str(info.value)
    assert info.value.status == -7 and info.value.status_name == "TRD_E_PARSE"


def test_io_error_and_failed_load_changes_nothing(chain: trident.Context, tmp_path: Path) -> None:
    epoch = chain.model_epoch
    with pytest.raises(trident.TridentIOError, match="missing.yaml"):
        chain.load_yaml(tmp_path / "missing.yaml")
    with pytest.raises(trident.ParseError):
        chain.load_yaml_string("pipeline: [")
    assert chain.model_epoch == epoch
    assert chain.operators == ["fast", "slow"]


def test_not_found_is_a_key_error_with_the_message(chain: trident.Context) -> None:
    with pytest.raises(KeyError) as info:
        chain.find_operator("ocr")
    assert str(info.value) == "find_operator: no operator named 'ocr' (TRD_E_NOT_FOUND)"


def test_state_error_before_a_model() -> None:
    ctx = trident.Context()
    with pytest.raises(trident.StateError, match="no committed model|committed"):
        ctx.observe([(0, 1, 0)])
    with pytest.raises(trident.StateError):
        ctx.poll(0)


def test_invalid_model_names_the_problem() -> None:
    ctx = trident.Context()
    n = ctx.add_node("box", cpus=2, memory_bytes=2**30)
    ctx.add_operator("big", cpus=8, memory_bytes=2**20)
    with pytest.raises(trident.InvalidModel, match="big"):
        ctx.commit()
    # The staged edits stay for correction.
    ctx.add_node("bigger", cpus=16, memory_bytes=2**32)
    assert ctx.commit() == 1
    assert ctx.nodes == ["box", "bigger"] and n == 0


def test_infeasible_is_a_solver_error() -> None:
    yaml = CHAIN_YAML.replace("- {name: fast, cpus: 1,", "- {name: fast, min_instances: 6, cpus: 1,") \
                     .replace("- {name: slow, cpus: 1,", "- {name: slow, min_instances: 6, cpus: 1,")
    with pytest.raises(trident.InvalidModel, match="minimum"):
        trident.Context.from_yaml_string(yaml)


def test_last_error_keeps_the_message(chain: trident.Context) -> None:
    with pytest.raises(trident.InvalidArgument):
        chain.observe([dict(window_start_ns=5, window_end_ns=5, op=0, features=[1.0])])
    assert "sample[0]" in chain.last_error
