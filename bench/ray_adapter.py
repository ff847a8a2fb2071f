#!/usr/bin/env python3
"""The shape of Ray issue #65540 -- a fast upstream actor pool feeding a slower downstream one -- under Ray Data's
default autoscaler, with hand-sized pools, and with libtrident's adapter, in one run.

Upstream (2.57, 128 CPUs): 178 s by default vs 75 s with hand-set initial_size=56/70; service times 0.17 s and
0.21 s per batch.  Here the same service times (sleeps) run on fewer logical CPUs, so it fits a 2-core machine:
the hand-sized split is the issue's 56/70 scaled to the logical CPUs.  Each configuration runs in a fresh
process with a fresh local Ray.

    python3 bench/ray_adapter.py [--batches 1500] [--cpus 10] [--json]

Needs the staged package (build/<preset>/python on PYTHONPATH, TRIDENT_LIBRARY) or `pip install ./python`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def run_mode(mode: str, args: argparse.Namespace) -> dict:
    import ray
    import ray.data
    from ray.data import ActorPoolStrategy

    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False,
             object_store_memory=512 * 1024**2, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    cb = None
    if mode == "trident":
        import trident.ray
        cb = trident.ray.install(window_s=1.0, interval_s=args.interval_s)
    up_s, down_s = args.up_s, args.down_s

    class Upstream:
        def __call__(self, batch):
            time.sleep(up_s)
            return batch

    class Downstream:
        def __call__(self, batch):
            time.sleep(down_s)
            return batch

    if mode == "hand_sized":
        up, down = ActorPoolStrategy(size=args.hand[0]), ActorPoolStrategy(size=args.hand[1])
    else:  # the elastic pools: Ray's autoscaler (or libtrident) decides
        up = ActorPoolStrategy(min_size=1, max_size=args.cpus)
        down = ActorPoolStrategy(min_size=1, max_size=args.cpus)
    rows = args.batches * args.rows
    t0 = time.perf_counter()
    ds = (ray.data.from_items([{"id": i} for i in range(rows)], override_num_blocks=args.batches)
          .map_batches(Upstream, batch_size=args.rows, num_cpus=1, compute=up)
          .map_batches(Downstream, batch_size=args.rows, num_cpus=1, compute=down))
    seen = sum(len(b["id"]) for b in ds.iter_batches(batch_size=None))
    wall = time.perf_counter() - t0
    out = {"mode": mode, "wall_s": round(wall, 2), "rows": seen, "rows_expected": rows}
    if cb is not None and cb.last is not None:
        out["plans"] = cb.last.plans
        out["errors"] = cb.last.errors
    ray.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batches", type=int, default=1500, help="batches through the pipeline (default 1500)")
    ap.add_argument("--rows", type=int, default=10, help="rows per batch")
    ap.add_argument("--cpus", type=int, default=10, help="logical CPUs of the local Ray (default 10)")
    ap.add_argument("--up-s", type=float, default=0.17)
    ap.add_argument("--down-s", type=float, default=0.21)
    ap.add_argument("--hand", type=int, nargs=2, default=None,
                    help="hand-sized pools (default: the issue's 56/70 of 126 scaled to --cpus)")
    ap.add_argument("--interval-s", type=float, default=10.0,
                    help="libtrident's scheduling interval T_sched for the adapter (default 10 s)")
    ap.add_argument("--mode", choices=["default", "hand_sized", "trident"], help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    if args.hand is None:
        up = round(args.cpus * 56 / 126)
        args.hand = [up, args.cpus - up]
    if args.mode:
        print("RESULT " + json.dumps(run_mode(args.mode, args)), flush=True)
        return

    results = {}
    for mode in ("default", "hand_sized", "trident"):
        cmd = [sys.executable, __file__, "--mode", mode, "--batches", str(args.batches), "--rows", str(args.rows),
               "--cpus", str(args.cpus), "--up-s", str(args.up_s), "--down-s", str(args.down_s),
               "--hand", *map(str, args.hand), "--interval-s", str(args.interval_s)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
        if proc.returncode != 0 or line is None:
            sys.stderr.write(proc.stderr[-4000:])
            raise SystemExit(f"ray_adapter: mode {mode} failed (exit {proc.returncode})")
        results[mode] = json.loads(line[len("RESULT "):])
        if not args.json:
            print(f"{mode:>10}: {results[mode]['wall_s']:7.1f} s  ({results[mode]['rows']} rows)", flush=True)

    d, h, t = (results[m]["wall_s"] for m in ("default", "hand_sized", "trident"))
    summary = {
        "default_s": d, "hand_sized_s": h, "trident_s": t,
        "trident_vs_hand_sized": round(t / h, 3), "default_vs_hand_sized": round(d / h, 3),
        "goal_trident_within_10pct_of_hand_sized": t <= 1.10 * h,
        "all_rows_arrived": all(r["rows"] == r["rows_expected"] for r in results.values()),
        "config": {"batches": args.batches, "rows_per_batch": args.rows, "logical_cpus": args.cpus,
                   "upstream_s_per_batch": args.up_s, "downstream_s_per_batch": args.down_s,
                   "hand_sized_pools": args.hand, "elastic_pools": [1, args.cpus],
                   "trident_interval_s": args.interval_s},
        "upstream_reference": {"issue": "ray-project/ray#65540", "ray": "2.57.0", "cpus": 128,
                               "default_s": 178, "hand_sized_s": 75, "hand_sized_pools": [56, 70]},
        "trident_plans": results["trident"].get("plans", []),
        "trident_errors": results["trident"].get("errors", []),
    }
    import ray
    summary["ray_version"] = ray.__version__
    if args.json:
        print(json.dumps(summary, indent=2, allow_nan=False))
    else:
        print(f"trident / hand-sized = {summary['trident_vs_hand_sized']:.3f}; "
              f"default / hand-sized = {summary['default_vs_hand_sized']:.3f}")


if __name__ == "__main__":
    main()
