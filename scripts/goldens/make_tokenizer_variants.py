#!/usr/bin/env python3
"""Build the variant tokenizer.json files in tests/data/tokenizers/variants/.

The family fixtures (xlmr, xlmr-legacy, deberta, roberta and bert-base-uncased)
only use the component combinations that transformers' converters write. The
variants re-use their vocabularies in other combinations, so that together they
exercise every tokenizer.json option crossrank implements (docs/models.md,
"tokenizer.json components") at least once. Nothing is trained: every variant
is a deterministic function of a family fixture's tokenizer.json.

    /usr/bin/python3 scripts/goldens/make_tokenizer_variants.py \\
        --tokenizers-dir tests/data/tokenizers \\
        --output-dir tests/data/tokenizers/variants

Standard library only (Debian 12's /usr/bin/python3). Writes one directory per
variant holding a tokenizer.json (compact, one line, as make_tokenizer_fixtures.py
writes them; key order as tokenizers 0.22 serializes). Running it twice gives
byte-identical files.

Variants (tests/data/goldens/README.md, "Variant tokenizers", has the table):

  bpe-unk-fuse              char-level BPE from roberta (Ġ -> ▁), unk_token + fuse_unk;
                            NFKC, Replace String "--", Replace Regex "0+"; Punctuation
                            MergedWithNext + Metaspace never; XLNet's template (type
                            id 2); <mask> single_word
  bpe-affixes               word-level BPE from roberta with continuing_subword_prefix
                            "##" and end_of_word_suffix "</w>", byte_fallback (without
                            <0xF0>..<0xF4>), unk_token not fused; NFD + StripAccents +
                            Lowercase + Replace String; WhitespaceSplit + Punctuation
                            Isolated; <s> $A </s> $B:1 </s>:1; a normalized, non-special
                            added word
  bytelevel-ignore-merges   roberta + whole-word tokens no merge produces, ignore_merges;
                            NFC + StripAccents + Lowercase + Replace Regex "\\.{2,}";
                            ByteLevel add_prefix_space; Sequence[ByteLevel,
                            TemplateProcessing] with a two-id special and type ids 0/2;
                            <mask> lstrip + rstrip
  bytelevel-noregex         roberta + cross-word merges; NFKD + Replace Regex "s{2}";
                            Punctuation MergedWithPrevious + ByteLevel(add_prefix_space,
                            use_regex false); post-processor ByteLevel alone
  unigram-bytefallback      xlmr unigram + the 256 <0xXX> pieces + pieces spanning
                            words, byte_fallback; NFKC + Strip left only + Replace Regex
                            "a{2,3}"; Punctuation Removed + Metaspace always split false;
                            RobertaProcessing; <mask> normalized
  unigram-precompiled-first deberta unigram + charsmap; Precompiled alone; Metaspace
                            first; template with $B before $A
  wordpiece-custom          WordPiece from roberta, prefix "@@", unk "<unk>",
                            max_input_chars_per_word 12; BertNormalizer (clean_text
                            false, handle_chinese_chars false, strip_accents true,
                            lowercase false); WhitespaceSplit + Punctuation Contiguous;
                            BertProcessing; <mask> single_word + lstrip
  gemma-bpe                 Gemma's layout: char-level BPE from roberta, <pad> <eos>
                            <bos> <unk> <mask> then the byte tokens, byte_fallback +
                            fuse_unk; Replace(" " -> "▁") alone; no pre-tokenizer;
                            <bos> $A <bos> $B; <start_of_turn>, <end_of_turn> added
  modernbert-bpe            ModernBERT's layout: roberta's byte-level BPE; NFC; ByteLevel
                            (no prefix space); [CLS] $A [SEP] $B [SEP], all type id 0;
                            [MASK] lstrip; normalized non-special words, space runs among them
  qwen-split                Qwen2/Qwen3's layout: roberta's byte-level BPE; NFC; Split
                            (Qwen2's regex, Isolated) + ByteLevel(use_regex false); no
                            template; <|endoftext|>, <|im_start|>, <|im_end|> added
  split-behaviors           roberta; Replace Regex "\\s+" and "(?i)\\bthe\\b|\\p{Sc}";
                            Split invert + Removed, Split String "-"
                            MergedWithPrevious, Split MergedWithNext and Contiguous,
                            then ByteLevel(use_regex false)
  llama-bpe                 Llama-2's layout: char-level BPE from roberta with
                            byte_fallback, fuse_unk, unk "<unk>"=0, merges as "a b"
                            strings; normalizer Prepend("▁") + Replace(" ", "▁"); no
                            pre-tokenizer; template <s> $A <s>:1 $B:1
"""

