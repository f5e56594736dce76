#!/usr/bin/env python3
"""Build the fixture tokenizers in tests/data/tokenizers/ (SentencePiece and byte-level BPE).

Uses Debian 12's /usr/bin/python3 (standard library only) and the `spm_train`
program of Debian's sentencepiece 0.1.97. Training text: the project's own
case texts (wordpiece_cases.jsonl and multilingual_cases.jsonl) plus the
English sentences of STS-B train (../shared/data/stsb/sts-train.csv, columns 6
and 7); only the trained models are written, never the text.

    /usr/bin/python3 scripts/goldens/make_tokenizer_fixtures.py \
        --cases tests/data/goldens/wordpiece_cases.jsonl \
        --cases tests/data/goldens/multilingual_cases.jsonl \
        --stsb ../shared/data/stsb/sts-train.csv \
        --output-dir tests/data/tokenizers

Directories written (each also gets tokenizer_config.json and config.json):

  xlmr/         spm unigram, XLM-R layout (spm ids <unk>=0 <s>=1 </s>=2, no pad),
                sentencepiece.bpe.model + tokenizer.json as transformers'
                XLMRobertaConverter writes it today
  xlmr-legacy/  the same model; tokenizer.json in the 2020 hub form (Precompiled
                normalizer only, WhitespaceSplit + legacy Metaspace with
                str_rep/add_prefix_space, untyped model, old added-token key order)
  deberta/      spm unigram, DeBERTa-v3 layout ([PAD]=0 [CLS]=1 [SEP]=2 [UNK]=3),
                spm.model + tokenizer.json as DebertaV2Converter writes it
  spm-bpe/      spm BPE, XLM-R layout, identity normalization;
                sentencepiece.bpe.model only (no tokenizer.json)
  roberta/      byte-level BPE (train_byte_bpe.py): vocab.json, merges.txt,
                tokenizer.json as RobertaConverter writes it

Deterministic: spm_train runs single-threaded with a fixed seed and no input
sampling; the BPE trainer breaks ties by pair order. Running the script twice
gives byte-identical files.
"""

import argparse
import base64
import collections
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_byte_bpe  # noqa: E402

SPM_TRAIN = "spm_train"
SEED = 20240611

# ---------------------------------------------------------------------------
# Training corpus


