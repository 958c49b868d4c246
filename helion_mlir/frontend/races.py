"""Stores the programs of a grid would race on.

Each tile of a `tile.grid` runs as its own program, in no set order. A store whose
value depends on a grid dimension that its indices do not use is written by every
program along that dimension, each with its own value: the last one to run wins, and
which one that is depends on the config (`for tm, tn in hl.tile([m, n]): out[tm] =
x[tm, tn].sum(-1)` keeps one block's partial sum). Such a store is an error unless it
is guarded by a condition on that dimension (`if tn.id == 0:`) or masked by one.
Atomics are the intended way to combine programs and are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, Region, SSAValue
from xdsl.traits import IsTerminator

from helion_mlir import exc
from helion_mlir.dialects import tile
from helion_mlir.passes.ir_utils import source_location

Deps = dict[SSAValue, frozenset[int]]


def check_store_races(module: ModuleOp) -> None:
    """Raise `InvalidIndex` at the first racing store of any grid of `module`."""
    for grid in module.walk():
        if isinstance(grid, tile.GridOp):
            _check_grid(grid)


def _check_grid(grid: tile.GridOp) -> None:
    deps: Deps = {h: frozenset({i}) for i, h in enumerate(grid.handles)}
    # loop-carried values feed back into their loops: iterate to a fixed point
    while _propagate(grid.body, deps):
        pass
    for op in grid.body.walk():
        if not isinstance(op, tile.StoreOp):
            continue
        indexed = _union(deps, op.indices)
        guarded = _guards(op, grid, deps)
        racing = sorted(_union(deps, [op.value]) - indexed - guarded)
        if racing:
            named = [grid.handles[d].name_hint or f"grid dim {d}" for d in racing]
            names = ", ".join(named)
            raise exc.InvalidIndex(
                f"every program along {names} writes the same elements here, each with "
                f"its own value (the stored value depends on {names}, the indices do not): "
                f"the programs overwrite one another and the result depends on the config. "
                f"Index the store by {names} too, reduce over it inside the program (an "
                "inner hl.tile loop), combine with hl.atomic_add, or store from one "
                f"program only (e.g. under `if {named[0]}.id == 0:`)",
                source_location(op),
            )


def _propagate(region: Region, deps: Deps) -> bool:
    """One pass of dependence on grid dims through `region`; whether anything grew."""
    grew = False
    for op in region.ops:
        inputs = _union(deps, op.operands) | _carried(op, deps)
        for inner in op.regions:
            for block in inner.blocks:
                for arg in block.args:  # handles, induction and carried values
                    grew |= _add(deps, arg, inputs)
            grew |= _propagate(inner, deps)
        outputs = inputs | _carried(op, deps)  # what the regions now yield
        for r in op.results:
            grew |= _add(deps, r, outputs)
    return grew


def _carried(op: Operation, deps: Deps) -> frozenset[int]:
    """What an op's regions yield (its loops' carried values, its branches' results)."""
    out: frozenset[int] = frozenset()
    for inner in op.regions:
        for block in inner.blocks:
            last = block.last_op
            if last is not None and last.has_trait(IsTerminator):
                out |= _union(deps, last.operands)
    return out


def _guards(op: tile.StoreOp, grid: tile.GridOp, deps: Deps) -> frozenset[int]:
    """Grid dims a store's execution or its lanes depend on: its mask, and the
    conditions of the branches and while loops around it."""
    guarded = _union(deps, [op.mask])
    parent = op.parent_op()
    while parent is not None and parent is not grid:
        if isinstance(parent, tile.IfOp | tile.WhileOp):
            guarded |= _union(deps, parent.operands)
            if isinstance(parent, tile.WhileOp):  # its condition is computed in a region
                guarded |= _carried(parent, deps)
        parent = parent.parent_op()
    return guarded


def _union(deps: Deps, values: Iterable[SSAValue | None]) -> frozenset[int]:
    out: frozenset[int] = frozenset()
    for v in values:
        if v is not None:
            out |= deps.get(v, frozenset())
    return out


def _add(deps: Deps, value: SSAValue, more: frozenset[int]) -> bool:
    old = deps.get(value, frozenset())
    if more <= old:
        return False
    deps[value] = old | more
    return True
