#!/usr/bin/env python3
"""Convert WikiQA-test.tsv into crossrank JSONL input.

    python3 scripts/data/wikiqa_pairs.py --pairs   [--input TSV] [--output FILE|-]
    python3 scripts/data/wikiqa_pairs.py --queries [--input TSV] [--output FILE|-]
    python3 scripts/data/wikiqa_pairs.py --documents [--input TSV] [--output FILE|-]

--pairs   one line per candidate sentence (input for `crossrank score`):
          {"qid", "docid", "query", "text", "label"}
--queries one line per question, documents in file order (input for `crossrank rerank`):
          {"qid", "query", "docs": [{"id", "text", "label"}, ...]}
--documents one line per question whose candidate sentences join into one passage (its
          Wikipedia summary, ~300-400 tokens for long-document benchmarks):
          {"qid", "docid", "query", "text", "label"} with docid the DocumentID part of the
          SentenceIDs and label 1 when any sentence answers

"docid" / "id" is WikiQA's SentenceID (e.g. "D0-3"). The TSV (research-use
licence) is read at run time from ../shared beside the clone and must never be
committed. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
DEFAULT_INPUT = os.path.normpath(
    os.path.join(REPO_ROOT, "..", "shared", "data", "wikiqa", "WikiQA-test.tsv"))
COLUMNS = ["QuestionID", "Question", "DocumentID", "DocumentTitle",
           "SentenceID", "Sentence", "Label"]


def fail(msg: str) -> None:
    print(f"wikiqa_pairs: ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def read_rows(path: str):
    if not os.path.isfile(path):
        fail(f"WikiQA TSV not found: {path}\n"
             "  It lives in ../shared/data/wikiqa/ beside the repository (not committed: "
             "research-use licence); pass --input to point elsewhere.")
    rows = []
    # WikiQA sentences contain stray quote characters: no CSV quoting.
    with open(path, "r", encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            fail(f"{path}: empty file")
        header = [h.strip() for h in header]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            fail(f"{path}: missing column(s) {', '.join(missing)} (header: {header})")
        idx = {c: header.index(c) for c in COLUMNS}
        for lineno, rec in enumerate(reader, start=2):
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            if len(rec) < len(header):
                fail(f"{path}:{lineno}: expected {len(header)} fields, got {len(rec)}")
            label_s = rec[idx["Label"]].strip()
            try:
                label = int(label_s)
            except ValueError:
                fail(f"{path}:{lineno}: bad Label {label_s!r}")
            rows.append({
                "qid": rec[idx["QuestionID"]],
                "query": rec[idx["Question"]],
                "docid": rec[idx["SentenceID"]],
                "text": rec[idx["Sentence"]],
                "label": label,
            })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--pairs", action="store_true", help="one JSON line per (question, sentence)")
    mode.add_argument("--queries", action="store_true", help="one JSON line per question with its docs")
    mode.add_argument("--documents", action="store_true",
                      help="one JSON line per question, its sentences joined into one passage")
    ap.add_argument("--input", default=DEFAULT_INPUT,
                    help="WikiQA TSV (default: ../shared/data/wikiqa/WikiQA-test.tsv beside the repo)")
    ap.add_argument("--output", default="-", help="output JSONL file, - for stdout (default)")
    args = ap.parse_args()

    rows = read_rows(args.input)
    if args.pairs:
        out = [{"qid": r["qid"], "docid": r["docid"], "query": r["query"],
                "text": r["text"], "label": r["label"]} for r in rows]
    elif args.documents:
        joined = {}
        for r in rows:
            d = joined.setdefault(r["qid"], {"qid": r["qid"], "docid": r["docid"].split("-")[0],
                                             "query": r["query"], "text": [], "label": 0})
            d["text"].append(r["text"])
            d["label"] = max(d["label"], r["label"])
        out = [dict(d, text=" ".join(d["text"])) for d in joined.values()]
    else:
        by_q = {}
        order = []
        for r in rows:
            q = by_q.get(r["qid"])
            if q is None:
                q = {"qid": r["qid"], "query": r["query"], "docs": []}
                by_q[r["qid"]] = q
                order.append(r["qid"])
            q["docs"].append({"id": r["docid"], "text": r["text"], "label": r["label"]})
        out = [by_q[qid] for qid in order]

    text = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out)
    if args.output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, args.output)
    print(f"wikiqa_pairs: {len(out)} lines from {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
