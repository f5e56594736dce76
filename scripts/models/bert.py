"""A self-contained PyTorch BertForSequenceClassification.

This is crossrank's single definition of the BERT cross-encoder architecture.
It reproduces the inference-time math of Hugging Face transformers'
``BertForSequenceClassification`` with *eager* attention, and uses exactly
Hugging Face's state-dict parameter names, so an HF checkpoint loads into it
with ``load_hf_state_dict`` and the result can be traced to TorchScript.

Scope (anything else is rejected by ``BertConfig`` rather than silently
approximated):
  * absolute position embeddings (``position_embedding_type == "absolute"``),
  * encoder-only (no cross attention, no KV cache),
  * hidden_act in {"gelu" (exact erf), "gelu_new", "gelu_pytorch_tanh", "relu"},
  * inference only: dropout is the identity and is not represented.

Forward: ``forward(input_ids, attention_mask, token_type_ids) -> logits``
with int64 inputs of shape [B, L] and float logits of shape [B, num_labels].
"""

from __future__ import annotations

import math
from typing import Any, Dict, Mapping, Optional, Tuple

import torch
from torch import Tensor, nn

__all__ = ["BertConfig", "BertForSequenceClassification",
           "extended_attention_mask", "load_hf_state_dict_strict"]

_SUPPORTED_ACTS = ("gelu", "gelu_new", "gelu_pytorch_tanh", "relu")


class BertConfig:
    """The subset of an HF ``config.json`` that determines the BERT math."""

    # config.json "model_type" values that from_dict accepts (subclasses of
    # this config for other architectures override it).
    MODEL_TYPES = ("bert",)

    def __init__(
        self,
        vocab_size: int = 30522,
        hidden_size: int = 768,
        num_hidden_layers: int = 12,
        num_attention_heads: int = 12,
        intermediate_size: int = 3072,
        hidden_act: str = "gelu",
        max_position_embeddings: int = 512,
        type_vocab_size: int = 2,
        layer_norm_eps: float = 1e-12,
        pad_token_id: int = 0,
        num_labels: int = 2,
        position_embedding_type: str = "absolute",
    ) -> None:
        if hidden_size % num_attention_heads != 0:
            raise ValueError(
                f"hidden_size {hidden_size} is not a multiple of "
                f"num_attention_heads {num_attention_heads}")
        if hidden_act not in _SUPPORTED_ACTS:
            raise ValueError(f"unsupported hidden_act {hidden_act!r}; "
                             f"supported: {_SUPPORTED_ACTS}")
        if position_embedding_type != "absolute":
            raise ValueError("only absolute position embeddings are supported, "
                             f"got {position_embedding_type!r}")
        if num_labels < 1:
            raise ValueError(f"num_labels must be >= 1, got {num_labels}")
        self.vocab_size = int(vocab_size)
        self.hidden_size = int(hidden_size)
        self.num_hidden_layers = int(num_hidden_layers)
        self.num_attention_heads = int(num_attention_heads)
        self.intermediate_size = int(intermediate_size)
        self.hidden_act = hidden_act
        self.max_position_embeddings = int(max_position_embeddings)
        self.type_vocab_size = int(type_vocab_size)
        self.layer_norm_eps = float(layer_norm_eps)
        self.pad_token_id = int(pad_token_id)
        self.num_labels = int(num_labels)
        self.position_embedding_type = position_embedding_type

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "BertConfig":
        """Build from an HF-style config dict (e.g. a parsed config.json).

        num_labels follows transformers' PretrainedConfig: ``id2label`` wins
        when present, else ``num_labels``, else 2.
        """
        model_type = d.get("model_type", cls.MODEL_TYPES[0])
        if model_type not in cls.MODEL_TYPES:
            raise ValueError(f"model_type {model_type!r} is not one of "
                             f"{cls.MODEL_TYPES} ({cls.__name__})")
        if d.get("is_decoder") or d.get("add_cross_attention"):
            raise ValueError("decoder / cross-attention models are not supported")
        if "id2label" in d and d["id2label"]:
            num_labels = len(d["id2label"])
        else:
            num_labels = d.get("num_labels", 2)
        names = ("vocab_size", "hidden_size", "num_hidden_layers",
                 "num_attention_heads", "intermediate_size", "hidden_act",
                 "max_position_embeddings", "type_vocab_size",
                 "layer_norm_eps", "pad_token_id", "position_embedding_type")
        kwargs = {k: d[k] for k in names if k in d and d[k] is not None}
        return cls(num_labels=num_labels, **kwargs)

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.__dict__)


