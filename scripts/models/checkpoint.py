"""Load a Hugging Face sequence-classification checkpoint into crossrank's modules.

A checkpoint is a directory as the Hugging Face hub has it: config.json and
the weights, one of (in this order of preference)

    model.safetensors                 read by models/safetensors.py
    model.safetensors.index.json      sharded: {"weight_map": {name: file}}
    pytorch_model.bin                 torch.load(map_location="cpu", weights_only=True)
    pytorch_model.bin.index.json      sharded

Families (config.json "model_type"): see FAMILIES. ``build_model`` returns the
eager module with the weights loaded, and notes (what was renamed, dropped or
converted) for the caller to print. Every problem is an ``ExportError`` whose
message says what is wrong and, where there is one, the way out.
"""

from __future__ import annotations

import inspect
import json
import os
import pickle
from typing import Dict, List, NamedTuple, Tuple

import torch
from torch import Tensor, nn

from .bert import BertConfig, BertForSequenceClassification
from .electra import ElectraConfig, ElectraForSequenceClassification
from .modernbert import ModernBertConfig, ModernBertForSequenceClassification
from .roberta import RobertaConfig, RobertaForSequenceClassification
from .safetensors import SafetensorsError, load_file
from .weights import WeightsError, conform

__all__ = ["ExportError", "Family", "FAMILIES", "TRANSFORMERS_ONLY", "read_config",
           "family_for", "find_weights", "load_state_dict", "build_model",
           "position_limit"]


class ExportError(Exception):
    """A problem with the checkpoint, reported to the user as is."""


class Family(NamedTuple):
    name: str                    # bert | roberta | electra | modernbert
    prefix: str                  # the backbone's state-dict prefix ("bert.")
    config_cls: type
    model_cls: type
    head_keys: Tuple[str, ...]   # the classifier's parameters (a missing one: no head)
    # Checkpoint keys that are dropped with a note: buffers older
    # transformers saved, and parts the classifier does not use.
    ignored: Tuple[str, ...]
    takes_token_type_ids: bool   # forward() has a token_type_ids argument


FAMILIES: Dict[str, Family] = {}
for _types, _fam in (
        (("bert",), Family(
            "bert", "bert.", BertConfig, BertForSequenceClassification,
            ("classifier.weight", "classifier.bias"),
            ("bert.embeddings.position_ids", "bert.embeddings.token_type_ids"), True)),
        (("roberta", "xlm-roberta", "camembert"), Family(
            "roberta", "roberta.", RobertaConfig, RobertaForSequenceClassification,
            ("classifier.dense.weight", "classifier.dense.bias",
             "classifier.out_proj.weight", "classifier.out_proj.bias"),
            ("roberta.embeddings.position_ids", "roberta.embeddings.token_type_ids",
             "roberta.pooler."), False)),
        (("electra",), Family(
            "electra", "electra.", ElectraConfig, ElectraForSequenceClassification,
            ("classifier.dense.weight", "classifier.dense.bias",
             "classifier.out_proj.weight", "classifier.out_proj.bias"),
            ("electra.embeddings.position_ids", "electra.embeddings.token_type_ids"), True)),
        (("modernbert",), Family(
            "modernbert", "model.", ModernBertConfig, ModernBertForSequenceClassification,
            ("head.dense.weight", "head.norm.weight", "classifier.weight", "classifier.bias"),
            (), False)),
):
    for _t in _types:
        FAMILIES[_t] = _fam

# model_type values that only the transformers path can export.
TRANSFORMERS_ONLY = {
    "deberta": "DeBERTa", "deberta-v2": "DeBERTa-v2/v3",
}

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json",
                "pytorch_model.bin", "pytorch_model.bin.index.json")
OTHER_WEIGHTS = ("tf_model.h5", "flax_model.msgpack", "model.onnx", "onnx/model.onnx",
                 "openvino_model.xml", "rust_model.ot")


def read_config(src: str) -> Dict:
    path = os.path.join(src, "config.json")
    if not os.path.isfile(path):
        raise ExportError(f"{src}: no config.json (is this a Hugging Face model folder?)")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ExportError(f"{path}: not valid JSON: {e}") from None
    if not isinstance(config, dict):
        raise ExportError(f"{path}: not a JSON object")
    return config


def _supported() -> str:
    return ", ".join(sorted(FAMILIES))


