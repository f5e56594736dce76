#!/usr/bin/python3
"""Train the bundled demo cross-encoder on STS Benchmark and write it as a crossrank bundle.

    /usr/bin/python3 scripts/train_demo_model.py [--out models/demo] [--seed 13]
        [--max-minutes 35] [--epochs 40] [--crossrank build/apps/crossrank/crossrank]

A small BERT-architecture cross-encoder (scripts/models/bert.py: 2 layers, hidden 128, 4 heads,
intermediate 512, 128 positions) with the bert-base-uncased vocabulary, trained from scratch on
the STS-B train split (../shared/data/stsb/sts-train.csv, both sentence orders) to predict
gold/5 with a sigmoid output (binary cross-entropy with logits, as sentence-transformers'
CrossEncoder trains one-label models). The dev split picks the best epoch (Spearman); the test
split is scored once at the end. Before STS-B, the model learns to compare two sentences token by
token on self-supervised pairs made from the training sentences (a sentence against a partly
corrupted copy, or against another sentence; target: the share of tokens in common): trained on
STS-B alone from scratch, it memorised the training pairs and dev Spearman fell every epoch.

Pairs are tokenized by `crossrank tokenize` with the bert-base-uncased tokenizer of
tests/data/models/tiny-bert (its ids equal Hugging Face tokenizers', tested), so training sees
exactly what crossrank feeds the model. To stay a few MB, the word embedding table holds only
the tokens that occur at least twice in the training split (plus the special tokens); a 30522-entry id map in
front of it sends every other token to [UNK]'s row, which is also what 10% of the training
tokens are replaced by, so the model learns what an unseen word means.

Writes OUT/{model.pt, config.json, crossrank.json, vocab.txt, tokenizer.json,
tokenizer_config.json, README.md (the model card: command, seed, data, results), training.json
(the same results as data; tests/integration/demo_model.sh checks crossrank against them)}.
CPU only; about 10-20 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import torch
from torch import nn

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "data"))

from models.bundle_files import save_traced, write_json  # noqa: E402
from models.bert import BertConfig, BertForSequenceClassification  # noqa: E402
from stsb_pairs import read_pairs  # noqa: E402

TOKENIZER = os.path.join(REPO, "tests", "data", "models", "tiny-bert")
SPECIAL = {"pad": 0, "unk": 100, "cls": 101, "sep": 102, "mask": 103}
VOCAB = 30522
MAX_LENGTH = 128


class DemoCrossEncoder(nn.Module):
    """BertForSequenceClassification behind an id map onto its smaller embedding table."""

    def __init__(self, config: BertConfig, id_map: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("id_map", id_map)
        self.inner = BertForSequenceClassification(config)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.inner(self.id_map[input_ids], attention_mask, token_type_ids)


def tokenize(crossrank: str, pairs, swap: bool):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for p in pairs:
            a, b = (p["sentence2"], p["sentence1"]) if swap else (p["sentence1"], p["sentence2"])
            f.write(json.dumps([a, b]) + "\n")
        path = f.name
    out = subprocess.run([crossrank, "-q", "tokenize", "-m", TOKENIZER, "--max-length", str(MAX_LENGTH),
                          "-i", path], check=True, capture_output=True, text=True).stdout
    os.unlink(path)
    rows = [json.loads(line) for line in out.splitlines()]
    return [(r["input_ids"], r["token_type_ids"]) for r in rows]


def batches(encoded, labels, batch_size, rng=None, unk_rate=0.0):
    order = list(range(len(encoded)))
    if rng:
        rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        width = max(len(encoded[i][0]) for i in idx)
        ids = torch.zeros(len(idx), width, dtype=torch.long)
        types = torch.zeros(len(idx), width, dtype=torch.long)
        mask = torch.zeros(len(idx), width, dtype=torch.long)
        for r, i in enumerate(idx):
            row, tt = encoded[i]
            if rng and unk_rate:
                row = [SPECIAL["unk"] if t not in (101, 102) and rng.random() < unk_rate else t for t in row]
            ids[r, :len(row)] = torch.tensor(row)
            types[r, :len(tt)] = torch.tensor(tt)
            mask[r, :len(row)] = 1
        yield ids, mask, types, torch.tensor([labels[i] for i in idx], dtype=torch.float32)


def sentences_of(encoded):
    """The token ids of each sentence of [CLS] a [SEP] b [SEP] pairs."""
    out = []
    for ids, types in encoded:
        sep = ids.index(102)
        out.append(ids[1:sep])
        out.append(ids[sep + 1:-1])
    return out


def overlap_pairs(sentences, count, rng):
    """Self-supervised pairs that teach comparing two sentences token by token: a sentence
    against a copy with a random share of its tokens replaced (target: the share kept), or
    against another sentence (target: their Jaccard token overlap). No gold labels used."""
    pool = [t for s in sentences for t in s]
    encoded, targets = [], []
    for _ in range(count):
        a = rng.choice(sentences)
        if rng.random() < 0.7:
            keep = rng.random()
            b = [t if rng.random() < keep else rng.choice(pool) for t in a]
            if rng.random() < 0.3 and len(b) > 3:  # some word-order change
                i = rng.randrange(len(b) - 1)
                b[i], b[i + 1] = b[i + 1], b[i]
            target = sum(x == y for x, y in zip(a, b)) / max(1, len(a))
        else:
            b = rng.choice(sentences)
            sa, sb = set(a), set(b)
            target = len(sa & sb) / max(1, len(sa | sb))
        if rng.random() < 0.5:
            a, b = b, a
        ids = [101] + a + [102] + b + [102]
        encoded.append((ids[:MAX_LENGTH], ([0] * (len(a) + 2) + [1] * (len(b) + 1))[:MAX_LENGTH]))
        targets.append(target)
    return encoded, targets


def spearman(x, y):
    def ranks(v):
        t = torch.tensor(v, dtype=torch.float64)
        order = torch.argsort(t)
        r = torch.empty_like(t)
        sorted_v = t[order]
        i = 0
        while i < len(v):  # average ranks over ties
            j = i
            while j + 1 < len(v) and sorted_v[j + 1] == sorted_v[i]:
                j += 1
            r[order[i:j + 1]] = (i + j) / 2.0 + 1
            i = j + 1
        return r
    a, b = ranks(x), ranks(y)
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / torch.sqrt((a * a).sum() * (b * b).sum()))


def predict(model, encoded, batch_size=256):
    model.eval()
    out = []
    with torch.inference_mode():
        for ids, mask, types, _ in batches(encoded, [0.0] * len(encoded), batch_size):
            out.extend(torch.sigmoid(model(ids, mask, types)[:, 0]).tolist())
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "models", "demo"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--pretrain-pairs", type=int, default=100000,
                    help="self-supervised overlap pairs before the STS-B epochs")
    ap.add_argument("--max-minutes", type=float, default=35.0)
    ap.add_argument("--crossrank", default=os.path.join(REPO, "build", "apps", "crossrank", "crossrank"))
    ap.add_argument("--data", default=os.path.normpath(os.path.join(REPO, "..", "shared", "data", "stsb")))
    args = ap.parse_args()
    started = time.time()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    torch.set_num_threads(os.cpu_count() or 1)

    split = {s: read_pairs(os.path.join(args.data, f"sts-{s}.csv")) for s in ("train", "dev", "test")}
    train = tokenize(args.crossrank, split["train"], False) + tokenize(args.crossrank, split["train"], True)
    train_y = [p["label"] / 5.0 for p in split["train"]] * 2
    dev, test = (tokenize(args.crossrank, split[s], False) for s in ("dev", "test"))

    counts = {}
    for ids, _ in train:
        for t in ids:
            counts[t] = counts.get(t, 0) + 1
    # Tokens seen at least twice (both sentence orders count once): rarer ones are noise.
    seen = sorted({t for t, c in counts.items() if c >= 4} | set(SPECIAL.values()))
    id_map = torch.full((VOCAB,), seen.index(SPECIAL["unk"]), dtype=torch.long)
    for new, old in enumerate(seen):
        id_map[old] = new
    config = BertConfig(vocab_size=len(seen), hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=512, max_position_embeddings=MAX_LENGTH, num_labels=1)
    model = DemoCrossEncoder(config, id_map)
    for module in model.modules():  # BERT's initialisation
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
    print(f"train_demo_model: {len(train)} training pairs (both orders), {len(seen)} of {VOCAB} "
          f"token ids seen, {sum(p.numel() for p in model.parameters())} parameters", file=sys.stderr)

    # The training ids go through the map, so the model trains as it will run.
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    # Linear warm-up: a post-LayerNorm transformer trained from scratch stalls without it.
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / 1000))
    loss_fn = nn.BCEWithLogitsLoss()
    if args.pretrain_pairs:
        pre, pre_y = overlap_pairs(sentences_of(train[:len(train) // 2]), args.pretrain_pairs, rng)
        model.train()
        running = 0.0
        for step, (ids, mask, types, y) in enumerate(batches(pre, pre_y, 32, rng), start=1):
            optimizer.zero_grad()
            loss = loss_fn(model(ids, mask, types)[:, 0], y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            running += float(loss)
            if step % 500 == 0:
                print(f"train_demo_model: overlap step {step} loss {running / 500:.4f}", file=sys.stderr)
                running = 0.0
            if time.time() - started > 0.45 * args.max_minutes * 60:
                print(f"train_demo_model: overlap pairs stopped at step {step} (45% of the time budget)",
                      file=sys.stderr)
                break
        pre_rho = spearman(predict(model, dev), [p["label"] for p in split["dev"]])
        print(f"train_demo_model: {args.pretrain_pairs} overlap pairs, dev spearman {pre_rho:.4f} "
              f"({(time.time() - started) / 60:.1f} min)", file=sys.stderr)
    dev_gold = [p["label"] for p in split["dev"]]
    best = (-2.0, None, 0)
    history = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for ids, mask, types, y in batches(train, train_y, 32, rng, unk_rate=0.1):
            optimizer.zero_grad()
            loss = loss_fn(model(ids, mask, types)[:, 0], y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += float(loss) * len(y)
        dev_rho = spearman(predict(model, dev), dev_gold)
        history.append({"epoch": epoch, "loss": round(total / len(train), 5), "dev_spearman": round(dev_rho, 4)})
        print(f"train_demo_model: epoch {epoch} loss {total / len(train):.4f} dev spearman {dev_rho:.4f} "
              f"({(time.time() - started) / 60:.1f} min)", file=sys.stderr)
        if dev_rho > best[0]:
            best = (dev_rho, {k: v.clone() for k, v in model.state_dict().items()}, epoch)
        if time.time() - started > args.max_minutes * 60:
            print("train_demo_model: time budget reached", file=sys.stderr)
            break
    model.load_state_dict(best[1])
    model.eval()
    test_rho = spearman(predict(model, test), [p["label"] for p in split["test"]])
    print(f"train_demo_model: best epoch {best[2]} dev {best[0]:.4f}, test spearman {test_rho:.4f}",
          file=sys.stderr)

    os.makedirs(args.out, exist_ok=True)
    example = next(batches(dev[:4], [0.0] * 4, 4))
    with torch.inference_mode():
        traced = torch.jit.trace(model, example[:3], check_trace=True)
    save_traced(traced, os.path.join(args.out, "model.pt"))
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(TOKENIZER, name), os.path.join(args.out, name))
    write_json(os.path.join(args.out, "config.json"), {
        "architectures": ["BertForSequenceClassification"], "model_type": "bert",
        "vocab_size": VOCAB, "hidden_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 512, "hidden_act": "gelu", "max_position_embeddings": MAX_LENGTH,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "id2label": {"0": "similarity"}, "label2id": {"similarity": 0},
        "sentence_transformers": {"activation_fn": "torch.nn.modules.activation.Sigmoid"},
        "_crossrank_demo": {"embedding_rows": len(seen), "id_map": "unseen token ids -> [UNK]"}})
    write_json(os.path.join(args.out, "crossrank.json"), {
        "max_length": MAX_LENGTH,
        "exported_by": {"script": "scripts/train_demo_model.py", "torch": torch.__version__, "seed": args.seed}})
    minutes = (time.time() - started) / 60
    write_json(os.path.join(args.out, "training.json"), {
        "seed": args.seed, "epochs": args.epochs, "pretrain_pairs": args.pretrain_pairs, "lr": args.lr,
        "best_epoch": best[2], "dev_spearman": round(best[0], 6), "test_spearman": round(test_rho, 6),
        "minutes": round(minutes, 1), "torch": torch.__version__, "history": history})
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(f"""# crossrank demo model

