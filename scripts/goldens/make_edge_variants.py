#!/usr/bin/env python3
"""Edge-case tokenizer variants (added tokens, Metaspace "first") and their cases.

Derived from variants that make_tokenizer_variants.py wrote, so that the reference
(HF tokenizers) settles behaviours a review found easy to get wrong:

  added-edges          bpe-affixes (NFD + StripAccents + Lowercase normalizer) plus
                       added tokens that are normalized ("World", "Héllo": matched after
                       normalization, so "world" and "HELLO" match), declared with ids
                       that disagree with what HF assigns (HF ignores the declared id),
                       a prefix "<ma" of a longer single_word token "<mask>" (a rejected
                       single_word match is not replaced by a shorter token), and
                       "<mask>" single_word, whose word boundaries follow Rust regex \\w
                       (marks, Pc, joiners and circled letters are word characters; ²
                       is not).
  metaspace-first-split unigram-bytefallback with Metaspace prepend_scheme "first": its
                       normalizer strips leading spaces and a Punctuation split comes
                       first, so a text that lost leading characters gets no "▁".

Writes tests/data/tokenizers/variants/<name>/tokenizer.json and
tests/data/goldens/edge_cases.jsonl (texts written for the project); the goldens are
made with make_token_goldens.js on tokenizer_cases.jsonl + edge_cases.jsonl:

    /usr/bin/python3 scripts/goldens/make_edge_variants.py \\
        --variants-dir tests/data/tokenizers/variants --cases tests/data/goldens/edge_cases.jsonl
"""

import argparse
import copy
import json
import os

from cases_io import write_cases


def load(variants_dir, name):
    with open(os.path.join(variants_dir, name, "tokenizer.json"), encoding="utf-8") as f:
        return json.load(f)


def save(variants_dir, name, tok):
    d = os.path.join(variants_dir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(tok, ensure_ascii=False, separators=(",", ":")) + "\n")


def added(id_, content, normalized=False, special=True, single_word=False, lstrip=False):
    return {"id": id_, "content": content, "single_word": single_word, "lstrip": lstrip,
            "rstrip": False, "normalized": normalized, "special": special}


def added_edges(base):
    tok = copy.deepcopy(base)
    vocab = len(tok["model"]["vocab"])
    known = [t for t in tok["added_tokens"] if t["content"] in ("<s>", "<pad>", "</s>", "<unk>")]
    tok["added_tokens"] = known + [
        added(vocab + 40, "World", normalized=True, special=False),   # HF gives vocab + 0
        added(vocab + 41, "Héllo", normalized=True, special=False),
        added(vocab + 42, "<mask>", single_word=True),
        added(vocab + 43, "<ma"),
    ]
    return tok


def metaspace_first(base):
    tok = copy.deepcopy(base)
    for step in tok["pre_tokenizer"]["pretokenizers"]:
        if step["type"] == "Metaspace":
            step["prepend_scheme"] = "first"
    return tok


CASES = [
    "hello world", "Hello World", "HÉLLO WORLD", "héllo wörld", "worldworld", "a World b",
    "x<mask> y", "x <mask> y", "x<mask>", "<mask>", "<ma", "<mas", "a<ma b", "a <ma b",
    "a <mask>\u0301 b", "a <mask>\u00b2 b", "a \u24b6<mask> b", "a \u203f<mask> b",
    "a <mask>\u200d b", "a <mask>_ b", "a _<mask> b", "a 1<mask> b", "a <mask>. b",
    "  hello world", " hello", "hello", "\u3000hello", ", hello world", "hello, world",
    "  , hello", "\thello world", "aaa aaaa", "  aaa",
]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variants-dir", required=True)
    p.add_argument("--cases", required=True)
    args = p.parse_args()
    save(args.variants_dir, "added-edges", added_edges(load(args.variants_dir, "bpe-affixes")))
    save(args.variants_dir, "metaspace-first-split",
         metaspace_first(load(args.variants_dir, "unigram-bytefallback")))
    cases = [{"kind": "single", "text": t} for t in CASES]
    cases += [{"kind": "pair", "text_a": a, "text_b": b, "max_length": 16}
              for a, b in (("  hello world", " hello"), ("x<mask> y", "HÉLLO World"))]
    write_cases(cases, args.cases)


if __name__ == "__main__":
    main()
