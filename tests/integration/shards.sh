#!/usr/bin/env bash
# shards.parallel: `crossrank rerank --shard I/4` run as 4 jobs by GNU parallel; their outputs
# concatenated must equal one run's output up to line order, byte for byte, in JSONL and in
# TREC format (--window 1: each query is batched alone, so its scores depend on nothing else;
# docs/scaling.md). Exit 77 (skipped) without GNU parallel.
#
#   tests/integration/shards.sh BUILD_DIR/apps/crossrank/crossrank OUT_DIR
set -euo pipefail
crossrank=$(realpath -- "$1") out=$(realpath -m -- "$2")
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v parallel >/dev/null || { echo "SKIPPED: GNU parallel is not installed (Debian: parallel)" >&2; exit 77; }
rm -rf "$out" && mkdir -p "$out"
model="$repo/tests/data/models/tiny-bert"
# 40 queries: the examples with fresh qids (strings and integers), 3-5 documents each.
/usr/bin/python3 - "$out/queries.jsonl" <<'PY'
import json, random, sys
rng = random.Random(5)
words = "alpha bravo cedar delta ember fjord grove harbor island jasper kettle lantern".split()
with open(sys.argv[1], "w") as f:
    for i in range(40):
        docs = [{"id": f"d{i}-{j}", "text": " ".join(rng.choice(words) for _ in range(rng.randint(3, 20)))}
                for j in range(rng.randint(3, 5))]
        f.write(json.dumps({"qid": i if i % 2 else f"q{i}", "query": " ".join(rng.sample(words, 3)), "docs": docs}) + "\n")
PY
for format in jsonl trec; do
  "$crossrank" -q rerank -m "$model" -i "$out/queries.jsonl" --window 1 --format "$format" >"$out/single.$format"
  parallel --halt now,fail=1 "$crossrank" -q rerank -m "$model" -i "$out/queries.jsonl" --window 1 \
    --format "$format" --shard {}/4 -o "$out/shard{}.$format" ::: 0 1 2 3
  for i in 0 1 2 3; do
    [[ -s $out/shard$i.$format ]] || { echo "FAIL: shard $i/4 ($format) is empty: the hash does not spread 40 qids" >&2; exit 1; }
  done
  if ! cmp <(sort "$out/single.$format") <(cat "$out"/shard?."$format" | sort); then
    echo "FAIL: the 4 shards ($format) differ from the single run" >&2
    exit 1
  fi
  echo "ok: 4 shards equal one run ($format, $(wc -l <"$out/single.$format") lines)"
done
