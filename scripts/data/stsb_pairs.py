#!/usr/bin/env python3
"""Convert an STS Benchmark csv (sts-train/dev/test.csv) into crossrank JSONL pairs.

    python3 scripts/data/stsb_pairs.py [--split test|dev|train | --input CSV] [--output FILE|-]

One line per sentence pair, input for `crossrank score` and `crossrank eval --task sts`:
    {"genre", "source", "year", "id", "sentence1", "sentence2", "label"}
"label" is the gold similarity on STS-B's 0-5 scale, as given. The files are tab-separated
without quoting (sentences hold stray quotes); some rows carry extra trailing fields (the
original sources), which are ignored. They are read at run time from ../shared beside the
clone. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
SHARED = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data", "stsb"))


def fail(msg: str) -> None:
    print(f"stsb_pairs: ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def read_pairs(path: str):
    if not os.path.isfile(path):
        fail(f"STS-B file not found: {path} (it lives in ../shared/data/stsb/ beside the "
             "repository; pass --input to point elsewhere)")
    pairs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) < 7:
                fail(f"{path}:{lineno}: expected at least 7 tab-separated fields, got {len(fields)}")
            try:
                label = float(fields[4])
            except ValueError:
                fail(f"{path}:{lineno}: bad score {fields[4]!r}")
            pairs.append({"genre": fields[0], "source": fields[1], "year": fields[2], "id": fields[3],
                          "sentence1": fields[5], "sentence2": fields[6], "label": label})
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--split", choices=["train", "dev", "test"], default="test")
    src.add_argument("--input", help="an STS-B csv file (default: ../shared/data/stsb/sts-SPLIT.csv)")
    ap.add_argument("--output", default="-", help="output JSONL file, - for stdout (default)")
    args = ap.parse_args()
    path = args.input or os.path.join(SHARED, f"sts-{args.split}.csv")
    pairs = read_pairs(path)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    try:
        for p in pairs:
            out.write(json.dumps(p, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"stsb_pairs: {len(pairs)} pairs from {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
