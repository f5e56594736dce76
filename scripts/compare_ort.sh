#!/usr/bin/env bash
# crossrank vs ONNX Runtime (transformers.js 4.3.1 = @huggingface/transformers, bundling
# onnxruntime-node 1.30.0; pinned in scripts/ort/package.json and package-lock.json): the
# benchmark crossrank's speed goal is judged by.
#
#   scripts/compare_ort.sh [--rounds N] [-i PAIRS.jsonl] [--work-dir DIR] [--threads N]
#                          [--batch-size N] [--tol X] [-- extra crossrank score args]
#
#   --rounds N      interleaved rounds (crossrank, ORT, crossrank, ORT, ...); medians reported (3)
#   -i FILE         pairs JSONL in any form `crossrank score` reads (default: the 6165 WikiQA
#                   test pairs from ../shared/data/wikiqa/WikiQA-test.tsv, or $WIKIQA_TSV)
#   --work-dir DIR  cache: fixture model, ONNX export, npm install, run files (build/compare_ort)
#   --threads N     ORT intra-op threads (default: nproc; crossrank uses its default, one per core)
#   --batch-size N  ORT batch size (default 32)
#   --tol X         largest allowed |logit difference| between the two (default 1e-3)
# Environment: CROSSRANK (default build/apps/crossrank/crossrank), TORCH_PYTHON (/usr/bin/python3).
#
# Network: only once, for `npm ci` of scripts/ort/ into DIR/npm (re-run when the lock file
# changes), with ONNXRUNTIME_NODE_INSTALL=skip (onnxruntime-node's installer would otherwise try
# to download CUDA files). Everything else runs offline.
#
# What is compared (same pairs, same weights):
#   model      the MiniLM-L6-H384-shaped random-weight fixture (scripts/fixtures/make_fixture_model.py
#              --size minilm) as crossrank's bundle, and the same weights exported to ONNX
#              (scripts/ort/export_onnx.py, opset 17, dynamic batch and sequence axes).
#   crossrank  `crossrank score -m DIR -i PAIRS -o FILE --activation identity`, default options,
#              timed from process start to exit ("end to end"); "excluding start-up" is the
#              pairs/s of its own summary line on stderr (time after the model has loaded).
#   ORT        scripts/ort/run_ort.mjs: transformers.js AutoTokenizer +
#              AutoModelForSequenceClassification, CPU, fp32, intra-op threads = --threads.
#              Model load is timed apart; one untimed warm-up batch; then each order is one
#              timed pass that tokenizes every pair with transformers.js (truncation to 512) and
#              runs batches of 32 formed after sorting by token length ("sorted", ORT's best
#              configuration) or in input order ("input").
#   check      the ids transformers.js fed ORT are compared with `crossrank tokenize`'s; the
#              logits are compared on every pair whose ids are identical (transformers.js cuts
#              long pairs wrongly, see DESIGN.md, so truncated pairs differ and are skipped,
#              and counted). Fails when the largest |difference| exceeds --tol.
# stdout: only the result table (Markdown). Progress and tool logs: stderr. Exit 1 on failure.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
COMMAND_LINE="scripts/compare_ort.sh${*:+ $*}"
START_S=$(date +%s.%N)

die() { echo "compare_ort.sh: ERROR: $*" >&2; exit 1; }
log() { echo "compare_ort.sh: $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; }

CROSSRANK="${CROSSRANK:-build/apps/crossrank/crossrank}"
TORCH_PYTHON="${TORCH_PYTHON:-/usr/bin/python3}"
WIKIQA_TSV="${WIKIQA_TSV:-$(cd "$REPO_ROOT/.." && pwd)/shared/data/wikiqa/WikiQA-test.tsv}"
ROUNDS=3
PAIRS_IN=""
WORK="build/compare_ort"
THREADS="$(nproc)"
BATCH=32
TOL="1e-3"
EXTRA=()

need_arg() { [[ $# -ge 2 ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) need_arg "$@"; ROUNDS="$2"; shift 2 ;;
    -i|--input) need_arg "$@"; PAIRS_IN="$2"; shift 2 ;;
    --work-dir) need_arg "$@"; WORK="$2"; shift 2 ;;
    --threads) need_arg "$@"; THREADS="$2"; shift 2 ;;
    --batch-size) need_arg "$@"; BATCH="$2"; shift 2 ;;
    --tol) need_arg "$@"; TOL="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
for v in ROUNDS THREADS BATCH; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "${v,,} must be a positive integer, got '${!v}'"
done

