#!/usr/bin/env python3
"""Concatenate case files into tests/data/goldens/tokenizer_cases.jsonl.

Standard library only. The combined file is the input of the goldens for the
SentencePiece and byte-level BPE fixtures (tests/data/tokenizers/*):

    /usr/bin/python3 scripts/goldens/make_tokenizer_cases.py \
        --input tests/data/goldens/wordpiece_cases.jsonl \
        --input tests/data/goldens/multilingual_cases.jsonl \
        --output tests/data/goldens/tokenizer_cases.jsonl

Cases are copied in input order, lines unchanged, except that pair cases with
max_length below --min-max-length (default 5) are left out: the RoBERTa and
XLM-R pair templates add 4 special tokens, and below that tokenizers 0.22 does
not truncate at all (max_length - 4 wraps around in unsigned arithmetic).
A case that occurs twice is an error.
"""

import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--input", action="append", required=True, help="case file; give several times")
    p.add_argument("--output", required=True)
    p.add_argument("--min-max-length", type=int, default=5)
    args = p.parse_args()
    out = []
    seen = set()
    dropped = 0
    for path in args.input:
        with open(path, encoding="utf-8", newline="") as f:
            # Split on "\n" only: the texts may hold other line-break characters.
            for n, line in enumerate(f.read().split("\n"), 1):
                if not line.strip():
                    continue
                c = json.loads(line)
                if c["kind"] == "pair" and c["max_length"] < args.min_max_length:
                    dropped += 1
                    continue
                key = json.dumps(c, sort_keys=True)
                if key in seen:
                    sys.exit("%s:%d: duplicate case %s" % (path, n, key))
                seen.add(key)
                out.append(line + "\n")
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(out)
    print("wrote %d cases to %s (%d pairs with max_length < %d left out)"
          % (len(out), args.output, dropped, args.min_max_length), file=sys.stderr)


if __name__ == "__main__":
    main()
