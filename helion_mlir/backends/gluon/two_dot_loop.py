"""The shape of kernel the warp-specialized Gluon schedule takes, found in a `triton`
kernel: one loop over key tiles holding two dots, the first of a tile loaded before
the loop (Q) with one loaded in the loop (K), the second accumulating into a
loop-carried accumulator from a function of the first's result (P) and another tile
loaded in the loop (V); after the loop, one store of the accumulator's rows (O).

`find` splits such a kernel into the parts the schedule places: ops before the loop,
the loop's ops that do not read the accumulator (they run while the previous tile's
second dot is in flight) and those that do (run after it completes), and ops after
the loop. Anything else is an `InvalidConfig` naming what does not fit, so a config
asking for this schedule on another kernel fails cleanly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from xdsl.dialects import arith
from xdsl.dialects.builtin import BFloat16Type, Float16Type, TensorType
from xdsl.ir import Operation, SSAValue

from helion_mlir import exc
from helion_mlir.backends.triton import dialect as tt
from helion_mlir.dialects import tile
from helion_mlir.passes.ir_utils import const_int

ROWS, COLUMNS = "rows", "columns"
# wgmma's m64 per consumer warpgroup, two consumers: the query tile the schedule takes
ROWS_PER_CONSUMER = 64
CONSUMERS = 2
BLOCK_M = ROWS_PER_CONSUMER * CONSUMERS


def unfit(what: str) -> exc.InvalidConfig:
    return exc.InvalidConfig(
        f"range_warp_specializes on Hopper runs the warp-specialized Gluon schedule, which "
        f"takes a loop of two dots (flash attention's shape); this kernel does not fit: "
        f"{what}. Set range_warp_specializes to None for this loop"
    )


@dataclass
class Tile:
    """A tile read or written through a descriptor, as the schedule addresses it: rows
    of a 2-D view of the tensor, the leading dims folded into the rows."""

    desc: tt.MakeDescriptorOp
    offsets: tuple[SSAValue, ...]
    block: tuple[int, int]  # [rows, cols] of one load or store
    transposed: bool = False  # a dot reads it permuted

    @property
    def folded_rows(self) -> int:
        """How many rows of the 2-D view one step of the first offset moves."""
        shape = [const_int(v) for v in self.desc.shape]
        return 1 if len(shape) == 2 else shape[-2]  # type: ignore[return-value]


@dataclass
class TwoDotLoop:
    loop: tt.ForOp
    before: list[Operation]
    q: Tile
    k: Tile
    v: Tile
    o: Tile
    qk: tt.DotOp
    pv: tt.DotOp
    acc_index: int  # which of the loop's carried values the second dot accumulates
    scores: list[Operation]  # loop ops independent of the accumulator
    rescale: list[Operation]  # loop ops reading it, before the second dot
    after: list[Operation]
    o_value: SSAValue  # the [BLOCK_M, D] value the store writes
    roles: dict[SSAValue, str]  # 1-D values over the key columns: COLUMNS (else rows)
    skipped: set[Operation] = field(default_factory=set)

    def role(self, value: SSAValue) -> str:
        return self.roles.get(value, ROWS)

    @property
    def trips(self) -> int | None:
        """The loop's trip count, where the bounds are constants (else each query tile
        computes its own: `n_tiles`)."""
        lb, ub, step = (const_int(v) for v in (self.loop.lb, self.loop.ub, self.loop.step))
        if lb is None or ub is None or step is None:
            return None
        return -(-(ub - lb) // step)

    @property
    def block_n(self) -> int:
        return self.k.block[0]

    @property
    def head_dim(self) -> int:
        return self.v.block[1]


def _chain_to_load(
    value: SSAValue, loop: tt.ForOp | None
) -> tuple[tt.DescLoadOp, list[Operation], bool]:
    """The descriptor load a dot operand comes from through reshapes and at most one
    transpose, those ops, and whether it is transposed."""
    chain: list[Operation] = []
    transposed = False
    op = value.owner
    while True:
        if isinstance(op, tt.ReshapeOp):
            chain.append(op)
            op = op.source.owner
        elif (
            isinstance(op, tt.PermuteOp)
            and tuple(op.perm.get_values()) == (1, 0)
            and not transposed
        ):
            chain.append(op)
            transposed = True
            op = op.source.owner
        elif isinstance(op, tt.DescLoadOp):
            break
        else:
            raise unfit(
                "a dot operand that is not a tile loaded through a tensor descriptor (TMA "
                "copies blocks of at most 256 a dim, and tensors with aligned strides)"
            )
    in_loop = loop is not None and op.parent_op() is loop
    if (loop is None) == in_loop:
        where = "in the loop" if loop is not None else "before the loop"
        raise unfit(f"a dot operand is not loaded {where}")
    for c in chain:
        if not c.results[0].has_one_use():
            raise unfit("a loaded tile is used other than by its dot")
    chain.append(op)
    return op, chain, transposed


def _tile(load: tt.DescLoadOp | tt.DescStoreOp, rows_per_block: int | None = None) -> Tile:
    desc = load.desc.owner
    if not isinstance(desc, tt.MakeDescriptorOp):
        raise unfit("a descriptor not made in the kernel")
    shape = [const_int(v) for v in desc.shape]
    strides = [const_int(v) for v in desc.strides]
    block = list(desc.block_shape.get_values())
    if None in shape or None in strides:
        raise unfit("a tensor whose sizes or strides are not specialized")
    if len(shape) not in (2, 3) or strides[-1] != 1:
        raise unfit("a tile that is not a row of a 2-D or 3-D tensor with unit inner stride")
    if len(shape) == 3:
        # fold [B, S, D] into [B*S, D] rows: a tile must never cross from one b to the next
        if block[0] != 1 or strides[0] != shape[1] * strides[1] or shape[1] % block[1]:
            raise unfit("a 3-D tile that does not fold into rows of its tensor")
        block = block[1:]
    if len(load.offsets) != len(shape) or const_int(load.offsets[-1]) != 0:
        raise unfit("a tile that does not start at column 0")
    if block[1] != shape[-1]:
        raise unfit("a tile narrower than its tensor's rows")
    rows = rows_per_block if rows_per_block is not None else block[0]
    return Tile(desc, tuple(load.offsets), (rows, block[1]))


def lower_bound(v: SSAValue) -> int | None:
    """A lower bound of an index value built from constants and program ids (which are
    at least 0) by additions, products and divisions, if it has one."""
    c = const_int(v)
    if c is not None:
        return c
    op = v.owner
    if isinstance(op, tt.ProgramIdOp):
        return 0
    if isinstance(op, arith.AddiOp | arith.MuliOp):
        lows = [lower_bound(x) for x in op.operands]
        if None in lows or (isinstance(op, arith.MuliOp) and min(lows) < 0):  # type: ignore[type-var]
            return None
        return lows[0] + lows[1] if isinstance(op, arith.AddiOp) else lows[0] * lows[1]  # type: ignore[operator]
    if isinstance(op, arith.DivSIOp | arith.RemSIOp):
        low, divisor = lower_bound(op.operands[0]), const_int(op.operands[1])
        return 0 if low is not None and low >= 0 and divisor is not None and divisor > 0 else None
    if isinstance(op, arith.MinSIOp):
        lows = [lower_bound(x) for x in op.operands]
        return None if None in lows else min(lows)  # type: ignore[type-var]
    return None


def undoes(op: Operation) -> bool:
    """Whether `op` is a reshape undoing the reshape it reads (unit dims added, then
    dropped, as a mask broadcast over a batch dim of one leaves)."""
    inner = op.operands[0].owner if isinstance(op, tt.ReshapeOp) else None
    return isinstance(inner, tt.ReshapeOp) and inner.source.type == op.results[0].type


def round_trips(value: SSAValue) -> bool:
    """Whether `value` exists only to be reshaped back (see `undoes`)."""
    return all(undoes(u.operation) for u in value.uses) and bool(value.uses)


def _is_vector(value: SSAValue) -> bool:
    return isinstance(value.type, TensorType) and len(value.type.get_shape()) == 1


def vector_roles(ops: list[Operation]) -> dict[SSAValue, str]:
    """Whether each 1-D value runs over the query rows (ROWS) or the key columns
    (COLUMNS): from how it is expanded to 2-D and what reduces into it, carried through
    elementwise ops and the loop. An index vector (`triton.arange`) may serve both, and
    is printed once per use; any other value serving both is refused."""
    seen: dict[SSAValue, set[str]] = {}
    links: list[tuple[SSAValue, SSAValue]] = []
    for outer in ops:
        for op in outer.walk():
            if isinstance(op, tt.ReshapeOp) and _is_vector(op.source):
                n = op.source.type.get_shape()[0]  # type: ignore[attr-defined]
                role = {(n, 1): ROWS, (1, n): COLUMNS}.get(tuple(op.result.type.get_shape()))
                if role is not None:
                    seen.setdefault(op.source, set()).add(role)
            elif isinstance(op, tt.ReduceOp) and _is_vector(op.result):
                seen.setdefault(op.result, set()).add(ROWS)
            elif isinstance(op, tt.ForOp):
                for group in zip(op.iter_args, op.carried, op.body.block.last_op.operands, op.res):  # type: ignore[union-attr]
                    links += [(group[0], other) for other in group[1:] if _is_vector(other)]
            elif op.results and _is_vector(op.results[0]):
                links += [(op.results[0], v) for v in op.operands if _is_vector(v)]
    aranges = {
        v
        for op in ops
        for inner in op.walk()
        for v in inner.results
        if isinstance(inner, tt.ArangeOp)
    }
    changed = True
    while changed:  # one role flows both ways along each link, never through an arange
        changed = False
        for a, b in links:
            if a in aranges or b in aranges:
                continue
            both = seen.get(a, set()) | seen.get(b, set())
            for v in (a, b):
                if both - seen.get(v, set()):
                    seen[v] = set(both)
                    changed = True
    mixed = [v for v, r in seen.items() if len(r) > 1 and v not in aranges]
    if mixed:
        raise unfit("a vector used both along the query rows and along the key columns")
    return {v: COLUMNS for v, r in seen.items() if r == {COLUMNS}}


def _uses_of(ops: Iterable[Operation]) -> set[SSAValue]:
    return {v for op in ops for inner in op.walk() for v in inner.operands}


def find(kernel: tt.KernelOp) -> TwoDotLoop:
    """Split `kernel` into the parts of the schedule, or raise InvalidConfig."""
    ops = list(kernel.body.block.ops)
    loops = [op for op in ops if isinstance(op, tt.ForOp)]
    if len(loops) != 1 or any(isinstance(op, tt.IfOp | tt.WhileOp) for op in ops):
        raise unfit("the kernel must run one loop, and no other control flow, per tile")
    loop = loops[0]
    at = ops.index(loop)
    before, after = ops[:at], ops[at + 1 :]
    lb, step = const_int(loop.lb), const_int(loop.step)
    if lb is None or step is None or (low := lower_bound(loop.ub)) is None or low <= lb:
        raise unfit(
            "the loop's start and step must be constants and its end provably past its "
            "start (a program that ran no key tile would wait forever)"
        )
    body = [op for op in loop.body.block.ops if not isinstance(op, tt.YieldOp)]
    dots = [op for op in body if isinstance(op, tt.DotOp)]
    if len(dots) != 2 or any(isinstance(o, tt.ForOp | tt.IfOp | tt.WhileOp) for o in body):
        raise unfit("the loop must hold exactly two dots and no nested control flow")
    qk, pv = dots
    if qk.acc is not None or pv.acc is None:
        raise unfit("the first dot must start from zero and the second accumulate")

    q_load, q_chain, q_t = _chain_to_load(qk.lhs, None)
    k_load, k_chain, k_t = _chain_to_load(qk.rhs, loop)
    v_load, v_chain, v_t = _chain_to_load(pv.rhs, loop)
    if q_t:
        raise unfit("the first dot's left operand is transposed")
    skipped = set(q_chain + k_chain + v_chain)

    carried = list(loop.carried)
    yielded = list(loop.body.block.last_op.operands)  # type: ignore[union-attr]
    acc_index = next((i for i, v in enumerate(yielded) if v == pv.results[0]), None)
    if acc_index is None:
        raise unfit("the second dot's result is not the loop's accumulator")
    acc_arg = carried[acc_index]

    # ops reading the accumulator (the rescale before the second dot)
    rescale_values = {acc_arg}
    rescale: list[Operation] = []
    scores: list[Operation] = []
    for op in body:
        if op in skipped or op is qk or op is pv:
            continue
        if any(v in rescale_values for v in op.operands):
            rescale.append(op)
            rescale_values.update(op.results)
        else:
            scores.append(op)
    if pv.acc not in rescale_values:
        raise unfit("the second dot does not accumulate into the loop's accumulator")
    if any(v in rescale_values for v in (pv.lhs, *_uses_of(scores))):
        raise unfit("the scores depend on the accumulator")
    if any(v in rescale_values for i, v in enumerate(yielded) if i != acc_index):
        raise unfit("a loop-carried value other than the accumulator reads it")
    if not pv.results[0].has_one_use():
        raise unfit("the second dot's result is used in the loop")
    if len(qk.results[0].type.get_shape()) != 2:
        raise unfit("the dots are not 2-D")

    stores = [op for op in after if isinstance(op, tt.DescStoreOp)]
    if len(stores) != 1 or any(
        isinstance(op, tt.StoreOp | tt.AtomicOp | tt.DescAtomicOp | tt.LoadOp | tt.DescLoadOp)
        for op in ops
        if op not in (q_load, stores[0])
    ):
        raise unfit("the kernel must store one tile after the loop and load only the three")
    store = stores[0]
    o_value = store.value
    while isinstance(o_value.owner, tt.ReshapeOp):
        skipped.add(o_value.owner)
        o_value = o_value.owner.source
    skipped.add(store)

    q = _tile(q_load, ROWS_PER_CONSUMER)
    k, v, o = _tile(k_load), _tile(v_load), _tile(store, ROWS_PER_CONSUMER)
    k.transposed, v.transposed = k_t, v_t
    block_m, head = qk.results[0].type.get_shape()[0], q.block[1]
    if block_m != BLOCK_M or o.block[1] != head or v.block[1] != head or k.block[1] != head:
        raise unfit(f"the query tile must be {BLOCK_M} rows (block size) with the head dim whole")
    if k.block[0] != v.block[0]:
        raise unfit("K and V tiles of different sizes")
    operands = {tile.element_type_of(x.type) for x in (qk.lhs, qk.rhs, pv.lhs, pv.rhs)}
    if len(operands) != 1 or not isinstance(operands.pop(), BFloat16Type | Float16Type):
        raise unfit("the dots must multiply bf16 or fp16 tiles, all of one type")
    roles = vector_roles(ops)
    for value in _uses_of(scores + rescale + after) | set(yielded):
        t = value.type
        if isinstance(t, TensorType) and value.owner not in skipped and not round_trips(value):
            shape = t.get_shape()
            if len(shape) > 2 or (len(shape) == 2 and shape[0] not in (BLOCK_M, 1)):
                raise unfit(
                    f"a tile of shape {list(shape)}: every tile must span the query rows "
                    "(or one row), every vector the query rows or the key columns"
                )
    result = TwoDotLoop(
        loop, before, q, k, v, o, qk, pv, acc_index, scores, rescale, after,
        o_value, roles, skipped,
    )  # fmt: skip
    if result.trips is not None and result.trips < 2:
        raise unfit("the loop runs fewer than two key tiles")
    if any(not isinstance(a.type, tt.PointerType) for a in kernel.body.block.args):
        raise unfit("a kernel argument that is not a tensor")
    descs = {t.desc for t in (q, k, v, o)}
    for arg in kernel.body.block.args:
        if any(u.operation not in descs for u in arg.uses):
            raise unfit("a tensor read other than through the three tiles and the store")
    return result


@dataclass(frozen=True)
class DiagonalMask:
    """A `where(rows >= cols, x, fill)` in the scores (causal attention's mask, `>` as
    well, either way round): true in every lane of a key tile that ends at or before a
    consumer's first query row, so such tiles can skip it."""

    where: tt.WhereOp
    rows_start: SSAValue  # the query tile's first row index (defined before the loop)
    strict: bool  # rows > cols rather than rows >= cols


