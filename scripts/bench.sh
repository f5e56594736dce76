#!/usr/bin/env bash
# Benchmark `crossrank score` against a Python TorchScript peer on WikiQA test pairs.
#
#   scripts/bench.sh [options] [-- extra crossrank score args]
#
# Options (environment variable in brackets):
#   --repeat N          crossrank runs, the best is reported (REPEAT, default 3)
#   --batch-tokens N    crossrank --batch-tokens (BATCH_TOKENS, default: crossrank's)
#   --max-batch-size N  crossrank --max-batch-size (MAX_BATCH_SIZE, default: crossrank's)
#   --threads N         crossrank --threads and the peer's torch threads (THREADS, default: nproc)
#   --limit N           only the first N pairs (LIMIT, default 0: all 6165)
#   --peer-order O      sorted | input | both (PEER_ORDER, default sorted)
#   --peer-batch N      the peer's batch size (PEER_BATCH, default 32)
#   --no-peer           crossrank only: no ratio, no score check (NO_PEER=1)
#   --peer-eager DIR    the peer runs this Hugging Face checkpoint (the bundle's source) eagerly
#                       with crossrank's own modules instead of model.pt (PEER_EAGER)
#   --model DIR         model bundle (MODEL_DIR, default models/minilm-l6-h384-fixture,
#                       generated with scripts/fixtures/make_fixture_model.py when missing)
#   --keep-tmp          keep the temporary directory and say where it is (KEEP_TMP=1)
# Other environment:
#   CROSSRANK       crossrank binary (default build/apps/crossrank/crossrank)
#   CROSSRANK_ARGS  extra crossrank score arguments (word-split), before those after --
#   TORCH_PYTHON    Python with torch (default /usr/bin/python3)
#   WIKIQA_TSV      WikiQA test TSV (default ../shared/data/wikiqa/WikiQA-test.tsv beside the repo)
#
# crossrank is timed end to end with the wall clock (process start, model load, reading
# JSONL, tokenizing, inference, writing JSONL to a temp file). The peer times only model
# execution on pre-tokenized, pre-padded batches (see scripts/bench_python_peer.py), after
# an untimed warm-up. crossrank's scores are checked against the peer's (sigmoid of the same
# model's logits): the run fails when they differ by more than 1e-4.
#
# stdout: only the results table (Markdown). Progress and tool logs: stderr.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

die() { echo "bench.sh: ERROR: $*" >&2; exit 1; }
log() { echo "bench.sh: $*" >&2; }

DEFAULT_MODEL_DIR="models/minilm-l6-h384-fixture"
CROSSRANK="${CROSSRANK:-build/apps/crossrank/crossrank}"
TORCH_PYTHON="${TORCH_PYTHON:-/usr/bin/python3}"
WIKIQA_TSV="${WIKIQA_TSV:-$(cd "$REPO_ROOT/.." && pwd)/shared/data/wikiqa/WikiQA-test.tsv}"
MODEL_DIR="${MODEL_DIR:-$DEFAULT_MODEL_DIR}"
REPEAT="${REPEAT:-3}"
BATCH_TOKENS="${BATCH_TOKENS:-}"
MAX_BATCH_SIZE="${MAX_BATCH_SIZE:-}"
THREADS="${THREADS:-}"
LIMIT="${LIMIT:-0}"
PEER_ORDER="${PEER_ORDER:-sorted}"
PEER_BATCH="${PEER_BATCH:-32}"
NO_PEER="${NO_PEER:-0}"
PEER_EAGER="${PEER_EAGER:-}"
KEEP_TMP="${KEEP_TMP:-0}"
TOL="1e-4"
# shellcheck disable=SC2206
EXTRA=(${CROSSRANK_ARGS:-})

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; }

