"""Writing a crossrank bundle's files: JSON as the bundles carry it, and TorchScript
archives without their Python debug records.

Shared by the exporter (export_hf.py) and the fixture generators (scripts/fixtures/).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile

import torch


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def strip_debug_info(src: str, dst: str) -> None:
    """Copy a TorchScript archive without its *.debug_pkl records.

    The debug records hold the Python call stacks seen while tracing
    (absolute paths and line numbers of this script and of models/bert.py),
    so they would make model.pt depend on the checkout path and on unrelated
    edits. They are optional for loading: without them TorchScript error
    messages just lack the Python source trace. Records keep their order,
    stay uncompressed and 64-byte aligned like PyTorchStreamWriter's; the
    archive's top folder (taken by torch.jit.save from the temporary file
    name) is renamed to "model".
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename.endswith(".debug_pkl"):
                continue
            data = zin.read(info)
            name = "model/" + info.filename.split("/", 1)[1]
            out = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            out.compress_type = zipfile.ZIP_STORED
            out.external_attr = 0o644 << 16
            header_end = zout.fp.tell() + 30 + len(name.encode()) + 4
            pad = -header_end % 64
            out.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
            zout.writestr(out, data)


# Python's zipfile switches to zip64 records past 2 GiB, which libtorch 1.13's reader refuses
# ("invalid header"): larger archives are kept as torch.jit.save wrote them (debug records
# and all; its own zip64 is readable).
STRIP_LIMIT = (1 << 31) - (1 << 24)


def save_traced(traced: torch.jit.ScriptModule, path: str) -> None:
    folder = tempfile.mkdtemp(prefix=".save-", dir=os.path.dirname(os.path.abspath(path)))
    raw = os.path.join(folder, "model.pt")  # torch names the archive's top folder "model"
    tmp = path + ".tmp"
    try:
        torch.jit.save(traced, raw)
        if os.path.getsize(raw) >= STRIP_LIMIT:
            os.replace(raw, tmp)
        else:
            strip_debug_info(raw, tmp)
    finally:
        shutil.rmtree(folder)
    os.replace(tmp, path)
