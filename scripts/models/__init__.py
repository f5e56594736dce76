"""PyTorch model definitions used by crossrank's export and fixture scripts.

One definition per architecture: ``bert`` (BERT and the fixtures that use
BERT's math) and ``roberta`` (RoBERTa, XLM-RoBERTa, CamemBERT; it reuses
BERT's layers).
"""

from .bert import BertConfig, BertForSequenceClassification
from .roberta import RobertaConfig, RobertaForSequenceClassification

__all__ = ["BertConfig", "BertForSequenceClassification",
           "RobertaConfig", "RobertaForSequenceClassification"]