import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tokenizer_fixtures import added_token, template, tokenizer_json, write_json  # noqa: E402
from train_byte_bpe import bytes_to_unicode  # noqa: E402

SPACE = "\u2581"  # ▁

# ---------------------------------------------------------------------------
# Inputs


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def roberta_model(tokdir):
    m = load(os.path.join(tokdir, "roberta", "tokenizer.json"))["model"]
    assert m["type"] == "BPE"
    vocab = sorted(m["vocab"].items(), key=lambda kv: kv[1])
    assert [i for _, i in vocab] == list(range(len(vocab)))
    return [t for t, _ in vocab], [tuple(p) for p in m["merges"]]


def decode_byte_level(tokens, merges):
    """Byte-level tokens -> text tokens (UTF-8 decoded). Tokens that are not
    valid UTF-8 on their own (pieces of a multi-byte character) and the merges
    that use them are dropped; special tokens (<s> ...) are dropped too.
    Returns (tokens in original order, merges as text pairs in rank order)."""
    byte_of = {c: b for b, c in bytes_to_unicode().items()}
    text = {}
    for t in tokens:
        if t.startswith("<") and t.endswith(">") and len(t) > 2:
            continue  # <s> <pad> </s> <unk> <mask>
        try:
            text[t] = bytes(byte_of[c] for c in t).decode("utf-8")
        except UnicodeDecodeError:
            pass
    out_tokens = [text[t] for t in tokens if t in text]
    out_merges = [(text[a], text[b]) for a, b in merges if a in text and b in text]
    return out_tokens, out_merges


def unique(seq):
    return list(dict.fromkeys(seq))


def vocab_dict(tokens):
    tokens = unique(tokens)
    return collections.OrderedDict((t, i) for i, t in enumerate(tokens))


def check_merges(vocab, merges, prefix_len=0):
    """Keep the merges whose parts and result are in vocab (as tokenizers'
    BpeBuilder requires), first occurrence of each pair only."""
    out = []
    seen = set()
    for a, b in merges:
        if (a, b) in seen or a not in vocab or b not in vocab or a + b[prefix_len:] not in vocab:
            continue
        seen.add((a, b))
        out.append((a, b))
    return out


BYTE_TOKENS = ["<0x%02X>" % b for b in range(256)]

# ---------------------------------------------------------------------------
# tokenizer.json components (key order as tokenizers 0.22 serializes them)


def bpe(vocab, merges, unk_token=None, prefix=None, suffix=None, fuse_unk=False,
        byte_fallback=False, ignore_merges=False, merges_as_strings=False):
    return {"type": "BPE", "dropout": None, "unk_token": unk_token,
            "continuing_subword_prefix": prefix, "end_of_word_suffix": suffix,
            "fuse_unk": fuse_unk, "byte_fallback": byte_fallback, "ignore_merges": ignore_merges,
            "vocab": vocab,
            "merges": ["%s %s" % m for m in merges] if merges_as_strings else [list(m) for m in merges]}


def seq_norm(*steps):
    return {"type": "Sequence", "normalizers": list(steps)}


def seq_pre(*steps):
    return {"type": "Sequence", "pretokenizers": list(steps)}


