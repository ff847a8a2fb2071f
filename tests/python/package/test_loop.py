"""observe -> poll -> plan -> outcome round trips, in every input form observe takes."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import NS, window

import trident


def test_poll_plans_the_balanced_split(chain: trident.Context, feed) -> None:
    feed(chain, 12)
    assert chain.estimate("fast").items_per_s == pytest.approx(20.0, rel=1e-6)
    assert chain.estimate("slow").items_per_s == pytest.approx(10.0, rel=1e-3)
    plan = chain.poll(13 * NS)
    assert plan is not None
    # 8 cores, fast 20/s and slow 10/s per instance: 3 + 5 instances carry 50 items/s, the best integer split.
    assert plan.instances() == {"fast": 3, "slow": 5}
    assert plan.predicted_throughput == pytest.approx(50.0, rel=1e-6)
    assert plan.bottleneck_name == "slow"
    assert plan.solve_status == trident.SolveStatus.OPTIMAL
    assert {(a.kind, a.op_name, a.count) for a in plan.actions} == {
        (trident.ActionKind.START, "fast", 2), (trident.ActionKind.START, "slow", 4)}
    d = plan.to_dict()
    assert d["id"] == plan.id == 1
    assert "bottleneck 'slow'" in d["reason"] and plan.reason == d["reason"]
    assert [a["count"] for a in d["python_actions"]] == [a.count for a in plan.actions]
    assert chain.step_info().outstanding_plan == plan.id

    # No second plan while the first is outstanding; the outcome makes the targets live.
    assert chain.poll(14 * NS) is None
    chain.report_outcome(plan, trident.Outcome.APPLIED, 14 * NS)
    live = {t.op_name: t.instances for t in chain.deployment()}
    assert live == {"fast": 3, "slow": 5}
    with pytest.raises(trident.StalePlan, match="not outstanding|outcome"):
        chain.report_outcome(plan, trident.Outcome.APPLIED, 15 * NS)


def test_events_change_the_live_deployment(chain: trident.Context) -> None:
    slow = chain.find_operator("slow")
    chain.report_event(kind=trident.EventKind.INSTANCE_UP, op=slow, count=2, time_ns=NS)
    assert {t.op_name: t.instances for t in chain.deployment()} == {"fast": 1, "slow": 3}
    chain.report_event(trident.Event(trident.EventKind.INSTANCE_DOWN, op=slow, count=3, time_ns=2 * NS))
    assert {t.op_name: t.instances for t in chain.deployment()} == {"fast": 1}
    with pytest.raises(trident.OutOfRange):
        chain.report_event(kind=trident.EventKind.INSTANCE_DOWN, op=slow, count=1, time_ns=3 * NS)


def test_observe_takes_tuples_dicts_and_samples(chain: trident.Context) -> None:
    fast = chain.find_operator("fast")
    as_tuple = (0, NS, fast, 0, 0, 1, 10, 10, 0, 0, 5, 5, 0, 0, 0.5, 0.5, (3.0,))
    as_dict = dict(window_start_ns=0, window_end_ns=NS, op=fast, instance=1, items_in=10, busy_s=0.5,
                   utilisation=0.5, features=[3.0])
    assert chain.observe([as_tuple, as_dict, window(chain, 0)[0]]) == 3
    assert chain.observe([]) == 0
    stats = chain.ingest_stats()
    assert (stats.accepted, stats.rejected, stats.buffered) == (3, 0, 3)


def test_observe_numpy_structured_array_without_copy(chain: trident.Context) -> None:
    dt = trident.sample_dtype()
    assert dt.itemsize == 184 and dt.fields["features"][1] == 120
    arr = np.zeros(64, dtype=dt)
    arr["window_end_ns"] = NS
    arr["op"] = chain.find_operator("slow")
    arr["instance"] = np.arange(64)
    arr["active_instances"] = 1
    arr["items_in"] = 10
    arr["busy_s"] = 1.0
    arr["utilisation"] = 1.0
    arr["n_features"] = 1
    arr["features"][:, 0] = 3.0
    assert chain.observe(arr) == 64
    # The library reads the array in place: an error names the index a bad row has in it.
    arr["utilisation"][41] = 2.0
    with pytest.raises(trident.InvalidArgument, match=r"sample\[41\]"):
        chain.observe(arr)
    # A strided view is accepted too (the one case that copies).
    arr["utilisation"][41] = 1.0
    assert chain.observe(arr[::2]) == 32
    assert chain.ingest_stats().accepted == 96
    with pytest.raises(TypeError, match="sample_dtype"):
        chain.observe(np.zeros(3, dtype=np.float64))


def test_estimate_at_given_features_and_unknown_operator(chain: trident.Context, feed) -> None:
    feed(chain, 12)
    e = chain.estimate("slow", features=[3.0])
    assert e.source == trident.EstimateSource.GP and e.items_per_s == pytest.approx(10.0, rel=1e-3)
    assert e.points >= 8
    with pytest.raises(trident.NotFound):
        chain.estimate(99)
    with pytest.raises(trident.InvalidArgument):
        chain.estimate("slow", features=[1.0, 2.0])  # the operator has one feature


def test_a_growing_backlog_is_not_mistaken_for_a_filter(chain: trident.Context) -> None:
    """A fast producer (20 items/s, fully busy) ahead of a slow consumer (10 items/s): the consumer takes 10 items
    a second while its queue grows by 10.  What arrived (taken + queue growth) is all the producer emitted, so the
    edge's share stays 1 and the plan is the balanced split -- not the 4/4 a share of 0.5 would give."""
    fast, slow = chain.find_operator("fast"), chain.find_operator("slow")
    for k in range(12):
        chain.observe([
            trident.Sample(window_start_ns=k * NS, window_end_ns=(k + 1) * NS, op=fast, items_in=20, items_out=20,
                           queue_start=1000, queue_end=1000, busy_s=1.0, utilisation=1.0, features=[3.0]),
            trident.Sample(window_start_ns=k * NS, window_end_ns=(k + 1) * NS, op=slow, items_in=10, items_out=10,
                           queue_start=10 * k, queue_end=10 * (k + 1), busy_s=1.0, utilisation=1.0,
                           features=[3.0])])
    chain.observe_queue_slope = 100.0  # keep the backlog windows: this test is about flows, not filtering
    plan = chain.poll(13 * NS)
    assert plan is not None
    assert plan.instances() == {"fast": 3, "slow": 5}
    assert plan.bottleneck_name == "slow"
