"""Eight threads on one Context: observers, a poller and readers.  cffi releases the GIL inside every call, so
without the Context's lock they would overlap inside the library."""
from __future__ import annotations

import threading

from conftest import NS

import trident


def test_eight_threads_on_one_context(chain: trident.Context) -> None:
    fast, slow = chain.find_operator("fast"), chain.find_operator("slow")
    per_thread, batch = 200, 16
    errors: list[BaseException] = []
    plans: list[trident.Plan] = []
    start = threading.Barrier(8)

    def observer(t: int) -> None:
        try:
            start.wait()
            for k in range(per_thread):
                chain.observe([trident.Sample(window_start_ns=k * NS // 10, window_end_ns=(k + 1) * NS // 10,
                                              op=slow if i % 2 else fast, instance=t * batch + i, items_in=1,
                                              items_out=1, busy_s=0.05, utilisation=0.5, queue_start=5,
                                              queue_end=5, features=[3.0]) for i in range(batch)])
                if k % 50 == 0:  # a bad batch now and then: the error must be this thread's own
                    try:
                        chain.observe([dict(window_start_ns=1, window_end_ns=1, op=fast, features=[1.0])])
                    except trident.InvalidArgument as e:
                        assert "window_end_ns" in str(e), str(e)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def poller() -> None:
        try:
            start.wait()
            for k in range(100):
                p = chain.poll(k * NS // 4)
                if p is not None:
                    plans.append(p)
                    chain.report_outcome(p, trident.Outcome.APPLIED, k * NS // 4)
                chain.step_info()
                chain.deployment()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=observer, args=(t,)) for t in range(7)] + [threading.Thread(target=poller)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors
    stats = chain.ingest_stats()
    assert stats.accepted == 7 * per_thread * batch
    assert stats.rejected == 7 * 4  # one bad 1-sample batch every 50 of each thread's 200
    assert stats.dropped == 0
