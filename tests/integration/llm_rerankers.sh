#!/usr/bin/env bash
# llm_rerankers.export: decoder LLM rerankers end to end (docs/models.md#llm-rerankers).
#
#   tests/integration/llm_rerankers.sh BUILD_DIR/apps/crossrank/crossrank OUT_DIR
#
# For each recipe (qwen3-reranker: Qwen3, mxbai-rerank-v2: Qwen2, bge-reranker-gemma: Gemma)
# a tiny random-weight Hugging Face checkpoint (scripts/fixtures/make_llm_checkpoint.py) is exported
# with scripts/export_hf.py --no-transformers --template RECIPE. crossrank, given each of the
# checkpoint's 40 reference records (query, document, instruction, max_length), must give
# the ids the model card's code gives (HF tokenizers) and the eager float32 module's logit
# within 1e-5, alone and batched; the Qwen3 seq-cls repackaging must score as the causal
# LM. Then rerank with --instruction, a per-line instruction, --long-docs chunk, and the
# errors: --instruction without a template, a bad template, answer ids of another
# tokenizer, a decoder exported without --template. Exit 77 (skipped) without torch in
# /usr/bin/python3. OUT_DIR is replaced.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/torch_test.sh" "$@" .llm_rerankers_test

recipes=(qwen3-reranker mxbai-rerank-v2 bge-reranker-gemma)
for r in "${recipes[@]}"; do
  $py "$repo/scripts/fixtures/make_llm_checkpoint.py" --recipe "$r" --out "ck-$r"
  $py "$repo/scripts/export_hf.py" "ck-$r" "b-$r" --no-transformers --template "$r" 2> "export-$r.log" \
    || { cat "export-$r.log" >&2; fail "export of $r"; }
done
$py "$repo/scripts/fixtures/make_llm_checkpoint.py" --recipe qwen3-reranker --seq-cls --out ck-seq-cls
$py "$repo/scripts/export_hf.py" ck-seq-cls b-seq-cls --no-transformers --template qwen3-reranker 2> export-seq-cls.log \
  || { cat export-seq-cls.log >&2; fail "export of the seq-cls checkpoint"; }

# Ids and logits against the checkpoint's reference records, per max_length: each record
# alone (--batch-tokens 1) and all of a length in one batch.
for r in "${recipes[@]}" seq-cls; do
  ck=ck-$r
  [[ $r == seq-cls ]] && ck=ck-qwen3-reranker  # the same weights, the same reference
  CROSSRANK=$crossrank BUNDLE=b-$r REFERENCE=$ck/eager_scores.jsonl $py - <<'EOF' || fail "$r: crossrank differs from the reference"
import collections, json, os, subprocess, sys
crossrank, bundle = os.environ["CROSSRANK"], os.environ["BUNDLE"]
records = [json.loads(line) for line in open(os.environ["REFERENCE"], encoding="utf-8")]
by_length = collections.defaultdict(list)
for rec in records:
    by_length[rec["max_length"]].append(rec)
def run(args, text):
    p = subprocess.run([crossrank] + args + ["-m", bundle, "-q"], input=text, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"{bundle}: crossrank {' '.join(args)} exit {p.returncode}: {p.stderr}")
    return [json.loads(line) for line in p.stdout.splitlines()]
worst, checked = 0.0, 0
for length, recs in sorted(by_length.items()):
    lines = "".join(json.dumps({k: r[k] for k in ("query", "document", "instruction") if k in r}) + "\n" for r in recs)
    ids = run(["tokenize", "--max-length", str(length)], lines)
    for r, got in zip(recs, ids):
        if got["input_ids"] != r["input_ids"]:
            sys.exit(f"{bundle}: ids differ at max_length {length} for {r['query']!r}: {got['input_ids']} vs {r['input_ids']}")
    for batching in (["--batch-tokens", "1"], ["--batch-tokens", "1000000"]):
        scores = run(["score", "--max-length", str(length), "--activation", "identity"] + batching, lines)
        for r, got in zip(recs, scores):
            worst = max(worst, abs(got["score"] - r["logits"][0]))
            checked += 1
print(f"{bundle}: {checked} scores, max |crossrank - eager| {worst:.3g}", file=sys.stderr)
if not worst <= 1e-5:
    sys.exit(f"{bundle}: max |crossrank - eager| {worst:g} > 1e-5")
EOF
done

