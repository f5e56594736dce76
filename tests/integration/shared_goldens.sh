#!/usr/bin/env bash
# Generates token goldens for sentences of ../shared/data with the HF tokenizers
# reference (npm @anush008/tokenizers, installed by scripts/setup.sh), then checks
# crossrank against them. Exit 77 (ctest: skipped) when the data or the reference
# is not on this machine.
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
goldens="$out_dir/bert-base-uncased.shared.jsonl"
node "$repo/scripts/goldens/make_token_goldens.js" \
  --tokenizer "$repo/tests/data/vocab/bert-base-uncased/tokenizer.json" \
  --from-shared "$shared_data" --output "$goldens"
CROSSRANK_SHARED_GOLDENS="$goldens" exec "$unit_tests" "[shared]"
