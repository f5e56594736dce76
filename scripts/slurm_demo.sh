#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, from Debian's slurm-wlm and munge, running
# `crossrank rerank --shard $SLURM_ARRAY_TASK_ID/4` as a 4-task job array; the merged output
# must equal a single run's (docs/scaling.md). Run as root; installs the two packages when
# missing. Stops the daemons it started (by pid) when done.
#
#   scripts/slurm_demo.sh [-m BUNDLE] [-i QUERIES.jsonl] [--workdir DIR]
# Defaults: models/demo if present (else the tiny-bert fixture); the WikiQA test queries from
# ../shared (else docs/examples/labelled.jsonl); workdir build/slurm_demo.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
say() { echo "slurm_demo: $*" >&2; }
model=models/demo
[[ -f $model/model.pt ]] || model=tests/data/models/tiny-bert
input="" work=build/slurm_demo
while (($#)); do
  case $1 in
    -m) model=$2; shift 2 ;;
    -i) input=$2; shift 2 ;;
    --workdir) work=$2; shift 2 ;;
    *) say "unknown argument $1"; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { say "run as root (it starts munged, slurmctld and slurmd)"; exit 1; }
crossrank="$repo/build/apps/crossrank/crossrank"
[[ -x $crossrank ]] || { say "build crossrank first (scripts/setup.sh crossrank)"; exit 1; }
for p in slurm-wlm munge; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    say "installing slurm-wlm and munge"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null
    break
  fi
done
rm -rf "$work" && mkdir -p "$work"
work="$(cd "$work" && pwd)"
if [[ -z $input ]]; then
  if [[ -f ../shared/data/wikiqa/WikiQA-test.tsv ]]; then
    python3 scripts/data/wikiqa_pairs.py --queries --output "$work/queries.jsonl" 2>/dev/null
  else
    cp docs/examples/labelled.jsonl "$work/queries.jsonl"
  fi
else
  cp "$input" "$work/queries.jsonl"
fi

started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# munge: a key owned by munge, the daemon run as munge.
if ! pgrep -x munged >/dev/null; then
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- /usr/sbin/munged
  sleep 1
  started+=("$(pgrep -x munged | head -1)")
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
slurmctld
slurmd
sleep 2
started+=("$(cat /run/slurmctld.pid)" "$(cat /run/slurmd.pid)")
for _ in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix' && break
  sleep 1
done
sinfo

cat >"$work/job.sh" <<JOB
#!/bin/bash
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --output=$work/slurm-%A_%a.log
$crossrank -q rerank -m $repo/$model -i $work/queries.jsonl --window 1 --threads 1 \\
  --shard \${SLURM_ARRAY_TASK_ID}/4 -o $work/out.\${SLURM_ARRAY_TASK_ID}.jsonl
JOB
say "sbatch --wait --array=0-3 $work/job.sh"
SECONDS=0
sbatch --wait "$work/job.sh"
say "array job done in ${SECONDS}s"
sacct -n -X -o JobID,State,ExitCode 2>/dev/null || true
"$crossrank" -q rerank -m "$model" -i "$work/queries.jsonl" --window 1 -o "$work/single.jsonl"
if cmp <(sort "$work/single.jsonl") <(cat "$work"/out.?.jsonl | sort); then
  say "OK: the 4 Slurm array tasks' outputs ($(cat "$work"/out.?.jsonl | wc -l) lines: $(wc -l "$work"/out.?.jsonl | head -4 | awk '{printf "%s ", $1}')) equal one run's"
else
  say "FAIL: the merged output differs from a single run"
  exit 1
fi
