#!/usr/bin/python3
"""Export a crossrank BERT bundle (model.pt + config.json) to ONNX for transformers.js.

    /usr/bin/python3 scripts/ort/export_onnx.py --bundle DIR --out ONNX_DIR [--opset 17]

The weights come from DIR/model.pt (the traced TorchScript module): they are
loaded strictly into the eager module of scripts/models/bert.py built from
DIR/config.json, the eager module is checked against the traced one (max abs
logit difference <= 1e-5 on a few padded batches), and the eager module is
exported with torch.onnx.export: inputs input_ids, attention_mask,
token_type_ids (int64 [batch, sequence]), output logits [batch, num_labels],
both axes dynamic. When config.json carries the fixture's weight digest
(_crossrank_fixture_weights_sha256), the loaded weights must match it.

ONNX_DIR gets the layout transformers.js loads from a local folder:

    ONNX_DIR/onnx/model.onnx
    ONNX_DIR/config.json            copied from DIR
    ONNX_DIR/tokenizer.json         copied from DIR
    ONNX_DIR/tokenizer_config.json  DIR's, plus tokenizer_class BertTokenizer

Only BERT-family bundles (forward(input_ids, attention_mask, token_type_ids))
are handled. Needs torch only (no onnx package): run with /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.dirname(SCRIPT_DIR))  # scripts/, for models.bert

import torch  # noqa: E402

from models.bert import BertConfig, BertForSequenceClassification  # noqa: E402

INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]
ATOL = 1e-5


def fail(msg: str) -> None:
    print(f"export_onnx: ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def digest(model: torch.nn.Module) -> str:
    """Same digest as make_fixture_model.state_digest."""
    h = hashlib.sha256()
    for name, t in model.state_dict().items():
        h.update(name.encode())
        h.update(t.detach().contiguous().numpy().tobytes())
    return h.hexdigest()


def batch(lengths, seq, gen):
    """Right-padded [CLS] a [SEP] b [SEP] rows of random tokens."""
    ids = torch.zeros(len(lengths), seq, dtype=torch.int64)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for i, n in enumerate(lengths):
        row = torch.randint(1000, 30000, (n,), generator=gen)
        half = max(1, (n - 1) // 2)
        row[0], row[half], row[n - 1] = 101, 102, 102
        ids[i, :n], mask[i, :n] = row, 1
        types[i, half + 1:n] = 1
    return ids, mask, types


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bundle", required=True, help="crossrank bundle with model.pt and config.json")
    ap.add_argument("--out", required=True, help="folder to write (transformers.js layout)")
    ap.add_argument("--opset", type=int, default=17, help="ONNX opset (default 17, torch 1.13's newest)")
    args = ap.parse_args()

    with open(os.path.join(args.bundle, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    if config.get("model_type") != "bert":
        fail(f"model_type {config.get('model_type')!r}: only BERT bundles are handled")

    traced = torch.jit.load(os.path.join(args.bundle, "model.pt"), map_location="cpu").eval()
    schema = [a.name for a in traced.forward.schema.arguments][1:]
    if schema != INPUT_NAMES:
        fail(f"model.pt forward takes {schema}, expected {INPUT_NAMES}")
    eager = BertForSequenceClassification(BertConfig.from_dict(config)).eval()
    try:  # strict, except the position_ids buffer that the traced module keeps
        eager.load_hf_state_dict(traced.state_dict())
    except KeyError as e:
        fail(f"weights do not fit the config: {e}")
    want = config.get("_crossrank_fixture_weights_sha256")
    if want and digest(eager) != want:
        fail("loaded weights differ from the digest recorded in config.json")

    gen = torch.Generator().manual_seed(5)
    worst = 0.0
    with torch.no_grad():
        for lengths, seq in (([9, 5], 9), ([40, 33, 12], 40), ([300], 300)):
            inputs = batch(lengths, seq, gen)
            worst = max(worst, (eager(*inputs) - traced(*inputs)).abs().max().item())
    if not worst <= ATOL:
        fail(f"eager module differs from model.pt by {worst:g}")

    onnx_dir = os.path.join(args.out, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    path = os.path.join(onnx_dir, "model.onnx")
    dynamic = {0: "batch", 1: "sequence"}
    example = batch([11, 7], 11, gen)
    with torch.no_grad():
        torch.onnx.export(
            eager, example, path + ".tmp", input_names=INPUT_NAMES, output_names=["logits"],
            dynamic_axes={**{n: dynamic for n in INPUT_NAMES}, "logits": {0: "batch"}},
            opset_version=args.opset, do_constant_folding=True)
    os.replace(path + ".tmp", path)

    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(os.path.join(args.bundle, name), os.path.join(args.out, name))
    with open(os.path.join(args.bundle, "tokenizer_config.json"), encoding="utf-8") as f:
        tok_cfg = json.load(f)
    tok_cfg.setdefault("tokenizer_class", "BertTokenizer")
    with open(os.path.join(args.out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tok_cfg, f, indent=2)
        f.write("\n")

    print(f"export_onnx: wrote {path} ({os.path.getsize(path)} bytes, opset {args.opset}, "
          f"torch {torch.__version__}); eager vs model.pt max abs diff {worst:.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
