"""What the GPU parity scripts (llm_parity.py, modernbert_parity.py) share: their command
line, running the project's scripts, and `crossrank score` over reference records."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def parity_args(doc, work_prefix):
    """--crossrank BIN [--work DIR] [--device cuda], the description from doc's first paragraph."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--crossrank", required=True)
    ap.add_argument("--work", default=tempfile.mkdtemp(prefix=work_prefix))
    ap.add_argument("--device", default="cuda")
    return ap.parse_args()


def run(cmd, stdin=None):
    """cmd's stdout; exits naming the command and the end of its stderr when it fails."""
    res = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"{' '.join(cmd)}: {res.stderr[-2000:]}")
    return res.stdout


def crossrank_scores(binary, bundle, records, device, line_of, extra=()):
    """Scores in record order: one `crossrank score` per distinct "max_length", each record's
    input line the JSON object line_of(record)."""
    scores = {}
    for n in sorted({r["max_length"] for r in records}):
        group = [r for r in records if r["max_length"] == n]
        lines = "".join(json.dumps(line_of(r)) + "\n" for r in group)
        out = run([binary, "score", "-q", "-m", bundle, "--device", device, "--max-length", str(n), *extra],
                  stdin=lines)
        for r, line in zip(group, out.splitlines()):
            scores[id(r)] = json.loads(line)["score"]
    return [scores[id(r)] for r in records]