need_arg() { [[ $# -ge 2 ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) need_arg "$@"; REPEAT="$2"; shift 2 ;;
    --batch-tokens) need_arg "$@"; BATCH_TOKENS="$2"; shift 2 ;;
    --max-batch-size) need_arg "$@"; MAX_BATCH_SIZE="$2"; shift 2 ;;
    --threads) need_arg "$@"; THREADS="$2"; shift 2 ;;
    --limit) need_arg "$@"; LIMIT="$2"; shift 2 ;;
    --peer-order) need_arg "$@"; PEER_ORDER="$2"; shift 2 ;;
    --peer-batch) need_arg "$@"; PEER_BATCH="$2"; shift 2 ;;
    --no-peer) NO_PEER=1; shift ;;
    --peer-eager) need_arg "$@"; PEER_EAGER="$2"; shift 2 ;;
    --model) need_arg "$@"; MODEL_DIR="$2"; shift 2 ;;
    --keep-tmp) KEEP_TMP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; EXTRA+=("$@"); break ;;
    *) die "unknown option: $1 (see --help; crossrank arguments go after --)" ;;
  esac
done

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
if ! is_uint "$REPEAT" || (( REPEAT < 1 )); then die "--repeat must be a positive integer"; fi
is_uint "$LIMIT" || die "--limit must be a non-negative integer"
if ! is_uint "$PEER_BATCH" || (( PEER_BATCH < 1 )); then die "--peer-batch must be a positive integer"; fi
[[ -z "$BATCH_TOKENS" ]] || is_uint "$BATCH_TOKENS" || die "--batch-tokens must be a positive integer"
[[ -z "$MAX_BATCH_SIZE" ]] || is_uint "$MAX_BATCH_SIZE" || die "--max-batch-size must be a positive integer"
[[ -z "$THREADS" ]] || is_uint "$THREADS" || die "--threads must be a non-negative integer"
case "$PEER_ORDER" in sorted|input|both) ;; *) die "--peer-order must be sorted, input or both" ;; esac

# ---------------------------------------------------------------- prerequisites
[[ -x "$CROSSRANK" ]] || die "crossrank binary not found: $CROSSRANK (build it first, or set CROSSRANK=...)"
[[ -f "$WIKIQA_TSV" ]] || die "WikiQA test TSV not found: $WIKIQA_TSV
  It is read at run time from ../shared beside the repository (never committed: research-use
  licence). Put the shared data there, or set WIKIQA_TSV=..."
[[ -x "$TORCH_PYTHON" ]] || die "Python with torch not found: $TORCH_PYTHON (set TORCH_PYTHON=...)"

