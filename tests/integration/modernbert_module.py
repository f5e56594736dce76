#!/usr/bin/python3
"""Checks scripts/models/modernbert.py against what transformers' ModernBERT computes, without
transformers: the state-dict names of ModernBertForSequenceClassification, the layer kinds and
rotary bases, the local window's exact reach, right padding (a row alone equals the row in a
padded batch at 40, 300 and 1000 tokens), a trace at one length run at others, both poolings,
loading a checkpoint through export_hf's own-module path, and a sentence-transformers modular
cross-encoder (models/st_modules.py) exported by export_hf.py and checked against its modules'
math written out by hand. Exit 1 on the first failure.

    /usr/bin/python3 tests/integration/modernbert_module.py
"""

import os
import sys

try:
    import torch
except ImportError:
    print("SKIPPED: /usr/bin/python3 has no torch (Debian: apt-get install python3-torch)", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from models.checkpoint import build_model, family_for  # noqa: E402
from models.modernbert import ModernBertConfig, ModernBertForSequenceClassification  # noqa: E402

TOL = 1e-5


def check(ok, what):
    if not ok:
        sys.exit(f"FAIL: {what}")
    print(f"ok: {what}")


def tiny(**over):
    cfg = dict(model_type="modernbert", vocab_size=300, hidden_size=64, intermediate_size=96,
               num_hidden_layers=4, num_attention_heads=4, local_attention=128,
               global_attn_every_n_layers=3, num_labels=1, max_position_embeddings=2048)
    cfg.update(over)
    torch.manual_seed(7)
    m = ModernBertForSequenceClassification(ModernBertConfig(cfg))
    with torch.no_grad():
        for p in m.parameters():
            p.normal_(0.0, 0.2)
    return m.eval(), cfg


# State-dict names of transformers' ModernBertForSequenceClassification (modeling_modernbert.py:
# attn_norm is nn.Identity on layer 0; biases only where the config asks; classifier always).
def expected_keys(layers, bias):
    keys = {"model.embeddings.tok_embeddings.weight", "model.embeddings.norm.weight",
            "model.final_norm.weight", "head.dense.weight", "head.norm.weight",
            "classifier.weight", "classifier.bias"}
    for i in range(layers):
        keys |= {f"model.layers.{i}.attn.Wqkv.weight", f"model.layers.{i}.attn.Wo.weight",
                 f"model.layers.{i}.mlp_norm.weight", f"model.layers.{i}.mlp.Wi.weight",
                 f"model.layers.{i}.mlp.Wo.weight"}
        if i > 0:
            keys.add(f"model.layers.{i}.attn_norm.weight")
    if bias:
        keys |= {k[:-len("weight")] + "bias" for k in keys
                 if k.endswith("weight") and "tok_embeddings" not in k and not k.startswith("classifier")}
    return keys


m, _ = tiny()
check(set(m.state_dict()) == expected_keys(4, False), "state-dict names, no biases")
mb, _ = tiny(norm_bias=True, attention_bias=True, mlp_bias=True, classifier_bias=True)
check(set(mb.state_dict()) == expected_keys(4, True), "state-dict names, every bias")
check(tuple(m.model.layers[0].attn.Wqkv.weight.shape) == (192, 64) and
      tuple(m.model.layers[0].mlp.Wi.weight.shape) == (192, 64), "Wqkv [3H, H], Wi [2I, H]")

kinds = [(layer.attn.local, layer.attn.theta) for layer in m.model.layers]
check(kinds == [(False, 160000.0), (True, 10000.0), (True, 10000.0), (False, 160000.0)],
      "layers 0 and 3 global (theta 160000), 1 and 2 local (theta 10000)")
m2, _ = tiny(layer_types=["sliding_attention", "full_attention", "sliding_attention", "full_attention"],
             rope_parameters={"full_attention": {"rope_theta": 5000.0},
                              "sliding_attention": {"rope_theta": 500.0}})
check([(l.attn.local, l.attn.theta) for l in m2.model.layers] ==
      [(True, 500.0), (False, 5000.0), (True, 500.0), (False, 5000.0)],
      "layer_types and rope_parameters (transformers 5 configs) win over the scalar keys")

# The window: a local layer's query i sees key j exactly when |i - j| <= local_attention // 2.
mw, _ = tiny(local_attention=16)
attn = mw.model.layers[1].attn
check(attn.local, "layer 1 is local")
h = torch.randn(1, 40, 64)
ones = torch.ones(1, 40, dtype=torch.long)
from models.modernbert import attention_masks  # noqa: E402
g, loc = attention_masks(ones, torch.float32, 8)
with torch.no_grad():
    base = attn(h, g, loc)
    i = 20
    for j, seen in ((28, True), (29, False), (12, True), (11, False)):
        bumped = h.clone()
        bumped[0, j] += 1.0
        moved = (attn(bumped, g, loc)[0, i] - base[0, i]).abs().max().item() > 1e-6
        check(moved == seen, f"query {i} {'sees' if seen else 'does not see'} key {j} (half window 8)")

# Right padding: rows alone equal rows of a padded batch, below and well above the window.
for pooling in ("cls", "mean"):
    mp, _ = tiny(classifier_pooling=pooling)
    ids = torch.randint(0, 300, (3, 1000))
    mask = torch.ones(3, 1000, dtype=torch.long)
    mask[1, 300:] = 0
    mask[2, 40:] = 0
    with torch.no_grad():
        batch = mp(ids, mask)
        alone = [mp(ids[0:1], mask[0:1]), mp(ids[1:2, :300], mask[1:2, :300]),
                 mp(ids[2:3, :40], mask[2:3, :40])]
        worst = max((batch[r] - alone[r][0]).abs().max().item() for r in range(3))
        check(worst <= TOL, f"{pooling} pooling: 1000/300/40-token rows alone vs padded batch, "
                            f"max |diff| {worst:.2e}")
        traced = torch.jit.trace(mp, (ids[:2, :50], mask[:2, :50]))
        worst = (traced(ids, mask) - batch).abs().max().item()
        check(worst <= TOL, f"{pooling} pooling: traced at 50 tokens, run at 1000: max |diff| {worst:.2e}")

# The last layer on the first token alone (export_hf.py's pruning) for cls pooling only.
import copy  # noqa: E402
from models.modernbert import keep_first_token_in_last_layer  # noqa: E402

for pooling, count in (("cls", 1), ("mean", 0)):
    mp, _ = tiny(classifier_pooling=pooling)
    pruned = copy.deepcopy(mp)
    check(keep_first_token_in_last_layer(pruned) == count,
          f"{pooling} pooling: {count} backbone(s) pruned to the first token")
    ids = torch.randint(0, 300, (3, 1000))
    mask = torch.ones(3, 1000, dtype=torch.long)
    mask[1, 300:] = 0
    mask[2, 40:] = 0
    with torch.no_grad():
        worst = (pruned(ids, mask) - mp(ids, mask)).abs().max().item()
        traced = torch.jit.trace(pruned, (ids[:2, :50], mask[:2, :50]))
        worst = max(worst, (traced(ids, mask) - mp(ids, mask)).abs().max().item())
    check(worst <= TOL, f"{pooling} pooling: pruned (eager and traced) vs full at 40/300/1000 "
                        f"tokens: max |diff| {worst:.2e}")

# Mean pooling is the masked mean of the final hidden states.
mp, _ = tiny(classifier_pooling="mean")
ids = torch.randint(0, 300, (2, 30))
mask = torch.ones(2, 30, dtype=torch.long)
mask[1, 10:] = 0
with torch.no_grad():
    hidden = mp.model(ids, mask)
    pooled = torch.stack([hidden[0].mean(0), hidden[1, :10].mean(0)])
    want = mp.classifier(mp.head(pooled))
    check((mp(ids, mask) - want).abs().max().item() <= TOL, "mean pooling over attention_mask")

# export_hf's own-module path loads an HF-named state dict.
m, cfg = tiny()
cfg["architectures"] = ["ModernBertForSequenceClassification"]
check(family_for(cfg).name == "modernbert" and not family_for(cfg).takes_token_type_ids,
      "family modernbert, no token type ids")
notes = []
loaded, _ = build_model(cfg, dict(m.state_dict()), notes)
with torch.no_grad():
    check(torch.equal(loaded(ids, torch.ones_like(ids)), m(ids, torch.ones_like(ids))),
          "build_model loads the checkpoint's weights")
# A sentence-transformers modular cross-encoder (the Ettin rerankers' layout): the bare
# ModernBertModel in the folder, then Pooling(cls), Dense(H->H, no bias, GELU), LayerNorm,
# Dense(H->1, Identity), exported by export_hf.py into one traced graph.
import atexit  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

from models.safetensors import save_file  # noqa: E402

work = tempfile.mkdtemp(prefix="crossrank-modular-")
atexit.register(shutil.rmtree, work, True)
src, out = os.path.join(work, "src"), os.path.join(work, "bundle")
m, cfg = tiny(classifier_pooling="cls")
backbone = m.model
cfg = dict(cfg, architectures=["ModernBertModel"])
os.makedirs(src)


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f)