# ---------------------------------------------------------------- prerequisites
[[ -x "$CROSSRANK" ]] || die "crossrank binary not found: $CROSSRANK (build it first, or set CROSSRANK=...)"
[[ -x "$TORCH_PYTHON" ]] || die "Python with torch not found: $TORCH_PYTHON (set TORCH_PYTHON=...)"
command -v node > /dev/null || die "node not found (Node.js 20 or newer is needed)"
command -v npm > /dev/null || die "npm not found"
[[ -z "$PAIRS_IN" || -f "$PAIRS_IN" ]] || die "no such input file: $PAIRS_IN"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
FIXTURE="$WORK/fixture"        # crossrank bundle
ONNX_BUNDLE="$WORK/onnx-bundle" # transformers.js folder: onnx/model.onnx + config + tokenizer
NPM_DIR="$WORK/npm"
RUN="$WORK/run"
rm -rf "$RUN"
mkdir -p "$RUN"

# ---------------------------------------------------------------- 1. fixture model (cached)
# Made again when the scripts that trace it changed since.
stale_fixture() {
  [[ ! -f "$FIXTURE/model.pt" ]] && return 0
  local f
  for f in scripts/fixtures/make_fixture_model.py scripts/models/*.py; do
    [[ "$f" -nt "$FIXTURE/model.pt" ]] && return 0
  done
  return 1
}
if stale_fixture; then
  log "generating the MiniLM-L6-H384 fixture into $FIXTURE (random weights, ~30 s)"
  rm -rf "$FIXTURE.partial"
  "$TORCH_PYTHON" scripts/fixtures/make_fixture_model.py --size minilm --out "$FIXTURE.partial" >&2 \
    || die "fixture generation failed"
  rm -rf "$FIXTURE"
  mv "$FIXTURE.partial" "$FIXTURE"
fi

# ---------------------------------------------------------------- 2. ONNX export (cached)
if [[ ! -f "$ONNX_BUNDLE/onnx/model.onnx" || "$FIXTURE/model.pt" -nt "$ONNX_BUNDLE/onnx/model.onnx" ]]; then
  log "exporting $FIXTURE to ONNX in $ONNX_BUNDLE"
  rm -rf "$ONNX_BUNDLE"
  "$TORCH_PYTHON" scripts/ort/export_onnx.py --bundle "$FIXTURE" --out "$ONNX_BUNDLE" >&2 \
    || die "ONNX export failed"
fi

# ---------------------------------------------------------------- 3. transformers.js (cached)
if [[ ! -d "$NPM_DIR/node_modules" ]] || ! cmp -s scripts/ort/package-lock.json "$NPM_DIR/package-lock.json"; then
  log "installing transformers.js into $NPM_DIR (npm ci; needs the npm registry this once)"
  rm -rf "$NPM_DIR"
  mkdir -p "$NPM_DIR"
  cp scripts/ort/package.json scripts/ort/package-lock.json "$NPM_DIR/"
  (cd "$NPM_DIR" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >&2) \
    || { rm -rf "$NPM_DIR"; die "npm ci failed"; }
fi
cp scripts/ort/run_ort.mjs "$NPM_DIR/" # imports resolve from the script's folder

# ---------------------------------------------------------------- 4. pairs and reference ids
if [[ -n "$PAIRS_IN" ]]; then
  PAIRS="$(cd "$(dirname "$PAIRS_IN")" && pwd)/$(basename "$PAIRS_IN")"
  PAIRS_LABEL="$PAIRS_IN"
else
  [[ -f "$WIKIQA_TSV" ]] || die "WikiQA test TSV not found: $WIKIQA_TSV
  It is read at run time from ../shared beside the repository (never committed: research-use
  licence). Put the shared data there, set WIKIQA_TSV=..., or pass -i PAIRS.jsonl."
  PAIRS="$RUN/pairs.jsonl"
  "$TORCH_PYTHON" scripts/data/wikiqa_pairs.py --pairs --input "$WIKIQA_TSV" --output "$PAIRS" >&2
  PAIRS_LABEL="WikiQA test"
fi
NPAIRS=$(grep -c '[^[:space:]]' "$PAIRS" || true)
(( NPAIRS > 0 )) || die "no pairs in $PAIRS"
log "crossrank tokenize (untimed): the reference ids for the score check"
"$CROSSRANK" -q tokenize -m "$FIXTURE" -i "$PAIRS" -o "$RUN/tokens.jsonl" || die "crossrank tokenize failed"
"$CROSSRANK" -q info -m "$FIXTURE" --json > "$RUN/info.json" || die "crossrank info failed"

# ---------------------------------------------------------------- 5. interleaved rounds
now() { date +%s.%N; }
# Where the CPU has AVX-512 BF16, every round also runs crossrank --dtype bf16.
dtypes=(fp32)
grep -q '"cpu_bf16":true' "$RUN/info.json" && dtypes+=(bf16)
run_crossrank() {  # ROUND DTYPE: one timed `crossrank score`, appended to crossrank[-DTYPE]-times.txt
  local r=$1 dtype=$2 suffix="" t0 t1 pps
  [[ $dtype == fp32 ]] || suffix="-$dtype"
  local args=(score -m "$FIXTURE" -i "$PAIRS" -o "$RUN/crossrank$suffix.jsonl" --activation identity
              --dtype "$dtype" "${EXTRA[@]+"${EXTRA[@]}"}")
  log "round $r/$ROUNDS: $CROSSRANK ${args[*]}"
  t0=$(now)
  "$CROSSRANK" "${args[@]}" 2> "$RUN/crossrank$suffix-$r.log" \
    || { cat "$RUN/crossrank$suffix-$r.log" >&2; die "crossrank score failed"; }
  t1=$(now)
  cat "$RUN/crossrank$suffix-$r.log" >&2
  pps=$(sed -n 's/.*score: .* \([0-9.]*\) pairs\/s.*/\1/p' "$RUN/crossrank$suffix-$r.log" | tail -n 1)
  [[ -n "$pps" ]] || die "no summary line (pairs/s) in crossrank's log"
  echo "$t0 $t1 $pps" >> "$RUN/crossrank$suffix-times.txt"
}
for ((r = 1; r <= ROUNDS; r++)); do
  for dtype in "${dtypes[@]}"; do run_crossrank "$r" "$dtype"; done

  orders="sorted,input"; (( r % 2 == 0 )) && orders="input,sorted" # neither always goes first
  log "round $r/$ROUNDS: ORT (transformers.js), orders $orders, batch $BATCH, $THREADS threads"
  node "$NPM_DIR/run_ort.mjs" --model "$ONNX_BUNDLE" --pairs "$PAIRS" --orders "$orders" \
    --batch-size "$BATCH" --threads "$THREADS" --out "$RUN/ort-scores.jsonl" \
    >> "$RUN/ort-results.jsonl" || die "the ORT runner failed"
