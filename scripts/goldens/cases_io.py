"""Reading and writing tokenizer case files (JSON Lines), shared by the case and golden scripts.

Lines are json.dumps(..., ensure_ascii=False) except that U+0085, U+2028 and U+2029 are
written as \\uXXXX escapes, so that no line reader splits a record.
"""

import argparse
import json
import sys


def json_line(obj):
    s = json.dumps(obj, ensure_ascii=False)
    for c in "\u0085\u2028\u2029":
        s = s.replace(c, "\\u%04x" % ord(c))
    return s + "\n"


def write_cases(cases, path):
    """Writes cases to path; a repeated case is an error."""
    seen = set()
    for c in cases:
        key = json.dumps(c, sort_keys=True)
        if key in seen:
            sys.exit("duplicate case: " + key)
        seen.add(key)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for c in cases:
            f.write(json_line(c))
    n_single = sum(c["kind"] == "single" for c in cases)
    print("wrote %d singles, %d pairs to %s" % (n_single, len(cases) - n_single, path),
          file=sys.stderr)


def cases_main(description, build_cases):
    """The command line of a case script: --output FILE."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--output", required=True)
    args = p.parse_args()
    write_cases(build_cases(), args.output)
