#!/usr/bin/env bash
# Builds the sanitizer configuration (tests/fuzz/CMakeLists.txt) with clang, runs the unit tests
# under ASan + UBSan, then fuzzes the plan parser for a bounded number of inputs (FUZZ_RUNS,
# default 30000: about 20 s on an idle core), seeded with the reference plans and the bad-plan
# corpus. A count rather than a time, so that the same work is done however busy the machine is.
#
#   tests/fuzz/run.sh [--build-only] [build_dir]      (default: build/sanitize)
#
# --build-only stops after the build (scripts/test builds alongside the integration tests, then
# runs the rest after them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_only=false
if [[ ${1:-} == --build-only ]]; then
  build_only=true
  shift
fi
BUILD="${1:-$ROOT/build/sanitize}"
FUZZ_RUNS="${FUZZ_RUNS:-30000}"
CLANG="$(command -v clang++-14 || command -v clang++)"

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S "$ROOT/tests/fuzz" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CLANG"
fi
cmake --build "$BUILD" -j"$(nproc)"
if $build_only; then
  exit 0
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer" >&2
"$BUILD/unit_tests_sanitized"

echo "== fuzzing the plan parser with ${FUZZ_RUNS} inputs" >&2
corpus="$(mktemp -d)"
trap 'rm -rf -- "$corpus"' EXIT
cp "$ROOT"/plans/*.yaml "$corpus"/ 2>/dev/null || true
for f in "$ROOT"/tests/corpus/bad-plans/*.yaml; do
  # Seeds above libFuzzer's input size limit are skipped by it anyway.
  [[ $(stat -c %s "$f") -le 4096 ]] && cp "$f" "$corpus"/
done
"$BUILD/fuzz_plan_parse" -runs="$FUZZ_RUNS" -max_total_time=1200 -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$BUILD/" "$corpus" 2>&1 | tail -n 25
exit "${PIPESTATUS[0]}"
