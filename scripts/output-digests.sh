#!/usr/bin/env bash
# Prints one line per output file of every shipped scenario and seed example:
#   <sha256>  <scenario>/<file>
# run with the jobsim binary given as $1 (default target/release/jobsim). Compare two
# builds' outputs with
#   scripts/output-digests.sh OLD_BIN > before; scripts/output-digests.sh NEW_BIN > after; diff before after
# or against the committed baseline: scripts/output-digests.sh | diff tests/golden/output-digests.txt -
# Every output a refactoring must keep byte-identical is listed; `summary.json` embeds the
# jobsim version, which is the same for both builds of one checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/jobsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=()
while IFS= read -r f; do inputs+=("$f"); done < <(find scenarios -name '*.yaml' | LC_ALL=C sort)
for f in "${inputs[@]}"; do
  name=$(echo "$f" | tr '/' '_')
  "$bin" run "$f" --out "$work/$name" --quiet >/dev/null
done
# The seed examples live beside the checkout (../shared/seed-examples), or where SHARED says.
seeds=${SHARED:-../shared}/seed-examples
if ! ls "$seeds"/*.yaml >/dev/null 2>&1; then
  echo "output-digests: no seed examples at $seeds (set SHARED to the shared folder)" >&2
  exit 1
fi
for f in $(LC_ALL=C ls "$seeds"/*.yaml); do
  name=seed-example_$(basename "$f")
  "$bin" run "$f" --out "$work/$name" --quiet >/dev/null
done
cd "$work"
find . -type f | LC_ALL=C sort | xargs sha256sum
