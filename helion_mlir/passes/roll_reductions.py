"""`roll-reductions`: turn each `:` dimension into chunk loops of a tunable size.

Every `tile.rdim` (the full extent a `:` subscript spans) becomes one
`loop.reduce_for` per reduction stage, stepping through the extent in chunks of
`cfg.param reduction_loops[i]`. Ops whose values span the dimension move into the
chunk loop of their stage; a `tile.reduce` over the dimension becomes an accumulator
carried by the loop (initialised to the reduction's identity, combined elementwise
each chunk) and one final `tile.reduce` of the accumulator after the loop. Values of
an earlier stage that a later one needs are recomputed in the later loop (loads are
re-read). With the chunk at least the padded extent (`reduction_loops = None`) each
loop runs once, and `fold-single-trip-loops` plus `memory-cse` give back the
persistent kernel.

A dimension is rolled only when everything that spans it sits directly in one
`tile.grid` body, no `tile.dot` uses it, no `tile.relabel` equates it with a static
size, no atomic over it has its old values used (recomputing them would repeat the
atomic) and no arg-reduction, scan, flip or sort runs along it; otherwise it stays persistent, a single `loop.tile` of the padded extent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerType, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from helion_mlir import exc
from helion_mlir.dialects import cfg, loop, tile
from helion_mlir.passes.ir_utils import (
    const_int,
    erase,
    identity,
    index_constant,
    kernels,
    next_pow2,
)

_COMBINE: dict[tuple[tile.ReduceKind, bool], type[Operation]] = {
    (tile.ReduceKind.SUM, False): arith.AddfOp,
    (tile.ReduceKind.SUM, True): arith.AddiOp,
    (tile.ReduceKind.PROD, False): arith.MulfOp,
    (tile.ReduceKind.PROD, True): arith.MuliOp,
    (tile.ReduceKind.MAX, False): arith.MaximumfOp,
    (tile.ReduceKind.MAX, True): arith.MaxSIOp,
    (tile.ReduceKind.MIN, False): arith.MinimumfOp,
    (tile.ReduceKind.MIN, True): arith.MinSIOp,
}

# Helion rolls reductions over more than this many elements by default.
PERSISTENT_LIMIT = 4096
MIN_CHUNK = 8


def combine_op(kind: tile.ReduceKind, acc: SSAValue, value: SSAValue) -> Operation:
    is_int = isinstance(tile.element_type_of(value.type), IntegerType)
    return _COMBINE[(kind, is_int)].create(operands=[acc, value], result_types=[value.type])


def _spans(op: Operation, handle: SSAValue, block: int) -> bool:
    r = tile.Blk(block)
    return any(o is handle for o in op.operands) or any(
        r in tile.dims_of(v.type) for v in (*op.operands, *op.results)
    )


def _inputs(op: Operation) -> list[SSAValue]:
    """The values an op reads: its operands and, for ops with regions (loops, ifs), the
    values from outside that their bodies use."""
    if not op.regions:
        return list(op.operands)
    inside = {r for inner in op.walk() for r in inner.results} | {
        a for region in op.regions for b in region.blocks for a in b.args
    }
    return [o for inner in op.walk() for o in inner.operands if o not in inside]


def _reduces_over(op: Operation, block: int) -> bool:
    if not isinstance(op, tile.ReduceOp):
        return False
    dims = tile.dims_of(op.source.type)
    return any(dims[i] == tile.Blk(block) for i in op.reduced)


def _needs_whole_dim(op: Operation, block: int) -> bool:
    """Ops that see every lane of a dim at once: arg-reductions, scans, flips, sorts,
    top-k, gathers and reductions with a combine function."""
    if isinstance(op, tile.CombineOp):
        return tile.dims_of(op.inputs[0].type)[op.axis] == tile.Blk(block)
    if not isinstance(
        op,
        tile.ArgReduceOp | tile.ScanOp | tile.FlipOp | tile.SortOp | tile.TopkOp | tile.GatherOp,
    ):
        return False
    return tile.dims_of(op.source.type)[op.axis] == tile.Blk(block)


def rollable(rdim: tile.RDimOp) -> bool:
    """Whether everything spanning the dimension sits in the rdim's block, outside dots."""
    block = tile.block_of(rdim.result)
    home = rdim.parent_block()
    grid = rdim.parent_op()
    if const_int(rdim.extent) is None or not isinstance(grid, tile.GridOp):
        return False
    for op in grid.walk():
        if op is grid or not _spans(op, rdim.result, block):
            continue
        if op.parent_block() is not home or isinstance(op, tile.DotOp | tile.RelabelOp):
            return False
        if op.regions:
            return False
        if isinstance(op, tile.AtomicOp) and op.result.uses:  # a later stage would redo it
            return False
        if _needs_whole_dim(op, block):
            return False
    return True


