"""`roll-reductions`: turn each `:` dimension into chunk loops of a tunable size.

Every `tile.rdim` (the full extent a `:` subscript spans) becomes one
`loop.reduce_for` per reduction stage, stepping through the extent in chunks of
`cfg.param reduction_loops[i]`. Ops whose values span the dimension move into the
chunk loop of their stage; a `tile.reduce` over the dimension becomes an accumulator
carried by the loop (initialised to the reduction's identity, combined elementwise
each chunk) and one final `tile.reduce` of the accumulator after the loop. A stage's
loop holds its reductions, stores and atomics and what they use; values of an earlier
stage that a later one needs are recomputed in the later loop (loads are re-read), and
a value only a later stage needs is computed there alone. A sum of `exp(x - max(x))`
(or `exp2`) runs in its max's loop (an online softmax): each chunk reduces its own max
and sum, and the sum so far is rescaled by `exp(old max - new max)`. With the chunk
at least the padded extent (`reduction_loops = None`) each loop runs once, and
`fold-single-trip-loops` plus `memory-cse` give back the persistent kernel.

A dimension is rolled only when it is not empty, everything that spans it sits
directly in one `tile.grid` body, no `tile.dot` uses it, no `tile.relabel` equates it
with a static size, no atomic over it has its old values used (recomputing them would repeat the
atomic), no arg-reduction, scan, flip or sort runs along it, and the stages, run one
after another, read and write each tensor in the kernel's order (a row read, then
overwritten, then used after a reduction would be read again too late); otherwise it
stays persistent, a single `loop.tile` of the padded extent. A max, min or
arg-reduction over an empty dimension that the kernel reads is an error, as in torch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import AnyFloat, FloatAttr, IndexType, IntegerType, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.transforms.dead_code_elimination import would_be_trivially_dead

from helion_mlir import exc
from helion_mlir.dialects import cfg, loop, tile
from helion_mlir.passes.ir_utils import (
    const_int,
    erase,
    identity,
    index_constant,
    kernels,
    memory_of,
    next_pow2,
    source_location,
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
    # An empty dim has no chunks: its rolled loop would run no times and fold away with
    # the only size of its block, so it stays one (fully masked) persistent tile.
    if const_int(rdim.extent) in (None, 0) or not isinstance(grid, tile.GridOp):
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


@dataclass(frozen=True)
class _Online:
    """A sum of `exp(x - m)` (or `exp2`) over a dim, `m` the max of `x` over it: rolled,
    both run in one chunk loop, the sum rescaled whenever the running max grows."""

    max_op: tile.ReduceOp
    exp: type[math.ExpOp | math.Exp2Op]


def _unmasked(v: SSAValue, fill: float, handle: SSAValue) -> tuple[SSAValue, bool]:
    """`v` without a `tile.mask` by `handle` alone that fills `fill`, and whether it had one."""
    m = v.owner
    if (
        isinstance(m, tile.MaskOp)
        and tuple(m.handles) == (handle,)
        and isinstance(m.fill, FloatAttr)
        and m.fill.value.data == fill
    ):
        return m.source, True
    return v, False


def _online_sums(ops: list[Operation], handle: SSAValue, block: int) -> dict[Operation, _Online]:
    """The sums `sum(exp(x - max(x)))` of `ops` whose max can be found in their loop.

    The masks of `x` (`-inf` for the max, 0 for the sum) must match: then a running max
    of `-inf` means every lane the sum adds is `exp(nan)`, which the rolled sum gives back
    as NaN after its loop, as the two-loop form computes it."""
    found: dict[Operation, _Online] = {}
    for op in ops:
        if not (
            isinstance(op, tile.ReduceOp)
            and op.kind.data == tile.ReduceKind.SUM
            and _reduces_over(op, block)
            and isinstance(tile.element_type_of(op.result.type), AnyFloat)
        ):
            continue
        terms, sum_masked = _unmasked(op.source, 0.0, handle)
        exp = terms.owner
        if not isinstance(exp, math.ExpOp | math.Exp2Op) or not isinstance(
            sub := exp.operand.owner, arith.SubfOp
        ):
            continue
        m = sub.rhs
        while isinstance(m.owner, tile.BroadcastOp | tile.ReshapeOp):
            m = m.owner.source
        mx = m.owner
        if not (
            isinstance(mx, tile.ReduceOp)
            and mx.kind.data == tile.ReduceKind.MAX
            and mx.reduced == op.reduced
            and mx.result.type == op.result.type
        ):
            continue
        x, max_masked = _unmasked(mx.source, float("-inf"), handle)
        if x is sub.lhs and max_masked == sum_masked:
            found[op] = _Online(mx, type(exp))
    return found


@dataclass
class _Roller:
    """Rolls one rdim of one grid body: creating it splits the body into stages,
    `emit` writes their chunk loops."""

    rdim: tile.RDimOp

    def __post_init__(self) -> None:
        self.block = tile.block_of(self.rdim.result)
        body = self.rdim.parent_block()
        assert body is not None
        self.body = body
        self.ops = [op for op in body.ops if op is not self.rdim and op is not body.last_op]
        self.inner = {op for op in self.ops if _spans(op, self.rdim.result, self.block)}
        self.online = _online_sums(self.ops, self.rdim.result, self.block)
        self.op_level: dict[Operation, int] = {}
        level: dict[SSAValue, int] = {}
        for op in self.ops:
            if op in self.online:  # runs in its max's loop
                lv = self.op_level[self.online[op].max_op]
            else:
                lv = max((level.get(o, 0) for o in _inputs(op)), default=0)
            self.op_level[op] = lv
            for r in op.results:
                level[r] = lv + 1 if _reduces_over(op, self.block) else lv
        self.stages: dict[int, list[Operation]] = defaultdict(list)
        self.outer: dict[int, list[Operation]] = defaultdict(list)
        for op in self.ops:
            if op not in self.inner:
                self.outer[self.op_level[op]].append(op)
            elif self._is_root(op, self.block, self.inner):
                self.stages[self.op_level[op]].append(op)

    def keeps_memory_order(self) -> bool:
        """Whether the stages, run one after another, read and write each tensor in the
        kernel's order: a stage that re-reads a tensor must not come after a stage that
        writes it later in the kernel (the re-read would see the new values), and a
        read placed in a stage before a write it follows would miss them."""
        when: dict[Operation, list[float]] = defaultdict(list)
        for lv, roots in self.stages.items():
            for op in self._needed(roots, self.inner):
                if isinstance(op, tile.LoadOp | tile.StoreOp | tile.AtomicOp):
                    when[op].append(lv)
        for lv, ops in self.outer.items():
            for op in ops:
                if isinstance(op, tile.LoadOp | tile.StoreOp | tile.AtomicOp):
                    when[op].append(lv - 0.5)  # before that stage's loop
        accesses = [op for op in self.ops if op in when]
        for i, first in enumerate(accesses):
            for later in accesses[i + 1 :]:
                writes = not isinstance(first, tile.LoadOp) or not isinstance(later, tile.LoadOp)
                if writes and memory_of(first) is memory_of(later):
                    if max(when[first]) > min(when[later]):
                        return False
        return True

    def emit(self, chunk: SSAValue) -> None:
        terminator = self.body.last_op
        assert terminator is not None
        for lv in range(max(self.op_level.values(), default=0) + 1):
            for op in self.outer[lv]:
                op.detach()
                self.body.insert_op_before(op, terminator)
            if self.stages[lv]:
                self._emit_stage(self.stages[lv], chunk, terminator)
        for op in reversed(self.ops):
            if op in self.inner:
                erase(op)
        erase(self.rdim)

    def _emit_stage(self, stage: list[Operation], chunk: SSAValue, before: Operation) -> None:
        block, inner, online, body = self.block, self.inner, self.online, self.body
        extent = self.rdim.extent
        zero = index_constant(0)
        body.insert_op_before(zero, before)
        reductions = [op for op in stage if _reduces_over(op, block)]
        running_max = {online[op].max_op for op in reductions if op in online}
        inits: list[Operation] = []
        for red in reductions:
            assert isinstance(red, tile.ReduceOp)
            fill = identity(red.kind.data, tile.element_type_of(red.source.type))
            # an online pair carries reduced values; other reductions, whole chunks
            carried = red.result if red in online or red in running_max else red.source
            init = tile.FullOp(fill, carried.type)  # type: ignore[arg-type]
            init.result.name_hint = f"{red.results[0].name_hint or 'red'}_acc"
            inits.append(init)
            body.insert_op_before(init, before)

        loop_body = Block(arg_types=[IndexType(), *(i.results[0].type for i in inits)])
        offset, *accs = loop_body.args
        for acc, init in zip(accs, inits):
            acc.name_hint = init.results[0].name_hint
        offset.name_hint = f"roffset.{block}"
        handle = loop.TileOp(offset, chunk, extent, block)
        handle.result.name_hint = f"rtile.{block}"
        loop_body.add_op(handle)

        mapping: dict[SSAValue, SSAValue] = {self.rdim.result: handle.result}
        needed = self._needed(stage, inner | _users_outside(running_max, inner, body))
        acc_of = dict(zip(reductions, accs))
        yields: dict[Operation, SSAValue] = {}
        for op in needed:
            if op not in acc_of:
                loop_body.add_op(op.clone(value_mapper=mapping))
                continue
            red = op
            assert isinstance(red, tile.ReduceOp)
            if red in running_max:
                yields[red] = mapping[red.result] = _running_max(
                    loop_body, red, acc_of[red], mapping
                )
            elif red in online:
                pair = online[red]
                yields[red] = _rescaled_sum(
                    loop_body, red, pair, acc_of[red], acc_of[pair.max_op], mapping
                )
            else:
                combined = combine_op(red.kind.data, acc_of[red], mapping[red.source])
                loop_body.add_op(combined)
                yields[red] = combined.results[0]
        loop_body.add_op(loop.YieldOp(*(yields[r] for r in reductions)))

        chunk_loop = loop.ReduceForOp(
            zero.result, extent, chunk, [i.results[0] for i in inits], Region(loop_body)
        )
        body.insert_op_before(chunk_loop, before)
        final_of = dict(zip(reductions, chunk_loop.res))
        for red in reductions:
            assert isinstance(red, tile.ReduceOp)
            if red in running_max:
                final = final_of[red]
            elif red in online:
                final = _nan_where_max_is_neg_inf(
                    body, before, final_of[red], final_of[online[red].max_op]
                )
            else:
                reduce = _reduce_like(red, final_of[red])
                body.insert_op_before(reduce, before)
                final = reduce.result
            final.name_hint = red.result.name_hint
            red.result.replace_all_uses_with(final)

    @staticmethod
    def _is_root(op: Operation, block: int, inner: set[Operation]) -> bool:
        """Whether a stage must emit `op` for itself: a reduction, an op with effects, or
        one whose value leaves the chunk loops. Other ops (a load only a later stage
        uses) go into the stages that need them, not the one their inputs allow."""
        return (
            _reduces_over(op, block)
            or not would_be_trivially_dead(op)
            or any(use.operation not in inner for r in op.results for use in r.uses)
        )

    @staticmethod
    def _needed(stage: list[Operation], inner: set[Operation]) -> list[Operation]:
        """The stage's ops plus the ops of `inner` they use, in program order."""
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


