#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs every test through ctest, twice: the Release
# build in build/, then the same suite built with AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer in build-asan/ (docs/testing.md).
#   scripts/test.sh                         both stages (what CI, .ci/run, runs)
#   scripts/test.sh --asan-only             setup, then the sanitizer stage only
#   CROSSRANK_SKIP_ASAN=1 scripts/test.sh   the Release stage only (quick local runs)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "test: $*" >&2; }
release=1 asan=1
[[ ${CROSSRANK_SKIP_ASAN:-0} == 0 ]] || asan=0
for arg in "$@"; do
  case $arg in
    --asan-only) release=0 asan=1 ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) say "unknown argument: $arg (see --help)"; exit 2 ;;
  esac
done

"$repo/scripts/setup.sh"
failed=()
if ((release)); then
  say "Release stage: build/"
  (cd "$repo/build" && ctest --output-on-failure -j2) || failed+=(Release)
fi

# The sanitizer stage: lib, apps and tests compiled with -fsanitize=address,undefined (libtorch,
# OpenBLAS, protobuf and sentencepiece stay uninstrumented); every report fails the stage.
if ((asan)); then
  dir="$repo/build-asan"
  say "sanitizer stage (ASan+UBSan): building $dir"
  san="-fsanitize=address,undefined -fno-sanitize-recover=all"
  cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_COMPILER=g++ -Wno-dev \
    "-DCMAKE_CXX_FLAGS_SANITIZE=-O1 -g1 -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS $san" \
    "-DCMAKE_EXE_LINKER_FLAGS_SANITIZE=$san" "-DCMAKE_SHARED_LINKER_FLAGS_SANITIZE=$san" >/dev/null
  rm -rf "$dir/sanitizer-reports"
  # The options (and LSan's suppressions) apply while building too: catch_discover_tests
  # runs the instrumented test binaries to list their tests.
  # shellcheck source=SCRIPTDIR/../tests/sanitizers/env.sh
  source "$repo/tests/sanitizers/env.sh" "$dir"
  cmake --build "$dir" -j2 >/dev/null
  say "sanitizer stage: ctest in $dir"
  (cd "$dir" && ctest --output-on-failure -j2) || failed+=(sanitizer)
  # ASan/LSan write their reports to files, so a report is seen even when a test accepted
  # the failing process's exit status; UBSan (its own runtime with g++) writes to stderr.
  reports=("$dir"/sanitizer-reports/*)
  if [[ -e ${reports[0]} ]]; then
    say "sanitizer reports (${#reports[@]}), in $dir/sanitizer-reports:"
    cat "${reports[@]}" >&2
    failed+=("sanitizer reports")
  fi
  if grep -s -H -n -E "[^ ]+:[0-9]+:[0-9]+: runtime error: " "$dir"/Testing/Temporary/LastTest*.log >&2; then
    failed+=("UBSan reports")
  fi
fi

if ((${#failed[@]})); then
  say "FAILED: $(printf '%s; ' "${failed[@]}")"
  exit 1
fi
say "all passed"
