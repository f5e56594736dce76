#!/usr/bin/python3
"""Write a random-weight Hugging Face-format cross-encoder checkpoint.

    /usr/bin/python3 scripts/make_hf_checkpoint.py --family bert|roberta|xlm-roberta|electra|modernbert \
        --out DIR [--format bin|safetensors|both] [--seed N] [--legacy-keys]

DIR gets what a Hugging Face model folder has, for scripts/export_hf.py to read:

  config.json          as transformers' save_pretrained writes it for the
                       architecture (sorted keys, the non-default values,
                       id2label/label2id for 1 label, no num_labels);
                       bert carries sentence-transformers >= 4's activation
                       entry (Identity), electra the legacy
                       sbert_ce_default_activation_function (Sigmoid)
  pytorch_model.bin    torch.save of the state dict (--format bin|both)
  model.safetensors    models/safetensors.py (--format safetensors|both)
  tokenizer files      bert, electra: tests/data/vocab/bert-base-uncased
                       (tokenizer_config.json with model_max_length 512);
                       roberta, xlm-roberta: tests/data/tokenizers/{roberta,xlmr};
                       modernbert: tests/data/tokenizers/variants/modernbert-bpe
                       (tokenizer_config.json with model_max_length 1024, every position)
  eager_scores.jsonl   reference logits (below)

Small shapes: hidden 16, 2 layers, 2 heads, intermediate 32 (electra:
embedding_size 8, so electra.embeddings_project exists; modernbert: 4 layers, a 16-token
local window, intermediate 24, mean pooling). The weights are the
state_dict() of the project's modules (scripts/models), random but fixed by
--seed. --legacy-keys writes the .bin as old checkpoints have it: LayerNorm
gamma/beta names, the position_ids buffer, and (roberta, xlm-roberta) an
unused pooler; the safetensors file keeps the current names.

eager_scores.jsonl: 40 pairs chosen from the committed token goldens
(tests/data/goldens/bert-base-uncased.wordpiece.jsonl for bert and electra,
roberta.jsonl, xlmr.jsonl, variants/modernbert-bpe.jsonl), with their Hugging Face tokenizers ids (nothing
is tokenized here), scored one pair at a time by the EAGER float32 module:
{"index", "text_a", "text_b", "max_length", "input_ids", "token_type_ids",
"logits"}. crossrank, given text_a/text_b and --max-length max_length, must
produce the same ids and so the same logits.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
from collections import OrderedDict
from typing import Dict, List, NamedTuple, Tuple

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
sys.path.insert(0, SCRIPT_DIR)

import torch  # noqa: E402

from make_fixture_model import json_line, write_json  # noqa: E402
from models.bert import BertConfig, BertForSequenceClassification  # noqa: E402
from models.electra import ElectraConfig, ElectraForSequenceClassification  # noqa: E402
from models.modernbert import ModernBertConfig, ModernBertForSequenceClassification  # noqa: E402
from models.roberta import RobertaConfig, RobertaForSequenceClassification  # noqa: E402
from models.safetensors import save_file  # noqa: E402

DATA = os.path.join(REPO_ROOT, "tests", "data")
BERT_VOCAB = os.path.join(DATA, "vocab", "bert-base-uncased")
DEFAULT_SEED = 20240607
TRANSFORMERS_VERSION = "4.44.2"  # the save_pretrained output imitated
NUM_PAIRS = 40
# Pairs are taken from these truncation lengths only (few crossrank runs).
PAIR_LENGTHS = (5, 16, 32, 128, 512)


# Encoder shapes: the tests' tiny one, and cross-encoder/ms-marco-MiniLM-L-6-v2's.
SIZES = {
    "tiny": {},
    "minilm": {"hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
               "intermediate_size": 1536},
    # ModernBERT-base's (gte-reranker-modernbert-base) and Ettin-17m's encoder shapes.
    "modernbert-base": {"hidden_size": 768, "num_hidden_layers": 22, "num_attention_heads": 12,
                        "intermediate_size": 1152, "local_attention": 128},
    "ettin-17m": {"hidden_size": 256, "num_hidden_layers": 7, "num_attention_heads": 4,
                  "intermediate_size": 384, "local_attention": 128, "classifier_pooling": "cls"},
}
SIZE_FAMILIES = {"minilm": ("bert", "roberta", "xlm-roberta", "electra"),
                 "modernbert-base": ("modernbert",), "ettin-17m": ("modernbert",)}


class Spec(NamedTuple):
    architecture: str
    tokenizer_dir: str
    tokenizer_files: Tuple[str, ...]
    goldens: str
    config: Dict      # the architecture-specific part of config.json


def _bert_like(vocab_size: int, pad: int, positions: int, types: int, eps: float) -> Dict:
    return {
        "attention_probs_dropout_prob": 0.1, "classifier_dropout": None, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "hidden_size": 16, "initializer_range": 0.02,
        "intermediate_size": 32, "layer_norm_eps": eps, "max_position_embeddings": positions,
        "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": pad,
        "position_embedding_type": "absolute", "type_vocab_size": types, "use_cache": True,
        "vocab_size": vocab_size,
    }


def _tokenizer_size(folder: str) -> int:
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        return int(json.load(f)["vocab_size"])


def spec_for(family: str) -> Spec:
    goldens = os.path.join(DATA, "goldens")
    bert_files = ("vocab.txt", "tokenizer.json")
    if family == "bert":
        return Spec("BertForSequenceClassification", BERT_VOCAB, bert_files,
                    os.path.join(goldens, "bert-base-uncased.wordpiece.jsonl"),
                    dict(_bert_like(30522, 0, 512, 2, 1e-12), model_type="bert",
                         sentence_transformers={
                             "activation_fn": "torch.nn.modules.linear.Identity",
                             "version": "4.1.0"}))
    if family == "electra":
        return Spec("ElectraForSequenceClassification", BERT_VOCAB, bert_files,
                    os.path.join(goldens, "bert-base-uncased.wordpiece.jsonl"),
                    dict(_bert_like(30522, 0, 512, 2, 1e-12), model_type="electra",
                         embedding_size=8, summary_activation="gelu",
                         summary_last_dropout=0.1, summary_type="first",
                         summary_use_proj=True,
                         sbert_ce_default_activation_function=(
                             "torch.nn.modules.activation.Sigmoid")))
    if family == "modernbert":
        # ModernBERT-shaped: 4 layers (0 and 3 global), a 16-token local window, so pairs of
        # 32 to 512 tokens cross it; mean pooling, as gte-reranker-modernbert-base.
        tok = os.path.join(DATA, "tokenizers", "variants", "modernbert-bpe")
        with open(os.path.join(tok, "tokenizer.json"), encoding="utf-8") as f:
            added = {t["content"]: t["id"] for t in json.load(f)["added_tokens"]}
        return Spec("ModernBertForSequenceClassification", tok, ("tokenizer.json",),
                    os.path.join(goldens, "variants", "modernbert-bpe.jsonl"),
                    {"model_type": "modernbert", "vocab_size": max(added.values()) + 1,
                     "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 4,
                     "num_attention_heads": 2, "hidden_activation": "gelu",
                     "max_position_embeddings": 1024, "local_attention": 16,
                     "global_attn_every_n_layers": 3, "global_rope_theta": 160000.0,
                     "local_rope_theta": 10000.0, "norm_eps": 1e-5, "norm_bias": False,
                     "attention_bias": False, "mlp_bias": False, "classifier_bias": False,
                     "classifier_activation": "gelu", "classifier_pooling": "mean",
                     "pad_token_id": added["[PAD]"], "cls_token_id": added["[CLS]"],
                     "sep_token_id": added["[SEP]"], "bos_token_id": added["[CLS]"],
                     "eos_token_id": added["[SEP]"]})
    folder, arch, model_type, golden = {
        "roberta": ("roberta", "RobertaForSequenceClassification", "roberta", "roberta.jsonl"),
        "xlm-roberta": ("xlmr", "XLMRobertaForSequenceClassification", "xlm-roberta",
                        "xlmr.jsonl"),
    }[family]
    tok = os.path.join(DATA, "tokenizers", folder)
    files = tuple(n for n in ("tokenizer.json", "vocab.json", "merges.txt",
                              "sentencepiece.bpe.model", "tokenizer_config.json")
                  if os.path.isfile(os.path.join(tok, n)))
    return Spec(arch, tok, files, os.path.join(goldens, golden),
                dict(_bert_like(_tokenizer_size(tok), 1, 514, 1, 1e-5), model_type=model_type,
                     bos_token_id=0, eos_token_id=2))


def hf_config(spec: Spec) -> Dict:
    config = dict(spec.config)
    config.update({
        "architectures": [spec.architecture],
        "id2label": {"0": "LABEL_0"},
        "label2id": {"LABEL_0": 0},
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
    })
    return dict(sorted(config.items()))


def build(family: str, config: Dict) -> torch.nn.Module:
    if family == "bert":
        return BertForSequenceClassification(BertConfig.from_dict(config))
    if family == "electra":
        return ElectraForSequenceClassification(ElectraConfig.from_dict(config))
    if family == "modernbert":
        return ModernBertForSequenceClassification(ModernBertConfig.from_dict(config))
    return RobertaForSequenceClassification(RobertaConfig.from_dict(config))


@torch.no_grad()
def init_weights(model: torch.nn.Module, seed: int) -> None:
    """Deterministic random weights, in named_parameters() order: embedding
    tables N(0, 0.02) (pad rows zeroed), LayerNorms N(1, 0.1) / N(0, 0.1),
    linear weights N(0, 1/fan_in) (the classifier's output layer
    N(0, 36/hidden): logits spread over a few units), biases N(0, 0.1); see
    make_fixture_model.init_weights for why not BERT's 0.02 everywhere."""
    gen = torch.Generator().manual_seed(seed)
    hidden = model.config.hidden_size
    for name, p in model.named_parameters():
        if name.endswith("LayerNorm.weight") or (name.endswith("norm.weight") and p.dim() == 1):
            std, mean = 0.1, 1.0
        elif name.endswith("LayerNorm.bias") or name.endswith(".bias"):
            std, mean = 0.1, 0.0
        elif name.endswith("_embeddings.weight"):
            std, mean = 0.02, 0.0
        elif name in ("classifier.weight", "classifier.out_proj.weight"):
            std, mean = 6.0 / math.sqrt(hidden), 0.0
        elif name.endswith(".weight") and p.dim() == 2:
            std, mean = 1.0 / math.sqrt(p.shape[1]), 0.0
        else:
            raise AssertionError(f"unhandled parameter {name}")
        p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64)
                .mul_(std).add_(mean).to(p.dtype))
    pad = model.config.pad_token_id
    for name, p in model.named_parameters():
        if name.endswith("word_embeddings.weight") or (
                isinstance(model, RobertaForSequenceClassification)
                and name.endswith("position_embeddings.weight")):
            p[pad].zero_()


