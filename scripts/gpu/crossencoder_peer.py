#!/usr/bin/env python3
"""sentence-transformers' CrossEncoder beside crossrank, on the same pairs.

    python3 scripts/gpu/crossencoder_peer.py --hf HF_DIR --bundle BUNDLE --pairs PAIRS.jsonl \
        --crossrank BIN [--check 1000] [--devices cpu,cuda] [--time-batch-sizes 32,256]

1. Parity: CrossEncoder(HF_DIR).predict() in fp32 against `crossrank score` on the first
   --check pairs, for each device: max |difference| of the scores.
2. Speed (CUDA only): CrossEncoder.predict on every pair in fp32 and fp16 at each batch
   size, wall-clock after one warm-up call, the best of two, next to `crossrank score` end
   to end (process start and model load included) in fp32/fp16/bf16.

Prints one JSON object on stdout. Needs sentence-transformers and torch (the GPU machine
has both; this machine has neither).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def read_pairs(path, limit=None):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            pairs.append((rec["query"], rec["text"]))
            if limit and len(pairs) == limit:
                break
    return pairs


def crossrank_scores(binary, bundle, pairs, device, dtype="fp32"):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for q, d in pairs:
            f.write(json.dumps({"text_a": q, "text_b": d}) + "\n")
        path = f.name
    start = time.perf_counter()
    out = subprocess.run([binary, "-q", "score", "-m", bundle, "-i", path, "--device", device,
                          "--dtype", dtype], check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - start
    os.unlink(path)
    return [json.loads(line)["score"] for line in out.splitlines()], seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hf", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--crossrank", required=True)
    ap.add_argument("--check", type=int, default=1000)
    ap.add_argument("--devices", default="cpu,cuda")
    ap.add_argument("--time-batch-sizes", default="32,256")
    args = ap.parse_args()

    import torch
    from sentence_transformers import CrossEncoder

    result = {"torch": torch.__version__}
    try:
        import sentence_transformers
        import transformers
        result["sentence_transformers"] = sentence_transformers.__version__
        result["transformers"] = transformers.__version__
    except Exception:  # versions are informative only
        pass

    check_pairs = read_pairs(args.pairs, args.check)
    parity = {}
    for device in args.devices.split(","):
        if device == "cuda" and not torch.cuda.is_available():
            continue
        model = CrossEncoder(args.hf, device=device)
        ref = model.predict(check_pairs, batch_size=64, convert_to_numpy=True).tolist()
        ours, _ = crossrank_scores(args.crossrank, args.bundle, check_pairs, device)
        parity[device] = {
            "pairs": len(ref),
            "max_abs_diff": max(abs(a - b) for a, b in zip(ref, ours)),
        }
        print(f"parity {device}: {parity[device]}", file=sys.stderr)
    result["parity_fp32"] = parity

    if torch.cuda.is_available():
        pairs = read_pairs(args.pairs)
        timing = {"pairs": len(pairs)}
        for dtype in ("fp32", "fp16"):
            kwargs = {"torch_dtype": torch.float16} if dtype == "fp16" else {}
            model = CrossEncoder(args.hf, device="cuda", model_kwargs=kwargs)
            for bs in (int(b) for b in args.time_batch_sizes.split(",")):
                model.predict(pairs[:2048], batch_size=bs)
                best = float("inf")
                for _ in range(2):
                    torch.cuda.synchronize()
                    start = time.perf_counter()
                    model.predict(pairs, batch_size=bs)
                    torch.cuda.synchronize()
                    best = min(best, time.perf_counter() - start)
                timing[f"crossencoder_{dtype}_bs{bs}_pairs_per_s"] = round(len(pairs) / best, 1)
            del model
            torch.cuda.empty_cache()
        for dtype in ("fp32", "fp16", "bf16"):
            scores, seconds = crossrank_scores(args.crossrank, args.bundle, pairs, "cuda", dtype)
            timing[f"crossrank_score_{dtype}_end_to_end_pairs_per_s"] = round(len(pairs) / seconds, 1)
            if dtype == "fp32":
                reference = scores
            else:
                timing[f"crossrank_{dtype}_max_abs_diff_vs_fp32"] = max(
                    abs(a - b) for a, b in zip(reference, scores))
        result["timing_cuda"] = timing
    print(json.dumps(result))


if __name__ == "__main__":
    main()
