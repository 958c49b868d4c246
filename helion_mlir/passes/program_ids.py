"""How a bound `loop.launch` maps programs to tiles (used by `convert-loop-to-triton`).

From the launch's config values: `pid_type` (one program per tile in a flat or an xyz
grid, or a persistent grid of `num_sm * num_sm_multiplier` programs looping over the
tiles, in contiguous blocks or strided), `loop_order` (which dim varies fastest),
`l2_grouping` (group consecutive programs over a band of rows so that they share
inputs in L2) and `flatten` (one flat index over all dims instead of one tile per dim).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, TensorType, i32
from xdsl.ir import Block, Region, SSAValue

from helion_mlir import exc
from helion_mlir.backends.triton import dialect as tt
from helion_mlir.dialects import loop, tile
from helion_mlir.passes.ir_utils import const_int
from helion_mlir.tuner.config_spec import PERSISTENT

if TYPE_CHECKING:
    from helion_mlir.passes.convert_loop_to_triton import _Lowering


def cdiv(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class Flattened:
    """The launch dims a flattened grid covers with one flat index vector."""

    blocks: list[int]  # in dim order
    size: int  # flat block size: the product of the dims' block sizes


def map_programs(lw: _Lowering, launch: loop.LaunchOp) -> list[str]:
    """Emit the program-to-tile mapping; binds the launch's offsets. Returns the grid."""
    n = len(launch.lbs)
    bounds = []
    for d in range(n):
        lb, ub, step = (
            const_int(lw.vmap[v]) for v in (launch.lbs[d], launch.ubs[d], launch.steps[d])
        )
        if lb is None or ub is None or step is None:
            raise exc.InternalError("launch bounds must be constant (static shapes)")
        bounds.append((lb, ub, step))
    order: list[int] = lw.value(launch, "loop_order", list(range(n)))
    pid_type: str = lw.value(launch, "pid_type", "flat")
    group: int = lw.value(launch, "l2_grouping", 1)
    flatten: bool = n > 1 and lw.value(launch, "flatten", False)
    multiplier: int = lw.value(launch, "num_sm_multiplier", 1)

    size = 1
    if flatten:
        extent = 1
        for lb, ub, step in bounds:
            size *= step
            extent *= ub - lb
        counts = [cdiv(extent, size)]
    else:
        counts = [cdiv(max(ub - lb, 0), step) for lb, ub, step in bounds]
    total = 1
    for c in counts:
        total *= c

    grid: list[str]
    if pid_type in PERSISTENT:
        linear = _persistent_loop(lw, launch, pid_type, total)
        first_tensor = next((a for a in lw.entry.args if isinstance(a.type, tt.PointerType)), None)
        assert first_tensor is not None
        # {argN} stands for the launcher's N-th parameter, named by the emitter
        grid = [f"min({total}, _num_sm({{arg{first_tensor.index}}}) * {multiplier})"]
    elif pid_type == "xyz" and not flatten:
        pids = {order[a]: lw.emit(tt.ProgramIdOp(a), f"pid.{order[a]}") for a in range(n)}
        linear = None
        if group > 1:  # swizzle over the linearized grid
            linear = lw.const(0)
            scale = 1
            for d in order:
                linear = lw.add(linear, lw.mul(pids[d], lw.const(scale)))
                scale *= counts[d]
        grid = [str(counts[order[a]]) for a in range(n)]
    else:
        linear = lw.emit(tt.ProgramIdOp(0), "pid" if n > 1 else "pid.0")
        grid = [str(total)]
    if total == 0:
        grid = ["0"]

    if flatten:
        _flat_handles(lw, launch, bounds, order, linear, size)
    else:
        if linear is not None:
            pids = _decompose(lw, linear, counts, order, group)
        for d, (lb, _, step) in enumerate(bounds):
            scaled = lw.mul(pids[d], lw.const(step), f"offset.{d}")
            offset = lw.add(lw.const(lb), scaled, f"offset.{d}")
            lw.ranges[offset] = bounds[d]
            lw.vmap[launch.offsets[d]] = offset
    return grid


