#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and builds crossrank (Release, -j2). Idempotent:
# a second run only rebuilds what changed.
#   scripts/setup.sh            everything: the binary, the tests, the test references
#   scripts/setup.sh crossrank  only what the demo needs
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
say() { echo "setup: $*" >&2; }
targets=("$@")

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { say "run as root (apt-get is needed)"; exit 1; }
  sudo_cmd=(sudo)
fi

packages=(build-essential cmake pkg-config dpkg-dev
  libtorch-dev libcli11-dev nlohmann-json3-dev catch2 libspdlog-dev libutf8proc-dev
  libprotobuf-dev protobuf-compiler zlib1g-dev libpcre2-dev
  # Debian's libtorch calls the generic BLAS; without this it gets netlib's reference
  # BLAS, ~30x slower (docs/architecture.md).
  libopenblas0-openmp
  # fixtures and the Python benchmark peer
  python3-torch
  # the independent reference for `crossrank eval`'s metrics (scripts/eval_reference.py)
  python3-sklearn
  # the sharding test runs its shards as GNU parallel jobs (docs/scaling.md)
  parallel)
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
apt_updated=0
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q >/dev/null
  apt_updated=1
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# sentencepiece is built from Debian's source package (third_party/sentencepiece/build.sh).
spm=third_party/sentencepiece/install
if [[ ! -f $spm/lib/libsentencepiece.a || ! -f $spm/include/sentencepiece_processor.h ]]; then
  src_list=/etc/apt/sources.list.d/crossrank-deb-src.sources
  if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "enabling Debian source packages ($src_list)"
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
        "${sudo_cmd[@]}" tee "$src_list" >/dev/null
    else
      grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
        "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/crossrank-deb-src.list >/dev/null
    fi
    apt_updated=0
  fi
  ((apt_updated)) || "${sudo_cmd[@]}" apt-get update -q >/dev/null
  say "building sentencepiece (static, system protobuf)"
  third_party/sentencepiece/build.sh
fi

# The Hugging Face tokenizers reference for the test goldens (npm registry).
if [[ ${#targets[@]} -eq 0 && ! -d scripts/goldens/node_modules/@anush008/tokenizers ]]; then
  say "installing the HF tokenizers reference (npm)"
  (cd scripts/goldens && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

say "building crossrank"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -Wno-dev >/dev/null
if ((${#targets[@]})); then
  cmake --build build -j2 --target "${targets[@]}" >/dev/null
else
  cmake --build build -j2 >/dev/null
fi
say "done: build/apps/crossrank/crossrank"
