#!/usr/bin/python3
"""The metrics of `crossrank eval`, computed independently with numpy, scipy and scikit-learn.

    /usr/bin/python3 scripts/eval_reference.py --task rerank --scores RERANK_OUT.jsonl [-k 10] [--qrels FILE]
    /usr/bin/python3 scripts/eval_reference.py --task sts --scores SCORE_OUT.jsonl

Reads the same files `crossrank eval --scores` reads (`crossrank rerank` output made without -k,
whose results carry each document's "label"; or `crossrank score` output with a "label"/"gold"
per pair) and prints one JSON object with the same keys. Definitions, as sentence-transformers'
CrossEncoderRerankingEvaluator and CrossEncoderCorrelationEvaluator compute them:

  - MRR@k: 1/rank of the first relevant document (label > 0) within k, else 0; ranks by score,
    ties in input order (a stable sort; sentence-transformers' argsort leaves ties unordered);
  - NDCG@k: sklearn.metrics.ndcg_score (linear gain, log2 discount, tied scores averaged); a
    query of one document is 1 when it is relevant (sklearn refuses a single document);
  - MAP: sklearn.metrics.average_precision_score on label > 0 over the whole list;
  - recall@k and P@k: relevant documents in the top k over all relevant ones, and over k;
  - a query without a relevant document scores 0 everywhere; means over all queries;
  - the same metrics for the input order (the first stage);
  - STS: scipy.stats.pearsonr and spearmanr (average ranks for ties) of score against gold.

Needs python3-numpy, python3-scipy, python3-sklearn (Debian). The test
tests/integration/eval_reference.sh asserts crossrank agrees to 1e-9.
"""

import argparse
import json
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import average_precision_score, ndcg_score


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                qid, _, docid, rel = line.split()
                qrels.setdefault(qid, {})[docid] = float(rel)
    return qrels


def id_text(value):
    return value if isinstance(value, str) else json.dumps(value)


def query_metrics(scores, labels, k):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    relevant = labels > 0
    zero = {"mrr": 0.0, "ndcg": 0.0, "map": 0.0, "recall": 0.0, "p": 0.0}
    if not relevant.any():
        return zero
    order = np.argsort(-scores, kind="stable")
    top = order[:k]
    hits = relevant[top]
    mrr = 1.0 / (np.argmax(hits) + 1) if hits.any() else 0.0
    if len(scores) == 1:
        ndcg = 1.0
    else:
        ndcg = ndcg_score(labels[None, :], scores[None, :], k=k)
    ap = average_precision_score(relevant.astype(int), scores)
    return {"mrr": float(mrr), "ndcg": float(ndcg), "map": float(ap),
            "recall": float(hits.sum() / relevant.sum()), "p": float(hits.sum() / k)}


def keyed(m, k):
    return {f"mrr@{k}": m["mrr"], f"ndcg@{k}": m["ndcg"], "map": m["map"],
            f"recall@{k}": m["recall"], f"p@{k}": m["p"]}


def rerank(path, k, qrels):
    per, first = [], []
    docs = without = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            results = sorted(rec["results"], key=lambda r: r["index"])
            scores = [r["score"] for r in results]
            if qrels is not None:
                judged = qrels.get(id_text(rec["qid"]), {})
                labels = [judged.get(id_text(r["id"]), 0.0) for r in results]
            else:
                labels = [float(r.get("label", 0)) for r in results]
            per.append(query_metrics(scores, labels, k))
            first.append(query_metrics([-float(i) for i in range(len(scores))], labels, k))
            docs += len(scores)
            without += not any(label > 0 for label in labels)
    mean = lambda rows: {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}  # noqa: E731
    out = {"task": "rerank", "k": k}
    out.update(keyed(mean(per), k))
    out["input_order"] = keyed(mean(first), k)
    out.update({"queries": len(per), "docs": docs, "queries_without_positive": without})
    return out


def sts(path):
    scores, gold = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                scores.append(rec["score"])
                gold.append(rec["label"] if "label" in rec else rec["gold"])
    return {"task": "sts", "pearson": float(stats.pearsonr(scores, gold)[0]),
            "spearman": float(stats.spearmanr(scores, gold)[0]), "pairs": len(scores)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", choices=["rerank", "sts"], required=True)
    ap.add_argument("--scores", required=True)
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--qrels")
    args = ap.parse_args()
    if args.task == "rerank":
        result = rerank(args.scores, args.k, read_qrels(args.qrels) if args.qrels else None)
    else:
        result = sts(args.scores)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