def _users_outside(
    running_max: set[Operation], inner: set[Operation], body: Block
) -> set[Operation]:
    """The ops of `body` outside `inner` that use a running max (reshapes of it): the
    chunk loop that finds the max needs its own copies of them."""
    found: set[Operation] = set()
    work = [m.results[0] for m in running_max]
    while work:
        for use in work.pop().uses:
            user = use.operation
            if user not in inner and user not in found and user.parent_block() is body:
                found.add(user)
                work.extend(user.results)
    return found


def _full_like(value: SSAValue, fill: float) -> tile.FullOp:
    return tile.FullOp(FloatAttr(fill, tile.element_type_of(value.type)), value.type)  # type: ignore[arg-type]


def _reduce_like(red: tile.ReduceOp, source: SSAValue) -> tile.ReduceOp:
    """`red`'s reduction (kind, dims, result type) of `source`."""
    return tile.ReduceOp(
        red.kind.data, source, red.reduced, red.keepdim is not None, red.result.type
    )


def _running_max(
    body: Block, red: tile.ReduceOp, acc: SSAValue, mapping: dict[SSAValue, SSAValue]
) -> SSAValue:
    """The max so far after this chunk."""
    chunk = _reduce_like(red, mapping[red.source])
    new = arith.MaximumfOp(acc, chunk.result)
    body.add_ops([chunk, new])
    return new.result


