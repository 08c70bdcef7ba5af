#!/usr/bin/env bash
# The sweep's parallel speed-up (issue 12): 4 variants × 50 seeds of a 400-pod scenario
# (benches/workloads/w4-sweep.yaml at 400 completions), RUNS times (default 5) with
# RAYON_NUM_THREADS=1 and RUNS times with =2, alternating; prints the median wall times,
# their ratio, and whether sweep.csv and aggregate.csv came out byte-identical.
#   benches/sweep-speedup.sh
#   RUNS=7 benches/sweep-speedup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
cargo build --release --locked --quiet
bin=target/release/jobsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(sweep benches/workloads/w4-sweep.yaml --set job/w4.spec.completions=400
  --vary job/w4.spec.parallelism=25,50,100,200 --seeds 50 --quiet)
echo "jobsim $("$bin" --version | cut -d' ' -f2), $(nproc) CPUs, $runs runs each:" \
  "jobsim ${args[*]}"
for i in $(seq 1 "$runs"); do
  for t in 1 2; do
    s=$(date +%s.%N)
    RAYON_NUM_THREADS=$t "$bin" "${args[@]}" --out "$work/t$t"
    e=$(date +%s.%N)
    echo "$t $(echo "$e - $s" | bc)" >> "$work/times"
    printf '  run %s, %s thread(s): %.3fs wall\n' "$i" "$t" "$(echo "$e - $s" | bc)"
  done
done
python3 - "$work/times" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    t, s = line.split()
    times.setdefault(t, []).append(float(s))
one, two = statistics.median(times["1"]), statistics.median(times["2"])
print(f"medians: 1 thread {one:.3f}s, 2 threads {two:.3f}s, speed-up {one / two:.2f}x")
PY
if cmp -s "$work/t1/sweep.csv" "$work/t2/sweep.csv" && cmp -s "$work/t1/aggregate.csv" "$work/t2/aggregate.csv"; then
  echo "sweep.csv and aggregate.csv: identical at 1 and 2 threads"
else
  echo "sweep.csv or aggregate.csv DIFFER between 1 and 2 threads" >&2
  exit 1
fi
