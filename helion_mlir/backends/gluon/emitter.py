"""Prints a `triton` kernel of flash attention's shape (`two_dot_loop.find`) as a
warp-specialized Gluon kernel for Hopper, FlashAttention-3's schedule:

- persistent: one program per SM walks the query tiles;
- a 1-warp producer partition issues every load through TMA: each tile's two halves
  of Q, then K and V into a ring of `STAGES` buffers guarded by ready/empty mbarriers,
  running ahead across tile boundaries;
- two 4-warp consumer partitions own 64 query rows each; in key tile j one issues the
  first dot of tile j and the second of tile j-1 as asynchronous wgmmas, runs the ops
  that do not read the accumulator (the softmax) while the second is in flight, then
  the ops that do (the rescale): the loop rotated by one stage;
- setmaxnreg moves registers from the producer to the consumers; O is staged in its
  own buffer and stored by TMA while the next tile computes.

The loop's own ops are printed by `PyEmitter`, halved to a consumer's rows and given
explicit layouts: every [rows, n] value the wgmma accumulator layout of width n, every
row vector its row slice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Operation, SSAValue

from helion_mlir import exc
from helion_mlir.backends.gluon.two_dot_loop import (
    BLOCK_M,
    COLUMNS,
    CONSUMERS,
    ROWS,
    ROWS_PER_CONSUMER,
    Tile,
    TwoDotLoop,
    diagonal_mask,
    find,
    round_trips,
    undoes,
    unfit,
)
from helion_mlir.backends.triton import dialect as tt
from helion_mlir.backends.triton.emitter import (
    _COMBINE_HELPERS,
    PyEmitter,
    _implicitly_broadcasting,
    dtype_name,
    literal,
)
from helion_mlir.passes.ir_utils import const_int, source_location

# Hopper's shared memory per block, less room for the mbarriers
SHARED_BYTES = 227 * 1024 - 1024
# registers per thread: the launch gives the three warpgroups (the producer's warp is
# padded to one) MAXNREG each; setmaxnreg moves them so: 3*128*168 = 2*128*240 + 128*24
MAXNREG, CONSUMER_REGS, PRODUCER_REGS = 168, 240, 24

HEADER = """\
import triton
import triton.language as tl
from triton.experimental import gluon
from triton.experimental.gluon import language as gl
from triton.experimental.gluon.language.nvidia.hopper import (
    fence_async_shared,
    mbarrier,
    tma,
    warpgroup_mma,
    warpgroup_mma_wait,
)
from triton.experimental.gluon.nvidia.hopper import TensorDescriptor

from helion_mlir.runtime.device import num_sm as _num_sm


@gluon.constexpr_function
def _mma(n):
    # one warpgroup's wgmma accumulator of width n: each warp owns 16 whole rows, so
    # row reductions stay within a quad of threads
    return gl.NVMMADistributedLayout(version=[3, 0], warps_per_cta=[4, 1], instr_shape=[16, n, 16])


@gluon.constexpr_function
def _rows(n):
    return gl.SliceLayout(1, _mma(n))


@gluon.constexpr_function
def _cols(n):
    return gl.SliceLayout(0, _mma(n))


@gluon.constexpr_function
def _operand(n):
    # the second dot's A operand from registers, a permutation of the first's result
    return gl.DotOperandLayout(operand_index=0, parent=_mma(n), k_width=2)
"""

# names of the schedule's own variables, kept from the kernel's values
SCHEDULE_NAMES = {
    "gl", "gluon", "tma", "mbarrier", "warpgroup_mma", "warpgroup_mma_wait",
    "fence_async_shared", "TensorDescriptor", "tile", "it", "count", "j", "c", "st",
    "sp", "s_tok", "o_tok", "q_buf", "o_buf", "q_smem", "o_smem", "k_smem", "v_smem",
    "q_ready", "q_empty", "k_ready", "k_empty", "v_ready", "v_empty", "CID", "row",
    "n_tiles", "n_free",
}  # fmt: skip
BARRIERS = ("q_ready", "q_empty", "k_ready", "k_empty", "v_ready", "v_empty")


def gluon_names(text: str) -> str:
    """`tl.` calls as Gluon's (which keeps Triton's names), NaN modes left to `tl`."""
    return re.sub(r"\btl\.(?!PropagateNan)", "gl.", text)


@dataclass
class _KeyLoop:
    """What every copy of a consumer's key loop shares: its emitter, the names of the
    carried values, the second dot's A operand and the scores, the K and V views."""

    p: _Partition
    names: list[str]
    carried: list[SSAValue]
    pv_lhs: str
    scores: str
    k_view: str
    v_view: str
    n: str
    last: str


