"""Decoder LLMs used as rerankers: Qwen2, Qwen3 and Gemma (1).

Rerankers such as mxbai-rerank-v2 (qwen2), Qwen3-Reranker (qwen3) and
bge-reranker-v2-gemma (gemma) are causal LMs whose score is read off the
last token: one answer token's logit, or the difference of a "yes" and a
"no" logit. ``DecoderForScoring`` reproduces transformers' *eager* float32
forward of these models and keeps exactly their state-dict names, with a
one-row ``score`` head (as *ForSequenceClassification has) that
``score_head`` builds from the LM head, so the whole reranker is one module
that traces to TorchScript.

Scope (anything else is refused by ``DecoderConfig`` with a
``DecoderConfigError``, which the caller turns into its own error type):
  * default RoPE only (no rope_scaling), no sliding-window attention,
  * activations silu, gelu (exact) and gelu_pytorch_tanh,
  * inference only, no KV cache, no dropout.

Forward: ``forward(input_ids, attention_mask) -> logits [B, num_labels]``
for RIGHT-padded int64 batches: positions are 0..L-1 for every row, so a
row scores the same alone and in a batch, and the logits are those of each
row's last real token (index ``attention_mask.sum(1) - 1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from .weights import WeightsError, conform

__all__ = ["DecoderConfigError", "DecoderConfig", "DecoderModel", "DecoderForScoring",
           "MODEL_TYPES", "score_head", "load_decoder", "init_random"]

MODEL_TYPES = ("qwen2", "qwen3", "gemma")
_ACTIVATIONS = ("silu", "gelu", "gelu_pytorch_tanh")


class DecoderConfigError(ValueError):
    """A config or checkpoint this module cannot reproduce; the message says why."""


@dataclass
class DecoderConfig:
    """The subset of an HF config.json that determines the decoder's math."""

    model_type: str
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    intermediate_size: int
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    max_position_embeddings: int = 32768
    pad_token_id: Optional[int] = None
    attention_bias: bool = False
    activation: str = "silu"
    tie_word_embeddings: bool = False

    def __post_init__(self) -> None:
        if self.model_type not in MODEL_TYPES:
            raise DecoderConfigError(f"model_type {self.model_type!r} is not one of {MODEL_TYPES}")
        if self.num_key_value_heads < 1 or self.num_attention_heads % self.num_key_value_heads:
            raise DecoderConfigError(
                f"num_attention_heads {self.num_attention_heads} is not a multiple of "
                f"num_key_value_heads {self.num_key_value_heads}")
        if self.head_dim < 2 or self.head_dim % 2:
            raise DecoderConfigError(f"head_dim {self.head_dim} must be even for rotary embeddings")
        if self.activation not in _ACTIVATIONS:
            raise DecoderConfigError(f"unsupported activation {self.activation!r}; "
                                     f"supported: {_ACTIVATIONS}")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "DecoderConfig":
        """From a parsed config.json, with the defaults of transformers' config classes."""
        model_type = d.get("model_type")
        if model_type not in MODEL_TYPES:
            raise DecoderConfigError(f"model_type {model_type!r} is not one of {MODEL_TYPES}")
        need = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size")
        lacking = [k for k in need if d.get(k) is None]
        if lacking:
            raise DecoderConfigError(f"config.json lacks {', '.join(lacking)}")
        gemma = model_type == "gemma"
        heads = int(d["num_attention_heads"])
        theta = d.get("rope_theta")
        for key in ("rope_scaling", "rope_parameters"):  # rope_parameters: transformers v5
            rope = d.get(key)
            if rope is None:
                continue
            kind = rope.get("rope_type", rope.get("type")) if isinstance(rope, dict) else rope
            if kind != "default":
                raise DecoderConfigError(f"{key} {rope!r} is not supported (only default RoPE)")
            theta = rope.get("rope_theta", theta)
        layer_types = d.get("layer_types") or ()
        if d.get("use_sliding_window") or "sliding_attention" in layer_types:
            raise DecoderConfigError("sliding-window attention (use_sliding_window) "
                                     "is not supported")
        if gemma:
            # transformers' Gemma ignored hidden_act ("gelu" in the original configs) when
            # hidden_activation is unset and used the tanh approximation Gemma was trained with.
            act = d.get("hidden_activation")
            if act is None:
                act = d.get("hidden_act") or "gelu_pytorch_tanh"
                act = "gelu_pytorch_tanh" if act == "gelu" else act
        else:
            act = d.get("hidden_activation") or d.get("hidden_act") or "silu"
        act = "silu" if act == "swish" else act
        head_dim = d.get("head_dim")
        if head_dim is None:
            head_dim = 256 if gemma else int(d["hidden_size"]) // heads
        kv = d.get("num_key_value_heads")
        return cls(
            model_type=model_type,
            vocab_size=int(d["vocab_size"]),
            hidden_size=int(d["hidden_size"]),
            num_hidden_layers=int(d["num_hidden_layers"]),
            num_attention_heads=heads,
            num_key_value_heads=heads if kv is None else int(kv),
            head_dim=int(head_dim),
            intermediate_size=int(d["intermediate_size"]),
            rms_norm_eps=float(d.get("rms_norm_eps") or 1e-6),
            rope_theta=float(theta if theta is not None else 10000.0),
            max_position_embeddings=int(d.get("max_position_embeddings")
                                        or (8192 if gemma else 32768)),
            pad_token_id=d.get("pad_token_id", 0 if gemma else None),
            # Qwen2 always has q/k/v biases; the others follow attention_bias.
            attention_bias=True if model_type == "qwen2" else bool(d.get("attention_bias", False)),
            activation=act,
            tie_word_embeddings=bool(d.get("tie_word_embeddings", gemma)))


