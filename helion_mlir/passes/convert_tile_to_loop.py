"""`convert-tile-to-loop`: turn the iteration structure into loops with tunables.

`tile.grid` becomes `loop.launch` and an N-dimensional `tile.for` becomes N nested
`loop.for`s, each stepping by `cfg.param block_sizes[i]` (numbered in block order,
which is source order). The loop bodies receive offsets; a `loop.tile` per dimension
rebuilds the handle the `tile` ops use. Blocks that feed a `tile.dot` get a minimum
size of 16. The other choices about these loops become `#cfg.ref` properties, with
the domains Helion gives them:

- the launch: `pid_type`, `num_sm_multiplier`, `maxnreg` (CUDA only), and, with two or
  more dims, `loop_orders`, `l2_groupings` and (when every tile value spans all its
  dims in order) `flatten_loops`; `num_warps` and `num_stages` are params;
- every loop (one entry per grid, one per device-loop dim): the `tl.range` options
  `range_unroll_factors`, `range_num_stages`, `range_multi_buffers`, `range_flattens`
  (and `range_warp_specializes` where the target has it: Triton's on Blackwell, on
  Hopper the Gluon schedule of a device loop holding two dots);
- an N-D device loop: `loop_orders` on the outermost loop of its nest;
- a device-loop dim with a fixed block size and at most 8 trips: `static_ranges`.

Block sizes the kernel fixes (`block_size=`, `hl.grid`) are constants, not slots; the
kernel's registered block sizes (`hl.register_block_size`) come first in `block_sizes`,
one slot each, shared by every loop dim that uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import BFloat16Type, Float16Type, IndexType, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from helion_mlir.dialects import cfg, loop, tile
from helion_mlir.passes.ir_utils import (
    const_int,
    erase,
    fixed_elements,
    index_constant,
    kernels,
    next_pow2,
)
from helion_mlir.target import TargetInfo

DOT_MIN_BLOCK = 16
ELEMENTWISE_BUDGET = 1024
# The most elements a register tile worth searching holds (64 a thread at 32 warps): a
# loop whose tiles carry whole rows of `n` elements gets blocks of at most this / n.
TILE_ELEMENT_LIMIT = 1 << 16


def _dot_blocks(kernel: tile.KernelOp) -> set[int]:
    """The blocks of matmul M, N and K dims (not batch dims)."""
    blocks: set[int] = set()
    for op in kernel.walk():
        if isinstance(op, tile.DotOp):
            for v in (op.lhs, op.rhs):
                dims = tile.dims_of(v.type)[-2:]
                blocks |= {d.id for d in dims if isinstance(d, tile.Blk)}
    return blocks


def _has_rdim(op: Operation) -> bool:
    """Whether a grid spans a `:` dimension (rolled or persistent by now)."""
    return any(isinstance(o, tile.RDimOp | loop.ReduceForOp | loop.TileOp) for o in op.walk())


def _scope_dims(lp: tile.GridOp | tile.ForOp) -> int:
    """How many tiled dims a tile of this loop's body spans at most: its own and those
    of the loops around it."""
    dims = 0
    op: Operation | None = lp
    while op is not None:
        if isinstance(op, tile.GridOp | tile.ForOp):
            dims += len(op.lbs)
        op = op.parent_op()
    return dims


def default_block_size(
    extent: int | None, in_dot: bool, dims: int, reduces: bool, gpu: bool = False
) -> int:
    """The block size of the default config: a heuristic start for the search, sharing
    an elementwise budget of lanes among the `dims` tiled dims in scope; matmul dims get
    tensor-core sized blocks on a GPU."""
    if in_dot:
        size = 64 if gpu else 32
    elif reduces:
        size = 1
    else:
        size = 1 << int(math.log2(ELEMENTWISE_BUDGET) // dims)
    return size if extent is None else min(size, next_pow2(extent))


def _block_param(
    index: int,
    block: int,
    extent: int | None,
    in_dot: bool,
    dims: int,
    reduces: bool,
    gpu: bool,
    fixed: int,
) -> cfg.ParamOp:
    low = DOT_MIN_BLOCK if in_dot else 1
    high = next_pow2(extent) if extent is not None else 1024
    high = max(low, min(high, TILE_ELEMENT_LIMIT // fixed))
    default = max(low, default_block_size(extent, in_dot, dims, reduces, gpu))
    slot = cfg.RefAttr("block_sizes", index, cfg.Pow2Attr(low, high), default)
    param = cfg.ParamOp(slot)
    param.result.name_hint = f"block_size.{block}"
    return param


# Helion offers `tl.static_range` for device loops of at most this many trips.
MAX_STATIC_TRIPS = 8
# Helion offers xyz program ids only when the y and z grid dims fit CUDA's limit.
MAX_YZ_GRID = 65535
OPTIONAL_BOOL = cfg.EnumAttr([None, False, True])


def _xyz_ok(grid: tile.GridOp) -> bool:
    """Whether a grid can map its dims to CUDA's x, y and z program ids."""
    n = len(grid.lbs)
    extents = [_extent(lb, ub) for lb, ub in zip(grid.lbs, grid.ubs)]
    if not 2 <= n <= 3 or any(e is None for e in extents):
        return False
    return math.prod(extents[1:]) <= MAX_YZ_GRID  # type: ignore[arg-type]


