# shellcheck shell=bash
# The sanitizer runtime options of the ASan+UBSan stage (scripts/test.sh, docs/testing.md).
# Source it with the build directory, also to run the instrumented binaries by hand:
#   . tests/sanitizers/env.sh build-asan && (cd build-asan && ctest -j2)
# ASan's and LSan's reports go to BUILD/sanitizer-reports/report.<pid>, not to stderr: a test
# that expects a failing exit status would otherwise hide them. Exit status 86 (no crossrank
# exit code) on any report. UBSan (g++ links its own runtime, which ignores log_path) writes
# to stderr and exits 86.
_crossrank_san_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_crossrank_san_reports="$(realpath -m -- "${1:-build-asan}")/sanitizer-reports"
mkdir -p "$_crossrank_san_reports"
_crossrank_san_common="exitcode=86:print_suppressions=0"
export ASAN_OPTIONS="$_crossrank_san_common:log_path=$_crossrank_san_reports/report:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:handle_abort=1"
export LSAN_OPTIONS="$_crossrank_san_common:suppressions=$_crossrank_san_dir/lsan.supp"
export UBSAN_OPTIONS="$_crossrank_san_common:print_stacktrace=1"
unset _crossrank_san_dir _crossrank_san_reports _crossrank_san_common
