"""ModernBERT cross-encoders with Hugging Face's state-dict names, for tracing.

Reproduces the inference math of transformers' ModernBertForSequenceClassification with
eager attention on right-padded batches (no unpadding, no torch.compile):

  * embeddings: tok_embeddings, then a LayerNorm (bias only with norm_bias); no position or
    token-type embeddings;
  * pre-norm layers: h += attn(attn_norm(h)); h += mlp(mlp_norm(h)); layer 0 has no
    attn_norm; final_norm after the last layer;
  * attention: fused ``Wqkv`` viewed as [B, L, 3, heads, head_dim]; rotary embeddings
    (rotate-half, positions from 0, float32 tables) with ``global_rope_theta`` on global
    layers and ``local_rope_theta`` on local ones; layer i is local unless
    i % global_attn_every_n_layers == 0 (or as ``layer_types`` says); a local layer also
    masks keys with |i - j| > local_attention // 2; additive masks of finfo.min; softmax in
    float32;
  * MLP: GeGLU, ``Wi``'s first half activated, its second half the gate;
  * head: pooling (``classifier_pooling`` cls: the first token; mean: over attention_mask),
    dense (bias with classifier_bias), activation, LayerNorm, then ``classifier``.

Forward: ``forward(input_ids, attention_mask) -> logits`` (ModernBERT has no token types).
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Tuple

import torch
from torch import Tensor, nn

_ACTIVATIONS = {"gelu": lambda: nn.GELU(), "gelu_new": lambda: nn.GELU(approximate="tanh"),
                "gelu_pytorch_tanh": lambda: nn.GELU(approximate="tanh"),
                "relu": lambda: nn.ReLU(), "silu": lambda: nn.SiLU()}


def activation(name: str) -> nn.Module:
    if name not in _ACTIVATIONS:
        raise ValueError(f"activation {name!r} is not supported (supported: "
                         f"{', '.join(sorted(_ACTIVATIONS))})")
    return _ACTIVATIONS[name]()


class ModernBertConfig:
    def __init__(self, d: Mapping[str, Any]) -> None:
        self.vocab_size = int(d.get("vocab_size", 50368))
        self.hidden_size = int(d.get("hidden_size", 768))
        self.intermediate_size = int(d.get("intermediate_size", 1152))
        self.num_hidden_layers = int(d.get("num_hidden_layers", 22))
        self.num_attention_heads = int(d.get("num_attention_heads", 12))
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(f"hidden_size {self.hidden_size} is not a multiple of "
                             f"num_attention_heads {self.num_attention_heads}")
        self.hidden_activation = str(d.get("hidden_activation", "gelu"))
        self.max_position_embeddings = int(d.get("max_position_embeddings", 8192))
        self.norm_eps = float(d.get("norm_eps", 1e-5))
        self.norm_bias = bool(d.get("norm_bias", False))
        self.attention_bias = bool(d.get("attention_bias", False))
        self.mlp_bias = bool(d.get("mlp_bias", False))
        self.classifier_bias = bool(d.get("classifier_bias", False))
        self.classifier_activation = str(d.get("classifier_activation", "gelu"))
        self.classifier_pooling = str(d.get("classifier_pooling", "cls"))
        if self.classifier_pooling not in ("cls", "mean"):
            raise ValueError(f"classifier_pooling {self.classifier_pooling!r}: expected cls or mean")
        self.local_attention = int(d.get("local_attention", 128))
        every = int(d.get("global_attn_every_n_layers", 3))
        types = d.get("layer_types")
        self.layer_types: List[str] = (
            [str(t) for t in types] if types else
            ["full_attention" if i % every == 0 else "sliding_attention"
             for i in range(self.num_hidden_layers)])
        if len(self.layer_types) != self.num_hidden_layers:
            raise ValueError(f"layer_types has {len(self.layer_types)} entries for "
                             f"{self.num_hidden_layers} layers")
        rope = d.get("rope_parameters") or {}
        global_theta = float(d.get("global_rope_theta") or 160000.0)
        local_theta = d.get("local_rope_theta", 10000.0)  # null: the global one
        local_theta = float(global_theta if local_theta is None else local_theta)
        self.rope_theta = {
            "full_attention": float((rope.get("full_attention") or {}).get("rope_theta", global_theta)),
            "sliding_attention": float((rope.get("sliding_attention") or {}).get("rope_theta", local_theta)),
        }
        self.pad_token_id = int(d.get("pad_token_id", 50283))
        self.num_labels = int(d.get("num_labels") or len(d.get("id2label") or {}) or 2)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ModernBertConfig":
        return cls(d)


class LayerNorm(nn.Module):
    """nn.LayerNorm with an optional bias (torch 1.13's has no bias=False)."""

    def __init__(self, size: int, eps: float, bias: bool) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(size))
        self.bias = nn.Parameter(torch.zeros(size)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return nn.functional.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)


