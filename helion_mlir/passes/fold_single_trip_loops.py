"""`fold-single-trip-loops`: inline loops that provably run once (or never).

After binding, a `loop.reduce_for` whose chunk covers the whole extent runs once: its
body is inlined with the offset set to the lower bound and the carried values to their
initial values. An accumulator combined once with its identity (`maximumf(-inf, x)`)
is then just `x`, which this pass also folds, so a rolled reduction with
`reduction_loops = None` becomes the persistent form.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from helion_mlir.dialects import cfg, loop, tile
from helion_mlir.passes.ir_utils import const_int, erase, identity

_IDENTITY_OF: dict[type[Operation], tile.ReduceKind] = {
    arith.AddfOp: tile.ReduceKind.SUM,
    arith.AddiOp: tile.ReduceKind.SUM,
    arith.MulfOp: tile.ReduceKind.PROD,
    arith.MuliOp: tile.ReduceKind.PROD,
    arith.MaximumfOp: tile.ReduceKind.MAX,
    arith.MaxSIOp: tile.ReduceKind.MAX,
    arith.MinimumfOp: tile.ReduceKind.MIN,
    arith.MinSIOp: tile.ReduceKind.MIN,
}


def trip_count(op: loop.ForOp | loop.ReduceForOp) -> int | None:
    lb, ub, step = const_int(op.lb), const_int(op.ub), const_int(op.step)
    if lb is None or ub is None or step is None or step <= 0:
        return None
    return max(0, -(-(ub - lb) // step))


def inline_loop(op: loop.ForOp | loop.ReduceForOp, trips: int) -> None:
    block = op.parent_block()
    assert block is not None
    if trips == 0:
        results: list[SSAValue] = list(op.iter_args)
    else:
        body = op.body.block
        op.offset.replace_all_uses_with(op.lb)
        for arg, init in zip(op.carried, op.iter_args):
            arg.replace_all_uses_with(init)
        terminator = body.last_op
        assert isinstance(terminator, loop.YieldOp)
        results = list(terminator.values)
        for inner in list(body.ops):
            if inner is terminator:
                continue
            inner.detach()
            block.insert_op_before(inner, op)
    for res, value in zip(op.res, results):
        res.replace_all_uses_with(value)
    erase(op)


def _is_identity(value: SSAValue, kind: tile.ReduceKind) -> bool:
    full = value.owner
    if not isinstance(full, tile.FullOp):
        return False
    want = identity(kind, tile.element_type_of(value.type))
    have = full.value
    assert isinstance(have, FloatAttr | IntegerAttr)
    return have.value.data == want.value.data


def fold_identity_combines(module: ModuleOp) -> None:
    for op in list(module.walk()):
        kind = _IDENTITY_OF.get(type(op))
        if kind is None:
            continue
        lhs, rhs = op.operands
        keep = rhs if _is_identity(lhs, kind) else lhs if _is_identity(rhs, kind) else None
        if keep is not None and keep.type == op.results[0].type:
            op.results[0].replace_all_uses_with(keep)
            erase(op)
    for op in list(module.walk()):
        if isinstance(op, tile.FullOp) and not op.result.uses:
            erase(op)


def _warp_specialized(lp: loop.ForOp | loop.ReduceForOp) -> bool:
    """A loop bound to Hopper's warp-specialized schedule stays a loop, for the Gluon
    emitter to refuse by name: it needs at least two trips."""
    attr = lp.properties.get("gluon_warp_specialize")
    return attr is not None and not isinstance(attr, cfg.RefAttr) and bool(cfg.attr_value(attr))


@dataclass(frozen=True)
class FoldSingleTripLoopsPass(ModulePass):
    """Inlines `loop.for`/`loop.reduce_for` with a constant trip count of 0 or 1."""

    name = "fold-single-trip-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        loops = [o for o in op.walk() if isinstance(o, loop.ForOp | loop.ReduceForOp)]
        for lp in reversed(loops):
            trips = trip_count(lp)
            if trips is not None and trips <= 1 and not _warp_specialized(lp):
                inline_loop(lp, trips)
        fold_identity_combines(op)
