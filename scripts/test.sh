#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs every test through ctest.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
cd "$repo/build"
ctest --output-on-failure -j2