A small BERT-architecture cross-encoder trained from scratch on STS Benchmark, so the demo
shows a meaningful ranking. It knows nothing beyond STS-B's 5749 training pairs: use a real
cross-encoder (docs/models.md) for real work.

- Architecture: BERT, 2 layers, hidden 128, 4 heads, intermediate 512, 128 positions, one
  sigmoid output (similarity / 5); bert-base-uncased vocabulary, with the embedding table cut
  to the {len(seen)} token ids seen at least twice in training (others map to [UNK]'s row).
- Data: STS-B train (both sentence orders) for training, after {args.pretrain_pairs} self-supervised
  overlap pairs made from its sentences (no labels); dev for picking the epoch, test once.
- Command: `/usr/bin/python3 scripts/train_demo_model.py --seed {args.seed} --epochs {args.epochs} --max-minutes {args.max_minutes:g} --pretrain-pairs {args.pretrain_pairs} --lr {args.lr:g}`
  (torch {torch.__version__}, CPU, {os.cpu_count()} threads, {minutes:.1f} minutes).
- Result (Python, fp32): best epoch {best[2]}, dev Spearman {best[0]:.4f}, test Spearman {test_rho:.4f}.
  With crossrank: `crossrank eval --task sts -m models/demo -i STSB_TEST.jsonl` (see the
  repository README for the measured figure).

Epochs (loss, dev Spearman):

""")
        for h in history:
            f.write(f"    {h['epoch']:3d}  {h['loss']:.5f}  {h['dev_spearman']:.4f}\n")
    print(f"train_demo_model: wrote {args.out} in {minutes:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
