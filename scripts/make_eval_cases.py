#!/usr/bin/python3
"""Labelled inputs and score files that exercise every rule of `crossrank eval`'s metrics.

    /usr/bin/python3 scripts/make_eval_cases.py OUT_DIR [--seed 7]

Writes, deterministically from the seed:
  queries.jsonl   rerank input with graded labels (0-3, "label" or "relevance", some docs
                  unlabelled), queries of one document, queries without a relevant one;
  reranked.jsonl  a `crossrank rerank`-shaped output for them with heavy score ties
                  (scores rounded to one decimal) and numeric and string qids;
  qrels.txt       TREC qrels judging some of those documents (others unjudged);
  pairs.jsonl     score input with gold labels ("label" or "gold", ties among them);
  scored.jsonl    a `crossrank score`-shaped output for pairs.jsonl with tied scores.
The texts are made-up words; nothing here comes from crossrank.
"""

import argparse
import json
import os
import random

WORDS = "river stone light paper garden window music winter market bridge letter cloud".split()


def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "queries.jsonl"), "w") as q, \
            open(os.path.join(args.out, "reranked.jsonl"), "w") as r, \
            open(os.path.join(args.out, "qrels.txt"), "w") as qrels:
        for i in range(60):
            qid = i if i % 3 == 0 else f"q{i}"
            n = 1 if i % 11 == 0 else rng.randint(2, 25)
            docs, results = [], []
            for d in range(n):
                label = rng.choice([0, 0, 0, 1, 2, 3]) if i % 7 else 0
                key = "label" if d % 2 else "relevance"
                doc = {"id": f"d{i}-{d}", "text": text(rng, rng.randint(3, 12)), key: label}
                docs.append(doc)
                results.append({"id": doc["id"], "index": d,
                                "score": round(rng.random(), 1), "label": label})
                if rng.random() < 0.7:
                    qrels.write(f"{qid} 0 d{i}-{d} {rng.choice([0, 1, 2])}\n")
            q.write(json.dumps({"qid": qid, "query": text(rng, 3), "docs": docs}) + "\n")
            results.sort(key=lambda x: -x["score"])
            r.write(json.dumps({"qid": qid, "results": results}) + "\n")
    with open(os.path.join(args.out, "pairs.jsonl"), "w") as p, \
            open(os.path.join(args.out, "scored.jsonl"), "w") as s:
        for i in range(200):
            gold_key = "label" if i % 2 else "gold"
            rec = {"text_a": text(rng, 4), "text_b": text(rng, 8), gold_key: rng.choice([0, 1.5, 2, 3.2, 4, 5])}
            p.write(json.dumps(rec) + "\n")
            s.write(json.dumps(dict(rec, score=round(rng.random(), 1))) + "\n")


if __name__ == "__main__":
    main()
