#!/usr/bin/env bash
# Fuzzes crossrank's readers, tokenizers, pair encoder and bundle loaders with libFuzzer
# (tests/fuzz): builds build-fuzz/ with clang, AddressSanitizer and UBSan, runs each target
# for a set time over a working corpus seeded from tests/fuzz/corpus/<target> (plus the
# kept regression inputs), and prints executions, coverage and crashes per target.
#   scripts/fuzz.sh [--coverage] [SECONDS_PER_TARGET (60)] [TARGET...]
# Targets: fuzz_jsonl fuzz_tokenizers fuzz_pair_encoder fuzz_prompt fuzz_bundle (default: all).
# Exits 1 when a target found a crash, sanitizer report, timeout (-timeout=10: a slow input
# is a bug too) or out-of-memory; the input is in build-fuzz/artifacts/<target>/ and the log
# in build-fuzz/logs/<target>.log. Reproduce with build-fuzz/tests/fuzz/<target> INPUT.
# --coverage: afterwards, builds the targets with clang's source coverage, replays the final
# corpora and prints llvm-cov's line coverage of lib/src.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
say() { echo "fuzz: $*" >&2; }

all_targets=(fuzz_jsonl fuzz_tokenizers fuzz_pair_encoder fuzz_prompt fuzz_bundle)
coverage=0
seconds=60
targets=()
for arg in "$@"; do
  case $arg in
    --coverage) coverage=1 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *)
      if [[ $arg =~ ^[0-9]+$ && ${#targets[@]} -eq 0 && $seconds == 60 ]]; then
        seconds=$arg
      elif [[ " ${all_targets[*]} " == *" $arg "* ]]; then
        targets+=("$arg")
      else
        say "unknown target or argument: $arg (targets: ${all_targets[*]})"
        exit 2
      fi
      ;;
  esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")

# --- tools -------------------------------------------------------------------------------
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
packages=(cmake pkg-config nlohmann-json3-dev libspdlog-dev libutf8proc-dev libprotobuf-dev zlib1g-dev libpcre2-dev
  clang-14 libclang-rt-14-dev)
((coverage)) && packages+=(llvm-14)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    say "run as root (apt-get is needed for ${missing[*]})"
    exit 1
  fi
  say "installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
# sentencepiece is built from Debian's source package; setup.sh knows how.
spm=third_party/sentencepiece/install
if [[ ! -f $spm/lib/libsentencepiece.a || ! -f $spm/include/sentencepiece_processor.h ]]; then
  say "sentencepiece is not built: running scripts/setup.sh crossrank"
  scripts/setup.sh crossrank
fi
cxx=$(command -v clang++-14 || command -v clang++)
suffix=${cxx##*clang++}  # "-14" or ""

# --- build -------------------------------------------------------------------------------
# build_targets DIR STANDALONE CXX_FLAGS LINKER_FLAGS: the fuzz-only tree (no libtorch).
build_targets() {
  CXX=$cxx cmake -S . -B "$1" -DCROSSRANK_FUZZ=ON -DCROSSRANK_FUZZ_STANDALONE="$2" \
    -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_FLAGS="$3" -DCMAKE_EXE_LINKER_FLAGS="$4" -Wno-dev >/dev/null
  cmake --build "$1" -j2 --target "${targets[@]}" >"$1/build.log" 2>&1 || {
    tail -40 "$1/build.log"
    say "build of $1 failed ($1/build.log)"
    exit 1
  }
}
out=build-fuzz
say "building $out/ (clang, ASan, UBSan, libFuzzer)"
build_targets $out OFF \
  "-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  "-fsanitize=address,undefined"

# --- fuzz --------------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p $out/logs
declare -A status execs rate cov ft corpus found
crashes=0
for t in "${targets[@]}"; do
  corpus_dir=$out/corpus/$t
  artifacts=$out/artifacts/$t
  mkdir -p "$corpus_dir" "$artifacts" tests/fuzz/regressions/$t
  cp -n tests/fuzz/corpus/$t/* "$corpus_dir"/ 2>/dev/null || true
  before=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  dict=()
  [[ -f tests/fuzz/dict/$t.dict ]] && dict=(-dict=tests/fuzz/dict/$t.dict)
  say "$t: ${seconds}s"
  rc=0
  # The regression inputs are read too, but new units go to the working corpus only.
  timeout $((seconds + 600)) $out/tests/fuzz/$t -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
    "$corpus_dir" tests/fuzz/regressions/$t >$out/logs/$t.log 2>&1 || rc=$?
  log=$out/logs/$t.log
  after=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  found[$t]=$((after - before))
  if ((rc != 0 && found[$t] == 0)); then found[$t]=1; fi  # died without an artifact
  crashes=$((crashes + found[$t]))
  execs[$t]=$(grep -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$log" | tail -1 || true)
  rate[$t]=$(grep -oP 'stat::average_exec_per_sec:\s*\K[0-9]+' "$log" | tail -1 || true)
  cov[$t]=$(grep -oP '\bcov: \K[0-9]+' "$log" | tail -1 || true)
  ft[$t]=$(grep -oP '\bft: \K[0-9]+' "$log" | tail -1 || true)
  corpus[$t]="$(find "$corpus_dir" -type f | wc -l) / $(du -sk --apparent-size "$corpus_dir" | cut -f1)K"
  if ((found[$t])); then
    status[$t]="FOUND (rc $rc)"
    grep -E 'ERROR: |SUMMARY: |fuzz invariant broken|runtime error|Test unit written' "$log" | head -5 >&2 || true
  else
    status[$t]=ok
  fi
done

# --- coverage ----------------------------------------------------------------------------
declare -A lines
if ((coverage)); then
  cov_out=$out/coverage
  say "building $cov_out/ (source coverage, no sanitizers)"
  build_targets $cov_out ON "-O1 -g -fprofile-instr-generate -fcoverage-mapping" "-fprofile-instr-generate"
  rm -rf $cov_out/profiles && mkdir -p $cov_out/profiles
  objects=()
  for t in "${targets[@]}"; do
    LLVM_PROFILE_FILE=$cov_out/profiles/$t.profraw $cov_out/tests/fuzz/$t \
      $out/corpus/$t tests/fuzz/regressions/$t >/dev/null 2>&1 || say "$t: replay of the corpus failed"
    llvm-profdata$suffix merge -sparse $cov_out/profiles/$t.profraw -o $cov_out/profiles/$t.profdata
    lines[$t]=$(llvm-cov$suffix report $cov_out/tests/fuzz/$t -instr-profile=$cov_out/profiles/$t.profdata \
      lib/src | awk '/^TOTAL/ {print $(NF-3)}')
    objects+=(-object $cov_out/tests/fuzz/$t)
  done
  llvm-profdata$suffix merge -sparse $cov_out/profiles/*.profraw -o $cov_out/profiles/all.profdata
  echo
  echo "Line coverage of lib/src by the final corpora of: ${targets[*]}"
  # (inline functions instantiated differently per binary: llvm-cov warns of "mismatched data")
  llvm-cov$suffix report "${objects[@]:1}" -instr-profile=$cov_out/profiles/all.profdata lib/src 2>&1 |
    grep -v 'mismatched data'
  echo "HTML: llvm-cov$suffix show ${objects[*]:1} -instr-profile=$cov_out/profiles/all.profdata -format=html -output-dir=$cov_out/html lib/src"
fi

# --- summary -----------------------------------------------------------------------------
echo
printf '%-18s %12s %8s %7s %7s %16s %-8s %s\n' target executions exec/s cov ft "corpus files/KB" found status
for t in "${targets[@]}"; do
  printf '%-18s %12s %8s %7s %7s %16s %-8s %s' "$t" "${execs[$t]:-?}" "${rate[$t]:-?}" "${cov[$t]:-?}" \
    "${ft[$t]:-?}" "${corpus[$t]}" "${found[$t]}" "${status[$t]}"
  ((coverage)) && printf '   lines: %s of the lib/src it links' "${lines[$t]:-?}"
  echo
done
echo "(${seconds}s per target; cov/ft: libFuzzer's final edge and feature counts; found: libFuzzer"
echo " stops at a target's first crash, so 0 or 1 per run; logs in $out/logs/)"
if ((crashes)); then
  say "$crashes target(s) found a crash: inputs in $out/artifacts/; minimize with" \
    "$out/tests/fuzz/TARGET -minimize_crash=1 -runs=10000 INPUT"
  exit 1
fi
