#!/usr/bin/env bash
# Runs every built harness (build/fuzz/tests/fuzz/fuzz_*) for SECONDS seconds or RUNS executions
# each, on a copy of its seed corpus (tests/fuzz/corpus/<name>/, new inputs go to
# build/fuzz/corpus/<name>/), and stops at the first crash (reproducer in build/fuzz/crashes/).
#   tests/fuzz/run.sh BUILD_DIR time SECONDS     |     tests/fuzz/run.sh BUILD_DIR runs N
set -uo pipefail  # pipefail: a harness's own exit status, not tail's
build=$1 mode=$2 amount=$3
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/crashes"
status=0
for exe in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe"); name=${name#fuzz_}
  work="$build/corpus/$name"
  mkdir -p "$work"
  seeds=()
  [ -d "$src/corpus/$name" ] && seeds+=("$src/corpus/$name")
  if [ "$mode" = time ]; then limit=(-max_total_time="$amount"); else limit=(-runs="$amount"); fi
  echo "== fuzz_$name: ${limit[*]} (log: $build/logs/$name.log)"
  mkdir -p "$build/logs"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
       "$exe" "${limit[@]}" -max_len=65536 -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
       -artifact_prefix="$build/crashes/$name-" "$work" "${seeds[@]}" > "$build/logs/$name.log" 2>&1; then
    status=1
    grep -A8 -E "fuzz check failed|ERROR: |runtime error" "$build/logs/$name.log" | head -n 40
  fi
  grep -E "^Done|stat::number_of_executed_units|Test unit written" "$build/logs/$name.log" || true
done
exit $status