def replace(pattern, content, regex=False):
    return {"type": "Replace", "pattern": {"Regex" if regex else "String": pattern}, "content": content}


def strip(left, right):
    return {"type": "Strip", "strip_left": left, "strip_right": right}


def punctuation(behavior):
    return {"type": "Punctuation", "behavior": behavior}


def metaspace(prepend_scheme, split):
    return {"type": "Metaspace", "replacement": SPACE, "prepend_scheme": prepend_scheme, "split": split}


def byte_level(add_prefix_space, use_regex=True):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": True,
            "use_regex": use_regex}


WHITESPACE_SPLIT = {"type": "WhitespaceSplit"}

ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def specials_added(vocab, names, **options):
    """Special added tokens for names (in vocab); options[name] = dict of flags."""
    out = []
    for name in names:
        out.append(added_token(vocab[name], name, **options.get(name, {})))
    return out


def full_added_token(id_, content, single_word=False, lstrip=False, rstrip=False,
                     normalized=False, special=True):
    return {"id": id_, "content": content, "single_word": single_word, "lstrip": lstrip,
            "rstrip": rstrip, "normalized": normalized, "special": special}


# ---------------------------------------------------------------------------
# Vocabularies derived from the roberta fixture


def char_level_bpe(tokens, merges, head, tail=()):
    """roberta's BPE as a character-level (not byte-level) BPE: tokens decoded
    from bytes, the space (Ġ) written as ▁ (SentencePiece style). head: tokens
    placed first (specials, byte tokens), tail: placed last."""
    text_tokens, text_merges = decode_byte_level(tokens, merges)
    conv = [t.replace(" ", SPACE) for t in text_tokens]
    vocab = vocab_dict(list(head) + conv + list(tail))
    m = check_merges(vocab, [(a.replace(" ", SPACE), b.replace(" ", SPACE)) for a, b in text_merges])
    return vocab, m


def is_word_token(t):
    """A decoded roberta token usable inside a whitespace-free word: either ' x'
    (word start) or 'x' (continuation), with no other whitespace."""
    body = t[1:] if t.startswith(" ") else t
    return body != "" and not any(c.isspace() for c in body)


def word_level_forms(tokens, merges, prefix):
    """Word-start tokens ' x' -> 'x', continuation tokens 'x' -> prefix + 'x'.
    Returns (alphabet chars in first-seen order, forms in token order, merges
    mapped to forms)."""
    def form(t):
        return t[1:] if t.startswith(" ") else prefix + t
    words = [t for t in tokens if is_word_token(t)]
    chars = unique(c for t in words for c in (t[1:] if t.startswith(" ") else t))
    forms = [form(t) for t in words]
    mapped = []
    for a, b in merges:
        # a may start a word (' x'); b always continues one. A merge of a bare
        # space with a word start (' ' + 'x') is the word start itself.
        if not is_word_token(a) or not is_word_token(b) or b.startswith(" "):
            continue
        mapped.append((form(a), prefix + b))
    return chars, forms, mapped


# ---------------------------------------------------------------------------
# The variants


def v_bpe_unk_fuse(src):
    tokens, merges = src["roberta"]
    vocab, m = char_level_bpe(tokens, merges, ROBERTA_SPECIALS, ["<mask>"])
    added = specials_added(vocab, ROBERTA_SPECIALS)
    added.append(full_added_token(vocab["<mask>"], "<mask>", single_word=True))
    post = template("$A:0 </s>:0 <s>:2", "$A:0 </s>:0 $B:1 </s>:1 <s>:2",
                    [("<s>", vocab["<s>"]), ("</s>", vocab["</s>"])])
    return tokenizer_json(
        added,
        seq_norm({"type": "NFKC"}, replace("--", "\u2014"), replace("0+", "0", regex=True)),
        seq_pre(punctuation("MergedWithNext"), metaspace("never", True)),
        post,
        metaspace("never", True),
        bpe(vocab, m, unk_token="<unk>", fuse_unk=True),
    )


