#!/usr/bin/env bash
# demo_model.sts: the bundled demo model (models/demo) scored by crossrank on the STS-B test
# split gives the Spearman correlation that Python eager measured when it was trained
# (models/demo/training.json, written by scripts/train_demo_model.py), to 2e-4. Exit 77
# (skipped) without the STS-B data in ../shared.
#
#   tests/integration/demo_model.sh BUILD_DIR/apps/crossrank/crossrank SHARED_DATA_DIR
set -euo pipefail
crossrank=$(realpath -- "$1") data=$2
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
test_csv="$data/stsb/sts-test.csv"
[[ -f $test_csv ]] || { echo "SKIPPED: $test_csv not found (the shared data sets)" >&2; exit 77; }
model="$repo/models/demo"
[[ -f $model/training.json ]] || { echo "FAIL: $model/training.json missing" >&2; exit 1; }
pairs=$(mktemp) && trap 'rm -f "$pairs"' EXIT
python3 "$repo/scripts/data/stsb_pairs.py" --input "$test_csv" --output "$pairs" 2>/dev/null
result=$("$crossrank" -q eval --task sts -m "$model" -i "$pairs")
echo "crossrank: $result"
python3 - "$model/training.json" "$result" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))["test_spearman"]
got = json.loads(sys.argv[2])["spearman"]
print(f"python eager at training time: {expected}, crossrank: {got}")
sys.exit(0 if abs(got - expected) <= 2e-4 else 1)
PY
