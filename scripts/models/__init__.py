"""PyTorch model definitions used by crossrank's export and fixture scripts."""

from .bert import BertConfig, BertForSequenceClassification

__all__ = ["BertConfig", "BertForSequenceClassification"]
