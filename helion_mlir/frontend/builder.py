"""Building `tile` IR for device values: constants, casts, broadcasts, splats."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import torch
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    FileLineColLoc,
    FloatAttr,
    IndexType,
    IntAttr,
    IntegerAttr,
    StringAttr,
)
from xdsl.ir import Block, Operation, SSAValue

from helion_mlir import exc
from helion_mlir.dialects import tile
from helion_mlir.dialects.tile import Blk, Dim
from helion_mlir.frontend.dtypes import to_xdsl
from helion_mlir.frontend.values import DScalar, DTensor

_NOT_IN_NAMES = re.compile(r"[^A-Za-z0-9_$.-]")


def name_hint(name: str | None) -> str | None:
    """A Python name as xDSL takes a value's name (ASCII letters, digits and `_$.-`):
    other characters become their code points, so `α` names its value `u3b1`."""
    if name is None:
        return None
    return _NOT_IN_NAMES.sub(lambda m: f"u{ord(m.group()):x}", name)


def scalar_attr(value: Any, dtype: torch.dtype) -> FloatAttr | IntegerAttr:
    t = to_xdsl(dtype)
    if dtype.is_floating_point:
        return FloatAttr(float(value), t)  # type: ignore[arg-type]
    if dtype == torch.bool:
        return IntegerAttr(int(bool(value)), t)  # type: ignore[arg-type]
    return IntegerAttr(int(value), t)  # type: ignore[arg-type]


class Builder:
    """Appends ops to a block, stamping each with the source location being compiled."""

    def __init__(self, block: Block, entry: Block, filename: str):
        self.block = block
        self.entry = entry
        self.filename = filename
        self.line = 0
        self.column = 0
        self._index: dict[int, SSAValue] = {}
        # blocks of `:` dims over a power-of-two extent: block id -> extent; a static dim
        # of that size may be relabelled as the block
        self.whole_blocks: dict[int, int] = {}
        # blocks of loops with a fixed block size: block id -> that size
        self.sized_blocks: dict[int, int] = {}

    def size_of(self, block: int) -> int | None:
        """The size every tile of `block` has in every config, if fixed."""
        return self.whole_blocks.get(block) or self.sized_blocks.get(block)

    def same_dim(self, a: Dim, b: Dim) -> bool:
        """Whether two dims are the same size in every config."""
        if a == b:
            return True
        if isinstance(a, int) and isinstance(b, Blk):
            return self.size_of(b.id) == a
        if isinstance(b, int) and isinstance(a, Blk):
            return self.size_of(a.id) == b
        return False

    def relabel(self, x: DTensor, dims: Sequence[Dim], both_ways: bool = False) -> DTensor:
        """`x` with static dims renamed to the equal-sized blocks of `dims` where they
        differ only so (dims aligned from the right, as broadcasting aligns them);
        `both_ways` also renames blocks back to static sizes."""
        out = list(x.dims)
        offset = len(dims) - x.rank
        for i, d in enumerate(x.dims):
            j = i + offset
            if 0 <= j < len(dims) and d != dims[j] and self.same_dim(d, dims[j]):
                if isinstance(d, int) or both_ways:
                    out[i] = dims[j]
        if tuple(out) == x.dims:
            return x
        t = tile.tile_tensor(to_xdsl(x.dtype), out)
        op = self.emit(tile.RelabelOp(x.value, t))
        return DTensor(op.results[0], tuple(out), x.dtype)

    def emit(self, op: Operation, name: str | None = None) -> Operation:
        self.block.add_op(op)
        if self.line:
            op.location = FileLineColLoc(
                StringAttr(self.filename), IntAttr(self.line), IntAttr(self.column)
            )
        if name and op.results:
            op.results[0].name_hint = name_hint(name)
        return op

    def index(self, value: int) -> SSAValue:
        """An `index` constant, defined once at the top of the kernel."""
        if value not in self._index:
            op = arith.ConstantOp(IntegerAttr(value, IndexType()))
            first = self.entry.first_op
            if first is None:
                self.entry.add_op(op)
            else:
                self.entry.insert_op_before(op, first)
            self._index[value] = op.result
        return self._index[value]

    # -- tiles -------------------------------------------------------------------------

    def full(self, value: Any, dims: Sequence[Dim], dtype: torch.dtype) -> DTensor:
        t = tile.tile_tensor(to_xdsl(dtype), dims)
        op = self.emit(tile.FullOp(scalar_attr(value, dtype), t))
        return DTensor(op.results[0], tuple(dims), dtype)

    def splat(self, scalar: DScalar, dims: Sequence[Dim]) -> DTensor:
        element = to_xdsl(scalar.dtype)
        value = scalar.value
        if value.type != element:  # an index: as the integer type of its dtype
            value = self.emit(arith.IndexCastOp(value, element)).results[0]
        t = tile.tile_tensor(element, dims)
        op = self.emit(tile.SplatOp(value, t))
        return DTensor(op.results[0], tuple(dims), scalar.dtype)

    def reshape(self, x: DTensor, dims: Sequence[Dim]) -> DTensor:
        if tuple(dims) == x.dims:
            return x
        t = tile.tile_tensor(to_xdsl(x.dtype), dims)
        op = self.emit(tile.ReshapeOp(x.value, t))
        return DTensor(op.results[0], tuple(dims), x.dtype)

    def broadcast(self, x: DTensor, dims: Sequence[Dim]) -> DTensor:
        """`x` broadcast to `dims` by PyTorch's rules (leading dims added as needed)."""
        dims = tuple(dims)
        if x.dims == dims:
            return x
        x = self.relabel(x, dims)
        if x.rank > len(dims):
            raise exc.ShapeMismatch(
                f"cannot broadcast shape {show_dims(x.dims)} to {show_dims(dims)}"
            )
        x = self.reshape(x, (1,) * (len(dims) - x.rank) + x.dims)
        for have, want in zip(x.dims, dims):
            if have != want and have != 1:
                raise exc.ShapeMismatch(
                    f"cannot broadcast shape {show_dims(x.dims)} to {show_dims(dims)}"
                )
        if x.dims == dims:
            return x
        t = tile.tile_tensor(to_xdsl(x.dtype), dims)
        op = self.emit(tile.BroadcastOp(x.value, t))
        return DTensor(op.results[0], dims, x.dtype)

    def cast(self, x: DTensor, dtype: torch.dtype, explicit: bool = False) -> DTensor:
        """`x.to(dtype)`: to bool is `!= 0`, everything else a `tile.cast` (`explicit`:
        the kernel wrote the conversion, so its rounding stays)."""
        if x.dtype == dtype:
            return x
        if dtype == torch.bool:
            zero = self.full(0, x.dims, x.dtype)
            op = self.emit(tile.CmpOp(tile.Predicate.NE, x.value, zero.value))
        else:
            t = tile.tile_tensor(to_xdsl(dtype), x.dims)
            op = self.emit(tile.CastOp(x.value, t, explicit))
        return DTensor(op.results[0], x.dims, dtype)


def show_dims(dims: Sequence[Dim]) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"
