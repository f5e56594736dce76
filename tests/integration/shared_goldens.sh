#!/usr/bin/env bash
# Generates token goldens for sentences of ../shared/data with the HF tokenizers
# reference (npm @anush008/tokenizers, installed by scripts/setup.sh) for the tokenizer
# of every family, then checks crossrank against them. Exit 77 (ctest: skipped) when the
# data or the reference is not on this machine.
set -euo pipefail
unit_tests=$1 out_dir=$2 shared_data=$3
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ ! -d "$shared_data/stsb" || ! -d "$shared_data/wikiqa" ]]; then
  echo "SKIPPED: $shared_data (STS-B, WikiQA) is not present" >&2
  exit 77
fi
if [[ ! -d "$repo/scripts/goldens/node_modules/@anush008/tokenizers" ]] || ! command -v node >/dev/null; then
  echo "SKIPPED: the HF tokenizers reference is not installed (run scripts/setup.sh)" >&2
  exit 77
fi
mkdir -p "$out_dir"
# name=tokenizer directory; the test binary reads CROSSRANK_SHARED_GOLDENS_DIR/<name>.jsonl
declare -A dirs=(
  [bert-base-uncased]="$repo/tests/data/vocab/bert-base-uncased"
  [xlmr]="$repo/tests/data/tokenizers/xlmr"
  [deberta]="$repo/tests/data/tokenizers/deberta"
  [roberta]="$repo/tests/data/tokenizers/roberta"
)
for name in "${!dirs[@]}"; do
  node "$repo/scripts/goldens/make_token_goldens.js" \
    --tokenizer "${dirs[$name]}/tokenizer.json" \
    --from-shared "$shared_data" --output "$out_dir/$name.jsonl"
done
CROSSRANK_SHARED_GOLDENS_DIR="$out_dir" exec "$unit_tests" "[shared]"
