"""PyTorch model definitions used by crossrank's export and fixture scripts.

One definition per architecture: ``bert`` (BERT and the fixtures that use
BERT's math), ``roberta`` (RoBERTa, XLM-RoBERTa, CamemBERT) and ``electra``
(ELECTRA); the latter two reuse BERT's layers. ``checkpoint`` loads Hugging
Face checkpoints into them, ``safetensors`` reads and writes that format,
``bundle_files`` writes a bundle's JSON and TorchScript archive. The fixture
generators that build on them are in scripts/fixtures/.
"""

from .bert import BertConfig, BertForSequenceClassification
from .electra import ElectraConfig, ElectraForSequenceClassification
from .roberta import RobertaConfig, RobertaForSequenceClassification

__all__ = ["BertConfig", "BertForSequenceClassification",
           "ElectraConfig", "ElectraForSequenceClassification",
           "RobertaConfig", "RobertaForSequenceClassification"]
