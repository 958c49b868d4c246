"""`convert-loop-to-triton`: lower a bound kernel to the `triton` emission dialect.

Input is a `tile.kernel` whose config slots are all values (after `bind-config`).
Each `loop.launch` becomes a `triton.kernel` plus a `triton.launcher` with the grid and
launch options; `program_ids.py` maps programs to tiles (pid type, loop order, L2
grouping, flattening, persistence). Each handle gets its index vector
(`offset + arange`) and, unless its tiles are provably full, a bounds mask. Each `mem`
access takes its `indexing` form when legal for it (block pointers and tensor
descriptors need whole-tile subscripts; descriptors also need one unit-stride dim,
other strides aligned and nonzero, and blocks of at most 256 a dim; a tile of a view
whose unit stride is not last, a transposed one, goes through a descriptor of the
memory's own dim order and is transposed in the kernel) and falls back to pointer
arithmetic (`base + sum(indices_d * stride_d)`) otherwise, as do accesses with a
kernel-given mask (ANDed into the bounds mask).
Atomics become `tl.atomic_*` on pointers, or TMA reductions when `atomic_indexing`
asks for a descriptor and the atomic is a relaxed add whose old values go unused;
`tl.atomic_cas` has no mask, so the out-of-bounds lanes of a compare-and-swap are made
harmless instead. Sorts and top-k with indices sort integer keys packed with positions.
Loops get their `tl.range` options; `tile.mask` becomes a `where`, and
every tensor type takes the concrete block sizes, less the grid blocks of size 1 that
no op needs as a dim (their tile is one index, a scalar offset of each access).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AnyFloat,
    BoolAttr,
    FloatAttr,
    IndexType,
    IntAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
    UnitAttr,
    bf16,
    f16,
    f32,
    i1,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, BlockArgument, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.traits import is_side_effect_free

from helion_mlir import exc
from helion_mlir.backends.triton import dialect as tt
from helion_mlir.dialects import cfg, loop, mem, tile
from helion_mlir.passes import program_ids
from helion_mlir.passes.ir_utils import (
    const_int,
    erase,
    kernels,
    memory_of,
    require_lowered,
    source_location,
)

_INDEX = IndexType()


def element_bytes(t: Attribute) -> int:
    width = getattr(t, "bitwidth", None) or getattr(getattr(t, "width", None), "data", 32)
    return max(1, width // 8)


# Triton's largest tensor (`triton.language.TRITON_MAX_TENSOR_NUMEL`)
MAX_TILE_NUMEL = 1 << 20


@dataclass
class _Handle:
    """What the lowered kernel knows about one tile handle."""

    block: int
    offset: SSAValue
    size: int
    end: SSAValue
    full: bool
    anchor: Operation
    flat: bool = False
    indices: SSAValue | None = None
    mask: SSAValue | None = None
    expanded: dict[tuple[str, int, int], SSAValue] = field(default_factory=dict)


def _block_sizes(kernel: tile.KernelOp) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for op in kernel.walk():
        if isinstance(op, cfg.ParamOp):
            raise exc.InternalError(
                f"convert-loop-to-triton needs a bound module; {op.slot.slot_name()} is unbound"
            )
        if isinstance(op, loop.TileOp):
            block = tile.block_of(op.result)
            size = const_int(op.size)
            if size is None:
                raise exc.InternalError(f"block {block} has no constant size after binding")
            if sizes.setdefault(block, size) != size:
                raise exc.InternalError(f"block {block} has two sizes: {sizes[block]}, {size}")
    return sizes


class _Lowering:
    """Lowers one launch of a bound `tile.kernel` into `triton.kernel` +
    `triton.launcher` ops named `kernel_name` and `launcher_name`."""

    def __init__(
        self, kernel: tile.KernelOp, launch: loop.LaunchOp, kernel_name: str, launcher_name: str
    ):
        self.kernel = kernel
        self.launch = launch
        self.kernel_name, self.launcher_name = kernel_name, launcher_name
        self.sizes = _block_sizes(kernel)
        self.vmap: dict[SSAValue, SSAValue] = {}
        self.handles: dict[SSAValue, _Handle] = {}
        # block id -> its handle in the scope being lowered (the latest made, as scopes
        # nest in program order); gathers find the masks of their index's dims here
        self.block_handles: dict[int, _Handle] = {}
        # new offset value -> (lb, ub, step) of the loop producing it, when constant
        self.ranges: dict[SSAValue, tuple[int, int, int]] = {}
        # offsets of loops with runtime bounds a whole number of steps apart (a loop over
        # the rows of an enclosing tile, or up to its end): offset -> (upper bound, step)
        self.spans: dict[SSAValue, tuple[SSAValue, int]] = {}
        self.consts: dict[tuple[int, Attribute], SSAValue] = {}
        self.flattened: program_ids.Flattened | None = None
        self.persistent_body: Block | None = None
        # (base, block, dim order) -> descriptor
        self.descriptors: dict[tuple[SSAValue, tuple[int, ...], tuple[int, ...]], SSAValue] = {}
        self.uses_descriptors = False
        # grid blocks of size 1 that no tensor keeps as a dim (`_unit_blocks`)
        self.squeezed: set[int] = set()

    # -- types and constants ---------------------------------------------------------

    def type(self, t: Attribute, squeeze: bool = True) -> Attribute:
        """`t` with concrete block sizes (without the squeezed unit dims, if `squeeze`)."""
        if isinstance(t, TensorType):
            shape: list[int] = []
            flat = self.flattened
            for d in tile.dims_of(t):
                if squeeze and self.is_squeezed(d):
                    continue
                if flat is not None and isinstance(d, tile.Blk) and d.id in flat.blocks:
                    if d.id == flat.blocks[0]:
                        shape.append(flat.size)  # the flattened dims are one dim
                    continue
                shape.append(self.sizes[d.id] if isinstance(d, tile.Blk) else d)
            if math.prod(shape) > MAX_TILE_NUMEL:
                raise exc.InvalidConfig(
                    f"the block sizes make a tile of shape {shape} ({math.prod(shape)} "
                    f"elements); Triton allows at most {MAX_TILE_NUMEL} per tile: use smaller "
                    "block sizes"
                )
            return TensorType(t.element_type, shape)
        if isinstance(t, MemRefType):
            return tt.PointerType(t.element_type)
        return t

    def broadcast_source(self, op: tile.BroadcastOp) -> SSAValue:
        """The source of a broadcast without the 1s that stand where the result has a
        squeezed dim (the broadcast would have widened them to it)."""
        source = self.vmap[op.source]
        result_dims = tile.dims_of(op.result.type)
        if not any(self.is_squeezed(d) for d in result_dims):
            return source
        full = self.type(op.source.type, squeeze=False).get_shape()  # type: ignore[attr-defined]
        shape = [n for n, d in zip(full, result_dims) if not self.is_squeezed(d)]
        if list(source.type.get_shape()) == shape:  # type: ignore[attr-defined]
            return source
        t = TensorType(source.type.element_type, shape)  # type: ignore[attr-defined]
        return self.emit(tt.ReshapeOp(source, t))

    def is_squeezed(self, d: tile.Dim) -> bool:
        return isinstance(d, tile.Blk) and d.id in self.squeezed

    def _prepend(self, op: Operation) -> SSAValue:
        """Put `op` at the top of the kernel, where it dominates everything."""
        first = self.entry.first_op
        if first is None:
            self.entry.add_op(op)
        else:
            self.entry.insert_op_before(op, first)
        return op.results[0]

    def const(self, value: int, typ: Attribute = _INDEX) -> SSAValue:
        key = (value, typ)
        if key not in self.consts:
            self.consts[key] = self._prepend(arith.ConstantOp(IntegerAttr(value, typ)))
        return self.consts[key]

    def dot(self, op: tile.DotOp) -> None:
        """`tl.dot`; a batched dot whose batch block is 1 as a 2-D dot between reshapes,
        since only 2-D dots reach Hopper's warpgroup MMA (a 3-D one runs far slower)."""
        lhs, rhs = self.vmap[op.lhs], self.vmap[op.rhs]
        acc = self.vmap[op.acc] if op.acc is not None else None
        result_type = self.type(op.result.type)
        assert isinstance(result_type, TensorType)
        shape = list(result_type.get_shape())
        if len(shape) != 3 or shape[0] != 1:
            new = tt.DotOp(lhs, rhs, acc, result_type)  # type: ignore[arg-type]
            self.vmap[op.result] = self.emit(new, op.result.name_hint or "dot")
            return

        def squeeze(v: SSAValue) -> SSAValue:
            t = v.type
            assert isinstance(t, TensorType)
            flat = TensorType(t.element_type, list(t.get_shape())[1:])
            return self.emit(tt.ReshapeOp(v, flat), v.name_hint)

        flat_type = TensorType(result_type.element_type, shape[1:])
        acc2 = squeeze(acc) if acc is not None else None
        dot = self.emit(tt.DotOp(squeeze(lhs), squeeze(rhs), acc2, flat_type), "dot")  # type: ignore[arg-type]
        self.vmap[op.result] = self.emit(
            tt.ReshapeOp(dot, result_type), op.result.name_hint or "dot"
        )

    def emit(self, op: Operation, name: str | None = None) -> SSAValue:
        self.block.add_op(op)
        if name is not None and op.results:
            op.results[0].name_hint = name
        return op.results[0] if op.results else None  # type: ignore[return-value]

    # -- scalar index arithmetic, folded when constant -------------------------------

    def _fold(self, a: SSAValue, b: SSAValue, fn, op_type, name=None) -> SSAValue:
        ca, cb = const_int(a), const_int(b)
        if ca is not None and cb is not None:
            return self.const(fn(ca, cb))
        return self.emit(op_type(a, b), name)

    def add(self, a: SSAValue, b: SSAValue, name=None) -> SSAValue:
        if const_int(a) == 0:
            return b
        if const_int(b) == 0:
            return a
        return self._fold(a, b, lambda x, y: x + y, arith.AddiOp, name)

    def mul(self, a: SSAValue, b: SSAValue, name=None) -> SSAValue:
        if const_int(b) == 1:
            return a
        return self._fold(a, b, lambda x, y: x * y, arith.MuliOp, name)

    def sub(self, a: SSAValue, b: SSAValue, name=None) -> SSAValue:
        return self._fold(a, b, lambda x, y: x - y, arith.SubiOp, name)

    def div(self, a: SSAValue, b: SSAValue, name=None) -> SSAValue:
        if const_int(b) == 1:
            return a
        return self._fold(a, b, lambda x, y: x // y, arith.DivSIOp, name)

    def rem(self, a: SSAValue, b: SSAValue, name=None) -> SSAValue:
        return self._fold(a, b, lambda x, y: x % y, arith.RemSIOp, name)

    @staticmethod
    def value(op: Operation, prop: str, default: Any) -> Any:
        """The bound value of a config property of `op` (`default` when absent)."""
        attr = op.properties.get(prop)
        if attr is None:
            return default
        if isinstance(attr, cfg.RefAttr):
            raise exc.InternalError(f"{op.name}: config slot {attr.slot_name()} is unbound")
        return cfg.attr_value(attr)

    def range_options(self, op: Operation, new: tt.ForOp) -> None:
        """Copy a loop's bound `tl.range` options onto its `triton.for`."""
        unroll = self.value(op, "range_unroll_factor", 0)
        stages = self.value(op, "range_num_stages", 0)
        multi_buffer = self.value(op, "range_multi_buffer", None)
        flatten = self.value(op, "range_flatten", None)
        if self.value(op, "static_range", False):
            new.properties["static"] = UnitAttr()
            return
        if unroll:
            new.properties["loop_unroll_factor"] = IntAttr(unroll)
        if stages:
            new.properties["num_stages"] = IntAttr(stages)
        if multi_buffer is not None:
            new.properties["disallow_acc_multi_buffer"] = BoolAttr.from_bool(not multi_buffer)
        if flatten is not None:
            new.properties["flatten"] = BoolAttr.from_bool(flatten)
        if self.value(op, "range_warp_specialize", None):
            new.properties["warp_specialize"] = BoolAttr.from_bool(True)
        if self.value(op, "gluon_warp_specialize", None):
            new.properties["gluon_warp_specialize"] = UnitAttr()

    # -- kernel and launch ---------------------------------------------------------

    def run(self) -> tuple[tt.KernelOp, tt.LauncherOp]:
        launch = self.launch
        args = _args_of(self.kernel, launch)
        sources = [
            self.kernel.sources.data[a.index].data
            for a in args  # type: ignore[attr-defined]
        ]
        kernel = tt.KernelOp(self.kernel_name, [self.type(a.type) for a in args])
        self.entry = kernel.body.block
        self.block = self.entry
        for old, new in zip(args, self.entry.args):
            new.name_hint = old.name_hint
            self.vmap[old] = new
        for op in self.kernel.body.block.ops:
            if isinstance(op, arith.ConstantOp):
                self.vmap[op.result] = self.const_like(op)
            elif not isinstance(op, loop.LaunchOp):
                raise exc.InternalError(f"no Triton lowering for kernel-level {op.name}")
        self.program_start = self.emit(arith.ConstantOp(IntegerAttr(0, IndexType()))).owner
        grid = program_ids.map_programs(self, launch)
        self.squeezed = _unit_blocks(launch, self.sizes, self.flattened)
        self.lower_block(launch.body.block)
        if self.persistent_body is not None:
            self.persistent_body.add_op(tt.YieldOp())
        if self.uses_descriptors:  # Helion's rule: no software pipelining with TMA
            for op in kernel.walk():
                if isinstance(op, tt.ForOp) and "num_stages" in op.properties:
                    del op.properties["num_stages"]
        launcher = tt.LauncherOp(
            self.launcher_name,
            kernel.sym_name.data,
            grid,
            sources,
            self.int_operand(launch.num_warps, "num_warps"),
            self.int_operand(launch.num_stages, "num_stages"),
        )
        maxnreg = self.value(launch, "maxnreg", None)
        if maxnreg is not None and self.value(launch, "pid_type", "flat") in program_ids.PERSISTENT:
            launcher.properties["maxnreg"] = IntAttr(maxnreg)
        return kernel, launcher

    def const_like(self, op: arith.ConstantOp) -> SSAValue:
        if isinstance(op.value, IntegerAttr) and isinstance(op.value.type, IndexType):
            return self.const(op.value.value.data)
        return self._prepend(op.clone())

    def fold_constant(self, op: Operation) -> bool:
        """Lower a splat or conversion of a constant to a constant of the result type
        (config values read in device code arrive as such)."""
        value = _constant_value(self.vmap[op.operands[0]])
        if value is None:
            return False
        t = self.type(op.results[0].type)
        elt = t.element_type if isinstance(t, TensorType) else t
        if isinstance(elt, AnyFloat):
            attr: Attribute = FloatAttr(float(value), elt)
        elif isinstance(elt, IntegerType | IndexType):
            attr = IntegerAttr(int(bool(value)) if elt == i1 else int(value), elt)
        else:
            return False
        if isinstance(t, TensorType):
            self.vmap[op.results[0]] = self.emit(tt.FullOp(attr, t), op.results[0].name_hint)  # type: ignore[arg-type]
        elif isinstance(elt, IndexType):
            self.vmap[op.results[0]] = self.const(int(value))
        else:
            self.vmap[op.results[0]] = self._prepend(arith.ConstantOp(attr))
        return True

    def int_operand(self, value: SSAValue, what: str) -> int:
        v = const_int(value)
        if v is None:
            raise exc.InternalError(f"{what} must be a constant after binding")
        return v

    # -- bodies --------------------------------------------------------------------

    def lower_block(self, block: Block) -> None:
        for op in block.ops:
            self.lower(op)

    def lower(self, op: Operation) -> None:
        match op:
            case arith.ConstantOp():
                self.vmap[op.result] = self.const_like(op)
            case loop.YieldOp():
                if not isinstance(op.parent_op(), loop.LaunchOp):
                    self.emit(tt.YieldOp(*(self.vmap[v] for v in op.values)))
            case loop.TileOp() if op.result not in self.handles:
                self.tile_handle(op)
            case loop.TileOp():
                pass
            case loop.ForOp() | loop.ReduceForOp():
                self.serial_loop(op)
            case tile.IfOp():
                self.if_(op)
            case tile.WhileOp():
                self.while_(op)
            case mem.LoadOp() | mem.StoreOp():
                self.access(op)
            case mem.AtomicOp():
                self.atomic(op)
            case tile.IotaOp():
                self.vmap[op.result] = self.emit(
                    tt.ArangeOp(self.type(op.result.type)), op.result.name_hint
                )  # type: ignore[arg-type]
            case tile.FullOp():
                new = tt.FullOp(op.value, self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.SplatOp() | tile.CastOp() | arith.IndexCastOp() if self.fold_constant(op):
                pass
            case tile.SplatOp():
                new = tt.SplatOp(self.vmap[op.source], self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.BroadcastOp():
                new = tt.BroadcastOp(self.broadcast_source(op), self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.ReshapeOp() if self.type(op.result.type) == self.vmap[op.source].type:
                self.vmap[op.result] = self.vmap[op.source]  # only squeezed dims differed
            case tile.ReshapeOp():
                new = tt.ReshapeOp(self.vmap[op.source], self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.TileAttrBase():
                self.vmap[op.result] = self.tile_attr(op)
            case tile.IndexOp():
                h = self.handles[op.handle]
                self.vmap[op.result] = self._indices(h)
            case tile.RelabelOp() if self.type(op.result.type) != self.vmap[op.source].type:
                # a static 1 renamed as a squeezed block: the dim goes
                new = tt.ReshapeOp(self.vmap[op.source], self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.RelabelOp():  # the block is exactly the static size it renames
                self.vmap[op.result] = self.vmap[op.source]
            case tile.ReduceOp():
                self.reduce(op)
            case tile.DotOp():
                self.dot(op)
            case tile.MaskOp():
                self.mask(op)
            case tile.CastOp():
                new = tt.CastOp(self.vmap[op.source], self.type(op.result.type))
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.CmpOp():
                new = tt.CmpOp(
                    op.predicate.data,
                    self.vmap[op.lhs],
                    self.vmap[op.rhs],
                    self.type(op.result.type),
                )
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.WhereOp():
                new = tt.WhereOp(self.vmap[op.cond], self.vmap[op.lhs], self.vmap[op.rhs])
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.SortOp() | tile.TopkOp() if _keyed(op):
                self.keyed_sort(op)
            case (
                tile.PermuteOp()
                | tile.ArgReduceOp()
                | tile.ScanOp()
                | tile.FlipOp()
                | tile.SortOp()
                | tile.TopkOp()
            ):
                new = _MIRRORS[type(op)].create(
                    operands=[self.vmap[op.source]],
                    result_types=[self.type(op.result.type)],
                    properties=dict(op.properties),
                )
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.CombineOp():
                self.combine(op)
            case tile.GatherOp():
                new = tt.GatherOp(
                    self.vmap[op.source], self.vmap[op.index], op.axis, self.type(op.result.type)
                )
                self.vmap[op.result] = self.emit(new, op.result.name_hint or "gather")
            case tile.RandOp():
                new = tt.RandOp(
                    self.vmap[op.seed], self.vmap[op.offsets], self.type(op.result.type)
                )
                self.vmap[op.result] = self.emit(new, op.result.name_hint or "rand")
            case tile.JoinOp():
                new = tt.JoinOp(self.vmap[op.lhs], self.vmap[op.rhs], self.type(op.result.type))
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.SplitOp():
                new = tt.SplitOp(self.vmap[op.source], self.type(op.lhs.type))
                self.emit(new)
                self.vmap[op.lhs], self.vmap[op.rhs] = new.lhs, new.rhs
            case _ if op.dialect_name() in ("arith", "math"):
                new = op.create(
                    operands=[self.vmap[o] for o in op.operands],
                    result_types=[self.type(r.type) for r in op.results],
                    properties=dict(op.properties),
                    attributes=dict(op.attributes),
                )
                new.location = op.location
                self.vmap[op.results[0]] = self.emit(new, op.results[0].name_hint)
            case _:
                raise exc.InternalError(f"no Triton lowering for {op.name}")

    def serial_loop(self, op: loop.ForOp | loop.ReduceForOp) -> None:
        lb, ub, step = (self.vmap[v] for v in (op.lb, op.ub, op.step))
        body = Block(arg_types=[IndexType(), *(self.type(a.type) for a in op.carried)])
        for old, new in zip(op.body.block.args, body.args):
            new.name_hint = old.name_hint
            self.vmap[old] = new
        bounds = (const_int(lb), const_int(ub), const_int(step))
        if None not in bounds:
            self.ranges[body.args[0]] = bounds  # type: ignore[assignment]
        elif bounds[2] is not None and _whole_steps(lb, ub, bounds[2]):
            self.spans[body.args[0]] = (ub, bounds[2])
        outer = self.block
        self.block = body
        self.lower_block(op.body.block)
        self.block = outer
        new = tt.ForOp(lb, ub, step, [self.vmap[v] for v in op.iter_args], Region(body))
        new.location = op.location  # where a config's loop options point the user
        self.range_options(op, new)
        self.emit(new)
        for old, res in zip(op.res, new.res):
            res.name_hint = old.name_hint
            self.vmap[old] = res

    def if_(self, op: tile.IfOp) -> None:
        """A `triton.if`, or just the branch a condition known after binding picks."""
        cond = self.vmap[op.cond]
        known = _constant_value(cond)
        if known is not None:
            yielded = self._lower_branch(op.then if known else op.otherwise)
            for r, v in zip(op.res, yielded):
                self.vmap[r] = v
            return
        regions = []
        outer = self.block
        for region in (op.then, op.otherwise):
            block = Block()
            self.block = block
            block.add_op(tt.YieldOp(*self._lower_branch(region)))
            regions.append(Region(block))
        self.block = outer
        new = tt.IfOp(cond, [self.type(r.type) for r in op.res], *regions)
        self.emit(new)
        for old, res in zip(op.res, new.res):
            res.name_hint = old.name_hint
            self.vmap[old] = res

    def while_(self, op: tile.WhileOp) -> None:
        regions = []
        outer = self.block
        for region in (op.before, op.body):
            block = Block(arg_types=[self.type(a.type) for a in region.block.args])
            for old, new in zip(region.block.args, block.args):
                new.name_hint = old.name_hint
                self.vmap[old] = new
            self.block = block
            block.add_op(tt.YieldOp(*self._lower_branch(region)))
            regions.append(Region(block))
        self.block = outer
        new = tt.WhileOp([self.vmap[v] for v in op.inits], *regions)
        self.emit(new)
        for old, res in zip(op.res, new.res):
            res.name_hint = old.name_hint
            self.vmap[old] = res

    def combine(self, op: tile.CombineOp) -> None:
        """The combine region is lowered like a branch, over 0-d values."""
        block = Block(arg_types=[a.type for a in op.combine.block.args])
        for old, new in zip(op.combine.block.args, block.args):
            new.name_hint = old.name_hint
            self.vmap[old] = new
        outer, self.block = self.block, block
        block.add_op(tt.YieldOp(*self._lower_branch(op.combine)))
        self.block = outer
        new = tt.CombineOp.create(
            operands=[self.vmap[v] for v in op.inputs],
            result_types=[self.type(r.type) for r in op.res],
            properties=dict(op.properties),
            regions=[Region(block)],
        )
        self.emit(new)
        for old, res in zip(op.res, new.results):
            res.name_hint = old.name_hint
            self.vmap[old] = res

    def _lower_branch(self, region: Region) -> list[SSAValue]:
        """Lower a branch's ops into the current block; the values it yields."""
        *body, last = region.block.ops
        for inner in body:
            self.lower(inner)
        return [self.vmap[v] for v in last.operands]

    # -- handles, addressing and masks ---------------------------------------------

    def tile_handle(self, op: loop.TileOp) -> None:
        offset, end = self.vmap[op.offset], self.vmap[op.end]
        block = tile.block_of(op.result)
        size = self.sizes[block]
        # The handle's index vector and mask go after this marker, so that they
        # dominate every use in the handle's scope; DCE removes the marker.
        marker = arith.ConstantOp(IntegerAttr(0, IndexType()))
        self.emit(marker)
        full = self._full(offset, size, end)
        if block in self.squeezed and not full:
            raise exc.InternalError(f"squeezed block {block} has lanes out of bounds")
        h = self.handles[op.result] = _Handle(block, offset, size, end, full, marker)
        self.block_handles[block] = h

    def flat_handle(self, op: loop.TileOp, indices: SSAValue, mask: SSAValue | None) -> None:
        """A handle of a flattened launch: its indices come from the flat index vector."""
        block = tile.block_of(op.result)
        h = _Handle(
            block,
            self.const(0),
            self.sizes[block],
            self.vmap.get(op.end, self.const(0)),
            mask is None,
            indices.owner,
            flat=True,
        )  # type: ignore[arg-type]
        h.indices, h.mask = indices, mask
        self.handles[op.result] = self.block_handles[block] = h

    def tile_attr(self, op: tile.TileAttrBase) -> SSAValue:
        h = self.handles[op.handle]
        if isinstance(op, tile.BeginOp):
            return h.offset
        if isinstance(op, tile.BlockSizeOp):
            return self.const(h.size)
        if isinstance(op, tile.EndOp):
            stop = self.add(h.offset, self.const(h.size))
            return stop if h.full else self._fold(stop, h.end, min, arith.MinSIOp, "end")
        rng = self.ranges.get(h.offset)
        if rng is None:
            raise exc.InternalError(f"{op.name} needs the loop bounds of its tile")
        lb, ub, _ = rng
        if isinstance(op, tile.TileIdOp):
            return self.div(self.sub(h.offset, self.const(lb)), self.const(h.size), "tile_id")
        return self.const(-(-(ub - lb) // h.size))

    def _full(self, offset: SSAValue, size: int, end: SSAValue) -> bool:
        """Whether every lane of every tile this handle stands for is in bounds."""
        cend = const_int(end)
        if size == 1 and offset in self.ranges:
            return True
        if offset in self.spans:
            ub, step = self.spans[offset]
            return end is ub and step == size
        if cend is None:
            return False
        coff = const_int(offset)
        if coff is not None:
            return coff + size <= cend
        rng = self.ranges.get(offset)
        if rng is None:
            return False
        lb, ub, step = rng
        return ub == cend and step == size and (ub - lb) % step == 0

    def _after_anchor(self, handle: _Handle, op: Operation, name: str) -> SSAValue:
        block = handle.anchor.parent_block()
        assert block is not None
        block.insert_op_after(op, handle.anchor)
        handle.anchor = op
        op.results[0].name_hint = name
        return op.results[0]

    def _indices(self, h: _Handle) -> SSAValue:
        if h.indices is None:
            vec = TensorType(i32, [h.size])
            at_zero = const_int(h.offset) == 0
            name = f"indices.{h.block}" if at_zero else f"arange.{h.block}"
            arange = self._after_anchor(h, tt.ArangeOp(vec), name)
            if at_zero:
                h.indices = arange
            else:
                splat = self._after_anchor(h, tt.SplatOp(h.offset, vec), f"offset.{h.block}")
                h.indices = self._after_anchor(h, arith.AddiOp(splat, arange), f"indices.{h.block}")
        return h.indices

    def _mask(self, h: _Handle) -> SSAValue | None:
        if h.full or h.flat:
            return h.mask
        if h.mask is None:
            vec = TensorType(i32, [h.size])
            end = self._after_anchor(h, tt.SplatOp(h.end, vec), f"end.{h.block}")
            cmp = tt.CmpOp(tile.Predicate.LT, self._indices(h), end)
            h.mask = self._after_anchor(h, cmp, f"mask.{h.block}")
        return h.mask

    def _expand(self, h: _Handle, kind: str, vec: SSAValue, axis: int, rank: int) -> SSAValue:
        if rank == 1 or h.flat:
            return vec
        key = (kind, axis, rank)
        if key not in h.expanded:
            elt = vec.type.element_type  # type: ignore[attr-defined]
            shape = [h.size if i == axis else 1 for i in range(rank)]
            h.expanded[key] = self._after_anchor(
                h, tt.ReshapeOp(vec, TensorType(elt, shape)), f"{kind}.{h.block}.{axis}"
            )
        return h.expanded[key]

    def _broadcast(self, v: SSAValue, shape: Sequence[int]) -> SSAValue:
        t = v.type
        if isinstance(t, TensorType):
            if list(t.get_shape()) == list(shape):
                return v
            return self.emit(tt.BroadcastOp(v, TensorType(t.element_type, shape)))
        elt = i32 if isinstance(t, IndexType) else t
        return self.emit(tt.SplatOp(v, TensorType(elt, shape)))

    def access(self, op: mem.LoadOp | mem.StoreOp) -> None:
        """A load or store in its configured indexing form, or as pointers when that form
        is not legal for this access (a kernel-given mask needs pointers)."""
        is_load = isinstance(op, mem.LoadOp)
        tile_type = op.result.type if is_load else op.value.type  # type: ignore[union-attr]
        base = self.vmap[memory_of(op)]
        eviction = self.value(op, "eviction_policy", "") if is_load else ""
        form = self.value(op, "indexing", "pointer")
        handles = self._block_handles(op, form) if form != "pointer" and op.mask is None else None
        if handles is not None:
            self._block_access(op, form, handles, base, eviction)
            return
        offsets, mask = self.address(op.indices, op.strides, tile_type, op.mask, op)
        if is_load:
            new = tt.LoadOp(base, offsets, mask, self.type(tile_type))
            if eviction:
                new.properties["eviction_policy"] = StringAttr(f"evict_{eviction}")
            self.vmap[op.result] = self.emit(new, op.result.name_hint or "load")  # type: ignore[union-attr]
        else:
            self.emit(tt.StoreOp(base, offsets, self.vmap[op.value], mask))  # type: ignore[union-attr]

    def atomic(self, op: mem.AtomicOp) -> None:
        """An atomic through pointers, or as a TMA reduction when the config asks for a
        tensor descriptor and the atomic can be one (a relaxed add whose old values are
        not used, on a descriptor-legal tile)."""
        value, base = self.vmap[op.value], self.vmap[op.dest]
        form = self.value(op, "indexing", "pointer")
        reducible = (
            form == "tensor_descriptor"
            and op.kind.data == tile.AtomicKind.ADD
            and op.sem.data == "relaxed"
            and not op.result.uses
            and op.value.type.element_type in _TMA_ADD_TYPES  # type: ignore[attr-defined]
        )
        handles = self._block_handles(op, form) if reducible else None
        order = list(range(len(op.indices)))
        if handles is not None and self._descriptor_order(op) == order:
            desc = self._descriptor(op, base, handles, order)
            self.emit(tt.DescAtomicOp(op.kind, desc, [h.offset for h in handles], value))
            return
        offsets, mask = self.address(op.indices, op.strides, op.value.type, access=op)
        if op.expected is not None:
            self.vmap[op.result] = self.compare_and_swap(op, base, offsets, value, mask)
            return
        new = tt.AtomicOp(op.kind, base, offsets, value, mask, op.sem)
        self.vmap[op.result] = self.emit(new, op.result.name_hint or "old")

    def compare_and_swap(
        self,
        op: mem.AtomicOp,
        base: SSAValue,
        offsets: SSAValue,
        value: SSAValue,
        mask: SSAValue | None,
    ) -> SSAValue:
        """`tl.atomic_cas`, which takes no mask. Out-of-bounds lanes instead expect their
        own `value` and swap in that same value, at the address of the in-bounds lane
        with the largest offset: a word this op already accesses atomically, and which
        such a swap cannot change (the comparison is of bits), so no other lane's
        outcome or old value and nothing another program sees changes. (A tile that
        runs has an in-bounds lane; were there none, the lanes would go to element 0.)
        No `if` guards it: on an H100, Triton 3.6 lost the swaps of a `tl.atomic_cas`
        inside an `if` once each thread held several of its elements."""
        expected = self.vmap[op.expected]  # type: ignore[index]
        name = op.result.name_hint or "old"
        if mask is not None:
            shape = list(offsets.type.get_shape())  # type: ignore[attr-defined]
            zero = self.emit(tt.FullOp(IntegerAttr(0, i32), offsets.type))  # type: ignore[arg-type]
            lanes = self.emit(tt.WhereOp(mask, offsets, zero), "cas_lanes")
            if len(shape) > 1:
                lanes = self.emit(tt.ReshapeOp(lanes, TensorType(i32, [math.prod(shape)])))
            kind = tile.ReduceKindAttr(tile.ReduceKind.MAX)
            lane = self.emit(tt.ReduceOp(kind, lanes, 0, False, TensorType(i32, [])), "cas_lane")
            splat = self.emit(tt.SplatOp(lane, offsets.type))  # type: ignore[arg-type]
            offsets = self.emit(tt.WhereOp(mask, offsets, splat), "cas_offsets")
            expected = self.emit(tt.WhereOp(mask, expected, value), "cmp")
        return self.emit(tt.AtomicOp(op.kind, base, offsets, value, None, op.sem, expected), name)

    def _block_handles(
        self, op: mem.LoadOp | mem.StoreOp | mem.AtomicOp, form: str
    ) -> list[_Handle] | None:
        """The handles of an access that a block pointer or tensor descriptor can express:
        every dim a whole tile clipped at the tensor's own end (None if not so)."""
        mt = memory_of(op).type
        assert isinstance(mt, MemRefType)
        if mt.element_type == i1:  # bools live as bytes: blocks of i1 do not match them
            return None
        shape = mt.get_shape()
        handles = []
        for index, size in zip(op.indices, shape):
            if not isinstance(index.type, tile.TileType):
                return None
            h = self.handles[index]
            if h.flat or (not h.full and const_int(h.end) != size):
                return None
            handles.append(h)
        if form == "tensor_descriptor":
            order = self._descriptor_order(op)
            if order is None or not 2 <= len(shape) <= 5:
                return None
            strides = [const_int(self.vmap[op.strides[d]]) for d in order]
            width = element_bytes(mt.element_type)
            # a broadcast dim (stride 0) is no layout a TMA copy can describe
            if any(s is None or s == 0 or s * width % 16 for s in strides[:-1]):
                return None
            if handles[order[-1]].size * width < 16:
                return None
            if any(h.size > d for h, d in zip(handles, shape)):
                return None
            if any(h.size > TMA_MAX_BOX for h in handles):
                return None
        return handles

    def _block_access(
        self,
        op: mem.LoadOp | mem.StoreOp,
        form: str,
        handles: list[_Handle],
        base: SSAValue,
        eviction: str,
    ) -> None:
        offsets = [h.offset for h in handles]
        if form == "tensor_descriptor":
            order = self._descriptor_order(op)
            assert order is not None  # _block_handles checked it
            desc = self._descriptor(op, base, handles, order)
            offsets = [offsets[d] for d in order]
            if isinstance(op, mem.LoadOp):
                full = self.type(op.result.type, squeeze=False)
                new = tt.DescLoadOp(desc, offsets, _permuted(full, order))
                self.vmap[op.result] = self._squeezed_load(new, op, order)
            else:
                value = self._unsqueezed(self.vmap[op.value], op.value.type, order)
                self.emit(tt.DescStoreOp(desc, offsets, value))
            return
        shape = [self.const(d) for d in memory_of(op).type.get_shape()]  # type: ignore[attr-defined]
        strides = [self.vmap[s] for s in op.strides]
        if isinstance(op, mem.StoreOp):
            value = self._unsqueezed(self.vmap[op.value], op.value.type)
        consts = [const_int(s) for s in strides]
        order = sorted(range(len(handles)), key=lambda d: consts[d] if consts[d] is not None else 0)
        check = [d for d, h in enumerate(handles) if not h.full]
        if isinstance(op, mem.LoadOp):
            load_type = self.type(op.result.type, squeeze=False)
            new = tt.BlockLoadOp(base, shape, strides, offsets, order, check, load_type)
            if eviction:
                new.properties["eviction_policy"] = StringAttr(f"evict_{eviction}")
            self.vmap[op.result] = self._squeezed_load(new, op)
        else:
            self.emit(tt.BlockStoreOp(base, shape, strides, offsets, order, check, value))

    def _squeezed_load(
        self, new: Operation, op: mem.LoadOp, order: Sequence[int] | None = None
    ) -> SSAValue:
        """A block load (whole-rank blocks, its dims in `order`) reshaped to its value's
        squeezed shape and dim order. The squeeze comes first so that a transposed
        operand of a dot is the `reshape` then `permute` of a load, the form Triton
        reads from shared memory as it is, transposed."""
        name = op.result.name_hint or "load"
        loaded = self.emit(new, name)
        want = self.type(op.result.type)
        kept = self._kept_order(op.result.type, order)
        if loaded.type != _permuted(want, kept):
            loaded = self.emit(tt.ReshapeOp(loaded, _permuted(want, kept)), name)  # type: ignore[arg-type]
        if kept != sorted(kept):
            loaded = self.emit(tt.PermuteOp(loaded, _inverse(kept), want), name)
        return loaded

    def _unsqueezed(
        self, value: SSAValue, t: Attribute, order: Sequence[int] | None = None
    ) -> SSAValue:
        """`value` (of tile type `t`) with its squeezed unit dims back and its dims in
        `order`, for a block store."""
        kept = self._kept_order(t, order)
        if kept != sorted(kept):
            value = self._permute(value, kept, _permuted(self.type(t), kept))
        want = _permuted(self.type(t, squeeze=False), order or range(len(tile.dims_of(t))))
        if value.type == want:
            return value
        return self.emit(tt.ReshapeOp(value, want))  # type: ignore[arg-type]

    def _permute(self, value: SSAValue, perm: list[int], result_type: Attribute) -> SSAValue:
        """`tl.permute(value, perm)`, or the source of `value`'s own permute when the
        two cancel (a value transposed by the user, stored through a transposed view)."""
        producer = value.owner
        if isinstance(producer, tt.PermuteOp):
            inner = list(producer.perm.get_values())
            if [inner[p] for p in perm] == sorted(perm):
                return producer.source
        return self.emit(tt.PermuteOp(value, perm, result_type))

    def _kept_order(self, t: Attribute, order: Sequence[int] | None) -> list[int]:
        """`order` (of all dims of tile type `t`) over the dims a squeeze keeps, as
        positions among those."""
        dims = tile.dims_of(t)
        kept = [d for d in range(len(dims)) if not self.is_squeezed(dims[d])]
        return [kept.index(d) for d in (order or range(len(dims))) if d in kept]

    def _descriptor_order(self, op: mem.LoadOp | mem.StoreOp | mem.AtomicOp) -> list[int] | None:
        """The memref's dims in the order a tensor descriptor takes them, its one
        unit-stride dim last: a tile of a transposed view (`w.t()`, attention's keys)
        is read by TMA along the memory's rows and transposed in the kernel. None when
        no dim has unit stride or several do."""
        strides = [const_int(self.vmap[s]) for s in op.strides]
        if strides and strides[-1] == 1:
            return list(range(len(strides)))
        units = [d for d, s in enumerate(strides) if s == 1]
        if len(units) != 1:
            return None
        return [d for d in range(len(strides)) if d != units[0]] + units

    def _descriptor(
        self,
        op: mem.LoadOp | mem.StoreOp | mem.AtomicOp,
        base: SSAValue,
        handles: list[_Handle],
        order: Sequence[int],
    ) -> SSAValue:
        """The kernel's one tensor descriptor of `op`'s tensor, its dims in `order`, for
        blocks of these handles."""
        block = tuple(handles[d].size for d in order)
        key = (base, block, tuple(order))
        desc = self.descriptors.get(key)
        if desc is None:
            dims = memory_of(op).type.get_shape()  # type: ignore[attr-defined]
            shape = [self.const(dims[d]) for d in order]
            strides = [self.vmap[op.strides[d]] for d in order]
            make = tt.MakeDescriptorOp(base, shape, strides, block)
            make.result.name_hint = f"{base.name_hint}_desc"
            self.entry.insert_op_before(make, self.program_start)
            desc = self.descriptors[key] = make.result
        self.uses_descriptors = True
        return desc

    def address(
        self,
        indices: Sequence[SSAValue],
        strides: Sequence[SSAValue],
        tile_type: Attribute,
        extra_mask: SSAValue | None = None,
        access: mem.LoadOp | mem.StoreOp | mem.AtomicOp | None = None,
    ) -> tuple[SSAValue, SSAValue | None]:
        """Pointer offsets and mask (None if all lanes are in bounds) of an access; a
        kernel-given `extra_mask` is ANDed in. The tensor indices of `access` (a gather
        or scatter) are checked against their dims (`_in_range`)."""
        shape = list(self.type(tile_type).get_shape()) if isinstance(tile_type, TensorType) else []
        rank = len(shape)
        terms: list[SSAValue] = []
        masks: list[SSAValue] = []
        checks: list[tuple[SSAValue, str]] = []
        axis = 0
        scalar: SSAValue = self.const(0)
        flat_axis = None
        for dim, (index, stride) in enumerate(zip(indices, strides)):
            s = self.vmap[stride]
            if isinstance(index.type, tile.TileType) and tile.block_of(index) in self.squeezed:
                scalar = self.add(scalar, self.mul(self.handles[index].offset, s))
            elif isinstance(index.type, tile.TileType):
                h = self.handles[index]
                if h.flat:  # all flattened dims share one axis
                    flat_axis = axis if flat_axis is None else flat_axis
                vec = self._expand(h, "indices", self._indices(h), axis, rank)
                terms.append(self._scale(vec, s))
                m = self._mask(h)
                if m is not None:
                    masks.append(self._expand(h, "mask", m, axis, rank))
                if not h.flat or flat_axis == axis:
                    axis += 1
            elif isinstance(index.type, TensorType) and tile.dims_of(index.type):
                vec, m = self._gather(index, axis, rank)
                if access is not None:
                    checks.append(self._in_range(access, dim, index, axis, rank))
                terms.append(self._scale(vec, s))
                if m is not None:
                    masks.append(m)
                axis += len(self.type(index.type).get_shape())  # type: ignore[attr-defined]
            else:
                value = self.vmap[index]
                if isinstance(index.type, TensorType):  # a 0-d tensor: a scalar index
                    value = self.emit(tt.CastOp(value, IndexType()))
                scalar = self.add(scalar, self.mul(value, s))
        if rank == 0:
            return scalar, self.vmap[extra_mask] if extra_mask is not None else None
        offsets = self._broadcast(terms[0], shape)
        for t in terms[1:]:
            offsets = self.emit(arith.AddiOp(offsets, self._broadcast(t, shape)), "offsets")
        if const_int(scalar) != 0:
            offsets = self.emit(arith.AddiOp(offsets, self._broadcast(scalar, shape)), "offsets")
        if extra_mask is not None:
            masks.append(self.vmap[extra_mask])
        mask = None
        for m in masks:
            m = self._broadcast(m, shape)
            mask = m if mask is None else self.emit(arith.AndIOp(mask, m), "mask")
        for ok, message in checks:  # only the lanes the access performs
            ok = self._broadcast(ok, shape)
            if mask is not None:
                skipped = self.emit(arith.XOrIOp(mask, self._fill(1, mask.type)))
                ok = self.emit(arith.OrIOp(ok, skipped), "in_range")
            self.emit(tt.AssertOp(ok, message))
        return offsets, mask

    def _scale(self, vec: SSAValue, stride: SSAValue) -> SSAValue:
        if const_int(stride) == 1:
            return vec
        return self.emit(arith.MuliOp(vec, self._broadcast(stride, vec.type.get_shape())))  # type: ignore[attr-defined]

    def mask(self, op: tile.MaskOp) -> None:
        value = self.vmap[op.source]
        shape = list(value.type.get_shape())  # type: ignore[attr-defined]
        handles = [self.handles[h] for h in op.handles]
        cond = self._lanes_mask(handles, tile.dims_of(op.source.type), shape)
        if cond is None:
            self.vmap[op.result] = value
            return
        fill = self.emit(tt.FullOp(op.fill, value.type))  # type: ignore[arg-type]
        self.vmap[op.result] = self.emit(tt.WhereOp(cond, value, fill), op.result.name_hint)

    def _lanes_mask(
        self, handles: Sequence[_Handle], dims: Sequence[tile.Dim], shape: list[int]
    ) -> SSAValue | None:
        """Which lanes of a value of `dims` (lowered to `shape`) are in bounds of these
        handles; None if all are."""
        cond = None
        for h in handles:
            m = self._mask(h)
            if m is None:
                continue
            kept = [d for d in dims if not self.is_squeezed(d)]
            axis = kept.index(tile.Blk(h.block))
            m = self._broadcast(self._expand(h, "mask", m, axis, len(shape)), shape)
            cond = m if cond is None else self.emit(arith.AndIOp(cond, m))
        return cond

    def _in_range(
        self,
        access: mem.LoadOp | mem.StoreOp | mem.AtomicOp,
        dim: int,
        index: SSAValue,
        axis: int,
        rank: int,
    ) -> tuple[SSAValue, str]:
        """Whether each lane of a tensor index lies in [0, size) of the dim it indexes
        (placed at the access's axes `axis...`, as `_gather` places its offsets), and
        the message of the assert that `address` makes of it for the lanes the access
        performs. Out of range, a gather reads (a scatter writes) another tensor's
        memory, where torch raises an IndexError; Triton's interpreter runs the assert,
        so a CPU run stops at the kernel's line instead of crashing, and on a GPU it
        costs nothing unless TRITON_DEBUG=1 compiles it in."""
        memref = memory_of(access)
        size = memref.type.get_shape()[dim]  # type: ignore[attr-defined]
        value = self.vmap[index]
        t = value.type
        ok = self.emit(
            arith.AndIOp(
                self.emit(tt.CmpOp(tile.Predicate.GE, value, self._fill(0, t))),
                self.emit(tt.CmpOp(tile.Predicate.LT, value, self._fill(size, t))),
            ),
            "in_range",
        )
        shape = list(t.get_shape())  # type: ignore[attr-defined]
        if len(shape) != rank:
            placed = [1] * axis + shape + [1] * (rank - axis - len(shape))
            ok = self.emit(tt.ReshapeOp(ok, TensorType(i1, placed)))
        where = source_location(access)
        at = f" at {Path(where.filename).name}:{where.line}" if where is not None else ""
        name = memref.name_hint or "a tensor"
        message = (
            f"an index into {name} is out of range [0, {size}) of its dim {dim}{at} "
            "(negative indices are not wrapped)"
        )
        return ok, message

    def _gather(self, index: SSAValue, axis: int, rank: int) -> tuple[SSAValue, SSAValue | None]:
        """The offsets vector of a tensor index placed at output axes `axis...` of a
        rank-`rank` access, and the mask of its dims' padded lanes."""
        vec = self.vmap[index]
        shape = list(vec.type.get_shape())  # type: ignore[attr-defined]
        if vec.type.element_type != i32:  # type: ignore[attr-defined]
            vec = self.emit(tt.CastOp(vec, TensorType(i32, shape)))
        dims = tile.dims_of(index.type)
        blocks = dict.fromkeys(d.id for d in dims if isinstance(d, tile.Blk))
        mask = self._lanes_mask([self.block_handles[b] for b in blocks], dims, shape)
        if len(shape) != rank:
            placed = [1] * axis + shape + [1] * (rank - axis - len(shape))
            vec = self.emit(tt.ReshapeOp(vec, TensorType(i32, placed)))
            if mask is not None:
                mask = self.emit(tt.ReshapeOp(mask, TensorType(i1, placed)))
        return vec, mask

    def keyed_sort(self, op: tile.SortOp | tile.TopkOp) -> None:
        """A sort or top-k with positions (or of the smallest): each element's bits as an
        integer key in the same order (NaN above all, as torch orders it; complemented for
        the smallest first), shifted above its position along the dim into one i64, sorted
        with `tl.sort`/`tl.topk` and split again. Positions break ties, first position
        first; padded lanes take a key beyond every element's, so they sort last."""
        source = self.vmap[op.source]
        shape = list(source.type.get_shape())  # type: ignore[attr-defined]
        axis, n = op.axis, shape[op.axis]
        bits = (n - 1).bit_length()
        # the sorted key decreases along the dim: top-k, a descending sort
        down = isinstance(op, tile.TopkOp) or op.descending is not None
        smallest = isinstance(op, tile.TopkOp) and op.smallest is not None
        flip = n - 1 if down else 0  # reversed positions: first position first
        keys = TensorType(i64, shape)
        key = self._sort_key(source, keys)
        if smallest:
            key = self.emit(arith.XOrIOp(key, self._fill(-1, keys)), "key")
        arange = self.emit(tt.ArangeOp(TensorType(i32, [n])))
        positions = self.emit(tt.CastOp(arange, TensorType(i64, [n])), "positions")
        if flip:
            positions = self.emit(
                arith.XOrIOp(positions, self._fill(flip, positions.type)), "positions"
            )
        placed = [n if i == axis else 1 for i in range(len(shape))]
        if len(shape) > 1:
            positions = self.emit(tt.ReshapeOp(positions, TensorType(i64, placed)))
        positions = self._broadcast(positions, shape)
        shifted = self.emit(arith.ShLIOp(key, self._fill(bits, keys)))
        packed = self.emit(arith.OrIOp(shifted, positions), "packed")
        dims = tile.dims_of(op.source.type)
        block = dims[axis].id if isinstance(dims[axis], tile.Blk) else None  # type: ignore[union-attr]
        valid = (
            None if block is None else self._lanes_mask([self.block_handles[block]], dims, shape)
        )
        if valid is not None:
            last = -(1 << 63) if down else (1 << 63) - 1
            packed = self.emit(tt.WhereOp(valid, packed, self._fill(last, keys)), "packed")
        out_shape = list(self.type(op.result.type).get_shape())  # type: ignore[attr-defined]
        out = TensorType(i64, out_shape)
        if isinstance(op, tile.TopkOp):
            new: Operation = tt.TopkOp(packed, axis, op.k.value.data, out)
        else:
            new = tt.SortOp.create(
                operands=[packed],
                result_types=[out],
                properties={k: v for k, v in op.properties.items()},
            )
        packed = self.emit(new, "packed")
        if op.indices is not None:
            indices = self.emit(arith.AndIOp(packed, self._fill((1 << bits) - 1, out)))
            if flip:
                indices = self.emit(arith.XOrIOp(indices, self._fill(flip, out)))
            indices.name_hint = op.indices.name_hint or "indices"
            self.vmap[op.indices] = indices
        key = self.emit(arith.ShRSIOp(packed, self._fill(bits, out)), "key")
        if smallest:
            key = self.emit(arith.XOrIOp(key, self._fill(-1, out)), "key")
        values = self._sort_value(key, self.type(op.result.type))  # type: ignore[arg-type]
        values.name_hint = op.result.name_hint or "values"
        self.vmap[op.result] = values

    def _fill(self, value: int, t: Attribute) -> SSAValue:
        return self.emit(tt.FullOp(IntegerAttr(value, tile.element_type_of(t)), t))  # type: ignore[arg-type]

    def _sort_key(self, source: SSAValue, keys: TensorType) -> SSAValue:
        """The i64 key of each element, in the elements' order: integers as they are;
        float bits as a signed integer with the magnitude bits of negatives flipped."""
        elt = source.type.element_type  # type: ignore[attr-defined]
        if not isinstance(elt, AnyFloat):
            return self.emit(tt.CastOp(source, keys), "key")
        width = tile.element_width(elt)
        as_int = TensorType(IntegerType(width), keys.get_shape())
        raw = self.emit(tt.CastOp(self.emit(tt.BitcastOp(source, as_int), "bits"), keys))
        key = self._flip_negatives(raw, width)
        nan = self.emit(
            tt.CmpOp(tile.Predicate.NE, source, source, TensorType(i1, keys.get_shape()))
        )
        return self.emit(tt.WhereOp(nan, self._fill((1 << (width - 1)) - 1, keys), key), "key")

    def _flip_negatives(self, key: SSAValue, width: int) -> SSAValue:
        """`key` with the low `width - 1` bits flipped where it is negative: the map between
        float bits and keys, either way."""
        t = key.type
        sign = self.emit(arith.ShRSIOp(key, self._fill(63, t)))
        flip = self.emit(arith.AndIOp(sign, self._fill((1 << (width - 1)) - 1, t)))
        return self.emit(arith.XOrIOp(key, flip))

    def _sort_value(self, key: SSAValue, t: TensorType) -> SSAValue:
        """The element whose key is `key` (`_sort_key` inverted)."""
        elt = t.element_type
        if not isinstance(elt, AnyFloat):
            return self.emit(tt.CastOp(key, t))
        width = tile.element_width(elt)
        raw = self._flip_negatives(key, width)
        bits = self.emit(tt.CastOp(raw, TensorType(IntegerType(width), t.get_shape())), "bits")
        return self.emit(tt.BitcastOp(bits, t))

    def reduce(self, op: tile.ReduceOp) -> None:
        value = self.vmap[op.source]
        keep = op.keepdim is not None
        kept = [i for i, d in enumerate(tile.dims_of(op.source.type)) if not self.is_squeezed(d)]
        for axis in sorted((kept.index(a) for a in op.reduced if a in kept), reverse=True):
            shape = list(value.type.get_shape())  # type: ignore[attr-defined]
            out_shape = (
                [1 if i == axis else d for i, d in enumerate(shape)]
                if keep
                else [d for i, d in enumerate(shape) if i != axis]
            )
            elt = value.type.element_type  # type: ignore[attr-defined]
            new = tt.ReduceOp(op.kind, value, axis, keep, TensorType(elt, out_shape))
            value = self.emit(new, op.result.name_hint)
        want = self.type(op.result.type)
        if value.type != want:  # the reduction over a squeezed dim kept it as a 1
            value = self.emit(tt.ReshapeOp(value, want), op.result.name_hint)  # type: ignore[arg-type]
        self.vmap[op.result] = value


def _permuted(t: Attribute, order: Sequence[int]) -> Attribute:
    """Tensor type `t` with its dims in `order`."""
    assert isinstance(t, TensorType)
    shape = t.get_shape()
    return TensorType(t.element_type, [shape[d] for d in order])


def _inverse(order: Sequence[int]) -> list[int]:
    return sorted(range(len(order)), key=lambda d: order[d])


# tile ops whose triton twin takes the same operand and properties
_MIRRORS: dict[type[Operation], type[Operation]] = {
    tile.PermuteOp: tt.PermuteOp,
    tile.ArgReduceOp: tt.ArgReduceOp,
    tile.ScanOp: tt.ScanOp,
    tile.FlipOp: tt.FlipOp,
    tile.SortOp: tt.SortOp,
    tile.TopkOp: tt.TopkOp,
}


# ops whose lowering follows their operands' and results' shapes alone (no axis numbers
# or index vectors of a block), so a squeezed dim can leave their types; so do the
# elementwise `arith` and `math` ops
_SHAPE_ONLY = (
    tile.SplatOp,
    tile.BroadcastOp,
    tile.FullOp,
    tile.CastOp,
    tile.CmpOp,
    tile.WhereOp,
    tile.ReshapeOp,
    tile.DotOp,
    tile.ReduceOp,
    tile.MaskOp,
    tile.RelabelOp,
    tile.YieldOp,
    tile.IfOp,
    tile.WhileOp,
    loop.ForOp,
    loop.ReduceForOp,
    loop.YieldOp,
    mem.LoadOp,
    mem.StoreOp,
)


def _unit_blocks(
    launch: loop.LaunchOp, sizes: dict[int, int], flattened: program_ids.Flattened | None
) -> set[int]:
    """The grid blocks of size 1 that every tensor can drop from its shape: each of their
    tiles is one in-bounds index, which accesses add as a scalar offset. Triton keeps a
    unit dim at a cost: a batched dot's MMA result cannot take a leading 1 without going
    through shared memory (or, loop-carried, failing an assertion in Triton 3.6). A block
    stays when an op numbers axes or indexes by it, or when a tensor would lose every dim."""
    ivs = set(launch.body.block.args)
    flat = set(flattened.blocks) if flattened is not None else set()
    units = {
        tile.block_of(op.result)
        for op in launch.body.block.ops
        if isinstance(op, loop.TileOp) and op.offset in ivs
    }
    units = {b for b in units if sizes.get(b) == 1 and b not in flat}
    for op in launch.walk():
        if not units:
            break
        indices = set(op.indices) if isinstance(op, mem.LoadOp | mem.StoreOp) else set()
        shape_only = isinstance(op, _SHAPE_ONLY) or op.dialect_name() in ("arith", "math")
        for v in (*op.operands, *op.results):
            if not isinstance(v.type, TensorType):
                continue
            dims = tile.dims_of(v.type)
            hit = {d.id for d in dims if isinstance(d, tile.Blk) and d.id in units}
            if hit and (not shape_only or len(hit) == len(dims) or v in indices):
                units -= hit
    return units


def _keyed(op: tile.SortOp | tile.TopkOp) -> bool:
    """Whether a sort or top-k sorts keys with positions: its indices are used, or it
    takes the smallest (by complemented keys)."""
    smallest = isinstance(op, tile.TopkOp) and op.smallest is not None
    return smallest or (op.indices is not None and bool(op.indices.uses))


def _whole_steps(lb: SSAValue, ub: SSAValue, step: int) -> bool:
    """Whether `ub - lb` is provably a multiple of `step`: `ub` is `lb` plus such a
    constant (a loop over an enclosing tile's rows), or both bounds are multiples of it
    (a causal loop up to its query tile's end)."""
    op = ub.owner
    if isinstance(op, arith.AddiOp):
        for a, b in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
            if a is lb and (c := const_int(b)) is not None:
                return c % step == 0
    return _multiple_of(lb, step) and _multiple_of(ub, step)


def _multiple_of(v: SSAValue, k: int) -> bool:
    """Whether an index value is provably a multiple of `k`."""
    c = const_int(v)
    if c is not None:
        return c % k == 0
    op = v.owner
    if isinstance(op, arith.MuliOp):
        return _multiple_of(op.lhs, k) or _multiple_of(op.rhs, k)
    if isinstance(op, arith.AddiOp | arith.SubiOp):
        return _multiple_of(op.lhs, k) and _multiple_of(op.rhs, k)
    return False


def _constant_value(v: SSAValue) -> int | float | None:
    """The number a lowered constant (scalar or filled tensor) holds, if it is one."""
    op = v.owner
    attr = op.value if isinstance(op, arith.ConstantOp | tt.FullOp) else None
    if isinstance(attr, IntegerAttr) and attr.type == i1:
        return attr.value.data & 1  # a signless i1 holds true as -1
    if isinstance(attr, IntegerAttr | FloatAttr):
        return attr.value.data
    return None


# element types a TMA reduction can add (cp.reduce.async.bulk.tensor .add)
_TMA_ADD_TYPES = (f16, bf16, f32, i32)
# A TMA copy moves a box of at most 256 elements a dim; descriptors of larger blocks
# measured slower than pointer loads (a [1, 8192] row of layer norm: 0.055 against
# 0.038 ms on an H200), so those accesses keep pointers.
TMA_MAX_BOX = 256


def _args_of(kernel: tile.KernelOp, launch: loop.LaunchOp) -> list[BlockArgument]:
    """The kernel arguments that a launch reads or writes, in order."""
    used = {o for inner in launch.walk() for o in inner.operands}
    return [a for a in kernel.body.block.args if a in used]


def lower_kernel(kernel: tile.KernelOp) -> list[Operation]:
    """A `triton.kernel` and launcher per launch; with several launches, an entry that
    runs them in order (each sees all that the ones before it wrote)."""
    name = kernel.sym_name.data
    launches = [op for op in kernel.body.block.ops if isinstance(op, loop.LaunchOp)]
    all_args = list(kernel.body.block.args)
    if len(launches) == 1 and _args_of(kernel, launches[0]) == all_args:
        return list(_Lowering(kernel, launches[0], f"_{name}_kernel", f"launch_{name}").run())
    # several launches, or arguments the host passes that no launch reads (a tensor
    # used only for its dtype): an entry takes them all and passes each launch its own
    ops: list[Operation] = []
    calls, call_args = [], []
    for i, launch in enumerate(launches):
        ops += _Lowering(kernel, launch, f"_{name}_kernel_{i}", f"_launch_{name}_{i}").run()
        calls.append(f"_launch_{name}_{i}")
        call_args.append([a.index for a in _args_of(kernel, launch)])
    params = [a.name_hint or f"arg{a.index}" for a in kernel.body.block.args]
    ops.append(tt.EntryOp(f"launch_{name}", params, calls, call_args))
    return ops


@dataclass(frozen=True)
class ConvertLoopToTritonPass(ModulePass):
    """Lowers each bound `tile.kernel` to a `triton.kernel` and its `triton.launcher`."""

    name = "convert-loop-to-triton"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        require_lowered(op, self.name)
        for kernel in list(kernels(op)):
            new_ops = lower_kernel(kernel)
            block = op.body.block
            for new in new_ops:
                block.insert_op_before(new, kernel)
            erase(kernel)
        eliminate_dead_code(op)


def eliminate_dead_code(module: ModuleOp) -> None:
    """Erase side-effect-free ops whose results are unused, innermost last uses first."""
    for op in reversed(list(module.walk())):
        if op.results and not any(r.uses for r in op.results) and is_side_effect_free(op):
            erase(op)
