#!/usr/bin/env bash
# The long version of the whole-output checks of the test suite (not run in CI):
#   - TRIALS times, two runs (seeds 7 and 8) started together into one --out: the folder
#     must hold exactly the files of a clean run of one of the two seeds;
#   - TRIALS times each, a run (seed 2) into a folder holding a clean run of seed 1, killed
#     with SIGKILL or SIGINT after a random delay within the length of a clean run: the
#     folder must hold the seed-1 run or the seed-2 run, whole; after SIGINT no temporary
#     folder may remain and the exit code is 130 (or 0 when the run had ended).
# Every resulting folder must also be readable by `jobsim report`.
#
# Usage: scripts/kill-trials.sh [JOBSIM] [SCENARIO] [TRIALS]
#   default: target/release/jobsim scenarios/bench/hundred-thousand-pods.yaml 100
set -euo pipefail

JOBSIM=$(realpath "${1:-target/release/jobsim}")
SCENARIO=$(realpath "${2:-scenarios/bench/hundred-thousand-pods.yaml}")
TRIALS=${3:-100}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

run() { "$JOBSIM" run --quiet --no-charts "$SCENARIO" --seed "$1" --out "$2"; }
same() { diff -r "$1" "$2" >/dev/null 2>&1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
readable() {
    cp -r "$1" "$WORK/read" && "$JOBSIM" report "$WORK/read" >/dev/null || fail "jobsim report cannot read $1"
    rm -rf "$WORK/read"
}
no_temporaries() {
    if compgen -G "$1/.jobsim-tmp-*" >/dev/null; then fail "temporary folder left in $1"; fi
}

echo "clean runs of seeds 1, 2, 7, 8"
start=$(date +%s%N)
run 2 "$WORK/clean-2"
length_ms=$(( ($(date +%s%N) - start) / 1000000 ))
for seed in 1 7 8; do run "$seed" "$WORK/clean-$seed"; done
echo "a clean run takes ${length_ms} ms"

echo "$TRIALS concurrent pairs"
for i in $(seq "$TRIALS"); do
    dir="$WORK/pair/out"
    mkdir -p "$WORK/pair"
    run 7 "$dir" & a=$!
    run 8 "$dir" & b=$!
    wait "$a" || fail "pair $i: the seed-7 run failed"
    wait "$b" || fail "pair $i: the seed-8 run failed"
    same "$dir" "$WORK/clean-7" || same "$dir" "$WORK/clean-8" || fail "pair $i: a mix of two runs"
    no_temporaries "$WORK/pair"
    [ "$i" -eq 1 ] && readable "$dir"
    rm -rf "$WORK/pair"
done

for signal in KILL INT; do
    echo "$TRIALS runs stopped by SIG$signal"
    for i in $(seq "$TRIALS"); do
        mkdir -p "$WORK/kill"
        dir="$WORK/kill/out"
        cp -r "$WORK/clean-1" "$dir"
        # jobsim itself in the background (not a function's subshell), so the signal
        # reaches it.
        "$JOBSIM" run --quiet --no-charts "$SCENARIO" --seed 2 --out "$dir" & pid=$!
        sleep "$(awk -v ms="$length_ms" -v r="$RANDOM" 'BEGIN { printf "%.3f", ms * r / 32767 / 1000 }')"
        kill -s "$signal" "$pid" 2>/dev/null || true
        status=0
        wait "$pid" 2>/dev/null || status=$?
        same "$dir" "$WORK/clean-1" || same "$dir" "$WORK/clean-2" \
            || fail "SIG$signal trial $i: neither the old run nor the new one"
        if [ "$signal" = INT ]; then
            no_temporaries "$WORK/kill"
            # 130 from jobsim's handler; 0 when it had finished.
            case "$status" in 0|130) ;; *) fail "SIGINT trial $i: exit $status" ;; esac
        fi
        [ "$i" -eq 1 ] && readable "$dir"
        rm -rf "$WORK/kill"
    done
done
echo "all $(( TRIALS * 3 )) trials passed"
