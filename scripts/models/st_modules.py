"""sentence-transformers' modular cross-encoder format (the Ettin rerankers), for tracing.

Such a folder has a ``modules.json`` listing the modules in order and a
``config_sentence_transformers.json`` whose ``model_type`` is ``CrossEncoder`` (without it,
sentence-transformers ignores modules.json and loads AutoModelForSequenceClassification, so
crossrank does the same). The first module is the Transformer: a bare base model (e.g.
``ModernBertModel``) in the folder itself, giving the last hidden states. The others act in
order on the pooled vector: Pooling (``cls`` or ``mean``, no weights), Dense (``linear.weight``
and ``linear.bias`` in the module's folder, then ``activation_function``, Tanh when absent, as
sentence-transformers' Dense), LayerNorm (``norm.weight``/``norm.bias``, eps 1e-5). The last
module's output is the scores. The whole chain goes into one traced graph.
"""

from __future__ import annotations

import json
import os
from typing import Dict, List, Optional

import torch
from torch import Tensor, nn

from .checkpoint import ExportError, load_state_dict

# Dense activations by sentence-transformers' dotted path, last component.
_DENSE_ACTIVATIONS = {"GELU": nn.GELU, "Tanh": nn.Tanh, "Identity": nn.Identity,
                      "ReLU": nn.ReLU, "Sigmoid": nn.Sigmoid, "SiLU": nn.SiLU}


def _read_json(path: str) -> Dict:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise ExportError(f"{path}: cannot read ({e})") from None


def read_modules(src: str) -> Optional[List[Dict]]:
    """The module list of a modular CrossEncoder folder, in order; None for any other folder."""
    listing = os.path.join(src, "modules.json")
    st_config = os.path.join(src, "config_sentence_transformers.json")
    if not os.path.isfile(listing) or not os.path.isfile(st_config):
        return None
    if _read_json(st_config).get("model_type") != "CrossEncoder":
        return None
    modules = _read_json(listing)
    if not isinstance(modules, list) or not modules:
        raise ExportError(f"{listing}: expected a non-empty list of modules")
    modules = sorted(modules, key=lambda m: int(m.get("idx", 0)))
    if not str(modules[0].get("type", "")).endswith("Transformer") or modules[0].get("path", "") not in ("", "."):
        raise ExportError(f"{listing}: the first module must be the Transformer in the folder "
                          f"itself (path \"\"), not {modules[0]}")
    return modules


def activation_fn(src: str) -> Optional[str]:
    """config_sentence_transformers.json's activation_fn (a dotted path), if any."""
    path = os.path.join(src, "config_sentence_transformers.json")
    return _read_json(path).get("activation_fn") if os.path.isfile(path) else None


def _module_weights(folder: str) -> Dict[str, Tensor]:
    for name in ("model.safetensors", "pytorch_model.bin"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return load_state_dict(path)[0]
    raise ExportError(f"{folder}: no model.safetensors or pytorch_model.bin")


def load_exact(module: nn.Module, state: Dict[str, Tensor], where: str) -> None:
    """Loads state into module; any missing or unexpected key is an ExportError naming where."""
    result = module.load_state_dict(state, strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise ExportError(f"{where}: weights do not match (missing {result.missing_keys[:6]}, "
                          f"unexpected {result.unexpected_keys[:6]})")


class _Dense(nn.Module):
    def __init__(self, folder: str) -> None:
        super().__init__()
        cfg = _read_json(os.path.join(folder, "config.json"))
        if cfg.get("use_residual"):
            raise ExportError(f"{folder}: Dense with use_residual is not supported")
        self.linear = nn.Linear(int(cfg["in_features"]), int(cfg["out_features"]),
                                bias=bool(cfg.get("bias", True)))
        name = str(cfg.get("activation_function") or "torch.nn.modules.activation.Tanh")
        short = name.rsplit(".", 1)[-1]
        if not name.startswith("torch.") or short not in _DENSE_ACTIVATIONS:
            raise ExportError(f"{folder}: Dense activation {name!r} is not supported (supported: "
                              f"torch.nn {', '.join(sorted(_DENSE_ACTIVATIONS))})")
        self.activation = _DENSE_ACTIVATIONS[short]()
        load_exact(self, _module_weights(folder), folder)

    def forward(self, x: Tensor) -> Tensor:
        return self.activation(self.linear(x))


class _LayerNorm(nn.Module):
    def __init__(self, folder: str) -> None:
        super().__init__()
        cfg = _read_json(os.path.join(folder, "config.json"))
        self.norm = nn.LayerNorm(int(cfg["dimension"]))
        load_exact(self, _module_weights(folder), folder)

    def forward(self, x: Tensor) -> Tensor:
        return self.norm(x)


def pooling_mode(folder: str) -> str:
    """cls or mean from a Pooling config, new (pooling_mode) or legacy (pooling_mode_*) keys."""
    cfg = _read_json(os.path.join(folder, "config.json"))
    mode = cfg.get("pooling_mode")
    if isinstance(mode, list):
        mode = mode[0] if len(mode) == 1 else None
    if mode is None:
        chosen = [k[len("pooling_mode_"):] for k, v in cfg.items()
                  if k.startswith("pooling_mode_") and v is True]
        mode = {"cls_token": "cls", "mean_tokens": "mean"}.get(chosen[0]) if len(chosen) == 1 else \
            ("mean" if not chosen else None)
    if mode not in ("cls", "mean"):
        raise ExportError(f"{folder}: pooling {cfg} is not supported (cls or mean only)")
    return mode


class ModularCrossEncoder(nn.Module):
    """backbone (input_ids, attention_mask) -> [B, L, H], pooling, then the modules in order."""

    def __init__(self, backbone: nn.Module, mode: str, layers: List[nn.Module]) -> None:
        super().__init__()
        self.backbone = backbone
        self.mode = mode
        self.layers = nn.ModuleList(layers)

    def first_token_backbone(self) -> Optional[nn.Module]:
        """The backbone when only its first token is read (cls pooling)."""
        return self.backbone if self.mode == "cls" else None

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        hidden = self.backbone(input_ids, attention_mask)
        if self.mode == "cls":
            x = hidden[:, 0]
        else:
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            x = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        for layer in self.layers:
            x = layer(x)
        return x


def build_modular(src: str, modules: List[Dict], backbone: nn.Module) -> ModularCrossEncoder:
    """The cross-encoder of modules (read_modules) around an already loaded backbone."""
    mode: Optional[str] = None
    layers: List[nn.Module] = []
    for m in modules[1:]:
        kind = str(m.get("type", "")).rsplit(".", 1)[-1]
        folder = os.path.join(src, str(m.get("path", "")))
        if kind == "Pooling" and mode is None and not layers:
            mode = pooling_mode(folder)
        elif kind == "Dense" and mode is not None:
            layers.append(_Dense(folder))
        elif kind == "LayerNorm" and mode is not None:
            layers.append(_LayerNorm(folder))
        else:
            raise ExportError(f"modules.json: module {m.get('idx')} ({m.get('type')}) is not "
                              f"supported here; crossrank reads Transformer, Pooling, then Dense "
                              f"and LayerNorm modules")
    if mode is None or not layers:
        raise ExportError("modules.json: expected a Pooling module and at least one Dense")
    return ModularCrossEncoder(backbone, mode, layers).eval()


__all__ = ["ModularCrossEncoder", "activation_fn", "build_modular", "load_exact", "pooling_mode",
           "read_modules"]
