#!/usr/bin/python3
"""Write tiny non-BERT TorchScript bundles that test crossrank's output handling.

    /usr/bin/python3 scripts/make_output_variants.py \
        --out-root tests/data/models/variants [--seed N]

Every variant is a toy scorer, not a transformer: an embedding of
input_ids % 97 (plus a token-type embedding where token_type_ids is an
input), a mean over the positions where attention_mask is 1, and a Linear
layer. Only the forward signature, the output structure and config.json
differ between variants:

  basic                       forward(input_ids, attention_mask, token_type_ids) -> [B, 1]
  tuple-out                   ... -> ([B, 1],)
  dict-out                    ... -> {"logits": [B, 1]}
  flat-out                    ... -> [B]
  three-label                 ... -> [B, 3]; config id2label contradiction/entailment/neutral
  no-type-ids                 forward(input_ids, attention_mask) -> [B, 1]
  reordered-args              forward(input_ids, token_type_ids, attention_mask) -> [B, 1]
  identity-activation         basic + config "sentence_transformers": {"activation_fn":
                              "torch.nn.modules.linear.Identity"} (sentence-transformers >= 4)
  identity-activation-legacy  basic + config "sbert_ce_default_activation_function":
                              "torch.nn.modules.linear.Identity" (sentence-transformers < 4)
  nan-out                     ... -> [B, 1] of NaN for any input

Outputs crossrank must refuse with a model error (expected.json names the message):

  wide-out                    ... -> [B, 1, 3]
  first-row-out               ... -> [1, 1] whatever B
  dict-without-logits         ... -> {"scores": [B, 1]}

Each bundle DIR gets model.pt, config.json, vocab.txt, tokenizer_config.json
and expected.json:

  {"inputs": [[101, 7592, 102], ...],     # input_ids, run one at a time (batch 1)
   "attention_mask": "all ones", "token_type_ids": "all zeros",
   "outputs": [RAW, ...],                 # eager output, tensors as nested lists
                                          # (batch dim kept), tuples as lists,
                                          # dicts as objects
   "logits": [[...], ...],                # the same numbers as [num_labels] per input
   "num_labels": N, "outputs_are_nan": false}

NaN is not valid JSON, so nan-out writes null for each NaN and sets
"outputs_are_nan": true.

Needs torch (Debian python3-torch): run with /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
from typing import Any, Dict, List, Tuple

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, SCRIPT_DIR)

import torch  # noqa: E402
from torch import Tensor, nn  # noqa: E402

from make_fixture_model import VOCAB_DIR, save_traced, write_json  # noqa: E402

BUCKETS = 97
CHANNELS = 8
DEFAULT_SEED = 97
EXAMPLES = [
    [101, 7592, 102],                          # [CLS] hello [SEP]
    [101, 7592, 2088, 102],                    # [CLS] hello world [SEP]
    [101, 2054, 2003, 1037, 102, 3899, 102],   # [CLS] what is a [SEP] dog [SEP]
]
NLI_LABELS = ["contradiction", "entailment", "neutral"]


class ToyScorer(nn.Module):
    """Masked mean of bucketed token embeddings, then Linear(C, num_labels)."""

    def __init__(self, num_labels: int, use_types: bool) -> None:
        super().__init__()
        self.emb = nn.Embedding(BUCKETS, CHANNELS)
        self.type_emb = nn.Embedding(2, CHANNELS) if use_types else None
        self.proj = nn.Linear(CHANNELS, num_labels)

    def scores(self, input_ids: Tensor, attention_mask: Tensor,
               token_type_ids: Tensor = None) -> Tensor:
        x = self.emb(torch.remainder(input_ids, BUCKETS))
        if self.type_emb is not None:
            x = x + self.type_emb(token_type_ids)
        m = attention_mask.unsqueeze(-1).type_as(x)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.proj(pooled)  # [B, num_labels]


class Basic(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.scores(input_ids, attention_mask, token_type_ids)


class TupleOut(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return (self.scores(input_ids, attention_mask, token_type_ids),)


class DictOut(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return {"logits": self.scores(input_ids, attention_mask, token_type_ids)}


class FlatOut(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.scores(input_ids, attention_mask, token_type_ids).squeeze(-1)


class NoTypeIds(ToyScorer):
    def forward(self, input_ids, attention_mask):
        return self.scores(input_ids, attention_mask)


class ReorderedArgs(ToyScorer):
    def forward(self, input_ids, token_type_ids, attention_mask):
        return self.scores(input_ids, attention_mask, token_type_ids)


class NanOut(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        s = self.scores(input_ids, attention_mask, token_type_ids)
        return torch.full_like(s, float("nan"))


class WideOut(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.scores(input_ids, attention_mask, token_type_ids).unsqueeze(-1).expand(-1, 1, 3)


class FirstRowOut(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.scores(input_ids, attention_mask, token_type_ids)[:1]


class DictWithoutLogits(ToyScorer):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return {"scores": self.scores(input_ids, attention_mask, token_type_ids)}


# name -> (module class, num_labels, uses token_type_ids, extra config keys)
VARIANTS: Dict[str, Tuple[type, int, bool, Dict[str, Any]]] = {
    "basic": (Basic, 1, True, {}),
    "tuple-out": (TupleOut, 1, True, {}),
    "dict-out": (DictOut, 1, True, {}),
    "flat-out": (FlatOut, 1, True, {}),
    "three-label": (Basic, 3, True, {}),
    "no-type-ids": (NoTypeIds, 1, False, {}),
    "reordered-args": (ReorderedArgs, 1, True, {}),
    "identity-activation": (Basic, 1, True, {
        "sentence_transformers": {
            "activation_fn": "torch.nn.modules.linear.Identity",
            "version": "4.1.0",
        }}),
    "identity-activation-legacy": (Basic, 1, True, {
        "sbert_ce_default_activation_function": "torch.nn.modules.linear.Identity"}),
    "nan-out": (NanOut, 1, True, {}),
    "wide-out": (WideOut, 1, True, {}),
    "first-row-out": (FirstRowOut, 1, True, {}),
    "dict-without-logits": (DictWithoutLogits, 1, True, {}),
}

# Variants whose output crossrank refuses: the error message it must give (a substring).
ERRORS = {
    "wide-out": "model output has shape [1, 1, 3] for a batch of 1; expected [B], [B,1] or [B,C]",
    "first-row-out": "model output has shape [1, 1] for a batch of 3; expected [B], [B,1] or [B,C]",
    "dict-without-logits": "model output is a dict without a \"logits\" tensor",
}

ARG_ORDER = {
    Basic: ["input_ids", "attention_mask", "token_type_ids"],
    NoTypeIds: ["input_ids", "attention_mask"],
    ReorderedArgs: ["input_ids", "token_type_ids", "attention_mask"],
}


def arg_names(cls: type) -> List[str]:
    for base, names in ARG_ORDER.items():
        if cls is base:
            return names
    return ARG_ORDER[Basic]


def make_inputs(names: List[str], ids: Tensor) -> Tuple[Tensor, ...]:
    by_name = {
        "input_ids": ids,
        "attention_mask": torch.ones_like(ids),
        "token_type_ids": torch.zeros_like(ids),
    }
    return tuple(by_name[n] for n in names)


def to_jsonable(x: Any) -> Any:
    if isinstance(x, Tensor):
        return to_jsonable(x.tolist())
    if isinstance(x, (list, tuple)):
        return [to_jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: to_jsonable(v) for k, v in x.items()}
    if isinstance(x, float):
        return None if math.isnan(x) else x
    return x


def logits_of(out: Any) -> Tensor:
    if isinstance(out, tuple):
        out = out[0]
    if isinstance(out, dict):
        out = out["logits"]
    return out.reshape(-1)  # batch 1 -> [num_labels]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, Tensor):
        return (isinstance(b, Tensor) and a.shape == b.shape
                and torch.allclose(a, b, atol=1e-6, rtol=0, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(same(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return False


@torch.no_grad()
def init_weights(model: nn.Module, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    for _, p in model.named_parameters():
        p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype))


def bundle_config(name: str, num_labels: int, extra: Dict[str, Any]) -> Dict[str, Any]:
    labels = NLI_LABELS if num_labels == 3 else [f"LABEL_{i}" for i in range(num_labels)]
    id2label = {str(i): label for i, label in enumerate(labels)}
    config = {
        "_crossrank_fixture": (f"output-handling variant {name!r}: a toy "
                               "TorchScript scorer, not a BERT; scores are meaningless"),
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": 30522,
        "max_position_embeddings": 512,
        "pad_token_id": 0,
        "id2label": id2label,
        "label2id": {label: i for i, label in enumerate(labels)},
    }
    config.update(extra)
    return config


@torch.no_grad()
def build(name: str, out_dir: str, seed: int) -> int:
    cls, num_labels, use_types, extra = VARIANTS[name]
    model = cls(num_labels, use_types)
    init_weights(model, seed)
    model.eval()
    names = arg_names(cls)

    example = torch.tensor([[101, 7592, 2088, 102, 0], [101, 2054, 102, 3899, 102]])
    ex_inputs = make_inputs(names, example)
    # Padding in the example row 0, so the mask is not constant.
    if "attention_mask" in names:
        ex_inputs[names.index("attention_mask")][0, 4] = 0
    traced = torch.jit.trace(model, ex_inputs, strict=(cls not in (DictOut, DictWithoutLogits)))
    schema = [a.name for a in traced.forward.schema.arguments][1:]
    if schema != names:
        raise SystemExit(f"{name}: traced args {schema}, expected {names}")

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.pt")
    save_traced(traced, path)
    reloaded = torch.jit.load(path)
    write_json(os.path.join(out_dir, "config.json"), bundle_config(name, num_labels, extra))
    shutil.copyfile(os.path.join(VOCAB_DIR, "vocab.txt"), os.path.join(out_dir, "vocab.txt"))
    with open(os.path.join(VOCAB_DIR, "tokenizer_config.json"), encoding="utf-8") as f:
        tok_cfg = json.load(f)
    tok_cfg["model_max_length"] = 512
    write_json(os.path.join(out_dir, "tokenizer_config.json"), tok_cfg)
    if name in ERRORS:
        for ids in EXAMPLES:
            inputs = make_inputs(names, torch.tensor([ids], dtype=torch.int64))
            if not same(model(*inputs), reloaded(*inputs)):
                raise SystemExit(f"{name}: traced output differs from eager")
        write_json(os.path.join(out_dir, "expected.json"),
                   {"inputs": EXAMPLES, "forward_args": names, "error": ERRORS[name]})
        return os.path.getsize(path)

    outputs, logits = [], []
    for ids in EXAMPLES:
        inputs = make_inputs(names, torch.tensor([ids], dtype=torch.int64))
        eager = model(*inputs)
        got = reloaded(*inputs)
        if not same(eager, got):
            raise SystemExit(f"{name}: traced output {got!r} != eager {eager!r}")
        outputs.append(to_jsonable(eager))
        logits.append(to_jsonable(logits_of(eager)))
    # Batched traced run must equal the single runs (shape handling, masking).
    batch = torch.zeros(len(EXAMPLES), max(map(len, EXAMPLES)), dtype=torch.int64)
    mask = torch.zeros_like(batch)
    for i, ids in enumerate(EXAMPLES):
        batch[i, :len(ids)] = torch.tensor(ids)
        mask[i, :len(ids)] = 1
    by_name = {"input_ids": batch, "attention_mask": mask,
               "token_type_ids": torch.zeros_like(batch)}
    batched = reloaded(*[by_name[n] for n in names])
    singles = torch.stack([logits_of(model(*make_inputs(names, torch.tensor([ids]))))
                           for ids in EXAMPLES])
    if not torch.allclose(logits_of(batched).reshape(len(EXAMPLES), -1), singles,
                          atol=1e-6, rtol=0, equal_nan=True):
        raise SystemExit(f"{name}: batched traced output differs from single runs")

    expected = {
        "inputs": EXAMPLES,
        "attention_mask": "all ones",
        "token_type_ids": "all zeros",
        "forward_args": names,
        "outputs": outputs,
        "logits": logits,
        "num_labels": num_labels,
        "outputs_are_nan": cls is NanOut,
    }
    write_json(os.path.join(out_dir, "expected.json"), expected)
    return os.path.getsize(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-root", required=True)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--only", action="append", choices=sorted(VARIANTS),
                    help="build just this variant (repeatable)")
    ap.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    names = [n for n in VARIANTS if not args.only or n in args.only]
    if args.in_process:
        for name in names:
            size = build(name, os.path.join(args.out_root, name), args.seed)
            print(f"{name}: model.pt {size} bytes")
        return 0
    # One fresh process per variant: TorchScript type names get per-process
    # "___torch_mangle_N" suffixes, so building several variants in one
    # process would make each model.pt depend on which others were built.
    for name in names:
        subprocess.run([sys.executable, os.path.realpath(__file__),
                        "--out-root", args.out_root, "--seed", str(args.seed),
                        "--only", name, "--in-process"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
