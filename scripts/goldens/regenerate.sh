#!/usr/bin/env bash
# Regenerates the committed test goldens and fixture tokenizers into a copy of tests/data,
# with the commands of tests/data/goldens/README.md and tests/data/models/README.md, and
# diffs the copy against the committed files, so "rerunning rewrites them byte-identically"
# is checked, not claimed (ctest fixtures.reproducible).
#
#   scripts/goldens/regenerate.sh WORK_DIR [--write]
#
#   WORK_DIR  scratch folder (emptied); WORK_DIR/data is the regenerated copy
#   --write   copy what differs back into tests/data (after a deliberate change to a generator)
#
# Covered: the case lists (wordpiece, multilingual, tokenizer, regex), the token goldens of
# bert-base-uncased, xlmr, xlmr-legacy, deberta, roberta and of every tokenizer variant, the
# variants' tokenizer.json files (make_tokenizer_variants.py, make_edge_variants.py), the LLM
# prompt goldens, and the tiny models' eager scores (make_fixture_model.py; their model.pt is
# a trace whose bytes follow the tracing transforms, checked against those scores by the C++
# tests instead; the scores are compared to 1e-5, as float32 rounding follows the CPU). Not covered: the family tokenizers themselves (make_tokenizer_fixtures.py
# trains SentencePiece models from ../shared data), the .spm goldens when python3-sentencepiece
# is missing, and the edge case texts (written by hand).
# Needs /usr/bin/python3 with torch and the HF tokenizers reference (scripts/setup.sh);
# exit 77 when either is missing, 1 when a file differs.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=${1:?usage: regenerate.sh WORK_DIR [--write]}
write=${2:-}
py=/usr/bin/python3
node_ref="$repo/scripts/goldens/node_modules/@anush008/tokenizers"
if ! command -v node >/dev/null || [[ ! -d $node_ref ]]; then
  echo "SKIPPED: the HF tokenizers reference is not installed (run scripts/setup.sh)" >&2
  exit 77
fi
if ! $py -c 'import torch' 2>/dev/null; then
  echo "SKIPPED: $py has no torch (Debian: apt-get install python3-torch)" >&2
  exit 77
fi

rm -rf "$work"
mkdir -p "$work"
cp -r "$repo/tests/data" "$work/data"
G=$work/data/goldens T=$work/data/tokenizers M=$work/data/models
cd "$repo"
quiet() { "$@" > /dev/null 2>&1 || { echo "regenerate.sh: failed: $*" >&2; "$@" >&2; exit 1; }; }
goldens() {  # TOKENIZER_JSON CASES OUTPUT
  quiet node scripts/goldens/make_token_goldens.js --tokenizer "$1" --input "$2" --output "$3"
}

# Case lists, then the family goldens (tests/data/goldens/README.md).
quiet $py scripts/goldens/make_wordpiece_cases.py --output "$G/wordpiece_cases.jsonl"
goldens "$work/data/vocab/bert-base-uncased/tokenizer.json" "$G/wordpiece_cases.jsonl" \
  "$G/bert-base-uncased.wordpiece.jsonl"
quiet $py scripts/goldens/make_multilingual_cases.py --output "$G/multilingual_cases.jsonl"
quiet $py scripts/goldens/make_tokenizer_cases.py --input "$G/wordpiece_cases.jsonl" \
  --input "$G/multilingual_cases.jsonl" --output "$G/tokenizer_cases.jsonl"
for n in xlmr xlmr-legacy deberta roberta; do
  goldens "$T/$n/tokenizer.json" "$G/tokenizer_cases.jsonl" "$G/$n.jsonl"
done
if $py -c 'import sentencepiece' 2>/dev/null; then
  quiet $py scripts/goldens/make_spm_goldens.py --family xlmr --model "$T/xlmr/sentencepiece.bpe.model" \
    --input "$G/tokenizer_cases.jsonl" --output "$G/xlmr.spm.jsonl"
  quiet $py scripts/goldens/make_spm_goldens.py --family deberta --model "$T/deberta/spm.model" \
    --input "$G/tokenizer_cases.jsonl" --output "$G/deberta.spm.jsonl"
  quiet $py scripts/goldens/make_spm_goldens.py --family xlmr --model "$T/spm-bpe/sentencepiece.bpe.model" \
    --input "$G/tokenizer_cases.jsonl" --output "$G/spm-bpe.spm.jsonl"
else
  echo "regenerate.sh: python3-sentencepiece missing: the .spm goldens are not regenerated" >&2
fi