def legacy_state(family: str, state: Dict[str, torch.Tensor], config: Dict,
                 seed: int) -> Dict[str, torch.Tensor]:
    """The state dict with old-checkpoint names and extras (see --legacy-keys); ModernBERT
    checkpoints have none."""
    if family == "modernbert":
        return state
    prefix = {"bert": "bert", "electra": "electra"}.get(family, "roberta")
    out: Dict[str, torch.Tensor] = OrderedDict()
    for key, value in state.items():
        if key.endswith("LayerNorm.weight"):
            key = key[: -len("weight")] + "gamma"
        elif key.endswith("LayerNorm.bias"):
            key = key[: -len("bias")] + "beta"
        out[key] = value
    out[f"{prefix}.embeddings.position_ids"] = torch.arange(
        config["max_position_embeddings"]).expand((1, -1)).contiguous()
    if prefix == "roberta":
        gen = torch.Generator().manual_seed(seed + 1)
        h = config["hidden_size"]
        out["roberta.pooler.dense.weight"] = torch.randn(h, h, generator=gen)
        out["roberta.pooler.dense.bias"] = torch.randn(h, generator=gen)
    return out


def copy_tokenizer(spec: Spec, out: str) -> None:
    for name in spec.tokenizer_files:
        shutil.copyfile(os.path.join(spec.tokenizer_dir, name), os.path.join(out, name))
    if spec.tokenizer_dir == BERT_VOCAB:
        with open(os.path.join(BERT_VOCAB, "tokenizer_config.json"), encoding="utf-8") as f:
            tok_cfg = json.load(f)
        tok_cfg["model_max_length"] = 512
        write_json(os.path.join(out, "tokenizer_config.json"), tok_cfg)
    elif spec.config["model_type"] == "modernbert":
        # ModernBERT's tokenizer allows every position (8192 for the real ones), beyond
        # crossrank's 512 default.
        write_json(os.path.join(out, "tokenizer_config.json"),
                   {"model_max_length": spec.config["max_position_embeddings"]})