def _flattenable(grid: tile.GridOp) -> bool:
    """Whether every tile value in the grid spans all of its dims, adjacent and in order
    (so that one flat index can stand for them) or none of them."""
    blocks = [tile.Blk(tile.block_of(h)) for h in grid.handles]
    if any(const_int(lb) != 0 for lb in grid.lbs) or any(grid.fixed_sizes()):
        return False
    accesses = tile.LoadOp | tile.StoreOp | tile.MaskOp
    if any(not isinstance(u.operation, accesses) for h in grid.handles for u in h.uses):
        return False  # tile attributes need a tile per dim
    for op in grid.walk():
        for v in (*op.operands, *op.results):
            dims = tile.dims_of(v.type)
            present = [d for d in dims if d in blocks]
            if not present:
                continue
            if present != blocks:
                return False
            start = dims.index(blocks[0])
            if list(dims[start : start + len(blocks)]) != blocks:
                return False
    return True


def _holds_two_dots(lp: tile.ForOp) -> bool:
    """Whether a loop's own body (not a nested loop's) holds exactly two dots, of bf16
    or fp16 tiles (wgmma's register operand, as the Gluon schedule uses it)."""
    ops = list(lp.body.block.ops)
    dots = [op for op in ops if isinstance(op, tile.DotOp)]
    sixteen_bit = all(
        isinstance(tile.element_type_of(v.type), BFloat16Type | Float16Type)
        for dot in dots
        for v in (dot.lhs, dot.rhs)
    )
    return len(dots) == 2 and sixteen_bit and not any(isinstance(op, tile.ForOp) for op in ops)


