#!/usr/bin/env python3
"""ModernBERT rerankers: crossrank and its own module against transformers and CrossEncoder.

    python3 scripts/gpu/modernbert_parity.py --crossrank BIN [--work DIR] [--device cuda]

1. The tiny random checkpoint of scripts/fixtures/make_hf_checkpoint.py --family modernbert (mean
   pooling, a 16-token local window) and a copy pooling cls are loaded by transformers'
   ModernBertForSequenceClassification (eager attention, reference_compile off, float32) and
   run on the checkpoint's 40 reference pairs (ids from the Rust tokenizers goldens): their
   logits against eager_scores.jsonl (crossrank's own module in Python).
2. Both are exported with scripts/export_hf.py, through transformers and with
   --no-transformers, and scored by `crossrank score`; max |logit difference| against
   transformers.
3. sentence-transformers' CrossEncoder.predict on the checkpoint (its default sigmoid for one
   label) against `crossrank score --activation sigmoid`, and, for sentence-transformers >= 5.4,
   an Ettin-style modular folder (bare ModernBertModel, Pooling cls, Dense GELU, LayerNorm,
   Dense) saved by sentence-transformers itself, against crossrank on its export.

Prints one JSON object on stdout; progress on stderr. Needs torch, transformers (>= 4.48) and
sentence-transformers: the GPU machine has them.
"""

from __future__ import annotations

import json
import os
import sys

from parity_support import REPO, crossrank_scores, parity_args, run


IDENTITY = ("--activation", "identity")  # logits, as transformers gives them


def pair_line(rec):
    return {"text_a": rec["text_a"], "text_b": rec["text_b"]}


def transformers_logits(ck, records, device):
    import torch
    from transformers import AutoModelForSequenceClassification
    model = AutoModelForSequenceClassification.from_pretrained(
        ck, attn_implementation="eager", reference_compile=False, torch_dtype=torch.float32).to(device).eval()
    out = []
    with torch.inference_mode():
        for r in records:
            ids = torch.tensor([r["input_ids"]], device=device)
            out.append(model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0, 0].item())
    return out


def with_pooling(src, dst, pooling):
    import shutil
    shutil.copytree(src, dst, dirs_exist_ok=True)
    path = os.path.join(dst, "config.json")
    config = json.load(open(path))
    config["classifier_pooling"] = pooling
    json.dump(config, open(path, "w"), indent=2)


def main():
    args = parity_args(__doc__, "crossrank-modernbert-")
    import torch
    import transformers
    report = {"transformers": transformers.__version__, "torch": torch.__version__}
    py = sys.executable
    mean_ck = os.path.join(args.work, "ck-mean")
    run([py, os.path.join(REPO, "scripts/fixtures/make_hf_checkpoint.py"), "--family", "modernbert",
         "--format", "safetensors", "--out", mean_ck])
    cls_ck = os.path.join(args.work, "ck-cls")
    with_pooling(mean_ck, cls_ck, "cls")
    records = [json.loads(x) for x in open(os.path.join(mean_ck, "eager_scores.jsonl"), encoding="utf-8")]
    sys.path.insert(0, os.path.join(REPO, "scripts"))
    from export_hf import load_own  # crossrank's own module, for the cls copy's eager logits
    for pooling, ck in (("mean", mean_ck), ("cls", cls_ck)):
        hf = transformers_logits(ck, records, args.device)
        own_model, _ = load_own(ck, json.load(open(os.path.join(ck, "config.json"))), [])
        with torch.inference_mode():
            own = [own_model(torch.tensor([r["input_ids"]]), torch.ones(1, len(r["input_ids"]), dtype=torch.long))[0, 0].item()
                   for r in records]
        entry = {"pairs": len(records), "max_abs_diff_own_module_vs_transformers": max(abs(a - b) for a, b in zip(own, hf))}
        for route, extra in (("transformers", []), ("own_modules", ["--no-transformers"])):
            bundle = os.path.join(args.work, f"b-{pooling}-{route}")
            run([py, os.path.join(REPO, "scripts/export_hf.py"), ck, bundle, "--force"] + extra)
            got = crossrank_scores(args.crossrank, bundle, records, args.device, pair_line, IDENTITY)
            entry[f"max_abs_diff_crossrank_{route}_vs_transformers"] = max(abs(a - b) for a, b in zip(got, hf))
        entry["crossencoder"] = crossencoder_check(args, ck, records, os.path.join(args.work, f"b-{pooling}-own_modules"))
        report[pooling] = entry
        print(json.dumps({pooling: entry}), file=sys.stderr)
    report["modular"] = modular_check(args, mean_ck, records)
    print(json.dumps(report))


def crossencoder_check(args, ck, records, bundle):
    try:
        from sentence_transformers import CrossEncoder
        model = CrossEncoder(ck, device=args.device)
        whole = [r for r in records if r["max_length"] == 512]  # not cut by either
        predicted = model.predict([(r["text_a"], r["text_b"]) for r in whole], batch_size=8)
    except Exception as e:  # noqa: BLE001 (report, do not stop the other checks)
        return f"not run: {type(e).__name__}: {e}"
    got = crossrank_scores(args.crossrank, bundle, whole, args.device, pair_line, ("--activation", "sigmoid"))
    return {"pairs": len(whole), "max_abs_diff_vs_crossrank_sigmoid": max(abs(float(a) - b) for a, b in zip(predicted, got))}


def modular_check(args, ck, records):
    """An Ettin-style modular cross-encoder saved by sentence-transformers, exported by
    export_hf.py, against CrossEncoder.predict (activation Identity: raw scores)."""
    try:
        import sentence_transformers
        from sentence_transformers import CrossEncoder
        from sentence_transformers.base.modules import Dense, Transformer
        from sentence_transformers.sentence_transformer.modules import LayerNorm, Pooling
        import torch
        backbone = Transformer(ck, transformer_task="feature-extraction",
                               model_kwargs={"attn_implementation": "eager", "reference_compile": False})
        hidden = backbone.get_embedding_dimension()
        torch.manual_seed(3)
        modules = [backbone, Pooling(hidden, pooling_mode="cls"),
                   Dense(hidden, hidden, bias=False, activation_function=torch.nn.GELU()), LayerNorm(hidden),
                   Dense(hidden, 1, activation_function=torch.nn.Identity(), module_output_name="scores")]
        model = CrossEncoder(modules=modules, device=args.device, activation_fn=torch.nn.Identity())
        folder = os.path.join(args.work, "modular")
        model.save(folder)
        whole = [r for r in records if r["max_length"] == 512]
        predicted = CrossEncoder(folder, device=args.device).predict(
            [(r["text_a"], r["text_b"]) for r in whole], batch_size=8)
    except Exception as e:  # noqa: BLE001 (needs sentence-transformers >= 5.4's modular CrossEncoder)
        return f"not run: {type(e).__name__}: {e}"
    bundle = os.path.join(args.work, "b-modular")
    run([sys.executable, os.path.join(REPO, "scripts/export_hf.py"), folder, bundle, "--force"])
    got = crossrank_scores(args.crossrank, bundle, whole, args.device, pair_line, IDENTITY)
    return {"sentence_transformers": sentence_transformers.__version__, "pairs": len(whole),
            "max_abs_diff_crossencoder_vs_crossrank": max(abs(float(a) - b) for a, b in zip(predicted, got))}


if __name__ == "__main__":
    main()