def read_corpus(case_files, stsb):
    texts = []
    for path in case_files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                c = json.loads(line)
                if c["kind"] == "single":
                    texts.append(c["text"])
                else:
                    texts.extend([c["text_a"], c["text_b"]])
    with open(stsb, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            fields = line.rstrip("\n").rstrip("\r").split("\t")
            if len(fields) < 7:
                sys.exit("%s:%d: expected at least 7 tab-separated columns" % (stsb, n))
            texts.extend([fields[5], fields[6]])
    # Drop exact repeats (the pair texts repeat once per max_length), keep order.
    return list(dict.fromkeys(texts))


def corpus_lines(texts):
    """One training sentence per line; spm_train reads lines, so split texts on line breaks."""
    lines = []
    for t in texts:
        for line in t.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            if line.strip():
                lines.append(line)
    return lines


# ---------------------------------------------------------------------------
# sentencepiece


def spm_train(lines, workdir, prefix, extra):
    # Relative paths, run inside workdir: the model's TrainerSpec records the
    # input and prefix, and a temporary directory name would make it differ per run.
    inp = os.path.join(workdir, "corpus.txt")
    if not os.path.exists(inp):
        with open(inp, "w", encoding="utf-8", newline="\n") as f:
            for line in lines:
                f.write(line + "\n")
    args = [
        SPM_TRAIN,
        "--input=corpus.txt",
        "--model_prefix=" + prefix,
        "--num_threads=1",
        "--random_seed=%d" % SEED,
        "--input_sentence_size=0",
        "--shuffle_input_sentence=false",
        "--minloglevel=1",
    ] + extra
    r = subprocess.run(args, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode("utf-8", "replace"))
        sys.exit("spm_train failed: " + " ".join(args))
    return os.path.join(workdir, prefix + ".model")


# Tiny protobuf reader for sentencepiece's ModelProto (no dependencies).
#   ModelProto      1: repeated SentencePiece pieces, 2: TrainerSpec, 3: NormalizerSpec
#   SentencePiece   1: piece (string), 2: score (float), 3: type (enum, default NORMAL=1)
#   TrainerSpec     3: model_type (1 unigram, 2 bpe), 4: vocab_size, 35: byte_fallback,
#                   40: unk_id, 41: bos_id, 42: eos_id, 43: pad_id,
#                   45: unk_piece, 46: bos_piece, 47: eos_piece, 48: pad_piece
#   NormalizerSpec  1: name, 2: precompiled_charsmap (bytes), 3: add_dummy_prefix,
#                   4: remove_extra_whitespaces, 5: escape_whitespaces

def _varint(buf, pos):
    shift = 0
    value = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def _fields(buf):
    """Yield (field_number, wire_type, value) for one serialized message."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value = buf[pos:pos + 8]
            pos += 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value = buf[pos:pos + n]
            pos += n
        elif wire == 5:
            value = buf[pos:pos + 4]
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield field, wire, value


def _int32(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def parse_model(path):
    with open(path, "rb") as f:
        data = f.read()
    pieces = []
    trainer = {"model_type": 1, "vocab_size": 8000, "byte_fallback": False, "unk_id": 0,
               "bos_id": 1, "eos_id": 2, "pad_id": -1, "unk_piece": "<unk>", "bos_piece": "<s>",
               "eos_piece": "</s>", "pad_piece": "<pad>"}
    normalizer = {"name": "", "precompiled_charsmap": b"", "add_dummy_prefix": True,
                  "remove_extra_whitespaces": True, "escape_whitespaces": True}
    tnames = {3: "model_type", 4: "vocab_size", 35: "byte_fallback", 40: "unk_id", 41: "bos_id",
              42: "eos_id", 43: "pad_id", 45: "unk_piece", 46: "bos_piece", 47: "eos_piece",
              48: "pad_piece"}
    nnames = {1: "name", 2: "precompiled_charsmap", 3: "add_dummy_prefix",
              4: "remove_extra_whitespaces", 5: "escape_whitespaces"}
    for field, wire, value in _fields(data):
        if field == 1:
            p = {"piece": "", "score": 0.0, "type": 1}
            for f2, w2, v2 in _fields(value):
                if f2 == 1:
                    p["piece"] = v2.decode("utf-8")
                elif f2 == 2:
                    p["score"] = struct.unpack("<f", v2)[0]
                elif f2 == 3:
                    p["type"] = v2
            pieces.append(p)
        elif field == 2:
            for f2, w2, v2 in _fields(value):
                name = tnames.get(f2)
                if name is None:
                    continue
                if isinstance(trainer[name], str):
                    trainer[name] = v2.decode("utf-8")
                elif isinstance(trainer[name], bool):
                    trainer[name] = bool(v2)
                else:
                    trainer[name] = _int32(v2)
        elif field == 3:
            for f2, w2, v2 in _fields(value):
                name = nnames.get(f2)
                if name is None:
                    continue
                if name == "name":
                    normalizer[name] = v2.decode("utf-8")
                elif name == "precompiled_charsmap":
                    normalizer[name] = bytes(v2)
                else:
                    normalizer[name] = bool(v2)
    return {"pieces": pieces, "trainer": trainer, "normalizer": normalizer}


# ---------------------------------------------------------------------------
# tokenizer.json pieces (key order as tokenizers 0.22 serializes them)


def added_token(id_, content, lstrip=False, normalized=False, special=True):
    return {"id": id_, "content": content, "single_word": False, "lstrip": lstrip,
            "rstrip": False, "normalized": normalized, "special": special}


def template(single, pair, specials):
    """TemplateProcessing from "A:0"-style strings; specials: [(token, id)]."""
    def parse(spec):
        out = []
        for item in spec.split():
            name, _, type_id = item.partition(":")
            type_id = int(type_id or 0)
            if name.startswith("$"):
                out.append({"Sequence": {"id": name[1:], "type_id": type_id}})
            else:
                out.append({"SpecialToken": {"id": name, "type_id": type_id}})
        return out
    return {
        "type": "TemplateProcessing",
        "single": parse(single),
        "pair": parse(pair),
        "special_tokens": {tok: {"id": tok, "ids": [i], "tokens": [tok]}
                           for tok, i in sorted(specials)},
    }


def metaspace():
    return {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}


def check_score(x):
    # json.dumps writes floats with repr(); serde_json (ryu) writes the same
    # digits for 1e-4 <= |x| < 1e16, which covers every spm score.
    if x != 0.0 and not 1e-4 <= abs(x) < 1e16:
        sys.exit("score %r outside the range where Python and serde_json agree" % x)
    return x


def tokenizer_json(added, normalizer, pre_tokenizer, post_processor, decoder, model):
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": normalizer,
        "pre_tokenizer": pre_tokenizer,
        "post_processor": post_processor,
        "decoder": decoder,
        "model": model,
    }


def write_json(path, obj):
    """tokenizer.json as tokenizers' save(pretty=False) writes it: one line, no
    trailing newline, non-ASCII as UTF-8. (transformers' save_pretrained writes
    the same JSON pretty-printed; compact keeps the fixtures small, and the
    2020-era hub files are compact too.)"""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def write_config_json(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def added_tokens_decoder(added):
    return {str(t["id"]): {k: t[k] for k in ("content", "lstrip", "normalized", "rstrip",
                                               "single_word", "special")}
            for t in added}


FIXTURE_NOTE = "crossrank tokenizer fixture: trained on the project's test texts; no model weights"

# ---------------------------------------------------------------------------
# XLM-R


def roberta_family_config(model_type, architecture, vocab_size):
    """config.json of a RoBERTa-family fixture (tiny shapes; no weights are made here)."""
    return {
        "_crossrank_fixture": FIXTURE_NOTE,
        "architectures": [architecture],
        "model_type": model_type,
        "vocab_size": vocab_size,
        "hidden_size": 16,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 32,
        "hidden_act": "gelu",
        "max_position_embeddings": 514,
        "type_vocab_size": 1,
        "layer_norm_eps": 1e-05,
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "position_embedding_type": "absolute",
        "id2label": {"0": "LABEL_0"},
        "label2id": {"LABEL_0": 0},
    }


def xlmr_configs(vocab_size, added=None):
    """tokenizer_config.json and config.json of an XLM-R-style fixture."""
    tok_config = {
        "bos_token": "<s>",
        "clean_up_tokenization_spaces": True,
        "cls_token": "<s>",
        "eos_token": "</s>",
        "mask_token": "<mask>",
        "model_max_length": 512,
        "pad_token": "<pad>",
        "sep_token": "</s>",
        "tokenizer_class": "XLMRobertaTokenizer",
        "unk_token": "<unk>",
    }
    if added is not None:
        tok_config["added_tokens_decoder"] = added_tokens_decoder(added)
    config = roberta_family_config("xlm-roberta", "XLMRobertaForSequenceClassification", vocab_size)
    return tok_config, config


def xlmr_files(model_path, out_dir, legacy_dir):
    m = parse_model(model_path)
    pieces, trainer = m["pieces"], m["trainer"]
    if trainer["model_type"] != 1:
        sys.exit("xlmr: expected a unigram model")
    assert [p["piece"] for p in pieces[:3]] == ["<unk>", "<s>", "</s>"], pieces[:3]
    assert trainer["unk_id"] == 0 and trainer["pad_id"] == -1
    charsmap = base64.b64encode(m["normalizer"]["precompiled_charsmap"]).decode("ascii")
    if not charsmap:
        sys.exit("xlmr: model has no precompiled_charsmap")

    # XLMRobertaConverter.vocab(): fairseq's first four, spm pieces[3:], then <mask>.
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]]
    vocab += [[p["piece"], check_score(p["score"])] for p in pieces[3:]]
    vocab += [["<mask>", 0.0]]
    mask_id = len(vocab) - 1
    assert mask_id == len(pieces) + 1

    specials = [("<s>", 0), ("<pad>", 1), ("</s>", 2), ("<unk>", 3)]
    added = [added_token(i, t) for t, i in specials] + [added_token(mask_id, "<mask>", lstrip=True)]
    post = template("<s> $A </s>", "<s> $A </s> </s> $B </s>", [("<s>", 0), ("</s>", 2)])

    tok = tokenizer_json(
        added,
        # SpmConverter.normalizer()
        {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": charsmap},
            {"type": "Strip", "strip_left": False, "strip_right": True},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"},
        ]},
        metaspace(),
        post,
        metaspace(),
        {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": False},
    )

    tok_config, config = xlmr_configs(len(vocab), added)

    for d in (out_dir, legacy_dir):
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(model_path, os.path.join(d, "sentencepiece.bpe.model"))
        write_config_json(os.path.join(d, "tokenizer_config.json"), tok_config)
        write_config_json(os.path.join(d, "config.json"), config)
    write_json(os.path.join(out_dir, "tokenizer.json"), tok)

    # Legacy form (hub files written in 2020 by tokenizers 0.9 from its
    # scripts/convert.py / transformers 3.x SpmConverter): added-token
    # keys in the old order, Precompiled normalizer alone, WhitespaceSplit +
    # Metaspace with str_rep/add_prefix_space, model without "type".
    # The old fast tokenizer declared <mask> as AddedToken(lstrip=True) with the
    # default normalized=True, so it is matched on the normalized text.
    def legacy_added(t, normalized=False):
        return {"id": t["id"], "special": True, "content": t["content"], "single_word": False,
                "lstrip": t["lstrip"], "rstrip": False, "normalized": normalized}
    legacy_ms = {"type": "Metaspace", "replacement": "\u2581", "str_rep": "\u2581",
                 "add_prefix_space": True}
    legacy = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [legacy_added(t, normalized=t["content"] == "<mask>") for t in added],
        "normalizer": {"type": "Precompiled", "precompiled_charsmap": charsmap},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"},
                                                               legacy_ms]},
        "post_processor": post,
        "decoder": legacy_ms,
        "model": {"unk_id": 3, "vocab": vocab},
    }
    write_json(os.path.join(legacy_dir, "tokenizer.json"), legacy)
    return len(vocab)


# ---------------------------------------------------------------------------
# DeBERTa-v3


def deberta_files(model_path, out_dir):
    m = parse_model(model_path)
    pieces, trainer = m["pieces"], m["trainer"]
    if trainer["model_type"] != 1:
        sys.exit("deberta: expected a unigram model")
    assert [p["piece"] for p in pieces[:4]] == ["[PAD]", "[CLS]", "[SEP]", "[UNK]"], pieces[:4]
    assert trainer["unk_id"] == 3
    charsmap = base64.b64encode(m["normalizer"]["precompiled_charsmap"]).decode("ascii")
    if not charsmap:
        sys.exit("deberta: model has no precompiled_charsmap")

    vocab = [[p["piece"], check_score(p["score"])] for p in pieces]
    mask_id = len(pieces)
    # SpmConverter.tokenizer() adds control pieces (type 3) as special added
    # tokens; DebertaV2TokenizerFast adds [UNK] and [MASK] as special tokens.
    added = [added_token(i, pieces[i]["piece"]) for i in range(4)]
    added.append(added_token(mask_id, "[MASK]"))
    post = template("[CLS]:0 $A:0 [SEP]:0", "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
                    [("[CLS]", 1), ("[SEP]", 2)])
    tok = tokenizer_json(
        added,
        # DebertaV2Converter.normalizer() with do_lower_case=False
        {"type": "Sequence", "normalizers": [
            {"type": "Strip", "strip_left": True, "strip_right": True},
            {"type": "Precompiled", "precompiled_charsmap": charsmap},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        # DebertaV2Converter.pre_tokenizer() with split_by_punct=False
        {"type": "Sequence", "pretokenizers": [metaspace()]},
        post,
        metaspace(),
        {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": False},
    )
    tok_config = {
        "added_tokens_decoder": added_tokens_decoder(added),
        "bos_token": "[CLS]",
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "do_lower_case": False,
        "eos_token": "[SEP]",
        "mask_token": "[MASK]",
        "model_max_length": 512,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "split_by_punct": False,
        "tokenizer_class": "DebertaV2Tokenizer",
        "unk_token": "[UNK]",
        "vocab_type": "spm",
    }
    config = {
        "_crossrank_fixture": FIXTURE_NOTE,
        "architectures": ["DebertaV2ForSequenceClassification"],
        "model_type": "deberta-v2",
        "vocab_size": mask_id + 1,
        "hidden_size": 16,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 32,
        "hidden_act": "gelu",
        "max_position_embeddings": 512,
        "position_biased_input": False,
        "relative_attention": True,
        "position_buckets": 256,
        "pos_att_type": ["p2c", "c2p"],
        "max_relative_positions": -1,
        "norm_rel_ebd": "layer_norm",
        "share_att_key": True,
        "type_vocab_size": 0,
        "layer_norm_eps": 1e-07,
        "pad_token_id": 0,
        "id2label": {"0": "LABEL_0"},
        "label2id": {"LABEL_0": 0},
    }
    os.makedirs(out_dir, exist_ok=True)
    shutil.copyfile(model_path, os.path.join(out_dir, "spm.model"))
    write_json(os.path.join(out_dir, "tokenizer.json"), tok)
    write_config_json(os.path.join(out_dir, "tokenizer_config.json"), tok_config)
    write_config_json(os.path.join(out_dir, "config.json"), config)
    return mask_id + 1


# ---------------------------------------------------------------------------
# spm BPE (native sentencepiece path only)


def spm_bpe_files(model_path, out_dir):
    m = parse_model(model_path)
    pieces, trainer = m["pieces"], m["trainer"]
    if trainer["model_type"] != 2:
        sys.exit("spm-bpe: expected a BPE model")
    assert [p["piece"] for p in pieces[:3]] == ["<unk>", "<s>", "</s>"], pieces[:3]
    n = len(pieces) + 2  # fairseq layout: +1 offset, +1 for <mask>
    tok_config, config = xlmr_configs(n)
    os.makedirs(out_dir, exist_ok=True)
    shutil.copyfile(model_path, os.path.join(out_dir, "sentencepiece.bpe.model"))
    write_config_json(os.path.join(out_dir, "tokenizer_config.json"), tok_config)
    write_config_json(os.path.join(out_dir, "config.json"), config)
    return n


# ---------------------------------------------------------------------------
# RoBERTa (byte-level BPE)


def roberta_files(texts, out_dir, num_merges):
    merges = train_byte_bpe.train(texts, num_merges)
    vocab = collections.OrderedDict()
    for t in ("<s>", "<pad>", "</s>", "<unk>"):
        vocab[t] = len(vocab)
    # The 256 byte symbols in byte order, then every merge result in rank order.
    table = train_byte_bpe.bytes_to_unicode()
    for b in range(256):
        vocab.setdefault(table[b], len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    vocab["<mask>"] = len(vocab)
    mask_id = vocab["<mask>"]

    specials = [("<s>", 0), ("<pad>", 1), ("</s>", 2), ("<unk>", 3)]
    added = [added_token(i, t) for t, i in specials] + [added_token(mask_id, "<mask>", lstrip=True)]
    tok = tokenizer_json(
        added,
        None,
        # RobertaConverter: pre_tokenizers.ByteLevel(add_prefix_space=False)
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
         "trim_offsets": True, "add_prefix_space": False},
        {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
         "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
         "ignore_merges": False, "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    )
    tok_config = {
        "add_prefix_space": False,
        "added_tokens_decoder": added_tokens_decoder(added),
        "bos_token": "<s>",
        "clean_up_tokenization_spaces": True,
        "cls_token": "<s>",
        "eos_token": "</s>",
        "errors": "replace",
        "mask_token": "<mask>",
        "model_max_length": 512,
        "pad_token": "<pad>",
        "sep_token": "</s>",
        "tokenizer_class": "RobertaTokenizer",
        "trim_offsets": True,
        "unk_token": "<unk>",
    }
    config = roberta_family_config("roberta", "RobertaForSequenceClassification", len(vocab))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8", newline="\n") as f:
        # Like roberta-base's vocab.json: one line, non-ASCII kept.
        f.write(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")))
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write("%s %s\n" % (a, b))
    write_json(os.path.join(out_dir, "tokenizer.json"), tok)
    write_config_json(os.path.join(out_dir, "tokenizer_config.json"), tok_config)
    write_config_json(os.path.join(out_dir, "config.json"), config)
    return len(vocab)


# ---------------------------------------------------------------------------

FIXTURES = ["xlmr", "deberta", "spm-bpe", "roberta"]  # xlmr also writes xlmr-legacy


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", action="append", required=True,
                   help="case file (JSONL); give several times")
    p.add_argument("--stsb", required=True, help="STS-B sts-train.csv")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--only", action="append", choices=FIXTURES,
                   help="build only these fixtures (default: all)")
    p.add_argument("--xlmr-vocab-size", type=int, default=3000)
    p.add_argument("--deberta-vocab-size", type=int, default=2500)
    p.add_argument("--spm-bpe-vocab-size", type=int, default=2000)
    p.add_argument("--roberta-merges", type=int, default=3000)
    args = p.parse_args()
    only = args.only or FIXTURES

    if shutil.which(SPM_TRAIN) is None and any(f != "roberta" for f in only):
        sys.exit("spm_train not found (Debian package sentencepiece)")
    texts = read_corpus(args.cases, args.stsb)
    lines = corpus_lines(texts)
    print("corpus: %d texts, %d lines" % (len(texts), len(lines)), file=sys.stderr)
    out = args.output_dir
    common = ["--character_coverage=0.9995"]
    with tempfile.TemporaryDirectory(prefix="crossrank-spm-") as tmp:
        if "xlmr" in only:
            model = spm_train(lines, tmp, "xlmr", common + [
                "--model_type=unigram", "--vocab_size=%d" % args.xlmr_vocab_size])
            n = xlmr_files(model, os.path.join(out, "xlmr"), os.path.join(out, "xlmr-legacy"))
            print("xlmr, xlmr-legacy: vocab %d" % n, file=sys.stderr)
        if "deberta" in only:
            model = spm_train(lines, tmp, "deberta", common + [
                "--model_type=unigram", "--vocab_size=%d" % args.deberta_vocab_size,
                "--pad_id=0", "--pad_piece=[PAD]", "--bos_id=1", "--bos_piece=[CLS]",
                "--eos_id=2", "--eos_piece=[SEP]", "--unk_id=3", "--unk_piece=[UNK]"])
            n = deberta_files(model, os.path.join(out, "deberta"))
            print("deberta: vocab %d" % n, file=sys.stderr)
        if "spm-bpe" in only:
            model = spm_train(lines, tmp, "spm-bpe", common + [
                "--model_type=bpe", "--vocab_size=%d" % args.spm_bpe_vocab_size,
                "--normalization_rule_name=identity"])
            n = spm_bpe_files(model, os.path.join(out, "spm-bpe"))
            print("spm-bpe: vocab %d" % n, file=sys.stderr)
    if "roberta" in only:
        n = roberta_files(texts, os.path.join(out, "roberta"), args.roberta_merges)
        print("roberta: vocab %d" % n, file=sys.stderr)


if __name__ == "__main__":
    main()
