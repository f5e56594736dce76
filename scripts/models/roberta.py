"""A self-contained PyTorch RobertaForSequenceClassification.

crossrank's single definition of the RoBERTa cross-encoder architecture, used
for RoBERTa and XLM-RoBERTa (and CamemBERT): transformers'
``XLMRobertaForSequenceClassification`` and ``CamembertForSequenceClassification``
are the RoBERTa code under another name, with the same ``roberta.*`` /
``classifier.*`` state-dict names. It reproduces the inference-time math of
Hugging Face transformers with *eager* attention and uses Hugging Face's
parameter names, so a checkpoint loads with ``load_hf_state_dict``.

The transformer layers are BERT's (imported from ``bert.py``); RoBERTa
differs only in

  * the embeddings: position ids are computed from ``input_ids`` as
    transformers' ``create_position_ids_from_input_ids`` does (positions
    count the non-pad tokens from ``padding_idx + 1``; pad tokens get
    ``padding_idx``), the position table has ``padding_idx = pad_token_id``,
    and the token type ids are all 0 (``type_vocab_size`` is 1);
  * no pooler; the classification head (``RobertaClassificationHead``) is
    dense + tanh + out_proj on the first (``<s>``) token.

Forward: ``forward(input_ids, attention_mask) -> logits`` with int64 inputs
of shape [B, L] and float logits of shape [B, num_labels]. There is no
token_type_ids argument, as in most exported RoBERTa / XLM-R models. L may be
at most ``max_position_embeddings - pad_token_id - 1`` (512 for 514
positions).
"""

from __future__ import annotations

from typing import Any, Mapping

import torch
from torch import Tensor, nn

from .bert import (BertConfig, BertEmbeddings, BertEncoder,
                   extended_attention_mask, load_hf_state_dict_strict)

__all__ = ["RobertaConfig", "RobertaForSequenceClassification",
           "create_position_ids_from_input_ids"]


class RobertaConfig(BertConfig):
    """BertConfig with RoBERTa's defaults and model types."""

    MODEL_TYPES = ("roberta", "xlm-roberta", "camembert")

    def __init__(self, vocab_size: int = 50265, max_position_embeddings: int = 514,
                 type_vocab_size: int = 1, layer_norm_eps: float = 1e-5,
                 pad_token_id: int = 1, **kwargs: Any) -> None:
        super().__init__(vocab_size=vocab_size,
                         max_position_embeddings=max_position_embeddings,
                         type_vocab_size=type_vocab_size,
                         layer_norm_eps=layer_norm_eps,
                         pad_token_id=pad_token_id, **kwargs)
        if self.type_vocab_size < 1:
            raise ValueError("type_vocab_size must be >= 1")
        if self.max_position_embeddings <= self.pad_token_id + 1:
            raise ValueError(
                f"max_position_embeddings {self.max_position_embeddings} leaves "
                f"no positions after padding_idx {self.pad_token_id}")


def create_position_ids_from_input_ids(input_ids: Tensor, padding_idx: int) -> Tensor:
    """transformers' create_position_ids_from_input_ids (no past length)."""
    mask = input_ids.ne(padding_idx).int()
    incremental_indices = torch.cumsum(mask, dim=1).type_as(mask) * mask
    return incremental_indices.long() + padding_idx


class RobertaEmbeddings(BertEmbeddings):
    def __init__(self, config: RobertaConfig) -> None:
        super().__init__(config)
        self.padding_idx = config.pad_token_id
        # RoBERTa's position table has a padding row (what pad tokens get).
        self.position_embeddings = nn.Embedding(
            config.max_position_embeddings, config.hidden_size,
            padding_idx=config.pad_token_id)
        # Positions come from input_ids, not from BERT's arange buffer.
        del self.position_ids

    def forward(self, input_ids: Tensor) -> Tensor:  # type: ignore[override]
        position_ids = create_position_ids_from_input_ids(input_ids, self.padding_idx)
        # transformers uses its all-zero token_type_ids buffer when the caller
        # passes none; zeros_like keeps the shape dynamic under tracing.
        token_type_ids = torch.zeros_like(input_ids)
        # Same summation order as transformers: (word + type) + position.
        embeddings = self.word_embeddings(input_ids)
        embeddings = embeddings + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.LayerNorm(embeddings)


class RobertaModel(nn.Module):
    """RobertaModel(add_pooling_layer=False), as the classifier uses it."""

    def __init__(self, config: RobertaConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = RobertaEmbeddings(config)
        self.encoder = BertEncoder(config)

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        """Returns the last hidden states [B, L, hidden]."""
        hidden = self.embeddings(input_ids)
        dtype = self.embeddings.word_embeddings.weight.dtype
        extended = extended_attention_mask(attention_mask, hidden, dtype)
        return self.encoder(hidden, extended)


class RobertaClassificationHead(nn.Module):
    """dense + tanh + out_proj on the first token (dropout omitted)."""

    def __init__(self, config: RobertaConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.out_proj = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, features: Tensor) -> Tensor:
        x = features[:, 0, :]  # <s>
        x = torch.tanh(self.dense(x))
        return self.out_proj(x)


class RobertaForSequenceClassification(nn.Module):
    """HF-compatible RobertaForSequenceClassification (inference only)."""

    def __init__(self, config: RobertaConfig) -> None:
        super().__init__()
        if isinstance(config, Mapping):
            config = RobertaConfig.from_dict(config)
        self.config = config
        self.num_labels = config.num_labels
        self.roberta = RobertaModel(config)
        self.classifier = RobertaClassificationHead(config)
        self.eval()

    @classmethod
    def from_config_dict(cls, d: Mapping[str, Any]) -> "RobertaForSequenceClassification":
        return cls(RobertaConfig.from_dict(d))

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        return self.classifier(self.roberta(input_ids, attention_mask))

    def load_hf_state_dict(self, state_dict: Mapping[str, Tensor]) -> None:
        """Strictly load an HF (XLM-)RobertaForSequenceClassification state dict.

        LayerNorm gamma/beta are renamed to weight/bias; the position_ids /
        token_type_ids buffers that some checkpoints carry and a pooler
        (unused by the classification head) are dropped. Any other missing
        or unexpected key is an error.
        """
        load_hf_state_dict_strict(
            self, state_dict,
            drop_prefixes=("roberta.embeddings.position_ids",
                           "roberta.embeddings.token_type_ids",
                           "roberta.pooler."))
