"""The loops of device code: `hl.tile`/`hl.grid` as the launch grid or as device loops
(`LoopsMixin` of `DeviceCompiler`)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    DenseArrayBase,
    IndexType,
    i64,
)
from xdsl.ir import Block, Region, SSAValue

from helion_mlir import exc
from helion_mlir import language as hl
from helion_mlir.dialects import tile
from helion_mlir.frontend.builder import name_hint
from helion_mlir.frontend.control import BROKE, Promote, _rest, jump_free_loop
from helion_mlir.frontend.host import names_written
from helion_mlir.frontend.values import DScalar, DTensor, TileValue, is_index_dtype


@dataclass
class LoopSpec:
    """What an `hl.tile`/`hl.grid` call asks for."""

    begins: list[Any]  # ints, or runtime scalars in nested loops
    ends: list[Any]
    multi: bool  # the list form: the loop binds a tuple
    fixed: list[int]  # per dim, a fixed block size, 0 if the config picks it
    scalar: bool  # hl.grid: the loop variables are indices, not tiles
    # `range`/`hl.grid` with a step: trip k stands for index start + k * step
    stepped: tuple[int, int] | None = None
    # `hl.jagged_tile(lengths)`: the per-lane lengths its accesses are masked by
    jagged: Any = None

    def attach(self, op: tile.GridOp | tile.ForOp) -> None:
        if any(self.fixed):
            op.properties["block_sizes"] = DenseArrayBase.from_list(i64, self.fixed)


@dataclass
class BlockInfo:
    """What the frontend knows of a block: its extent when static, kind and name, and
    the index its loop stops before when that is static (an access through the tile
    must not reach past a tensor's size)."""

    extent: int | None
    rdim: bool
    name: str
    end: int | None = None


def stepped_trips(begin: int, end: int, step: int) -> int:
    """How many indices `range(begin, end, step)` has."""
    return len(range(begin, end, step))


class LoopsMixin:
    """Reading loops into `tile.grid`/`tile.for`, for `DeviceCompiler`."""

    # -- loops ---------------------------------------------------------------------------

    def _tile_bounds(self, call: ast.Call) -> LoopSpec:
        """Bounds, fixed block sizes and form of an `hl.tile(...)`/`hl.grid(...)` call."""
        fn = self.expr(call.func)
        args = [self.expr(a) for a in call.args]
        kwargs = {k.arg: self.expr(k.value) for k in call.keywords}
        if fn is hl.jagged_tile:
            return self._jagged_bounds(args, kwargs, call)
        scalar = fn is hl.grid or fn is range
        name = "hl.tile" if fn is hl.tile else "range" if fn is range else "hl.grid"
        allowed = {"block_size"} if fn is hl.tile else set()
        if set(kwargs) - allowed:
            raise self.error(
                exc.UnsupportedSyntax, f"{name}() got unexpected keywords {sorted(kwargs)}", call
            )
        stepped = None
        if scalar and len(args) == 3:
            stepped = self._stepped(name, *args, call)
            args = [stepped_trips(*args)]
        if len(args) == 1:
            begins, ends = None, args[0]
        elif len(args) == 2:
            begins, ends = args
        else:
            takes = (
                "(end), (begin, end) or (begin, end, step)" if scalar else "(end) or (begin, end)"
            )
            raise self.error(exc.UnsupportedSyntax, f"{name} takes {takes}", call)
        multi = isinstance(ends, list | tuple)
        ends_l = list(ends) if multi else [ends]
        begins_l = [0] * len(ends_l) if begins is None else (list(begins) if multi else [begins])
        # a grid's bounds size the launch; nested loops may run over runtime bounds
        # such as `tile.begin`/`tile.end` of an enclosing tile
        dynamic_ok = self.grid_body is not None
        for v in (*begins_l, *ends_l):
            static = isinstance(v, int) and not isinstance(v, bool)
            runtime = dynamic_ok and (
                (isinstance(v, DScalar) and not v.dtype.is_floating_point)
                or (isinstance(v, DTensor) and v.rank == 0 and is_index_dtype(v.dtype))
            )
            if not (static or runtime):
                raise self.error(
                    exc.TypeMismatch,
                    f"{name} bounds must be integers"
                    + (" or 0-d integer device values" if dynamic_ok else " known when compiling")
                    + f", got {type(v).__name__}",
                    call,
                )
        if len(begins_l) != len(ends_l):
            raise self.error(
                exc.ShapeMismatch, f"{name} begin and end lists differ in length", call
            )
        fixed = kwargs.get("block_size")
        if scalar:
            sizes = [1] * len(ends_l)
        elif fixed is None:
            sizes = [0] * len(ends_l)
        else:
            sizes = list(fixed) if isinstance(fixed, list | tuple) else [fixed] * len(ends_l)
            if len(sizes) != len(ends_l) or not all(
                s is None
                or s in self.block_vars
                or (isinstance(s, int) and not isinstance(s, bool) and s > 0 and s & (s - 1) == 0)
                for s in sizes
            ):
                raise self.error(
                    exc.TypeMismatch,
                    "block_size must be a power of two or an hl.register_block_size() value "
                    "(or a list with one per dim; None lets the config choose)",
                    call,
                )
            sizes = [-(self.block_vars[s] + 1) if s in self.block_vars else s or 0 for s in sizes]
        return LoopSpec(begins_l, ends_l, multi, sizes, scalar, stepped)

    def _jagged_bounds(self, args: list[Any], kwargs: dict[str, Any], call: ast.AST) -> LoopSpec:
        lengths = args[0] if len(args) == 1 and not kwargs else None
        if not (
            isinstance(lengths, DTensor) and lengths.rank >= 1 and is_index_dtype(lengths.dtype)
        ):
            raise self.error(
                exc.TypeMismatch,
                "hl.jagged_tile takes one integer device tensor: each lane's length",
                call,
            )
        longest = self.torch_call(("fn", "amax"), lambda t: t.amax(), (lengths,), {}, call)
        return LoopSpec([0], [longest], False, [0], False, jagged=lengths)

    def _stepped(
        self, name: str, begin: Any, end: Any, step: Any, call: ast.AST
    ) -> tuple[int, int]:
        if (
            not all(isinstance(v, int) and not isinstance(v, bool) for v in (begin, end, step))
            or not step
        ):
            raise self.error(
                exc.TypeMismatch,
                f"{name} with a step needs int begin, end and a nonzero int step known when compiling",
                call,
            )
        return begin, step

    def bound(self, v: int | DScalar | DTensor) -> SSAValue:
        """A loop bound as an `index` value."""
        if isinstance(v, int):
            return self.b.index(v)
        if isinstance(v, DTensor):  # 0-d, e.g. the amax of per-row lengths
            return self.b.emit(tile.CastOp(v.value, IndexType())).results[0]
        value = v.value
        producer = value.owner
        if isinstance(producer, arith.IndexCastOp):  # an index widened for arithmetic
            value = producer.input
        if isinstance(value.type, IndexType):
            return value
        return self.b.emit(arith.IndexCastOp(value, IndexType())).results[0]

    def _bind_target(self, target: ast.expr, handles: Sequence[Any], multi: bool) -> None:
        if not multi:
            if not isinstance(target, ast.Name):
                raise self.error(exc.UnsupportedSyntax, "a 1-D hl.tile loop binds one name", target)
            self.scope[target.id] = handles[0]
            return
        if isinstance(target, ast.Name):
            self.scope[target.id] = tuple(handles)
            return
        if not isinstance(target, ast.Tuple) or len(target.elts) != len(handles):
            raise self.error(
                exc.UnsupportedSyntax,
                f"this hl.tile loop yields {len(handles)} tiles; unpack them into {len(handles)} names",
                target,
            )
        for elt, h in zip(target.elts, handles):
            if not isinstance(elt, ast.Name):
                raise self.error(exc.UnsupportedSyntax, "unpack tiles into plain names", elt)
            self.scope[elt.id] = h

    def _new_block(
        self, extent: int | None, rdim: bool = False, name: str = "", end: int | None = None
    ) -> int:
        block = len(self.blocks)
        self.blocks[block] = BlockInfo(extent, rdim, name or f"block {block}", end)
        return block

    def _loop_blocks(self, loop: ast.For, spec: LoopSpec) -> list[int]:
        """A block per dim of the loop; dims of one registered block size share its
        block, and fixed sizes let static dims of that size stand for the block."""
        target = loop.target
        names = [e.id if isinstance(e, ast.Name) else "" for e in getattr(target, "elts", [target])]
        if len(names) != len(spec.ends):
            base = target.id if isinstance(target, ast.Name) else "tile"
            names = [f"{base}[{i}]" for i in range(len(spec.ends))]
        blocks = []
        for b, e, n, fixed in zip(spec.begins, spec.ends, names, spec.fixed):
            extent = e - b if isinstance(e, int) and isinstance(b, int) else None
            if fixed < 0:
                blocks.append(self.var_block(-fixed - 1, extent, n))
                continue
            block = self._new_block(extent, name=n, end=e if isinstance(e, int) else None)
            if fixed > 0 and not spec.scalar:
                self.b.sized_blocks[block] = fixed
            blocks.append(block)
        return blocks

    def var_block(self, var: int, extent: int | None = None, name: str = "") -> int:
        """The block of registered block size `var`, made at its first use."""
        if var not in self.var_blocks:
            self.var_blocks[var] = self._new_block(extent, name=name or f"block_size {var}")
        return self.var_blocks[var]

    def grid(self, loop: ast.For) -> None:
        assert isinstance(loop.iter, ast.Call)
        spec = self._tile_bounds(loop.iter)
        blocks = self._loop_blocks(loop, spec)
        body = Block(arg_types=[tile.TileType(k) for k in blocks])
        handles = [TileValue(a, k) for a, k in zip(body.args, blocks)]
        self._name_handles(loop.target, body.args)
        op = tile.GridOp(
            [self.b.index(v) for v in spec.begins],
            [self.b.index(v) for v in spec.ends],
            Region(body),
        )
        spec.attach(op)
        self.b.emit(op)
        saved = (self.b.block, dict(self.scope), self.rdims, self.grid_body)
        self.b.block, self.rdims, self.grid_body = body, {}, body
        self._bind_target(loop.target, self._loop_values(handles, spec), spec.multi)
        self.stmts(loop.body)
        body.add_op(tile.YieldOp())
        self.b.block, self.scope, self.rdims, self.grid_body = saved

    def _loop_values(self, handles: list[TileValue], spec: LoopSpec) -> list[Any]:
        """What the loop variables hold: tiles, or for `hl.grid` their indices."""
        if not spec.scalar:
            return handles
        values = []
        for h in handles:
            begin = self.b.emit(tile.BeginOp(h.handle)).results[0]
            begin.name_hint = h.handle.name_hint
            value = DScalar(begin, torch.int64)
            if spec.stepped is not None:
                start, step = spec.stepped
                value = self.scalar_binop(
                    operator.add, self.scalar_binop(operator.mul, value, step), start
                )
            values.append(value)
        return values

    def _name_handles(self, target: ast.expr, args: Sequence[SSAValue]) -> None:
        names = [target] if isinstance(target, ast.Name) else getattr(target, "elts", [])
        for n, a in zip(names, args):
            if isinstance(n, ast.Name):
                a.name_hint = name_hint(n.id)

    def device_for(self, loop: ast.For) -> None:
        body, guard = jump_free_loop(loop.body, loop)
        if guard is not None:
            self.scope[BROKE] = False
            loop = ast.copy_location(ast.For(loop.target, loop.iter, body, [], None), loop)
        assigned = names_written(loop.body)
        promoted: set[str] = set()
        while True:
            try:
                self._device_for(loop, assigned, promoted)
                return
            except Promote as p:  # a number the body changes: read it again, carried
                promoted.add(p.name)

    def _device_for(self, loop: ast.For, assigned: set[str], promoted: set[str]) -> None:
        assert isinstance(loop.iter, ast.Call)
        spec = self._tile_bounds(loop.iter)
        begins, ends = spec.begins, spec.ends
        blocks = self._loop_blocks(loop, spec)
        carried = self.carried_names(assigned, promoted)
        inits = [self.as_carried(self.scope[n], loop) for n in carried]
        body = Block(arg_types=[tile.TileType(k) for k in blocks] + [v.value.type for v in inits])
        handles = [TileValue(a, k) for a, k in zip(body.args, blocks)]
        self._name_handles(loop.target, body.args)
        outer_block, outer_scope = self.b.block, dict(self.scope)
        self.b.block = body
        if spec.jagged is not None:
            self.jagged[blocks[0]] = (body.args[0], spec.jagged)
        try:
            self._bind_target(loop.target, self._loop_values(handles, spec), spec.multi)
            for name, arg, init in zip(carried, body.args[len(blocks) :], inits):
                arg.name_hint = name_hint(name)
                self.scope[name] = type(init)(arg, *_rest(init))
            self.stmts(loop.body)
            self.check_numbers_unchanged(assigned - set(carried), outer_scope)
            yields = [self.carry_out(n, i, self.scope[n], loop) for n, i in zip(carried, inits)]
            body.add_op(tile.YieldOp(*yields))
        finally:
            self.b.block = outer_block
            self.scope = outer_scope
            self.jagged.pop(blocks[0], None)
        self.at(loop)
        op = tile.ForOp(
            [self.bound(v) for v in begins],
            [self.bound(v) for v in ends],
            [v.value for v in inits],
            Region(body),
        )
        spec.attach(op)
        self.b.emit(op)
        for name, init, res in zip(carried, inits, op.res):
            res.name_hint = name_hint(name)
            self.scope[name] = type(init)(res, *_rest(init))
        for name in assigned - set(carried):
            self.scope.pop(name, None)
        targets = [loop.target] if isinstance(loop.target, ast.Name) else loop.target.elts  # type: ignore[attr-defined]
        for t in targets:
            if isinstance(t, ast.Name):
                self.ended_tiles[t.id] = loop.lineno
