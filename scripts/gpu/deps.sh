#!/usr/bin/env bash
# Prepares, on a Debian 12 machine with network, what scripts/gpu/check.sh needs on a GPU
# machine that reaches no package registry: Debian's -dev packages crossrank builds
# against, unpacked into .devdeps/root (headers, CMake configs, .pc files, shared libraries),
# the benchmark pairs (WikiQA test, from ../shared) and the static sentencepiece. Carry
# .devdeps and third_party/sentencepiece/install with the call (docs/performance.md#gpu).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
deps=.devdeps
grep -qsx "/$deps/" .git/info/exclude || echo "/$deps/" >> .git/info/exclude
rm -rf "$deps" && mkdir -p "$deps/debs"
(cd "$deps/debs" && apt-get download -q catch2 libcli11-dev nlohmann-json3-dev libspdlog-dev \
  libspdlog1.10 libfmt-dev libfmt9 libutf8proc-dev libutf8proc2 libprotobuf-dev libprotobuf32 zlib1g-dev libpcre2-dev libpcre2-32-0 \
  pkgconf pkgconf-bin libpkgconf3 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2)
for f in "$deps"/debs/*.deb; do dpkg -x "$f" "$deps/root"; done
# Static archives and docs are not needed there; the call carries at most 64 MiB.
rm -rf "$deps/debs" "$deps/root/usr/share/doc" "$deps"/root/usr/lib/x86_64-linux-gnu/*.a
third_party/sentencepiece/build.sh
wikiqa="${WIKIQA_TSV:-$repo/../shared/data/wikiqa/WikiQA-test.tsv}"
if [[ -f $wikiqa ]]; then
  /usr/bin/python3 scripts/data/wikiqa_pairs.py --pairs --input "$wikiqa" --output "$deps/pairs.jsonl"
else
  echo "gpu/deps.sh: $wikiqa not found: check.sh will benchmark synthetic pairs" >&2
fi
du -sh "$deps" third_party/sentencepiece/install >&2