AFFIX_PREFIX = "##"
AFFIX_SUFFIX = "</w>"
AFFIX_MISSING_BYTES = ["<0x%02X>" % b for b in range(0xF0, 0xF5)]
AFFIX_ADDED_WORD = "hello"   # normalized, non-special added token (not in the vocabulary)


def v_bpe_affixes(src):
    tokens, merges = src["roberta"]
    text_tokens, text_merges = decode_byte_level(tokens, merges)
    p, s = AFFIX_PREFIX, AFFIX_SUFFIX
    chars, forms, mapped = word_level_forms(text_tokens, text_merges, p)
    # Every character in the four positions (start/inside x end/not end), then
    # every token with and without the suffix.
    alphabet = [f for c in chars for f in (c, c + s, p + c, p + c + s)]
    merged = [f for t in forms for f in (t, t + s)]
    # The byte tokens of the 4-byte UTF-8 lead bytes are left out: characters
    # outside the BMP that are not in the vocabulary (most emoji) cannot fall
    # back to bytes and become <unk> (not fused).
    byte_tokens = [t for t in BYTE_TOKENS if t not in AFFIX_MISSING_BYTES]
    vocab = vocab_dict(ROBERTA_SPECIALS + byte_tokens + alphabet + merged)
    # Each merge (a, b) twice: inside a word, and with b at the word's end.
    # tokenizers forms the result as a + b[len(prefix):].
    m = check_merges(vocab, [x for a, b in mapped for x in ((a, b), (a, b + s))], len(p))
    if AFFIX_ADDED_WORD in vocab:
        sys.exit("bpe-affixes: %r is in the vocabulary" % AFFIX_ADDED_WORD)
    added = specials_added(vocab, ROBERTA_SPECIALS)
    added.append(full_added_token(len(vocab), AFFIX_ADDED_WORD, normalized=True, special=False))
    post = template("<s>:0 $A:0 </s>:0", "<s>:0 $A:0 </s>:0 $B:1 </s>:1",
                    [("<s>", vocab["<s>"]), ("</s>", vocab["</s>"])])
    return tokenizer_json(
        added,
        seq_norm({"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"},
                 replace("\u2019", "'")),
        seq_pre(WHITESPACE_SPLIT, punctuation("Isolated")),
        post,
        {"type": "BPEDecoder", "suffix": s},
        bpe(vocab, m, unk_token="<unk>", prefix=p, suffix=s, byte_fallback=True),
    )


# Whole words added to the byte-level vocabulary for ignore_merges: no merge
# produces them, so they can only appear when the whole pre-token is looked up
# in the vocabulary first. Words of the test cases after this variant's
# normalizer (lowercased), as text; a leading space is the Ġ of byte-level BPE.
IGNORE_MERGES_WORDS = [
    "hello", " hello", " quick", " fox", " lazy", " weekend", " reranking",
    " photosynthesis", " strawberries", " botanists", " tokenizers", " unbelievably", " windowsill", " afternoon", " umbrella",
    " conference", " lisbon", " review", " accounts", " passage", " query", " café",
    " naïve", " 2024", " \u2026", " \u2014", "'ll", " 東京",
]


def to_byte_level(text):
    table = bytes_to_unicode()
    return "".join(table[b] for b in text.encode("utf-8"))


