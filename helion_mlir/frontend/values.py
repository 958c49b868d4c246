"""What a name or expression of device code stands for while the frontend reads it.

Compile-time Python values (numbers, dtypes, modules, functions) are kept as they are;
the classes here wrap what lives on the device or in kernel arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.ir import SSAValue

from helion_mlir.dialects.tile import Blk, Dim


@dataclass(frozen=True)
class HostTensor:
    """A tensor from host code, read or written by the kernel through its argument."""

    arg: SSAValue
    meta: Any  # a torch tensor on the meta device with the real shape, strides, dtype
    name: str


@dataclass(frozen=True)
class TileValue:
    """The loop variable of `hl.tile`: a handle on one tile of block `block`."""

    handle: SSAValue
    block: int


@dataclass(frozen=True)
class DTensor:
    """A tensor in registers: an SSA value of `tile_tensor(dtype, dims)` type."""

    value: SSAValue
    dims: tuple[Dim, ...]
    dtype: Any  # torch.dtype

    @property
    def rank(self) -> int:
        return len(self.dims)


@dataclass(frozen=True)
class DScalar:
    """A scalar known only when the kernel runs (a scalar kernel argument)."""

    value: SSAValue
    dtype: Any  # torch.dtype


@dataclass(frozen=True)
class Unavailable:
    """A result of a torch call that device code cannot have (the indices of a sort of
    64-bit elements): an expression reading it is an error giving `reason`."""

    reason: str


@dataclass(frozen=True)
class BoundMethod:
    """`tensor.method`, waiting for its call."""

    receiver: Any
    name: str


def is_index_dtype(dtype: Any) -> bool:
    """Whether tensors of `dtype` (a torch.dtype) can hold indices: integers, not bool."""
    return not dtype.is_floating_point and not dtype.is_complex and str(dtype) != "torch.bool"


def is_device(value: Any) -> bool:
    return isinstance(value, DTensor | DScalar | TileValue)


__all__ = ["Blk", "BoundMethod", "DScalar", "DTensor", "HostTensor", "TileValue"]
