#!/usr/bin/python3
"""Export a Hugging Face cross-encoder folder into a crossrank model bundle.

    /usr/bin/python3 scripts/export_hf.py SRC_DIR OUT_DIR [--max-length N]
        [--dtype fp32|bf16] [--quantize int8] [--no-transformers] [--force]
        [--template qwen3-reranker|mxbai-rerank-v2|bge-reranker-gemma|FILE.json]

SRC_DIR is a downloaded Hugging Face model folder (config.json, weights,
tokenizer files). OUT_DIR receives model.pt (TorchScript), config.json, the
tokenizer files present in SRC_DIR and crossrank.json.

Two ways to build the eager model:
  transformers  when it is importable and --no-transformers is not given:
                AutoModelForSequenceClassification with eager attention
                (SDPA traces use ops libtorch 1.13 lacks). Any model type.
  own modules   crossrank's scripts/models (bert, roberta / xlm-roberta /
                camembert, electra) built from config.json and the weights:
                model.safetensors, pytorch_model.bin, or their sharded
                *.index.json forms.

Decoder LLM rerankers (model_type qwen2, qwen3, gemma: Qwen3-Reranker,
mxbai-rerank-v2, bge-reranker-v2-gemma) need --template: a recipe of
scripts/templates/ (or a file of the same form) that crossrank.json gets, with
the prompt, the default instruction and the answer tokens. A causal-LM
checkpoint's LM head becomes a one-row score head on the last real token
(answer [no, yes]: lm_head[yes] - lm_head[no], so sigmoid gives P(yes); one
answer: its row); a *ForSequenceClassification repackaging keeps its head.
Own modules: scripts/models/decoder.py; transformers: AutoModelForCausalLM
(or ...ForSequenceClassification) with eager attention, its backbone's last
real token through the same head.

Either way the model is traced with torch.jit.trace and the saved archive is
checked against the eager float32 model on batches of several sizes and
lengths (fp32: max |diff| <= 1e-5). --dtype bf16 stores bfloat16 weights
(logits cast back to float32); --quantize int8 applies dynamic int8
quantization to the Linear layers. Both are checked against the float32
eager model with a looser tolerance (--drift-tolerance) and the drift is
reported. A bundle is written only when the checks pass; exit 1 otherwise.

Trace with a torch not newer than the libtorch crossrank links (Debian 12:
/usr/bin/python3 with python3-torch 1.13).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys
import time
import warnings
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

SCRIPT_DIR = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, SCRIPT_DIR)

import torch  # noqa: E402
from torch import Tensor, nn  # noqa: E402

from models.bundle_files import save_traced, write_json  # noqa: E402
from models.checkpoint import (ExportError, build_model, family_for,  # noqa: E402
                               find_weights, load_state_dict, position_limit,
                               read_config)
from models.bert import fuse_attention_projections, keep_first_token_in_last_layer  # noqa: E402
from models.decoder import MODEL_TYPES as DECODER_TYPES  # noqa: E402
from models.modernbert import ModernBertConfig, ModernBertModel  # noqa: E402
from models.modernbert import keep_first_token_in_last_layer as keep_first_token_modernbert  # noqa: E402
from models.st_modules import activation_fn, build_modular, load_exact, read_modules  # noqa: E402
from models.decoder import DecoderConfigError, load_decoder, score_head  # noqa: E402

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                   "vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model",
                   "spm.model", "spiece.model", "added_tokens.json")
BUNDLE_FILES = ("model.pt", "config.json", "crossrank.json") + TOKENIZER_FILES
ACTIVATIONS = {"Sigmoid": "sigmoid", "Identity": "identity", "Softmax": "softmax"}
ROBERTA_LIKE = ("roberta", "xlm-roberta", "camembert")
TEMPLATES_DIR = os.path.join(SCRIPT_DIR, "templates")

FP32_TOL = 1e-5
# Default |logit - float32 eager logit| allowed after bf16 / int8 conversion,
# as a fraction of max(1, the largest |float32 logit| seen in verification).
DRIFT_REL = {"bf16": 0.05, "int8": 0.1}
# Traced vs the eager module of the same precision (the trace itself).
SELF_TOL = {"fp32": FP32_TOL, "bf16": 1e-3, "int8": 1e-4}
# A row alone vs the same row in a padded batch, float32 (relative to max(1, |logit|)).
PAD_TOL = 1e-4
# Batches for verification: real lengths per row; LIMIT = the longest allowed.
LIMIT = -1
TRACE_EXAMPLE = [8, 5]
CHECK_CASES = ([11, 7], [3], [40, 25, 3], [64, 60, 33, 17, 5], [LIMIT, 130])


def log(msg: str) -> None:
    print(f"export_hf: {msg}", file=sys.stderr)


# --------------------------------------------------------------------------
# the module that gets traced


class _Logits(nn.Module):
    """Calls the model with keyword inputs and returns its logits tensor.

    hf: a transformers model (called with return_dict=False, first output);
    to_float: cast the logits to float32 (bf16 export)."""

    def __init__(self, model: nn.Module, hf: bool, to_float: bool) -> None:
        super().__init__()
        self.model = model
        self.hf = hf
        self.to_float = to_float

    def _logits(self, **inputs: Tensor) -> Tensor:
        if self.hf:
            out = self.model(**inputs, return_dict=False)
            logits = out[0] if isinstance(out, (tuple, list)) else out
        else:
            logits = self.model(**inputs)
        return logits.float() if self.to_float else logits


class _Logits2(_Logits):
    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        return self._logits(input_ids=input_ids, attention_mask=attention_mask)


class _Logits3(_Logits):
    def forward(self, input_ids: Tensor, attention_mask: Tensor,
                token_type_ids: Tensor) -> Tensor:
        return self._logits(input_ids=input_ids, attention_mask=attention_mask,
                            token_type_ids=token_type_ids)


def wrap(model: nn.Module, names: Sequence[str], hf: bool, to_float: bool) -> nn.Module:
    cls = _Logits3 if "token_type_ids" in names else _Logits2
    return cls(model, hf, to_float).eval()


# --------------------------------------------------------------------------
# inputs and verification (shared by both paths)


class InputSpec(NamedTuple):
    names: Tuple[str, ...]   # forward() arguments, in order
    vocab_size: int
    pad_id: int
    type_vocab_size: int
    limit: int               # longest sequence (positions; at most 512)

    @classmethod
    def from_config(cls, config: Dict, names: Sequence[str]) -> "InputSpec":
        pad = config.get("pad_token_id")
        return cls(tuple(names), int(config.get("vocab_size") or 0),
                   0 if pad is None else int(pad),
                   int(config.get("type_vocab_size") or 0),
                   min(512, position_limit(config)))

    def batch(self, lengths: Sequence[int], gen: torch.Generator) -> Tuple[Tensor, ...]:
        """Right-padded random rows (ids avoid the pad id and the low, special
        ids); type ids 0 then 1 when the model takes them; mask 0 on pads."""
        lengths = [self.limit if n == LIMIT else n for n in lengths]
        seq = max(lengths)
        low = min(1000, self.vocab_size // 4)
        ids = torch.full((len(lengths), seq), self.pad_id, dtype=torch.int64)
        mask = torch.zeros_like(ids)
        types = torch.zeros_like(ids)
        for i, n in enumerate(lengths):
            row = torch.randint(low, self.vocab_size, (n,), generator=gen)
            row[row == self.pad_id] = low if low != self.pad_id else low + 1
            ids[i, :n] = row
            mask[i, :n] = 1
            if self.type_vocab_size >= 2:
                types[i, n // 2:n] = 1
        named = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return tuple(named[n] for n in self.names)


class Report(NamedTuple):
    self_diff: float      # traced vs eager of the same precision
    drift: float          # traced vs float32 eager
    drift_tol: float      # what drift was allowed
    padding: float        # a row alone vs in a padded batch (traced)
    max_logit: float      # max |float32 eager logit|


@torch.no_grad()
def verify(spec: InputSpec, reference: nn.Module, eager: nn.Module,
           traced: torch.jit.ScriptModule, kind: str,
           drift_tol: Optional[float] = None) -> Report:
    """Checks the traced module against the eager ones; raises ExportError.

    reference: float32 eager; eager: the module that was traced (== reference
    for fp32); kind: fp32 | bf16 | int8. drift_tol: the allowed |traced -
    reference| for bf16/int8 (default DRIFT_REL of the largest logit); fp32
    allows FP32_TOL."""
    schema = [a.name for a in traced.forward.schema.arguments][1:]
    if tuple(schema) != spec.names:
        raise ExportError(f"the traced forward() takes {schema}, expected {list(spec.names)}")
    gen = torch.Generator().manual_seed(11)
    self_worst = drift_worst = pad_worst = max_logit = 0.0
    drift_at: List[int] = []
    for lengths in CHECK_CASES:
        inputs = spec.batch(lengths, gen)
        shape = list(inputs[0].shape)
        ref = reference(*inputs).float()
        own = ref if eager is reference else eager(*inputs).float()
        got = traced(*inputs)
        if not isinstance(got, Tensor) or got.dtype != torch.float32 or got.shape != ref.shape:
            raise ExportError(f"traced output {getattr(got, 'dtype', type(got))} "
                              f"{tuple(getattr(got, 'shape', ()))} for inputs {shape}; "
                              f"eager gives float32 {tuple(ref.shape)}")
        if not torch.isfinite(got).all():
            raise ExportError(f"traced output not finite for inputs {shape}")
        self_diff = (got - own).abs().max().item()
        drift = (got - ref).abs().max().item()
        if not self_diff <= SELF_TOL[kind]:
            raise ExportError(f"traced {kind} model differs from the eager one by {self_diff:g} "
                              f"(> {SELF_TOL[kind]:g}) on inputs {shape} (lengths {lengths}); "
                              f"the trace does not generalise to this shape")
        padding = 0.0
        for i in range(shape[0]):
            n = int(inputs[spec.names.index("attention_mask")][i].sum())
            alone = traced(*(t[i:i + 1, :n] for t in inputs))
            d = (alone - got[i:i + 1]).abs().max().item()
            padding = max(padding, d)
            if kind == "fp32" and not d <= PAD_TOL * max(1.0, got[i].abs().max().item()):
                raise ExportError(f"row {i} of inputs {shape} (length {n}) scores {d:g} apart "
                                  f"alone and in the padded batch: padding leaks")
        self_worst, pad_worst = max(self_worst, self_diff), max(pad_worst, padding)
        max_logit = max(max_logit, ref.abs().max().item())
        if drift > drift_worst:
            drift_worst, drift_at = drift, shape
    if kind == "fp32":
        drift_tol = FP32_TOL
    elif drift_tol is None:
        drift_tol = DRIFT_REL[kind] * max(1.0, max_logit)
    if not drift_worst <= drift_tol:
        raise ExportError(f"traced {kind} model drifts {drift_worst:g} from the float32 eager "
                          f"model (> {drift_tol:g}) on inputs {drift_at}"
                          + ("" if kind == "fp32" else "; see --drift-tolerance"))
    return Report(self_worst, drift_worst, drift_tol, pad_worst, max_logit)


# --------------------------------------------------------------------------
# the two ways to the eager model


def transformers_version() -> Optional[str]:
    try:
        import transformers
    except Exception:  # ImportError, or a broken install
        return None
    return transformers.__version__


def load_with_transformers(src: str) -> Tuple[nn.Module, List[str], Dict]:
    """(model, input names, model.config as a dict) via transformers."""
    import inspect
    from transformers import AutoModelForSequenceClassification
    try:
        try:
            model = AutoModelForSequenceClassification.from_pretrained(
                src, attn_implementation="eager")
        except TypeError:  # transformers < 4.36: no attn_implementation, eager only
            model = AutoModelForSequenceClassification.from_pretrained(src)
    except Exception as e:  # noqa: BLE001 (transformers raises OSError, ValueError, ...)
        raise ExportError(f"transformers could not load {src}: {type(e).__name__}: {e}") from None
    impl = getattr(model.config, "_attn_implementation", None) or "eager"
    if impl != "eager":
        raise ExportError(f"transformers chose attention {impl!r}, not eager")
    # float32 whatever the checkpoint stores (newer transformers keep its dtype).
    model = model.float().eval()
    params = inspect.signature(model.forward).parameters
    names = ["input_ids", "attention_mask"]
    # Only when the model has token type embeddings: RoBERTa-likes (1 type)
    # and DeBERTa-v3 (0) compute the same without them.
    if "token_type_ids" in params and int(getattr(model.config, "type_vocab_size", 0) or 0) >= 2:
        names.append("token_type_ids")
    return model, names, model.config.to_dict()


def load_own(src: str, config: Dict, notes: List[str]) -> Tuple[nn.Module, List[str]]:
    fam = family_for(config)  # unsupported model types fail before reading weights
    path = find_weights(src)
    state, more = load_state_dict(path)
    notes.append(f"weights: {os.path.basename(path)} ({len(state)} tensors)")
    notes.extend(more)
    model, fam = build_model(config, state, notes)
    names = ["input_ids", "attention_mask"]
    if fam.takes_token_type_ids and model.config.type_vocab_size >= 2:
        names.append("token_type_ids")
    return model, names


# Base models that a sentence-transformers modular cross-encoder may start with.
MODULAR_BACKBONES = {"modernbert": (ModernBertConfig, ModernBertModel)}


def load_modular(src: str, config: Dict, modules: List[Dict],
                 notes: List[str]) -> Tuple[nn.Module, List[str]]:
    """A modular CrossEncoder (models/st_modules.py): the bare base model in SRC, then its
    Pooling, Dense and LayerNorm modules, as one module."""
    model_type = config.get("model_type")
    if model_type not in MODULAR_BACKBONES:
        raise ExportError(f"modules.json: a modular cross-encoder over model_type {model_type!r} "
                          f"is not supported; supported backbones: {', '.join(MODULAR_BACKBONES)}")
    config_cls, model_cls = MODULAR_BACKBONES[model_type]
    backbone = model_cls(config_cls.from_dict(config))
    path = find_weights(src)
    state, more = load_state_dict(path)
    notes.extend(more)
    if state and all(k.startswith("model.") for k in state):
        state = {k[len("model."):]: v for k, v in state.items()}
    load_exact(backbone, state, f"{path} (crossrank's bare {model_type} model)")
    notes.append(f"sentence-transformers modular cross-encoder: {os.path.basename(path)} "
                 f"({len(state)} tensors), then " +
                 ", ".join(str(m.get("type", "?")).rsplit(".", 1)[-1] for m in modules[1:]))
    return build_modular(src, modules, backbone.eval()), ["input_ids", "attention_mask"]


# --------------------------------------------------------------------------
# decoder LLM rerankers


def load_recipe(name: str) -> Dict:
    """A recipe of scripts/templates/ by name, or a JSON file of the same form:
    {"template": {...}, "activation": ...}; a bare template object is accepted too."""
    path = name if name.endswith(".json") else os.path.join(TEMPLATES_DIR, name + ".json")
    if not os.path.isfile(path):
        known = sorted(n[:-5] for n in os.listdir(TEMPLATES_DIR) if n.endswith(".json"))
        raise ExportError(f"--template {name}: no such recipe ({', '.join(known)}) or file")
    try:
        with open(path, encoding="utf-8") as f:
            recipe = json.load(f)
    except (OSError, ValueError) as e:
        raise ExportError(f"{path}: {e}") from None
    if isinstance(recipe, dict) and "parts" in recipe:
        recipe = {"template": recipe}
    template = recipe.get("template") if isinstance(recipe, dict) else None
    if not isinstance(template, dict) or not isinstance(template.get("answer"), list):
        raise ExportError(f"{path}: expected {{\"template\": {{\"parts\": [...], \"answer\": [...], ...}}}} "
                          f"(docs/models.md#templates)")
    text = json.dumps(template.get("parts"))
    for placeholder in ("{query}", "{document}"):
        if placeholder not in text:
            raise ExportError(f"{path}: the template has no {placeholder}")
    return recipe


def vocabulary(src: str) -> Dict[str, int]:
    """Token -> id of SRC's tokenizer.json (its model's vocabulary and added
    tokens), as tokenizer.convert_tokens_to_ids looks tokens up."""
    path = os.path.join(src, "tokenizer.json")
    if not os.path.isfile(path):
        raise ExportError(f"{src}: no tokenizer.json, needed to find the answer tokens' ids")
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    vocab = tok.get("model", {}).get("vocab")
    if isinstance(vocab, list):  # Unigram: [[piece, score], ...]
        vocab = {piece: i for i, (piece, _) in enumerate(vocab)}
    if not isinstance(vocab, dict):
        raise ExportError(f"{path}: no model vocabulary")
    out = dict(vocab)
    out.update({t["content"]: t["id"] for t in tok.get("added_tokens", [])})
    return out


def answer_ids(src: str, answers: Sequence[str]) -> List[int]:
    vocab = vocabulary(src)
    missing = [a for a in answers if a not in vocab]
    if missing:
        raise ExportError(f"answer token(s) {missing} are not single tokens of "
                          f"{os.path.join(src, 'tokenizer.json')}: the recipe does not fit this "
                          f"model's vocabulary")
    return [int(vocab[a]) for a in answers]


class _LastToken(nn.Module):
    """A transformers decoder backbone, its last real token (right padding)
    through a one-row score head."""

    def __init__(self, backbone: nn.Module, head: nn.Module) -> None:
        super().__init__()
        self.model = backbone
        self.score = head

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                            use_cache=False, return_dict=False)[0]
        last = (attention_mask.sum(1) - 1).clamp(min=0).long()
        index = last[:, None, None].expand(-1, 1, hidden.shape[-1])
        return self.score(hidden.gather(1, index).squeeze(1))


def load_decoder_with_transformers(src: str, config: Dict, ids: List[int],
                                   notes: List[str]) -> nn.Module:
    from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification
    arch = (config.get("architectures") or [""])[0]
    seq_cls = arch.endswith("ForSequenceClassification")
    cls = AutoModelForSequenceClassification if seq_cls else AutoModelForCausalLM
    try:
        model = cls.from_pretrained(src, attn_implementation="eager").float().eval()
    except Exception as e:  # noqa: BLE001 (transformers raises OSError, ValueError, ...)
        raise ExportError(f"transformers could not load {src}: {type(e).__name__}: {e}") from None
    if seq_cls:
        return _LastToken(model.model, model.score).eval()
    weight = model.get_output_embeddings().weight.detach()
    head = nn.Linear(weight.shape[1], 1, bias=False)
    head.weight.data.copy_(score_head(weight, ids))
    notes.append(f"score head from the LM head rows {ids}")
    return _LastToken(model.model, head).eval()


def load_own_decoder(src: str, config: Dict, ids: List[int], notes: List[str]) -> nn.Module:
    path = find_weights(src)
    state, more = load_state_dict(path)
    notes.append(f"weights: {os.path.basename(path)} ({len(state)} tensors)")
    notes.extend(more)
    try:
        model, more = load_decoder(config, state, ids)
    except DecoderConfigError as e:
        raise ExportError(f"{src}: {e}") from None
    notes.extend(more)
    return model


# --------------------------------------------------------------------------
# low precision


def quantized_engine() -> str:
    engines = torch.backends.quantized.supported_engines
    for engine in ("onednn", "x86", "fbgemm", "qnnpack"):
        if engine in engines:
            return engine
    raise ExportError(f"no quantized engine in this torch (supported: {engines})")


def _cast_input_to_float(module: nn.Module, inputs: Tuple[Tensor, ...]) -> Tuple[Tensor, ...]:
    return tuple(x.float() for x in inputs)


def keep_output_layer_float(model: nn.Module) -> Optional[str]:
    """Puts the last Linear with num_labels outputs back in float32, its input
    cast to float32: bfloat16 logits would keep 8 significant bits, so close
    scores would tie. Returns the layer's name (None when there is none)."""
    num_labels = int(getattr(model, "num_labels", 0) or getattr(model.config, "num_labels", 0) or 0)
    found = None
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear) and module.out_features == num_labels:
            found = (name, module)
    if found is None:
        return None
    found[1].float()
    found[1].register_forward_pre_hook(_cast_input_to_float)
    return found[0]