def v_bytelevel_ignore_merges(src):
    tokens, merges = src["roberta"]
    words = [to_byte_level(w) for w in IGNORE_MERGES_WORDS]
    if any(w in tokens for w in words):
        sys.exit("bytelevel-ignore-merges: %r already in the vocabulary" % [w for w in words if w in tokens])
    vocab = vocab_dict(tokens + words)
    m = check_merges(vocab, merges)
    assert len(m) == len(merges)
    added = specials_added(vocab, ROBERTA_SPECIALS)
    added.append(full_added_token(vocab["<mask>"], "<mask>", lstrip=True, rstrip=True))
    # A special token that stands for two ids, and type ids 0/2.
    tp = template("<s>:0 $A:0 </s>:0", "<s>:0 $A:0 </s></s>:0 $B:2 </s>:2",
                  [("<s>", vocab["<s>"]), ("</s>", vocab["</s>"])])
    tp["special_tokens"]["</s></s>"] = {"id": "</s></s>", "ids": [vocab["</s>"]] * 2,
                                        "tokens": ["</s>", "</s>"]}
    tp["special_tokens"] = dict(sorted(tp["special_tokens"].items()))
    return tokenizer_json(
        added,
        seq_norm({"type": "NFC"}, {"type": "StripAccents"}, {"type": "Lowercase"},
                 replace("\\.{2,}", "\u2026", regex=True)),
        byte_level(True),
        {"type": "Sequence", "processors": [byte_level(True), tp]},
        byte_level(True),
        bpe(vocab, m, unk_token=None, prefix="", suffix="", ignore_merges=True),
    )


# Merges across a word boundary, ranked last. tokenizers applies them only
# where the pre-token holds several words, i.e. with use_regex false.
CROSS_WORD_MERGES = [(" of", " the"), (" in", " the"), (" on", " the"), (" to", " the"),
                     (" it", " was"), (" of", " a"), (" and", " the")]


def v_bytelevel_noregex(src):
    tokens, merges = src["roberta"]
    cross = [(to_byte_level(a), to_byte_level(b)) for a, b in CROSS_WORD_MERGES]
    assert all(a in tokens and b in tokens and a + b not in tokens for a, b in cross)
    vocab = vocab_dict(tokens + [a + b for a, b in cross])
    merges = merges + cross
    added = specials_added(vocab, ROBERTA_SPECIALS + ["<mask>"], **{"<mask>": {"lstrip": True}})
    return tokenizer_json(
        added,
        seq_norm({"type": "NFKD"}, replace("s{2}", "\u00df", regex=True)),
        seq_pre(punctuation("MergedWithPrevious"), byte_level(True, use_regex=False)),
        byte_level(True),
        byte_level(True),
        bpe(vocab, merges, unk_token=None, prefix="", suffix=""),
    )


# Pieces spanning a word boundary (spm_train --split_by_whitespace=false makes
# such pieces); with Metaspace split false they can match, with split true never.
MULTIWORD_PIECES = ["\u2581of\u2581the", "\u2581in\u2581the", "\u2581on\u2581the",
                    "\u2581to\u2581the", "\u2581it\u2581was", "\u2581the\u2581", "s\u2581"]
MULTIWORD_SCORE = -6.0


def v_unigram_bytefallback(src):
    model = src["xlmr"]["model"]
    pieces = model["vocab"]
    low = min(s for _, s in pieces) - 1.0
    known = {p for p, _ in pieces}
    assert not any(p in known for p in MULTIWORD_PIECES)
    vocab = ([list(p) for p in pieces] + [[b, low] for b in BYTE_TOKENS]
             + [[p, MULTIWORD_SCORE] for p in MULTIWORD_PIECES])
    ids = {p[0]: i for i, p in enumerate(vocab)}
    added = [added_token(ids[t], t) for t in ROBERTA_SPECIALS]
    added.append(full_added_token(ids["<mask>"], "<mask>", normalized=True))
    return tokenizer_json(
        added,
        seq_norm({"type": "NFKC"}, strip(True, False), replace("a{2,3}", "\u00e6", regex=True)),
        seq_pre(punctuation("Removed"), metaspace("always", False)),
        {"type": "RobertaProcessing", "sep": ["</s>", ids["</s>"]], "cls": ["<s>", ids["<s>"]],
         "trim_offsets": True, "add_prefix_space": True},
        metaspace("always", False),
        {"type": "Unigram", "unk_id": model["unk_id"], "vocab": vocab, "byte_fallback": True},
    )


