"""Small IR queries shared by several passes."""

from __future__ import annotations

import os
from collections.abc import Iterator

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    FileLineColLoc,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    Signedness,
)
from xdsl.ir import Attribute, Operation, SSAValue

from helion_mlir import exc
from helion_mlir.dialects import loop, mem, tile


def next_pow2(n: int) -> int:
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


def const_int(value: SSAValue) -> int | None:
    """The integer an `arith.constant` defines, if `value` is one."""
    op = value.owner
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        return op.value.value.data
    return None


def fixed_elements(lp: Operation) -> int:
    """The most elements a tensor in `lp`'s body has along dims of a fixed size (static
    dims, whole `:` dims kept in registers, blocks of a constant size): what each
    index of a loop over rows carries."""
    kernel = lp
    while not isinstance(kernel, tile.KernelOp) and kernel.parent_op() is not None:
        kernel = kernel.parent_op()
    sizes = {
        tile.block_of(t.result): size
        for t in kernel.walk()
        if isinstance(t, loop.TileOp) and (size := const_int(t.size)) is not None
    }
    most = 1
    for op in lp.walk():
        for v in op.results:
            n = 1
            for d in tile.dims_of(v.type):
                n *= sizes.get(d.id, 1) if isinstance(d, tile.Blk) else d
            most = max(most, n)
    return most


def index_constant(value: int) -> arith.ConstantOp:
    return arith.ConstantOp(IntegerAttr(value, IndexType()))


def kernels(module: ModuleOp) -> Iterator[tile.KernelOp]:
    for op in module.ops:
        if isinstance(op, tile.KernelOp):
            yield op


# Op -> the pass of the config-free pipeline (`pipelines.config_free_stages`) that
# lowers it; a later pass skips it (convert-loop-to-triton lowers launches, so a kernel
# still in a tile.grid would vanish). Masks go in only before rolling, and inserting
# them again is harmless, so a kernel with tile loops starts over.
_LOWERED_BY: dict[type[Operation], str] = {
    tile.GridOp: "tile-insert-masks",
    tile.ForOp: "tile-insert-masks",
    tile.RDimOp: "roll-reductions",
    tile.LoadOp: "materialize-addressing",
    tile.StoreOp: "materialize-addressing",
    tile.AtomicOp: "materialize-addressing",
}


def require_lowered(module: ModuleOp, pass_name: str) -> None:
    """Raise if `module` holds an op that a pass before `pass_name` lowers: passes run
    out of order, which would drop or misread it."""
    from helion_mlir.passes.pipelines import config_free_stages  # it imports every pass

    pending = [op for op in module.walk() if type(op) in _LOWERED_BY]
    if not pending:
        return
    order = [p.name for stage in config_free_stages().values() for p in stage]
    op = min(pending, key=lambda op: order.index(_LOWERED_BY[type(op)]))
    still = order[order.index(_LOWERED_BY[type(op)]) :]
    raise exc.CompileError(
        f"{pass_name} expects a kernel at the mem stage with its config bound, but the "
        f"module still has {describe_owner(op)}, which earlier passes lower: run -p "
        f"{','.join([*still, 'bind-config', pass_name])} (or -t triton without -p, "
        "which lowers a module at any stage)"
    )


def describe_owner(op: Operation) -> str:
    """The op's name and, when known, the file and line it comes from."""
    loc = op.location
    if not isinstance(loc, FileLineColLoc):
        return op.name
    return f"{op.name} ({os.path.basename(loc.filename.data)}:{loc.line.data})"


def source_location(op: Operation) -> exc.SourceLocation | None:
    """Where in the user's kernel `op` comes from, if known."""
    loc = op.location
    if not isinstance(loc, FileLineColLoc):
        return None
    return exc.SourceLocation(loc.filename.data, loc.line.data, loc.column.data)


def handle_defs(kernel: Operation) -> dict[int, list[SSAValue]]:
    """Block id -> the `!tile.tile` values that introduce it, for tile-level kernels
    (loops sharing a registered block size share its block)."""
    defs: dict[int, list[SSAValue]] = {}
    for op in kernel.walk():
        if isinstance(op, tile.GridOp | tile.ForOp):
            for h in op.handles:
                defs.setdefault(tile.block_of(h), []).append(h)
        elif isinstance(op, tile.RDimOp):
            defs.setdefault(tile.block_of(op.result), []).append(op.result)
    return defs


def handle_in_scope(handles: list[SSAValue], user: Operation) -> SSAValue | None:
    """The handle among `handles` that `user` sees: one whose loop (or rdim's block)
    encloses it."""
    for h in handles:
        scope = h.owner.parent_block() if isinstance(h.owner, Operation) else h.owner
        op: Operation | None = user
        while op is not None:
            if op.parent_block() is scope:
                return h
            op = op.parent_op()
    return None


def identity(kind: tile.ReduceKind, element_type: Attribute) -> FloatAttr | IntegerAttr:
    """The value that `kind` leaves unchanged, as an attribute of `element_type`."""
    if isinstance(element_type, IntegerType):
        width = element_type.width.data
        unsigned = width == 1 or element_type.signedness.data == Signedness.UNSIGNED
        lo, hi = (
            (0, (1 << width) - 1) if unsigned else (-(1 << (width - 1)), (1 << (width - 1)) - 1)
        )
        value = {
            tile.ReduceKind.SUM: 0,
            tile.ReduceKind.PROD: 1,
            tile.ReduceKind.MAX: lo,
            tile.ReduceKind.MIN: hi,
        }[kind]
        return IntegerAttr(value, element_type)
    value = {
        tile.ReduceKind.SUM: 0.0,
        tile.ReduceKind.PROD: 1.0,
        tile.ReduceKind.MAX: float("-inf"),
        tile.ReduceKind.MIN: float("inf"),
    }[kind]
    return FloatAttr(value, element_type)  # type: ignore[arg-type]


def memory_of(
    op: tile.LoadOp | tile.StoreOp | tile.AtomicOp | mem.LoadOp | mem.StoreOp | mem.AtomicOp,
) -> SSAValue:
    """The memref an access reads or writes."""
    return op.source if isinstance(op, tile.LoadOp | mem.LoadOp) else op.dest


def erase(op: Operation) -> None:
    """Detach `op` from its block (if any) and erase it; its results must be unused."""
    block = op.parent_block()
    if block is None:
        op.erase()
    else:
        block.erase_op(op)


def compare(predicate: str, lhs: SSAValue, rhs: SSAValue) -> Operation:
    """`tile.cmp` on scalars or tensors."""
    return tile.CmpOp(tile.Predicate(predicate), lhs, rhs)
