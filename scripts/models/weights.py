"""A checkpoint's tensors made to fit a module's state dict (every family's loader)."""

from __future__ import annotations

from typing import Callable, Dict, Optional, Tuple

from torch import Tensor

__all__ = ["WeightsError", "conform"]


class WeightsError(ValueError):
    """A tensor of the wrong shape or kind; the caller turns it into its own error type."""


def conform(expected: Dict[str, Tensor], state: Dict[str, Tensor],
            hint: Callable[[str], str] = lambda key: "") -> Tuple[Dict[str, Tensor], Optional[str]]:
    """state's tensors for every key of expected (all present), checked for shape and
    floating point and cast to expected's dtypes; and a note naming what was converted
    (None when nothing was). hint(key) adds to a shape error, e.g. which config.json
    value sets that shape."""
    fixed: Dict[str, Tensor] = {}
    converted: Dict[str, int] = {}
    for key, want in expected.items():
        got = state[key]
        if tuple(got.shape) != tuple(want.shape):
            raise WeightsError(f"{key}: shape {list(got.shape)} in the checkpoint, "
                               f"{list(want.shape)} from config.json{hint(key)}")
        if not got.is_floating_point():
            raise WeightsError(f"{key}: stored as {got.dtype}, expected floating point")
        if got.dtype != want.dtype:
            name = str(got.dtype).replace("torch.", "")
            converted[name] = converted.get(name, 0) + 1
        fixed[key] = got.to(want.dtype)
    note = None
    if converted:
        note = "converted to " + str(next(iter(expected.values())).dtype).replace("torch.", "") + ": " + \
            ", ".join(f"{n} {d} weights" for d, n in sorted(converted.items()))
    return fixed, note