def v_unigram_precompiled_first(src):
    d = src["deberta"]
    normalizers = d["normalizer"]["normalizers"]
    charsmap = [n for n in normalizers if n["type"] == "Precompiled"][0]
    post = template("[CLS]:0 $A:0 [SEP]:0", "[CLS]:0 $B:1 [SEP]:1 $A:0 [SEP]:0",
                    [("[CLS]", 1), ("[SEP]", 2)])
    return tokenizer_json(
        d["added_tokens"],
        charsmap,
        metaspace("first", True),
        post,
        metaspace("first", True),
        d["model"],
    )


WORDPIECE_PREFIX = "@@"


def v_wordpiece_custom(src):
    tokens, merges = src["roberta"]
    text_tokens, _ = decode_byte_level(tokens, merges)
    chars, forms, _ = word_level_forms(text_tokens, [], WORDPIECE_PREFIX)
    alphabet = [f for c in chars for f in (c, WORDPIECE_PREFIX + c)]
    vocab = vocab_dict(ROBERTA_SPECIALS + alphabet + forms + ["<mask>"])
    added = specials_added(vocab, ROBERTA_SPECIALS)
    added.append(full_added_token(vocab["<mask>"], "<mask>", single_word=True, lstrip=True))
    return tokenizer_json(
        added,
        {"type": "BertNormalizer", "clean_text": False, "handle_chinese_chars": False,
         "strip_accents": True, "lowercase": False},
        seq_pre(WHITESPACE_SPLIT, punctuation("Contiguous")),
        {"type": "BertProcessing", "sep": ["</s>", vocab["</s>"]], "cls": ["<s>", vocab["<s>"]]},
        {"type": "WordPiece", "prefix": WORDPIECE_PREFIX, "cleanup": True},
        {"type": "WordPiece", "unk_token": "<unk>", "continuing_subword_prefix": WORDPIECE_PREFIX,
         "max_input_chars_per_word": 12, "vocab": vocab},
    )


def sentencepiece_decoder(strip_first_space):
    """The decoder of SentencePiece-style BPE files: ▁ back to spaces, byte tokens to bytes;
    Llama-2's also strips the space its Prepend added."""
    steps = [{"type": "Replace", "pattern": {"String": SPACE}, "content": " "},
             {"type": "ByteFallback"},
             {"type": "Fuse"}]
    if strip_first_space:
        steps.append({"type": "Strip", "content": " ", "start": 1, "stop": 0})
    return {"type": "Sequence", "decoders": steps}


def v_llama_bpe(src):
    tokens, merges = src["roberta"]
    head = ["<unk>", "<s>", "</s>"] + BYTE_TOKENS
    vocab, m = char_level_bpe(tokens, merges, head)
    assert not any(" " in a or " " in b for a, b in m)
    added = specials_added(vocab, ["<unk>", "<s>", "</s>"])
    post = template("<s>:0 $A:0", "<s>:0 $A:0 <s>:1 $B:1", [("<s>", vocab["<s>"])])
    tok = tokenizer_json(
        added,
        seq_norm({"type": "Prepend", "prepend": SPACE}, replace(" ", SPACE)),
        None,
        post,
        sentencepiece_decoder(strip_first_space=True),
        bpe(vocab, m, unk_token="<unk>", fuse_unk=True, byte_fallback=True, merges_as_strings=True),
    )
    return tok


def bpe_pieces(word, merges):
    """The pieces BPE leaves of one word with these merges (lowest rank first)."""
    rank = {m: i for i, m in enumerate(merges)}
    pieces = list(word)
    while len(pieces) > 1:
        pairs = [(rank.get((a, b), len(rank)), i) for i, (a, b) in enumerate(zip(pieces, pieces[1:]))]
        best, i = min(pairs)
        if best == len(rank):
            break
        pieces[i:i + 2] = [pieces[i] + pieces[i + 1]]
    return pieces