# rerank: the default instruction, --instruction and a line's own give the scores of the
# same pairs through score; sigmoid (Qwen3's P(yes)) is the bundle's activation.
cat > queries.jsonl <<'EOF'
{"qid": "q1", "query": "capital of France", "docs": ["Paris is the capital of France.", "Berlin is in Germany."]}
{"qid": "q2", "query": "capital of France", "instruction": "Judge relevance", "docs": ["Paris is the capital of France."]}
EOF
"$crossrank" rerank -m b-qwen3-reranker -i queries.jsonl -q > ranked.jsonl
"$crossrank" rerank -m b-qwen3-reranker -i queries.jsonl -q --instruction "Find facts" > ranked-instr.jsonl
cat > pairs.jsonl <<'EOF'
{"query": "capital of France", "document": "Paris is the capital of France."}
{"query": "capital of France", "document": "Paris is the capital of France.", "instruction": "Find facts"}
{"query": "capital of France", "document": "Paris is the capital of France.", "instruction": "Judge relevance"}
EOF
"$crossrank" score -m b-qwen3-reranker -i pairs.jsonl -q > pair-scores.jsonl
$py - <<'EOF' || fail "rerank and score disagree on instructions"
import json
ranked = [json.loads(l) for l in open("ranked.jsonl")]
ranked_instr = [json.loads(l) for l in open("ranked-instr.jsonl")]
pairs = [json.loads(l)["score"] for l in open("pair-scores.jsonl")]
top = lambda line: next(d["score"] for d in line["results"] if d["id"] == 0)
assert top(ranked[0]) == pairs[0], (top(ranked[0]), pairs[0])
assert top(ranked_instr[0]) == pairs[1], (top(ranked_instr[0]), pairs[1])
assert top(ranked[1]) == pairs[2] == top(ranked_instr[1]), "a line's instruction wins over --instruction"
assert pairs[0] != pairs[1] and 0 < pairs[0] < 1
EOF

# eval and tokenize take --instruction too.
printf '{"qid": "q1", "query": "capital of France", "docs": [{"id": "a", "text": "Paris is the capital of France.", "label": 1}, {"id": "b", "text": "Berlin is in Germany.", "label": 0}]}\n' > labelled.jsonl
"$crossrank" eval --task rerank -m b-qwen3-reranker -i labelled.jsonl --instruction "Find facts" -q > eval.json \
  || fail "eval --instruction"
grep -q '"ndcg@10"' eval.json || fail "eval wrote no metrics"
"$crossrank" tokenize -m b-qwen3-reranker -i pairs.jsonl --instruction "Find facts" -q > tokens.jsonl
[[ $(sed -n 1p tokens.jsonl) == "$(sed -n 2p tokens.jsonl)" ]] || fail "--instruction and a line's instruction differ in tokenize"

# --long-docs chunk: a document over --max-length becomes windows inside the template.
long=$($py -c 'print(" ".join(["Paris is the capital and largest city of France."] * 60))')
printf '{"qid": "q", "query": "capital of France", "docs": ["%s", "Paris."]}\n' "$long" > long.jsonl
"$crossrank" rerank -m b-qwen3-reranker -i long.jsonl --max-length 128 --long-docs chunk 2> chunk.log > chunk.jsonl
grep -q 'into [0-9]* windows' chunk.log || { cat chunk.log >&2; fail "--long-docs chunk did not report windows"; }

# Errors: exit codes of docs/errors.md.
expect_exit() {  # CODE PATTERN COMMAND...
  local code=$1 pattern=$2 rc=0
  shift 2
  "$@" > err.out 2> err.log || rc=$?
  [[ $rc == "$code" ]] || { cat err.log >&2; fail "exit $rc, expected $code: $*"; }
  grep -q -- "$pattern" err.log || { cat err.log >&2; fail "no \"$pattern\" in the error of: $*"; }
}
cp -r b-qwen3-reranker b-plain
$py - <<'EOF'
import json
c = json.load(open("b-plain/crossrank.json"))
del c["template"]
json.dump(c, open("b-plain/crossrank.json", "w"))
EOF
expect_exit 2 "takes no instruction" "$crossrank" score -m b-plain -i pairs.jsonl --instruction x
expect_exit 3 "line 2: .*takes no instruction" "$crossrank" score -m b-plain -i pairs.jsonl
cp -r b-qwen3-reranker b-bad
sed -i 's/{document}/{doc}/' b-bad/crossrank.json
expect_exit 4 "unknown placeholder {doc}" "$crossrank" info -m b-bad
cp b-bge-reranker-gemma/tokenizer.json b-bad/tokenizer.json
cp b-qwen3-reranker/crossrank.json b-bad/crossrank.json
expect_exit 4 "is 2 tokens" "$crossrank" info -m b-bad
expect_exit 2 "leaves no room" "$crossrank" score -m b-qwen3-reranker -i pairs.jsonl --max-length 40
expect_exit 1 "give its prompt recipe with --template" $py "$repo/scripts/export_hf.py" ck-qwen3-reranker b-none --no-transformers
expect_exit 1 "not single tokens" $py "$repo/scripts/export_hf.py" ck-bge-reranker-gemma b-wrong --no-transformers --template qwen3-reranker
echo "llm_rerankers: ${#recipes[@]} recipes + seq-cls exported and checked in ${SECONDS} s" >&2
