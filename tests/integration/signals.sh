#!/usr/bin/env bash
# What happens to a run from outside (docs/errors.md): SIGTERM and SIGINT stop it after its
# finished queries, with the signal's status, and --resume completes the output to what one
# run writes; a read waiting on an idle pipe stops too; a 2 GB line is not held in memory;
# a write that fails part-way leaves the file ending in a whole line; SIGPIPE is quiet.
#   signals.sh CROSSRANK_BINARY WORK_DIR
set -euo pipefail
bin=$1
work=$2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
model="$here/../data/models/tiny-bert"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
set -m  # background jobs get their own process group, with SIGINT not ignored

# 600 queries of 8 documents, each query batched alone (--window 1): a run takes seconds,
# and any split into runs writes the same bytes as one run.
awk 'BEGIN { for (q = 0; q < 600; q++) {
  printf "{\"qid\":\"q%d\",\"query\":\"query number %d about topic %d\",\"docs\":[", q, q, q % 17
  for (d = 0; d < 8; d++) printf "%s\"document %d of query %d, on topic %d\"", (d ? "," : ""), d, q, (q + d) % 17
  print "]}" } }' > queries.jsonl
args=(rerank -m "$model" --window 1 --max-batch-size 2 --threads 1 -i queries.jsonl)
"$bin" "${args[@]}" -o reference.jsonl -q

# Waits until process $1 has a handler for signal $2 (SigCgt in /proc): crossrank installs
# them once the model is loaded.
wait_for_handler() {
  local mask
  for _ in $(seq 600); do
    mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0)
    (( (16#$mask >> ($2 - 1)) & 1 )) && return 0
    sleep 0.05
  done
  fail "process $1 never handled signal $2"
}

for sig in TERM INT; do
  rm -f out.jsonl
  "$bin" "${args[@]}" -o out.jsonl 2> err.txt &
  pid=$!
  wait_for_handler "$pid" "$(kill -l "$sig")"
  until [[ -s out.jsonl && $(wc -l < out.jsonl) -ge 3 ]]; do
    kill -0 "$pid" 2>/dev/null || fail "SIG$sig: the run ended before it could be stopped: $(cat err.txt)"
    sleep 0.05
  done
  kill -s "$sig" "$pid"
  status=0
  wait "$pid" || status=$?
  expected=$((128 + $(kill -l "$sig")))
  [[ $status -eq $expected ]] || fail "SIG$sig: exit status $status, expected $expected"
  grep -q "crossrank: stopped by SIG$sig after writing [0-9]* output records; input from line [0-9]* on was not processed" err.txt ||
    fail "SIG$sig: no stop message: $(cat err.txt)"
  lines=$(wc -l < out.jsonl)
  [[ $lines -lt 600 ]] || fail "SIG$sig: the run was not stopped"
  [[ $(tail -c 1 out.jsonl | od -An -c | tr -d ' ') == '\n' ]] || fail "SIG$sig: output ends inside a line"
  head -n "$lines" reference.jsonl | cmp -s - out.jsonl || fail "SIG$sig: the $lines lines written differ from one run's"
  "$bin" "${args[@]}" -o out.jsonl --resume -q
  cmp -s reference.jsonl out.jsonl || fail "SIG$sig: --resume did not complete the output to one run's"
  echo "SIG$sig: stopped after $lines of 600 queries, status $status; --resume completed the run"
done

# A read waiting on an idle pipe gives way to SIGTERM.
"$bin" score -m "$model" < <(sleep 60) > idle.jsonl 2> err.txt &
pid=$!
wait_for_handler "$pid" 15
start=$(date +%s%N)
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ $status -eq 143 ]] || fail "idle pipe: status $status"
grep -q "stopped by SIGTERM after writing 0 output records" err.txt || fail "idle pipe: $(cat err.txt)"
(( ms < 3000 )) || fail "idle pipe: took $ms ms to stop"
echo "idle pipe: stopped in $ms ms"

# A 2 GB line between two good ones: an input error for that line only, and memory stays
# far below the line's size (ru_maxrss of the children, in KiB).
python3 - "$bin" "$model" <<'EOF'
import resource, subprocess, sys
bin, model = sys.argv[1:3]
make = ("printf '{\"text_a\":\"a\",\"text_b\":\"b\"}\\n{\"text_a\":\"'; head -c 2147483648 /dev/zero | tr '\\0' x; "
        "printf '\",\"text_b\":\"y\"}\\n{\"text_a\":\"c\",\"text_b\":\"d\"}\\n'")
gen = subprocess.Popen(["bash", "-c", make], stdout=subprocess.PIPE)
run = subprocess.run([bin, "score", "-m", model, "--skip-invalid"], stdin=gen.stdout,
                     capture_output=True, text=True)
gen.stdout.close()
gen.wait()
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
lines = run.stdout.splitlines()
assert run.returncode == 0, run.stderr
assert len(lines) == 2, lines
assert "line 2: the line is 2147483674 bytes long, over the limit of 67108864" in run.stderr, run.stderr
assert peak_mib < 1024, f"peak RSS {peak_mib:.0f} MiB"
print(f"2 GB line: skipped as line 2, peak RSS {peak_mib:.0f} MiB")
EOF

# A file size limit hit in the middle of a write: exit 5, and the file ends with the last
# whole line written (bash's ulimit -f counts KiB; SIGXFSZ ignored, so write(2) fails).
awk 'BEGIN { for (i = 0; i < 400; i++) printf "{\"text_a\":\"pair %d\",\"text_b\":\"%s\"}\n", i, "padding text for a longer output line" }' > pairs.jsonl
status=0
(ulimit -f 8; trap '' XFSZ; exec "$bin" score -m "$model" -i pairs.jsonl -o limited.jsonl 2> err.txt) || status=$?
[[ $status -eq 5 ]] || fail "file size limit: status $status: $(cat err.txt)"
grep -q "cannot write limited.jsonl: File too large" err.txt || fail "file size limit: $(cat err.txt)"
size=$(stat -c %s limited.jsonl)
lines=$(wc -l < limited.jsonl)
(( size > 0 && size <= 8192 && lines > 0 )) || fail "file size limit: $size bytes, $lines lines"
[[ $(tail -c 1 limited.jsonl | od -An -c | tr -d ' ') == '\n' ]] || fail "file size limit: the file ends inside a line"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' limited.jsonl
echo "file size limit: exit 5, $lines whole lines ($size bytes) kept"

# SIGPIPE: quiet, status 141, even when the parent ignores SIGPIPE.
for ignore in no yes; do
  status=$( (
    [[ $ignore == yes ]] && trap '' PIPE
    "$bin" score -m "$model" -i pairs.jsonl --window 1 2> pipe_err.txt | head -1 > /dev/null
    echo "${PIPESTATUS[0]}"
  ) )
  [[ $status -eq 141 ]] || fail "SIGPIPE (parent ignoring: $ignore): status $status"
  [[ ! -s pipe_err.txt ]] || fail "SIGPIPE (parent ignoring: $ignore): $(cat pipe_err.txt)"
done
echo "SIGPIPE: quiet"
echo "OK"
