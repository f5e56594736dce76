#!/usr/bin/env bash
# eval.reference: `crossrank eval` against scripts/eval_reference.py (numpy, scipy and
# scikit-learn) on the cases of scripts/fixtures/make_eval_cases.py (graded labels, heavy score ties,
# one-document queries, queries without a relevant document, qrels with unjudged documents,
# tied gold scores), through --scores and through the model (-m), at k = 1, 3, 10 and 100.
# Every metric must agree to 1e-9. Exit 77 (skipped) without those Python packages.
#
#   tests/integration/eval_reference.sh BUILD_DIR/apps/crossrank/crossrank OUT_DIR
set -euo pipefail
crossrank=$(realpath -- "$1") out=$(realpath -m -- "$2")
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py=/usr/bin/python3
if ! $py -c 'import numpy, scipy, sklearn' 2>/dev/null; then
  echo "SKIPPED: $py lacks numpy/scipy/sklearn (Debian: python3-sklearn)" >&2
  exit 77
fi
rm -rf "$out" && mkdir -p "$out"
$py "$repo/scripts/fixtures/make_eval_cases.py" "$out"
model="$repo/tests/data/models/tiny-bert"
failures=0
compare() {  # label, crossrank's JSON file, the reference's JSON file
  if ! $py - "$2" "$3" <<'PY'
import json, sys
ours, ref = (json.load(open(p)) for p in sys.argv[1:3])
def flat(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, prefix + k + ".")
        else:
            yield prefix + k, v
o, r = dict(flat(ours)), dict(flat(ref))
bad = [k for k in r if k not in o or not (o[k] == r[k] or abs(o[k] - r[k]) <= 1e-9)]
bad += [k for k in o if k not in r]
if bad:
    print("  differ:", {k: (o.get(k), r.get(k)) for k in bad})
sys.exit(1 if bad else 0)
PY
  then
    echo "FAIL: $1" >&2
    failures=$((failures + 1))
  else
    echo "ok: $1"
  fi
}
"$crossrank" -q rerank -m "$model" -i "$out/queries.jsonl" -o "$out/model-reranked.jsonl"
"$crossrank" -q score -m "$model" -i "$out/pairs.jsonl" -o "$out/model-scored.jsonl"
for k in 1 3 10 100; do
  for scores in reranked model-reranked; do
    "$crossrank" eval --task rerank --scores "$out/$scores.jsonl" -k $k >"$out/ours.json"
    $py "$repo/scripts/eval_reference.py" --task rerank --scores "$out/$scores.jsonl" -k $k >"$out/ref.json"
    compare "rerank $scores k=$k" "$out/ours.json" "$out/ref.json"
    "$crossrank" eval --task rerank --scores "$out/$scores.jsonl" -k $k --qrels "$out/qrels.txt" >"$out/ours.json"
    $py "$repo/scripts/eval_reference.py" --task rerank --scores "$out/$scores.jsonl" -k $k \
      --qrels "$out/qrels.txt" >"$out/ref.json"
    compare "rerank $scores k=$k qrels" "$out/ours.json" "$out/ref.json"
  done
done
# Through the model: the same numbers as evaluating the model's rerank output.
"$crossrank" -q eval --task rerank -m "$model" -i "$out/queries.jsonl" >"$out/ours.json"
$py "$repo/scripts/eval_reference.py" --task rerank --scores "$out/model-reranked.jsonl" >"$out/ref.json"
compare "rerank through the model" "$out/ours.json" "$out/ref.json"
for scores in scored model-scored; do
  "$crossrank" eval --task sts --scores "$out/$scores.jsonl" >"$out/ours.json"
  $py "$repo/scripts/eval_reference.py" --task sts --scores "$out/$scores.jsonl" >"$out/ref.json"
  compare "sts $scores" "$out/ours.json" "$out/ref.json"
done
"$crossrank" -q eval --task sts -m "$model" -i "$out/pairs.jsonl" >"$out/ours.json"
$py "$repo/scripts/eval_reference.py" --task sts --scores "$out/model-scored.jsonl" >"$out/ref.json"
compare "sts through the model" "$out/ours.json" "$out/ref.json"
((failures == 0)) || { echo "FAIL: $failures comparisons differ" >&2; exit 1; }
echo "eval.reference: all comparisons agree to 1e-9"
