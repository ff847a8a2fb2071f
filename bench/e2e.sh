#!/usr/bin/env bash
# bench/e2e.sh -- the paper's end-to-end comparison (RQ1 Figure 2, RQ2 Table 2, RQ5 Figure 3) on the simulator:
# every baseline, trident, its all-at-once variant and its ablations, the static baseline and the oracle, on both
# bundled pipelines and five seeds.  Writes bench/results/e2e.md, e2e.json and the throughput-over-time PNGs.
#
#   bench/e2e.sh                       # the full run (release build; about 10 minutes on two cores)
#   bench/e2e.sh --seeds 1 --items 600 --out DIR --sim build/dev/sim/trident-sim --no-plot   # a smoke run (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

SIM=build/release/sim/trident-sim
OUT=bench/results
SEEDS=1-5
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --sim) SIM=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --seeds) SEEDS=$2; shift 2 ;;
        --items) EXTRA+=(--items "$2"); shift 2 ;;
        --no-plot) EXTRA+=(--no-plot); shift ;;
        *) echo "bench/e2e.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
POLICIES=static,raydata,ds2,conttune,scoot,xenna,trident,trident-all-at-once,trident-no-observe,trident-no-adapt,trident-no-placement,oracle
RAW="$OUT/e2e-raw"
mkdir -p "$OUT"
"$SIM" compare examples/pipelines/pdf.yaml examples/pipelines/video.yaml --policies "$POLICIES" --seeds "$SEEDS" \
    --out "$RAW" --no-timing "${EXTRA[@]}"
"${PYTHON:-python3}" bench/e2e_table.py "$RAW/summary.json" "$OUT" \
    "bench/e2e.sh --seeds $SEEDS${EXTRA:+ ${EXTRA[*]}}"
for png in "$RAW"/throughput_*.png; do
    [ -e "$png" ] && cp "$png" "$OUT/e2e_$(basename "$png")"
done
rm -rf "$RAW"
# Every policy has its row for both pipelines.
for p in ${POLICIES//,/ }; do
    n=$(grep -c "^| $p |" "$OUT/e2e.md" || true)
    if [ "$n" != 2 ]; then
        echo "bench/e2e.sh: policy $p has $n rows in $OUT/e2e.md (want 2, finished)" >&2
        exit 1
    fi
done
echo "bench/e2e.sh: wrote $OUT/e2e.md, $OUT/e2e.json"
