#!/usr/bin/env bash
# End-to-end benchmark of `jobsim run` on the issue's workloads, every record written and
# charts off (--no-charts): W1 (benches/workloads/w1-million-pods.yaml), W2
# (benches/workloads/w2-ten-thousand-nodes.yaml) and W3 (scenarios/bench/cron-year.yaml).
# Builds --release, runs each workload RUNS times (default 5) and prints the medians of wall
# time, CPU time (user + sys) and peak RSS as GNU time measures the whole command, with the
# events and pods of jobsim's --stats line per CPU-second.
#   benches/e2e.sh                       # all three
#   RUNS=7 benches/e2e.sh benches/workloads/w1-million-pods.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/measure.sh
runs=${RUNS:-5}
if [ $# -eq 0 ]; then
  set -- benches/workloads/w1-million-pods.yaml benches/workloads/w2-ten-thousand-nodes.yaml \
    scenarios/bench/cron-year.yaml
fi
cargo build --release --locked --quiet
bin=target/release/jobsim
"$bin" validate "$@" > /dev/null
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
echo "medians:"
python3 benches/summarise.py "$results"
