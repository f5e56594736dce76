#!/usr/bin/env python3
"""Goldens of the native SentencePiece path (tests/data/goldens/<name>.spm.jsonl).

Reference: the sentencepiece library itself (Debian 12's python3-sentencepiece
0.1.97, run with /usr/bin/python3), wrapped the way transformers' slow
tokenizers wrap it:

  1. Split the raw text on the family's added tokens, as Hugging Face
     tokenizers does (AddedVocabulary::find_matches): leftmost-longest matches
     of the token strings anywhere in the text, case-sensitive; a token with
     lstrip also takes the whitespace directly on its left (the Rust regex
     \s*$, i.e. Unicode White_Space), but never text that an earlier match
     already took.
       xlmr:    <s> <pad> </s> <unk>, and <mask> with lstrip
       deberta: [PAD] [CLS] [SEP] [UNK] [MASK]
  2. Encode every non-empty segment between matches on its own with
     SentencePieceProcessor.EncodeAsIds (no sampling).
  3. Map ids as the slow tokenizers do:
       xlmr (XLMRobertaTokenizer): fairseq_tokens_to_ids <s>=0 <pad>=1 </s>=2
         <unk>=3; spm id 0 (unk) -> 3; any other spm id -> spm id + 1
         (fairseq_offset); <mask> = spm vocab size + 1.
       deberta (DebertaV2Tokenizer): spm ids unchanged ([UNK] is spm id 3);
         [MASK] = spm vocab size.

Output: singles only, one record per single case of the input, in input order:
the case's own fields, then "ids" and "tokens" (the vocabulary string of each
id: the added token's content, or the spm piece; "<unk>"/"[UNK]" for unknowns).

    /usr/bin/python3 scripts/goldens/make_spm_goldens.py --family xlmr \
        --model tests/data/tokenizers/xlmr/sentencepiece.bpe.model \
        --input tests/data/goldens/tokenizer_cases.jsonl \
        --output tests/data/goldens/xlmr.spm.jsonl
"""

import argparse
import json
import sys

import sentencepiece

from cases_io import json_line

# Unicode White_Space: what the Rust regex \s matches in HF's lstrip/rstrip (added_vocabulary.rs).
RUST_WHITESPACE = set(
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

FAMILIES = {
    # name: (added tokens [(content, lstrip)], fixed ids, how to map spm ids)
    "xlmr": {
        "added": [("<s>", False), ("<pad>", False), ("</s>", False), ("<unk>", False),
                  ("<mask>", True)],
        "fixed": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
        "mask": "<mask>",
        "mask_offset": 1,  # <mask> = len(spm) + 1
    },
    "deberta": {
        "added": [("[PAD]", False), ("[CLS]", False), ("[SEP]", False), ("[UNK]", False),
                  ("[MASK]", False)],
        "fixed": {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3},
        "mask": "[MASK]",
        "mask_offset": 0,  # [MASK] = len(spm)
    },
}


def split_added(text, added):
    """[(is_added, content_or_segment)] as HF's AddedVocabulary splits raw text."""
    lstrip = dict(added)
    tokens = sorted(lstrip, key=len, reverse=True)
    out = []
    start_offset = 0  # end of the previous match
    i = 0
    n = len(text)
    while i < n:
        match = next((t for t in tokens if text.startswith(t, i)), None)
        if match is None:
            i += 1
            continue
        start, stop = i, i + len(match)
        if lstrip[match]:
            s = start
            while s > start_offset and text[s - 1] in RUST_WHITESPACE:
                s -= 1
            start = s
        if start_offset < start:
            out.append((False, text[start_offset:start]))
        out.append((True, match))
        start_offset = stop
        i = stop
    if start_offset < n:
        out.append((False, text[start_offset:]))
    return out


def encode(sp, family, text):
    spec = FAMILIES[family]
    size = sp.GetPieceSize()
    ids = []
    tokens = []
    for is_added, s in split_added(text, spec["added"]):
        if is_added:
            ids.append(spec["fixed"].get(s, size + spec["mask_offset"]))
            tokens.append(s)
            continue
        for i in sp.EncodeAsIds(s):
            if family == "xlmr":
                ids.append(3 if i == 0 else i + 1)
                tokens.append("<unk>" if i == 0 else sp.IdToPiece(i))
            else:
                ids.append(i)
                tokens.append(sp.IdToPiece(i))
    return ids, tokens


def check_layout(sp, family):
    if family == "xlmr":
        want = ["<unk>", "<s>", "</s>"]
    else:
        want = ["[PAD]", "[CLS]", "[SEP]", "[UNK]"]
    got = [sp.IdToPiece(i) for i in range(len(want))]
    if got != want:
        sys.exit("model layout %r is not the %s layout %r" % (got, family, want))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--family", required=True, choices=sorted(FAMILIES))
    p.add_argument("--model", required=True, help="sentencepiece .model file")
    p.add_argument("--input", required=True, help="cases (JSONL); pairs are skipped")
    p.add_argument("--output", required=True)
    args = p.parse_args()

    sp = sentencepiece.SentencePieceProcessor()
    if not sp.Load(args.model):
        sys.exit("cannot load " + args.model)
    check_layout(sp, args.family)

    out = []
    with open(args.input, encoding="utf-8", newline="") as f:
        for line in f.read().split("\n"):
            if not line.strip():
                continue
            c = json.loads(line)
            if c["kind"] != "single":
                continue
            ids, tokens = encode(sp, args.family, c["text"])
            rec = dict(c)
            rec["ids"] = ids
            rec["tokens"] = tokens
            out.append(json_line(rec))
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(out)
    print("make_spm_goldens: wrote %d records to %s" % (len(out), args.output), file=sys.stderr)


if __name__ == "__main__":
    main()
