#!/usr/bin/env python3
"""List the single cases where sentencepiece and Hugging Face tokenizers disagree.

Compares, text by text, the goldens of the native sentencepiece path
(<name>.spm.jsonl, make_spm_goldens.py) with those of the tokenizer.json path
(<name>.jsonl, make_token_goldens.js: the Rust library) and prints, as Markdown,
every single case whose ids differ, grouped by a mechanical classification:

  tie            same pieces concatenated, same total score (sum of the
                 float32 piece scores, in f64): an equal-score segmentation
                 that the two Viterbi implementations break differently
  special-from-normalized
                 the HF ids contain an added/special id that sentencepiece
                 does not produce: NFKC turned the text into a special-token
                 string, which the HF Unigram vocabulary (it contains the
                 special tokens, score 0) or a normalized added token matches
  whitespace     the concatenated pieces differ only in U+2581 (leading,
                 trailing or repeated)
  normalization  anything else: the normalized text differs

    /usr/bin/python3 scripts/goldens/compare_spm_hf.py \
        --model tests/data/tokenizers/xlmr/sentencepiece.bpe.model --family xlmr \
        --spm tests/data/goldens/xlmr.spm.jsonl --hf tests/data/goldens/xlmr.jsonl
"""

import argparse
import collections
import json
import os
import sys

import sentencepiece

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_spm_goldens  # noqa: E402

META = "\u2581"


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [json.loads(line) for line in f.read().split("\n") if line.strip()]


def surface_pieces(sp, family, text):
    """spm pieces with unknowns as their surface text; added tokens as themselves."""
    out = []
    for is_added, s in make_spm_goldens.split_added(text, make_spm_goldens.FAMILIES[family]["added"]):
        out.extend([s] if is_added else sp.EncodeAsPieces(s))
    return out


def show(s):
    r = json.dumps(s, ensure_ascii=False)
    return r if len(r) <= 60 else r[:57] + "...\""


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--family", required=True, choices=sorted(make_spm_goldens.FAMILIES))
    p.add_argument("--spm", required=True, help="<name>.spm.jsonl")
    p.add_argument("--hf", required=True, help="<name>.jsonl (Rust goldens; singles are used)")
    args = p.parse_args()

    sp = sentencepiece.SentencePieceProcessor()
    sp.Load(args.model)
    spm_recs = load(args.spm)
    hf_recs = [r for r in load(args.hf) if r["kind"] == "single"]
    if [r["text"] for r in spm_recs] != [r["text"] for r in hf_recs]:
        sys.exit("the two files do not hold the same single texts")

    fam = make_spm_goldens.FAMILIES[args.family]
    special_ids = set(fam["fixed"].values()) | {sp.GetPieceSize() + fam["mask_offset"]}
    unk = 3

    def score(family, ids):
        # HF ids back to spm ids for the score lookup.
        total = 0.0
        for i in ids:
            if i in special_ids and i != unk:
                continue
            if family == "xlmr":
                s = 0 if i == 3 else i - 1
            else:
                s = i
            total += sp.GetScore(s)
        return total

    groups = collections.OrderedDict((k, []) for k in
                                     ("tie", "special-from-normalized", "whitespace", "normalization"))
    for a, b in zip(spm_recs, hf_recs):
        if a["ids"] == b["ids"]:
            continue
        spm_pieces = surface_pieces(sp, args.family, a["text"])
        hf_pieces = b["tokens"]
        spm_join = "".join(spm_pieces)
        hf_join = "".join(hf_pieces)
        if (set(b["ids"]) & special_ids) - set(a["ids"]) - {unk}:
            kind = "special-from-normalized"
        elif spm_join == hf_join and abs(score(args.family, a["ids"]) - score(args.family, b["ids"])) < 1e-3:
            kind = "tie"
        elif spm_join.replace(META, "") == hf_join.replace(META, ""):
            kind = "whitespace"
        else:
            kind = "normalization"
        groups[kind].append((a, b, spm_pieces, hf_pieces))

    total = sum(len(v) for v in groups.values())
    print("%s: %d of %d single texts differ (%s)" % (
        os.path.basename(args.hf), total, len(spm_recs),
        ", ".join("%s %d" % (k, len(v)) for k, v in groups.items())))
    for kind, items in groups.items():
        if not items:
            continue
        print()
        print("%s:" % kind)
        for a, b, sp_p, hf_p in items:
            print("- %s" % show(a["text"]))
            if kind == "tie":
                print("  spm %d pieces, hf %d pieces" % (len(a["ids"]), len(b["ids"])))
            else:
                print("  spm %s" % json.dumps(sp_p, ensure_ascii=False))
                print("  hf  %s" % json.dumps(hf_p, ensure_ascii=False))


if __name__ == "__main__":
    main()
