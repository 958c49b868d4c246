"""`fold-rounding-casts`: keep float intermediates at full precision.

PyTorch runs each op of a low-precision (bf16, f16) tensor in f32 and rounds its
result back, so a chain of ops is written as `cast(cast(x : f32 -> bf16) -> f32)`
between any two of them. This pass replaces such a round trip by `x` itself: the value
keeps its f32 bits until something stores it, exactly as torch.compile's fused
kernels do. Results move closer to the exact ones, never further; a cast whose
narrow result is used otherwise (stored, fed to a dot) stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import AnyFloat, ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from helion_mlir.dialects import tile
from helion_mlir.passes.ir_utils import erase

_CASTS = (tile.CastOp, arith.ExtFOp, arith.TruncFOp)


def _width(t: object) -> int | None:
    t = tile.element_type_of(t)  # type: ignore[arg-type]
    return t.bitwidth if isinstance(t, AnyFloat) else None


def _round_trip_source(op: Operation) -> Operation | None:
    """The cast feeding `op` when the pair narrows a float and widens it back."""
    if not isinstance(op, _CASTS):
        return None
    inner = op.operands[0].owner
    if not isinstance(inner, _CASTS):
        return None
    wide, narrow = _width(inner.operands[0].type), _width(inner.results[0].type)
    if wide is None or narrow is None or narrow >= wide:
        return None
    if inner.operands[0].type != op.results[0].type:
        return None
    return inner


@dataclass(frozen=True)
class FoldRoundingCastsPass(ModulePass):
    """Rewrites `cast(cast(x : wide -> narrow float) -> wide)` into `x`."""

    name = "fold-rounding-casts"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for cast in list(op.walk()):
            inner = _round_trip_source(cast)
            if inner is None:
                continue
            cast.results[0].replace_all_uses_with(inner.operands[0])
            erase(cast)
            if not inner.results[0].uses:
                erase(inner)