def convert(model: nn.Module, dtype: str, quantize: Optional[str]) -> Tuple[nn.Module, Dict]:
    """(the module to trace, notes for exported_by). crossrank's own BERT-family modules get
    their attention projections fused (one product instead of three, identical results) and
    their last layer computed for the first token alone, the only one the head reads; the
    verification compares the trace with the plain eager model."""
    extra: Dict = {}
    fused = copy.deepcopy(model)
    count = fuse_attention_projections(fused)
    if count:
        extra["fused_qkv"] = count
    if keep_first_token_in_last_layer(fused):
        extra["last_layer"] = "first token only, keys and values folded into its query"
    elif keep_first_token_modernbert(fused):
        extra["last_layer"] = "first token only"
    if count or "last_layer" in extra:
        model = fused.eval()
    if dtype == "bf16":
        model = copy.deepcopy(model).to(torch.bfloat16).eval()
        layer = keep_output_layer_float(model)
        if layer:
            extra["float32_layers"] = [layer]
    if quantize == "int8":
        engine = quantized_engine()
        torch.backends.quantized.engine = engine
        extra["quantized_engine"] = engine
        model = torch.ao.quantization.quantize_dynamic(
            copy.deepcopy(model), {nn.Linear}, dtype=torch.qint8).eval()
    return model, extra