@dataclass
class _Converter:
    kernel: tile.KernelOp
    target: TargetInfo

    def __post_init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.gpu = self.target.kind == "cuda"

    def slot(self, key: str, domain: cfg.Domain, default: cfg.ConfigValue) -> cfg.RefAttr:
        """The next slot of a list-valued key."""
        index = self.counters.get(key, 0)
        self.counters[key] = index + 1
        return cfg.RefAttr(key, index, domain, default)

    def range_slots(self, two_dots: bool = False) -> dict[str, cfg.RefAttr]:
        """The `tl.range` options of one loop (`two_dots`: a device loop whose body holds
        two dots, which Hopper can run warp-specialized through Gluon)."""
        slots = {
            "range_unroll_factor": self.slot("range_unroll_factors", cfg.IntRangeAttr(0, 4), 0),
            "range_num_stages": self.slot("range_num_stages", cfg.IntRangeAttr(0, 4), 0),
            "range_multi_buffer": self.slot("range_multi_buffers", OPTIONAL_BOOL, None),
            "range_flatten": self.slot("range_flattens", OPTIONAL_BOOL, None),
        }
        if self.target.has_warp_specialize:
            slots["range_warp_specialize"] = self.slot(
                "range_warp_specializes", OPTIONAL_BOOL, None
            )
        elif self.target.has_gluon_warp_specialize and two_dots:
            slots["gluon_warp_specialize"] = self.slot(
                "range_warp_specializes", OPTIONAL_BOOL, None
            )
        return slots

    def launch_slots(self, grid: tile.GridOp, xyz: bool) -> dict[str, cfg.RefAttr]:
        n = len(grid.lbs)
        pid_types = [
            "flat",
            *(["xyz"] if xyz else []),
            "persistent_blocked",
            "persistent_interleaved",
        ]
        slots = {
            "pid_type": cfg.RefAttr("pid_type", None, cfg.EnumAttr(pid_types), "flat"),
            "num_sm_multiplier": cfg.RefAttr("num_sm_multiplier", None, cfg.Pow2Attr(1, 128), 1),
        }
        if self.target.has_maxnreg:
            slots["maxnreg"] = cfg.RefAttr(
                "maxnreg", None, cfg.EnumAttr([None, 32, 64, 128, 256]), None
            )
        if n >= 2:
            slots["loop_order"] = self.slot("loop_orders", cfg.PermAttr(n), list(range(n)))
            slots["l2_grouping"] = self.slot("l2_groupings", cfg.Pow2Attr(1, 64), 1)
            if _flattenable(grid):
                slots["flatten"] = self.slot("flatten_loops", cfg.EnumAttr([False, True]), False)
        return slots | self.range_slots()

    def run(self) -> None:
        entry = self.kernel.body.block
        loops = [op for op in self.kernel.walk() if isinstance(op, tile.GridOp | tile.ForOp)]
        dot_blocks = _dot_blocks(self.kernel)
        # (block, loop, dim), in block order; loops sharing a registered block size
        # share its block
        blocks = sorted(
            ((tile.block_of(h), lp, i) for lp in loops for i, h in enumerate(lp.handles)),
            key=lambda t: (t[0], loops.index(t[1]), t[2]),
        )
        self.sizes: dict[int, SSAValue] = {}
        params: list[Operation] = self._registered_params(blocks, dot_blocks)
        index = len(params)
        for block, lp, dim in blocks:
            fixed = lp.fixed_sizes()[dim]
            if fixed < 0:  # a registered block size, shared
                self.sizes[block] = params[-fixed - 1].results[0]
                continue
            if fixed:  # the kernel fixed this block size: a constant, not a slot
                const = index_constant(fixed)
                const.result.name_hint = f"block_size.{block}"
                params.append(const)
                self.sizes[block] = const.result
                continue
            extent = _extent(lp.lbs[dim], lp.ubs[dim])
            fixed = fixed_elements(lp)
            reduces = fixed > 1 or (isinstance(lp, tile.GridOp) and _has_rdim(lp))
            param = _block_param(
                index,
                block,
                extent,
                block in dot_blocks,
                _scope_dims(lp),
                reduces,
                self.gpu,
                fixed,
            )
            index += 1
            params.append(param)
            self.sizes[block] = param.result
        warps = cfg.ParamOp(cfg.RefAttr("num_warps", None, cfg.Pow2Attr(1, 32), 4))
        # software pipelining pays off for matmul loops on a GPU
        default_stages = 3 if self.gpu and dot_blocks else 1
        stages = cfg.ParamOp(
            cfg.RefAttr("num_stages", None, cfg.IntRangeAttr(1, 8), default_stages)
        )
        warps.result.name_hint, stages.result.name_hint = "num_warps", "num_stages"
        first = entry.first_op
        for p in (*params, warps, stages):
            if first is None:
                entry.add_op(p)
            else:
                entry.insert_op_before(p, first)
        self.warps, self.stages = warps.result, stages.result
        grids: dict[tile.GridOp, dict[str, cfg.RefAttr]] = {}
        fors: dict[tile.ForOp, tuple[cfg.RefAttr | None, list[dict[str, cfg.RefAttr]]]] = {}
        # one pid_type serves every launch: xyz only where all grids allow it
        xyz = all(_xyz_ok(g) for g in loops if isinstance(g, tile.GridOp))
        for lp in loops:  # source order, which numbers the list-valued keys
            if isinstance(lp, tile.GridOp):
                grids[lp] = self.launch_slots(lp, xyz)
            else:
                n = len(lp.lbs)
                order = self.slot("loop_orders", cfg.PermAttr(n), list(range(n))) if n > 1 else None
                two_dots = n == 1 and _holds_two_dots(lp)
                fors[lp] = (order, [self.range_slots(two_dots) for _ in range(n)])
        for lp in loops:
            if isinstance(lp, tile.ForOp):
                for dim, size in enumerate(lp.fixed_sizes()):
                    extent = _extent(lp.lbs[dim], lp.ubs[dim])
                    if size > 0 and extent is not None and -(-extent // size) <= MAX_STATIC_TRIPS:
                        fors[lp][1][dim]["static_range"] = self.slot(
                            "static_ranges", cfg.EnumAttr([False, True]), False
                        )
        for lp in loops:
            if isinstance(lp, tile.GridOp):
                self._grid(lp, grids[lp])
            else:
                self._for(lp, *fors[lp])

    def _registered_params(self, blocks: list, dot_blocks: set[int]) -> list[Operation]:
        """The params of the kernel's registered block sizes: the first `block_sizes`
        slots, in registration order, each within its bounds and a matmul's minimum."""
        params: list[Operation] = []
        for k, (low, high) in enumerate(self.kernel.registered_block_sizes()):
            users = [(b, lp, d) for b, lp, d in blocks if lp.fixed_sizes()[d] == -(k + 1)]
            in_dot = any(b in dot_blocks for b, _, _ in users)
            lo = next_pow2(max(low, DOT_MIN_BLOCK if in_dot else 1))
            extents = [_extent(lp.lbs[d], lp.ubs[d]) for _, lp, d in users]
            hi = next_pow2(high)
            if users and None not in extents:  # no bigger than the largest loop needs
                hi = min(hi, max(next_pow2(e) for e in extents))  # type: ignore[type-var]
            hi = max(lo, hi)
            default = min(
                (
                    default_block_size(
                        _extent(lp.lbs[d], lp.ubs[d]),
                        in_dot,
                        _scope_dims(lp),
                        isinstance(lp, tile.GridOp) and _has_rdim(lp),
                        self.gpu,
                    )
                    for _, lp, d in users
                ),
                default=lo,
            )
            slot = cfg.RefAttr("block_sizes", k, cfg.Pow2Attr(lo, hi), min(max(default, lo), hi))
            param = cfg.ParamOp(slot)
            param.result.name_hint = f"registered_block_size.{k}"
            params.append(param)
        return params

    def _tile_ops(self, offsets, lbs, ubs, handles) -> list[loop.TileOp]:
        ops = []
        for off, ub, h in zip(offsets, ubs, handles):
            block = tile.block_of(h)
            t = loop.TileOp(off, self.sizes[block], ub, block)
            t.result.name_hint = h.name_hint
            off.name_hint = f"offset.{block}"
            ops.append(t)
        return ops

    def _grid(self, grid: tile.GridOp, slots: dict[str, cfg.RefAttr]) -> None:
        old = grid.body.block
        body = Block(arg_types=[IndexType()] * len(grid.lbs))
        tiles = self._tile_ops(body.args, grid.lbs, grid.ubs, grid.handles)
        body.add_ops(tiles)
        _move_body(old, body, {h: t.result for h, t in zip(grid.handles, tiles)})
        steps = [self.sizes[tile.block_of(h)] for h in grid.handles]
        launch = loop.LaunchOp(grid.lbs, grid.ubs, steps, self.warps, self.stages, Region(body))
        launch.properties.update(slots)
        launch.location = grid.location
        _replace(grid, launch)

    def _for(
        self, op: tile.ForOp, order: cfg.RefAttr | None, ranges: list[dict[str, cfg.RefAttr]]
    ) -> None:
        old = op.body.block
        carried_types = [a.type for a in op.carried]
        n = len(op.lbs)
        blocks = [Block(arg_types=[IndexType(), *carried_types]) for _ in range(n)]
        offsets = [b.args[0] for b in blocks]
        innermost = blocks[-1]
        tiles = self._tile_ops(offsets, op.lbs, op.ubs, op.handles)
        innermost.add_ops(tiles)
        mapping = {h: t.result for h, t in zip(op.handles, tiles)}
        mapping |= dict(zip(op.carried, innermost.args[1:]))
        _move_body(old, innermost, mapping)
        inner_op: loop.ForOp | None = None
        for dim in reversed(range(n)):
            block = blocks[dim]
            if inner_op is not None:
                block.add_op(inner_op)
                block.add_op(loop.YieldOp(*inner_op.res))
            inits = op.iter_args if dim == 0 else blocks[dim - 1].args[1:]
            step = self.sizes[tile.block_of(op.handles[dim])]
            inner_op = loop.ForOp(op.lbs[dim], op.ubs[dim], step, inits, Region(block))
            inner_op.properties.update(ranges[dim])
            inner_op.location = op.location
        assert inner_op is not None
        if order is not None:
            inner_op.properties["loop_order"] = order
        _replace(op, inner_op)


def _extent(lb: SSAValue, ub: SSAValue) -> int | None:
    lo, hi = const_int(lb), const_int(ub)
    return None if lo is None or hi is None else max(hi - lo, 0)


def _move_body(old: Block, new: Block, mapping: dict[SSAValue, SSAValue]) -> None:
    for arg, value in mapping.items():
        arg.replace_all_uses_with(value)
    for op in list(old.ops):
        op.detach()
        if isinstance(op, tile.YieldOp):
            yld = loop.YieldOp(*op.values)
            erase(op)
            new.add_op(yld)
        else:
            new.add_op(op)


def _replace(old: Operation, new: Operation) -> None:
    block = old.parent_block()
    assert block is not None
    block.insert_op_before(new, old)
    for a, b in zip(old.results, new.results):
        a.replace_all_uses_with(b)
    erase(old)


@dataclass(frozen=True)
class ConvertTileToLoopPass(ModulePass):
    """Rewrites `tile.grid`/`tile.for` into `loop.launch`/`loop.for` with their config slots."""

    name = "convert-tile-to-loop"

    target: str = "cpu"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in kernels(op):
            _Converter(kernel, TargetInfo.parse(self.target)).run()