def with_answer_words(vocab, merges, words):
    """vocab and merges that make each of words one token (an LLM reranker's answer,
    e.g. "yes"): merges joining what the existing merges leave are appended, so they
    rank last and change no other word's tokens but those ending in the same pieces."""
    vocab = collections.OrderedDict(vocab)
    merges = list(merges)
    for word in words:
        pieces = bpe_pieces(word, merges)
        assert all(p in vocab for p in pieces), word
        joined = pieces[0]
        for piece in pieces[1:]:
            merges.append((joined, piece))
            joined += piece
            vocab.setdefault(joined, len(vocab))
    return vocab, merges


def v_gemma_bpe(src):
    """Gemma's layout (bge-reranker-v2-gemma): <pad> <eos> <bos> <unk> <mask> first, then the
    byte tokens; BPE with byte_fallback and fuse_unk; normalizer Replace(" " -> "▁") alone (no
    Prepend, unlike Llama-2); no pre-tokenizer; <bos> $A / <bos> $A <bos> $B; <start_of_turn>
    and <end_of_turn> added after the vocabulary; "Yes" (bge-reranker-v2-gemma's answer) one
    token."""
    tokens, merges = src["roberta"]
    head = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"] + BYTE_TOKENS
    vocab, m = with_answer_words(*char_level_bpe(tokens, merges, head), ["Yes"])
    added = specials_added(vocab, ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"])
    added += [added_token(len(vocab) + i, name) for i, name in enumerate(["<start_of_turn>", "<end_of_turn>"])]
    post = template("<bos>:0 $A:0", "<bos>:0 $A:0 <bos>:1 $B:1", [("<bos>", vocab["<bos>"])])
    return tokenizer_json(
        added,
        replace(" ", SPACE),
        None,
        post,
        sentencepiece_decoder(strip_first_space=False),
        bpe(vocab, m, unk_token="<unk>", fuse_unk=True, byte_fallback=True),
    )


# Qwen2/Qwen3's pre-tokenizer regex, as their tokenizer.json files hold it (Oniguruma syntax).
QWEN2_PATTERN = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                 "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
QWEN_THINK = ["<think>", "</think>"]


def split(pattern, behavior, invert=False, regex=True):
    return {"type": "Split", "pattern": {"Regex" if regex else "String": pattern},
            "behavior": behavior, "invert": invert}


def qwen_byte_level():
    return {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}


def v_qwen_split(src):
    """Qwen2's layout on roberta's byte-level BPE: NFC, the Split regex (Isolated), then
    ByteLevel without its own regex; no template; <|im_start|> etc. added after the vocab,
    and Qwen3's non-special <think> </think>; "yes" and "no" (Qwen3-Reranker's answers) one
    token each."""
    tokens, merges = src["roberta"]
    vocab, merges = with_answer_words(vocab_dict(tokens), merges, ["yes", "no"])
    added = [added_token(len(vocab) + i, name) for i, name in enumerate(QWEN_SPECIALS)]
    added += [added_token(len(vocab) + len(added) + i, name, special=False)
              for i, name in enumerate(QWEN_THINK)]
    return tokenizer_json(
        added,
        {"type": "NFC"},
        seq_pre(split(QWEN2_PATTERN, "Isolated"), qwen_byte_level()),
        qwen_byte_level(),
        qwen_byte_level(),
        bpe(vocab, merges, unk_token=None, prefix="", suffix=""),
    )


MODERNBERT_SPECIALS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
MODERNBERT_WORDS = ["|||IP_ADDRESS|||", "|||EMAIL_ADDRESS|||", "   ", "  "]


def v_modernbert_bpe(src):
    """ModernBERT's layout (answerdotai/ModernBERT's tokenizer.json): roberta's byte-level
    BPE; NFC; ByteLevel(add_prefix_space false, use_regex true); [UNK] [CLS] [SEP] [PAD]
    [MASK] added after the vocab ([MASK] lstrip); non-special normalized added words
    (|||IP_ADDRESS||| and runs of spaces, as ModernBERT adds); the template [CLS] $A [SEP]
    $B [SEP] with every type id 0."""
    tokens, merges = src["roberta"]
    vocab = vocab_dict(tokens)
    added = [added_token(len(vocab) + i, w, normalized=True, special=False)
             for i, w in enumerate(MODERNBERT_WORDS)]
    base = len(vocab) + len(added)
    added += [added_token(base + i, name, lstrip=(name == "[MASK]"))
              for i, name in enumerate(MODERNBERT_SPECIALS)]
    ids = {name: base + i for i, name in enumerate(MODERNBERT_SPECIALS)}
    level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return tokenizer_json(
        added,
        {"type": "NFC"},
        level,
        template("[CLS]:0 $A:0 [SEP]:0", "[CLS]:0 $A:0 [SEP]:0 $B:0 [SEP]:0",
                 [("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])]),
        level,
        bpe(vocab, merges, unk_token=None, prefix="", suffix=""),
    )


def v_split_behaviors(src):
    """Split's other forms: invert with Removed (only the matches stay), a String pattern
    MergedWithPrevious, a regex MergedWithNext and one Contiguous, before ByteLevel; a Replace
    with a general regex (whitespace runs, Unicode classes) before them."""
    tokens, merges = src["roberta"]
    vocab = vocab_dict(tokens)
    added = specials_added(vocab, ROBERTA_SPECIALS + ["<mask>"])
    return tokenizer_json(
        added,
        seq_norm(replace("\\s+", " ", regex=True), replace("(?i)\\bthe\\b|\\p{Sc}", "\u00a7", regex=True)),
        seq_pre(split("[\\p{L}\\p{M}\\p{N}'\\-.,!?]+", "Removed", invert=True),
                split("-", "MergedWithPrevious", regex=False),
                split("\\p{Lu}", "MergedWithNext"),
                split("[.,!?]", "Contiguous"),
                qwen_byte_level()),
        byte_level(True),
        byte_level(True),
        bpe(vocab, merges, unk_token=None, prefix="", suffix=""),
    )


VARIANTS = collections.OrderedDict([
    ("bpe-unk-fuse", v_bpe_unk_fuse),
    ("bpe-affixes", v_bpe_affixes),
    ("bytelevel-ignore-merges", v_bytelevel_ignore_merges),
    ("bytelevel-noregex", v_bytelevel_noregex),
    ("unigram-bytefallback", v_unigram_bytefallback),
    ("unigram-precompiled-first", v_unigram_precompiled_first),
    ("wordpiece-custom", v_wordpiece_custom),
    ("llama-bpe", v_llama_bpe),
    ("qwen-split", v_qwen_split),
    ("gemma-bpe", v_gemma_bpe),
    ("split-behaviors", v_split_behaviors),
    ("modernbert-bpe", v_modernbert_bpe),
])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokenizers-dir", required=True,
                   help="tests/data/tokenizers (reads roberta/, xlmr/ and deberta/tokenizer.json)")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--only", action="append", choices=list(VARIANTS))
    args = p.parse_args()
    src = {
        "roberta": roberta_model(args.tokenizers_dir),
        "xlmr": load(os.path.join(args.tokenizers_dir, "xlmr", "tokenizer.json")),
        "deberta": load(os.path.join(args.tokenizers_dir, "deberta", "tokenizer.json")),
    }
    for name in args.only or VARIANTS:
        tok = VARIANTS[name](src)
        out = os.path.join(args.output_dir, name)
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, "tokenizer.json")
        write_json(path, tok)
        model = tok["model"]
        print("%s: %s, vocab %d%s, %d bytes" % (
            name, model["type"], len(model["vocab"]),
            ", merges %d" % len(model["merges"]) if "merges" in model else "",
            os.path.getsize(path)), file=sys.stderr)


if __name__ == "__main__":
    main()
