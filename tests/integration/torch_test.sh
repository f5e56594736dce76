# Sourced by the script tests that run /usr/bin/python3 with torch (export_hf.sh,
# llm_rerankers.sh): CROSSRANK OUT_DIR arguments, skip (exit 77) without torch, and OUT_DIR
# made fresh, replacing only a folder the same test made (MARKER) or an empty one.
#   source torch_test.sh "$@" MARKER     sets crossrank, out, repo, py, fail(); cd "$out"
crossrank=$(realpath -- "$1") out=$(realpath -m -- "$2")
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
if [[ ! -x $py ]] || ! $py -c 'import torch' 2>/dev/null; then
  echo "SKIPPED: $py has no torch (Debian: apt-get install python3-torch)" >&2
  exit 77
fi
[[ -x $crossrank ]] || fail "$crossrank is not an executable"
if [[ -e $out ]]; then
  [[ -e $out/$3 || -z "$(ls -A "$out")" ]] || fail "$out exists and was not made by this test"
  rm -rf "$out"
fi
mkdir -p "$out"
touch "$out/$3"
cd "$out"
