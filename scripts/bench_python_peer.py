#!/usr/bin/python3
"""Python peer for scripts/bench.sh: the same TorchScript model, run from Python.

    /usr/bin/python3 scripts/bench_python_peer.py -m DIR --pairs PAIRS.jsonl \
        [--crossrank BIN | --tokens TOKENS.jsonl] [--batch-size 32] \
        [--order sorted|input] [--threads 2] [--warmup-batches 4] \
        [--scores-out SCORES.jsonl] [--json] [--eager HF_DIR]

There is no `tokenizers` package here, so the peer does not tokenize: it reads
the token ids that `crossrank tokenize -m DIR` produces for the same pairs
(one {"input_ids", "token_type_ids", "tokens"} line per pair; run here unless
--tokens is given), outside the timed region. All padded tensors are built
before timing too, so only model execution is timed:

  - batches of --batch-size pairs, length-sorted (default) or in input order,
    right-padded with [PAD]=0, attention_mask 1 on real tokens;
  - torch.set_num_threads(--threads), torch.inference_mode();
  - warm-up: --warmup-batches batches spread over the length range (TorchScript's
    profiling executor specialises per shape on its first calls), not timed;
  - then one timed pass over all batches.

--eager HF_DIR runs the Hugging Face checkpoint the bundle was exported from
as crossrank's own eager modules (scripts/models; a decoder LLM reranker's
score head from the answer ids in the bundle's crossrank.json) instead of the
bundle's TorchScript: Python torch eager on the same ids.

--scores-out writes one {"index", "logits", "score"} line per pair in INPUT
order; "score" is sigmoid(logit) for one label, softmax for several (a list),
which is crossrank's `--activation auto`. --json prints one JSON result line
on stdout; otherwise a human-readable line. Progress goes to stderr.

Needs torch (Debian python3-torch): run with /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

PAD_ID = 0


def fail(msg: str) -> None:
    print(f"bench_python_peer: ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def log(msg: str) -> None:
    print(f"bench_python_peer: {msg}", file=sys.stderr, flush=True)


def read_tokens(path: str) -> List[Dict]:
    out = []
    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            obj = json.loads(line)
            if "input_ids" not in obj:
                fail(f"{path}:{lineno}: no input_ids (not `crossrank tokenize` output?)")
            # Models without token types get none from `crossrank tokenize`.
            types = obj.get("token_type_ids", [0] * len(obj["input_ids"]))
            if len(obj["input_ids"]) != len(types):
                fail(f"{path}:{lineno}: input_ids and token_type_ids differ in length")
            out.append({"input_ids": obj["input_ids"], "token_type_ids": types})
    return out


def tokenize_with_crossrank(binary: str, model_dir: str, pairs: str, extra: List[str]) -> List[Dict]:
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        fail(f"crossrank binary not found or not executable: {binary} (build it, or pass --tokens)")
    with tempfile.TemporaryDirectory(prefix="crossrank-peer-") as tmp:
        tok = os.path.join(tmp, "tokens.jsonl")
        cmd = [binary, "-q", "tokenize", "-m", model_dir, "-i", pairs, "-o", tok] + extra
        log("tokenizing: " + " ".join(cmd))
        r = subprocess.run(cmd)
        if r.returncode != 0:
            fail(f"crossrank tokenize failed (exit {r.returncode})")
        return read_tokens(tok)


def load_eager(src: str, bundle: str):
    """(the eager module, its arity) of SRC as scripts/export_hf.py builds it without
    transformers."""
    sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
    from export_hf import load_own, load_own_decoder  # noqa: E402
    from models.checkpoint import read_config  # noqa: E402
    from models.decoder import MODEL_TYPES  # noqa: E402
    config = read_config(src)
    notes: List[str] = []
    if config.get("model_type") in MODEL_TYPES:
        with open(os.path.join(bundle, "crossrank.json"), encoding="utf-8") as f:
            ids = json.load(f)["template"]["answer_ids"]
        return load_own_decoder(src, config, ids, notes), 2
    model, names = load_own(src, config, notes)
    return model, len(names)


def run(model, arity: int, ids, mask, types):
    """The model on one batch: the first arity of (input_ids, attention_mask, token_type_ids)."""
    return model(*(ids, mask, types)[:arity])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-m", "--model", required=True, help="bundle directory holding model.pt")
    ap.add_argument("--pairs", help="pairs JSONL (tokenized with `crossrank tokenize`)")
    ap.add_argument("--crossrank", default=None,
                    help="crossrank binary for tokenizing --pairs (default build/apps/crossrank/crossrank)")
    ap.add_argument("--tokenize-arg", action="append", default=[],
                    help="extra argument for `crossrank tokenize` (repeatable), e.g. --max-length=256")
    ap.add_argument("--tokens", help="pre-tokenized JSONL (`crossrank tokenize` output) instead of --pairs")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--order", choices=["sorted", "input"], default="sorted",
                    help="length-sorted batches (default) or input-order batches")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--warmup-batches", type=int, default=4,
                    help="untimed batches run first, spread over the length range (default 4)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N pairs (0: all)")
    ap.add_argument("--scores-out", help="write per-pair logits/scores in input order here")
    ap.add_argument("--json", action="store_true", help="print one JSON result line on stdout")
    ap.add_argument("--eager", metavar="HF_DIR",
                    help="run this Hugging Face checkpoint eagerly with crossrank's own modules")
    args = ap.parse_args()

    if args.batch_size < 1:
        fail("--batch-size must be >= 1")
    model_path = os.path.join(args.model, "model.pt")
    if not os.path.isfile(model_path):
        fail(f"no model.pt in {args.model}")

    if args.tokens:
        pairs = read_tokens(args.tokens)
    elif args.pairs:
        repo_root = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        binary = args.crossrank or os.path.join(repo_root, "build", "apps", "crossrank", "crossrank")
        pairs = tokenize_with_crossrank(binary, args.model, args.pairs, args.tokenize_arg)
    else:
        fail("give --pairs or --tokens")
    if args.limit > 0:
        pairs = pairs[:args.limit]
    if not pairs:
        fail("no pairs")

    import torch  # after argument checks: importing torch takes a few seconds

    torch.set_num_threads(args.threads)
    if args.eager:
        (model, arity), runner = load_eager(args.eager, args.model), "eager"
    else:
        model = torch.jit.load(model_path, map_location="cpu")
        arity, runner = len(model.forward.schema.arguments) - 1, "TorchScript"
    model.eval()

    # Batches of pair indices.
    n = len(pairs)
    order = list(range(n))
    if args.order == "sorted":
        order.sort(key=lambda i: len(pairs[i]["input_ids"]))
    groups = [order[s:s + args.batch_size] for s in range(0, n, args.batch_size)]

    # Padded tensors, built before timing.
    batches = []
    real_tokens = padded_tokens = 0
    for g in groups:
        seq = max(len(pairs[i]["input_ids"]) for i in g)
        ids = torch.full((len(g), seq), PAD_ID, dtype=torch.int64)
        mask = torch.zeros((len(g), seq), dtype=torch.int64)
        types = torch.zeros((len(g), seq), dtype=torch.int64)
        for r, i in enumerate(g):
            k = len(pairs[i]["input_ids"])
            ids[r, :k] = torch.tensor(pairs[i]["input_ids"], dtype=torch.int64)
            types[r, :k] = torch.tensor(pairs[i]["token_type_ids"], dtype=torch.int64)
            mask[r, :k] = 1
            real_tokens += k
        padded_tokens += len(g) * seq
        batches.append((g, ids, mask, types))
    padding = 1.0 - real_tokens / padded_tokens

    # Warm-up on batches spread over the length range (untimed).
    w = min(args.warmup_batches, len(batches))
    warm_idx = sorted({round(j * (len(batches) - 1) / max(w - 1, 1)) for j in range(w)}) if w > 0 else []
    log(f"{n} pairs, {len(batches)} batches of <= {args.batch_size} ({args.order}), "
        f"padding {100 * padding:.1f}%, threads {torch.get_num_threads()}, "
        f"warm-up {len(warm_idx)} batch(es)")
    with torch.inference_mode():
        t0 = time.perf_counter()
        for j in warm_idx:
            _, ids, mask, types = batches[j]
            run(model, arity, ids, mask, types)
        warm_s = time.perf_counter() - t0

        logits_by_batch = []
        t0 = time.perf_counter()
        for g, ids, mask, types in batches:
            logits_by_batch.append(run(model, arity, ids, mask, types))
        seconds = time.perf_counter() - t0

    pairs_per_s = n / seconds
    log(f"timed pass: {n} pairs in {seconds:.2f} s, {pairs_per_s:.1f} pairs/s (warm-up {warm_s:.2f} s)")

    if args.scores_out:
        logits = [None] * n
        for (g, _, _, _), lg in zip(batches, logits_by_batch):
            if lg.dim() != 2 or lg.shape[0] != len(g):
                fail(f"model returned logits of shape {tuple(lg.shape)}, expected [{len(g)}, num_labels]")
            for r, i in enumerate(g):
                logits[i] = lg[r]
        tmp = args.scores_out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            for i, lg in enumerate(logits):
                if lg.numel() == 1:
                    score = torch.sigmoid(lg.double()).item()
                else:
                    score = torch.softmax(lg.double(), dim=-1).tolist()
                f.write(json.dumps({"index": i, "logits": lg.tolist(), "score": score}) + "\n")
        os.replace(tmp, args.scores_out)

    result = {
        "runner": f"python torch {torch.__version__.split('+')[0]} {runner}",
        "order": args.order, "batch_size": args.batch_size, "threads": torch.get_num_threads(),
        "pairs": n, "batches": len(batches), "padding": round(padding, 4),
        "warmup_batches": len(warm_idx), "warmup_seconds": round(warm_s, 3),
        "seconds": round(seconds, 3), "pairs_per_s": round(pairs_per_s, 2),
    }
    if args.json:
        print(json.dumps(result), flush=True)
    else:
        print(f"{result['runner']}, batch {args.batch_size}, {args.order}: "
              f"{pairs_per_s:.1f} pairs/s ({n} pairs, {seconds:.2f} s)", flush=True)


if __name__ == "__main__":
    main()
