"""`tile-insert-masks`: guard reductions and matmuls against padded lanes.

The last tile of a dimension may run past the end of the tensor; its extra lanes hold
whatever the load filled in (zero). Reductions and the contraction of `tile.dot` must
not see them, so this pass wraps each reduction input in `tile.mask` over the reduced
dims (filled with the reduction's identity), each arg-reduction and sort input over its
dim (filled so that padding never wins and sorts last), inputs of combine-function
reductions and of reverse scans (filled with `other` or the identity: padding comes
first there), and both `tile.dot` operands
in `tile.mask` over the contraction dim (filled with zero). `tile-prune-masks` removes the masks the
values make redundant; `convert-loop-to-triton` drops those whose tiles are always full.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, ModuleOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass

from helion_mlir.dialects import tile
from helion_mlir.passes.ir_utils import handle_defs, handle_in_scope, identity, kernels


def _zero(element_type: Attribute) -> FloatAttr | IntegerAttr:
    return identity(tile.ReduceKind.SUM, element_type)


def _masked(value: SSAValue, blocks: list[int], fill: FloatAttr | IntegerAttr) -> bool:
    """Whether `value` is already a mask of these blocks with this fill."""
    mask = value.owner
    if not isinstance(mask, tile.MaskOp) or mask.fill != fill:
        return False
    return set(blocks) <= {tile.block_of(h) for h in mask.handles}


def _mask(
    user: Operation,
    operand_index: int,
    blocks: list[int],
    fill: FloatAttr | IntegerAttr,
    handles: dict[int, list[SSAValue]],
) -> None:
    value = user.operands[operand_index]
    # a block without a handle in scope is one of a registered block size used outside
    # its loops: its tiles hold what the kernel put there, lane for lane
    seen = {b: handle_in_scope(handles.get(b, []), user) for b in blocks}
    blocks = [b for b in blocks if seen[b] is not None]
    if not blocks or _masked(value, blocks, fill):
        return
    mask = tile.MaskOp(value, [seen[b] for b in blocks], fill)  # type: ignore[misc]
    mask.result.name_hint = value.name_hint
    user.parent_block().insert_op_before(mask, user)  # type: ignore[union-attr]
    user.operands[operand_index] = mask.result


def _blocks(value: SSAValue, positions: list[int]) -> list[int]:
    dims = tile.dims_of(value.type)
    return [d.id for i, d in enumerate(dims) if i in positions and isinstance(d, tile.Blk)]


@dataclass(frozen=True)
class TileInsertMasksPass(ModulePass):
    """Wraps reduction inputs and matmul operands in `tile.mask` with the identity fill."""

    name = "tile-insert-masks"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in kernels(op):
            handles = handle_defs(kernel)
            for inner in list(kernel.walk()):
                if isinstance(inner, tile.ReduceOp):
                    elt = tile.element_type_of(inner.source.type)
                    fill = identity(inner.kind.data, elt)
                    _mask(inner, 0, _blocks(inner.source, list(inner.reduced)), fill, handles)
                elif isinstance(inner, tile.ArgReduceOp | tile.SortOp | tile.TopkOp):
                    # padded lanes must never win (arg-reductions, top-k) and must sort last
                    elt = tile.element_type_of(inner.source.type)
                    if isinstance(inner, tile.ArgReduceOp):
                        last_kind = inner.kind.data
                    elif (
                        inner.smallest is None
                        if isinstance(inner, tile.TopkOp)
                        else inner.descending is not None
                    ):  # the largest come first
                        last_kind = tile.ReduceKind.MAX
                    else:
                        last_kind = tile.ReduceKind.MIN
                    fill = identity(last_kind, elt)
                    _mask(inner, 0, _blocks(inner.source, [inner.axis]), fill, handles)
                elif isinstance(inner, tile.CombineOp) and (
                    inner.scan is None or inner.reverse is not None
                ):
                    for i, fill in enumerate(inner.other):  # the user's `other` fills
                        _mask(inner, i, _blocks(inner.inputs[i], [inner.axis]), fill, handles)
                elif isinstance(inner, tile.ScanOp) and inner.reverse is not None:
                    fill = identity(inner.kind.data, tile.element_type_of(inner.source.type))
                    _mask(inner, 0, _blocks(inner.source, [inner.axis]), fill, handles)
                elif isinstance(inner, tile.DotOp):
                    rank = len(tile.dims_of(inner.lhs.type))
                    for i, k in ((0, rank - 1), (1, rank - 2)):  # the contraction dim
                        operand = inner.operands[i]
                        fill = _zero(tile.element_type_of(operand.type))
                        _mask(inner, i, _blocks(operand, [k]), fill, handles)
