# Helpers for benches/e2e.sh and benches/peers/compare.sh (sourced, not run).

# timed RESULTS NAME RUN CMD...: runs CMD under GNU time and appends one tab-separated line
#   NAME RUN wall_s user_s sys_s peak_rss_kib pods events
# to RESULTS. Pods and events come from CMD's output: jobsim's `--stats` line
# ("stats: E events, P pods; ...") or a peer's ("P pods ..., E events").
timed() {
  local results=$1 name=$2 run=$3
  shift 3
  local t out
  t=$(mktemp) out=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" > "$out"
  local pods events
  pods=$(grep -oE '[0-9]+ pods' "$out" | head -n 1 | cut -d' ' -f1 || true)
  events=$(grep -oE '[0-9]+ events' "$out" | head -n 1 | cut -d' ' -f1 || true)
  read -r wall user sys rss < <(tail -n 1 "$t")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$wall" "$user" "$sys" "$rss" \
    "${pods:--}" "${events:--}" >> "$results"
  printf '  %-8s run %s: wall %ss, CPU %ss user + %ss sys, peak RSS %s MiB, %s pods, %s events\n' \
    "$name" "$run" "$wall" "$user" "$sys" "$((rss / 1024))" "${pods:--}" "${events:--}"
  rm -f "$t" "$out"
}