def family_for(config: Dict) -> Family:
    """The family that exports this config without transformers."""
    model_type = config.get("model_type")
    if not model_type:
        raise ExportError(f"config.json has no \"model_type\"; supported without "
                          f"transformers: {_supported()}")
    if model_type in TRANSFORMERS_ONLY:
        raise ExportError(
            f"model_type {model_type!r} ({TRANSFORMERS_ONLY[model_type]}) needs transformers: "
            f"crossrank's own modules do not implement DeBERTa's disentangled attention. "
            f"Install transformers and run scripts/export_hf.py without --no-transformers, "
            f"or export on a machine that has transformers (with torch <= the libtorch "
            f"crossrank links) and copy the bundle. Without transformers: {_supported()}")
    if model_type not in FAMILIES:
        raise ExportError(
            f"model_type {model_type!r} is not supported without transformers; supported: "
            f"{_supported()}. With transformers installed (no --no-transformers), any "
            f"AutoModelForSequenceClassification model can be tried")
    return FAMILIES[model_type]


def position_limit(config: Dict) -> int:
    """Longest sequence the position table allows (RoBERTa: after padding_idx)."""
    positions = int(config.get("max_position_embeddings") or 512)
    if config.get("model_type") in ("roberta", "xlm-roberta", "camembert"):
        pad = config.get("pad_token_id")
        return positions - (1 if pad is None else int(pad)) - 1
    return positions


# --------------------------------------------------------------------------
# weights


def find_weights(src: str) -> str:
    """The weights file (or index) to read, by WEIGHT_FILES preference."""
    for name in WEIGHT_FILES:
        path = os.path.join(src, name)
        if os.path.isfile(path):
            return path
    others = [n for n in OTHER_WEIGHTS if os.path.exists(os.path.join(src, n))]
    if others:
        raise ExportError(
            f"{src}: no PyTorch weights ({' / '.join(WEIGHT_FILES)}), only "
            f"{', '.join(others)}; convert them to PyTorch weights with transformers "
            f"first (from_pretrained(..., from_tf=True / from_flax=True) then "
            f"save_pretrained)")
    raise ExportError(f"{src}: no weights found (looked for {', '.join(WEIGHT_FILES)})")


def _torch_load(path: str) -> Dict[str, Tensor]:
    kwargs = {"map_location": "cpu"}
    if "weights_only" in inspect.signature(torch.load).parameters:
        kwargs["weights_only"] = True
    try:
        obj = torch.load(path, **kwargs)
    except (pickle.UnpicklingError, RuntimeError, EOFError, AttributeError) as e:
        raise ExportError(
            f"{path}: cannot be read with torch.load(weights_only=True): {e}. A "
            f"pytorch_model.bin that pickles more than tensors is refused; convert it to "
            f"model.safetensors with a trusted Python first") from None
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]  # a training checkpoint wrapping the weights
    if not isinstance(obj, dict) or not all(isinstance(v, Tensor) for v in obj.values()):
        raise ExportError(f"{path}: not a state dict (a mapping of names to tensors)")
    return dict(obj)


def _load_one(path: str) -> Dict[str, Tensor]:
    if path.endswith(".safetensors"):
        try:
            return load_file(path)
        except SafetensorsError as e:
            raise ExportError(str(e)) from None
    return _torch_load(path)


def load_state_dict(path: str) -> Tuple[Dict[str, Tensor], List[str]]:
    """(state dict, notes) from a weights file or a sharded index."""
    notes: List[str] = []
    if not path.endswith(".index.json"):
        return _load_one(path), notes
    try:
        with open(path, encoding="utf-8") as f:
            index = json.load(f)
        weight_map = index["weight_map"]
        if not isinstance(weight_map, dict):
            raise TypeError("weight_map is not an object")
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ExportError(f"{path}: not a sharded-checkpoint index ({e})") from None
    folder = os.path.dirname(path)
    shards = sorted(set(weight_map.values()))
    state: Dict[str, Tensor] = {}
    for shard in shards:
        shard_path = os.path.join(folder, shard)
        if not os.path.isfile(shard_path):
            raise ExportError(f"{path}: shard {shard} is missing")
        part = _load_one(shard_path)
        for key, value in part.items():
            if key in state:
                raise ExportError(f"{shard_path}: {key} is also in another shard")
            state[key] = value
        wrong = [k for k, v in weight_map.items() if v == shard and k not in part]
        if wrong:
            raise ExportError(f"{path}: lists {wrong[:5]} in {shard}, which lacks them")
    notes.append(f"read {len(shards)} shards listed in {os.path.basename(path)}")
    return state, notes