class _Partition(PyEmitter):
    """One partition function's body: the kernel's ops, halved to a consumer's rows."""

    def __init__(self, found: TwoDotLoop, descs: dict[tt.MakeDescriptorOp, str]):
        super().__init__()
        self.found = found
        self.taken |= SCHEDULE_NAMES | set(descs.values())
        for desc, name in descs.items():
            self.exprs[desc.result] = name
        self.widths: dict[SSAValue, int] = {}
        self.unmasked: tt.WhereOp | None = None  # a mask this copy of the loop leaves out

    def width(self, value: SSAValue) -> int:
        """The accumulator width whose row slice a row vector is laid out in."""
        shape = value.type.get_shape()  # type: ignore[attr-defined]
        if len(shape) == 2:
            return shape[1]
        if value not in self.widths:
            op = value.owner
            if isinstance(op, tt.ReduceOp):
                self.widths[value] = op.source.type.get_shape()[1]  # type: ignore[attr-defined]
            elif isinstance(op, tt.ForOp):
                self.widths[value] = self.width(op.iter_args[op.res.index(value)])
            elif isinstance(op, Operation) and (
                tensors := [v for v in op.operands if isinstance(v.type, TensorType)]
            ):
                self.widths[value] = self.width(tensors[0])
            else:
                self.widths[value] = self.found.block_n
        return self.widths[value]

    def layout(self, value: SSAValue) -> str:
        shape = value.type.get_shape()  # type: ignore[attr-defined]
        if len(shape) == 2:
            return f"_mma({shape[1]})"
        if self.found.role(value) == COLUMNS:
            return f"_cols({shape[0]})"
        return f"_rows({self.width(value)})"

    def halved(self, value: SSAValue) -> list[int]:
        """A value's shape in one consumer, which holds ROWS_PER_CONSUMER query rows."""
        first, *rest = value.type.get_shape()  # type: ignore[attr-defined]
        along_rows = first == BLOCK_M and (rest or self.found.role(value) == ROWS)
        return [ROWS_PER_CONSUMER if along_rows else first, *rest]

    def arange(self, value: SSAValue, role: str) -> str:
        """An index vector as the `role` use needs it: a consumer's own query rows, or
        every key column."""
        n = value.type.get_shape()[0]  # type: ignore[attr-defined]
        if role == COLUMNS:
            return f"gl.arange(0, {n}, layout=_cols({n}))"
        rows = ROWS_PER_CONSUMER
        return f"CID * {rows} + gl.arange(0, {rows}, layout=_rows({self.found.block_n}))"

    def _place_aranges(self, op: Operation) -> None:
        for v in op.operands:
            if isinstance(v.owner, tt.ArangeOp):
                if isinstance(op, tt.ReshapeOp):
                    role = COLUMNS if op.result.type.get_shape()[0] == 1 else ROWS  # type: ignore[attr-defined]
                else:
                    role = self.found.role(op.results[0])
                self.exprs[v] = self.arange(v, role)

    def emit(self, ops: list[Operation], scalars_only: bool = False) -> None:
        for op in ops:
            if op in self.found.skipped or isinstance(op, tt.MakeDescriptorOp):
                continue
            if isinstance(op, tt.ProgramIdOp):
                self.exprs[op.results[0]] = "tile"
                continue
            tensor = any(isinstance(r.type, TensorType) for r in op.results)
            if scalars_only and tensor:
                continue
            self.op(op)

    def op(self, op: Operation) -> None:
        self._place_aranges(op)
        match op:
            case tt.ArangeOp():
                pass  # printed where it is used, as that use needs it
            case tt.WhereOp() if op is self.unmasked:
                self.inline(op, self.expr(op.lhs))
            case tt.ReshapeOp() if round_trips(op.result):
                pass  # its reader takes its source (below)
            case tt.ReshapeOp() if undoes(op):
                self.inline(op, self.expr(op.source.owner.source))  # type: ignore[union-attr]
            case tt.FullOp() if not all(
                _implicitly_broadcasting(u.operation) for u in op.result.uses
            ):
                shape, value = self.halved(op.result), literal(op.value)
                dtype = dtype_name(op.result.type)
                self.assign(op, f"gl.full({shape}, {value}, {dtype}, {self.layout(op.result)})")
            case tt.ReshapeOp() if self._expands_rows(op):
                source = self.expr(op.source)
                wanted = {
                    u.operation.results[0].type.get_shape()[1]  # type: ignore[attr-defined]
                    for u in op.result.uses
                }
                if len(wanted) == 1 and (n := wanted.pop()) != self.width(op.source):
                    source = f"gl.convert_layout({source}, _rows({n}))"
                self.inline(op, f"{source}[:, None]")
            case tt.SplatOp() | tt.BroadcastOp() if not all(
                _implicitly_broadcasting(u.operation) for u in op.results[0].uses
            ):
                raise unfit("a broadcast into a tile of its own, which it does not lay out")
            case _:
                super().op(op)

    @staticmethod
    def _expands_rows(op: tt.ReshapeOp) -> bool:
        src = op.source.type.get_shape()  # type: ignore[attr-defined]
        dst = op.result.type.get_shape()  # type: ignore[attr-defined]
        return len(src) == 1 and list(dst) == [src[0], 1]

    def row(self, t: Tile, extra: str = "") -> str:
        """The row of `t`'s 2-D view its offsets name."""
        first = self.operand(t.offsets[0])
        if len(t.offsets) == 3:
            rows = f"{first} * {t.folded_rows} + {self.operand(t.offsets[1])}"
        else:
            rows = self.expr(t.offsets[0])
        return f"{rows}{extra}"

    def iv(self, j: str, ops: list[Operation]) -> None:
        """The loop's index at key tile `j`, where one of `ops` reads it."""
        loop = self.found.loop
        if not any(u.operation in ops for u in loop.iv.uses):
            return
        lb, step = const_int(loop.lb), const_int(loop.step)
        name = self.bind(loop.iv)
        self.line(f"{name} = {lb} + {j} * {step}")