class RMSNorm(nn.Module):
    """Qwen2/Qwen3 (= Llama) RMSNorm: normalise in float32, scale after casting back."""

    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        x32 = x.to(torch.float32)
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x32.to(x.dtype)


class GemmaRMSNorm(nn.Module):
    """Gemma's RMSNorm: the weight is an offset from 1, applied before casting back."""

    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(dim))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        out = x.float()
        out = out * torch.rsqrt(out.pow(2).mean(-1, keepdim=True) + self.eps)
        return (out * (1.0 + self.weight.float())).type_as(x)


def _norm(config: DecoderConfig, dim: int) -> nn.Module:
    cls = GemmaRMSNorm if config.model_type == "gemma" else RMSNorm
    return cls(dim, config.rms_norm_eps)


def _rotate_half(x: Tensor) -> Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class DecoderAttention(nn.Module):
    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        c = config
        self.num_heads, self.num_kv_heads, self.head_dim = (
            c.num_attention_heads, c.num_key_value_heads, c.head_dim)
        self.scaling = c.head_dim ** -0.5
        bias = c.attention_bias
        self.q_proj = nn.Linear(c.hidden_size, c.num_attention_heads * c.head_dim, bias=bias)
        self.k_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=bias)
        self.v_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=bias)
        # Qwen2's o_proj never has a bias; Qwen3's and Gemma's follow attention_bias.
        self.o_proj = nn.Linear(c.num_attention_heads * c.head_dim, c.hidden_size,
                                bias=bias and c.model_type != "qwen2")
        self.qk_norm = c.model_type == "qwen3"
        if self.qk_norm:  # per head, over head_dim, before the rotation
            self.q_norm = _norm(c, c.head_dim)
            self.k_norm = _norm(c, c.head_dim)

    def forward(self, h: Tensor, cos: Tensor, sin: Tensor, bias: Tensor) -> Tensor:
        batch, length = h.shape[0], h.shape[1]
        q = self.q_proj(h).view(batch, length, -1, self.head_dim)
        k = self.k_proj(h).view(batch, length, -1, self.head_dim)
        v = self.v_proj(h).view(batch, length, -1, self.head_dim).transpose(1, 2)
        if self.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = q.transpose(1, 2), k.transpose(1, 2)  # [B, heads, L, head_dim]
        q = q * cos + _rotate_half(q) * sin
        k = k * cos + _rotate_half(k) * sin
        groups = self.num_heads // self.num_kv_heads
        if groups > 1:  # transformers' repeat_kv: each kv head serves `groups` adjacent heads
            k = torch.repeat_interleave(k, groups, dim=1)
            v = torch.repeat_interleave(v, groups, dim=1)
        scores = torch.matmul(q, k.transpose(2, 3)) * self.scaling + bias
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(batch, length, -1)
        return self.o_proj(out)