# Tokenizer variants and their goldens.
quiet $py scripts/goldens/make_tokenizer_variants.py --tokenizers-dir "$T" --output-dir "$T/variants"
for n in bpe-unk-fuse bpe-affixes bytelevel-ignore-merges bytelevel-noregex \
         unigram-bytefallback unigram-precompiled-first wordpiece-custom llama-bpe; do
  goldens "$T/variants/$n/tokenizer.json" "$G/tokenizer_cases.jsonl" "$G/variants/$n.jsonl"
done
quiet $py scripts/goldens/make_regex_cases.py --output "$G/regex_cases.jsonl"
cat "$G/tokenizer_cases.jsonl" "$G/regex_cases.jsonl" > "$work/variant_cases.jsonl"
for n in qwen-split split-behaviors gemma-bpe; do
  goldens "$T/variants/$n/tokenizer.json" "$work/variant_cases.jsonl" "$G/variants/$n.jsonl"
done
cat "$G/tokenizer_cases.jsonl" "$G/regex_cases.jsonl" "$G/edge_cases.jsonl" > "$work/mb_cases.jsonl"
goldens "$T/variants/modernbert-bpe/tokenizer.json" "$work/mb_cases.jsonl" "$G/variants/modernbert-bpe.jsonl"
quiet $py scripts/goldens/make_edge_variants.py --variants-dir "$T/variants" --cases "$G/edge_cases.jsonl"
cat "$G/tokenizer_cases.jsonl" "$G/edge_cases.jsonl" > "$work/all_cases.jsonl"
for n in added-edges metaspace-first-split; do
  goldens "$T/variants/$n/tokenizer.json" "$work/all_cases.jsonl" "$G/variants/$n.jsonl"
done

# LLM prompt goldens.
for r in qwen3-reranker:qwen-split mxbai-rerank-v2:qwen-split bge-reranker-gemma:gemma-bpe; do
  quiet node scripts/goldens/make_prompt_goldens.js --recipe "${r%%:*}" \
    --tokenizer "$T/variants/${r#*:}/tokenizer.json" --output "$G/prompts/${r%%:*}.jsonl"
done

# The tiny models' eager scores (tests/data/models/README.md), two at a time.
fixture() {  # FAMILY NAME GOLDENS
  quiet $py scripts/fixtures/make_fixture_model.py --family "$1" --size tiny --out "$work/model-$2" \
    --goldens-in "$G/$3" --goldens-out "$G/tiny-$2.scores.jsonl"
}
# Removed first: a generator that failed must not leave the committed copy to compare.
rm -f "$G"/tiny-*.scores.jsonl
fixture bert bert bert-base-uncased.wordpiece.jsonl & a=$!
fixture roberta roberta roberta.jsonl & b=$!
wait $a && wait $b
fixture xlmr xlmr xlmr.jsonl & a=$!
fixture deberta deberta deberta.jsonl & b=$!
wait $a && wait $b

# Eager float32 logits follow the CPU's BLAS kernels (the committed ones came from another
# CPU): equal to 1e-5, every other field exactly; the committed file then stands.
for f in bert roberta xlmr deberta; do
  if $py - "$repo/tests/data/goldens/tiny-$f.scores.jsonl" "$G/tiny-$f.scores.jsonl" <<'EOF'
import json, sys
a, b = ([json.loads(line) for line in open(p, encoding="utf-8")] for p in sys.argv[1:])
same = len(a) == len(b) and all(
    {k: v for k, v in x.items() if k not in ("logits", "score")} ==
    {k: v for k, v in y.items() if k not in ("logits", "score")} and
    len(x["logits"]) == len(y["logits"]) and
    all(abs(u - v) <= 1e-5 for u, v in zip(x["logits"] + [x["score"]], y["logits"] + [y["score"]]))
    for x, y in zip(a, b))
sys.exit(0 if same else 1)
EOF
  then
    cp "$repo/tests/data/goldens/tiny-$f.scores.jsonl" "$G/tiny-$f.scores.jsonl"
  fi
done

rc=0
if ! diff -r -q -x model.pt "$repo/tests/data" "$work/data" > "$work/diff.txt"; then
  rc=1
  echo "regenerate.sh: regenerated files differ from the committed ones:" >&2
  sed 's/^/  /' "$work/diff.txt" >&2
  if [[ $write == --write ]]; then
    cp -r "$work/data/." "$repo/tests/data/"
    echo "regenerate.sh: copied into tests/data" >&2
    rc=0
  fi
else
  echo "regenerate.sh: every regenerated file matches tests/data (byte for byte; eager scores to 1e-5)" >&2
fi
exit $rc
