"""`tile-prune-masks`: drop `tile.mask` ops whose source already holds the fill.

A forward analysis computes, for each tile value, the value its padded lanes (those
past the end of some tile) are known to hold: loads fill them with zero, `tile.full`
with its value, and elementwise ops apply themselves to the operands' padded values
(`exp(0) = 1`, so `exp(load)` is not zero-padded). Reductions keep what they reduce
when that is their fixed point (sums of zeros, maxima of `-inf`). A mask whose source
is padded with its own fill does nothing and is removed.
"""

from __future__ import annotations

import math as pymath
import operator
from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import AnyFloat, FloatAttr, IntegerAttr, ModuleOp
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass

from helion_mlir.dialects import tile
from helion_mlir.passes.ir_utils import erase, kernels

Scalar = float | int

_BINARY: dict[type, Callable[[Scalar, Scalar], Scalar]] = {
    arith.AddfOp: operator.add,
    arith.AddiOp: operator.add,
    arith.SubfOp: operator.sub,
    arith.SubiOp: operator.sub,
    arith.MulfOp: operator.mul,
    arith.MuliOp: operator.mul,
    arith.DivfOp: operator.truediv,
    arith.MaximumfOp: max,
    arith.MaxnumfOp: max,
    arith.MaxSIOp: max,
    arith.MinimumfOp: min,
    arith.MinnumfOp: min,
    arith.MinSIOp: min,
}

_UNARY: dict[type, Callable[[Scalar], Scalar]] = {
    arith.NegfOp: operator.neg,
    arith.ExtFOp: float,
    arith.TruncFOp: float,
    arith.SIToFPOp: float,
    arith.FPToSIOp: int,
    arith.ExtSIOp: int,
    arith.TruncIOp: int,
    mathd.ExpOp: pymath.exp,
    mathd.Exp2Op: lambda v: 2.0**v,
    mathd.LogOp: pymath.log,
    mathd.SqrtOp: pymath.sqrt,
    mathd.RsqrtOp: lambda v: 1 / pymath.sqrt(v),
    mathd.ErfOp: pymath.erf,
    mathd.TanhOp: pymath.tanh,
    mathd.AbsFOp: abs,
}

# A reduction of padded lanes holding `v` gives `v` again exactly for these values.
_REDUCE_FIXED_POINTS: dict[tile.ReduceKind, Callable[[Scalar], bool]] = {
    tile.ReduceKind.SUM: lambda v: v == 0,
    tile.ReduceKind.PROD: lambda v: v in (0, 1),
    tile.ReduceKind.MAX: lambda v: True,
    tile.ReduceKind.MIN: lambda v: True,
}


@dataclass
class PaddedValues:
    """What the padded lanes of each tile value hold, when that is known."""

    known: dict[SSAValue, Scalar | None]

    def __init__(self) -> None:
        self.known = {}

    def of(self, value: SSAValue) -> Scalar | None:
        if value not in self.known:
            self.known[value] = self._compute(value)
        return self.known[value]

    def _compute(self, value: SSAValue) -> Scalar | None:
        op = value.owner
        match op:
            case tile.LoadOp():
                return 0
            case tile.FullOp():
                return op.value.value.data
            case tile.MaskOp():
                source = self.of(op.source)
                fill = op.fill.value.data
                covers_all = len(op.handles) == sum(
                    isinstance(d, tile.Blk) for d in tile.dims_of(op.source.type)
                )
                return fill if covers_all or source == fill else None
            case tile.ReduceOp():
                source = self.of(op.source)
                fixed = _REDUCE_FIXED_POINTS[op.kind.data]
                return source if source is not None and fixed(source) else None
            case tile.DotOp():
                operands = [self.of(o) for o in op.operands]
                return 0 if all(v == 0 for v in operands) else None
            case tile.CastOp():
                source = self.of(op.source)
                is_float = isinstance(tile.element_type_of(op.result.type), AnyFloat)
                return _apply(float if is_float else int, source)
            case tile.BroadcastOp() | tile.ReshapeOp():
                source = op.source.owner
                return self.of(op.source) if isinstance(source, tile.FullOp) else None
            case _ if type(op) in _BINARY:
                lhs, rhs = self.of(op.operands[0]), self.of(op.operands[1])
                return _apply(_BINARY[type(op)], lhs, rhs)
            case _ if type(op) in _UNARY:
                return _apply(_UNARY[type(op)], self.of(op.operands[0]))
            case _:
                return None


def _apply(fn: Callable[..., Scalar], *args: Scalar | None) -> Scalar | None:
    if any(a is None for a in args):
        return None
    try:
        return fn(*args)
    except (ArithmeticError, ValueError):
        return None


@dataclass(frozen=True)
class TilePruneMasksPass(ModulePass):
    """Removes `tile.mask` ops whose source lanes past the tile end already hold the fill."""

    name = "tile-prune-masks"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in kernels(op):
            padded = PaddedValues()
            for mask in [m for m in kernel.walk() if isinstance(m, tile.MaskOp)]:
                fill = mask.fill
                assert isinstance(fill, FloatAttr | IntegerAttr)
                if padded.of(mask.source) == fill.value.data:
                    mask.result.replace_all_uses_with(mask.source)
                    erase(mask)
