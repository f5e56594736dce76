#!/usr/bin/env python3
"""Write tests/data/models/variants/newer-archive: a bundle whose model.pt claims a newer format.

A copy of variants/basic whose TorchScript archive says file-format version 11 (libtorch
1.13 reads up to 10; torch 2.x writes newer ones), with a crossrank.json "exported_by"
naming torch 2.5.1, so that the error crossrank gives for archives from a newer torch
can be tested without a newer torch. Standard library only; deterministic.

    /usr/bin/python3 scripts/make_newer_archive.py \\
        --src tests/data/models/variants/basic --out tests/data/models/variants/newer-archive
"""

import argparse
import copy
import json
import os
import shutil
import zipfile


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--version", default="11")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in ("config.json", "tokenizer_config.json", "vocab.txt"):
        shutil.copyfile(os.path.join(args.src, name), os.path.join(args.out, name))
    with zipfile.ZipFile(os.path.join(args.src, "model.pt")) as src, \
            zipfile.ZipFile(os.path.join(args.out, "model.pt"), "w", zipfile.ZIP_STORED) as out:
        bumped = False
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("/version"):
                data = (args.version + "\n").encode()
                bumped = True
            out.writestr(copy.copy(info), data)
        if not bumped:
            raise SystemExit("no version record in " + args.src)
    with open(os.path.join(args.out, "crossrank.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"exported_by": {"torch": "2.5.1", "script": "scripts/make_newer_archive.py"}},
                  f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
