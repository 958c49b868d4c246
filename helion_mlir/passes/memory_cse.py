"""`memory-cse`: merge identical computations, loads included.

Within a block, an op that repeats an earlier op (same name, operands, properties and
result types) is replaced by it when the op has no side effects, or when it only
reads memory and no op in between may write the memref it reads. Nested regions see
the pure ops of the regions around them, not their loads. This is what removes the
reloads that reduction rolling introduced once single-trip chunk loops are inlined.

Two loads alike carry the same `mem_id`: they are copies of one read of the kernel as
written, which rolling duplicated into the stages after a reduction, and moved the
writes of the reduction's stage (say a per-row statistic) before the copy. A write to
another memref between them was so moved; merging the copies reads once, as the
source does. A write to the same memref, or an op whose writes are not known, stops
the merge.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation
from xdsl.passes import ModulePass
from xdsl.traits import MemoryReadEffect, MemoryWriteEffect, is_side_effect_free

from helion_mlir.dialects import mem, tile
from helion_mlir.passes.ir_utils import erase, memory_of

Key = tuple
READS = (tile.LoadOp, mem.LoadOp)
WRITES = (tile.StoreOp, tile.AtomicOp, mem.StoreOp, mem.AtomicOp)


def _key(op: Operation) -> Key:
    return (
        op.name,
        tuple(op.operands),
        tuple(sorted(op.properties.items())),
        tuple(sorted(op.attributes.items())),
        tuple(r.type for r in op.results),
    )


def _only_reads(op: Operation) -> bool:
    return op.has_trait(MemoryReadEffect) and not op.has_trait(MemoryWriteEffect)


def _cse_block(block: Block, pure: dict[Key, Operation]) -> None:
    pure = dict(pure)
    loads: dict[Key, Operation] = {}
    for op in list(block.ops):
        for region in op.regions:
            for inner in region.blocks:
                _cse_block(inner, pure)
        if op.regions or not op.results:
            if not is_side_effect_free(op):
                _forget_written(loads, op)
            continue
        if is_side_effect_free(op):
            table = pure
        elif _only_reads(op):
            table = loads
        else:
            _forget_written(loads, op)
            continue
        key = _key(op)
        prior = table.get(key)
        if prior is None:
            table[key] = op
            continue
        for a, b in zip(op.results, prior.results):
            a.replace_all_uses_with(b)
        erase(op)


def _forget_written(loads: dict[Key, Operation], op: Operation) -> None:
    """Drop the loads `op` may overwrite: those of the memref a store or atomic writes,
    every load for any other op with effects."""
    if op.regions or not isinstance(op, WRITES):
        loads.clear()
        return
    written = memory_of(op)
    for key, load in list(loads.items()):
        if not isinstance(load, READS) or memory_of(load) == written:
            del loads[key]


@dataclass(frozen=True)
class MemoryCsePass(ModulePass):
    """Replaces repeated pure ops, and loads not separated by a write to their memref,
    by their first copy."""

    name = "memory-cse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for block in op.body.blocks:
            _cse_block(block, {})
