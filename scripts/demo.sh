#!/usr/bin/env bash
# Sets up crossrank and reranks the bundled sample queries with the bundled model.
# The bundled model is a random-weight fixture until a trained demo model exists:
# its scores are meaningless, the pipeline around them is real.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh" crossrank
echo "demo: crossrank rerank -m tests/data/models/tiny-bert -k 3 < docs/examples/queries.jsonl" >&2
echo "demo: (random-weight fixture model: the scores are meaningless)" >&2
"$repo/build/apps/crossrank/crossrank" rerank -m "$repo/tests/data/models/tiny-bert" -k 3 \
  -i "$repo/docs/examples/queries.jsonl"
