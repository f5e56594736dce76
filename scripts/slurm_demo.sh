#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, from Debian's slurm-wlm and munge, running
# `crossrank rerank --shard $SLURM_ARRAY_TASK_ID/4` as a 4-task job array; the merged output
# must equal, byte for byte up to line order, a single run's with the same --threads and
# --window (docs/scaling.md: scores can depend on both). Run as root; installs the two packages
# when missing. Stops the daemons it started (by pid) on every exit: success, failure, INT, TERM.
#
#   scripts/slurm_demo.sh [-m BUNDLE] [-i QUERIES.jsonl] [--workdir DIR]
# Defaults: models/demo if present (else the tiny-bert fixture); the WikiQA test queries from
# ../shared (else docs/examples/labelled.jsonl); workdir build/slurm_demo. Paths given as
# arguments are relative to the current directory, the defaults to the repository.
# Environment: CROSSRANK=/path/to/crossrank runs that binary instead of the default
# build/apps/crossrank/crossrank (e.g. a copy that a rebuild will not replace mid-run).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "slurm_demo: $*" >&2; }
absolute() { if [[ $1 == /* ]]; then echo "$1"; else echo "$PWD/$1"; fi; }
model="" input="" work=""
while (($#)); do
  case $1 in
    -m) model="$(absolute "$2")"; shift 2 ;;
    -i) input="$(absolute "$2")"; shift 2 ;;
    --workdir) work="$(absolute "$2")"; shift 2 ;;
    *) say "unknown argument $1"; exit 2 ;;
  esac
done
crossrank="$(absolute "${CROSSRANK:-$repo/build/apps/crossrank/crossrank}")"
cd "$repo"
if [[ -z $model ]]; then
  model=$repo/models/demo
  [[ -f $model/model.pt ]] || model=$repo/tests/data/models/tiny-bert
fi
[[ -n $work ]] || work=$repo/build/slurm_demo
# The array tasks and the reference run use the same settings: scores (and so the bytes) can
# depend on the thread count (BLAS summation order) and on the window (batch composition).
threads=1 window=1 tasks=4 job_name=crossrank-slurm-demo

[[ $(id -u) -eq 0 ]] || { say "run as root (it starts munged, slurmctld and slurmd)"; exit 1; }
if [[ ! -x $crossrank ]]; then
  say "no crossrank at $crossrank: build it (scripts/setup.sh crossrank) or set CROSSRANK"
  exit 1
fi
[[ -f $model/model.pt ]] || { say "no model bundle at $model"; exit 1; }
[[ -z $input || -f $input ]] || { say "no input file $input"; exit 1; }
for d in slurmctld slurmd; do
  if pgrep -x "$d" >/dev/null; then
    say "$d is already running (pid $(pgrep -x "$d" | tr '\n' ' ')); stop it first:" \
      "this script starts its own"
    exit 1
  fi
done
for p in slurm-wlm munge; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    say "installing slurm-wlm and munge"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null
    break
  fi
done
if [[ -d $work && -n "$(ls -A "$work")" && ! -f $work/job.sh ]]; then
  say "$work is not empty and not an earlier demo's workdir; refusing to delete it"
  exit 1
fi
rm -rf "$work" && mkdir -p "$work"
if [[ -z $input ]]; then
  if [[ -f ../shared/data/wikiqa/WikiQA-test.tsv ]]; then
    python3 scripts/data/wikiqa_pairs.py --queries --output "$work/queries.jsonl" 2>/dev/null
  else
    cp docs/examples/labelled.jsonl "$work/queries.jsonl"
  fi
else
  cp "$input" "$work/queries.jsonl"
fi

# Cleanup, on every exit path. started holds "name:pid" of each daemon this script started,
# recorded as soon as it runs; cleanup cancels the demo's jobs while slurmctld is still up, then
# stops the daemons in reverse order, SIGKILL after 10 s, and checks each pid is still that
# daemon before signalling it (no stray kill of a reused pid).
started=() sbatch_pid="" cleaned=""
is_daemon() { [[ -n $2 && "$(ps -o comm= -p "$2" 2>/dev/null)" == "$1" ]]; }
cleanup() {
  local rc=$? entry name pid i
  set +e
  [[ -z $cleaned ]] || return "$rc"
  cleaned=1
  [[ -z $sbatch_pid ]] || kill "$sbatch_pid" 2>/dev/null
  if ((${#started[@]})) && [[ ${started[*]} == *slurmctld:* ]]; then
    if [[ -n "$(squeue -h -n "$job_name" -o %i 2>/dev/null)" ]]; then
      say "cancelling the demo's jobs"
      scancel -n "$job_name" 2>/dev/null
      for _ in $(seq 20); do
        [[ -z "$(squeue -h -n "$job_name" -o %i 2>/dev/null)" ]] && break
        sleep 0.5
      done
    fi
  fi
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    entry=${started[i]} name=${entry%%:*} pid=${entry#*:}
    is_daemon "$name" "$pid" || continue
    kill "$pid" 2>/dev/null
    for _ in $(seq 20); do is_daemon "$name" "$pid" || break; sleep 0.5; done
    if is_daemon "$name" "$pid"; then
      say "$name (pid $pid) ignored SIGTERM; SIGKILL"
      kill -9 "$pid" 2>/dev/null
    fi
  done
  ((${#started[@]} == 0)) || say "stopped ${started[*]}"
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to 10 s for a daemon's pid file to name a live process of that name, prints the pid.
daemon_pid() {
  local name=$1 file=$2 pid
  for _ in $(seq 40); do
    pid="$(cat "$file" 2>/dev/null || true)"
    if is_daemon "$name" "$pid"; then echo "$pid"; return 0; fi
    sleep 0.25
  done
  return 1
}

# munge: a key owned by munge, the daemon run as munge. A munged already running is reused
# (and left running).
if ! pgrep -x munged >/dev/null; then
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge && chown munge:munge /run/munge
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged || true
  pid="$(daemon_pid munged /run/munge/munged.pid || pgrep -x -u munge munged | head -1 || true)"
  [[ -n $pid ]] || { say "munged did not start"; exit 1; }
  started+=("munged:$pid")
fi

node="$(hostname -s)"
mkdir -p /etc/slurm /var/spool/slurmd /var/spool/slurmctld /var/log/slurm
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=crossrank-demo
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=demo Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
say "starting slurmctld and slurmd on $node"
rm -f /run/slurmctld.pid /run/slurmd.pid
# -c: start with no saved jobs (an interrupted earlier run's would otherwise run again).
slurmctld -c || true
pid="$(daemon_pid slurmctld /run/slurmctld.pid)" ||
  { say "slurmctld did not start (see /var/log/slurm/slurmctld.log)"; exit 1; }
started+=("slurmctld:$pid")
slurmd || true
pid="$(daemon_pid slurmd /run/slurmd.pid)" ||
  { say "slurmd did not start (see /var/log/slurm/slurmd.log)"; exit 1; }
started+=("slurmd:$pid")
ready=""
for _ in $(seq 30); do
  if sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix'; then ready=1; break; fi
  sleep 1
done
sinfo
[[ -n $ready ]] ||
  { say "the node did not become idle in 30 s (sinfo -R: $(sinfo -h -R 2>/dev/null))"; exit 1; }

cat >"$work/job.sh" <<JOB
#!/bin/bash
#SBATCH --job-name=$job_name
#SBATCH --array=0-$((tasks - 1))
#SBATCH --cpus-per-task=$threads
#SBATCH --output=$work/slurm-%A_%a.log
$crossrank -q rerank -m $model -i $work/queries.jsonl --window $window --threads $threads \\
  --shard \${SLURM_ARRAY_TASK_ID}/$tasks -o $work/out.\${SLURM_ARRAY_TASK_ID}.jsonl
JOB
say "sbatch --wait --array=0-$((tasks - 1)) $work/job.sh"
SECONDS=0
# In the background, so that INT and TERM reach the trap without waiting for the job.
sbatch --wait "$work/job.sh" &
sbatch_pid=$!
if ! wait "$sbatch_pid"; then
  sbatch_pid=""
  say "FAIL: the array job failed after ${SECONDS}s; its logs:"
  tail -n 5 "$work"/slurm-*.log >&2 2>/dev/null || true
  exit 1
fi
sbatch_pid=""
say "array job done in ${SECONDS}s"
say "single run with the same settings: --window $window --threads $threads"
"$crossrank" -q rerank -m "$model" -i "$work/queries.jsonl" --window "$window" \
  --threads "$threads" -o "$work/single.jsonl"
if cmp <(sort "$work/single.jsonl") <(cat "$work"/out.*.jsonl | sort); then
  counts="" total=0
  for ((t = 0; t < tasks; t++)); do
    n=$(wc -l <"$work/out.$t.jsonl") counts+="$n " total=$((total + n))
  done
  say "OK: the $tasks Slurm array tasks' outputs ($total lines: $counts) equal one run's"
else
  say "FAIL: the merged output differs from a single run"
  exit 1
fi