def _through_shapes(value: SSAValue) -> SSAValue:
    """The value a reshape/broadcast chain starts from."""
    while isinstance(value.owner, tt.ReshapeOp | tt.BroadcastOp):
        value = value.owner.operands[0]
    return value


def _index_start(value: SSAValue) -> SSAValue | None:
    """`s` when `value` is `s` (splat) plus an index vector (`triton.arange`)."""
    op = value.owner
    if not isinstance(op, arith.AddiOp):
        return None
    for a, b in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
        if isinstance(a.owner, tt.SplatOp) and isinstance(b.owner, tt.ArangeOp):
            return a.owner.operands[0]
    return None


_DIAGONAL = {
    tile.Predicate.GE: (False, False),  # (rows on the right, strict)
    tile.Predicate.GT: (False, True),
    tile.Predicate.LE: (True, False),
    tile.Predicate.LT: (True, True),
}


def diagonal_mask(found: TwoDotLoop) -> DiagonalMask | None:
    """The scores' diagonal mask, if they have exactly one."""
    masks = []
    for op in found.scores:
        if not isinstance(op, tt.WhereOp):
            continue
        cmp = _through_shapes(op.cond).owner
        if not isinstance(cmp, tt.CmpOp) or cmp.predicate.data not in _DIAGONAL:
            continue
        swapped, strict = _DIAGONAL[cmp.predicate.data]
        rows, cols = (cmp.rhs, cmp.lhs) if swapped else (cmp.lhs, cmp.rhs)
        rows_start = _index_start(_through_shapes(rows))
        cols_start = _index_start(_through_shapes(cols))
        if rows_start is None or cols_start is not found.loop.iv:
            continue
        if rows_start.owner is not None and rows_start.owner.parent_op() is found.loop:
            continue  # the rows must be the query tile's, fixed across the loop
        masks.append(DiagonalMask(op, rows_start, strict))
    return masks[0] if len(masks) == 1 else None
