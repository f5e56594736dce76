#!/usr/bin/env bash
# The README's tour shows what its commands print: every `$X ...` line followed by a `# {...}`
# (or `# [...]`) sample is run on the bundled demo model, and its first output line must match
# the sample, where "..." stands for anything and numbers agree to 1e-4 (the last digits of a
# score vary with the CPU's kernels).
#   readme_tour.sh CROSSRANK_BINARY
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary=$1
cd "$repo"
python3 - "$binary" <<'PY'
import re, subprocess, sys

binary = sys.argv[1]
lines = open("README.md", encoding="utf-8").read().split("\n")
number = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
checked = failed = 0
for command, sample in zip(lines, lines[1:]):
    if not command.startswith("$X ") or not re.match(r"# [\[{]", sample):
        continue
    sample = sample[2:]
    shell = command.replace("$X", binary).replace("$M", "models/demo") + " -q"
    out = subprocess.run(shell, shell=True, capture_output=True, text=True, check=True).stdout
    first = out.split("\n")[0]
    # The sample as a pattern: "..." is anything, a number is any number (compared below).
    pattern, expected = "", []
    for piece in re.split(r"(\.\.\.|" + number + ")", sample):
        if piece == "...":
            pattern += ".*?"
        elif piece and re.fullmatch(number, piece):
            pattern += "(" + number + ")"
            expected.append(float(piece))
        else:
            pattern += re.escape(piece)
    match = re.fullmatch(pattern, first)
    ok = bool(match) and all(abs(float(got) - want) <= 1e-4 for got, want in zip(match.groups(), expected))
    checked += 1
    if not ok:
        failed += 1
        print(f"README sample does not match.\n  command: {command}\n  sample:  {sample}\n  output:  {first}",
              file=sys.stderr)
print(f"readme_tour: {checked} samples checked, {failed} differ", file=sys.stderr)
sys.exit(1 if failed or checked == 0 else 0)
PY