def choose_pairs(path: str, config: Dict) -> List[Dict]:
    """NUM_PAIRS "pair" records, evenly spread over those with a max_length
    in PAIR_LENGTHS (the golden file's order), validated against config."""
    pool = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("kind") == "pair" and rec.get("max_length") in PAIR_LENGTHS:
                pool.append(rec)
    if len(pool) < NUM_PAIRS:
        raise SystemExit(f"{path}: only {len(pool)} usable pairs")
    step = len(pool) / NUM_PAIRS
    chosen = [pool[int(i * step)] for i in range(NUM_PAIRS)]
    for rec in chosen:
        ids, types = rec["input_ids"], rec["token_type_ids"]
        if len(ids) != len(types) or len(ids) > rec["max_length"]:
            raise SystemExit(f"{path}: bad pair record {rec['text_a']!r}")
        if not all(0 <= i < config["vocab_size"] for i in ids) or not all(
                0 <= t < config.get("type_vocab_size", 1) for t in types):
            raise SystemExit(f"{path}: ids outside the model's vocabulary / type ids")
    return chosen


@torch.no_grad()
def write_eager_scores(family: str, model: torch.nn.Module, pairs: List[Dict],
                       path: str) -> float:
    """Scores each pair alone; returns max |alone - padded batch| as a check."""
    takes_types = family in ("bert", "electra")
    pad = model.config.pad_token_id

    def run(ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        return model(ids, mask, types) if takes_types else model(ids, mask)

    logits = []
    for p in pairs:
        ids = torch.tensor([p["input_ids"]], dtype=torch.int64)
        types = torch.tensor([p["token_type_ids"]], dtype=torch.int64)
        logits.append(run(ids, torch.ones_like(ids), types)[0])
    seq = max(len(p["input_ids"]) for p in pairs)
    ids = torch.full((len(pairs), seq), pad, dtype=torch.int64)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for i, p in enumerate(pairs):
        n = len(p["input_ids"])
        ids[i, :n] = torch.tensor(p["input_ids"])
        types[i, :n] = torch.tensor(p["token_type_ids"])
        mask[i, :n] = 1
    batched = run(ids, mask, types)
    worst = (batched - torch.stack(logits)).abs().max().item()
    # fp32 rounding grows with the logits (large random models reach ~15).
    if not worst <= 1e-5 * max(1.0, torch.stack(logits).abs().max().item()):
        raise SystemExit(f"eager logits alone vs padded batch differ by {worst:g}")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for i, (p, lg) in enumerate(zip(pairs, logits)):
            rec = {"index": i, "text_a": p["text_a"], "text_b": p["text_b"],
                   "max_length": p["max_length"], "input_ids": p["input_ids"],
                   "token_type_ids": p["token_type_ids"],
                   "logits": [float(x) for x in lg.tolist()]}
            f.write(json_line(rec) + "\n")
    os.replace(path + ".tmp", path)
    return worst


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--family", required=True,
                    choices=("bert", "roberta", "xlm-roberta", "electra", "modernbert"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--format", choices=("bin", "safetensors", "both"), default="both")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--legacy-keys", action="store_true",
                    help="old names and extras in pytorch_model.bin")
    ap.add_argument("--size", choices=sorted(SIZES), default="tiny",
                    help="tiny (tests); for benchmarks: minilm (ms-marco-MiniLM-L-6-v2's shape), "
                         "modernbert-base (gte-reranker-modernbert-base's), ettin-17m")
    args = ap.parse_args(argv)
    torch.use_deterministic_algorithms(True)

    if args.size != "tiny" and args.family not in SIZE_FAMILIES[args.size]:
        ap.error(f"--size {args.size} is a shape of {', '.join(SIZE_FAMILIES[args.size])}")
    spec = spec_for(args.family)
    config = hf_config(spec)
    config.update(SIZES[args.size])
    model = build(args.family, config)
    init_weights(model, args.seed)
    model.eval()
    state = OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items())

    os.makedirs(args.out, exist_ok=True)
    write_json(os.path.join(args.out, "config.json"), config)
    written = ["config.json"]
    if args.format in ("bin", "both"):
        bin_state = legacy_state(args.family, state, config, args.seed) \
            if args.legacy_keys else state
        torch.save(bin_state, os.path.join(args.out, "pytorch_model.bin"))
        written.append("pytorch_model.bin")
    if args.format in ("safetensors", "both"):
        save_file(state, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
        written.append("model.safetensors")
    copy_tokenizer(spec, args.out)
    written += list(spec.tokenizer_files)
    if spec.tokenizer_dir == BERT_VOCAB:
        written.append("tokenizer_config.json")
    pairs = choose_pairs(spec.goldens, config)
    worst = write_eager_scores(args.family, model, pairs,
                               os.path.join(args.out, "eager_scores.jsonl"))
    written.append("eager_scores.jsonl")
    print(f"wrote {args.out} ({args.family}, seed {args.seed}): {', '.join(written)}; "
          f"{len(pairs)} pairs, eager alone vs padded batch max |diff| {worst:.3g}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
