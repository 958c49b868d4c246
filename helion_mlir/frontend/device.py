"""Device code: the bodies of a kernel's `hl.tile` loops, read into the `tile` dialect.

The compiler walks the AST of the device loops and evaluates it abstractly. Names hold
compile-time Python values (numbers, dtypes, functions) or device values (tiles in
registers, tile handles, runtime scalars). Host tensors and runtime scalars the device
code reads become kernel arguments. Subscripts become `tile.load`/`tile.store`; torch
calls go through `trace.call_torch`; matmuls become `tile.dot`; nested `hl.tile` loops
become `tile.for` with their loop-carried variables as iter_args.
"""

from __future__ import annotations

import ast
import builtins
import copy
import inspect
import operator
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils._pytree import tree_flatten
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    DenseArrayBase,
    FunctionType,
    IndexType,
    MemRefType,
    ModuleOp,
    StridedLayoutAttr,
    StringAttr,
    i64,
)
from xdsl.ir import Block, Region, SSAValue

from helion_mlir import exc
from helion_mlir import language as hl
from helion_mlir.dialects import cfg, tile
from helion_mlir.dialects.tile import Blk, Dim
from helion_mlir.frontend import hl_calls
from helion_mlir.frontend.builder import Builder
from helion_mlir.frontend.dtypes import to_xdsl
from helion_mlir.frontend.host import HostProgram, names_written
from helion_mlir.frontend.source import FunctionSource, KernelSource
from helion_mlir.frontend.trace import call_torch
from helion_mlir.frontend.values import BoundMethod, DScalar, DTensor, HostTensor, TileValue

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}
_UNARYOPS: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}
_CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_MATMULS = (
    torch.matmul,
    torch.mm,
    torch.bmm,
    torch.Tensor.matmul,
    torch.Tensor.mm,
    torch.Tensor.bmm,
    operator.matmul,
)


def _is_device(v: Any) -> bool:
    return isinstance(v, DTensor | DScalar | TileValue)


@dataclass
class LoopSpec:
    """What an `hl.tile`/`hl.grid` call asks for."""

    begins: list[Any]  # ints, or runtime scalars in nested loops
    ends: list[Any]
    multi: bool  # the list form: the loop binds a tuple
    fixed: list[int]  # per dim, a fixed block size, 0 if the config picks it
    scalar: bool  # hl.grid: the loop variables are indices, not tiles

    def attach(self, op: tile.GridOp | tile.ForOp) -> None:
        if any(self.fixed):
            op.properties["block_sizes"] = DenseArrayBase.from_list(i64, self.fixed)


@dataclass
class BlockInfo:
    """What the frontend knows of a block: its extent when static, kind and name."""

    extent: int | None
    rdim: bool
    name: str


@dataclass
class Frame:
    """Where names resolve and locations point while reading code: the kernel's body,
    or a function inlined into it."""

    src: KernelSource | FunctionSource
    # the host-code expression of the inlined function, through which the tensors it
    # captures are passed to the kernel (None: the kernel itself, or not reachable)
    host_expr: str | None = None
    # a lambda written in device code: the scope and frame it was written in
    defining_scope: dict[str, Any] | None = None
    defining_frame: Frame | None = None

    @property
    def is_kernel(self) -> bool:
        return isinstance(self.src, KernelSource)


@dataclass(frozen=True, eq=False)
class DeviceLambda:
    """A lambda written in device code: called, it is inlined in its defining scope."""

    node: ast.Lambda
    scope: dict[str, Any]
    frame: Frame


class _Return(Exception):
    """A `return` leaving an inlined function, with its value."""

    def __init__(self, value: Any):
        self.value = value


MAX_INLINE_DEPTH = 32