def rotary_tables(length: int, head_dim: int, theta: float, like: Tensor) -> Tuple[Tensor, Tensor]:
    """cos and sin [L, head_dim] for positions 0..L-1, computed in float32."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64,
                                             device=like.device).float() / head_dim))
    positions = torch.arange(length, device=like.device).float()
    freqs = torch.outer(positions, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(like.dtype), emb.sin().to(like.dtype)


def rotate(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + rotated * sin


class ModernBertAttention(nn.Module):
    def __init__(self, config: ModernBertConfig, layer_type: str) -> None:
        super().__init__()
        self.heads = config.num_attention_heads
        self.head_dim = config.hidden_size // self.heads
        self.theta = config.rope_theta[layer_type]
        self.local = layer_type == "sliding_attention"
        self.Wqkv = nn.Linear(config.hidden_size, 3 * config.hidden_size, bias=config.attention_bias)
        self.Wo = nn.Linear(config.hidden_size, config.hidden_size, bias=config.attention_bias)

    def forward(self, h: Tensor, global_mask: Tensor, local_mask: Tensor,
                first_token_only: bool = False) -> Tensor:
        """[B, L, hidden]; [B, 1, hidden] with first_token_only (the first query alone)."""
        b, length, hidden = h.shape
        qkv = self.Wqkv(h).view(b, length, 3, self.heads, self.head_dim)
        q, k, v = qkv.unbind(dim=2)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # [B, heads, L, d]
        cos, sin = rotary_tables(length, self.head_dim, self.theta, h)
        mask = local_mask if self.local else global_mask
        if first_token_only:
            q, cos_q, sin_q, mask = q[:, :, :1], cos[:1], sin[:1], mask[:, :, :1]
        else:
            cos_q, sin_q = cos, sin
        q, k = rotate(q, cos_q, sin_q), rotate(k, cos, sin)
        scores = torch.matmul(q, k.transpose(2, 3)) * (self.head_dim ** -0.5) + mask
        probs = nn.functional.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, q.shape[2], hidden)
        return self.Wo(out)


class ModernBertMLP(nn.Module):
    def __init__(self, config: ModernBertConfig) -> None:
        super().__init__()
        self.Wi = nn.Linear(config.hidden_size, 2 * config.intermediate_size, bias=config.mlp_bias)
        self.act = activation(config.hidden_activation)
        self.Wo = nn.Linear(config.intermediate_size, config.hidden_size, bias=config.mlp_bias)

    def forward(self, h: Tensor) -> Tensor:
        x, gate = self.Wi(h).chunk(2, dim=-1)
        return self.Wo(self.act(x) * gate)


class ModernBertLayer(nn.Module):
    def __init__(self, config: ModernBertConfig, index: int) -> None:
        super().__init__()
        self.attn_norm: nn.Module = (nn.Identity() if index == 0 else
                                     LayerNorm(config.hidden_size, config.norm_eps, config.norm_bias))
        self.attn = ModernBertAttention(config, config.layer_types[index])
        self.mlp_norm = LayerNorm(config.hidden_size, config.norm_eps, config.norm_bias)
        self.mlp = ModernBertMLP(config)
        # Only the first token's output is computed (keep_first_token_in_last_layer).
        self.first_token_only = False

    def forward(self, h: Tensor, global_mask: Tensor, local_mask: Tensor) -> Tensor:
        attended = self.attn(self.attn_norm(h), global_mask, local_mask, self.first_token_only)
        h = (h[:, :1] if self.first_token_only else h) + attended
        return h + self.mlp(self.mlp_norm(h))


class ModernBertEmbeddings(nn.Module):
    def __init__(self, config: ModernBertConfig) -> None:
        super().__init__()
        self.tok_embeddings = nn.Embedding(config.vocab_size, config.hidden_size)
        self.norm = LayerNorm(config.hidden_size, config.norm_eps, config.norm_bias)

    def forward(self, input_ids: Tensor) -> Tensor:
        return self.norm(self.tok_embeddings(input_ids))


def attention_masks(attention_mask: Tensor, dtype: torch.dtype,
                    half_window: int) -> Tuple[Tensor, Tensor]:
    """Additive masks: global [B, 1, 1, L] (padding keys), local [B, 1, L, L] (padding keys and
    keys farther than half_window from the query)."""
    low = torch.finfo(dtype).min
    global_mask = (1.0 - attention_mask[:, None, None, :].to(dtype)) * low
    positions = torch.arange(attention_mask.shape[1], device=attention_mask.device)
    far = (positions[None, :] - positions[:, None]).abs() > half_window
    return global_mask, global_mask.masked_fill(far[None, None, :, :], low)


class ModernBertModel(nn.Module):
    def __init__(self, config: ModernBertConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = ModernBertEmbeddings(config)
        self.layers = nn.ModuleList([ModernBertLayer(config, i)
                                     for i in range(config.num_hidden_layers)])
        self.final_norm = LayerNorm(config.hidden_size, config.norm_eps, config.norm_bias)

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        h = self.embeddings(input_ids)
        global_mask, local_mask = attention_masks(attention_mask, h.dtype,
                                                  self.config.local_attention // 2)
        for layer in self.layers:
            h = layer(h, global_mask, local_mask)
        return self.final_norm(h)


def pool(hidden: Tensor, attention_mask: Tensor, mode: str) -> Tensor:
    if mode == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1)


class ModernBertPredictionHead(nn.Module):
    def __init__(self, config: ModernBertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size, bias=config.classifier_bias)
        self.act = activation(config.classifier_activation)
        self.norm = LayerNorm(config.hidden_size, config.norm_eps, config.norm_bias)

    def forward(self, x: Tensor) -> Tensor:
        return self.norm(self.act(self.dense(x)))


class ModernBertForSequenceClassification(nn.Module):
    """HF-compatible ModernBertForSequenceClassification (inference only)."""

    def __init__(self, config: ModernBertConfig) -> None:
        super().__init__()
        if isinstance(config, Mapping):
            config = ModernBertConfig(config)
        self.config = config
        self.num_labels = config.num_labels
        self.model = ModernBertModel(config)
        self.head = ModernBertPredictionHead(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.eval()

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        hidden = self.model(input_ids, attention_mask)
        return self.classifier(self.head(pool(hidden, attention_mask, self.config.classifier_pooling)))

    def first_token_backbone(self) -> Optional[ModernBertModel]:
        """The backbone when the head reads its first token only (cls pooling)."""
        return self.model if self.config.classifier_pooling == "cls" else None


def keep_first_token_in_last_layer(model: nn.Module) -> int:
    """Makes the last layer of each ModernBERT backbone whose owner reads only the first
    token (a ``first_token_backbone()`` method: cls pooling) compute that token's output
    alone, keys and values still from every token: 1/7 of an Ettin-17m's layers, 1/22 of
    ModernBERT-base's. The backbone then returns [B, 1, hidden]. For tracing. Returns how
    many backbones were pruned."""
    pruned = 0
    for m in model.modules():
        find = getattr(m, "first_token_backbone", None)
        backbone = find() if callable(find) else None
        if isinstance(backbone, ModernBertModel) and not backbone.layers[-1].first_token_only:
            backbone.layers[-1].first_token_only = True
            pruned += 1
    return pruned


__all__ = ["ModernBertConfig", "ModernBertForSequenceClassification", "ModernBertModel",
           "attention_masks", "keep_first_token_in_last_layer", "rotary_tables"]
