"""A self-contained PyTorch ElectraForSequenceClassification.

crossrank's definition of the ELECTRA cross-encoder architecture (e.g.
cross-encoder/ms-marco-electra-base). It reproduces the inference-time math of
Hugging Face transformers' ``ElectraForSequenceClassification`` with *eager*
attention and uses Hugging Face's state-dict names:

    electra.embeddings.{word,position,token_type}_embeddings.weight,
    electra.embeddings.LayerNorm.{weight,bias}
    electra.embeddings_project.{weight,bias}    only when embedding_size != hidden_size
    electra.encoder.layer.N.*                   BERT layers
    classifier.dense.*, classifier.out_proj.*

ELECTRA is BERT with three differences, so the embeddings and the layers are
BERT's (imported from ``bert.py``):

  * the embeddings have their own width ``embedding_size`` (LayerNorm over
    it too), projected to ``hidden_size`` by ``embeddings_project`` when the
    two differ;
  * no pooler;
  * the head (``ElectraClassificationHead``) is dense + GELU (exact erf) +
    out_proj on the first token.

Forward: ``forward(input_ids, attention_mask, token_type_ids) -> logits``
with int64 inputs [B, L] and float logits [B, num_labels].
"""

from __future__ import annotations

import copy
from typing import Any, Mapping, Optional

import torch
from torch import Tensor, nn

from .bert import BertConfig, BertEmbeddings, BertEncoder, extended_attention_mask

__all__ = ["ElectraConfig", "ElectraForSequenceClassification"]


class ElectraConfig(BertConfig):
    """BertConfig plus ``embedding_size``, with ElectraConfig's defaults."""

    MODEL_TYPES = ("electra",)

    def __init__(self, vocab_size: int = 30522, embedding_size: int = 128,
                 hidden_size: int = 256, num_hidden_layers: int = 12,
                 num_attention_heads: int = 4, intermediate_size: int = 1024,
                 **kwargs: Any) -> None:
        super().__init__(vocab_size=vocab_size, hidden_size=hidden_size,
                         num_hidden_layers=num_hidden_layers,
                         num_attention_heads=num_attention_heads,
                         intermediate_size=intermediate_size, **kwargs)
        if int(embedding_size) < 1:
            raise ValueError(f"embedding_size must be >= 1, got {embedding_size}")
        self.embedding_size = int(embedding_size)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ElectraConfig":
        config = super().from_dict(d)
        if d.get("embedding_size") is not None:
            config.embedding_size = int(d["embedding_size"])
        return config


def _embedding_config(config: ElectraConfig) -> BertConfig:
    """The config BertEmbeddings sees: hidden_size = embedding_size."""
    view = copy.copy(config)
    view.hidden_size = config.embedding_size
    return view


class ElectraModel(nn.Module):
    def __init__(self, config: ElectraConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = BertEmbeddings(_embedding_config(config))
        if config.embedding_size != config.hidden_size:
            self.embeddings_project = nn.Linear(config.embedding_size, config.hidden_size)
        else:
            self.embeddings_project = None
        self.encoder = BertEncoder(config)

    def forward(self, input_ids: Tensor, attention_mask: Tensor,
                token_type_ids: Tensor) -> Tensor:
        """Returns the last hidden states [B, L, hidden]."""
        hidden = self.embeddings(input_ids, token_type_ids)
        dtype = self.embeddings.word_embeddings.weight.dtype
        extended = extended_attention_mask(attention_mask, hidden, dtype)
        if self.embeddings_project is not None:
            hidden = self.embeddings_project(hidden)
        return self.encoder(hidden, extended)


class ElectraClassificationHead(nn.Module):
    """dense + GELU + out_proj on the first token (dropout omitted)."""

    def __init__(self, config: ElectraConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.activation = nn.GELU()  # transformers: get_activation("gelu"), exact erf
        self.out_proj = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, features: Tensor) -> Tensor:
        x = features[:, 0, :]  # [CLS]
        return self.out_proj(self.activation(self.dense(x)))


class ElectraForSequenceClassification(nn.Module):
    """HF-compatible ElectraForSequenceClassification (inference only)."""

    def __init__(self, config: ElectraConfig) -> None:
        super().__init__()
        if isinstance(config, Mapping):
            config = ElectraConfig.from_dict(config)
        self.config = config
        self.num_labels = config.num_labels
        self.electra = ElectraModel(config)
        self.classifier = ElectraClassificationHead(config)
        self.eval()

    @classmethod
    def from_config_dict(cls, d: Mapping[str, Any]) -> "ElectraForSequenceClassification":
        return cls(ElectraConfig.from_dict(d))

    def forward(self, input_ids: Tensor, attention_mask: Tensor,
                token_type_ids: Optional[Tensor] = None) -> Tensor:
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        return self.classifier(self.electra(input_ids, attention_mask, token_type_ids))