# --------------------------------------------------------------------------
# state dict -> module


def _normalise_keys(state: Dict[str, Tensor], fam: Family,
                    notes: List[str]) -> Dict[str, Tensor]:
    keys = list(state)
    # Weights saved from a wrapper (DataParallel "module.", Lightning "model.").
    if not any(k.startswith(fam.prefix) for k in keys):
        for wrapper in ("module.", "model."):
            if keys and all(k.startswith(wrapper) for k in keys) and any(
                    k.startswith(wrapper + fam.prefix) for k in keys):
                state = {k[len(wrapper):]: v for k, v in state.items()}
                notes.append(f"stripped the {wrapper!r} prefix of every weight name")
                keys = list(state)
                break
    if not any(k.startswith(fam.prefix) for k in keys):
        bare = [k for k in keys if k.startswith(("embeddings.", "encoder."))]
        if bare:
            raise ExportError(
                f"the weights are those of a bare {fam.name} base model (names like "
                f"{bare[0]!r}, no {fam.prefix!r} prefix and no classification head): this is "
                f"not a sequence-classification (cross-encoder) checkpoint")
        raise ExportError(f"no weight name starts with {fam.prefix!r}: not a {fam.name} "
                          f"checkpoint? (first names: {keys[:5]})")
    fixed: Dict[str, Tensor] = {}
    renamed = 0
    for key, value in state.items():
        if key.endswith("LayerNorm.gamma"):
            key, renamed = key[: -len("gamma")] + "weight", renamed + 1
        elif key.endswith("LayerNorm.beta"):
            key, renamed = key[: -len("beta")] + "bias", renamed + 1
        if key in fixed:
            raise ExportError(f"weight {key} appears twice (old and new LayerNorm names)")
        fixed[key] = value
    if renamed:
        notes.append(f"renamed {renamed} legacy LayerNorm gamma/beta weights to weight/bias")
    return fixed


def _describe(keys: List[str], limit: int = 8) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f", ... ({len(keys)} in all)" if len(keys) > limit else "")


def build_model(config: Dict, state: Dict[str, Tensor],
                notes: List[str]) -> Tuple[nn.Module, Family]:
    """The eager module of config's family with ``state`` loaded, float32, eval()."""
    fam = family_for(config)
    arch = (config.get("architectures") or [""])[0]
    if arch and not arch.endswith("ForSequenceClassification"):
        notes.append(f"config.json says architectures [{arch!r}], not a "
                     f"...ForSequenceClassification: the classifier weights must be there")
    try:
        model = fam.model_cls(fam.config_cls.from_dict(config))
    except (ValueError, TypeError) as e:
        raise ExportError(f"config.json: {e} (crossrank's own {fam.name} module does not cover "
                          f"this configuration; export with transformers)") from None
    state = _normalise_keys(state, fam, notes)

    expected = model.state_dict()
    ignored = sorted(k for k in state if k not in expected and k.startswith(fam.ignored))
    for k in ignored:
        del state[k]
    if ignored:
        notes.append(f"ignored {len(ignored)} weights the classifier does not use: "
                     f"{_describe(ignored, 4)}")
    missing = [k for k in expected if k not in state]
    unexpected = sorted(k for k in state if k not in expected)
    head_missing = [k for k in fam.head_keys if k in missing]
    if head_missing:
        raise ExportError(
            f"no classification head: {_describe(head_missing)} missing (architectures "
            f"{config.get('architectures')}). This is not a sequence-classification "
            f"(cross-encoder) checkpoint"
            + (f"; other unexpected weights: {_describe(unexpected, 4)}" if unexpected else ""))
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)}: {_describe(missing)}")
        if unexpected:
            parts.append(f"unexpected {len(unexpected)}: {_describe(unexpected)}")
        raise ExportError(f"the weights do not match crossrank's {fam.name} module "
                          f"({'; '.join(parts)})")

    def hint(key: str) -> str:
        if key in fam.head_keys:
            return f" (config.json id2label/num_labels says {model.config.num_labels} label(s))"
        return " (config.json vocab_size)" if "word_embeddings" in key else ""

    try:
        state, note = conform(expected, state, hint)
    except WeightsError as e:
        raise ExportError(str(e)) from None
    if note:
        notes.append(note)
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, fam