done

# ---------------------------------------------------------------- 6. check and table
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
CPU_ID=$(awk -F': ' '/^cpu family/ {f = $2} /^model[[:space:]]*:/ {m = $2} END {print "family " f " model " m}' /proc/cpuinfo)
CORES=$(nproc)
NODE_VERSION=$(node --version)
export NPAIRS PAIRS_LABEL TOL ROUNDS BATCH THREADS COMMAND_LINE START_S CPU_MODEL CPU_ID CORES NODE_VERSION
"$TORCH_PYTHON" - "$RUN" <<'EOF'
import json, math, os, statistics, sys, time

run, env = sys.argv[1], os.environ
n, tol = int(env["NPAIRS"]), float(env["TOL"])

def jsonl(name):
    with open(os.path.join(run, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]

# Timings: medians over the rounds.
cr = [line.split() for line in open(os.path.join(run, "crossrank-times.txt"))]
cr_e2e_s = statistics.median(float(t1) - float(t0) for t0, t1, _ in cr)
cr_work_pps = statistics.median(float(p) for _, _, p in cr)
cr_startup_s = statistics.median((float(t1) - float(t0)) - n / float(p) for t0, t1, p in cr)
def times(name):
    path = os.path.join(run, name)
    return [line.split() for line in open(path)] if os.path.exists(path) else []
bf = times("crossrank-bf16-times.txt")
ort = jsonl("ort-results.jsonl")
ort_pps = {o: statistics.median(r["passes"][o]["pairs_per_s"] for r in ort) for o in ("sorted", "input")}
ort_tok = {o: statistics.median(r["passes"][o]["tokenize_s"] for r in ort) for o in ("sorted", "input")}
ort_pad = {o: ort[0]["passes"][o]["padding"] for o in ("sorted", "input")}
ort_load = statistics.median(r["load_s"] for r in ort)
best_order = max(ort_pps, key=ort_pps.get)
best = ort_pps[best_order]

# Score check: crossrank's logits vs ORT's (both orders), on the pairs whose ids agree.
cr_out, ref, got = jsonl("crossrank.jsonl"), jsonl("tokens.jsonl"), jsonl("ort-scores.jsonl")
if not len(cr_out) == len(ref) == len(got) == n:
    sys.exit(f"compare_ort.sh: ERROR: line counts differ: pairs {n}, crossrank {len(cr_out)}, "
             f"tokenize {len(ref)}, ORT {len(got)}")
worst, worst_at, compared, differ, differ_long, first_differ = 0.0, 0, 0, 0, 0, None
for i, (c, t, o) in enumerate(zip(cr_out, ref, got)):
    if t["input_ids"] != o["input_ids"] or t.get("token_type_ids") != o["token_type_ids"]:
        differ += 1
        differ_long += max(len(t["input_ids"]), len(o["input_ids"])) >= 512
        first_differ = first_differ or i + 1
        continue
    compared += 1
    for logits in o["logits"].values():
        d = abs(c["score"] - logits[0]) if math.isfinite(c["score"]) else math.inf
        if d > worst or not math.isfinite(d):
            worst, worst_at = d, i + 1
ok = compared > 0 and worst <= tol
if differ:
    print(f"compare_ort.sh: {differ} pair(s) got other ids from transformers.js than from crossrank "
          f"({differ_long} at the 512 limit); first: line {first_differ}; not compared", file=sys.stderr)

info = json.load(open(os.path.join(run, "info.json")))
blas = info.get("blas", "?").split(" at ")[0]
x = lambda a: f"{a / best:.2f}x"
rows = [
    (f"crossrank score, end to end (process start to exit, {cr_e2e_s:.2f} s)", f"{n / cr_e2e_s:.1f}", x(n / cr_e2e_s)),
    (f"crossrank score, excluding start-up (start-up {cr_startup_s:.2f} s: process start + model load)", f"{cr_work_pps:.1f}", x(cr_work_pps)),
]
if bf:
    bf_e2e_s = statistics.median(float(t1) - float(t0) for t0, t1, _ in bf)
    bf_work_pps = statistics.median(float(p) for _, _, p in bf)
    fp32_scores = [c["score"] for c in cr_out]
    bf_drift = max(abs(a["score"] - b) for a, b in zip(jsonl("crossrank-bf16.jsonl"), fp32_scores))
    rows += [
        (f"crossrank score --dtype bf16, end to end ({bf_e2e_s:.2f} s; max \\|logit - fp32 logit\\| {bf_drift:.1e})", f"{n / bf_e2e_s:.1f}", x(n / bf_e2e_s)),
        ("crossrank score --dtype bf16, excluding start-up", f"{bf_work_pps:.1f}", x(bf_work_pps)),
    ]
rows += [
    (f"ORT, batch {env['BATCH']}, length-sorted (tokenize {ort_tok['sorted']:.2f} s, padding {100 * ort_pad['sorted']:.1f}%)", f"{ort_pps['sorted']:.1f}", x(ort_pps['sorted'])),
    (f"ORT, batch {env['BATCH']}, input order (tokenize {ort_tok['input']:.2f} s, padding {100 * ort_pad['input']:.1f}%)", f"{ort_pps['input']:.1f}", x(ort_pps['input'])),
]
print(f"| {n} {env['PAIRS_LABEL']} pairs, median of {env['ROUNDS']} interleaved rounds | pairs/s | vs ORT best ({best_order}) |")
print("|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} |")
print(f"| ORT model load (not in the ORT rows) | {ort_load:.2f} s | |")
# The goals hold "every round": each round's end-to-end figures against that round's ORT.
for i, r in enumerate(ort):
    line = f"round {i + 1}: crossrank {n / (float(cr[i][1]) - float(cr[i][0])):.1f}"
    if bf:
        line += f", bf16 {n / (float(bf[i][1]) - float(bf[i][0])):.1f}"
    line += f", ORT sorted {r['passes']['sorted']['pairs_per_s']:.1f}, input {r['passes']['input']['pairs_per_s']:.1f}"
    print(f"| {line} | | |")
verdict = "ok" if ok else "FAIL"
print(f"| max abs logit diff crossrank vs ORT, {compared}/{n} pairs with identical ids | "
      f"{worst:.1e} (line {worst_at}) | {verdict}, tolerance {tol:g} |")
print()
print(f"- machine: {env['CPU_MODEL']} ({env['CPU_ID']}), {env['CORES']} cores; ORT intra-op threads "
      f"{env['THREADS']}, crossrank threads {info.get('threads')}")
print(f"- crossrank: libtorch {info.get('libtorch')}, {blas}; ORT: onnxruntime-node {ort[0]['onnxruntime_node']} "
      f"via transformers.js {ort[0]['transformers_js']}, node {env['NODE_VERSION']}")
print(f"- command: {env['COMMAND_LINE']} (took {time.time() - float(env['START_S']):.0f} s)")
if not ok:
    sys.exit(f"compare_ort.sh: ERROR: scores disagree: max |logit diff| {worst:g} > {tol:g} "
             f"(or no pair compared: {compared})")
EOF