def _rescaled_sum(
    body: Block,
    red: tile.ReduceOp,
    pair: _Online,
    acc: SSAValue,
    old_max: SSAValue,
    mapping: dict[SSAValue, SSAValue],
) -> SSAValue:
    """The sum so far after this chunk, brought to the new max: acc * exp(old - new) +
    this chunk's sum; 0 while the max is `-inf` (every lane so far `-inf`, which adds
    nothing once a larger max comes, and NaN from `exp(-inf - -inf)` until then)."""
    new_max = mapping[pair.max_op.result]
    chunk = _reduce_like(red, mapping[red.source])
    diff = arith.SubfOp(old_max, new_max)
    scale = pair.exp(diff.result)
    kept = arith.MulfOp(acc, scale.result)
    total = arith.AddfOp(kept.result, chunk.result)
    neg_inf, zero = _full_like(new_max, float("-inf")), _full_like(total.result, 0.0)
    empty = tile.CmpOp(tile.Predicate.EQ, new_max, neg_inf.result)
    fixed = tile.WhereOp(empty.result, zero.result, total.result)
    body.add_ops([chunk, diff, scale, kept, total, neg_inf, zero, empty, fixed])
    return fixed.result


def _nan_where_max_is_neg_inf(
    body: Block, before: Operation, total: SSAValue, final_max: SSAValue
) -> SSAValue:
    """The sum as the two-loop form gives it: NaN where the max is `-inf`, since each
    lane it adds is then `exp(-inf - -inf)`."""
    neg_inf, nan = _full_like(final_max, float("-inf")), _full_like(total, float("nan"))
    empty = tile.CmpOp(tile.Predicate.EQ, final_max, neg_inf.result)
    fixed = tile.WhereOp(empty.result, nan.result, total)
    body.insert_ops_before([neg_inf, nan, empty, fixed], before)
    return fixed.result


