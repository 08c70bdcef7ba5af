#!/usr/bin/env bash
# W1 measured side by side: jobsim (every record written, charts off), a hand-tuned SimPy
# model of the same workload (benches/peers/w1_simpy.py) and a bare Rust event loop of it
# (benches/peers/bare-loop/), back to back, RUNS rounds (default 5). Prints the medians of
# wall time, CPU time (user + sys) and peak RSS as GNU time measures each whole process,
# pods per CPU-second (pods = completions + failed attempts), and jobsim's ratios to the two
# peers. Installs SimPy from PyPI into a private venv (VENV, default target/peers-venv).
# Needs python3 with venv, network access for the first install, and GNU time. Not for CI.
# BASELINE=path/to/another/jobsim adds that build to every round (named "baseline"), so a
# change is measured against the build before it in the same session, e.g.
#   git worktree add /tmp/before HEAD~3 && cargo build --release --manifest-path /tmp/before/Cargo.toml
#   BASELINE=/tmp/before/target/release/jobsim benches/peers/compare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. benches/measure.sh
runs=${RUNS:-5}
venv=${VENV:-target/peers-venv}
w1=benches/workloads/w1-million-pods.yaml
completions=1000000 # W1's, as in $w1

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'simpy>=4,<5'
cargo build --release --locked --quiet
cargo build --release --locked --quiet --manifest-path benches/peers/bare-loop/Cargo.toml \
  --target-dir target/bare-loop
jobsim=target/release/jobsim
bare=target/bare-loop/release/w1-bare-loop

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv
: > "$results"
echo "W1: $completions completions, parallelism 100, 100 nodes, U(60 s, 540 s), 5 % failures"
echo "jobsim $("$jobsim" --version | cut -d' ' -f2); SimPy $("$venv/bin/python" -c 'import simpy; print(simpy.__version__)') on $("$venv/bin/python" --version); $(nproc) CPUs; $runs rounds"
for i in $(seq 1 "$runs"); do
  timed "$results" jobsim "$i" "$jobsim" run "$w1" --out "$work/out" --quiet --no-charts --stats
  rm -rf "$work/out"
  timed "$results" simpy "$i" "$venv/bin/python" benches/peers/w1_simpy.py "$completions"
  timed "$results" bare-loop "$i" "$bare" "$completions"
  if [ -n "${BASELINE:-}" ]; then
    timed "$results" baseline "$i" "$BASELINE" run "$w1" --out "$work/out" --quiet --no-charts --stats
    rm -rf "$work/out"
  fi
done
echo "medians:"
python3 benches/summarise.py "$results" --ratios jobsim simpy bare-loop ${BASELINE:+baseline}