class GluonEmitter:
    """The Gluon module of one kernel, its launcher and entry."""

    def __init__(self, module: ModuleOp):
        kernels = [op for op in module.ops if isinstance(op, tt.KernelOp)]
        if len(kernels) != 1:
            raise unfit("the kernel runs several device loops, one launch each")
        self.module = module
        self.kernel = kernels[0]
        self.found = find(self.kernel)
        f = self.found
        self.descs = {
            t.desc: t.desc.result.name_hint or f"desc_{i}"
            for i, t in enumerate((f.q, f.k, f.v, f.o))
        }
        self.name = self.kernel.sym_name.data
        self.launch = next(op for op in module.ops if isinstance(op, tt.LauncherOp))
        self.stages = self._stages()
        self.mask = diagonal_mask(f)
        self.mask_only = _feeding_only(f.scores, self.mask.where) if self.mask else set()
        self.helpers: set[str] = set()
        self.functions: dict[str, str] = {}

    def _stages(self) -> int:
        f = self.found
        wanted = self.launch.num_stages.data  # the ring of K/V buffers: at least two
        elt = f.q.desc.base.type.pointee.bitwidth // 8  # type: ignore[attr-defined]
        fixed = 2 * CONSUMERS * ROWS_PER_CONSUMER * f.head_dim * elt  # Q and O
        per_stage = 2 * f.block_n * f.head_dim * elt
        stages = min(max(2, wanted), (SHARED_BYTES - fixed) // per_stage)
        if stages < 2:
            raise exc.InvalidConfig(
                f"range_warp_specializes on Hopper: K/V tiles of {f.block_n} x {f.head_dim} "
                f"do not fit shared memory twice over; use a smaller key block size"
            )
        return stages

    # -- module --------------------------------------------------------------------------

    def source(self) -> str:
        parts = [self.producer(), self.consumer(), self.entry_kernel()]
        rest = PyEmitter()
        rest.taken |= {self.name}
        body = [gluon_names(p) for p in parts]
        helpers = []
        for kind in sorted(self.helpers):
            helpers.append(
                f"@gluon.jit\ndef _helion_{kind}(a, b):\n    return {gluon_names(_COMBINE_HELPERS[kind])}"
            )
        for text in self.functions:
            helpers.append(gluon_names(text.replace("@triton.jit", "@gluon.jit")))
        tail = [self.launcher(self.launch)]
        for op in self.module.ops:
            if isinstance(op, tt.EntryOp):
                rest.lines = []
                rest.entry(op)
                tail.append("\n".join(rest.lines))
        return "\n\n\n".join([HEADER.rstrip(), *helpers, *body, *tail]) + "\n"

    def _partition(self) -> _Partition:
        return _Partition(self.found, self.descs)

    def _collect(self, p: _Partition) -> None:
        self.helpers |= p.helpers
        self.functions.update(p.functions)

    def _params(self) -> str:
        return ", ".join(dict.fromkeys(self.descs[t.desc] for t in self._tiles()))

    def _tiles(self) -> list[Tile]:
        f = self.found
        return [f.q, f.k, f.v, f.o]

    def _total(self) -> int:
        grid = [g.data for g in self.launch.grid]
        if len(grid) != 1 or not grid[0].isdigit():
            raise unfit("the grid is not one dimension of a known size (pid_type 'flat')")
        return int(grid[0])

    def _trip_count(self, p: _Partition) -> tuple[str, str]:
        """The key tiles of this query tile, and the index of the last, as text: numbers,
        or (a loop up to a bound the tile computes) a variable set here."""
        f = self.found
        if f.trips is not None:
            return str(f.trips), str(f.trips - 1)
        lb, step = const_int(f.loop.lb), const_int(f.loop.step)
        p.line(f"n_tiles = ({p.expr(f.loop.ub)} - {lb} + {step - 1}) // {step}")  # type: ignore[operator]
        return "n_tiles", "n_tiles - 1"

    def _tile_loop(self, p: _Partition) -> None:
        p.line(f"for tile in range(gl.program_id(0), {self._total()}, gl.num_programs(0)):")
        p.depth += 1

    # -- producer ------------------------------------------------------------------------

    def producer(self) -> str:
        f, p = self.found, self._partition()
        q, k, v = (self.descs[t.desc] for t in (f.q, f.k, f.v))
        p.line("@gluon.jit")
        p.line(
            f"def {self.name}_producer({self._params()}, q_smem, k_smem, v_smem, "
            f"{', '.join(BARRIERS)}):"
        )
        p.depth += 1
        p.line("count = 0")
        p.line("it = 0")
        self._tile_loop(p)
        p.emit(f.before, scalars_only=True)
        n, _ = self._trip_count(p)
        p.line(f"row = {p.row(f.q)}")
        p.line(f"for c in gl.static_range({CONSUMERS}):")
        p.line("    mbarrier.wait(q_empty.index(c), (it & 1) ^ 1)")
        p.line(f"    mbarrier.expect(q_ready.index(c), {q}.block_type.nbytes)")
        p.line(
            f"    tma.async_copy_global_to_shared({q}, [row + c * {ROWS_PER_CONSUMER}, 0], "
            "q_ready.index(c), q_smem.index(c))"
        )
        p.line(f"for j in range({n}):")
        p.depth += 1
        body = list(f.loop.body.block.ops)[:-1]
        p.iv("j", body)
        p.emit(body, scalars_only=True)
        p.line(f"st = count % {self.stages}")
        for name, t, bars in ((k, f.k, "k"), (v, f.v, "v")):
            p.line(f"mbarrier.wait({bars}_empty.index(st), ((count // {self.stages}) & 1) ^ 1)")
            p.line(f"mbarrier.expect({bars}_ready.index(st), {name}.block_type.nbytes)")
            p.line(
                f"tma.async_copy_global_to_shared({name}, [{p.row(t)}, 0], "
                f"{bars}_ready.index(st), {bars}_smem.index(st))"
            )
        p.line("count += 1")
        p.depth -= 1
        p.line("it += 1")
        self._collect(p)
        return "\n".join(p.lines)

    # -- consumers -----------------------------------------------------------------------

    def consumer(self) -> str:
        f, p = self.found, self._partition()
        bn, s = f.block_n, self.stages
        k_view = "k_smem.index({}).permute((1, 0))" if f.k.transposed else "k_smem.index({})"
        v_view = "v_smem.index({}).permute((1, 0))" if f.v.transposed else "v_smem.index({})"
        p.line("@gluon.jit")
        p.line(
            f"def {self.name}_consumer({self._params()}, q_smem, o_smem, k_smem, v_smem, "
            f"{', '.join(BARRIERS)}, CID: gl.constexpr):"
        )
        p.depth += 1
        scores = p.bind(f.qk.results[0])
        p.line(f"{scores} = gl.zeros([{ROWS_PER_CONSUMER}, {bn}], gl.float32, _mma({bn}))")
        p.line("q_buf = q_smem.index(CID)")
        p.line("o_buf = o_smem.index(CID)")
        p.line("count = 0")
        p.line("it = 0")
        self._tile_loop(p)
        p.emit(f.before)
        n, last = self._trip_count(p)
        carried = list(f.loop.carried)
        names = [p.fresh(a.name_hint) for a in carried]
        inits = list(f.loop.iter_args)
        p.line("mbarrier.wait(q_ready.index(CID), it & 1)")

        # key tile 0: its first dot, the softmax and the rescale; its second dot goes in
        # flight in the loop
        for arg, init in zip(carried, inits):
            p.exprs[arg] = p.expr(init)
        p.iv("0", f.scores + f.rescale)
        p.line(f"st = count % {s}")
        p.line(f"mbarrier.wait(k_ready.index(st), (count // {s}) & 1)")
        p.line(
            f"s_tok = warpgroup_mma(q_buf, {k_view.format('st')}, {scores}, use_acc=False, "
            "is_async=True)"
        )
        p.line(f"{scores} = warpgroup_mma_wait(0, deps=(s_tok,))")
        p.line("mbarrier.arrive(k_empty.index(st))")
        if f.trips is None:  # a tile of one key tile has read its Q already
            p.line(f"mbarrier.arrive(q_empty.index(CID), pred={n} == 1)")
        p.exprs[f.qk.results[0]] = scores
        pv_lhs = p.fresh("p_operand")
        p.emit(f.scores)
        p.emit(f.rescale)
        self._carry(p, names, carried, pv_lhs)

        acc = names[f.acc_index]
        loop = _KeyLoop(p, names, carried, pv_lhs, scores, k_view, v_view, n, last)
        if self.mask is not None:  # key tiles wholly below the diagonal skip the mask
            first_row = f"{p.operand(self.mask.rows_start)} + CID * {ROWS_PER_CONSUMER}"
            lb, strict = const_int(f.loop.lb), int(self.mask.strict)
            p.line(
                f"n_free = gl.minimum(gl.maximum(gl.maximum({first_row} - {lb} + {1 - strict}, 0) "
                f"// {bn}, 1), {n})"
            )
            self._key_loop(loop, "1", "n_free", unmasked=True)
            self._key_loop(loop, "n_free", n)
        else:
            self._key_loop(loop, "1", n)

        p.line(f"sp = (count + {last}) % {s}")
        p.line(f"mbarrier.wait(v_ready.index(sp), ((count + {last}) // {s}) & 1)")
        p.line(f"o_tok = warpgroup_mma({pv_lhs}, {v_view.format('sp')}, {acc}, is_async=True)")
        p.line(f"{acc} = warpgroup_mma_wait(0, deps=(o_tok,))")
        p.line("mbarrier.arrive(v_empty.index(sp))")
        p.line(f"count += {n}")
        p.line("it += 1")
        for res, name in zip(f.loop.res, names):
            p.exprs[res] = name
        p.emit(f.after)
        o = self.descs[f.o.desc]
        p.line("tma.store_wait(0)  # the previous tile's O has left o_buf")
        p.line("gl.thread_barrier()")
        p.line(f"o_buf.store({p.expr(f.o_value)})")
        p.line("fence_async_shared()")
        p.line("gl.thread_barrier()")
        row = p.row(f.o, f" + CID * {ROWS_PER_CONSUMER}")
        p.line(f"tma.async_copy_shared_to_global({o}, [{row}, 0], o_buf)")
        p.depth -= 1
        p.line("tma.store_wait(0)")
        self._collect(p)
        return "\n".join(p.lines)

    def _key_loop(self, loop: _KeyLoop, start: str, stop: str, unmasked: bool = False) -> None:
        """Key tiles `start` to `stop` of the rotated loop: the first dot of tile j and
        the second of tile j-1 in flight together, the softmax between their waits, the
        rescale after (`unmasked`: without the diagonal mask, for tiles below it)."""
        f, p, s = self.found, loop.p, self.stages
        p.line(f"for j in range({start}, {stop}):")
        p.depth += 1
        for arg, name in zip(loop.carried, loop.names):
            p.exprs[arg] = name
        acc = loop.names[f.acc_index]
        skipped = self.mask_only if unmasked else set()
        scores = [op for op in f.scores if op not in skipped]
        p.iv("j", scores + f.rescale)
        p.line("c = count + j")
        p.line(f"st = c % {s}")
        p.line(f"sp = (c - 1) % {s}")
        p.line(f"mbarrier.wait(k_ready.index(st), (c // {s}) & 1)")
        p.line(f"mbarrier.wait(v_ready.index(sp), ((c - 1) // {s}) & 1)")
        p.line(
            f"s_tok = warpgroup_mma(q_buf, {loop.k_view.format('st')}, {loop.scores}, "
            "use_acc=False, is_async=True)"
        )
        p.line(
            f"o_tok = warpgroup_mma({loop.pv_lhs}, {loop.v_view.format('sp')}, {acc}, "
            "is_async=True)"
        )
        p.line(f"{loop.scores} = warpgroup_mma_wait(1, deps=(s_tok,))")
        p.line("mbarrier.arrive(k_empty.index(st))")
        p.line(f"mbarrier.arrive(q_empty.index(CID), pred=j == {loop.last})")
        p.unmasked = self.mask.where if unmasked and self.mask is not None else None
        p.emit(scores)
        p.unmasked = None
        # the next K tile's wait sits here, not at the loop's top: its spin loop is a
        # basic-block boundary ptxas does not schedule across, which keeps the wait for
        # the second dot below the softmax instead of hoisted above it
        p.line(
            f"mbarrier.wait(k_ready.index((c + 1) % {s}), ((c + 1) // {s}) & 1, "
            f"pred=j + 1 < {loop.n})"
        )
        p.line(f"{acc}, {loop.pv_lhs} = warpgroup_mma_wait(0, deps=(o_tok, {loop.pv_lhs}))")
        p.line("mbarrier.arrive(v_empty.index(sp))")
        p.emit(f.rescale)
        self._carry(p, loop.names, loop.carried, loop.pv_lhs)
        p.depth -= 1

    def _carry(self, p: _Partition, names: list[str], carried: list[SSAValue], pv_lhs: str) -> None:
        f = self.found
        yielded = list(f.loop.body.block.last_op.operands)  # type: ignore[union-attr]
        for i, (name, value) in enumerate(zip(names, yielded)):
            new = p.expr(f.pv.acc) if i == f.acc_index else p.expr(value)
            if new != name:
                p.line(f"{name} = {new}")
        p.line(f"{pv_lhs} = gl.convert_layout({p.expr(f.pv.lhs)}, _operand({f.head_dim}))")

    # -- kernel and launcher -------------------------------------------------------------

    def entry_kernel(self) -> str:
        f, s = self.found, self.stages
        q, k, v, o = (self.descs[t.desc] for t in self._tiles())
        dtype = dtype_name(f.q.desc.base.type.pointee)  # type: ignore[attr-defined]
        bars = ", ".join(BARRIERS)
        consumer = f"{self._params()}, q_smem, o_smem, k_smem, v_smem, {bars}"
        producer = f"{self._params()}, q_smem, k_smem, v_smem, {bars}"
        lines = [
            "@gluon.jit",
            f"def {self.name}({self._params()}):",
            "    bar: gl.constexpr = mbarrier.MBarrierLayout()",
            f"    q_smem = gl.allocate_shared_memory({dtype}, [{CONSUMERS}, {ROWS_PER_CONSUMER}, {f.head_dim}], {q}.layout)",
            f"    o_smem = gl.allocate_shared_memory({dtype}, [{CONSUMERS}, {ROWS_PER_CONSUMER}, {f.head_dim}], {o}.layout)",
            f"    k_smem = gl.allocate_shared_memory({dtype}, [{s}, {f.k.block[0]}, {f.k.block[1]}], {k}.layout)",
            f"    v_smem = gl.allocate_shared_memory({dtype}, [{s}, {f.v.block[0]}, {f.v.block[1]}], {v}.layout)",
        ]  # fmt: skip
        for name in BARRIERS:
            count = CONSUMERS if name.startswith("q") else s
            lines.append(f"    {name} = gl.allocate_shared_memory(gl.int64, [{count}, 1], bar)")
        lines += [
            f"    for c in gl.static_range({CONSUMERS}):",
            "        mbarrier.init(q_ready.index(c), count=1)",
            "        mbarrier.init(q_empty.index(c), count=1)",
            f"    for c in gl.static_range({s}):",
            "        mbarrier.init(k_ready.index(c), count=1)",
            "        mbarrier.init(v_ready.index(c), count=1)",
            "        # a stage is free once both consumers have read it",
            f"        mbarrier.init(k_empty.index(c), count={CONSUMERS})",
            f"        mbarrier.init(v_empty.index(c), count={CONSUMERS})",
            "    fence_async_shared()",
            "    gl.warp_specialize(",
            "        [",
            *(
                f"            ({self.name}_consumer, ({consumer}, {cid})),"
                for cid in range(CONSUMERS)
            ),
            f"            ({self.name}_producer, ({producer})),",
            "        ],",
            "        [4, 1],",
            f"        [{CONSUMER_REGS}, {PRODUCER_REGS}],",
            "    )",
        ]  # fmt: skip
        return "\n".join(lines)

    def launcher(self, op: tt.LauncherOp) -> str:
        namer = PyEmitter()  # the tensors' names, kept clear of the module's own
        namer.taken |= {self.name, "gl", "TensorDescriptor", "_num_sm", *self.descs.values()}
        params = [namer.bind(a) for a in self.kernel.body.block.args]
        lines = [f"def {op.sym_name.data}({', '.join(params)}):"]
        made: set[str] = set()
        for t in self._tiles():
            if self.descs[t.desc] in made:
                continue
            made.add(self.descs[t.desc])
            cols = t.block[1]
            shape = [const_int(v) for v in t.desc.shape]
            strides = [const_int(v) for v in t.desc.strides]
            rows = shape[0] * shape[1] if len(shape) == 3 else shape[0]
            dtype = gluon_names(dtype_name(t.desc.base.type.pointee))  # type: ignore[attr-defined]
            block = [t.block[0], cols]
            lines.append(
                f"    {self.descs[t.desc]} = TensorDescriptor({namer.expr(t.desc.base)}, [{rows}, {cols}], "
                f"[{strides[-2]}, 1], {block}, gl.NVMMASharedLayout.get_default_for({block}, {dtype}))"
            )
        first = params[0]
        grid = f"min(_num_sm({first}), {self._total()})"
        lines.append(
            f"    {op.kernel.data}[({grid},)]({self._params()}, num_warps=4, maxnreg={MAXNREG})"
        )
        return "\n".join(lines)


def _feeding_only(ops: list[Operation], where: tt.WhereOp) -> set[Operation]:
    """The ops among `ops` whose results only `where`'s condition reads, through one
    another: what a copy of the loop without that mask leaves out."""
    slice_: set[Operation] = set()
    for op in reversed(ops):
        uses = [u for r in op.results for u in r.uses]
        if (
            op is not where
            and uses
            and all(u.operation in slice_ or (u.operation is where and u.index == 0) for u in uses)
        ):
            slice_.add(op)
    return slice_


def emit_gluon_module(module: ModuleOp) -> str:
    """The Python source of a module whose kernel runs the warp-specialized schedule;
    a kernel it does not fit is an `InvalidConfig` at the loop the config marks."""
    try:
        return GluonEmitter(module).source()
    except exc.InvalidConfig as e:
        marked = (o for o in module.walk() if isinstance(o, tt.ForOp) and o.gluon_warp_specialize)
        where = source_location(next(marked))
        if where is not None:
            e.with_location(where)
        raise
