"""`fold-rounding-casts`: keep float intermediates at full precision.

PyTorch runs each op of a low-precision (bf16, f16) tensor in f32 and rounds its
result back, so a chain of ops is written as `cast(cast(x : f32 -> bf16) -> f32)`
between any two of them. This pass replaces such a round trip by `x` itself: the value
keeps its f32 bits until something stores it, as torch.compile's fused kernels do. A
`where` between the two (a mask: `where(c, round(x), fill)` only read widened back)
selects at full precision the same way, its fill converted exactly.
Only an op's own rounding goes: a conversion in the traced program (the kernel's
`.to()`, `dtype=` and `out_dtype=` arguments, and the casts PyTorch's decompositions
write themselves, as in silu or softmax) is an `explicit` cast and keeps its rounding,
and a narrowed value used otherwise (stored, fed to a dot) stays for that use.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import AnyFloat, FloatAttr, ModuleOp
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


def _selects_rounded(op: Operation) -> bool:
    """Whether `op` is a `where` of rounded values and constants whose every use widens
    it back: one that can select at full precision instead."""
    if not isinstance(op, tile.WhereOp) or (narrow := _width(op.result.type)) is None:
        return False
    users = [u.operation for u in op.result.uses]
    if not users or not all(isinstance(u, tile.CastOp) and u.explicit is None for u in users):
        return False
    wide = users[0].results[0].type
    if any(u.results[0].type != wide for u in users) or (_width(wide) or 0) <= narrow:
        return False
    for v in (op.lhs, op.rhs):
        src = v.owner
        rounded = isinstance(src, tile.CastOp) and src.explicit is None
        if not (rounded and src.source.type == wide) and not isinstance(src, tile.FullOp):
            return False
    return True


def _select_wide(op: tile.WhereOp) -> None:
    """Rewrite a where `_selects_rounded` accepts in its users' wider type."""
    users = [u.operation for u in op.result.uses]
    wide = users[0].results[0].type
    operands = []
    for v in (op.lhs, op.rhs):
        src = v.owner
        if isinstance(src, tile.CastOp):
            operands.append(src.source)
        else:  # a narrow constant is exactly a wide one
            assert isinstance(src, tile.FullOp)
            elt = tile.element_type_of(wide)
            full = tile.FullOp(FloatAttr(src.value.value.data, elt), wide)  # type: ignore[arg-type]
            op.parent_block().insert_op_before(full, op)  # type: ignore[union-attr]
            operands.append(full.result)
    new = tile.WhereOp(op.cond, *operands)
    new.location = op.location
    op.parent_block().insert_op_before(new, op)  # type: ignore[union-attr]
    for user in users:
        user.results[0].replace_all_uses_with(new.result)
        erase(user)
    old = [v.owner for v in (op.lhs, op.rhs)]
    erase(op)
    for src in old:
        if isinstance(src, Operation) and not any(r.uses for r in src.results):
            erase(src)


@dataclass(frozen=True)
class FoldRoundingCastsPass(ModulePass):
    """Rewrites `cast(cast(x : wide -> narrow float) -> wide)` into `x`, also through a
    `where` of such a rounding and a constant."""

    name = "fold-rounding-casts"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for select in list(op.walk()):
            if _selects_rounded(select):
                _select_wide(select)  # type: ignore[arg-type]
        for cast in list(op.walk()):
            inner = _round_trip_source(cast)
            if inner is None:
                continue
            cast.results[0].replace_all_uses_with(inner.source)
            erase(cast)
            if not inner.result.uses:
                erase(inner)
