"""`reorder-loops`: nest the loops of an N-D device loop in the bound `loop_order`.

`convert-tile-to-loop` turns an N-D `tile.for` into a perfect nest of `loop.for`s,
dim 0 outermost, with the `loop_orders` slot on the outermost loop. Once bound, this
pass makes level k iterate dim `order[k]`: each level takes that dim's bounds, step
and range options, and uses of each dim's offset move to the level that now iterates
it. The loop bodies do not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from helion_mlir import exc
from helion_mlir.dialects import cfg, loop

RANGE_PROPS = (
    "range_unroll_factor",
    "range_num_stages",
    "range_multi_buffer",
    "range_flatten",
    "range_warp_specialize",
    "gluon_warp_specialize",
    "static_range",
)


def _nest(outer: loop.ForOp, depth: int) -> list[loop.ForOp]:
    levels = [outer]
    while len(levels) < depth:
        ops = list(levels[-1].body.block.ops)
        inner = ops[0] if len(ops) == 2 and isinstance(ops[0], loop.ForOp) else None
        if inner is None:
            raise exc.InternalError("loop_order is set on a loop that heads no perfect nest")
        levels.append(inner)
    return levels


def reorder(outer: loop.ForOp) -> None:
    attr = outer.properties["loop_order"]
    if isinstance(attr, cfg.RefAttr):
        raise exc.InternalError(f"loop_order {attr.slot_name()} is unbound")
    order: list[int] = cfg.attr_value(attr)
    if order == sorted(order):
        return
    levels = _nest(outer, len(order))
    bounds = [(lv.lb, lv.ub, lv.step) for lv in levels]
    props = [{k: lv.properties[k] for k in RANGE_PROPS if k in lv.properties} for lv in levels]
    uses = [list(lv.offset.uses) for lv in levels]
    hints = [lv.offset.name_hint for lv in levels]
    for k, dim in enumerate(order):
        levels[k].offset.name_hint = hints[dim]
        level = levels[k]
        level.operands = (*bounds[dim], *level.operands[3:])
        for key in RANGE_PROPS:
            level.properties.pop(key, None)
        level.properties.update(props[dim])
        for use in uses[dim]:
            use.operation.operands = tuple(
                level.offset if i == use.index else o for i, o in enumerate(use.operation.operands)
            )


@dataclass(frozen=True)
class ReorderLoopsPass(ModulePass):
    """Permutes the levels of each N-D device loop nest by its bound `loop_order`."""

    name = "reorder-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for outer in [
            o for o in op.walk() if isinstance(o, loop.ForOp) and "loop_order" in o.properties
        ]:
            reorder(outer)