if [[ ! -f "$MODEL_DIR/model.pt" ]]; then
  if [[ "$MODEL_DIR" != "$DEFAULT_MODEL_DIR" ]]; then
    die "no model.pt in $MODEL_DIR"
  fi
  log "fixture model missing: generating $MODEL_DIR (MiniLM-L6-H384 shape, random weights, ~30 s)"
  partial="$MODEL_DIR.partial.$$"
  rm -rf "$partial"
  mkdir -p "$(dirname "$MODEL_DIR")"
  "$TORCH_PYTHON" scripts/fixtures/make_fixture_model.py --size minilm --out "$partial" >&2 \
    || { rm -rf "$partial"; die "fixture generation failed"; }
  rm -rf "$MODEL_DIR"
  mv "$partial" "$MODEL_DIR"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/crossrank-bench.XXXXXX")"
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() { if [[ "$KEEP_TMP" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT

# ---------------------------------------------------------------- data
log "converting $WIKIQA_TSV"
"$TORCH_PYTHON" scripts/data/wikiqa_pairs.py --pairs --input "$WIKIQA_TSV" --output "$TMP/all.jsonl" >&2
if (( LIMIT > 0 )); then
  head -n "$LIMIT" "$TMP/all.jsonl" > "$TMP/pairs.jsonl"
else
  mv "$TMP/all.jsonl" "$TMP/pairs.jsonl"
fi
NPAIRS=$(wc -l < "$TMP/pairs.jsonl")
(( NPAIRS > 0 )) || die "no pairs"

# ---------------------------------------------------------------- crossrank
CR_ARGS=(score -m "$MODEL_DIR" -i "$TMP/pairs.jsonl" -o "$TMP/crossrank.jsonl")
[[ -z "$BATCH_TOKENS" ]] || CR_ARGS+=(--batch-tokens "$BATCH_TOKENS")
[[ -z "$MAX_BATCH_SIZE" ]] || CR_ARGS+=(--max-batch-size "$MAX_BATCH_SIZE")
[[ -z "$THREADS" ]] || CR_ARGS+=(--threads "$THREADS")
CR_ARGS+=("${EXTRA[@]+"${EXTRA[@]}"}")

now() { date +%s.%N; }
best_s=""
best_log=""
for ((r = 1; r <= REPEAT; r++)); do
  log "crossrank run $r/$REPEAT: $CROSSRANK ${CR_ARGS[*]}"
  t0=$(now)
  if ! "$CROSSRANK" "${CR_ARGS[@]}" 2> "$TMP/crossrank.log"; then
    cat "$TMP/crossrank.log" >&2
    die "crossrank score failed"
  fi
  t1=$(now)
  cat "$TMP/crossrank.log" >&2
  s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  log "crossrank run $r/$REPEAT: $s s wall, $(awk -v n="$NPAIRS" -v s="$s" 'BEGIN { printf "%.1f", n / s }') pairs/s"
  if [[ -z "$best_s" ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
    best_s="$s"
    best_log="$(grep -E 'score: .*pairs/s' "$TMP/crossrank.log" | tail -n 1 || true)"
  fi
done
OUT_LINES=$(wc -l < "$TMP/crossrank.jsonl")
(( OUT_LINES == NPAIRS )) || die "crossrank wrote $OUT_LINES lines for $NPAIRS pairs"
cr_pps=$(awk -v n="$NPAIRS" -v s="$best_s" 'BEGIN { printf "%.1f", n / s }')
# crossrank's own summary (excludes process start and model load), e.g. "..., 500.0 pairs/s, padding 3.1%"
cr_internal=$(sed -n 's/.* \([0-9.]*\) pairs\/s.*/\1/p' <<< "$best_log")
cr_padding=$(sed -n 's/.*padding \([0-9.]*%\).*/\1/p' <<< "$best_log")

# ---------------------------------------------------------------- peer
peer_rows=()
ratio=""
diff_line=""
status=0
if [[ "$NO_PEER" != 1 ]]; then
  log "tokenizing for the peer (untimed)"
  "$CROSSRANK" -q tokenize -m "$MODEL_DIR" -i "$TMP/pairs.jsonl" -o "$TMP/tokens.jsonl" >&2 \
    || die "crossrank tokenize failed"
  PEER_THREADS="${THREADS:-0}"
  (( PEER_THREADS > 0 )) || PEER_THREADS=$(nproc)
  orders=("$PEER_ORDER"); [[ "$PEER_ORDER" == both ]] && orders=(sorted input)
  for o in "${orders[@]}"; do
    log "python peer: batch $PEER_BATCH, $o, $PEER_THREADS threads"
    scores_arg=()
    [[ "$o" == "${orders[0]}" ]] && scores_arg=(--scores-out "$TMP/peer.jsonl")
    [[ -z "$PEER_EAGER" ]] || scores_arg+=(--eager "$PEER_EAGER")
    "$TORCH_PYTHON" scripts/bench_python_peer.py -m "$MODEL_DIR" --tokens "$TMP/tokens.jsonl" \
      --batch-size "$PEER_BATCH" --order "$o" --threads "$PEER_THREADS" --json \
      "${scores_arg[@]+"${scores_arg[@]}"}" > "$TMP/peer-$o.json" || die "python peer failed"
    read -r p_pps p_s p_ver p_kind < <("$TORCH_PYTHON" -c '
import json, re, sys
r = json.load(open(sys.argv[1]))
v = re.match(r"python torch (\d+\.\d+)\S* (\w+)", r["runner"])
print(r["pairs_per_s"], "%.3f" % r["seconds"], *(v.groups() if v else ("?", "?")))' "$TMP/peer-$o.json")
    label="input order"; [[ "$o" == sorted ]] && label="length-sorted"
    peer_rows+=("| python torch $p_ver $p_kind, batch $PEER_BATCH, $label, $PEER_THREADS threads (model only) | $(printf '%.1f' "$p_pps") | $p_s |")
    if [[ -z "$ratio" ]]; then
      ratio=$(awk -v a="$cr_pps" -v b="$p_pps" 'BEGIN { printf "%.2fx", a / b }')
      ratio_label="$label"
    fi
  done

  log "checking crossrank scores against the peer's"
  if diff_out=$("$TORCH_PYTHON" - "$TMP/pairs.jsonl" "$TMP/crossrank.jsonl" "$TMP/peer.jsonl" "$TOL" <<'EOF'
import json, math, sys
pairs_p, cr_p, peer_p, tol = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
def lines(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]
pairs, cr, peer = lines(pairs_p), lines(cr_p), lines(peer_p)
if not (len(pairs) == len(cr) == len(peer)):
    print(f"line counts differ: pairs {len(pairs)}, crossrank {len(cr)}, peer {len(peer)}", file=sys.stderr)
    sys.exit(2)
worst, at = 0.0, -1
for i, (p, c, q) in enumerate(zip(pairs, cr, peer)):
    if c.get("qid") != p["qid"] or c.get("docid") != p["docid"]:
        print(f"line {i + 1}: crossrank output out of input order", file=sys.stderr)
        sys.exit(2)
    a, b = c.get("score"), q["score"]
    if not isinstance(a, (int, float)) or isinstance(b, list):
        print(f"line {i + 1}: expected one numeric score, got crossrank {a!r}, peer {b!r}", file=sys.stderr)
        sys.exit(2)
    d = abs(a - b) if math.isfinite(a) else math.inf
    if d > worst or at < 0:
        worst, at = d, i
print(f"{worst:.2e} {at + 1}")
sys.exit(0 if worst <= tol else 1)
EOF
  ); then
    diff_line="| max abs score diff, crossrank vs peer | $(cut -d' ' -f1 <<< "$diff_out") (ok, tolerance $TOL) | |"
  else
    rc=$?
    (( rc == 1 )) || die "score check failed"
    diff_line="| max abs score diff, crossrank vs peer | $(cut -d' ' -f1 <<< "$diff_out") at line $(cut -d' ' -f2 <<< "$diff_out") (FAIL, tolerance $TOL) | |"
    status=1
  fi
fi

# ---------------------------------------------------------------- table (the only stdout)
cr_cfg="batch-tokens ${BATCH_TOKENS:-default}, max-batch-size ${MAX_BATCH_SIZE:-default}, threads ${THREADS:-default}"
(( ${#EXTRA[@]} == 0 )) || cr_cfg+=", ${EXTRA[*]}"
note=""
[[ -z "$cr_internal" ]] || note=" [own log: $cr_internal pairs/s${cr_padding:+, padding $cr_padding}]"
echo "| runner ($NPAIRS WikiQA test pairs) | pairs/s | seconds |"
echo "|---|---|---|"
echo "| crossrank score, end to end, best of $REPEAT ($cr_cfg)$note | $cr_pps | $best_s |"
for row in "${peer_rows[@]+"${peer_rows[@]}"}"; do echo "$row"; done
[[ -z "$ratio" ]] || echo "| ratio crossrank / python ($ratio_label) | $ratio | |"
[[ -z "$diff_line" ]] || echo "$diff_line"
(( status == 0 )) || die "crossrank scores differ from the peer's by more than $TOL"
exit 0
