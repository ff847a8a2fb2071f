#!/usr/bin/env python3
"""e2e_table.py SUMMARY_JSON OUT_DIR [COMMAND] -- the end-to-end table from `trident-sim compare`'s summary.json:
per scenario and policy the throughput relative to static (computed per seed, since every policy meets the same
items, then mean, standard deviation, min and max over seeds), the fraction of the oracle, the share of full
trident, OOMs and reconfigurations, next to the Trident paper's figures.  Writes OUT_DIR/e2e.md and e2e.json.
Standard library only."""
import json
import math
import sys

# The Trident paper (arXiv 2603.02075; research/trident.md 6.4): RQ1 Figure 2 and RQ2 Table 2 relative to
# static; RQ5 Figure 3 as a share of full Trident.  Keys: (scenario, policy).
PAPER_VS_STATIC = {
    "static": (1.00, 1.00), "ds2": (0.87, 0.79), "conttune": (1.04, 0.96), "raydata": (1.12, 1.18),
    "scoot": (1.21, 1.17), "trident": (2.01, 1.88), "trident-all-at-once": (1.92, 1.79),
}
PAPER_OF_TRIDENT = {
    "trident": (100.0, 100.0), "trident-no-observe": (66.5, 60.9), "trident-no-adapt": (79.6, 78.1),
    "trident-no-placement": (90.5, 84.0), "trident-all-at-once": (95.5, 95.2),
}
SCENARIO_COLUMN = {"pdf": 0, "video": 1}


def stats(values):
    v = [x for x in values if x is not None and math.isfinite(x)]
    if not v:
        return None
    mean = sum(v) / len(v)
    sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    return {"mean": mean, "sd": sd, "min": min(v), "max": max(v), "per_seed": v}


def paper(table, scenario, policy):
    col = SCENARIO_COLUMN.get(scenario)
    row = table.get(policy)
    return None if col is None or row is None else row[col]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        summary = json.load(f)
    out_dir = sys.argv[2]
    command = sys.argv[3] if len(sys.argv) > 3 else "bench/e2e.sh"
    doc = {"command": command, "scenarios": {}}
    md = ["# End-to-end comparison (simulated)", "",
          "Throughput relative to `static`, computed per seed (every policy meets the same items) then summarised over",
          "seeds: mean, standard deviation and min-max.  `of oracle` is the same ratio against the oracle (true cost model,",
          "free instant switching); `of trident` compares with the full trident policy.  The paper's figures (Trident,",
          "arXiv 2603.02075: Figure 2, Table 2, Figure 3) are next to ours; they come from an 8-node Ascend cluster, ours",
          "from the simulator (docs/simulator.md), so compare the ordering and the gaps, not the digits.", ""]
    for name, sc in summary["scenarios"].items():
        pols = sc["policies"]

        def per_seed(policy):
            runs = pols[policy]["runs"] if policy in pols else []
            return {r["seed"]: r["throughput_per_s"] for r in runs}
        base, oracle, full = per_seed("static"), per_seed("oracle"), per_seed("trident")
        rows = {}
        for policy, p in pols.items():
            mine = per_seed(policy)

            def ratio(ref):
                return stats([mine[s] / ref[s] for s in mine if s in ref and ref[s] > 0])
            rows[policy] = {
                "throughput_per_s": stats(list(mine.values())),
                "vs_static": ratio(base),
                "of_oracle": ratio(oracle),
                "of_trident": ratio(full),
                "ooms": stats([r["ooms"] for r in p["runs"]]),
                "reconfigurations": stats([r["reconfigurations"] for r in p["runs"]]),
                "finished": p["finished"],
                "paper_vs_static": paper(PAPER_VS_STATIC, name, policy),
                "paper_of_trident_pct": paper(PAPER_OF_TRIDENT, name, policy),
            }
        doc["scenarios"][name] = {"items": sc["items"], "seeds": sc["seeds"], "regimes": sc["regimes"],
                                  "policies": rows}
        md += [f"## {name}: {sc['items']} source items, regimes {' -> '.join(sc['regimes'])}, "
               f"seeds {', '.join(str(s) for s in sc['seeds'])}", "",
               "| policy | vs static (mean) | sd | min-max | paper | of oracle | of trident | paper | items/s | OOMs | "
               "reconfigurations |",
               "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]

        def f(x, fmt="{:.2f}"):
            return "-" if x is None else fmt.format(x)
        for policy, r in rows.items():
            vs, oo, ot = r["vs_static"], r["of_oracle"], r["of_trident"]
            md.append("| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                policy, "" if r["finished"] else " (unfinished)",
                f(vs and vs["mean"]), f(vs and vs["sd"]),
                "-" if not vs else f"{vs['min']:.2f}-{vs['max']:.2f}",
                f(r["paper_vs_static"]),
                f(oo and oo["mean"]), f(ot and 100 * ot["mean"], "{:.1f}%"),
                f(r["paper_of_trident_pct"], "{:.1f}%"),
                f(r["throughput_per_s"] and r["throughput_per_s"]["mean"], "{:.4g}"),
                f(r["ooms"] and r["ooms"]["mean"], "{:.1f}"),
                f(r["reconfigurations"] and r["reconfigurations"]["mean"], "{:.1f}")))
        md += ["", f"![throughput over time, {name}](e2e_throughput_{name}.png)", ""]
    md += [f"Produced by `{command}`.", ""]
    with open(f"{out_dir}/e2e.json", "w") as fp:
        json.dump(doc, fp, indent=1, sort_keys=False)
        fp.write("\n")
    with open(f"{out_dir}/e2e.md", "w") as fp:
        fp.write("\n".join(md))


if __name__ == "__main__":
    main()
