#!/usr/bin/env bash
# Generation speed and peak memory of the example city (issue 3) at 1 million and 27 million
# households, CSV written to a temporary directory on disk (then deleted), measured with
# /usr/bin/time -v; and the Python Parquet path at 1 million households.
#
#   benchmarks/bench_synth.sh [BUILD_DIR=build/synth] [SIZES="1000000 27000000"]
#
# BUILD_DIR must hold generated/commdx/embedded_data.hpp (any configured build dir) and, for the
# Parquet run, python/commdx/_core*.so (COMMDX_PYTHON=ON; use a Release build for speed).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/synth}
SIZES=${2:-"1000000 27000000"}
PY=${PYTHON:-/work/venv/bin/python}
BIN=$(mktemp -d)/bench_synth
g++ -std=c++17 -O2 -DNDEBUG -Iinclude -I"$BUILD/generated" benchmarks/bench_synth.cpp -o "$BIN"
echo "free disk before:"; df -h "${TMPDIR:-/tmp}" | tail -1
for n in $SIZES; do
  out=$(mktemp -d "${TMPDIR:-/tmp}/commdx-synth-bench-XXXXXX")
  echo "== $n households, CSV → $out"
  /usr/bin/time -v "$BIN" "$n" "$out" 1 2> "$out.time"
  grep -E "Elapsed|Maximum resident" "$out.time"
  du -sh "$out"
  rm -rf "$out" "$out.time"
done
if [ -e "$BUILD/python/commdx" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/commdx-synth-bench-XXXXXX")
  echo "== 1000000 households, Parquet from Python → $out"
  COMMDX_CORE_DIR=$PWD/$BUILD/python/commdx PYTHONPATH=python /usr/bin/time -v \
    "$PY" -m commdx synth --households 1000000 --seed 1 --out "$out" --format parquet --lang en 2> "$out.time"
  grep -E "Elapsed|Maximum resident" "$out.time"
  du -sh "$out"
  rm -rf "$out" "$out.time"
fi