write(os.path.join(src, "config.json"), cfg)
save_file(dict(backbone.state_dict()), os.path.join(src, "model.safetensors"), metadata={"format": "pt"})
write(os.path.join(src, "config_sentence_transformers.json"),
      {"model_type": "CrossEncoder", "activation_fn": "torch.nn.modules.linear.Identity"})
write(os.path.join(src, "modules.json"), [
    {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.sentence_transformer.modules.Pooling"},
    {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.base.modules.Dense"},
    {"idx": 3, "name": "3", "path": "3_LayerNorm", "type": "sentence_transformers.sentence_transformer.modules.LayerNorm"},
    {"idx": 4, "name": "4", "path": "4_Dense", "type": "sentence_transformers.base.modules.Dense"}])
write(os.path.join(src, "1_Pooling", "config.json"),
      {"embedding_dimension": 64, "pooling_mode": "cls", "include_prompt": True})
torch.manual_seed(11)
w2, w4, b4 = torch.randn(64, 64) * 0.2, torch.randn(1, 64) * 0.2, torch.randn(1)
ln_w, ln_b = torch.randn(64) * 0.2 + 1.0, torch.randn(64) * 0.2
write(os.path.join(src, "2_Dense", "config.json"),
      {"in_features": 64, "out_features": 64, "bias": False,
       "activation_function": "torch.nn.modules.activation.GELU"})
save_file({"linear.weight": w2}, os.path.join(src, "2_Dense", "model.safetensors"), metadata={"format": "pt"})
write(os.path.join(src, "3_LayerNorm", "config.json"), {"dimension": 64})
save_file({"norm.weight": ln_w, "norm.bias": ln_b}, os.path.join(src, "3_LayerNorm", "model.safetensors"),
          metadata={"format": "pt"})
write(os.path.join(src, "4_Dense", "config.json"),
      {"in_features": 64, "out_features": 1, "bias": True,
       "activation_function": "torch.nn.modules.linear.Identity", "module_output_name": "scores"})
save_file({"linear.weight": w4, "linear.bias": b4}, os.path.join(src, "4_Dense", "model.safetensors"),
          metadata={"format": "pt"})
exporter = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "export_hf.py")
run = subprocess.run([sys.executable, exporter, "--no-transformers", src, out], capture_output=True, text=True)
check(run.returncode == 0, f"export_hf.py exports the modular folder ({run.stderr.strip()[-300:]})")
with open(os.path.join(out, "crossrank.json"), encoding="utf-8") as f:
    bundle = json.load(f)
check(bundle.get("activation") == "identity" and bundle.get("inputs") == ["input_ids", "attention_mask"],
      "crossrank.json: activation identity (config_sentence_transformers.json), no token types")
check(bundle["exported_by"].get("last_layer") == "first token only",
      "the modular cls chain's backbone is pruned to the first token in the last layer")
traced = torch.jit.load(os.path.join(out, "model.pt"))
ids = torch.randint(0, 300, (3, 200))
mask = torch.ones(3, 200, dtype=torch.long)
mask[2, 70:] = 0
with torch.no_grad():
    cls = backbone(ids, mask)[:, 0]
    want = torch.nn.functional.layer_norm(torch.nn.functional.gelu(cls @ w2.T), (64,), ln_w, ln_b, 1e-5) @ w4.T + b4
    worst = (traced(ids, mask) - want).abs().max().item()
check(worst <= TOL, f"the traced modular chain equals GELU, LayerNorm and the scores Dense by hand: "
                    f"max |diff| {worst:.2e}")
print("modernbert_module: all passed")
