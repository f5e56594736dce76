#!/usr/bin/python3
"""Write a random-weight Hugging Face decoder LLM reranker checkpoint.

    /usr/bin/python3 scripts/make_llm_checkpoint.py --recipe qwen3-reranker|mxbai-rerank-v2|
        bge-reranker-gemma --out DIR [--seq-cls] [--seed N] [--size tiny|qwen3-0.6b]

The checkpoint is shaped as each model's hub folder is, tiny:

  qwen3-reranker      Qwen3ForCausalLM: q/k norms, head_dim 16 != hidden/heads,
                      grouped-query attention, tied embeddings; model.safetensors
  mxbai-rerank-v2     Qwen2ForCausalLM: q/k/v biases, an untied lm_head;
                      pytorch_model.bin
  bge-reranker-gemma  GemmaForCausalLM: one key/value head, (1 + w) norms,
                      scaled embeddings, tanh GELU, tied; model.safetensors

--seq-cls writes the *ForSequenceClassification repackaging instead (a one-row
score.weight = lm_head[positive] - lm_head[negative] or lm_head[answer], no
lm_head), as tomaarsen/Qwen3-Reranker-0.6B-seq-cls and vLLM's converter make
them: exported, it must score as the causal-LM checkpoint does.

Tokenizer: tests/data/tokenizers/variants/qwen-split (Qwen) or gemma-bpe,
whose answer words ("yes"/"no", "Yes"; "0"/"1" exist) are single tokens; the
embedding matrix has more rows than the tokenizer, as the real models' have.

eager_scores.jsonl: 40 records of tests/data/goldens/prompts/RECIPE.jsonl (the
ids the model card's code gives, from HF tokenizers; nothing is tokenized here)
scored one at a time by the EAGER float32 module of scripts/models/decoder.py:
{"index", "query", "document", ["instruction",] "max_length", "input_ids",
"logits"}. crossrank, given query/document/instruction and --max-length, must
produce the same ids and so the same logits.

--size qwen3-0.6b: Qwen3-Reranker-0.6B's shape (28 layers, hidden 1024, 16/8
heads of 128, intermediate 3072, vocabulary 151669 rows) with the fixture
tokenizer, for benchmarks; no eager_scores.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections import OrderedDict
from typing import Dict, List

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
sys.path.insert(0, SCRIPT_DIR)

import torch  # noqa: E402

from export_hf import answer_ids  # noqa: E402
from make_fixture_model import json_line, write_json  # noqa: E402
from models.decoder import DecoderConfig, DecoderForScoring, init_random, load_decoder  # noqa: E402
from models.decoder import score_head  # noqa: E402
from models.safetensors import save_file  # noqa: E402

DATA = os.path.join(REPO_ROOT, "tests", "data")
VARIANTS = os.path.join(DATA, "tokenizers", "variants")
DEFAULT_SEED = 20261203
NUM_RECORDS = 40
TRANSFORMERS_VERSION = "4.51.3"  # the save_pretrained output imitated

# The model cards' answer tokens ([negative, positive] or [token]).
RECIPES = {
    "qwen3-reranker": ("qwen-split", ["no", "yes"], {
        "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "attention_bias": False,
        "head_dim": 16, "hidden_act": "silu", "max_position_embeddings": 40960,
        "rope_theta": 1000000.0, "tie_word_embeddings": True, "use_sliding_window": False,
        "sliding_window": None, "rope_scaling": None}),
    "mxbai-rerank-v2": ("qwen-split", ["0", "1"], {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
        "max_position_embeddings": 32768, "rope_theta": 1000000.0, "tie_word_embeddings": False,
        "use_sliding_window": False, "sliding_window": 32768, "rope_scaling": None}),
    "bge-reranker-gemma": ("gemma-bpe", ["Yes"], {
        "architectures": ["GemmaForCausalLM"], "model_type": "gemma", "head_dim": 16,
        "num_key_value_heads": 1, "hidden_act": "gelu", "hidden_activation": "gelu_pytorch_tanh",
        "max_position_embeddings": 8192, "rope_theta": 10000.0, "tie_word_embeddings": True,
        "pad_token_id": 0, "bos_token_id": 2, "eos_token_id": 1, "attention_bias": False}),
}
SIZES = {
    "tiny": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
             "num_key_value_heads": 2, "intermediate_size": 64},
    "qwen3-0.6b": {"hidden_size": 1024, "num_hidden_layers": 28, "num_attention_heads": 16,
                   "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 3072,
                   "vocab_size": 151669},
}


def tokenizer_rows(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    ids = list(tok["model"]["vocab"].values()) + [t["id"] for t in tok["added_tokens"]]
    return max(ids) + 1


def hf_config(recipe: str, size: str, rows: int) -> Dict:
    _, _, own = RECIPES[recipe]
    config = {"rms_norm_eps": 1e-6, "torch_dtype": "float32", "use_cache": True,
              "transformers_version": TRANSFORMERS_VERSION,
              "vocab_size": (rows + 63) // 64 * 64 + 64}  # padded past the tokenizer, as Qwen's
    config.update(own)
    config.update(SIZES[size])
    return dict(sorted(config.items()))


def checkpoint_state(config: Dict, ids: List[int], seed: int, seq_cls: bool) -> "OrderedDict":
    """The state dict as the hub stores it: backbone plus lm_head (untied) or score."""
    model = DecoderForScoring(DecoderConfig.from_dict(config))
    init_random(model, seed)
    # The final norm's gain at ~1/4 keeps the logits within a few units, where float32
    # resolves the tests' 1e-5 (the LM head rows are N(0, 1) over the hidden size).
    with torch.no_grad():
        norm = model.model.norm.weight
        norm.copy_(norm * 0.25 - 0.75 if config["model_type"] == "gemma" else norm * 0.25)
    state = OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items()
                        if k != "score.weight")
    gen = torch.Generator().manual_seed(seed + 1)
    hidden = config["hidden_size"]
    lm_head = state["model.embed_tokens.weight"] if config["tie_word_embeddings"] else \
        torch.randn(config["vocab_size"], hidden, generator=gen, dtype=torch.float64).float()
    if seq_cls:
        state["score.weight"] = score_head(lm_head, ids)
    elif not config["tie_word_embeddings"]:
        state["lm_head.weight"] = lm_head
    return state


@torch.no_grad()
def write_eager_scores(model: torch.nn.Module, recipe: str, path: str) -> float:
    """Scores NUM_RECORDS golden records alone; returns max |alone - padded batch|."""
    with open(os.path.join(DATA, "goldens", "prompts", recipe + ".jsonl"), encoding="utf-8") as f:
        pool = [json.loads(line) for line in f if line.strip()]
    step = len(pool) / NUM_RECORDS
    chosen = [pool[int(i * step)] for i in range(NUM_RECORDS)]
    alone = []
    for rec in chosen:
        ids = torch.tensor([rec["input_ids"]], dtype=torch.int64)
        alone.append(model(ids, torch.ones_like(ids))[0])
    seq = max(len(r["input_ids"]) for r in chosen)
    ids = torch.zeros((len(chosen), seq), dtype=torch.int64)
    mask = torch.zeros_like(ids)
    for i, rec in enumerate(chosen):
        ids[i, :len(rec["input_ids"])] = torch.tensor(rec["input_ids"])
        mask[i, :len(rec["input_ids"])] = 1
    worst = (model(ids, mask) - torch.stack(alone)).abs().max().item()
    if not worst <= 1e-5:
        raise SystemExit(f"eager logits alone vs padded batch differ by {worst:g}")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for i, (rec, logits) in enumerate(zip(chosen, alone)):
            out = {"index": i, "query": rec["query"], "document": rec["document"]}
            if "instruction" in rec:
                out["instruction"] = rec["instruction"]
            out.update(max_length=rec["max_length"], input_ids=rec["input_ids"],
                       logits=[float(x) for x in logits.tolist()])
            f.write(json_line(out) + "\n")
    os.replace(path + ".tmp", path)
    return worst


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipe", required=True, choices=sorted(RECIPES))
    ap.add_argument("--out", required=True)
    ap.add_argument("--seq-cls", action="store_true",
                    help="a *ForSequenceClassification repackaging (score.weight, no lm_head)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--size", choices=sorted(SIZES), default="tiny")
    args = ap.parse_args(argv)
    torch.use_deterministic_algorithms(True)

    variant, answers, _ = RECIPES[args.recipe]
    tokenizer_json = os.path.join(VARIANTS, variant, "tokenizer.json")
    config = hf_config(args.recipe, args.size, tokenizer_rows(tokenizer_json))
    ids = answer_ids(os.path.dirname(tokenizer_json), answers)
    if args.seq_cls:
        config["architectures"] = [config["architectures"][0].replace("ForCausalLM",
                                                                      "ForSequenceClassification")]
        config.update(id2label={"0": "LABEL_0"}, label2id={"LABEL_0": 0})
        config = dict(sorted(config.items()))
    state = checkpoint_state(config, ids, args.seed, args.seq_cls)

    os.makedirs(args.out, exist_ok=True)
    write_json(os.path.join(args.out, "config.json"), config)
    weights = "pytorch_model.bin" if config["model_type"] == "qwen2" else "model.safetensors"
    if weights.endswith(".bin"):
        torch.save(state, os.path.join(args.out, weights))
    else:
        save_file(state, os.path.join(args.out, weights), metadata={"format": "pt"})
    shutil.copyfile(tokenizer_json, os.path.join(args.out, "tokenizer.json"))
    written = ["config.json", weights, "tokenizer.json"]
    if args.size == "tiny":
        model, _ = load_decoder(config, state, ids)
        worst = write_eager_scores(model, args.recipe, os.path.join(args.out, "eager_scores.jsonl"))
        written.append(f"eager_scores.jsonl (alone vs padded batch max |diff| {worst:.3g})")
    print(f"wrote {args.out} ({args.recipe}, {config['architectures'][0]}, seed {args.seed}, "
          f"answer ids {ids}): {', '.join(written)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