class DeviceCompiler:
    """Builds the `tile.kernel` of one kernel specialization from its device loops."""

    def __init__(self, src: KernelSource, host: HostProgram, host_values: dict[str, Any], runtime: set[str]):
        self.src = src
        self.host = host
        self.host_values = host_values
        self.runtime = runtime
        self.kernel = tile.KernelOp(src.name, [], [])
        self.entry = self.kernel.body.block
        self.b = Builder(self.entry, self.entry, src.filename)
        self.sources: list[str] = []
        self.args: dict[str, Any] = {}
        self.blocks: dict[int, BlockInfo] = {}
        self.mem_ids = 0
        self.scope: dict[str, Any] = {}
        self.rdims: dict[int, TileValue] = {}
        self.grid_body: Block | None = None
        registered = sorted(
            (v for v in host_values.values() if isinstance(v, hl.RegisteredBlockSize)),
            key=lambda v: v.order,
        )
        self.block_vars = {v: k for k, v in enumerate(registered)}
        if registered:
            bounds = [b for v in registered for b in (v.low, v.high)]
            self.kernel.properties["block_size_vars"] = DenseArrayBase.from_list(i64, bounds)
        self.tunables: dict[str, SSAValue] = {}
        self.frame = Frame(src)
        self.frames_active = 0
        # functions met in host-visible names -> the host expression that reaches them
        self.fn_exprs: dict[int, str] = {}

    # -- entry ---------------------------------------------------------------------------

    def compile(self) -> ModuleOp:
        for loop in self.host.loops:
            self.at(loop)
            self.grid(loop)
        self.kernel.properties["function_type"] = _function_type([a.type for a in self.entry.args])
        module = ModuleOp([self.kernel])
        try:
            module.verify()
        except Exception as e:
            raise exc.InternalError(f"the frontend built invalid IR: {e}") from e
        return module

    def at(self, node: ast.AST) -> None:
        loc = self.frame.src.location(node)
        self.b.line, self.b.column = loc.line, loc.column

    def error(self, cls: type[exc.HelionError], message: str, node: ast.AST) -> exc.HelionError:
        return cls(message, self.frame.src.location(node))

    # -- kernel arguments -----------------------------------------------------------------

    def _new_arg(self, name: str, type_: Any, source: str) -> SSAValue:
        arg = self.entry.insert_arg(type_, len(self.entry.args))
        arg.name_hint = name
        self.sources.append(source)
        self.kernel.properties["sources"] = tile.ArrayAttr(tile.StringAttr(s) for s in self.sources)
        return arg

    def host_tensor(self, name: str, t: torch.Tensor, source: str | None = None) -> HostTensor:
        """The kernel argument for tensor `t`, which host code reaches as `source`
        (default: `name`)."""
        source = source or name
        if source not in self.args:
            self.args[source] = HostTensor(self._new_arg(name, _memref(t), source), t, name)
        return self.args[source]

    def runtime_scalar(self, name: str, value: Any) -> DScalar:
        if name not in self.args:
            dtype = torch.float32 if isinstance(value, float) else torch.int64
            self.args[name] = DScalar(self._new_arg(name, to_xdsl(dtype), name), dtype)
        return self.args[name]

    def tunable(self, t: hl.Tunable, node: ast.AST) -> DScalar:
        """A user tunable's value: its config slot (made once, at kernel entry), read as
        an int where it is used."""
        if t.name not in self.tunables:
            slot = tunable_slot(t)
            if slot is None:
                raise self.error(
                    exc.TypeMismatch,
                    f"tunable {t.name!r} has non-integer choices; device code reads "
                    "tunables as ints (use ints or bools)",
                    node,
                )
            param = cfg.ParamOp(slot)
            param.result.name_hint = t.name
            first = self.entry.first_op
            if first is None:
                self.entry.add_op(param)
            else:
                self.entry.insert_op_before(param, first)
            self.tunables[t.name] = param.result
        widened = self.b.emit(arith.IndexCastOp(self.tunables[t.name], i64), t.name)
        return DScalar(widened.results[0], torch.int64)

    # -- names ---------------------------------------------------------------------------

    def lookup(self, name: str, node: ast.AST) -> Any:
        if name in self.scope:
            return self.scope[name]
        frame = self.frame
        if frame.defining_scope is not None:  # a device lambda sees where it was written
            assert frame.defining_frame is not None
            saved = self.frame, self.scope
            self.frame, self.scope = frame.defining_frame, frame.defining_scope
            try:
                return self.lookup(name, node)
            finally:
                self.frame, self.scope = saved
        if frame.is_kernel and name in self.host_values:
            v = self.host_values[name]
            if isinstance(v, torch.Tensor):
                return self.host_tensor(name, v)
            if isinstance(v, hl.Tunable):
                return self.tunable(v, node)
            if name in self.runtime and isinstance(v, float):
                return self.runtime_scalar(name, v)
            return self._remember(v, name)
        closure = frame.src.closure()
        if name in closure:
            where = self._captured_expr(frame, name, closure=True)
            return self._host_value(closure[name], name, where, node)
        if name in frame.src.globals:
            where = self._captured_expr(frame, name, closure=False)
            return self._host_value(frame.src.globals[name], name, where, node)
        if hasattr(builtins, name):
            return getattr(builtins, name)
        raise self.error(exc.UndefinedName, f"name {name!r} is not defined", node)

    def _captured_expr(self, frame: Frame, name: str, closure: bool) -> str | None:
        """The host expression of a name the code of `frame` captures or reads globally."""
        if frame.is_kernel:
            return name  # the host function shares the kernel's closure and globals
        if frame.host_expr is None:
            return None
        if closure:
            index = frame.src.fn.__code__.co_freevars.index(name)
            return f"{frame.host_expr}.__closure__[{index}].cell_contents"
        return f"{frame.host_expr}.__globals__[{name!r}]"

    def _host_value(self, v: Any, name: str, where: str | None, node: ast.AST) -> Any:
        if isinstance(v, torch.Tensor):
            if where is None:
                raise self.error(
                    exc.UnsupportedSyntax,
                    f"tensor {name!r} is captured by a function that host code cannot reach; "
                    "pass the function to the kernel as an argument or define it at module level",
                    node,
                )
            return self.host_tensor(name, v, where)
        if isinstance(v, hl.Tunable):
            return self.tunable(v, node)
        return self._remember(v, where)

    def _remember(self, v: Any, where: str | None) -> Any:
        if where is not None and isinstance(v, types.FunctionType):
            self.fn_exprs[id(v)] = where
        return v

    # -- inlined functions -------------------------------------------------------------

    def inline(self, fn: Any, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        """Read a call of a Python function (or lambda) on device values as if its body
        were written at the call: its parameters bound to the argument values."""
        if isinstance(fn, DeviceLambda):
            frame = Frame(self.frame.src, None, fn.scope, fn.frame)
            params = [a.arg for a in fn.node.args.args]
            if kwargs or len(args) != len(params):
                raise self.error(
                    exc.TypeMismatch, f"this lambda takes {len(params)} arguments, got {len(args)}", node
                )
            return self._run_frame(frame, dict(zip(params, args)), fn.node, node)
        src = FunctionSource(fn)
        try:
            bound = inspect.signature(fn).bind(*args, **kwargs)
        except TypeError as e:
            raise self.error(exc.TypeMismatch, f"{fn.__name__}(): {e}", node) from None
        bound.apply_defaults()
        frame = Frame(src, self.fn_exprs.get(id(fn)))
        return self._run_frame(frame, dict(bound.arguments), src.fdef, node)

    def _run_frame(
        self, frame: Frame, scope: dict[str, Any], fdef: ast.FunctionDef | ast.Lambda, call: ast.AST
    ) -> Any:
        if self.frames_active >= MAX_INLINE_DEPTH:
            raise self.error(
                exc.UnsupportedSyntax,
                f"functions called from device code nest more than {MAX_INLINE_DEPTH} deep "
                "(recursion is not supported)",
                call,
            )
        saved = self.frame, self.scope, self.b.filename, self.b.line, self.b.column
        self.frame, self.scope = frame, scope
        self.b.filename = frame.src.filename
        self.frames_active += 1
        try:
            if isinstance(fdef, ast.Lambda):
                return self.expr(fdef.body)
            self.stmts(fdef.body)
            return None
        except _Return as r:
            return r.value
        finally:
            self.frames_active -= 1
            self.frame, self.scope, self.b.filename, self.b.line, self.b.column = saved

    # -- loops ---------------------------------------------------------------------------

    def _tile_bounds(self, call: ast.Call) -> LoopSpec:
        """Bounds, fixed block sizes and form of an `hl.tile(...)`/`hl.grid(...)` call."""
        fn = self.expr(call.func)
        args = [self.expr(a) for a in call.args]
        kwargs = {k.arg: self.expr(k.value) for k in call.keywords}
        name = "hl.grid" if fn is hl.grid else "hl.tile"
        allowed = {"block_size"} if fn is hl.tile else set()
        if set(kwargs) - allowed:
            raise self.error(exc.UnsupportedSyntax, f"{name}() got unexpected keywords {sorted(kwargs)}", call)
        if len(args) == 1:
            begins, ends = None, args[0]
        elif len(args) == 2:
            begins, ends = args
        else:
            raise self.error(exc.UnsupportedSyntax, f"{name} takes (end) or (begin, end)", call)
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
                or (isinstance(v, DTensor) and v.rank == 0 and _is_index_dtype(v.dtype))
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
            raise self.error(exc.ShapeMismatch, f"{name} begin and end lists differ in length", call)
        fixed = kwargs.get("block_size")
        if fn is hl.grid:
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
        return LoopSpec(begins_l, ends_l, multi, sizes, fn is hl.grid)

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

    def _new_block(self, extent: int | None, rdim: bool = False, name: str = "") -> int:
        block = len(self.blocks)
        self.blocks[block] = BlockInfo(extent, rdim, name or f"block {block}")
        return block

    def _loop_blocks(self, loop: ast.For, begins: list[int], ends: list[int]) -> list[int]:
        target = loop.target
        names = [e.id if isinstance(e, ast.Name) else "" for e in getattr(target, "elts", [target])]
        if len(names) != len(ends):
            base = target.id if isinstance(target, ast.Name) else "tile"
            names = [f"{base}[{i}]" for i in range(len(ends))]
        return [
            self._new_block(e - b if isinstance(e, int) and isinstance(b, int) else None, name=n)
            for b, e, n in zip(begins, ends, names)
        ]

    def grid(self, loop: ast.For) -> None:
        assert isinstance(loop.iter, ast.Call)
        spec = self._tile_bounds(loop.iter)
        blocks = self._loop_blocks(loop, spec.begins, spec.ends)
        body = Block(arg_types=[tile.TileType(k) for k in blocks])
        handles = [TileValue(a, k) for a, k in zip(body.args, blocks)]
        self._name_handles(loop.target, body.args)
        op = tile.GridOp(
            [self.b.index(v) for v in spec.begins], [self.b.index(v) for v in spec.ends], Region(body)
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
            values.append(DScalar(begin, torch.int64))
        return values

    def _name_handles(self, target: ast.expr, args: Sequence[SSAValue]) -> None:
        names = [target] if isinstance(target, ast.Name) else getattr(target, "elts", [])
        for n, a in zip(names, args):
            if isinstance(n, ast.Name):
                a.name_hint = n.id

    def device_for(self, loop: ast.For) -> None:
        assert isinstance(loop.iter, ast.Call)
        spec = self._tile_bounds(loop.iter)
        begins, ends = spec.begins, spec.ends
        blocks = self._loop_blocks(loop, begins, ends)
        assigned = names_written(loop.body)
        carried = [
            n for n in sorted(assigned) if isinstance(self.scope.get(n), DTensor)
        ]
        inits = [self.scope[n] for n in carried]
        body = Block(
            arg_types=[tile.TileType(k) for k in blocks] + [v.value.type for v in inits]
        )
        handles = [TileValue(a, k) for a, k in zip(body.args, blocks)]
        self._name_handles(loop.target, body.args)
        outer_block, outer_scope = self.b.block, dict(self.scope)
        self.b.block = body
        self._bind_target(loop.target, self._loop_values(handles, spec), spec.multi)
        for name, arg, init in zip(carried, body.args[len(blocks) :], inits):
            arg.name_hint = name
            self.scope[name] = DTensor(arg, init.dims, init.dtype)
        self.stmts(loop.body)
        yields = []
        for name, init in zip(carried, inits):
            new = self.scope[name]
            if isinstance(new, DTensor) and new.dtype == init.dtype and new.dims != init.dims:
                new = self.b.relabel(new, init.dims, both_ways=True)
            if not isinstance(new, DTensor) or new.dims != init.dims or new.dtype != init.dtype:
                got = f"{self.show(new.dims)} {new.dtype}" if isinstance(new, DTensor) else type(new).__name__
                raise self.error(
                    exc.ShapeMismatch,
                    f"{name!r} is {self.show(init.dims)} {init.dtype} before this loop but "
                    f"{got} at the end of its body; a loop-carried value must keep its shape and dtype",
                    loop,
                )
            yields.append(new.value)
        body.add_op(tile.YieldOp(*yields))
        self.b.block = outer_block
        self.scope = outer_scope
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
            res.name_hint = name
            self.scope[name] = DTensor(res, init.dims, init.dtype)
        for name in assigned - set(carried):
            self.scope.pop(name, None)

    # -- statements ---------------------------------------------------------------------

    def stmts(self, body: Sequence[ast.stmt]) -> None:
        for s in body:
            self.at(s)
            try:
                self.stmt(s)
            except exc.HelionError as e:
                raise e.with_location(self.frame.src.location(s)) from e.__cause__

    def stmt(self, s: ast.stmt) -> None:
        match s:
            case ast.Assign(targets=[target], value=value):
                self.assign(target, self.expr(value), s)
            case ast.Assign():
                raise self.error(exc.UnsupportedSyntax, "chained assignment (a = b = ...) is not supported", s)
            case ast.AnnAssign(target=target, value=value) if value is not None:
                self.assign(target, self.expr(value), s)
            case ast.AugAssign(target=target, op=op, value=value):
                current = self.expr(_as_load(target))
                self.assign(target, self.binop(_BINOPS[type(op)], current, self.expr(value), s), s)
            case ast.For() if self.host.is_device_loop(s):
                self.device_for(s)
            case ast.Expr(value=value):
                self.expr(value)
            case ast.If(test=test, body=body, orelse=orelse):
                cond = self.expr(test)
                if _is_device(cond):
                    raise self.error(exc.UnsupportedSyntax, "`if` on device values is not supported yet", s)
                self.stmts(body if cond else orelse)
            case ast.Pass():
                pass
            case ast.Return(value=value) if not self.frame.is_kernel:
                raise _Return(self.expr(value) if value is not None else None)
            case _:
                raise self.error(
                    exc.UnsupportedSyntax,
                    f"`{type(s).__name__}` statements are not supported in device code",
                    s,
                )

    def assign(self, target: ast.expr, value: Any, node: ast.AST) -> None:
        match target:
            case ast.Name(id=name):
                if self.frame.is_kernel and name in self.host_values and name not in self.scope:
                    raise self.error(
                        exc.CannotModifyHostVariable,
                        f"{name!r} is a host variable and cannot be assigned in device code; "
                        "use a new name for the device value",
                        node,
                    )
                if isinstance(value, DTensor) and value.value.name_hint is None:
                    value.value.name_hint = name
                self.scope[name] = value
            case ast.Tuple(elts=elts) | ast.List(elts=elts):
                values = list(value) if isinstance(value, tuple | list) else None
                if values is None or len(values) != len(elts):
                    raise self.error(exc.UnsupportedSyntax, "cannot unpack this value into that many names", node)
                for t, v in zip(elts, values):
                    self.assign(t, v, node)
            case ast.Subscript(value=base, slice=index):
                tensor = self.expr(base)
                if not isinstance(tensor, HostTensor):
                    raise self.error(exc.InvalidIndex, "only tensors from host code can be stored to", node)
                self.store(tensor, self.index_items(index), value, node)
            case _:
                raise self.error(exc.UnsupportedSyntax, f"cannot assign to {type(target).__name__}", node)

    # -- subscripts ----------------------------------------------------------------------

    def index_items(self, index: ast.expr) -> list[Any]:
        elts = index.elts if isinstance(index, ast.Tuple) else [index]
        items: list[Any] = []
        for e in elts:
            v = self.slice(e) if isinstance(e, ast.Slice) else self.expr(e)
            # the tuple an N-D `hl.tile` loop binds to one name indexes N dims
            if isinstance(v, tuple) and all(isinstance(t, TileValue) for t in v):
                items.extend(v)
            else:
                items.append(v)
        return items

    def slice(self, s: ast.Slice) -> slice:
        parts = [self.expr(p) if p is not None else None for p in (s.lower, s.upper, s.step)]
        return slice(*parts)

    def subscript(self, t: HostTensor, items: list[Any], node: ast.AST) -> tuple[list[SSAValue], list[Dim], list[int]]:
        """The load/store indices of `t[items]`, the dims they select, and newaxis positions."""
        rank = t.meta.dim()
        if any(i is Ellipsis for i in items):
            k = items.index(Ellipsis)
            fill = rank - (len(items) - 1 - sum(i is None for i in items))
            items = items[:k] + [slice(None)] * fill + items[k + 1 :]
        used = sum(i is not None for i in items)
        if used > rank:
            raise self.error(exc.InvalidIndex, f"too many indices for a {rank}-D tensor {t.name!r}", node)
        items = items + [slice(None)] * (rank - used)
        indices: list[SSAValue] = []
        dims: list[Dim] = []
        newaxes: list[int] = []
        d = 0
        for item in items:
            if item is None:
                newaxes.append(len(dims) + len(newaxes))
                continue
            size = t.meta.shape[d]
            if isinstance(item, TileValue):
                indices.append(item.handle)
                dims.append(Blk(item.block))
            elif isinstance(item, slice):
                if item != slice(None):
                    raise self.error(exc.InvalidIndex, "only ':' slices are supported in subscripts", node)
                r = self.rdim(size)
                indices.append(r.handle)
                dims.append(Blk(r.block))
            elif isinstance(item, DTensor) and _is_index_dtype(item.dtype):
                # a gather: the index tensor's dims take this dim's place
                indices.append(item.value)
                dims.extend(item.dims)
            elif isinstance(item, DScalar) and not item.dtype.is_floating_point:
                v = item.value
                if not isinstance(v.type, IndexType):
                    v = self.b.emit(arith.IndexCastOp(v, IndexType())).results[0]
                indices.append(v)
            elif isinstance(item, int) and not isinstance(item, bool):
                if not -size <= item < size:
                    raise self.error(exc.InvalidIndex, f"index {item} is out of bounds for dim {d} of {t.name!r} (size {size})", node)
                indices.append(self.b.index(item % size))
            else:
                what = f"a {item.dtype} tensor" if isinstance(item, DTensor) else type(item).__name__
                raise self.error(
                    exc.InvalidIndex,
                    f"cannot index a tensor with {what}; use tiles, ':', ints, integer "
                    "tensors or None",
                    node,
                )
            d += 1
        return indices, dims, newaxes

    def rdim(self, extent: int) -> TileValue:
        if extent not in self.rdims:
            block = self._new_block(extent, rdim=True)
            body = self.grid_body
            assert body is not None
            op = tile.RDimOp(self.b.index(extent), block)
            op.result.name_hint = f"rdim.{block}"
            if extent > 0 and extent & (extent - 1) == 0:
                self.b.whole_blocks[block] = extent
            first = body.first_op
            if first is None:
                body.add_op(op)
            else:
                body.insert_op_before(op, first)
            self.rdims[extent] = TileValue(op.result, block)
        return self.rdims[extent]

    def load(
        self,
        t: HostTensor,
        items: list[Any],
        node: ast.AST,
        mask: Callable[[list[Dim]], SSAValue | None] | None = None,
        eviction: str | None = None,
    ) -> DTensor:
        """`t[items]`; `mask(dims)` gives lanes to read (others read zero) and `eviction`
        fixes the eviction policy (else the config picks it)."""
        indices, dims, newaxes = self.subscript(t, items, node)
        result = tile.tile_tensor(to_xdsl(t.meta.dtype), dims)
        op = tile.LoadOp(t.arg, indices, result, self.mem_ids, mask(dims) if mask else None)
        if eviction is not None:
            op.properties["eviction_policy"] = StringAttr(eviction)
        self.b.emit(op)
        self.mem_ids += 1
        out = DTensor(op.results[0], tuple(dims), t.meta.dtype)
        if newaxes:
            full = list(dims)
            for p in newaxes:
                full.insert(p, 1)
            out = self.b.reshape(out, full)
        return out

    def store(
        self,
        t: HostTensor,
        items: list[Any],
        value: Any,
        node: ast.AST,
        mask: Callable[[list[Dim]], SSAValue | None] | None = None,
    ) -> None:
        """`t[items] = value`, only where `mask(dims)` holds when given."""
        indices, dims, newaxes = self.subscript(t, items, node)
        if newaxes:
            raise self.error(exc.InvalidIndex, "None is not allowed when storing", node)
        v = self.value_for(t, dims, value, node)
        self.b.emit(tile.StoreOp(v.value, t.arg, indices, self.mem_ids, mask(dims) if mask else None))
        self.mem_ids += 1

    def value_for(self, t: HostTensor, dims: list[Dim], value: Any, node: ast.AST) -> DTensor:
        """`value` as a tile of `dims` in `t`'s dtype, to be written into `t`."""
        v = self.as_tensor(value, t.meta.dtype, node)
        v = self.b.cast(v, t.meta.dtype)
        while v.rank > len(dims) and v.dims[0] == 1:
            v = self.b.reshape(v, v.dims[1:])
        try:
            return self.b.broadcast(v, dims)
        except exc.ShapeMismatch:
            raise self.error(
                exc.ShapeMismatch,
                f"cannot store a {self.show(v.dims)} value into {t.name}[...] of shape {self.show(dims)}",
                node,
            ) from None

    def as_tensor(self, value: Any, dtype: torch.dtype, node: ast.AST) -> DTensor:
        if isinstance(value, DTensor):
            return value
        if isinstance(value, DScalar):
            return self.b.splat(value, ())
        if isinstance(value, bool | int | float):
            return self.b.full(value, (), dtype)
        raise self.error(exc.TypeMismatch, f"expected a tensor value, got {type(value).__name__}", node)

    # -- expressions ---------------------------------------------------------------------

    def expr(self, e: ast.expr) -> Any:
        match e:
            case ast.Constant(value=v):
                return v
            case ast.Name(id=name):
                return self.lookup(name, e)
            case ast.Attribute(value=base, attr=attr):
                return self.attribute(self.expr(base), attr, e)
            case ast.Tuple(elts=elts):
                return tuple(self.expr(x) for x in elts)
            case ast.List(elts=elts):
                return [self.expr(x) for x in elts]
            case ast.Subscript(value=base, slice=index):
                return self.getitem(self.expr(base), index, e)
            case ast.BinOp(left=l, op=op, right=r):
                return self.binop(_BINOPS[type(op)], self.expr(l), self.expr(r), e)
            case ast.UnaryOp(op=op, operand=x):
                v = self.expr(x)
                if _is_device(v):
                    return self.torch_call(("op", _UNARYOPS[type(op)].__name__), _UNARYOPS[type(op)], (v,), {}, e)
                return _UNARYOPS[type(op)](v)
            case ast.Compare(left=l, ops=[op], comparators=[r]):
                return self.binop(_CMPOPS[type(op)], self.expr(l), self.expr(r), e)
            case ast.BoolOp(op=op, values=values):
                vals = [self.expr(v) for v in values]
                if any(_is_device(v) for v in vals):
                    raise self.error(exc.UnsupportedSyntax, "use & and | to combine device booleans, not and/or", e)
                out = vals[0]
                for v in vals[1:]:
                    out = (out and v) if isinstance(op, ast.And) else (out or v)
                return out
            case ast.IfExp(test=test, body=body, orelse=orelse):
                cond = self.expr(test)
                if _is_device(cond):
                    raise self.error(exc.UnsupportedSyntax, "use torch.where for a choice on device values", e)
                return self.expr(body if cond else orelse)
            case ast.Call():
                return self.call(e)
            case ast.Lambda():
                return DeviceLambda(e, self.scope, self.frame)
            case _:
                raise self.error(
                    exc.UnsupportedSyntax,
                    f"`{type(e).__name__}` expressions are not supported in device code",
                    e,
                )

    def attribute(self, base: Any, attr: str, node: ast.AST) -> Any:
        if isinstance(base, HostTensor):
            if attr in ("dtype", "shape", "ndim", "device"):
                return getattr(base.meta, attr)
            if attr in ("size", "stride", "dim", "numel"):
                return getattr(base.meta, attr)
            raise self.error(exc.InvalidIndex, f"index host tensor {base.name!r} before using .{attr} on it", node)
        if isinstance(base, DTensor):
            if attr == "dtype":
                return base.dtype
            if attr == "ndim":
                return base.rank
            if attr in ("T", "mT"):  # tensor properties that are torch ops
                return self.torch_call(("attr", attr), lambda t: getattr(t, attr), (base,), {}, node)
            return BoundMethod(base, attr)
        if isinstance(base, TileValue):
            return self.tile_attribute(base, attr, node)
        try:
            return getattr(base, attr)
        except AttributeError:
            raise self.error(exc.UndefinedName, f"{type(base).__name__} has no attribute {attr!r}", node) from None

    def tile_attribute(self, t: TileValue, attr: str, node: ast.AST) -> Any:
        scalars = {
            "begin": tile.BeginOp,
            "end": tile.EndOp,
            "block_size": tile.BlockSizeOp,
            "id": tile.TileIdOp,
            "count": tile.TileCountOp,
        }
        if attr in scalars:
            op = self.b.emit(scalars[attr](t.handle))
            return DScalar(self.b.emit(arith.IndexCastOp(op.results[0], i64)).results[0], torch.int64)
        if attr == "index":
            op = self.b.emit(tile.IndexOp(t.handle))
            return DTensor(op.results[0], (Blk(t.block),), torch.int32)
        raise self.error(
            exc.UndefinedName,
            f"a tile has no attribute {attr!r}; it has index, begin, end, block_size, id, count",
            node,
        )

    def getitem(self, base: Any, index: ast.expr, node: ast.AST) -> Any:
        if isinstance(base, HostTensor):
            return self.load(base, self.index_items(index), node)
        if isinstance(base, DTensor):
            items = self.index_items(index)
            if all(i is None or i == slice(None) or i is Ellipsis for i in items):
                dims = list(base.dims)
                pos = 0
                out: list[Dim] = []
                for i in items:
                    if i is None:
                        out.append(1)
                    else:
                        out.append(dims[pos])
                        pos += 1
                out += dims[pos:]
                return self.b.reshape(base, out)
            raise self.error(exc.InvalidIndex, "tiles in registers can only be indexed with ':' and None", node)
        if _is_device(base):
            raise self.error(exc.InvalidIndex, f"cannot subscript a {type(base).__name__}", node)
        return base[self.expr(index) if not isinstance(index, ast.Slice) else self.slice(index)]

    def binop(self, fn: Callable[[Any, Any], Any], a: Any, b: Any, node: ast.AST) -> Any:
        if isinstance(a, HostTensor) or isinstance(b, HostTensor):
            raise self.error(
                exc.TypeMismatch,
                "a host tensor is used directly in device code; index it with tiles first, e.g. x[tile]",
                node,
            )
        if not (_is_device(a) or _is_device(b)):
            return fn(a, b)
        if fn is operator.matmul:
            return self.matmul(a, b, None, node)
        if not (isinstance(a, DTensor) or isinstance(b, DTensor)):
            scalar = self.scalar_binop(fn, a, b)
            if scalar is not None:
                return scalar
        if isinstance(a, DTensor) and isinstance(b, DTensor):
            self.check_broadcast(a.dims, b.dims, node)
        return self.torch_call(("op", fn.__name__), fn, (a, b), {}, node)

    def scalar_binop(self, fn: Callable[[Any, Any], Any], a: Any, b: Any) -> DScalar | None:
        """Integer arithmetic on runtime scalars (indices of `hl.grid`, tile attributes),
        kept scalar; None where it is not that (the torch path handles the rest)."""
        ops = {operator.add: arith.AddiOp, operator.sub: arith.SubiOp, operator.mul: arith.MuliOp,
               operator.floordiv: arith.FloorDivSIOp, operator.mod: arith.RemSIOp}
        if fn not in ops:
            return None
        values = []
        for v in (a, b):
            if isinstance(v, DScalar) and not v.dtype.is_floating_point:
                x = v.value
                if not isinstance(x.type, IndexType):
                    x = self.b.emit(arith.IndexCastOp(x, IndexType())).results[0]
                values.append(x)
            elif isinstance(v, int) and not isinstance(v, bool):
                values.append(self.b.index(v))
            else:
                return None
        op = self.b.emit(ops[fn](values[0], values[1]))
        result = self.b.emit(arith.IndexCastOp(op.results[0], i64)).results[0]
        return DScalar(result, torch.int64)

    def check_broadcast(self, a: Sequence[Dim], b: Sequence[Dim], node: ast.AST) -> None:
        for x, y in zip(reversed(a), reversed(b)):
            if x != y and x != 1 and y != 1 and not self.b.same_dim(x, y):
                raise self.error(
                    exc.ShapeMismatch,
                    f"shapes {self.show(a)} and {self.show(b)} do not broadcast: "
                    f"{self.show([x])} and {self.show([y])} are different dims",
                    node,
                )

    def show(self, dims: Sequence[Dim]) -> str:
        """Dims as the user named them: tiles by loop variable, `:` dims by extent."""
        return "[" + ", ".join(self.dim_name(d) for d in dims) + "]"

    def dim_name(self, d: Dim) -> str:
        if not isinstance(d, Blk):
            return str(d)
        info = self.blocks[d.id]
        return f":{info.extent}" if info.rdim else info.name

    def torch_call(self, key: Any, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], node: ast.AST) -> Any:
        for v in (*args, *kwargs.values()):
            if isinstance(v, HostTensor):
                raise self.error(
                    exc.TypeMismatch,
                    f"host tensor {v.name!r} is used directly in device code; index it with tiles first",
                    node,
                )
        return call_torch(self.b, key, fn, args, kwargs, self.extent, self.dim_name)

    def extent(self, block: int) -> int | None:
        info = self.blocks[block]
        return info.extent if info.rdim else None

    def call(self, e: ast.Call) -> Any:
        fn = self.expr(e.func)
        args: list[Any] = []
        for a in e.args:
            if isinstance(a, ast.Starred):
                args.extend(self.expr(a.value))
            else:
                args.append(self.expr(a))
        kwargs = {k.arg: self.expr(k.value) for k in e.keywords if k.arg is not None}
        if fn in hl_calls.HANDLERS:
            return hl_calls.call(self, fn, args, kwargs, e)
        if fn is hl.tile:
            raise self.error(exc.UnsupportedSyntax, "hl.tile() must be the iterable of a for loop", e)
        if isinstance(fn, BoundMethod):
            if fn.name in ("matmul", "mm", "bmm", "__matmul__"):
                return self.matmul(fn.receiver, args[0], None, e)
            if fn.name in ("addmm", "baddbmm"):
                return self.addmm(fn.receiver, *args, **kwargs, node=e)
            name = fn.name
            return self.torch_call(("method", name), lambda t, *a, **k: getattr(t, name)(*a, **k), (fn.receiver, *args), kwargs, e)
        devices = any(
            _is_device(v) or isinstance(v, HostTensor) for v in tree_flatten((args, kwargs))[0]
        )
        if fn in _MATMULS and devices:
            return self.matmul(args[0], args[1], None, e)
        if fn in (torch.addmm, torch.Tensor.addmm, torch.baddbmm, torch.Tensor.baddbmm) and devices:
            return self.addmm(*args, **kwargs, node=e)
        if isinstance(fn, DeviceLambda) or (devices and _is_user_function(fn)):
            return self.inline(fn, args, kwargs, e)
        if devices:
            if _is_torch_function(fn):
                return self.torch_call(("fn", fn), fn, tuple(args), kwargs, e)
            raise self.error(
                exc.UnsupportedSyntax,
                f"calling {getattr(fn, '__name__', fn)!r} on device values is not supported yet",
                e,
            )
        try:
            return fn(*args, **kwargs)
        except exc.HelionError:
            raise
        except Exception as err:
            raise self.error(exc.CompileError, f"{type(err).__name__}: {err}", e) from None

    # -- language functions --------------------------------------------------------------

    def shape(self, shape: Any, node: ast.AST) -> list[Dim]:
        """The dims of a shape argument: tiles and positive ints."""
        if not isinstance(shape, list | tuple):
            shape = [shape]
        dims: list[Dim] = []
        for s in shape:
            if isinstance(s, TileValue):
                dims.append(Blk(s.block))
            elif isinstance(s, int) and not isinstance(s, bool) and s > 0:
                dims.append(s)
            else:
                raise self.error(exc.TypeMismatch, f"shape entries must be tiles or positive ints, got {s!r}", node)
        return dims

    def addmm(self, acc: Any, a: Any, b: Any, beta: Any = 1, alpha: Any = 1, *, node: ast.AST) -> DTensor:
        if beta != 1 or alpha != 1:
            raise self.error(exc.UnsupportedSyntax, "addmm with beta or alpha other than 1 is not supported yet", node)
        return self.matmul(a, b, acc, node)

    def matmul(self, a: Any, b: Any, acc: Any, node: ast.AST) -> DTensor:
        """`a @ b` (+ `acc`) for 2-D tiles, or 3-D tiles with a shared leading batch dim."""
        if not (isinstance(a, DTensor) and isinstance(b, DTensor)) or not (
            a.rank == b.rank and a.rank in (2, 3)
        ):
            raise self.error(
                exc.ShapeMismatch, "matmul needs two 2-D tiles or two 3-D (batched) tiles", node
            )
        if self.b.same_dim(a.dims[-1], b.dims[-2]):
            a = self.b.relabel(a, (*a.dims[:-1], b.dims[-2]))
            b = self.b.relabel(b, (*b.dims[:-2], a.dims[-1], b.dims[-1]))
        if a.dims[-1] != b.dims[-2] or a.dims[:-2] != b.dims[:-2]:
            raise self.error(
                exc.ShapeMismatch,
                f"matmul shapes do not fit: {self.show(a.dims)} @ {self.show(b.dims)} "
                "(the inner dims, and any batch dims, must be the same tile or size)",
                node,
            )
        dtype = torch.promote_types(a.dtype, b.dtype)
        a, b = self.b.cast(a, dtype), self.b.cast(b, dtype)
        out_dims = (*a.dims[:-1], b.dims[-1])
        if acc is not None:
            if not isinstance(acc, DTensor):
                raise self.error(exc.TypeMismatch, "the accumulator must be a tile", node)
            acc_dtype = acc.dtype
            accumulate = acc_dtype if acc_dtype in (torch.float32, torch.int32) else torch.float32
            acc_v = self.b.broadcast(self.b.cast(acc, accumulate), out_dims)
        else:
            accumulate = torch.int32 if not dtype.is_floating_point else torch.float32
            acc_dtype = dtype
            acc_v = None
        result = tile.tile_tensor(to_xdsl(accumulate), out_dims)
        op = self.b.emit(tile.DotOp(a.value, b.value, acc_v.value if acc_v else None, result))
        return self.b.cast(DTensor(op.results[0], out_dims, accumulate), acc_dtype)


def tunable_slot(t: hl.Tunable) -> cfg.RefAttr | None:
    """The config slot of a user tunable (None if its values are not ints)."""
    f = t.fragment
    if isinstance(f, hl.PowerOfTwoFragment):
        return cfg.RefAttr(t.name, None, cfg.Pow2Attr(f.low, f.high), f.default or f.low)
    if isinstance(f, hl.IntegerFragment):
        default = f.default if f.default is not None else f.low
        return cfg.RefAttr(t.name, None, cfg.IntRangeAttr(f.low, f.high), default)
    if isinstance(f, hl.BooleanFragment):
        return cfg.RefAttr(t.name, None, cfg.EnumAttr([False, True]), f.default)
    choices = list(f.choices)
    if not choices or not all(isinstance(c, int) for c in choices):
        return None
    return cfg.RefAttr(t.name, None, cfg.EnumAttr(choices), f.default if f.default is not None else choices[0])


def _is_index_dtype(dtype: torch.dtype) -> bool:
    return not dtype.is_floating_point and not dtype.is_complex and dtype != torch.bool


def _is_user_function(fn: Any) -> bool:
    """A plain Python function or lambda of the user's (not torch's or ours)."""
    if not isinstance(fn, types.FunctionType):
        return False
    package = (fn.__module__ or "").split(".")[0]
    return package not in ("torch", "helion_mlir", "triton")


def _is_torch_function(fn: Any) -> bool:
    module = getattr(fn, "__module__", None) or ""
    owner = getattr(fn, "__objclass__", None)
    return module.split(".")[0] == "torch" or owner is torch._C.TensorBase


def _as_load(target: ast.expr) -> ast.expr:
    node = copy.copy(target)
    node.ctx = ast.Load()  # type: ignore[attr-defined]
    return node


def _memref(t: torch.Tensor) -> MemRefType:
    shape = list(t.shape)
    strides = list(t.stride())
    contiguous = strides == _row_major(shape)
    layout = None if contiguous else StridedLayoutAttr(strides, 0)
    if layout is None:
        return MemRefType(to_xdsl(t.dtype), shape)
    return MemRefType(to_xdsl(t.dtype), shape, layout)


def _row_major(shape: list[int]) -> list[int]:
    out, acc = [], 1
    for s in reversed(shape):
        out.append(acc)
        acc *= s
    return out[::-1]


def _function_type(inputs: Sequence[Any]) -> FunctionType:
    return FunctionType.from_lists(list(inputs), [])