# --------------------------------------------------------------------------
# bundle


def activation_of(config: Dict) -> Optional[str]:
    st = config.get("sentence_transformers")
    stored = st.get("activation_fn") if isinstance(st, dict) else None
    if not stored:
        stored = config.get("sbert_ce_default_activation_function")
    if not stored:
        return None
    name = str(stored).rsplit(".", 1)[-1]
    if name not in ACTIVATIONS:
        log(f"WARNING: config.json names the activation {stored!r}, which crossrank does not "
            f"know; crossrank.json gets no \"activation\" (pass --activation to crossrank)")
        return None
    return ACTIVATIONS[name]


def prepare_out(src: str, out: str, force: bool) -> None:
    if os.path.realpath(src) == os.path.realpath(out):
        raise ExportError("OUT_DIR must differ from SRC_DIR")
    if os.path.isdir(out) and os.listdir(out):
        if not force:
            raise ExportError(f"{out} exists and is not empty (--force replaces the bundle "
                              f"files in it)")
        for name in BUNDLE_FILES:
            path = os.path.join(out, name)
            if os.path.isfile(path):
                os.remove(path)
    os.makedirs(out, exist_ok=True)


def trace_and_save(wrapped: nn.Module, spec: InputSpec, path: str) -> torch.jit.ScriptModule:
    example = spec.batch(TRACE_EXAMPLE, torch.Generator().manual_seed(7))
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(wrapped, example, check_trace=False)
    graph = str(traced.inlined_graph)
    if "scaled_dot_product_attention" in graph:
        raise ExportError("the trace uses scaled_dot_product_attention (SDPA), which libtorch "
                          "1.13 lacks; the model must run with eager attention")
    save_traced(traced, path)
    return torch.jit.load(path)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        description="Export a Hugging Face cross-encoder folder into a crossrank bundle.")
    ap.add_argument("src", metavar="SRC_DIR", help="Hugging Face model folder")
    ap.add_argument("out", metavar="OUT_DIR", help="bundle directory to write")
    ap.add_argument("--max-length", type=int,
                    help="default truncation length, written to crossrank.json")
    ap.add_argument("--dtype", choices=("fp32", "bf16"), default="fp32")
    ap.add_argument("--quantize", choices=("int8",),
                    help="dynamic int8 quantization of the Linear layers")
    ap.add_argument("--no-transformers", action="store_true",
                    help="use crossrank's own modules even if transformers is installed")
    ap.add_argument("--drift-tolerance", type=float,
                    help="max |logit - float32 eager logit| for bf16/int8 (default: "
                         f"{DRIFT_REL['bf16']} (bf16) or {DRIFT_REL['int8']} (int8) times "
                         "max(1, largest |logit| seen in the checks))")
    ap.add_argument("--template", metavar="RECIPE",
                    help="decoder LLM rerankers: the prompt recipe, a name in scripts/templates "
                         "(qwen3-reranker, mxbai-rerank-v2, bge-reranker-gemma) or a JSON file")
    ap.add_argument("--force", action="store_true",
                    help="write into a non-empty OUT_DIR (bundle files there are replaced)")
    args = ap.parse_args(argv)
    if args.dtype == "bf16" and args.quantize:
        ap.error("--dtype bf16 and --quantize int8 do not combine")
    try:
        return export(args)
    except ExportError as e:
        log(f"ERROR: {e}")
        return 1


