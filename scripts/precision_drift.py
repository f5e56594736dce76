#!/usr/bin/env python3
"""How far a reduced-precision run's scores and rankings drift from an fp32 run's.

    python3 scripts/precision_drift.py REFERENCE.jsonl VARIANT.jsonl [--k 10] [--label NAME]

Both files are `crossrank score` outputs of the same pairs in the same order (lines with
"qid" and "score", e.g. from scripts/data/wikiqa_pairs.py --pairs). Prints one Markdown table
row: the largest |score difference|, the mean top-k overlap per query (|top-k of REFERENCE ∩
top-k of VARIANT| / min(k, documents)), and the share of queries whose top k is in the same
order. Ties in the reference are broken by input order, as `crossrank rerank` does. Standard
library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from typing import Dict, List, Tuple


def read(path: str) -> List[Tuple[str, float]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            record = json.loads(line)
            if "qid" not in record or "score" not in record:
                sys.exit(f"precision_drift.py: {path}:{number}: no \"qid\" or \"score\"")
            rows.append((str(record["qid"]), float(record["score"])))
    return rows


def top(scores: List[Tuple[int, float]], k: int) -> List[int]:
    return [i for i, _ in sorted(scores, key=lambda p: (-p[1], p[0]))[:k]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference")
    parser.add_argument("variant")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--label", default="variant")
    args = parser.parse_args()
    ref, var = read(args.reference), read(args.variant)
    if len(ref) != len(var) or any(a[0] != b[0] for a, b in zip(ref, var)):
        sys.exit("precision_drift.py: the two files do not hold the same pairs in the same order")
    drift = max((abs(a[1] - b[1]) for a, b in zip(ref, var)), default=0.0)
    by_query: Dict[str, List[int]] = defaultdict(list)
    for i, (qid, _) in enumerate(ref):
        by_query[qid].append(i)
    overlap, same_order = 0.0, 0
    for rows in by_query.values():
        a = top([(i, ref[i][1]) for i in rows], args.k)
        b = top([(i, var[i][1]) for i in rows], args.k)
        overlap += len(set(a) & set(b)) / len(a)
        same_order += a == b
    n = len(by_query)
    print(f"| {args.label} | {drift:.2e} | {100 * overlap / n:.1f}% | {100 * same_order / n:.1f}% | {n} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
