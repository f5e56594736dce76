#!/usr/bin/env bash
# Sets up crossrank and reranks the bundled sample queries with the bundled demo model
# (models/demo: a small cross-encoder trained on STS Benchmark, models/demo/README.md).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh" crossrank
echo "demo: crossrank rerank -m models/demo -k 3 < docs/examples/queries.jsonl" >&2
"$repo/build/apps/crossrank/crossrank" rerank -m "$repo/models/demo" -k 3 \
  -i "$repo/docs/examples/queries.jsonl"
