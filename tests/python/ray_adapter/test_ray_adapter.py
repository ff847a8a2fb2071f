"""The Ray Data adapter on a local Ray with logical CPUs and GPUs (no GPU needed): a small pipeline runs with the
adapter, its plans are applied (actor pools take the planned sizes, the UDF sees the config's knobs), and every
row arrives.  Ray is a test requirement: a missing Ray fails here, it is not skipped."""
from __future__ import annotations

import os
import time

import pytest
import ray  # noqa: F401 - a missing Ray must fail the test run
import ray.data
from ray.data import ActorPoolStrategy

import trident.ray
from trident.ray import _ray_internals

ROWS, BLOCKS = 1200, 120


@pytest.fixture(scope="module")
def local_ray():
    # Ray's workers unpickle the UDFs below by importing this module: put it on their path.
    here = os.path.dirname(os.path.abspath(__file__))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
    ray.init(num_cpus=4, num_gpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=256 * 1024**2, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    yield ctx
    trident.ray.uninstall()
    ray.shutdown()


def tokenize(batch):  # a CPU task stage doing a little real work
    batch["tokens"] = [len(str(x) * 50) for x in batch["id"]]
    return batch


class FakeGpuModel:
    """An accelerator stage stood in by a sleep, on a logical GPU; it records the knob the plan's config gives."""

    def __call__(self, batch):
        knobs = trident.ray.knobs()
        time.sleep(0.12)
        batch["micro_batch"] = [knobs.get("micro_batch", -1)] * len(batch["id"])
        return batch


class Writer:
    def __call__(self, batch):
        time.sleep(0.01)
        return batch


def test_version_is_pinned_and_checked(monkeypatch) -> None:
    assert trident.ray.RAY_VERSION == ray.__version__ == "2.60.0"
    monkeypatch.setattr(_ray_internals, "ray_version", lambda: "2.61.0")
    with pytest.raises(RuntimeError, match="supports ray 2.60.0"):
        trident.ray.install()


def test_environment_variable_registration(monkeypatch) -> None:
    monkeypatch.setenv("RAY_DATA_EXECUTION_CALLBACKS", "trident.ray.TridentCallback")
    assert trident.ray.TridentCallback in ray.data.DataContext.get_current().execution_callback_classes


def test_pipeline_with_the_adapter(local_ray) -> None:
    trident.ray.install(window_s=0.5, interval_s=2.0, early_step_s=0.0,
                        knobs={"MapBatches(FakeGpuModel)": {"micro_batch": (1, 64, 8)}})
    ds = (ray.data.from_items([{"id": i} for i in range(ROWS)], override_num_blocks=BLOCKS)
          .map_batches(tokenize, batch_size=10, num_cpus=0.5)
          .map_batches(FakeGpuModel, batch_size=10, num_gpus=1, num_cpus=0,
                       compute=ActorPoolStrategy(min_size=1, max_size=2, enable_true_multi_threading=True))
          .map_batches(Writer, batch_size=10, num_cpus=0.5, compute=ActorPoolStrategy(min_size=1, max_size=2)))
    ids, knobs = [], set()
    for batch in ds.iter_batches(batch_size=None):
        ids.extend(int(x) for x in batch["id"])
        knobs.update(int(x) for x in batch["micro_batch"])
    cb = trident.ray.TridentCallback.last
    assert cb is not None
    assert cb.errors == []
    # Every row arrived, once.
    assert sorted(ids) == list(range(ROWS))
    # The UDF read the knob of its operator's config through TaskContext (config 0: the default, 8).
    assert knobs == {8}
    # Plans were made and applied: the model has the three map operators, the GPU stage (the bottleneck) was
    # planned at its two logical GPUs, and its pool took that size.
    assert len(cb.ops) == 3
    assert cb.plans, "no plan was applied"
    gpu = next(name for name in cb.plans[0]["instances"] if "FakeGpuModel" in name)
    planned = [p for p in cb.plans if p["instances"][gpu] == 2]
    assert planned, cb.plans
    after = [sizes[gpu] for t, sizes in cb.pool_sizes if t > planned[0]["t_s"] and gpu in sizes]
    assert 2 in after, (planned[0], cb.pool_sizes)
    assert all(1 <= p["instances"][gpu] <= 2 for p in cb.plans)
    assert os.environ.get("RAY_DATA_EXECUTION_CALLBACKS") is None


def test_placement_follows_the_plan_targets() -> None:
    """On a multi-node cluster each new actor gets soft affinity to a machine the plan put an instance on, in
    turn (the CI cluster has one node, so this checks the hook itself)."""
    cb = trident.ray.TridentCallback()
    a, b = "a" * 56, "b" * 56  # Ray node ids are 28 bytes in hex
    cb.placement = {"op": [a, b, b]}
    fn = cb._placement_fn("op")
    got = [fn()["scheduling_strategy"] for _ in range(6)]
    assert sorted(s.node_id for s in got) == [a] * 2 + [b] * 4
    assert all(s.soft for s in got)
    assert cb._placement_fn("other")() == {}