@dataclass
class _Roller:
    """Rolls one rdim of one grid body."""

    rdim: tile.RDimOp
    chunk: SSAValue

    def run(self) -> None:
        block = tile.block_of(self.rdim.result)
        body = self.rdim.parent_block()
        assert body is not None
        ops = [op for op in body.ops if op is not self.rdim and op is not body.last_op]
        inner = {op for op in ops if _spans(op, self.rdim.result, block)}
        level: dict[SSAValue, int] = {}

        def level_of(v: SSAValue) -> int:
            return level.get(v, 0)

        op_level: dict[Operation, int] = {}
        for op in ops:
            lv = max((level_of(o) for o in _inputs(op)), default=0)
            op_level[op] = lv
            for r in op.results:
                level[r] = lv + 1 if _reduces_over(op, block) else lv
        stages: dict[int, list[Operation]] = defaultdict(list)
        outer: dict[int, list[Operation]] = defaultdict(list)
        for op in ops:
            (stages if op in inner else outer)[op_level[op]].append(op)

        terminator = body.last_op
        assert terminator is not None
        for lv in range(max(op_level.values(), default=0) + 1):
            for op in outer[lv]:
                op.detach()
                body.insert_op_before(op, terminator)
            if stages[lv]:
                self._emit_stage(stages[lv], block, inner, body, terminator)
        for op in reversed(ops):
            if op in inner:
                erase(op)
        erase(self.rdim)

    def _emit_stage(
        self,
        stage: list[Operation],
        block: int,
        inner: set[Operation],
        body: Block,
        before: Operation,
    ) -> None:
        extent = self.rdim.extent
        zero = index_constant(0)
        body.insert_op_before(zero, before)
        reductions = [op for op in stage if _reduces_over(op, block)]
        inits: list[Operation] = []
        for red in reductions:
            assert isinstance(red, tile.ReduceOp)
            fill = identity(red.kind.data, tile.element_type_of(red.source.type))
            init = tile.FullOp(fill, red.source.type)  # type: ignore[arg-type]
            init.result.name_hint = f"{red.results[0].name_hint or 'red'}_acc"
            inits.append(init)
            body.insert_op_before(init, before)

        loop_body = Block(arg_types=[IndexType(), *(i.results[0].type for i in inits)])
        offset, *accs = loop_body.args
        for acc, init in zip(accs, inits):
            acc.name_hint = init.results[0].name_hint
        offset.name_hint = f"roffset.{block}"
        handle = loop.TileOp(offset, self.chunk, extent, block)
        handle.result.name_hint = f"rtile.{block}"
        loop_body.add_op(handle)

        mapping: dict[SSAValue, SSAValue] = {self.rdim.result: handle.result}
        needed = self._needed(stage, inner)
        yields: list[SSAValue] = []
        acc_of = dict(zip(reductions, accs))
        for op in needed:
            if op in acc_of:
                red = op
                assert isinstance(red, tile.ReduceOp)
                combined = combine_op(red.kind.data, acc_of[red], mapping[red.source])
                loop_body.add_op(combined)
                yields.append(combined.results[0])
                continue
            clone = op.clone(value_mapper=mapping)
            loop_body.add_op(clone)
        loop_body.add_op(loop.YieldOp(*yields))

        chunk_loop = loop.ReduceForOp(
            zero.result, extent, self.chunk, [i.results[0] for i in inits], Region(loop_body)
        )
        body.insert_op_before(chunk_loop, before)
        for red, final_acc in zip(reductions, chunk_loop.res):
            assert isinstance(red, tile.ReduceOp)
            final = tile.ReduceOp(
                red.kind.data, final_acc, red.reduced, red.keepdim is not None, red.result.type
            )
            final.result.name_hint = red.result.name_hint
            body.insert_op_before(final, before)
            red.result.replace_all_uses_with(final.result)

    @staticmethod
    def _needed(stage: list[Operation], inner: set[Operation]) -> list[Operation]:
        """The stage's ops plus earlier inner ops they use, in program order."""
        wanted = set(stage)
        work = list(stage)
        while work:
            op = work.pop()
            if op not in wanted:
                continue
            for operand in op.operands:
                producer = operand.owner
                if isinstance(producer, Operation) and producer in inner and producer not in wanted:
                    wanted.add(producer)
                    work.append(producer)
        block = stage[0].parent_block()
        assert block is not None
        return [op for op in block.ops if op in wanted]


@dataclass(frozen=True)
class RollReductionsPass(ModulePass):
    """Rewrites each `tile.rdim` into `loop.reduce_for` chunk loops (or one persistent tile)."""

    name = "roll-reductions"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in kernels(op):
            entry = kernel.body.block
            slot = 0
            for rdim in [o for o in kernel.walk() if isinstance(o, tile.RDimOp)]:
                extent = const_int(rdim.extent)
                if extent is None:
                    raise exc.CompileError(
                        "a ':' dimension needs a constant extent (dynamic shapes are not "
                        "supported yet)"
                    )
                padded = next_pow2(extent)
                if rollable(rdim):
                    default = None if padded <= PERSISTENT_LIMIT else PERSISTENT_LIMIT
                    domain = cfg.ChunkAttr(min(MIN_CHUNK, padded), padded)
                    param = cfg.ParamOp(cfg.RefAttr("reduction_loops", slot, domain, default))
                    param.result.name_hint = f"rblock.{tile.block_of(rdim.result)}"
                    entry.insert_op_before(param, entry.first_op)  # type: ignore[arg-type]
                    _Roller(rdim, param.result).run()
                    slot += 1
                else:
                    zero, size = index_constant(0), index_constant(padded)
                    handle = loop.TileOp(
                        zero.result, size.result, rdim.extent, tile.block_of(rdim.result)
                    )
                    handle.result.name_hint = rdim.result.name_hint
                    block = rdim.parent_block()
                    assert block is not None
                    block.insert_ops_before([zero, size, handle], rdim)
                    rdim.result.replace_all_uses_with(handle.result)
                    erase(rdim)
