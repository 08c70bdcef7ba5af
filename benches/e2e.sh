#!/usr/bin/env bash
# End-to-end benchmark of `jobsim run` on the issue's workloads, every record written and
# charts off (--no-charts): W1 (benches/workloads/w1-million-pods.yaml), W2
# (benches/workloads/w2-ten-thousand-nodes.yaml) and W3 (scenarios/bench/cron-year.yaml);
# and W4, a sweep of 200 runs (4 parallelisms × 50 seeds) of the 10,000-pod
# benches/workloads/w4-sweep.yaml with `jobsim sweep` (no per-pod records).
# Builds --release, runs each workload RUNS times (default 5) and prints the medians of wall
# time, CPU time (user + sys) and peak RSS as GNU time measures the whole command, with the
# events and pods of jobsim's --stats line per CPU-second.
#   benches/e2e.sh                       # all four
#   benches/e2e.sh w4                    # W4 alone
#   RUNS=7 benches/e2e.sh benches/workloads/w1-million-pods.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/measure.sh
runs=${RUNS:-5}
w4=0
if [ $# -eq 0 ]; then
  set -- benches/workloads/w1-million-pods.yaml benches/workloads/w2-ten-thousand-nodes.yaml \
    scenarios/bench/cron-year.yaml
  w4=1
elif [ "$*" = w4 ]; then
  set --
  w4=1
fi
cargo build --release --locked --quiet
bin=target/release/jobsim
if [ $# -gt 0 ]; then
  "$bin" validate "$@" > /dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv
: > "$results"
echo "jobsim $("$bin" --version | cut -d' ' -f2), $(nproc) CPUs, $runs runs each"
for f in "$@"; do
  name=$(basename "$f" .yaml)
  for i in $(seq 1 "$runs"); do
    timed "$results" "$name" "$i" "$bin" run "$f" --out "$work/out" --quiet --no-charts --stats
    rm -rf "$work/out"
  done
done
if [ "$w4" = 1 ]; then
  for i in $(seq 1 "$runs"); do
    timed "$results" w4-sweep "$i" "$bin" sweep benches/workloads/w4-sweep.yaml \
      --vary job/w4.spec.parallelism=25,50,100,200 --seeds 50 --out "$work/out" --quiet --stats
    rm -rf "$work/out"
  done
fi
echo "medians:"
python3 benches/summarise.py "$results"
