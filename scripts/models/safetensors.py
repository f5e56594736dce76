"""A small reader and writer of the safetensors format (no ``safetensors`` package).

The format (https://github.com/huggingface/safetensors, "Format"):

    8 bytes      N, the header size: unsigned 64-bit little-endian
    N bytes      the header: UTF-8 JSON object
                 {"TENSOR_NAME": {"dtype": "F32", "shape": [2, 3],
                                  "data_offsets": [BEGIN, END]},
                  ...,
                  "__metadata__": {"str": "str"}}   (optional)
                 padded with spaces (0x20) by writers
    rest         the byte buffer: tensor data, row-major, little-endian;
                 data_offsets are relative to the start of this buffer

The reader checks everything it relies on (header size, JSON, dtypes, shapes,
that END - BEGIN matches the shape, offsets inside the buffer, no overlaps)
and raises ``SafetensorsError`` with the file name and the tensor at fault.
Holes in the buffer (which the format forbids) are reported as an error too.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from typing import Dict, List, Mapping, Optional, Tuple

import torch

__all__ = ["SafetensorsError", "DTYPES", "read_header", "load_file", "save_file"]

# safetensors dtype name -> (torch dtype, bytes per element)
DTYPES: Dict[str, Tuple[torch.dtype, int]] = {
    "F64": (torch.float64, 8),
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
    "I32": (torch.int32, 4),
    "I16": (torch.int16, 2),
    "I8": (torch.int8, 1),
    "U8": (torch.uint8, 1),
    "BOOL": (torch.bool, 1),
}
_NAMES = {dt: name for name, (dt, _) in DTYPES.items()}

# The reference implementation refuses headers above 100 MB.
MAX_HEADER = 100_000_000


class SafetensorsError(ValueError):
    """A malformed or unsupported safetensors file."""


def _entries(path: str, header: Mapping, buffer_size: int) -> List[Tuple[str, str, List[int], int, int]]:
    """Validated (name, dtype, shape, begin, end), in buffer order."""
    out = []
    for name, info in header.items():
        if name == "__metadata__":
            if not isinstance(info, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in info.items()):
                raise SafetensorsError(f"{path}: __metadata__ must map strings to strings")
            continue
        where = f"{path}: tensor {name!r}"
        if not isinstance(info, dict):
            raise SafetensorsError(f"{where}: header entry is not an object")
        dtype = info.get("dtype")
        if dtype not in DTYPES:
            raise SafetensorsError(
                f"{where}: unsupported dtype {dtype!r} (supported: {', '.join(DTYPES)})")
        shape = info.get("shape")
        if not isinstance(shape, list) or not all(
                isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            raise SafetensorsError(f"{where}: shape must be a list of non-negative integers, "
                                   f"got {shape!r}")
        offsets = info.get("data_offsets")
        if (not isinstance(offsets, list) or len(offsets) != 2 or not all(
                isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            raise SafetensorsError(f"{where}: data_offsets must be [begin, end], got {offsets!r}")
        begin, end = offsets
        if not 0 <= begin <= end <= buffer_size:
            raise SafetensorsError(
                f"{where}: data_offsets [{begin}, {end}] outside the data buffer of "
                f"{buffer_size} bytes (truncated file?)")
        numel = 1
        for d in shape:
            numel *= d
        want = numel * DTYPES[dtype][1]
        if end - begin != want:
            raise SafetensorsError(
                f"{where}: {end - begin} bytes for shape {shape} {dtype} (needs {want})")
        out.append((name, dtype, shape, begin, end))
    out.sort(key=lambda e: (e[3], e[4]))
    pos = 0
    for name, _, _, begin, end in out:
        if begin < pos:
            raise SafetensorsError(f"{path}: tensor {name!r} overlaps the previous tensor")
        if begin > pos:
            raise SafetensorsError(f"{path}: {begin - pos} unused bytes before tensor {name!r}")
        pos = end
    if pos != buffer_size:
        raise SafetensorsError(f"{path}: {buffer_size - pos} bytes after the last tensor")
    return out


def read_header(path: str) -> Tuple[Dict, int]:
    """(parsed JSON header, offset of the data buffer in the file)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise SafetensorsError(
                f"{path}: {size} bytes, too short for the 8-byte header size (not a "
                f"safetensors file, or truncated)")
        (n,) = struct.unpack("<Q", head)
        if n > MAX_HEADER or n > size - 8:
            raise SafetensorsError(
                f"{path}: header size {n} bytes but the file has {size - 8} bytes after the "
                f"size field (not a safetensors file, or truncated)")
        raw = f.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{path}: the header is not UTF-8 JSON ({e}); truncated or "
                               f"not a safetensors file") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: the header is not a JSON object")
    return header, 8 + n


def load_file(path: str) -> Dict[str, torch.Tensor]:
    """All tensors of a safetensors file, on CPU, in their stored dtype.

    The tensors share one bytearray (no copy per tensor) unless a tensor's
    offset is not a multiple of its element size, in which case it is copied.
    """
    if sys.byteorder != "little":
        raise SafetensorsError("this reader supports little-endian machines only")
    header, start = read_header(path)
    buffer_size = os.path.getsize(path) - start
    entries = _entries(path, header, buffer_size)
    data = bytearray(buffer_size)
    with open(path, "rb") as f:
        f.seek(start)
        got = f.readinto(data)
    if got != buffer_size:
        raise SafetensorsError(f"{path}: short read ({got} of {buffer_size} bytes)")
    out: Dict[str, torch.Tensor] = {}
    for name, dtype, shape, begin, end in sorted(entries):
        tdtype, itemsize = DTYPES[dtype]
        count = (end - begin) // itemsize
        if count == 0:
            out[name] = torch.empty(shape, dtype=tdtype)
            continue
        if begin % itemsize:
            t = torch.frombuffer(bytearray(data[begin:end]), dtype=tdtype, count=count)
        else:
            t = torch.frombuffer(data, dtype=tdtype, count=count, offset=begin)
        out[name] = t.reshape(shape)
    return out


def _tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.detach().to("cpu").contiguous()
    if t.numel() == 0:
        return b""
    return t.reshape(-1).view(torch.uint8).numpy().tobytes()


def save_file(tensors: Mapping[str, torch.Tensor], path: str,
              metadata: Optional[Mapping[str, str]] = None) -> None:
    """Write tensors as safetensors, laid out as the reference writer does.

    Tensors are ordered by element size (largest first), then by name; the
    header is padded with spaces to a multiple of 8 bytes. Every tensor is
    written as its own contiguous copy (tied tensors are stored twice).
    """
    if sys.byteorder != "little":
        raise SafetensorsError("this writer supports little-endian machines only")
    items = []
    for name, t in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise SafetensorsError(f"invalid tensor name {name!r}")
        if t.dtype not in _NAMES:
            raise SafetensorsError(f"tensor {name!r}: dtype {t.dtype} has no safetensors name")
        items.append((-DTYPES[_NAMES[t.dtype]][1], name, t))
    items.sort(key=lambda x: (x[0], x[1]))
    header: Dict = {}
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    pos = 0
    for _, name, t in items:
        blob = _tensor_bytes(t)
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [pos, pos + len(blob)]}
        blobs.append(blob)
        pos += len(blob)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)
