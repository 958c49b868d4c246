"""`convert-loop-to-triton`: lower a bound kernel to the `triton` emission dialect.

Input is a `tile.kernel` whose config slots are all constants (after `bind-config`).
Each `loop.launch` becomes a `triton.kernel` that decomposes `tl.program_id(0)` into
one tile offset per dim (the first dim varying fastest) plus a `triton.launcher` with
the grid and launch options. Each handle gets its index vector (`offset + arange`)
and, unless its tiles are provably full, a bounds mask; `mem` accesses become pointer
arithmetic over those (`base + sum(indices_d * stride_d)`), `tile.mask` a `where`,
and every tensor type takes the concrete block sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    TensorType,
    i32,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.traits import is_side_effect_free

from helion_mlir import exc
from helion_mlir.backends.triton import dialect as tt
from helion_mlir.dialects import cfg, loop, mem, tile
from helion_mlir.passes.ir_utils import const_int, erase, kernels


@dataclass
class _Handle:
    """What the lowered kernel knows about one tile handle."""

    block: int
    offset: SSAValue
    size: int
    end: SSAValue
    full: bool
    anchor: Operation
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
    """Lowers one bound `tile.kernel` into `triton.kernel` + `triton.launcher` ops."""

    def __init__(self, kernel: tile.KernelOp):
        self.kernel = kernel
        self.sizes = _block_sizes(kernel)
        self.vmap: dict[SSAValue, SSAValue] = {}
        self.handles: dict[SSAValue, _Handle] = {}
        # new offset value -> (lb, ub, step) of the loop producing it, when constant
        self.ranges: dict[SSAValue, tuple[int, int, int]] = {}
        self.consts: dict[tuple[int, Attribute], SSAValue] = {}

    # -- types and constants ---------------------------------------------------------

    def type(self, t: Attribute) -> Attribute:
        if isinstance(t, TensorType):
            dims = tile.dims_of(t)
            return TensorType(
                t.element_type, [self.sizes[d.id] if isinstance(d, tile.Blk) else d for d in dims]
            )
        if isinstance(t, MemRefType):
            return tt.PointerType(t.element_type)
        return t

    def _prepend(self, op: Operation) -> SSAValue:
        """Put `op` at the top of the kernel, where it dominates everything."""
        first = self.entry.first_op
        if first is None:
            self.entry.add_op(op)
        else:
            self.entry.insert_op_before(op, first)
        return op.results[0]

    def const(self, value: int, typ: Attribute = IndexType()) -> SSAValue:
        key = (value, typ)
        if key not in self.consts:
            self.consts[key] = self._prepend(arith.ConstantOp(IntegerAttr(value, typ)))
        return self.consts[key]

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

    # -- kernel and launch ---------------------------------------------------------

    def run(self) -> list[Operation]:
        launches = [op for op in self.kernel.body.block.ops if isinstance(op, loop.LaunchOp)]
        if len(launches) != 1:
            raise exc.InternalError(
                f"kernel {self.kernel.sym_name.data} has {len(launches)} launches; "
                "exactly one is supported"
            )
        launch = launches[0]
        args = [a for a in self.kernel.body.block.args if a.uses]
        sources = [
            self.kernel.sources.data[a.index].data for a in args  # type: ignore[attr-defined]
        ]
        name = self.kernel.sym_name.data
        kernel = tt.KernelOp(f"_{name}_kernel", [self.type(a.type) for a in args])
        self.entry = kernel.body.block
        self.block = self.entry
        for old, new in zip(args, self.entry.args):
            new.name_hint = old.name_hint
            self.vmap[old] = new
        for op in self.kernel.body.block.ops:
            if isinstance(op, arith.ConstantOp):
                self.vmap[op.result] = self.const_like(op)
            elif op is not launch:
                raise exc.InternalError(f"no Triton lowering for kernel-level {op.name}")
        grid = self.launch(launch)
        launcher = tt.LauncherOp(
            f"launch_{name}",
            kernel.sym_name.data,
            [grid],
            sources,
            self.int_operand(launch.num_warps, "num_warps"),
            self.int_operand(launch.num_stages, "num_stages"),
        )
        return [kernel, launcher]

    def const_like(self, op: arith.ConstantOp) -> SSAValue:
        if isinstance(op.value, IntegerAttr) and isinstance(op.value.type, IndexType):
            return self.const(op.value.value.data)
        return self._prepend(op.clone())

    def int_operand(self, value: SSAValue, what: str) -> int:
        v = const_int(value)
        if v is None:
            raise exc.InternalError(f"{what} must be a constant after binding")
        return v

    def launch(self, launch: loop.LaunchOp) -> str:
        pid = self.emit(tt.ProgramIdOp(0), "pid" if len(launch.lbs) > 1 else "pid.0")
        rest = pid
        counts: list[int] = []
        n = len(launch.lbs)
        for d in range(n):
            lb, ub = self.vmap[launch.lbs[d]], self.vmap[launch.ubs[d]]
            step = self.vmap[launch.steps[d]]
            clb, cub, cstep = const_int(lb), const_int(ub), const_int(step)
            if clb is None or cub is None or cstep is None:
                raise exc.InternalError("launch bounds must be constant (static shapes)")
            count = max(0, -(-(cub - clb) // cstep))
            counts.append(count)
            if d == n - 1:
                pid_d = rest
            else:
                n_d = self.const(count)
                pid_d = self._fold(rest, n_d, lambda x, y: x % y, arith.RemSIOp, f"pid.{d}")
                rest = self._fold(rest, n_d, lambda x, y: x // y, arith.DivSIOp, f"pid.{d + 1}")
            scaled = self.mul(pid_d, step, f"offset.{d}")
            offset = self.add(lb, scaled, f"offset.{d}")
            self.ranges[offset] = (clb, cub, cstep)
            self.vmap[launch.offsets[d]] = offset
        self.lower_block(launch.body.block)
        total = 1
        for c in counts:
            total *= c
        return str(total)

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
            case loop.TileOp():
                self.tile_handle(op)
            case loop.ForOp() | loop.ReduceForOp():
                self.serial_loop(op)
            case mem.LoadOp():
                offsets, mask = self.address(op.indices, op.strides, op.result.type)
                new = tt.LoadOp(self.vmap[op.source], offsets, mask, self.type(op.result.type))
                self.vmap[op.result] = self.emit(new, op.result.name_hint or "load")
            case mem.StoreOp():
                offsets, mask = self.address(op.indices, op.strides, op.value.type)
                self.emit(tt.StoreOp(self.vmap[op.dest], offsets, self.vmap[op.value], mask))
            case tile.FullOp():
                new = tt.FullOp(op.value, self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.SplatOp():
                new = tt.SplatOp(self.vmap[op.source], self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.BroadcastOp():
                new = tt.BroadcastOp(self.vmap[op.source], self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.ReshapeOp():
                new = tt.ReshapeOp(self.vmap[op.source], self.type(op.result.type))  # type: ignore[arg-type]
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.ReduceOp():
                self.reduce(op)
            case tile.DotOp():
                acc = self.vmap[op.acc] if op.acc is not None else None
                new = tt.DotOp(
                    self.vmap[op.lhs], self.vmap[op.rhs], acc, self.type(op.result.type)  # type: ignore[arg-type]
                )
                self.vmap[op.result] = self.emit(new, op.result.name_hint or "dot")
            case tile.MaskOp():
                self.mask(op)
            case tile.CastOp():
                new = tt.CastOp(self.vmap[op.source], self.type(op.result.type))
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.CmpOp():
                new = tt.CmpOp(
                    op.predicate.data, self.vmap[op.lhs], self.vmap[op.rhs], self.type(op.result.type)
                )
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
            case tile.WhereOp():
                new = tt.WhereOp(self.vmap[op.cond], self.vmap[op.lhs], self.vmap[op.rhs])
                self.vmap[op.result] = self.emit(new, op.result.name_hint)
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
        outer = self.block
        self.block = body
        self.lower_block(op.body.block)
        self.block = outer
        new = tt.ForOp(lb, ub, step, [self.vmap[v] for v in op.iter_args], Region(body))
        self.emit(new)
        for old, res in zip(op.res, new.res):
            res.name_hint = old.name_hint
            self.vmap[old] = res

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
        self.handles[op.result] = _Handle(block, offset, size, end, full, marker)

    def _full(self, offset: SSAValue, size: int, end: SSAValue) -> bool:
        """Whether every lane of every tile this handle stands for is in bounds."""
        cend = const_int(end)
        if size == 1 and offset in self.ranges:
            return True
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
        if h.full:
            return None
        if h.mask is None:
            vec = TensorType(i32, [h.size])
            end = self._after_anchor(h, tt.SplatOp(h.end, vec), f"end.{h.block}")
            cmp = tt.CmpOp(tile.Predicate.LT, self._indices(h), end)
            h.mask = self._after_anchor(h, cmp, f"mask.{h.block}")
        return h.mask

    def _expand(self, h: _Handle, kind: str, vec: SSAValue, axis: int, rank: int) -> SSAValue:
        if rank == 1:
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

    def address(
        self, indices: Sequence[SSAValue], strides: Sequence[SSAValue], tile_type: Attribute
    ) -> tuple[SSAValue, SSAValue | None]:
        """Pointer offsets and mask (None if all lanes are in bounds) of an access."""
        shape = list(self.type(tile_type).get_shape()) if isinstance(tile_type, TensorType) else []
        rank = len(shape)
        terms: list[SSAValue] = []
        masks: list[SSAValue] = []
        axis = 0
        scalar: SSAValue = self.const(0)
        for index, stride in zip(indices, strides):
            s = self.vmap[stride]
            if isinstance(index.type, tile.TileType):
                h = self.handles[index]
                vec = self._expand(h, "indices", self._indices(h), axis, rank)
                terms.append(self._scale(vec, s))
                m = self._mask(h)
                if m is not None:
                    masks.append(self._expand(h, "mask", m, axis, rank))
                axis += 1
            else:
                scalar = self.add(scalar, self.mul(self.vmap[index], s))
        if rank == 0:
            return scalar, None
        offsets = self._broadcast(terms[0], shape)
        for t in terms[1:]:
            offsets = self.emit(arith.AddiOp(offsets, self._broadcast(t, shape)), "offsets")
        if const_int(scalar) != 0:
            offsets = self.emit(arith.AddiOp(offsets, self._broadcast(scalar, shape)), "offsets")
        mask = None
        for m in masks:
            m = self._broadcast(m, shape)
            mask = m if mask is None else self.emit(arith.AndIOp(mask, m), "mask")
        return offsets, mask

    def _scale(self, vec: SSAValue, stride: SSAValue) -> SSAValue:
        if const_int(stride) == 1:
            return vec
        return self.emit(arith.MuliOp(vec, self._broadcast(stride, vec.type.get_shape())))  # type: ignore[attr-defined]

    def mask(self, op: tile.MaskOp) -> None:
        value = self.vmap[op.source]
        shape = list(value.type.get_shape())  # type: ignore[attr-defined]
        dims = tile.dims_of(op.source.type)
        cond = None
        for handle in op.handles:
            h = self.handles[handle]
            m = self._mask(h)
            if m is None:
                continue
            axis = dims.index(tile.Blk(h.block))
            m = self._broadcast(self._expand(h, "mask", m, axis, len(shape)), shape)
            cond = m if cond is None else self.emit(arith.AndIOp(cond, m))
        if cond is None:
            self.vmap[op.result] = value
            return
        fill = self.emit(tt.FullOp(op.fill, value.type))  # type: ignore[arg-type]
        self.vmap[op.result] = self.emit(tt.WhereOp(cond, value, fill), op.result.name_hint)

    def reduce(self, op: tile.ReduceOp) -> None:
        value = self.vmap[op.source]
        keep = op.keepdim is not None
        for axis in sorted(op.reduced, reverse=True):
            shape = list(value.type.get_shape())  # type: ignore[attr-defined]
            out_shape = [1 if i == axis else d for i, d in enumerate(shape)] if keep else [
                d for i, d in enumerate(shape) if i != axis
            ]
            elt = value.type.element_type  # type: ignore[attr-defined]
            new = tt.ReduceOp(op.kind, value, axis, keep, TensorType(elt, out_shape))
            value = self.emit(new, op.result.name_hint)
        self.vmap[op.result] = value


@dataclass(frozen=True)
class ConvertLoopToTritonPass(ModulePass):
    """Lowers each bound `tile.kernel` to a `triton.kernel` and its `triton.launcher`."""

    name = "convert-loop-to-triton"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in list(kernels(op)):
            new_ops = _Lowering(kernel).run()
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
