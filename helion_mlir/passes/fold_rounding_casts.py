"""`fold-rounding-casts`: keep float intermediates at full precision.

PyTorch runs each op of a low-precision (bf16, f16) tensor in f32 and rounds its
result back, so a chain of ops is written as `cast(cast(x : f32 -> bf16) -> f32)`
between any two of them. This pass replaces such a round trip by `x` itself: the value
keeps its f32 bits until something stores it, as torch.compile's fused kernels do.
Only an op's own rounding goes: a conversion in the traced program (the kernel's
`.to()`, `dtype=` and `out_dtype=` arguments, and the casts PyTorch's decompositions
write themselves, as in silu or softmax) is an `explicit` cast and keeps its rounding,
and a narrowed value used otherwise (stored, fed to a dot) stays for that use.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import AnyFloat, ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from helion_mlir.dialects import tile
from helion_mlir.passes.ir_utils import erase


def _width(t: object) -> int | None:
    t = tile.element_type_of(t)  # type: ignore[arg-type]
    return t.bitwidth if isinstance(t, AnyFloat) else None


def _round_trip_source(op: Operation) -> tile.CastOp | None:
    """The cast feeding `op` when the pair narrows a float and widens it back, and
    the narrowing is an op's rounding, not the kernel's `.to()`."""
    if not isinstance(op, tile.CastOp):
        return None
    inner = op.source.owner
    if not isinstance(inner, tile.CastOp) or inner.explicit is not None:
        return None
    wide, narrow = _width(inner.source.type), _width(inner.result.type)
    if wide is None or narrow is None or narrow > 16 or narrow >= wide:
        return None
    if inner.source.type != op.result.type:
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
            cast.results[0].replace_all_uses_with(inner.source)
            erase(cast)
            if not inner.result.uses:
                erase(inner)
