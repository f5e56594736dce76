#!/usr/bin/python3
"""Build a random-weight cross-encoder fixture bundle for crossrank tests.

The bundle (DIR) holds model.pt (TorchScript, traced), an HF-style
config.json and the tokenizer files of the chosen --family. Weights are
random but deterministic for a given --seed; scores are meaningless, they
only exist to compare the C++ runtime against Python eager execution.

    /usr/bin/python3 scripts/make_fixture_model.py [--family F] --size tiny --out DIR \
        [--seed N] [--num-labels 1] \
        [--goldens-in PAIRS.jsonl --goldens-out SCORES.jsonl]

Families (see FAMILIES):
  bert     BertForSequenceClassification (scripts/models/bert.py), the
           bert-base-uncased vocabulary of tests/data/vocab/;
           forward(input_ids, attention_mask, token_type_ids)
  roberta  RobertaForSequenceClassification (scripts/models/roberta.py), the
           byte-level BPE fixture of tests/data/tokenizers/roberta;
           forward(input_ids, attention_mask)
  xlmr     the same RoBERTa architecture, model_type "xlm-roberta", the
           SentencePiece fixture of tests/data/tokenizers/xlmr;
           forward(input_ids, attention_mask)
  deberta  model_type "deberta-v2" with the tokenizer fixture of
           tests/data/tokenizers/deberta, but the BERT architecture
           (absolute positions, token type embeddings): DeBERTa-v2's
           disentangled attention is not implemented;
           forward(input_ids, attention_mask, token_type_ids)

With --goldens-in/--goldens-out, every "pair" line of PAIRS.jsonl (it needs
"input_ids" and "token_type_ids"; lines with a "kind" other than "pair" are
skipped) is scored by the EAGER model in float32 on CPU, in right-padded
batches (pad id = the family's pad token, attention mask 0 on pads), and one
JSON line per pair is written to SCORES.jsonl. The ids are taken as given
(they come from the Hugging Face tokenizers reference); nothing is
tokenized here. Families without token_type_ids require them to be all 0.

Needs torch (Debian python3-torch): run with /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
import zipfile
from typing import Dict, List, NamedTuple, Sequence, Tuple

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
VOCAB_DIR = os.path.join(REPO_ROOT, "tests", "data", "vocab", "bert-base-uncased")
TOKENIZERS_DIR = os.path.join(REPO_ROOT, "tests", "data", "tokenizers")
sys.path.insert(0, SCRIPT_DIR)

import torch  # noqa: E402

from models.bert import (BertConfig, BertForSequenceClassification,  # noqa: E402
                         fuse_attention_projections, keep_first_token_in_last_layer)
from models.roberta import (RobertaConfig,  # noqa: E402
                            RobertaForSequenceClassification)

SIZES: Dict[str, Dict[str, int]] = {
    "tiny": dict(hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                 intermediate_size=32),
    # The shape of cross-encoder/ms-marco-MiniLM-L-6-v2.
    "minilm": dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                   intermediate_size=1536),
}
DEFAULT_SEED = 20240601
ATOL = 1e-5
GOLDEN_BATCH = 4


class Family(NamedTuple):
    """What differs between fixture families. Token ids are filled in by
    resolve_family() from the tokenizer files (bert: fixed values)."""
    name: str
    model_type: str          # config.json "model_type" (picks the C++ template)
    architecture: str        # config.json "architectures"[0]
    arch: str                # "bert" or "roberta": the module in scripts/models
    tokenizer_dir: str
    tokenizer_files: Tuple[str, ...]  # copied verbatim (bert: see copy_tokenizer)
    template: str            # "bert": [CLS] a [SEP] b [SEP]; "roberta": <s> a </s></s> b </s>
    max_positions: int       # max_position_embeddings
    type_vocab_size: int
    layer_norm_eps: float
    vocab_size: int = 0
    cls_id: int = 0
    sep_id: int = 0
    pad_id: int = 0
    random_low: int = 0      # random verification tokens: [random_low, random_high)
    random_high: int = 0

    @property
    def input_names(self) -> List[str]:
        if self.arch == "roberta":
            return ["input_ids", "attention_mask"]
        return ["input_ids", "attention_mask", "token_type_ids"]

    @property
    def max_length(self) -> int:
        """Longest sequence the position table allows."""
        if self.arch == "roberta":  # positions start after padding_idx
            return self.max_positions - self.pad_id - 1
        return self.max_positions

    def inputs(self, ids: torch.Tensor, mask: torch.Tensor,
               types: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """The forward() arguments, in order."""
        if self.arch == "roberta":
            return (ids, mask)
        return (ids, mask, types)


def _tok(name: str) -> str:
    return os.path.join(TOKENIZERS_DIR, name)


FAMILIES: Dict[str, Family] = {
    "bert": Family(
        "bert", "bert", "BertForSequenceClassification", "bert", VOCAB_DIR,
        ("vocab.txt", "tokenizer.json"), "bert", 512, 2, 1e-12,
        vocab_size=30522, cls_id=101, sep_id=102, pad_id=0,
        random_low=1000, random_high=30522),
    "roberta": Family(
        "roberta", "roberta", "RobertaForSequenceClassification", "roberta",
        _tok("roberta"),
        ("tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json"),
        "roberta", 514, 1, 1e-5),
    "xlmr": Family(
        "xlmr", "xlm-roberta", "XLMRobertaForSequenceClassification", "roberta",
        _tok("xlmr"),
        ("tokenizer.json", "sentencepiece.bpe.model", "tokenizer_config.json"),
        "roberta", 514, 1, 1e-5),
    # BERT math under DeBERTa-v2's name and tokenizer: a model that takes
    # token_type_ids with the DeBERTa template ([CLS] a [SEP] b [SEP], type
    # ids 0/1). "architectures" says what model.pt really is.
    "deberta": Family(
        "deberta", "deberta-v2", "BertForSequenceClassification", "bert",
        _tok("deberta"),
        ("tokenizer.json", "spm.model", "tokenizer_config.json"),
        "bert", 512, 2, 1e-7),
}


def resolve_family(fam: Family) -> Family:
    """Fill in vocab size and special ids from the tokenizer fixture.

    vocab_size is the tokenizer's full size: one past the largest id of the
    model vocabulary and of the added tokens (<mask>/[MASK] come last). The
    fixture's own config.json must agree on vocab_size and pad_token_id.
    """
    if fam.name == "bert":
        return fam
    with open(os.path.join(fam.tokenizer_dir, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    with open(os.path.join(fam.tokenizer_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        tok_cfg = json.load(f)
    with open(os.path.join(fam.tokenizer_dir, "config.json"), encoding="utf-8") as f:
        fixture_cfg = json.load(f)
    vocab = tok["model"]["vocab"]
    ids = list(vocab.values()) if isinstance(vocab, dict) else list(range(len(vocab)))
    added = {t["content"]: t["id"] for t in tok.get("added_tokens", [])}
    vocab_size = max(ids + list(added.values())) + 1

    def special(key: str) -> int:
        content = tok_cfg[key]
        if isinstance(content, dict):
            content = content["content"]
        if content not in added:
            fail(f"{fam.tokenizer_dir}: {key} {content!r} is not an added token")
        return added[content]

    cls_id, sep_id, pad_id = special("cls_token"), special("sep_token"), special("pad_token")
    for key, want in (("vocab_size", vocab_size), ("pad_token_id", pad_id)):
        if fixture_cfg.get(key, want) != want:
            fail(f"{fam.tokenizer_dir}/config.json: {key} {fixture_cfg[key]} but "
                 f"the tokenizer says {want}")
    # Random verification tokens avoid the special ids (the low ones and the
    # mask token at the end).
    low = max(i for i in added.values() if i < vocab_size - 1) + 1
    if low > 16 or any(low <= i < vocab_size - 1 for i in added.values()):
        fail(f"{fam.tokenizer_dir}: unexpected added token ids {sorted(added.values())}")
    return fam._replace(vocab_size=vocab_size, cls_id=cls_id, sep_id=sep_id,
                        pad_id=pad_id, random_low=low, random_high=vocab_size - 1)


def fail(msg: str) -> None:
    print(f"make_fixture_model: ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------------------
# config + weights


def hf_config(fam: Family, size: str, num_labels: int) -> Dict:
    dims = SIZES[size]
    id2label = {str(i): f"LABEL_{i}" for i in range(num_labels)}
    config = {
        "_crossrank_fixture": "random weights; scores are meaningless",
    }
    if fam.architecture == "BertForSequenceClassification" and fam.model_type != "bert":
        config["_crossrank_fixture_architecture"] = (
            f"BERT math (scripts/models/bert.py: absolute positions, token type "
            f"embeddings, BertForSequenceClassification parameter names) with the "
            f"{fam.model_type} tokenizer; not {fam.model_type}'s own attention")
    config.update({
        "architectures": [fam.architecture],
        "model_type": fam.model_type,
        "vocab_size": fam.vocab_size,
        "hidden_size": dims["hidden_size"],
        "num_hidden_layers": dims["num_hidden_layers"],
        "num_attention_heads": dims["num_attention_heads"],
        "intermediate_size": dims["intermediate_size"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": fam.max_positions,
        "type_vocab_size": fam.type_vocab_size,
        "layer_norm_eps": fam.layer_norm_eps,
        "pad_token_id": fam.pad_id,
    })
    if fam.template == "roberta":
        config["bos_token_id"] = fam.cls_id
        config["eos_token_id"] = fam.sep_id
    config["position_embedding_type"] = "absolute"
    if fam.name != "bert":  # tiny-bert's config.json predates this key
        config["num_labels"] = num_labels
    config.update({
        "id2label": id2label,
        "label2id": {v: int(k) for k, v in id2label.items()},
        "torch_dtype": "float32",
    })
    return config


def build_model(fam: Family, config: Dict) -> torch.nn.Module:
    if fam.arch == "roberta":
        return RobertaForSequenceClassification(RobertaConfig.from_dict(config))
    # BertConfig accepts model_type "bert" only; the deberta family is BERT
    # math under another model_type.
    return BertForSequenceClassification(
        BertConfig.from_dict(dict(config, model_type="bert")))


@torch.no_grad()
def init_weights(model: torch.nn.Module, seed: int) -> None:
    """Deterministic random init, in named_parameters() order.

    Embeddings use N(0, 0.02) like BERT (pad row zeroed, as transformers
    does). Linear layers use N(0, 1/fan_in) instead of BERT's 0.02: with
    0.02 a randomly initialised *tiny* model has near-uniform attention and a
    residual stream dominated by the [CLS] embedding, so every input gets
    almost the same logit. With variance-preserving linears, attention is
    peaked and the pooled output depends strongly on the input. The
    classifier is scaled (std 6/sqrt(hidden)) so logits spread over a few
    units. LayerNorm gains/biases and linear biases are perturbed so that a
    wrong parameter mapping cannot go unnoticed. The RoBERTa head's dense
    layer is an ordinary linear; its out_proj is scaled like BERT's
    classifier. Padding rows (word embeddings; RoBERTa's position table too)
    are zeroed, as nn.Embedding(padding_idx=...) does.
    """
    gen = torch.Generator().manual_seed(seed)

    def normal_(t: torch.Tensor, std: float, mean: float = 0.0) -> None:
        t.copy_(torch.randn(t.shape, generator=gen, dtype=torch.float64)
                .mul_(std).add_(mean).to(t.dtype))

    hidden = model.config.hidden_size
    for name, p in model.named_parameters():
        if name.endswith("LayerNorm.weight"):
            normal_(p, 0.1, 1.0)
        elif name.endswith("LayerNorm.bias"):
            normal_(p, 0.1)
        elif "embeddings" in name:
            normal_(p, 0.02)
        elif name in ("classifier.weight", "classifier.out_proj.weight"):
            normal_(p, 6.0 / math.sqrt(hidden))
        elif name.endswith(".weight"):
            normal_(p, 1.0 / math.sqrt(p.shape[1]))
        elif name.endswith(".bias"):
            normal_(p, 0.1)
        else:
            raise AssertionError(f"unhandled parameter {name}")
    pad = model.config.pad_token_id
    if isinstance(model, RobertaForSequenceClassification):
        model.roberta.embeddings.word_embeddings.weight[pad].zero_()
        model.roberta.embeddings.position_embeddings.weight[pad].zero_()
    else:
        model.bert.embeddings.word_embeddings.weight[pad].zero_()


def state_digest(model: torch.nn.Module) -> str:
    h = hashlib.sha256()
    for name, t in model.state_dict().items():
        h.update(name.encode())
        h.update(t.detach().contiguous().numpy().tobytes())
    return h.hexdigest()


# --------------------------------------------------------------------------
# inputs


def make_batch(fam: Family, gen: torch.Generator, lengths: Sequence[int],
               seq_len: int) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded rows with the given real lengths: [CLS] a [SEP] b [SEP]
    (type ids 0..0 1..1) or <s> a </s></s> b </s> (type ids 0), random
    non-special tokens, pad id on pads."""
    b = len(lengths)
    ids = torch.full((b, seq_len), fam.pad_id, dtype=torch.int64)
    mask = torch.zeros(b, seq_len, dtype=torch.int64)
    types = torch.zeros(b, seq_len, dtype=torch.int64)
    for i, n in enumerate(lengths):
        assert 3 <= n <= seq_len
        row = torch.randint(fam.random_low, fam.random_high, (n,), generator=gen)
        row[0] = fam.cls_id
        if fam.template == "roberta":
            first_sep = max(1, (n - 2) // 2)
            row[first_sep] = fam.sep_id
            row[min(first_sep + 1, n - 1)] = fam.sep_id
            row[n - 1] = fam.sep_id
        else:
            first_sep = max(1, (n - 1) // 2)
            row[first_sep] = fam.sep_id
            row[n - 1] = fam.sep_id
            types[i, first_sep + 1:n] = 1
        ids[i, :n] = row
        mask[i, :n] = 1
    return ids, mask, types


def check_shapes(fam: Family) -> List[Tuple[List[int], int]]:
    """(lengths, padded seq len) cases for traced-vs-eager verification."""
    cases = []
    for batch in (1, 3, 5):
        for seq in (3, 40, 300):
            lengths = [max(3, seq - 7 * i) for i in range(batch)]
            lengths[0] = seq  # at least one full row
            cases.append((lengths, seq))
    cases.append(([fam.max_length, 130], fam.max_length))  # max positions
    return cases


# --------------------------------------------------------------------------
# trace + verify


def trace(fam: Family, model: torch.nn.Module) -> torch.jit.ScriptModule:
    gen = torch.Generator().manual_seed(7)
    example = fam.inputs(*make_batch(fam, gen, [11, 7], 11))  # batch 2, row 1 padded
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    names = [i.debugName() for i in list(traced.graph.inputs())[1:]]
    want = fam.input_names
    if [n.split(".")[0] for n in names] != want:
        fail(f"traced graph inputs are {names}, expected {want}")
    schema_args = [a.name for a in traced.forward.schema.arguments][1:]
    if schema_args != want:
        fail(f"traced forward schema args are {schema_args}, expected {want}")
    return traced


@torch.no_grad()
def verify(fam: Family, eager: torch.nn.Module,
           traced: torch.jit.ScriptModule) -> float:
    gen = torch.Generator().manual_seed(11)
    worst = 0.0
    for lengths, seq in check_shapes(fam):
        ids, mask, types = make_batch(fam, gen, lengths, seq)
        want = eager(*fam.inputs(ids, mask, types))
        got = traced(*fam.inputs(ids, mask, types))
        if got.shape != want.shape or got.dtype != torch.float32:
            fail(f"traced output {tuple(got.shape)}/{got.dtype} vs eager "
                 f"{tuple(want.shape)}/{want.dtype} for lengths {lengths}")
        diff = (got - want).abs().max().item()
        worst = max(worst, diff)
        if not diff <= ATOL:
            fail(f"traced != eager (max abs diff {diff:g}) for batch "
                 f"{len(lengths)} seq {seq} lengths {lengths}")
        # Padding must not leak: each row alone equals its padded version.
        for i, n in enumerate(lengths):
            alone = traced(*fam.inputs(ids[i:i + 1, :n], mask[i:i + 1, :n],
                                       types[i:i + 1, :n]))
            d = (alone - want[i:i + 1]).abs().max().item()
            worst = max(worst, d)
            if not d <= ATOL:
                fail(f"padding changes the logits (diff {d:g}) for row {i} "
                     f"of lengths {lengths}")
    return worst


# --------------------------------------------------------------------------
# bundle


def copy_tokenizer(fam: Family, out: str) -> None:
    for name in fam.tokenizer_files:
        shutil.copyfile(os.path.join(fam.tokenizer_dir, name), os.path.join(out, name))
    if fam.name == "bert":
        with open(os.path.join(VOCAB_DIR, "tokenizer_config.json"), encoding="utf-8") as f:
            tok_cfg = json.load(f)
        tok_cfg["model_max_length"] = fam.max_positions
        write_json(os.path.join(out, "tokenizer_config.json"), tok_cfg)


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def strip_debug_info(src: str, dst: str) -> None:
    """Copy a TorchScript archive without its *.debug_pkl records.

    The debug records hold the Python call stacks seen while tracing
    (absolute paths and line numbers of this script and of models/bert.py),
    so they would make model.pt depend on the checkout path and on unrelated
    edits. They are optional for loading: without them TorchScript error
    messages just lack the Python source trace. Records keep their order,
    stay uncompressed and 64-byte aligned like PyTorchStreamWriter's; the
    archive's top folder (taken by torch.jit.save from the temporary file
    name) is renamed to "model".
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename.endswith(".debug_pkl"):
                continue
            data = zin.read(info)
            name = "model/" + info.filename.split("/", 1)[1]
            out = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            out.compress_type = zipfile.ZIP_STORED
            out.external_attr = 0o644 << 16
            header_end = zout.fp.tell() + 30 + len(name.encode()) + 4
            pad = -header_end % 64
            out.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
            zout.writestr(out, data)


# Python's zipfile switches to zip64 records past 2 GiB, which libtorch 1.13's reader refuses
# ("invalid header"): larger archives are kept as torch.jit.save wrote them (debug records
# and all; its own zip64 is readable).
STRIP_LIMIT = (1 << 31) - (1 << 24)


def save_traced(traced: torch.jit.ScriptModule, path: str) -> None:
    folder = tempfile.mkdtemp(prefix=".save-", dir=os.path.dirname(os.path.abspath(path)))
    raw = os.path.join(folder, "model.pt")  # torch names the archive's top folder "model"
    tmp = path + ".tmp"
    try:
        torch.jit.save(traced, raw)
        if os.path.getsize(raw) >= STRIP_LIMIT:
            os.replace(raw, tmp)
        else:
            strip_debug_info(raw, tmp)
    finally:
        shutil.rmtree(folder)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# goldens


def read_pairs(fam: Family, path: str) -> List[Dict]:
    pairs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if "kind" in rec and rec["kind"] != "pair":
                continue
            for key in ("input_ids", "token_type_ids"):
                if key not in rec:
                    fail(f"{path}:{lineno}: missing {key!r}")
            if len(rec["input_ids"]) != len(rec["token_type_ids"]):
                fail(f"{path}:{lineno}: input_ids/token_type_ids lengths differ")
            if not 1 <= len(rec["input_ids"]) <= fam.max_length:
                fail(f"{path}:{lineno}: sequence length {len(rec['input_ids'])} "
                     f"outside 1..{fam.max_length}")
            if not all(0 <= i < fam.vocab_size for i in rec["input_ids"]):
                fail(f"{path}:{lineno}: input id outside 0..{fam.vocab_size - 1}")
            if not all(0 <= t < fam.type_vocab_size for t in rec["token_type_ids"]):
                fail(f"{path}:{lineno}: token type id outside "
                     f"0..{fam.type_vocab_size - 1}")
            pairs.append(rec)
    return pairs


def json_line(rec: Dict) -> str:
    """UTF-8 JSON (not ASCII-escaped) that is still safe to split on lines:
    U+0085, U+2028 and U+2029 are escaped, as in tests/data/goldens/."""
    text = json.dumps(rec, ensure_ascii=False)
    for ch in ("\u0085", "\u2028", "\u2029"):
        text = text.replace(ch, "\\u%04x" % ord(ch))
    return text


@torch.no_grad()
def write_goldens(fam: Family, model: torch.nn.Module,
                  traced: torch.jit.ScriptModule,
                  pairs_path: str, out_path: str) -> Tuple[int, float, float]:
    """Returns (pairs, max |alone - batched|, max |traced - eager|)."""
    pairs = read_pairs(fam, pairs_path)
    num_labels = model.config.num_labels
    all_logits: List[torch.Tensor] = []
    worst_alone = worst_traced = 0.0
    for start in range(0, len(pairs), GOLDEN_BATCH):
        group = pairs[start:start + GOLDEN_BATCH]
        seq = max(len(p["input_ids"]) for p in group)
        ids = torch.full((len(group), seq), fam.pad_id, dtype=torch.int64)
        mask = torch.zeros((len(group), seq), dtype=torch.int64)
        types = torch.zeros((len(group), seq), dtype=torch.int64)
        for i, p in enumerate(group):
            n = len(p["input_ids"])
            ids[i, :n] = torch.tensor(p["input_ids"], dtype=torch.int64)
            types[i, :n] = torch.tensor(p["token_type_ids"], dtype=torch.int64)
            mask[i, :n] = 1
        logits = model(*fam.inputs(ids, mask, types))  # eager, float32, CPU
        # Cross-checks: each pair alone (no padding), and the traced module.
        for i, p in enumerate(group):
            n = len(p["input_ids"])
            alone = model(*fam.inputs(ids[i:i + 1, :n], mask[i:i + 1, :n],
                                      types[i:i + 1, :n]))
            d = (alone - logits[i:i + 1]).abs().max().item()
            worst_alone = max(worst_alone, d)
            if not d <= ATOL:
                fail(f"pair {start + i}: alone vs padded batch differ by {d:g}")
        d = (traced(*fam.inputs(ids, mask, types)) - logits).abs().max().item()
        worst_traced = max(worst_traced, d)
        if not d <= ATOL:
            fail(f"pairs {start}..: traced vs eager differ by {d:g}")
        all_logits.extend(logits.unbind(0))

    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for p, lg in zip(pairs, all_logits):
            rec = {}
            for key in ("text_a", "text_b", "max_length"):
                if key in p:
                    rec[key] = p[key]
            rec["input_ids"] = p["input_ids"]
            rec["token_type_ids"] = p["token_type_ids"]
            values = [float(x) for x in lg.tolist()]  # exact float32 values
            rec["logits"] = values
            if num_labels == 1:
                rec["score"] = 1.0 / (1.0 + math.exp(-values[0]))
            else:
                m = max(values)
                exps = [math.exp(v - m) for v in values]
                total = sum(exps)
                rec["scores"] = [e / total for e in exps]
            f.write(json_line(rec) + "\n")
    os.replace(tmp, out_path)
    return len(pairs), worst_alone, worst_traced


# --------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--family", choices=sorted(FAMILIES), default="bert",
                    help="architecture + tokenizer fixture (default bert)")
    ap.add_argument("--size", choices=sorted(SIZES), required=True)
    ap.add_argument("--out", required=True, help="bundle directory to write")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--num-labels", type=int, default=1)
    ap.add_argument("--goldens-in", help="pairs JSONL (HF tokenizer reference)")
    ap.add_argument("--goldens-out", help="scores JSONL to write")
    args = ap.parse_args(argv)
    if bool(args.goldens_in) != bool(args.goldens_out):
        ap.error("--goldens-in and --goldens-out go together")
    if args.num_labels < 1:
        ap.error("--num-labels must be >= 1")

    torch.use_deterministic_algorithms(True)

    fam = resolve_family(FAMILIES[args.family])
    config = hf_config(fam, args.size, args.num_labels)
    config["_crossrank_fixture_seed"] = args.seed
    model = build_model(fam, config)
    init_weights(model, args.seed)
    model.eval()
    config["_crossrank_fixture_weights_sha256"] = state_digest(model)

    # Traced as export_hf.py traces (models/bert.py: attention projections fused, the last
    # layer on the first token only), checked against the plain eager model.
    fused = copy.deepcopy(model)
    fuse_attention_projections(fused)
    keep_first_token_in_last_layer(fused)
    traced = trace(fam, fused.eval())
    worst = verify(fam, model, traced)

    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.pt")
    save_traced(traced, model_path)
    # Round trip: what C++ loads must behave like what we verified.
    reloaded = torch.jit.load(model_path)
    worst = max(worst, verify(fam, model, reloaded))
    write_json(os.path.join(args.out, "config.json"), config)
    copy_tokenizer(fam, args.out)

    size = os.path.getsize(model_path)
    print(f"wrote {args.out} (family {fam.name}, model.pt {size} bytes, seed "
          f"{args.seed}, num_labels {args.num_labels}); traced vs eager max abs "
          f"diff {worst:.3g}")
    print(f"forward schema: {reloaded.forward.schema}")

    if args.goldens_in:
        n, alone, traced_d = write_goldens(fam, model, reloaded, args.goldens_in,
                                           args.goldens_out)
        print(f"wrote {n} golden scores to {args.goldens_out}; max abs diff "
              f"alone vs batched (eager) {alone:.3g}, traced vs eager (batched) "
              f"{traced_d:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