def _persistent_loop(lw: _Lowering, launch: loop.LaunchOp, kind: str, total: int) -> SSAValue:
    """Open the loop a persistent program runs over its tiles; returns the tile index."""
    pid = lw.emit(tt.ProgramIdOp(0), "pid")
    programs = lw.emit(tt.NumProgramsOp(0), "num_programs")
    if kind == "persistent_blocked":
        chunk = lw.emit(arith.CeilDivSIOp(lw.const(total), programs), "chunk")
        start = lw.emit(arith.MuliOp(pid, chunk), "start")
        end = lw.emit(arith.MinSIOp(lw.emit(arith.AddiOp(start, chunk)), lw.const(total)), "end")
        lb, ub, step = start, end, lw.const(1)
    else:
        lb, ub, step = pid, lw.const(total), programs
    body = Block(arg_types=[IndexType()])
    body.args[0].name_hint = "virtual_pid"
    loop_op = tt.ForOp(lb, ub, step, [], Region(body))
    lw.range_options(launch, loop_op)
    lw.emit(loop_op)
    lw.block = body
    lw.persistent_body = body
    return body.args[0]


def _decompose(
    lw: _Lowering, linear: SSAValue, counts: list[int], order: list[int], group: int
) -> dict[int, SSAValue]:
    """Per-dim program ids from a linear index: `order[0]` varies fastest; with an L2
    group size G, consecutive programs walk G rows of the first two dims together."""
    pids: dict[int, SSAValue] = {}
    rest = linear
    if group > 1 and len(order) >= 2:
        d0, d1 = order[0], order[1]
        n0, n1 = counts[d0], counts[d1]
        inner = rest
        if len(order) > 2:
            inner = lw.rem(rest, lw.const(n0 * n1))
            rest = lw.div(rest, lw.const(n0 * n1))
        in_group = lw.const(group * n1)
        first = lw.mul(lw.div(inner, in_group), lw.const(group), "first_pid")
        size = lw.emit(arith.MinSIOp(lw.sub(lw.const(n0), first), lw.const(group)), "group_size")
        local = lw.rem(inner, in_group)
        pids[d0] = lw.add(first, lw.rem(local, size), f"pid.{d0}")
        pids[d1] = lw.div(local, size, f"pid.{d1}")
        remaining = order[2:]
    else:
        remaining = order
    for i, d in enumerate(remaining):
        if i == len(remaining) - 1:
            pids[d] = rest
            if rest.name_hint is None:
                rest.name_hint = f"pid.{d}"
        else:
            pids[d] = lw.rem(rest, lw.const(counts[d]), f"pid.{d}")
            rest = lw.div(rest, lw.const(counts[d]))
    return pids


def _flat_handles(
    lw: _Lowering,
    launch: loop.LaunchOp,
    bounds: list[tuple[int, int, int]],
    order: list[int],
    linear: SSAValue | None,
    size: int,
) -> None:
    """One flat index vector for all dims (the last in `order` varying fastest, as
    memory does for row-major tensors); each dim's indices are recovered by % and //."""
    assert linear is not None
    vec = TensorType(i32, [size])
    arange = lw.emit(tt.ArangeOp(vec), "arange")
    start = lw.mul(linear, lw.const(size), "offset")
    flat = lw.emit(arith.AddiOp(lw.emit(tt.SplatOp(start, vec)), arange), "flat")
    extent = 1
    for lb, ub, _ in bounds:
        extent *= ub - lb
    mask = None
    if extent % size:
        mask = lw.emit(
            tt.CmpOp(tile.Predicate.LT, flat, lw.emit(tt.SplatOp(lw.const(extent), vec))), "mask"
        )
    indices: dict[int, SSAValue] = {}
    rest = flat
    dims = list(reversed(order))
    for i, d in enumerate(dims):
        lb, ub, _ = bounds[d]
        if i == len(dims) - 1:
            indices[d] = rest
        else:
            n = lw.emit(tt.SplatOp(lw.const(ub - lb), vec))
            indices[d] = lw.emit(arith.RemSIOp(rest, n), f"indices.{d}")
            rest = lw.emit(arith.DivSIOp(rest, n))
    if indices[dims[-1]].name_hint is None:
        indices[dims[-1]].name_hint = f"indices.{dims[-1]}"
    blocks = []
    for op in launch.body.block.ops:
        if isinstance(op, loop.TileOp) and op.offset in launch.offsets:
            d = launch.offsets.index(op.offset)
            blocks.append(tile.block_of(op.result))
            lw.flat_handle(op, indices[d], mask if d == order[0] else None)
    lw.flattened = Flattened(blocks, size)
