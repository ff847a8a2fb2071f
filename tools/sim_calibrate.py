#!/usr/bin/env python3
"""Fits the simulator's accelerator cost model to the measured H100 profiles and prints what it found.

    python3 tools/sim_calibrate.py [--profiles DIR] [--fixtures DIR]

Reads (never writes) ../shared/profiles/h100_operator_profiles.json and h100_llm_generation_profiles.json
(override with --profiles or $TRIDENT_PROFILES) and prints:

  1. per measured model and input regime, the fitted batch curve t(b) = max(floor, t0 + t1 b) (relative least
     squares on the batch sizes below the near-cap zone, the floor being the launch-bound plateau of the smallest
     batches), the memory line peak(b) = base + per_item b, and the error of both at every measured batch size;
  2. the near-cap slowdown (measured / fitted latency where the demand passes 84% of the cap) and the OOM rule;
  3. the `cost:` blocks of the simulated accelerator operators of examples/pipelines/*.yaml (the YAML numbers are
     copied from here), with the measured curve behind each one;
  4. with --fixtures DIR: one scenario per measured (model, regime) and expected.tsv, the fixtures of the C test
     sim_calibration (tests/sim/test_calibration.c).

Standard library only; deterministic output.
"""
import argparse
import json
import math
import os
import sys

NEAR_CAP = 0.84   # measured: R3D-18 peaked at 17020 MiB of 20270 MiB (0.84) in both slowed runs
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wls(points):
    """y = a + b x, minimising relative error (weights 1 / y^2)."""
    s = sx = sy = sxx = sxy = 0.0
    for x, y in points:
        w = 1.0 / (y * y)
        s += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y
    det = s * sxx - sx * sx
    b = (s * sxy - sx * sy) / det
    return (sy - b * sx) / s, b


def lat(fit, b):
    floor, t0, t1 = fit
    return max(floor, t0 + t1 * b)


