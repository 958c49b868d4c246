"""Tensors made in device code: `hl.zeros`/`hl.full`, `torch.zeros/ones/empty/full` and
the `new_zeros/new_ones/new_empty/new_full` methods of host and device tensors.

As in Helion, an int size is the full extent of a dim: the same block a `:` subscript
of that size spans, so `torch.zeros([n])` adds up with `x[tile, :].sum(0)` and an
accumulator can be carried across an inner loop over rows. Tiles and registered block
sizes stand for their blocks. `empty` tensors are zero-filled.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

import torch

from helion_mlir import exc
from helion_mlir.dialects.tile import Blk, Dim
from helion_mlir.frontend.values import DScalar, DTensor

if TYPE_CHECKING:
    from helion_mlir.frontend.device import DeviceCompiler

# fill value of each creator; None: the value is the argument after the shape
TORCH_CREATORS: dict[Any, int | None] = {
    torch.zeros: 0,
    torch.ones: 1,
    torch.empty: 0,
    torch.full: None,
}
NEW_METHODS: dict[str, int | None] = {
    "new_zeros": 0,
    "new_ones": 1,
    "new_empty": 0,
    "new_full": None,
}
# keywords a creator accepts whose value changes nothing on the device
_IGNORED = ("device", "layout", "requires_grad", "pin_memory", "memory_format")


def fill(dc: DeviceCompiler, shape: Any, value: Any, dtype: Any, node: ast.AST) -> DTensor:
    """A tensor of `shape` (tiles, block sizes, ints) holding `value` as `dtype`."""
    if not isinstance(dtype, torch.dtype):
        raise dc.error(exc.TypeMismatch, f"dtype must be a torch.dtype, got {dtype!r}", node)
    dims = _full_extents(dc, dc.shape(shape, node))
    if isinstance(value, DScalar):
        return dc.b.cast(dc.b.splat(value, dims), dtype, explicit=True)
    if not isinstance(value, bool | int | float):
        what = "a tensor" if isinstance(value, DTensor) else type(value).__name__
        raise dc.error(
            exc.TypeMismatch,
            f"fill value must be a number or a scalar, got {what}; to copy a tensor, use it "
            "directly (or torch.zeros_like(t) + t)",
            node,
        )
    return dc.b.full(value, dims, dtype)


def create(
    dc: DeviceCompiler,
    name: str,
    value: int | None,
    args: list[Any],
    kwargs: dict[str, Any],
    default_dtype: torch.dtype | None,
    node: ast.AST,
) -> DTensor:
    """`name(*args, **kwargs)`, one of the torch creators or `new_*` methods (whose
    receiver's dtype is `default_dtype`)."""
    kwargs = {k: v for k, v in kwargs.items() if k not in _IGNORED}
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise dc.error(
            exc.TypeMismatch,
            f"{name}() in device code takes a shape, a dtype"
            f"{' and a fill value' if value is None else ''}; got {', '.join(kwargs)}",
            node,
        )
    if value is None:
        if len(args) != 2:
            raise dc.error(exc.TypeMismatch, f"{name}() takes a shape and a fill value", node)
        shape, fill_value = args
    else:
        one_sequence = len(args) == 1 and isinstance(args[0], list | tuple)
        shape, fill_value = (args[0] if one_sequence else list(args)), value
    if dtype is None:
        dtype = default_dtype or _dtype_of(fill_value)
    return fill(dc, shape, fill_value, dtype, node)


def _dtype_of(value: Any) -> torch.dtype:
    """The dtype torch gives a tensor filled with `value` when none is named."""
    if isinstance(value, DScalar):
        return value.dtype
    if isinstance(value, bool):
        return torch.bool
    if isinstance(value, int):
        return torch.int64
    return torch.get_default_dtype()


def _full_extents(dc: DeviceCompiler, dims: list[Dim]) -> list[Dim]:
    if dc.grid_body is None:
        return dims
    return [Blk(dc.rdim(d).block) if isinstance(d, int) and d > 1 else d for d in dims]