def export(args: argparse.Namespace) -> int:
    start = time.time()
    torch.manual_seed(0)
    src, out = args.src, args.out
    if not os.path.isdir(src):
        raise ExportError(f"{src}: not a directory")
    config = read_config(src)
    model_type = config.get("model_type")
    notes: List[str] = []
    tf_version = None if args.no_transformers else transformers_version()
    decoder = model_type in DECODER_TYPES
    modules = None if decoder else read_modules(src)
    recipe = load_recipe(args.template) if args.template else None
    if decoder and recipe is None:
        raise ExportError(f"model_type {model_type!r} is a decoder LLM: give its prompt recipe with "
                          f"--template qwen3-reranker|mxbai-rerank-v2|bge-reranker-gemma or "
                          f"--template FILE.json (docs/models.md#llm-rerankers)")
    if recipe is not None and not decoder:
        raise ExportError(f"--template is for decoder LLM rerankers ({', '.join(DECODER_TYPES)}), "
                          f"not model_type {model_type!r}")
    if decoder:
        ids = answer_ids(src, recipe["template"]["answer"])
        recipe["template"]["answer_ids"] = ids
        names = ["input_ids", "attention_mask"]
        if tf_version:
            route = f"transformers {tf_version}"
            model = load_decoder_with_transformers(src, config, ids, notes)
        else:
            route = "crossrank modules (no transformers)"
            model = load_own_decoder(src, config, ids, notes)
        spec_config = config
    elif modules is not None:
        # transformers' AutoModelForSequenceClassification would put a random head on it.
        route = "crossrank modules (sentence-transformers modular CrossEncoder)"
        model, names = load_modular(src, config, modules, notes)
        spec_config = config
    elif tf_version:
        route = f"transformers {tf_version}"
        model, names, full_config = load_with_transformers(src)
        spec_config = dict(full_config, **{k: config[k] for k in config if k not in full_config})
    else:
        route = "crossrank modules (no transformers)"
        if not args.no_transformers:
            notes.append("transformers is not installed: using crossrank's own modules")
        model, names = load_own(src, config, notes)
        spec_config = config
    spec = InputSpec.from_config(spec_config, names)
    if spec.vocab_size < 8:
        raise ExportError(f"config.json: vocab_size {spec.vocab_size} is too small")
    limit = position_limit(spec_config)
    if args.max_length is not None:
        special = 4 if model_type in ROBERTA_LIKE else 3
        if not special <= args.max_length <= limit:
            raise ExportError(f"--max-length {args.max_length} outside {special}..{limit} "
                              f"(the model's positions)")

    kind = "int8" if args.quantize else args.dtype
    candidate, extra = convert(model, args.dtype, args.quantize)
    # _LastToken and the modular cross-encoder already return the logits tensor.
    hf = bool(tf_version) and not decoder and modules is None
    reference = wrap(model, names, hf=hf, to_float=False)
    eager = reference if candidate is model else wrap(
        candidate, names, hf=hf, to_float=(args.dtype == "bf16"))

    prepare_out(src, out, args.force)
    tmp = os.path.join(out, "model.pt.tmp")
    try:
        traced = trace_and_save(eager, spec, tmp)
        report = verify(spec, reference, eager, traced, kind, args.drift_tolerance)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    os.replace(tmp, os.path.join(out, "model.pt"))

    shutil.copyfile(os.path.join(src, "config.json"), os.path.join(out, "config.json"))
    copied = [n for n in TOKENIZER_FILES if os.path.isfile(os.path.join(src, n))]
    for name in copied:
        shutil.copyfile(os.path.join(src, name), os.path.join(out, name))
    if not any(n in copied for n in TOKENIZER_FILES if n not in (
            "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json")):
        notes.append("WARNING: no tokenizer file (tokenizer.json, vocab.txt, ...) in SRC_DIR: "
                     "add one to the bundle before using it")

    crossrank: Dict = {}
    stored = activation_fn(src) if modules is not None else None
    activation = (activation_of(dict(config, sentence_transformers={"activation_fn": stored}))
                  if stored else activation_of(config)) or (recipe or {}).get("activation")
    if activation:
        crossrank["activation"] = activation
    if recipe is not None:
        crossrank["template"] = recipe["template"]
    if args.max_length is not None:
        crossrank["max_length"] = args.max_length
    crossrank["model_type"] = model_type
    crossrank["inputs"] = list(names)
    crossrank["exported_by"] = dict({
        "torch": torch.__version__,
        "transformers": tf_version,
        "script": "scripts/export_hf.py",
        "source": os.path.basename(os.path.normpath(src)),
        "dtype": args.dtype,
        "quantize": args.quantize,
    }, **extra)
    write_json(os.path.join(out, "crossrank.json"), crossrank)

    for note in notes:
        log(note)
    torch_mm = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2])
    if torch_mm > (1, 13):
        log(f"WARNING: traced with torch {torch.__version__}; a libtorch older than that "
            f"(Debian 12's crossrank links 1.13) may refuse model.pt")
    log(f"{model_type} ({(spec_config.get('architectures') or ['?'])[0]}) via {route}; "
        f"{kind}{' engine ' + extra['quantized_engine'] if 'quantized_engine' in extra else ''}; "
        f"forward({', '.join(names)})")
    log(f"wrote {out}: model.pt ({os.path.getsize(os.path.join(out, 'model.pt'))} bytes), "
        f"config.json, crossrank.json, {', '.join(copied) or 'no tokenizer files'}")
    cases = ", ".join(f"{len(c)}x{spec.limit if LIMIT in c else max(c)}" for c in CHECK_CASES)
    if kind == "fp32":
        log(f"verified on batches {cases}: traced vs eager max |diff| {report.self_diff:.3g} "
            f"(tol {FP32_TOL:g}); row alone vs padded {report.padding:.3g}; "
            f"max |logit| {report.max_logit:.3g}")
    else:
        log(f"verified on batches {cases}: {kind} drift vs float32 eager max |diff| "
            f"{report.drift:.3g} (tol {report.drift_tol:.3g}); traced vs {kind} eager "
            f"{report.self_diff:.3g}; row alone vs padded {report.padding:.3g}; "
            f"max |logit| {report.max_logit:.3g}")
    log(f"done in {time.time() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
