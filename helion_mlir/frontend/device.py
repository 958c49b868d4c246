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
import copy
import operator
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch.utils._pytree import tree_flatten, tree_unflatten
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
from xdsl.ir import Block, SSAValue

from helion_mlir import exc
from helion_mlir import language as hl
from helion_mlir.dialects import tile
from helion_mlir.dialects.tile import Blk, Dim
from helion_mlir.frontend import creation, hl_calls
from helion_mlir.frontend.builder import Builder, name_hint
from helion_mlir.frontend.control import ControlMixin
from helion_mlir.frontend.dtypes import to_xdsl
from helion_mlir.frontend.guards import Guards
from helion_mlir.frontend.host import HostProgram
from helion_mlir.frontend.loops import BlockInfo, LoopsMixin
from helion_mlir.frontend.races import check_store_races
from helion_mlir.frontend.scopes import DeviceLambda, Frame, ScopesMixin, _is_user_function, _Return
from helion_mlir.frontend.source import KernelSource
from helion_mlir.frontend.trace import call_torch
from helion_mlir.frontend.values import (
    BoundMethod,
    DScalar,
    DTensor,
    HostTensor,
    TileValue,
    Unavailable,
    is_index_dtype,
)

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
# identity and membership: answered at compile time, on compile-time values only
_STATIC_CMPOPS: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Is: ("is", operator.is_),
    ast.IsNot: ("is not", operator.is_not),
    ast.In: ("in", lambda a, b: a in b),
    ast.NotIn: ("not in", lambda a, b: a not in b),
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


# builtins that only rearrange Python sequences, which may hold device values
_SEQUENCE_BUILTINS = (enumerate, zip, reversed, list, tuple)


def _is_device(v: Any) -> bool:
    return isinstance(v, DTensor | DScalar | TileValue)