def fit_curve(rows):
    """Best split of the batch sizes into a launch-bound plateau (the floor: median latency of the plateau)
    and a linear part; the split minimising the squared relative error over all rows wins."""
    best = None
    for k in range(0, len(rows) - 1):
        t0, t1 = wls([(r["batch"], r["lat"]) for r in rows[k:]])
        if t1 <= 0:
            continue
        plateau = sorted(r["lat"] for r in rows[:k])
        floor = plateau[len(plateau) // 2] if plateau else 0.0
        err = sum((lat((floor, t0, t1), r["batch"]) / r["lat"] - 1) ** 2 for r in rows)
        if best is None or err < best[0]:
            best = (err, (floor, t0, t1))
    return best[1]


def fit_memory(rows):
    pts = [(r["batch"], r["peak"]) for r in rows if r["batch"] >= 4] or [(r["batch"], r["peak"]) for r in rows]
    return wls(pts)


def add_row(curves, key, cap, weights, r, rate, extra=None):
    """Files one measured row under its (model, regime) curve: the OOM boundary or a point of the curve."""
    c = curves.setdefault(key, dict({"cap": cap, "weights": weights, "rows": [], "oom": None}, **(extra or {})))
    if r["oom"]:
        c["oom"] = r["batch"]
    else:
        c["rows"].append({"batch": r["batch"], "lat": r["batch_latency_s"], "peak": r["peak_mem_bytes"],
                          "rate": r[rate]})


def load(profiles):
    with open(os.path.join(profiles, "h100_operator_profiles.json")) as f:
        ops = json.load(f)
    with open(os.path.join(profiles, "h100_llm_generation_profiles.json")) as f:
        gen = json.load(f)
    curves = {}
    for r in ops["gpu"]:
        add_row(curves, (r["model"], r["regime"]), r["cap_bytes"], r["weights_bytes"], r, "items_per_s")
    for r in gen["gen"]:
        add_row(curves, (r["model"], "prompt%d" % r["prompt_tokens"]), gen["meta"]["cap_bytes"], r["weights_bytes"],
                r, "seqs_per_s", {"context": r["prompt_tokens"] + r["new_tokens"]})
    return curves


def calibrate(curves):
    """Fits every curve; marks the rows past the near-cap threshold, fits the slowdown from them."""
    ratios = []
    for key, c in sorted(curves.items()):
        cap = c["cap"]
        base_rows = [r for r in c["rows"] if r["peak"] < 0.8 * cap]
        c["fit"] = fit_curve(base_rows)
        c["mem"] = fit_memory(base_rows)
        for r in c["rows"]:
            r["demand"] = c["mem"][0] + c["mem"][1] * r["batch"]
            r["slowed"] = r["demand"] > NEAR_CAP * cap
            if r["slowed"]:
                ratios.append(r["lat"] / lat(c["fit"], r["batch"]))
    slowdown = sum(ratios) / len(ratios)
    return slowdown


def predicted(c, r, slowdown):
    t = lat(c["fit"], r["batch"]) * (slowdown if r["slowed"] else 1)
    peak = min(r["demand"], NEAR_CAP * c["cap"]) if r["slowed"] else r["demand"]
    return r["batch"] / t, peak


def oom_fraction(c):
    """The OOM rule: out of memory past the cap, except for generation, whose transient KV copies make the
    measured boundary fall below the linear peak's crossing of the cap."""
    return 0.9 if "context" in c else 1.0


def report(curves, slowdown):
    print("## 1. Fitted batch curves (t(b) = max(floor, t0 + t1 b); peak(b) = base + per_item b)\n")
    print("| model | regime | floor s | t0 s | t1 s | base MiB | per item MiB | measured OOM at | rows within 5% "
          "(items/s, peak) | worst items/s error | worst peak error |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, c in sorted(curves.items()):
        ok = worst_r = worst_m = 0.0
        n_ok = 0
        for r in c["rows"]:
            rate, peak = predicted(c, r, slowdown)
            er, em = rate / r["rate"] - 1, peak / r["peak"] - 1
            worst_r = er if abs(er) > abs(worst_r) else worst_r
            worst_m = em if abs(em) > abs(worst_m) else worst_m
            n_ok += abs(er) <= 0.05 and abs(em) <= 0.05
        floor, t0, t1 = c["fit"]
        print("| %s | %s | %.4f | %.4f | %.6f | %.0f | %.2f | %s | %d of %d | %+.1f%% | %+.1f%% |" % (
            key[0], key[1], floor, t0, t1, c["mem"][0] / 2**20, c["mem"][1] / 2**20,
            c["oom"] if c["oom"] else "none", n_ok, len(c["rows"]), 100 * worst_r, 100 * worst_m))
    print("\nNear-cap slowdown: %.2fx past %.2f of the cap (mean of the slowed rows); OOM past the cap (generation:"
          " past 0.9 of it)." % (slowdown, NEAR_CAP))


def exponent(curves, keys, feature_values, what):
    """Log-log slope of t1 (what='t1') or per-item memory (what='mem') against a feature across regimes."""
    xs = [math.log(v) for v in feature_values]
    ys = [math.log(curves[k]["fit"][2] if what == "t1" else curves[k]["mem"][1]) for k in keys]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


# The simulated operators and the measured curve behind each (docs/calibration.md explains the conversions).
# time_factor multiplies t1 (per-item compute); mem_factor the per-item memory; base the fixed memory.
SIMULATED = [
    # pipeline, operator, measured model, reference regime, feature scaling, factors
    ("pdf", "ocr_text", "gpt2_medium_gen", "prompt512", "llm", dict(time=1.0, mem=3.6, base=3.6)),
    ("pdf", "ocr_table", "gpt2_medium_gen", "prompt512", "llm", dict(time=1.0, mem=3.6, base=3.6)),
    ("pdf", "ocr_formula", "gpt2_medium_gen", "prompt512", "llm", dict(time=1.0, mem=3.6, base=3.6)),
    ("video", "aesthetic_score", "vit_b16_embed", "img224", "frames", dict(time=4.4, mem=3.5, base=2.4)),
    ("video", "text_detect", "resnet50_cls", "img448", "frames", dict(time=1.6, mem=1.3, base=1.0)),
    ("video", "caption_vlm", "gpt2_medium_gen", "prompt512", "llm", dict(time=21.0, mem=0.6, base=23.3)),
]


def cost_blocks(curves, slowdown):
    print("\n## 3. Cost blocks of the simulated accelerator operators\n")
    llm = [("gpt2_medium_gen", "prompt%d" % p) for p in (128, 512, 1024)]
    ctx = [curves[k]["context"] for k in llm]
    a_t1 = exponent(curves, llm, ctx, "t1")
    a_mem = exponent(curves, llm, ctx, "mem")
    print("# generation: t1 grows as context^%.2f, per-sequence memory as context^%.2f (prompt 128/512/1024 + 64 "
          "new tokens)" % (a_t1, a_mem))
    for pipeline, op, model, regime, kind, f in SIMULATED:
        c = curves[(model, regime)]
        floor, t0, t1 = c["fit"]
        base, per_item = c["mem"]
        print("\n# %s / %s  <-  %s %s (x%.1f compute per item, x%.1f memory per item, x%.1f base memory)" % (
            pipeline, op, model, regime, f["time"], f["mem"], f["base"]))
        print("latency: {floor: %.3gs, t0: %.3gs, t1: %.4gs}" % (floor, t0, t1 * f["time"]))
        print("memory: {base: %.4gGB, per_item: %.4gMB, oom_at: %.2g}" % (
            base * f["base"] / 1e9, per_item * f["mem"] / 1e6, oom_fraction(c)))
        if kind == "llm":
            print("scale: [{feature: context_tokens, ref: %d, exponent: %.2f}]" % (c["context"], a_t1))
            print("memory_scale: [{feature: context_tokens, ref: %d, exponent: %.2f}]" % (c["context"], a_mem))
            print("steps: [{feature: output_tokens, ref: 64}]")
        print("near_cap: {from: %.2f, slowdown: %.2f}" % (NEAR_CAP, slowdown))


FIXTURE = """# Generated by tools/sim_calibrate.py --fixtures: the measured %(model)s (%(regime)s) alone on one H100 under
# the profile's memory cap, batch size from the test's policy.  Do not edit; regenerate.
cluster:
  nodes:
    - {name: h100, cpus: 16, memory: 64GiB, gpus: 1, gpu_memory: 85017493504}
pipeline:
  operators:
    - {name: source, cpus: 1, memory: 1GiB, max_instances: 1}
    - name: model
      cpus: 1
      memory: 4GiB
      gpus: 1
      gpu_memory: %(cap)d
      knobs:
        - {name: batch_size, type: int, min: 1, max: 4096, default: 1, memory_monotone: true}
  edges:
    - {from: source, to: model}
simulation:
  window: 5s
  queue_partitions: 16
  max_time: 600s
  workload:
    items: %(items)d
    regimes:
      - {name: %(regime)s, features: {items_per_source: %(fanout)d}}
  operators:
    source: {fanout: items_per_source, cost: {cpu: {per_item: 0s}}}
    model:
      cost:
        accelerator:
          batch_knob: batch_size
          latency: {floor: %(floor).17gs, t0: %(t0).17gs, t1: %(t1).17gs}
          memory: {base: %(base).17g, per_item: %(per_item).17g, oom_at: %(oom).17g}
          near_cap: {from: %(near).17g, slowdown: %(slowdown).17g}
"""


def fixtures(curves, slowdown, out):
    os.makedirs(out, exist_ok=True)
    lines = ["# scenario\tbatch\tmeasured_items_per_s\tmeasured_peak_bytes\toom\tfit_within_5pct"]
    for key, c in sorted(curves.items()):
        name = "%s_%s" % key
        floor, t0, t1 = c["fit"]
        with open(os.path.join(out, name + ".yaml"), "w") as f:
            f.write(FIXTURE % dict(model=key[0], regime=key[1], cap=c["cap"], items=4, fanout=256,
                                   floor=floor, t0=t0, t1=t1, base=c["mem"][0], per_item=c["mem"][1],
                                   oom=oom_fraction(c), near=NEAR_CAP, slowdown=slowdown))
        for r in c["rows"]:
            rate, peak = predicted(c, r, slowdown)
            ok = abs(rate / r["rate"] - 1) <= 0.05 and abs(peak / r["peak"] - 1) <= 0.05
            lines.append("%s\t%d\t%.6g\t%d\t0\t%d" % (name, r["batch"], r["rate"], r["peak"], ok))
        if c["oom"]:
            lines.append("%s\t%d\t0\t0\t1\t1" % (name, c["oom"]))
    with open(os.path.join(out, "expected.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profiles", default=os.environ.get("TRIDENT_PROFILES",
                                                         os.path.join(ROOT, "..", "shared", "profiles")))
    ap.add_argument("--fixtures", help="write the calibration test's scenarios and expected.tsv here")
    args = ap.parse_args()
    curves = load(args.profiles)
    slowdown = calibrate(curves)
    report(curves, slowdown)
    cost_blocks(curves, slowdown)
    if args.fixtures:
        fixtures(curves, slowdown, args.fixtures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