def _activation(name: str) -> nn.Module:
    if name == "gelu":
        return nn.GELU()  # exact erf form, as transformers' GELUActivation
    if name == "gelu_pytorch_tanh":
        return nn.GELU(approximate="tanh")
    if name == "gelu_new":
        return _NewGELU()
    if name == "relu":
        return nn.ReLU()
    raise ValueError(f"unsupported activation {name!r}")


class _NewGELU(nn.Module):
    """transformers' NewGELUActivation (tanh approximation, explicit form)."""

    def forward(self, x: Tensor) -> Tensor:
        return 0.5 * x * (1.0 + torch.tanh(
            math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class BertEmbeddings(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(
            config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(
            config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(
            config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        # Non-persistent, as in transformers: not part of the state dict.
        self.register_buffer(
            "position_ids",
            torch.arange(config.max_position_embeddings).expand((1, -1)),
            persistent=False)

    def forward(self, input_ids: Tensor, token_type_ids: Tensor) -> Tensor:
        seq_length = input_ids.size(1)
        # Slicing the buffer keeps the sequence length dynamic under tracing.
        position_ids = self.position_ids[:, 0:seq_length]
        # Same summation order as transformers: (word + type) + position.
        embeddings = self.word_embeddings(input_ids)
        embeddings = embeddings + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.LayerNorm(embeddings)


class BertSelfAttention(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = config.hidden_size // config.num_attention_heads
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.qkv: Optional[nn.Linear] = None  # the three in one (fuse_attention_projections)
        self.folded = False  # keys and values folded into the first query (fold_keys_and_values)

    def transpose_for_scores(self, x: Tensor) -> Tensor:
        new_shape = x.size()[:-1] + (self.num_attention_heads,
                                     self.attention_head_size)
        return x.view(new_shape).permute(0, 2, 1, 3)

    def project(self, hidden_states: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        if self.qkv is not None:
            q, k, v = self.qkv(hidden_states).split(self.all_head_size, dim=-1)
            return q, k, v
        return self.query(hidden_states), self.key(hidden_states), self.value(hidden_states)

    @torch.no_grad()
    def fold_keys_and_values(self) -> None:
        """For a layer that attends from the first token alone: replaces the projections by
        per-head matrices so that keys and values are never computed for every token. With
        x the hidden states and head h's key rows K_h, q_h . (K_h x_j + b_h) is
        (q_h K_h) . x_j plus a term the same for every j, which softmax cancels; and
        sum_j p_j (V_h x_j + c_h) is V_h (sum_j p_j x_j) + c_h, as the p_j sum to 1. A
        sequence of L tokens then costs ~2 h^2 + 4 L h multiply-adds instead of 2 L h^2 (the
        key and value products), 5% of a 6-layer MiniLM's products. The matrices are plain
        tensors, not nn.Linear: int8 quantization leaves them in float."""
        a, heads, d = self.all_head_size, self.num_attention_heads, self.attention_head_size
        if self.qkv is not None:
            weight, bias = self.qkv.weight, self.qkv.bias
            self.qkv = None
        else:
            parts = (self.query, self.key, self.value)
            weight = torch.cat([p.weight for p in parts])
            bias = torch.cat([p.bias for p in parts])
            del self.query, self.key, self.value
        self.register_buffer("query_weight", weight[:a].clone())
        self.register_buffer("query_bias", bias[:a].clone())
        self.register_buffer("key_heads", weight[a:2 * a].reshape(heads, d, -1).clone())  # [H, d, hidden]
        self.register_buffer("value_heads", weight[2 * a:].reshape(heads, d, -1).transpose(1, 2).clone())
        self.register_buffer("value_bias", bias[2 * a:].clone())
        # Unused (softmax cancels it), kept so that the weights round-trip (load_hf_state_dict_strict).
        self.register_buffer("key_bias", bias[a:2 * a].clone())
        self.folded = True

    def attend_from_first_token(self, hidden_states: Tensor, attention_mask: Tensor) -> Tensor:
        """[B, 1, all_head_size] after fold_keys_and_values; every product batched without
        broadcasting (no copies of the per-head matrices)."""
        heads, d = self.num_attention_heads, self.attention_head_size
        q = nn.functional.linear(hidden_states[:, 0], self.query_weight, self.query_bias)  # [B, a]
        q = q.view(-1, heads, d).transpose(0, 1)                           # [H, B, d]
        qk = torch.bmm(q, self.key_heads).transpose(0, 1)                  # [B, H, hidden]
        scores = torch.bmm(qk, hidden_states.transpose(1, 2))              # [B, H, L]
        scores = scores / math.sqrt(d) + attention_mask[:, 0]              # mask [B, 1, L]
        probs = nn.functional.softmax(scores, dim=-1)
        mixed = torch.bmm(probs, hidden_states).transpose(0, 1)            # [H, B, hidden]
        context = torch.bmm(mixed, self.value_heads).transpose(0, 1)       # [B, H, d]
        return context.reshape(context.size(0), 1, -1) + self.value_bias

    def forward(self, hidden_states: Tensor, attention_mask: Tensor) -> Tensor:
        if self.folded:
            return self.attend_from_first_token(hidden_states, attention_mask)
        q, k, v = self.project(hidden_states)
        query_layer = self.transpose_for_scores(q)
        key_layer = self.transpose_for_scores(k)
        value_layer = self.transpose_for_scores(v)

        scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        scores = scores / math.sqrt(self.attention_head_size)
        scores = scores + attention_mask  # [B, 1, 1, L] additive mask
        probs = nn.functional.softmax(scores, dim=-1)

        context = torch.matmul(probs, value_layer)
        context = context.permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.all_head_size,))


def fuse_attention_projections(model: nn.Module) -> int:
    """Gives each self-attention one product for its query, key and value projections, the
    three weight matrices stacked: one larger GEMM instead of three small ones (5.6 vs
    6.8-8.2 ms for a MiniLM batch of 1014 tokens on 2 Zen 4 cores) with identical results,
    each output being the same dot product. For tracing: the fused module's state dict no
    longer has Hugging Face's names. Returns how many attentions were fused."""
    fused = 0
    for m in model.modules():
        if not isinstance(m, BertSelfAttention) or m.qkv is not None:
            continue
        parts = (m.query, m.key, m.value)
        qkv = nn.Linear(m.query.in_features, 3 * m.all_head_size).to(m.query.weight.dtype)
        with torch.no_grad():
            qkv.weight.copy_(torch.cat([p.weight for p in parts]))
            qkv.bias.copy_(torch.cat([p.bias for p in parts]))
        m.qkv = qkv
        del m.query, m.key, m.value
        fused += 1
    return fused


def keep_first_token_in_last_layer(model: nn.Module) -> int:
    """Makes each encoder's last layer compute the first token's output alone, its keys and
    values folded into that token's query (BertSelfAttention.fold_keys_and_values): every
    head here (BERT's pooler, RoBERTa's and ELECTRA's classifiers) reads the first token
    only, so the rest of that layer's queries, attention rows, output projection and
    feed-forward is discarded work (~14% of a 6-layer MiniLM's products, ~19% with the keys
    and values). Same values up to the products' rounding; the encoder returns [B, 1,
    hidden]. For tracing. Returns how many encoders were pruned."""
    pruned = 0
    for m in model.modules():
        if isinstance(m, BertEncoder) and len(m.layer) > 0 and not m.layer[-1].attention.self.folded:
            m.layer[-1].attention.self.fold_keys_and_values()
            pruned += 1
    return pruned


class BertSelfOutput(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states: Tensor, input_tensor: Tensor) -> Tensor:
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden_states: Tensor, attention_mask: Tensor) -> Tensor:
        # A folded self-attention answers for the first token alone.
        residual = hidden_states[:, :1] if self.self.folded else hidden_states
        return self.output(self.self(hidden_states, attention_mask), residual)


class BertIntermediate(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.intermediate_act_fn = _activation(config.hidden_act)

    def forward(self, hidden_states: Tensor) -> Tensor:
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states: Tensor, input_tensor: Tensor) -> Tensor:
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states: Tensor, attention_mask: Tensor) -> Tensor:
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


class BertEncoder(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(
            [BertLayer(config) for _ in range(config.num_hidden_layers)])

    def forward(self, hidden_states: Tensor, attention_mask: Tensor) -> Tensor:
        for layer in self.layer:
            hidden_states = layer(hidden_states, attention_mask)
        return hidden_states


class BertPooler(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.activation = nn.Tanh()

    def forward(self, hidden_states: Tensor) -> Tensor:
        return self.activation(self.dense(hidden_states[:, 0]))


def extended_attention_mask(attention_mask: Tensor, hidden: Tensor,
                            dtype: torch.dtype) -> Tensor:
    """transformers' get_extended_attention_mask for an encoder.

    ``(1.0 - mask[:, None, None, :]) * torch.finfo(dtype).min``: 0 where the
    [B, L] mask is 1, the most negative finite value where it is 0, shaped
    [B, 1, 1, L] to add to the attention scores. dtype is the model's dtype
    at call/trace time; type_as keeps the cast itself dynamic in a traced
    graph.
    """
    extended = attention_mask[:, None, None, :].type_as(hidden)
    return (1.0 - extended) * torch.finfo(dtype).min


class BertModel(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config)

    def forward(self, input_ids: Tensor, attention_mask: Tensor,
                token_type_ids: Tensor) -> Tensor:
        """Returns the pooled output [B, hidden]."""
        hidden = self.embeddings(input_ids, token_type_ids)
        dtype = self.embeddings.word_embeddings.weight.dtype
        extended = extended_attention_mask(attention_mask, hidden, dtype)
        hidden = self.encoder(hidden, extended)
        return self.pooler(hidden)


class BertForSequenceClassification(nn.Module):
    """HF-compatible BertForSequenceClassification (inference only)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        if isinstance(config, Mapping):
            config = BertConfig.from_dict(config)
        self.config = config
        self.num_labels = config.num_labels
        self.bert = BertModel(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.eval()

    @classmethod
    def from_config_dict(cls, d: Mapping[str, Any]) -> "BertForSequenceClassification":
        return cls(BertConfig.from_dict(d))

    def forward(self, input_ids: Tensor, attention_mask: Tensor,
                token_type_ids: Optional[Tensor] = None) -> Tensor:
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        pooled = self.bert(input_ids, attention_mask, token_type_ids)
        return self.classifier(pooled)

    def load_hf_state_dict(self, state_dict: Mapping[str, Tensor]) -> None:
        """Strictly load an HF BertForSequenceClassification state dict.

        Applies the same legacy renames as transformers (LayerNorm
        gamma/beta -> weight/bias) and drops the non-persistent buffer
        ``bert.embeddings.position_ids`` that old checkpoints still carry.
        Any other missing or unexpected key is an error.
        """
        load_hf_state_dict_strict(
            self, state_dict,
            drop_prefixes=("bert.embeddings.position_ids",
                           # Tolerated extras that do not influence the
                           # classifier's output.
                           "bert.embeddings.token_type_ids"))


# fold_keys_and_values' tensors, by name: the Hugging Face parameter each one is, and how.
_FOLDED = {
    "query_weight": ("query.weight", lambda t: t),
    "query_bias": ("query.bias", lambda t: t),
    "key_heads": ("key.weight", lambda t: t.reshape(-1, t.shape[-1])),    # [H, d, hidden]
    "key_bias": ("key.bias", lambda t: t),
    "value_heads": ("value.weight", lambda t: t.transpose(1, 2).reshape(-1, t.shape[1])),  # [H, hidden, d]
    "value_bias": ("value.bias", lambda t: t),
}


def load_hf_state_dict_strict(module: nn.Module, state_dict: Mapping[str, Tensor],
                              drop_prefixes: Tuple[str, ...] = ()) -> None:
    """Strictly load an HF state dict into ``module``.

    Renames legacy LayerNorm gamma/beta to weight/bias (as transformers does),
    splits the fused projections of a crossrank bundle's model.pt
    (``...attention.self.qkv``, fuse_attention_projections) back into query,
    key and value, unfolds a last layer's per-head matrices (fold_keys_and_values)
    into them, and drops keys starting with one of ``drop_prefixes``
    (buffers and unused parts that old checkpoints carry); any other missing
    or unexpected key raises KeyError.
    """
    fixed = {}
    for key, value in state_dict.items():
        prefix, _, name = key.rpartition(".")
        if name in _FOLDED:
            target, unfold = _FOLDED[name]
            fixed[f"{prefix}.{target}"] = unfold(value)
            continue
        if ".attention.self.qkv." in key:
            prefix, kind = key.rsplit(".qkv.", 1)
            for name, part in zip(("query", "key", "value"), value.chunk(3, dim=0)):
                fixed[f"{prefix}.{name}.{kind}"] = part
            continue
        if key.endswith("LayerNorm.gamma"):
            key = key[: -len("gamma")] + "weight"
        elif key.endswith("LayerNorm.beta"):
            key = key[: -len("beta")] + "bias"
        if key.startswith(drop_prefixes):
            continue
        fixed[key] = value
    result = module.load_state_dict(fixed, strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise KeyError(
            f"state dict mismatch: missing={result.missing_keys} "
            f"unexpected={result.unexpected_keys}")