class DeviceCompiler(LoopsMixin, ScopesMixin, ControlMixin):
    """Builds the `tile.kernel` of one kernel specialization from its device loops."""

    def __init__(
        self, src: KernelSource, host: HostProgram, host_values: dict[str, Any], runtime: set[str]
    ):
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
        self.var_blocks: dict[int, int] = {}  # registered block size -> its block
        # blocks of `hl.jagged_tile` loops in scope -> (handle, per-lane lengths)
        self.jagged: dict[int, tuple[SSAValue, DTensor]] = {}
        self.ended_tiles: dict[str, int] = {}  # tile names of finished loops -> their line
        self.guards = Guards()
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
        check_store_races(module)
        return module

    def at(self, node: ast.AST) -> None:
        loc = self.frame.src.location(node)
        self.b.line, self.b.column = loc.line, loc.column

    def error(self, cls: type[exc.HelionError], message: str, node: ast.AST) -> exc.HelionError:
        return cls(message, self.frame.src.location(node))

    # -- kernel arguments -----------------------------------------------------------------

    def _new_arg(self, name: str, type_: Any, source: str) -> SSAValue:
        arg = self.entry.insert_arg(type_, len(self.entry.args))
        arg.name_hint = name_hint(name)
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
                raise self.error(
                    exc.UnsupportedSyntax, "chained assignment (a = b = ...) is not supported", s
                )
            case ast.AnnAssign(target=target, value=value) if value is not None:
                self.assign(target, self.expr(value), s)
            case ast.AugAssign(target=target, op=op, value=value):
                current = self.expr(_as_load(target))
                self.assign(target, self.binop(_BINOPS[type(op)], current, self.expr(value), s), s)
            case ast.For(orelse=[_, *_]):
                raise self.error(
                    exc.UnsupportedSyntax, "`for ... else` is not supported in device code", s
                )
            case ast.For(target=target, iter=ast.Call(func=func) as it, body=body):
                fn = self.expr(func)
                if fn in (hl.tile, hl.grid, range, hl.jagged_tile):
                    self.device_for(s)
                elif fn is hl.static_range:
                    self.unrolled(target, self.expr(it), body, s)
                else:
                    self.unrolled(target, self.call(it), body, s)
            case ast.For(target=target, iter=it, body=body):
                self.unrolled(target, self.expr(it), body, s)
            case ast.Expr(value=value):
                self.expr(value)
            case ast.If(test=test, body=body, orelse=orelse):
                cond = self.expr(test)
                if _is_device(cond):
                    self.device_if(cond, body, orelse, s)
                else:
                    self.stmts(body if cond else orelse)
            case ast.While(orelse=[_, *_]):
                raise self.error(
                    exc.UnsupportedSyntax, "`while ... else` is not supported in device code", s
                )
            case ast.While(test=test, body=body):
                self.device_while(test, body, s)
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

    def unrolled(
        self, target: ast.expr, values: Any, body: Sequence[ast.stmt], node: ast.AST
    ) -> None:
        """A loop over values known when compiling (`hl.static_range`, lists, tuples,
        zip of them): its body is repeated once per value."""
        if _is_device(values) or isinstance(values, HostTensor):
            raise self.error(
                exc.UnsupportedSyntax,
                "a device loop iterates over hl.tile, hl.grid or range; a loop over other "
                "values is unrolled and needs values known when compiling",
                node,
            )
        try:
            items = list(values)
        except TypeError:
            raise self.error(
                exc.TypeMismatch, f"cannot iterate over {type(values).__name__}", node
            ) from None
        for v in items:
            self.assign(target, v, node)
            self.stmts(body)

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
                    value.value.name_hint = name_hint(name)
                self.scope[name] = value
            case ast.Tuple(elts=elts) | ast.List(elts=elts):
                values = list(value) if isinstance(value, tuple | list) else None
                if values is None or len(values) != len(elts):
                    raise self.error(
                        exc.UnsupportedSyntax, "cannot unpack this value into that many names", node
                    )
                for t, v in zip(elts, values):
                    self.assign(t, v, node)
            case ast.Subscript(value=base, slice=index):
                tensor = self.expr(base)
                if not isinstance(tensor, HostTensor):
                    raise self.error(
                        exc.InvalidIndex, "only tensors from host code can be stored to", node
                    )
                self.store(tensor, self.index_items(index), value, node)
            case _:
                raise self.error(
                    exc.UnsupportedSyntax, f"cannot assign to {type(target).__name__}", node
                )

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

    def subscript(
        self, t: HostTensor, items: list[Any], node: ast.AST, masked: bool = False
    ) -> tuple[list[SSAValue], list[Dim], list[int]]:
        """The load/store indices of `t[items]`, the dims they select, and newaxis
        positions. Unless the user `masked` the access, a tile must stay inside `t`."""
        rank = t.meta.dim()
        if any(i is Ellipsis for i in items):
            k = items.index(Ellipsis)
            fill = rank - (len(items) - 1 - sum(i is None for i in items))
            items = items[:k] + [slice(None)] * fill + items[k + 1 :]
        used = sum(i is not None for i in items)
        if used > rank:
            raise self.error(
                exc.InvalidIndex, f"too many indices for a {rank}-D tensor {t.name!r}", node
            )
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
                end = self.blocks[item.block].end
                if end is not None and end > size and not masked:
                    raise self.error(
                        exc.ShapeMismatch,
                        f"dim {d} of {t.name!r} has size {size}, but its tile "
                        f"{self.blocks[item.block].name!r} runs to {end}: the access would "
                        "read or write past the tensor; index it with a tile of a loop over "
                        "its own size",
                        node,
                    )
                indices.append(item.handle)
                dims.append(Blk(item.block))
            elif isinstance(item, slice):
                if item != slice(None):
                    raise self.error(
                        exc.InvalidIndex, "only ':' slices are supported in subscripts", node
                    )
                r = self.rdim(size)
                indices.append(r.handle)
                dims.append(Blk(r.block))
            elif isinstance(item, DTensor) and is_index_dtype(item.dtype):
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
                    raise self.error(
                        exc.InvalidIndex,
                        f"index {item} is out of bounds for dim {d} of {t.name!r} (size {size})",
                        node,
                    )
                indices.append(self.b.index(item % size))
            else:
                what = (
                    f"a {item.dtype} tensor" if isinstance(item, DTensor) else type(item).__name__
                )
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
        indices, dims, newaxes = self.subscript(t, items, node, masked=mask is not None)
        result = tile.tile_tensor(to_xdsl(t.meta.dtype), dims)
        op = tile.LoadOp(t.arg, indices, result, self.mem_ids, self.access_mask(dims, mask, node))
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
        indices, dims, newaxes = self.subscript(t, items, node, masked=mask is not None)
        if newaxes:
            raise self.error(exc.InvalidIndex, "None is not allowed when storing", node)
        v = self.value_for(t, dims, value, node)
        self.b.emit(
            tile.StoreOp(v.value, t.arg, indices, self.mem_ids, self.access_mask(dims, mask, node))
        )
        self.mem_ids += 1

    def access_mask(
        self, dims: list[Dim], given: Callable[[list[Dim]], SSAValue | None] | None, node: ast.AST
    ) -> SSAValue | None:
        """The lanes an access touches: the kernel's mask, and within `hl.jagged_tile`
        loops only the lanes below each lane's own length."""
        masks = [given(dims)] if given is not None else []
        for block, (handle, lengths) in self.jagged.items():
            if Blk(block) not in dims:
                continue
            if not set(lengths.dims) <= set(dims):
                raise self.error(
                    exc.ShapeMismatch,
                    f"an access along a jagged tile must also index the dims its lengths "
                    f"span {self.show(lengths.dims)}; this one spans {self.show(dims)}",
                    node,
                )
            index = DTensor(
                self.b.emit(tile.IndexOp(handle)).results[0], (Blk(block),), torch.int32
            )
            below = self.binop(
                operator.lt, self._spread(index, dims), self._spread(lengths, dims), node
            )
            masks.append(self.b.broadcast(below, dims).value)
        masks = [m for m in masks if m is not None]
        if not masks:
            return None
        out = masks[0]
        for m in masks[1:]:
            out = self.b.emit(arith.AndIOp(out, m)).results[0]
        return out

    def _spread(self, x: DTensor, dims: list[Dim]) -> DTensor:
        """`x` with size-1 dims where `dims` has dims that `x` lacks (its own in order)."""
        return self.b.reshape(x, [d if d in x.dims else 1 for d in dims])

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
        raise self.error(
            exc.TypeMismatch, f"expected a tensor value, got {type(value).__name__}", node
        )

    # -- expressions ---------------------------------------------------------------------

    def expr(self, e: ast.expr) -> Any:
        value = self._expr(e)
        if isinstance(value, Unavailable):
            raise self.error(exc.TorchOpError, value.reason, e)
        return value

    def _expr(self, e: ast.expr) -> Any:
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
                    return self.torch_call(
                        ("op", _UNARYOPS[type(op)].__name__), _UNARYOPS[type(op)], (v,), {}, e
                    )
                return _UNARYOPS[type(op)](v)
            case ast.Compare(left=l, ops=[op], comparators=[r]):
                return self.compare(op, self.expr(l), self.expr(r), e)
            case ast.BoolOp(op=op, values=values):
                vals = [self.expr(v) for v in values]
                if any(_is_device(v) for v in vals):
                    raise self.error(
                        exc.UnsupportedSyntax,
                        "use & and | to combine device booleans, not and/or",
                        e,
                    )
                out = vals[0]
                for v in vals[1:]:
                    out = (out and v) if isinstance(op, ast.And) else (out or v)
                return out
            case ast.IfExp(test=test, body=body, orelse=orelse):
                cond = self.expr(test)
                if _is_device(cond):
                    raise self.error(
                        exc.UnsupportedSyntax, "use torch.where for a choice on device values", e
                    )
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

    def compare(self, op: ast.cmpop, a: Any, b: Any, node: ast.AST) -> Any:
        if type(op) in _CMPOPS:
            return self.binop(_CMPOPS[type(op)], a, b, node)
        text, fn = _STATIC_CMPOPS[type(op)]
        members = b if isinstance(b, list | tuple | set | frozenset) else ()
        if _is_device(a) or _is_device(b) or any(_is_device(m) for m in members):
            raise self.error(
                exc.UnsupportedSyntax,
                f"`{text}` is decided while compiling, on compile-time values (None, ints, "
                "strings, host tensors); compare device values with == or torch.isin",
                node,
            )
        return fn(a, b)

    def attribute(self, base: Any, attr: str, node: ast.AST) -> Any:
        if isinstance(base, HostTensor):
            if attr in ("dtype", "shape", "ndim", "device"):
                return getattr(base.meta, attr)
            if attr in ("size", "stride", "dim", "numel"):
                return getattr(base.meta, attr)
            if attr in creation.NEW_METHODS:
                return BoundMethod(base, attr)
            raise self.error(
                exc.InvalidIndex,
                f"index host tensor {base.name!r} before using .{attr} on it",
                node,
            )
        if isinstance(base, DTensor):
            if attr == "dtype":
                return base.dtype
            if attr == "ndim":
                return base.rank
            if attr in ("T", "mT"):  # tensor properties that are torch ops
                return self.torch_call(
                    ("attr", attr), lambda t: getattr(t, attr), (base,), {}, node
                )
            return BoundMethod(base, attr)
        if isinstance(base, TileValue):
            return self.tile_attribute(base, attr, node)
        try:
            return getattr(base, attr)
        except AttributeError:
            raise self.error(
                exc.UndefinedName, f"{type(base).__name__} has no attribute {attr!r}", node
            ) from None

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
            return DScalar(
                self.b.emit(arith.IndexCastOp(op.results[0], i64)).results[0], torch.int64
            )
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
            raise self.error(
                exc.InvalidIndex, "tiles in registers can only be indexed with ':' and None", node
            )
        if _is_device(base):
            raise self.error(exc.InvalidIndex, f"cannot subscript a {type(base).__name__}", node)
        if isinstance(base, torch.Tensor):
            raise self.error(
                exc.InvalidArgument,
                "this tensor is not a kernel argument (a tensor inside a list, tuple or "
                "other object): pass each tensor the device code reads as an argument of "
                "its own",
                node,
            )
        key = self.expr(index) if not isinstance(index, ast.Slice) else self.slice(index)
        if _is_device(key):
            raise self.error(
                exc.InvalidIndex,
                f"a Python {type(base).__name__} is indexed while compiling, by an int; a "
                "device value (a tile or a grid index) cannot pick its element: put the "
                "values in a tensor argument and index that",
                node,
            )
        return base[key]

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
        ops = {
            operator.add: arith.AddiOp,
            operator.sub: arith.SubiOp,
            operator.mul: arith.MuliOp,
            operator.floordiv: arith.FloorDivSIOp,
            operator.mod: arith.RemSIOp,
        }
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

    def torch_call(
        self,
        key: Any,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        node: ast.AST,
    ) -> Any:
        for v in (*args, *kwargs.values()):
            if isinstance(v, HostTensor):
                raise self.error(
                    exc.TypeMismatch,
                    f"host tensor {v.name!r} is used directly in device code; index it with tiles first",
                    node,
                )
        args, kwargs = self._unify_dims(args, kwargs)
        return call_torch(self.b, key, fn, args, kwargs, self.extent, self.dim_name)

    def _unify_dims(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
        """Tiles of one call with a static dim where another has a `:` block of that
        size (e.g. `hl.arange(n)` next to `x[tile, :]`) take the block's name, so that
        they broadcast as PyTorch would."""
        flat, spec = tree_flatten((args, kwargs))
        tiles = [v for v in flat if isinstance(v, DTensor)]
        rank = max((t.rank for t in tiles), default=0)
        merged: list[Dim] = [1] * rank
        for t in tiles:
            for i, d in enumerate(t.dims, rank - t.rank):
                if isinstance(d, Blk) and self.b.size_of(d.id):
                    merged[i] = d
        if not any(isinstance(d, Blk) for d in merged):
            return args, kwargs
        flat = [self.b.relabel(v, merged) if isinstance(v, DTensor) else v for v in flat]
        return tree_unflatten(flat, spec)

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
        return self.call_value(fn, args, kwargs, e)

    def call_value(self, fn: Any, args: list[Any], kwargs: dict[str, Any], e: ast.AST) -> Any:
        """`fn(*args, **kwargs)` on compile-time and device values."""
        if fn in hl_calls.HANDLERS:
            return hl_calls.call(self, fn, args, kwargs, e)
        if fn is hl.tile:
            raise self.error(
                exc.UnsupportedSyntax, "hl.tile() must be the iterable of a for loop", e
            )
        if fn in creation.TORCH_CREATORS:
            name = f"torch.{fn.__name__}"
            return creation.create(self, name, creation.TORCH_CREATORS[fn], args, kwargs, None, e)
        if isinstance(fn, BoundMethod):
            if fn.name in creation.NEW_METHODS:
                receiver = fn.receiver
                dtype = receiver.meta.dtype if isinstance(receiver, HostTensor) else receiver.dtype
                value = creation.NEW_METHODS[fn.name]
                return creation.create(self, fn.name, value, args, kwargs, dtype, e)
            if fn.name in ("matmul", "mm", "bmm", "__matmul__"):
                return self.matmul(fn.receiver, args[0], None, e)
            if fn.name in ("addmm", "baddbmm"):
                return self.addmm(fn.receiver, *args, **kwargs, node=e)
            name = fn.name
            return self.torch_call(
                ("method", name),
                lambda t, *a, **k: getattr(t, name)(*a, **k),
                (fn.receiver, *args),
                kwargs,
                e,
            )
        devices = any(
            _is_device(v) or isinstance(v, HostTensor) for v in tree_flatten((args, kwargs))[0]
        )
        if fn in _MATMULS and devices:
            return self.matmul(args[0], args[1], None, e)
        if fn is torch.einsum and devices:
            return self.einsum(args, e)
        if fn in (torch.addmm, torch.Tensor.addmm, torch.baddbmm, torch.Tensor.baddbmm) and devices:
            return self.addmm(*args, **kwargs, node=e)
        if isinstance(fn, DeviceLambda) or (devices and _is_user_function(fn)):
            return self.inline(fn, args, kwargs, e)
        if (
            fn in _SEQUENCE_BUILTINS
            and not kwargs
            and all(isinstance(a, list | tuple) for a in args)
        ):
            return list(fn(*args))  # Python sequences of device values, unrolled where used
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
            elif s in self.block_vars:  # a registered block size: the block its loops share
                dims.append(Blk(self.var_block(self.block_vars[s])))
            elif isinstance(s, int) and not isinstance(s, bool) and s > 0:
                dims.append(s)
            else:
                raise self.error(
                    exc.TypeMismatch,
                    f"shape entries must be tiles or positive ints, got {s!r}",
                    node,
                )
        return dims

    def addmm(
        self, acc: Any, a: Any, b: Any, beta: Any = 1, alpha: Any = 1, *, node: ast.AST
    ) -> DTensor:
        if beta != 1 or alpha != 1:
            raise self.error(
                exc.UnsupportedSyntax,
                "addmm with beta or alpha other than 1 is not supported yet",
                node,
            )
        return self.matmul(a, b, acc, node)

    def einsum(self, args: list[Any], node: ast.AST) -> DTensor:
        """`torch.einsum` of a (batched) matmul: two 2-D or 3-D tiles, one contracted
        index, the output's indices in any order (`ik,jk->ij`: a dot with `b` transposed)."""
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], list | tuple):
            operands = list(operands[0])
        terms = equation.replace(" ", "").split("->") if isinstance(equation, str) else []
        inputs = terms[0].split(",") if len(terms) == 2 else []
        if len(inputs) != 2 or len(operands) != 2:
            raise self.error(
                exc.TorchOpError,
                "torch.einsum in device code takes an explicit `->` equation of two operands",
                node,
            )
        (sa, sb), out = inputs, terms[1]
        batch = [c for c in out if c in sa and c in sb]
        rows = [c for c in out if c in sa and c not in sb]
        cols = [c for c in out if c in sb and c not in sa]
        inner = [c for c in sa if c in sb and c not in out]
        fits = len(out) == len(sa) == len(sb) and len(set(out)) == len(out)
        if not (fits and len(batch) <= 1 and len(rows) == len(cols) == len(inner) == 1):
            raise self.error(
                exc.TorchOpError,
                f"torch.einsum({equation!r}) in device code: only (batched) matmul equations, "
                "such as 'ik,kj->ij' or 'bik,bjk->bij', are supported",
                node,
            )

        def arrange(x: Any, have: str, want: list[str]) -> Any:
            perm = [have.index(c) for c in want]
            if perm == sorted(perm):
                return x
            return self.torch_call(
                ("method", "permute"), lambda t, *p: t.permute(*p), (x, *perm), {}, node
            )

        a = arrange(operands[0], sa, [*batch, *rows, *inner])
        b = arrange(operands[1], sb, [*batch, *inner, *cols])
        return arrange(self.matmul(a, b, None, node), "".join([*batch, *rows, *cols]), list(out))

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
        if not dtype.is_floating_point and dtype != torch.int8:
            raise self.error(
                exc.TypeMismatch,
                f"matmul of {dtype} tiles: Triton's dot takes floats, or int8 (summed in "
                "int32); cast the operands first, e.g. .to(torch.float32), exact for "
                "integers below 2**24",
                node,
            )
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