class DecoderMLP(nn.Module):
    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        self.gate_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)
        self.act_fn = {"silu": nn.SiLU(), "gelu": nn.GELU(),
                       "gelu_pytorch_tanh": nn.GELU(approximate="tanh")}[config.activation]

    def forward(self, x: Tensor) -> Tensor:
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        self.self_attn = DecoderAttention(config)
        self.mlp = DecoderMLP(config)
        self.input_layernorm = _norm(config, config.hidden_size)
        self.post_attention_layernorm = _norm(config, config.hidden_size)

    def forward(self, h: Tensor, cos: Tensor, sin: Tensor, bias: Tensor) -> Tensor:
        h = h + self.self_attn(self.input_layernorm(h), cos, sin, bias)
        return h + self.mlp(self.post_attention_layernorm(h))


class DecoderModel(nn.Module):
    """The backbone (HF's Qwen2Model / Qwen3Model / GemmaModel): final normed states [B, L, H]."""

    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        self.config = config
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(config) for _ in range(config.num_hidden_layers))
        self.norm = _norm(config, config.hidden_size)
        # As transformers: computed once, in float32 on the CPU (a per-device pow could
        # differ in the last bit), and not part of the state dict.
        d = config.head_dim
        exponent = torch.arange(0, d, 2, dtype=torch.int64).float() / d
        inv_freq = 1.0 / (config.rope_theta ** exponent)
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        h = self.embed_tokens(input_ids)
        if self.config.model_type == "gemma":
            # transformers rounds the normaliser to the activations' dtype first.
            h = h * h.new_full((), self.config.hidden_size ** 0.5)
        # Positions 0..L-1 from the traced length, so a trace serves every length.
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        freqs = positions.float()[:, None] * self.inv_freq.float()[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(h.dtype), emb.sin().to(h.dtype)
        # Additive mask [B, 1, L, L]: causal, and padded keys masked too, so that
        # padded queries (whose outputs are never used) still see a real key.
        keep = (positions[None, :] <= positions[:, None])[None, None] & (
            attention_mask[:, None, None, :] != 0)
        bias = torch.zeros_like(keep, dtype=h.dtype).masked_fill(~keep, torch.finfo(h.dtype).min)
        for layer in self.layers:
            h = layer(h, cos, sin, bias)
        return self.norm(h)


class DecoderForScoring(nn.Module):
    """Backbone plus a bias-free ``score`` head on each row's last real token."""

    def __init__(self, config: DecoderConfig, num_labels: int = 1) -> None:
        super().__init__()
        self.config = config
        self.num_labels = num_labels
        self.model = DecoderModel(config)
        self.score = nn.Linear(config.hidden_size, num_labels, bias=False)
        self.eval()

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        hidden = self.model(input_ids, attention_mask)
        last = (attention_mask.sum(1) - 1).clamp(min=0).long()  # right padding
        index = last[:, None, None].expand(-1, 1, hidden.shape[-1])
        return self.score(hidden.gather(1, index).squeeze(1))


def score_head(lm_head: Tensor, answer_ids: Sequence[int]) -> Tensor:
    """The [1, hidden] score weight made of LM-head rows, in float32.

    Two ids (negative, positive): ``lm_head[positive] - lm_head[negative]``, so
    sigmoid(score) is the softmax over the two answers' logits, P(positive)
    (up to float32 rounding: the rows are subtracted before the dot product).
    One id: that token's logit, ``lm_head[id]``.
    """
    ids = [int(i) for i in answer_ids]
    if len(ids) not in (1, 2):
        raise DecoderConfigError(f"answer ids must be 1 token or 2 (negative, positive), "
                                 f"got {ids}")
    bad = [i for i in ids if not 0 <= i < lm_head.shape[0]]
    if bad:
        raise DecoderConfigError(f"answer ids {bad} are outside the vocabulary "
                                 f"(0..{lm_head.shape[0] - 1})")
    w = lm_head.detach().to(torch.float32)
    row = w[ids[0]] if len(ids) == 1 else w[ids[1]] - w[ids[0]]
    return row.unsqueeze(0).clone()


def _describe(keys: List[str], limit: int = 6) -> str:
    return ", ".join(keys[:limit]) + (f", ... ({len(keys)} in all)" if len(keys) > limit else "")


def load_decoder(config: Mapping[str, Any], state: Mapping[str, Tensor],
                 answer_ids: Optional[Sequence[int]]) -> Tuple[DecoderForScoring, List[str]]:
    """(float32 module in eval mode, notes) from config.json and an HF state dict.

    The state is a *ForCausalLM checkpoint (``model.*`` and ``lm_head.weight``, or
    the embeddings when tie_word_embeddings), whose score head ``score_head`` makes
    from ``answer_ids``; or a *ForSequenceClassification one with ``score.weight``,
    which sets num_labels and needs no answer ids.
    """
    cfg = DecoderConfig.from_dict(config)
    notes: List[str] = []
    state = dict(state)
    if "model.embed_tokens.weight" not in state and "embed_tokens.weight" in state:
        state = {k if k.startswith(("lm_head.", "score.")) else "model." + k: v
                 for k, v in state.items()}
        notes.append("added the 'model.' prefix to the backbone's weight names")
    if "score.bias" in state:
        raise DecoderConfigError("the checkpoint's score head has a bias (score.bias); "
                                 "transformers' head has none")
    if "score.weight" in state:
        head = state.pop("score.weight")
        if head.dim() != 2 or head.shape[1] != cfg.hidden_size:
            raise DecoderConfigError(f"score.weight: shape {list(head.shape)}, expected "
                                     f"[num_labels, {cfg.hidden_size}]")
        if answer_ids is not None:
            notes.append("the checkpoint has a score head (score.weight); answer ids ignored")
    else:
        if answer_ids is None:
            raise DecoderConfigError(
                "no score.weight: a causal-LM checkpoint needs the answer token ids "
                "(negative, positive) or (token) to make the score head from the LM head")
        name = "model.embed_tokens.weight" if cfg.tie_word_embeddings else "lm_head.weight"
        if name not in state:
            raise DecoderConfigError(
                f"no {name} to make the score head from (tie_word_embeddings is "
                f"{str(cfg.tie_word_embeddings).lower()})")
        lm_head = state[name]
        if tuple(lm_head.shape) != (cfg.vocab_size, cfg.hidden_size):
            raise DecoderConfigError(f"{name}: shape {list(lm_head.shape)}, expected "
                                     f"[{cfg.vocab_size}, {cfg.hidden_size}]")
        head = score_head(lm_head, answer_ids)
        ids = [int(i) for i in answer_ids]
        made = (f"{name}[{ids[1]}] - {name}[{ids[0]}]" if len(ids) == 2 else f"{name}[{ids[0]}]")
        notes.append(f"score head = {made}")
    model = DecoderForScoring(cfg, num_labels=int(head.shape[0]))
    state["score.weight"] = head
    expected = model.state_dict()
    unused = sorted(k for k in state if k not in expected)
    if unused:
        notes.append(f"dropped {len(unused)} weights the scorer does not use: {_describe(unused)}")
    missing = [k for k in expected if k not in state]
    if missing:
        raise DecoderConfigError(f"the checkpoint lacks {len(missing)} weights of a "
                                 f"{cfg.model_type} model: {_describe(missing)}")
    try:
        fixed, note = conform(expected, state)
    except WeightsError as e:
        raise DecoderConfigError(str(e)) from None
    if note:
        notes.append(note)
    model.load_state_dict(fixed, strict=True)
    return model.eval(), notes


def init_random(model: DecoderForScoring, seed: int) -> None:
    """Deterministic random weights for test checkpoints, the same on every machine.

    float64 draws from one seeded generator, in named_parameters order, cast to
    the parameter's dtype. Scales keep activations O(1) and the logits spread
    over a few units: linear weights N(0, 1/fan_in), embeddings N(0, 1), norm
    weights N(1, 0.1) (Gemma: N(0, 0.1), its weights are offsets from 1),
    biases N(0, 0.1), score N(0, (6/sqrt(hidden))^2).
    """
    gen = torch.Generator().manual_seed(int(seed))
    offset = 0.0 if model.config.model_type == "gemma" else 1.0
    hidden = model.config.hidden_size
    with torch.no_grad():
        for name, p in model.named_parameters():
            mean, std = 0.0, 0.0
            if name.endswith("norm.weight"):
                mean, std = offset, 0.1
            elif name.endswith(".bias"):
                std = 0.1
            elif name == "model.embed_tokens.weight":
                std = 1.0
            elif name == "score.weight":
                std = 6.0 / hidden ** 0.5
            else:
                std = p.shape[1] ** -0.5
            draw = torch.randn(tuple(p.shape), generator=gen, dtype=torch.float64)
            p.copy_((draw * std + mean).to(p.dtype))