def _picks_over(op: Operation, block: int) -> bool:
    """A max, min or arg-reduction over `block`: reductions with no value for no lanes."""
    if isinstance(op, tile.ArgReduceOp):
        return tile.dims_of(op.source.type)[op.axis] == tile.Blk(block)
    return _reduces_over(op, block) and op.kind.data in (tile.ReduceKind.MAX, tile.ReduceKind.MIN)


def _read_outside(value: SSAValue, block: int) -> bool:
    """Whether something computed from `value` is read other than as part of a tensor
    over `block`: when the block is empty such tensors have no elements to read."""
    seen, work = {value}, [value]
    while work:
        for use in work.pop().uses:
            if not use.operation.results:  # a store, an atomic or a yield reads it
                return True
            for r in use.operation.results:
                if tile.Blk(block) not in tile.dims_of(r.type) and r not in seen:
                    seen.add(r)
                    work.append(r)
    return False


def _check_empty_dim(rdim: tile.RDimOp) -> None:
    """Raise where a kernel reads a max, min or arg-reduction over an empty `:` dim,
    as torch does; inside a softmax such a max only meets the empty dim again."""
    block = tile.block_of(rdim.result)
    grid = rdim.parent_op()
    assert grid is not None
    for op in grid.walk():
        if _picks_over(op, block) and _read_outside(op.results[0], block):
            what = "an argmax or argmin" if isinstance(op, tile.ArgReduceOp) else "a max or min"
            raise exc.CompileError(
                f"{what} over a ':' dimension of size 0 has no value (torch raises here "
                "too): skip the call for empty inputs, or reduce with sum or prod, which "
                "give their identity for no elements",
                source_location(op),
            )


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
                if extent == 0:
                    _check_empty_dim(rdim)
                padded = next_pow2(extent)
                roller = _Roller(rdim) if rollable(rdim) else None
                if roller is not None and roller.keeps_memory_order():
                    default = None if padded <= PERSISTENT_LIMIT else PERSISTENT_LIMIT
                    domain = cfg.ChunkAttr(min(MIN_CHUNK, padded), padded)
                    param = cfg.ParamOp(cfg.RefAttr("reduction_loops", slot, domain, default))
                    param.result.name_hint = f"rblock.{tile.block_of(rdim.result)}"
                    entry.insert_op_before(param, entry.first_op)  # type: ignore[arg-type]
                    roller.emit(param.result)
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
