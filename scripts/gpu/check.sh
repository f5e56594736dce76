#!/usr/bin/env bash
# The GPU checks, in one run on a machine with a CUDA build of torch in python3 and no
# package registry (docs/performance.md#gpu):
#   1. build crossrank against that torch's libtorch (torch 2.x, CUDA) with the Debian
#      packages and sentencepiece that scripts/gpu/deps.sh prepared here;
#   2. the test suite, CUDA parity included (model_tests "[cuda]");
#   3. a MiniLM-L6-H384-shaped checkpoint exported through transformers (scripts/export_hf.py),
#      crossrank's scores against sentence-transformers' CrossEncoder on CPU and CUDA, and
#      both timed (scripts/gpu/crossencoder_peer.py);
#   4. `crossrank bench` on CUDA per dtype and token budget;
#   5. LLM rerankers: tiny Qwen3/Qwen2/Gemma checkpoints through transformers and the model
#      cards' code against crossrank (scripts/gpu/llm_parity.py);
#   6. ModernBERT: tiny checkpoints (mean and cls pooling, an Ettin-style modular folder)
#      through transformers and CrossEncoder against crossrank (scripts/gpu/modernbert_parity.py).
# Usage: scripts/gpu/check.sh [OUTDIR]    (logs and JSON results go to OUTDIR)
#   GPU_CHECK_STEPS=tests,llm,modernbert,peer,bench (default: all five) picks what runs after
#   the build.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
out="${1:-${OUT:-/tmp/gpu_check}}"
mkdir -p "$out"
py="${PYTHON:-python3}"
jobs="$(nproc)"
root="$repo/.devdeps/root"
pairs="$repo/.devdeps/pairs.jsonl"
steps=",${GPU_CHECK_STEPS:-tests,llm,modernbert,peer,bench},"
want() { [[ $steps == *",$1,"* ]]; }
step() { echo "== $* ($(date +%T))" >&2; }
fail() { echo "gpu/check: $*" >&2; exit 1; }
[[ -d $root ]] || fail "$root missing: run scripts/gpu/deps.sh on the build machine and carry .devdeps"

step environment
nvidia-smi -L
"$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda,
  "gpu", torch.cuda.is_available(), "cxx11_abi", torch._C._GLIBCXX_USE_CXX11_ABI)' ||
  fail "python3 has no torch"
# Headers the torch include directory carries besides its own (they must not shadow the
# system's: lib/CMakeLists.txt keeps them to the two torch translation units).
ls "$("$py" -c 'import torch, os; print(os.path.dirname(torch.__file__))')/include" | tr '\n' ' '; echo

# The unpacked Debian packages: .pc files name /usr, so pkg-config prefixes the sysroot.
export PKG_CONFIG_SYSROOT_DIR="$root"
export PKG_CONFIG_LIBDIR="$root/usr/lib/x86_64-linux-gnu/pkgconfig:$root/usr/share/pkgconfig"
export LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$PATH:$root/usr/bin"
command -v nvcc >/dev/null || export PATH="$PATH:/usr/local/cuda/bin"

step "configure against $("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B build-gpu "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -Wno-dev \
  -DCMAKE_PREFIX_PATH="$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)');$root/usr" \
  >"$out/configure.log" 2>&1 || { tail -40 "$out/configure.log"; fail "cmake configure failed"; }
step build
cmake --build build-gpu -j"$jobs" >"$out/build.log" 2>&1 ||
  { grep -m 30 -B2 -A8 'error' "$out/build.log"; fail "build failed"; }
bin="$repo/build-gpu/apps/crossrank/crossrank"

if want tests; then
  step "tests (ctest; the shared-data goldens and export_hf need this machine's data and Python)"
  (cd build-gpu && ctest -j"$jobs" --output-on-failure -E 'goldens.shared_data|export_hf' \
    >"$out/ctest.log" 2>&1)
  grep -E 'tests passed|tests failed|\*\*\*|Failed  ' "$out/ctest.log" | head -20
  build-gpu/tests/model_tests '[cuda]' -s 2>&1 | grep -E 'drift|No CUDA|no CUDA|passed|failed' | sort -u
  step "info on CUDA"
  "$bin" info -m tests/data/models/tiny-bert --device cuda --dtype fp16 --json | tee "$out/info.json"
fi
if want llm; then
  step "LLM rerankers against transformers and the model cards' code"
  timeout 600 "$py" scripts/gpu/llm_parity.py --crossrank "$bin" | tee "$out/llm_parity.json"
fi
if want modernbert; then
  step "ModernBERT (both head formats) against transformers and CrossEncoder"
  timeout 600 "$py" scripts/gpu/modernbert_parity.py --crossrank "$bin" | tee "$out/modernbert_parity.json"
fi
want peer || want bench || { step done; exit 0; }

step "MiniLM-shaped checkpoint, exported through transformers"
work="${TMPDIR:-/tmp}/crossrank-gpu-check"  # models stay out of OUTDIR: ~90 MB each
hf="$work/hf-minilm"
bundle="$work/minilm-bundle"
"$py" scripts/fixtures/make_hf_checkpoint.py --family bert --size minilm --format safetensors --out "$hf" \
  >"$out/export.log" 2>&1 || { tail -20 "$out/export.log"; fail "checkpoint failed"; }
if ! "$py" scripts/export_hf.py "$hf" "$bundle" --force >>"$out/export.log" 2>&1; then
  tail -30 "$out/export.log"
  echo "gpu/check: the transformers export failed; exporting with --no-transformers" >&2
  "$py" scripts/export_hf.py "$hf" "$bundle" --force --no-transformers >>"$out/export.log" 2>&1 ||
    { tail -20 "$out/export.log"; fail "export failed"; }
fi
grep -E 'exported_by|transformers' "$bundle/crossrank.json" | head -5
echo '{"text_a":"a query","text_b":"a document"}' |
  "$bin" --log-level debug score -m "$bundle" --device cuda 2>&1 | grep -E 'constant|score|error'

[[ -f $pairs ]] || pairs=""  # deps.sh found no WikiQA: synthetic pairs, no CrossEncoder step

step "CrossEncoder parity and speed"
if want peer && [[ -n $pairs ]]; then
  timeout 240 "$py" scripts/gpu/crossencoder_peer.py --hf "$hf" --bundle "$bundle" --pairs "$pairs" \
    --crossrank "$bin" | tee "$out/crossencoder.json"
fi

want bench || { step done; exit 0; }
step "crossrank bench on CUDA"
input=()
[[ -n $pairs ]] && input=(-i "$pairs")
for dtype in fp32 fp16 bf16; do
  for tokens in 4096 16384 65536; do
    "$bin" -q bench -m "$bundle" "${input[@]}" --device cuda --dtype "$dtype" \
      --batch-tokens "$tokens" --max-batch-size 4096 --rounds 3 --json |
      tee -a "$out/bench.jsonl" |
      "$py" -c 'import json,sys; r=json.loads(sys.stdin.read()); print(r["dtype"], r["batch_tokens"],
        "pairs/s", r["pairs_per_s"], "warmup_s", r["warmup_s"], "model_s", r["model_s"],
        "tokenize_s", r["tokenize_s"], "padding", r["padding"], "rss_mib", r["peak_rss_mib"])'
  done
done
"$bin" -q bench -m "$bundle" "${input[@]}" --device cpu --rounds 1 --json | tee -a "$out/bench.jsonl" |
  "$py" -c 'import json,sys; r=json.loads(sys.stdin.read()); print("cpu", r["threads"], "threads",
    "pairs/s", r["pairs_per_s"], r["blas"][:60])'
step done
