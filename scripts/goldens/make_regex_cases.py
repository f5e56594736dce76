#!/usr/bin/env python3
"""Write tests/data/goldens/regex_cases.jsonl: texts where Oniguruma (HF tokenizers' regex
engine) and other engines may disagree on Split patterns such as Qwen2's: whitespace
outside ASCII (U+0085, U+2028, U+3000), line ends, case-insensitive contractions with
Unicode case folding, letters, digits and marks of other scripts, and runs of punctuation.
The variants qwen-split and split-behaviors are checked on these besides tokenizer_cases.

    /usr/bin/python3 scripts/goldens/make_regex_cases.py --output tests/data/goldens/regex_cases.jsonl

Standard library only; deterministic.
"""

import argparse
import json

SINGLES = [
    "a\u0085b", "a \u0085 b", "x \u0085\u0085 y", "\u0085", "end\u0085",
    "one\u2028two", "para\u2029graph", "a\u00a0b", "a \u3000b", "\u1680x", "x\u2003\u2003y",
    "a\r\nb", "a \r\n\r\n b", "  \n  x", "x\n\n", "x   ", "\t\tx", "x\t\t", "a\rb", " \r", "\n",
    "IT'S", "WE'LL", "I'M", "They'RE", "you'Ve", "'ſ", "'\u212a", "'S'", "'", "''", "a's's", "rock 'n' roll",
    "\u6771\u4eac2024\u5e74", "\u0663\u0664\u0665", "\u0967\u0968\u0969", "\u216b", "\u00bd", "x\u00b2", "\u2460\u2461",
    "e\u0301", " \u0301x", "\u0e01\u0e48\u0e32", "\U0001f44d\U0001f3fd", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "a\u200bb", "...!!!\n\n", "--- ---", "a-b-c", "x--y", "Hello, World! How's IT going?",
    "caf\u00e9 CAF\u00c9 cafe\u0301", "12,345.67", "1 2  3", "\u00a0\u00a0x", "x \u00a0",
]
PAIRS = [
    ("what's NEW?\r\n", "It's\u0085fine \u3000 ok"),
    ("\u6771\u4eac 2024", "T\u014dky\u014d's 2024\u5e74\n\n\nend"),
]
MAX_LENGTHS = [8, 16, 64]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--output", required=True)
    args = p.parse_args()
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        for text in SINGLES:
            f.write(json.dumps({"kind": "single", "text": text}) + "\n")
        for i, (a, b) in enumerate(PAIRS):
            f.write(json.dumps({"kind": "pair", "text_a": a, "text_b": b,
                                "max_length": MAX_LENGTHS[i % len(MAX_LENGTHS)]}) + "\n")


if __name__ == "__main__":
    main()
