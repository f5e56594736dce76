#!/usr/bin/env bash
# Builds sentencepiece from Debian's source package as a static PIC library linked
# against the system protobuf. Debian's libsentencepiece0 bundles protobuf-lite 3.14
# and exports its symbols, which crashes any process that also loads libtorch
# (libprotobuf 3.21): see docs/architecture.md. Idempotent: does nothing when the
# install prefix already holds the library.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$here/install"
if [[ -f "$prefix/lib/libsentencepiece.a" && -f "$prefix/include/sentencepiece_processor.h" ]]; then
  echo "sentencepiece: already built in $prefix" >&2
  exit 0
fi
work="$here/work"
rm -rf "$work" && mkdir -p "$work"
log="$work/build.log"
# Compiler warnings of a third-party build are noise here; the log is shown on failure.
trap 'echo "sentencepiece: build failed; last lines of $log:" >&2; tail -30 "$log" >&2' ERR
cd "$work"
apt-get source --download-only sentencepiece >>"$log" 2>&1
dsc=$(ls sentencepiece_*.dsc | head -1)
dpkg-source -x "$dsc" src >>"$log" 2>&1
cd src
# Debian disables the static library; we need exactly that one.
patch -R -p1 --quiet < debian/patches/disable-static-library.patch
# init.h names the bundled protobuf-lite by path even when the system protobuf is used.
sed -i 's|"third_party/protobuf-lite/google/protobuf/message_lite.h"|<google/protobuf/message_lite.h>|' src/init.h
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DSPM_ENABLE_SHARED=OFF -DSPM_USE_BUILTIN_PROTOBUF=OFF -DSPM_ENABLE_TCMALLOC=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib >>"$log" 2>&1
cmake --build build -j"${JOBS:-2}" >>"$log" 2>&1
cmake --install build >>"$log" 2>&1
echo "sentencepiece: installed into $prefix" >&2
