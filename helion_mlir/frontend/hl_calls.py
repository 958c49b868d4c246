"""Calls of `hl.*` functions in device code (loops aside), read into `tile` ops.

Each call's arguments are bound by the `hl` function's own signature, so a wrong
argument gets Python's message plus the signature, at the user's line.
"""

from __future__ import annotations

import ast
import inspect
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch
from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr, UnitAttr, f32, i32, i64
from xdsl.ir import Block, Region

from helion_mlir import exc
from helion_mlir import language as hl
from helion_mlir.dialects import tile
from helion_mlir.frontend import creation
from helion_mlir.frontend.builder import name_hint, scalar_attr
from helion_mlir.frontend.dtypes import to_xdsl
from helion_mlir.frontend.values import DScalar, DTensor, HostTensor, TileValue

if TYPE_CHECKING:
    from helion_mlir.frontend.device import DeviceCompiler

Handler = Callable[["DeviceCompiler", dict[str, Any], ast.AST], Any]
HANDLERS: dict[Callable[..., Any], Handler] = {}


def _handles(*fns: Callable[..., Any]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for fn in fns:
            HANDLERS[fn] = handler
        return handler

    return register


def call(
    dc: DeviceCompiler,
    fn: Callable[..., Any],
    args: list[Any],
    kwargs: dict[str, Any],
    node: ast.AST,
) -> Any:
    """Read `fn(*args, **kwargs)`, `fn` being one of `HANDLERS`."""
    signature = inspect.signature(fn)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        raise dc.error(exc.TypeMismatch, f"hl.{fn.__name__}{signature}: {e}", node) from None
    bound.apply_defaults()
    params = dict(bound.arguments)
    params["_fn"] = fn
    return HANDLERS[fn](dc, params, node)


# -- creation and matmul -------------------------------------------------------------------


@_handles(hl.zeros, hl.full)
def _full(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    return creation.fill(dc, p["shape"], p.get("value", 0), p["dtype"] or torch.float32, node)


@_handles(hl.dot)
def _dot(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    out = dc.matmul(p["a"], p["b"], p["acc"], node)
    if p["out_dtype"] is None:
        return out
    return dc.b.cast(out, p["out_dtype"], explicit=True)


@_handles(hl.arange)
def _arange(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    begin, end = (
        (0, p["begin_or_end"])
        if p["end_or_none"] is None
        else (p["begin_or_end"], p["end_or_none"])
    )
    step = p["step"]
    if (
        not all(isinstance(v, int) and not isinstance(v, bool) for v in (begin, end, step))
        or step <= 0
    ):
        raise dc.error(
            exc.TypeMismatch, "hl.arange takes ints known when compiling and a positive step", node
        )
    n = len(range(begin, end, step))
    if n < 1 or n & (n - 1):
        raise dc.error(
            exc.ShapeMismatch,
            f"hl.arange gives {n} values; a tile's length must be a power of two",
            node,
        )
    iota = dc.b.emit(tile.IotaOp(tile.tile_tensor(i32, [n])))
    out = DTensor(iota.results[0], (n,), torch.int32)
    if step != 1:
        out = dc.binop(operator.mul, out, step, node)
    if begin:
        out = dc.binop(operator.add, out, begin, node)
    return out


@_handles(hl.rand, hl.randint)
def _rand(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    name = p["_fn"].__name__
    dims = dc.shape(p["shape"], node)
    seed = p["seed"]
    if (
        isinstance(seed, bool)
        or not isinstance(seed, int | DScalar)
        or (isinstance(seed, DScalar) and seed.dtype.is_floating_point)
    ):
        raise dc.error(exc.TypeMismatch, f"hl.{name}'s seed must be an int", node)
    if isinstance(seed, int):
        seed_value = dc.b.emit(arith.ConstantOp(IntegerAttr(seed, i64))).results[0]
    else:
        seed_value = seed.value
    offsets = p["offsets"]
    if offsets is None:
        offsets = _positions(dc, p["shape"], dims, name, node)
    elif isinstance(offsets, DTensor) and not offsets.dtype.is_floating_point:
        offsets = dc.b.broadcast(offsets, dims)
    else:
        raise dc.error(exc.TypeMismatch, f"hl.{name}'s offsets must be an integer tile", node)
    op = dc.b.emit(tile.RandOp(seed_value, offsets.value, tile.tile_tensor(f32, dims)))
    out = DTensor(op.results[0], tuple(dims), torch.float32)
    if name == "rand":
        return out
    low, high = p["low"], p["high"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) or low >= high:
        raise dc.error(exc.TypeMismatch, "hl.randint takes ints low < high", node)
    # floor(u * n) for u in [0, 1) is below n but for float32 rounding of u * n: fix that lane
    n = high - low
    scaled = dc.b.cast(dc.binop(operator.mul, out, n, node), torch.int32)
    over = dc.b.cast(dc.binop(operator.ge, scaled, n, node), torch.int32)
    return dc.binop(operator.add, dc.binop(operator.sub, scaled, over, node), low, node)


def _positions(
    dc: DeviceCompiler, shape: Any, dims: list[Any], name: str, node: ast.AST
) -> DTensor:
    """Each element's row-major position in the space of the loops' full extents."""
    entries = list(shape) if isinstance(shape, list | tuple) else [shape]
    total: DTensor | None = None
    stride = 1
    for axis in reversed(range(len(dims))):
        entry, d = entries[axis], dims[axis]
        tiled = isinstance(entry, TileValue)
        extent = dc.blocks[entry.block].end if tiled else d if isinstance(d, int) else None
        if extent is None:
            raise dc.error(
                exc.ShapeMismatch,
                f"hl.{name} needs offsets= here: the extent of dim {axis} is known only at "
                "run time",
                node,
            )
        if tiled:
            index = dc.tile_attribute(entry, "index", node)
        else:
            iota = dc.b.emit(tile.IotaOp(tile.tile_tensor(i32, [d]))).results[0]
            index = DTensor(iota, (d,), torch.int32)
        term = dc.b.reshape(index, [d if i == axis else 1 for i in range(len(dims))])
        if stride != 1:
            term = dc.binop(operator.mul, term, stride, node)
        total = term if total is None else dc.binop(operator.add, total, term, node)
        stride *= extent
    assert total is not None
    return dc.b.broadcast(total, dims)


@_handles(hl.join)
def _join(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    a, b = p["a"], p["b"]
    if not (isinstance(a, DTensor) and isinstance(b, DTensor)) or a.dims != b.dims:
        raise dc.error(
            exc.ShapeMismatch, "hl.join takes two device tensors of the same shape", node
        )
    b = dc.b.cast(b, a.dtype)
    t = tile.tile_tensor(a.value.type.element_type, (*a.dims, 2))  # type: ignore[attr-defined]
    op = dc.b.emit(tile.JoinOp(a.value, b.value, t))
    return DTensor(op.results[0], (*a.dims, 2), a.dtype)


@_handles(hl.split)
def _split(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> tuple[DTensor, DTensor]:
    x = p["x"]
    if not isinstance(x, DTensor) or not x.dims or x.dims[-1] != 2:
        raise dc.error(
            exc.ShapeMismatch, "hl.split takes a device tensor whose last dim has size 2", node
        )
    t = tile.tile_tensor(x.value.type.element_type, x.dims[:-1])  # type: ignore[attr-defined]
    op = dc.b.emit(tile.SplitOp(x.value, t))
    return DTensor(op.lhs, x.dims[:-1], x.dtype), DTensor(op.rhs, x.dims[:-1], x.dtype)


# -- scans and reductions with combine functions -------------------------------------------


@_handles(hl.cumsum, hl.cumprod)
def _cumulative(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    x = _tile_arg(dc, p["input_tensor"], node)
    kind = tile.ReduceKind.SUM if p["_fn"] is hl.cumsum else tile.ReduceKind.PROD
    props = {"kind": tile.ReduceKindAttr(kind), **({"reverse": UnitAttr()} if p["reverse"] else {})}
    op = dc.b.emit(tile.ScanOp(x.value, _axis(dc, x, p["dim"], node), x.value.type, **props))
    return DTensor(op.results[0], x.dims, x.dtype)


@_handles(hl.reduce, hl.associative_scan)
def _combine(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> Any:
    scan = p["_fn"] is hl.associative_scan
    given = p["input_tensor"]
    inputs = [
        _tile_arg(dc, t, node) for t in (given if isinstance(given, tuple | list) else [given])
    ]
    if any(t.dims != inputs[0].dims for t in inputs):
        raise dc.error(
            exc.ShapeMismatch, f"hl.{p['_fn'].__name__} inputs must share one shape", node
        )
    axis = _axis(dc, inputs[0], p["dim"], node)
    others = p.get("other", 0)
    others = list(others) if isinstance(others, tuple | list) else [others] * len(inputs)
    fills = [scalar_attr(o, t.dtype) for o, t in zip(others, inputs)]
    scalars = [tile.tile_tensor(to_xdsl(t.dtype), ()) for t in inputs]
    block = Block(arg_types=scalars + scalars)
    for arg, name in zip(block.args, _param_names(p["combine_fn"], 2 * len(inputs))):
        arg.name_hint = name_hint(name)
    saved = dc.b.block
    dc.b.block = block
    try:
        args = [DTensor(a, (), t.dtype) for a, t in zip(block.args, inputs + inputs)]
        out = dc.call_value(p["combine_fn"], args, {}, node)
        outs = list(out) if isinstance(out, tuple | list) else [out]
        if len(outs) != len(inputs):
            raise dc.error(
                exc.TypeMismatch,
                f"the combine function must return {len(inputs)} value(s), one per input",
                node,
            )
        yields = [
            dc.b.cast(dc.as_tensor(o, t.dtype, node), t.dtype).value for o, t in zip(outs, inputs)
        ]
        block.add_op(tile.YieldOp(*yields))
    finally:
        dc.b.block = saved
    keep = bool(p.get("keep_dims")) and not scan
    dims = (
        inputs[0].dims
        if scan
        else tuple(1 if i == axis else d for i, d in enumerate(inputs[0].dims) if keep or i != axis)
    )
    types = [tile.tile_tensor(to_xdsl(t.dtype), dims) for t in inputs]
    op = dc.b.emit(
        tile.CombineOp(
            [t.value for t in inputs],
            axis,
            types,
            Region(block),
            fills,
            keepdim=keep,
            scan=scan,
            reverse=bool(p.get("reverse")),
        )
    )
    results = [DTensor(r, dims, t.dtype) for r, t in zip(op.results, inputs)]
    return tuple(results) if isinstance(given, tuple | list) else results[0]


def _param_names(fn: Any, n: int) -> list[str]:
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # a lambda written in device code
        names = [a.arg for a in fn.node.args.args] if hasattr(fn, "node") else []
    return names if len(names) == n else [f"{side}{i}" for side in "lr" for i in range(n // 2)]


def _tile_arg(dc: DeviceCompiler, x: Any, node: ast.AST) -> DTensor:
    if not isinstance(x, DTensor) or x.rank == 0:
        raise dc.error(exc.TypeMismatch, "expected a device tensor with at least one dim", node)
    return x


def _axis(dc: DeviceCompiler, x: DTensor, dim: Any, node: ast.AST) -> int:
    if dim is None and x.rank == 1:
        return 0
    if not isinstance(dim, int) or not -x.rank <= dim < x.rank:
        raise dc.error(
            exc.InvalidIndex, f"dim must be an int in [{-x.rank}, {x.rank}), got {dim!r}", node
        )
    return dim % x.rank


# -- memory ---------------------------------------------------------------------------------


def _host_tensor(dc: DeviceCompiler, p: dict[str, Any], key: str, node: ast.AST) -> HostTensor:
    t = p[key]
    if not isinstance(t, HostTensor):
        what = "a tensor made in device code" if isinstance(t, DTensor) else type(t).__name__
        raise dc.error(
            exc.InvalidIndex,
            f"hl.{p['_fn'].__name__}() needs a tensor from host code (a kernel argument or "
            f"one allocated before the loops), got {what}",
            node,
        )
    return t


def _index(dc: DeviceCompiler, index: Any, node: ast.AST) -> list[Any]:
    items = list(index) if isinstance(index, list | tuple) else [index]
    out: list[Any] = []
    for item in items:
        # the tuple an N-D `hl.tile` loop binds to one name indexes N dims
        if isinstance(item, tuple) and all(isinstance(t, TileValue) for t in item):
            out.extend(item)
        else:
            out.append(item)
    return out


def _mask(dc: DeviceCompiler, mask: Any, dims: list[tile.Dim], node: ast.AST) -> Any:
    if mask is None:
        return None
    if not (isinstance(mask, DTensor) and mask.dtype == torch.bool):
        raise dc.error(
            exc.TypeMismatch, "extra_mask must be a boolean device tensor (e.g. a comparison)", node
        )
    try:
        return dc.b.broadcast(mask, dims).value
    except exc.ShapeMismatch:
        raise dc.error(
            exc.ShapeMismatch,
            f"extra_mask of shape {dc.show(mask.dims)} does not broadcast to the tile {dc.show(dims)}",
            node,
        ) from None


_EVICTION = {"evict_first": "first", "evict_last": "last", "evict_normal": ""}


@_handles(hl.load)
def _load(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    t = _host_tensor(dc, p, "tensor", node)
    policy = p["eviction_policy"]
    if policy is not None and policy not in _EVICTION:
        raise dc.error(
            exc.InvalidArgument,
            f"eviction_policy must be one of {', '.join(map(repr, _EVICTION))} or None, got {policy!r}",
            node,
        )
    return dc.load(
        t,
        _index(dc, p["index"], node),
        node,
        mask=lambda dims: _mask(dc, p["extra_mask"], dims, node),
        eviction=None if policy is None else _EVICTION[policy],
    )


@_handles(hl.store)
def _store(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> None:
    t = _host_tensor(dc, p, "tensor", node)
    dc.store(
        t,
        _index(dc, p["index"], node),
        p["value"],
        node,
        mask=lambda dims: _mask(dc, p["extra_mask"], dims, node),
    )


_ATOMICS = {
    hl.atomic_add: tile.AtomicKind.ADD,
    hl.atomic_and: tile.AtomicKind.AND,
    hl.atomic_or: tile.AtomicKind.OR,
    hl.atomic_xor: tile.AtomicKind.XOR,
    hl.atomic_xchg: tile.AtomicKind.XCHG,
    hl.atomic_max: tile.AtomicKind.MAX,
    hl.atomic_min: tile.AtomicKind.MIN,
}
_BITWISE = (tile.AtomicKind.AND, tile.AtomicKind.OR, tile.AtomicKind.XOR)


@_handles(*_ATOMICS, hl.atomic_cas)
def _atomic(dc: DeviceCompiler, p: dict[str, Any], node: ast.AST) -> DTensor:
    t = _host_tensor(dc, p, "target", node)
    kind = _ATOMICS.get(p["_fn"], tile.AtomicKind.CAS)
    name = p["_fn"].__name__
    if p["sem"] not in tile.SEMANTICS:
        raise dc.error(
            exc.InvalidArgument,
            f"{name} sem must be one of {', '.join(map(repr, tile.SEMANTICS))}, got {p['sem']!r}",
            node,
        )
    dtype = t.meta.dtype
    if kind in _BITWISE and (dtype.is_floating_point or dtype == torch.bool):
        raise dc.error(
            exc.TypeMismatch, f"hl.{name} needs an integer tensor, {t.name!r} is {dtype}", node
        )
    if dtype not in _ATOMIC_DTYPES:
        raise dc.error(
            exc.TypeMismatch,
            f"hl.{name} cannot update {dtype} tensor {t.name!r}; atomics work on "
            f"{', '.join(str(d) for d in _ATOMIC_DTYPES)}",
            node,
        )
    indices, dims, newaxes = dc.subscript(t, _index(dc, p["index"], node), node)
    if newaxes:
        raise dc.error(exc.InvalidIndex, "None is not allowed in the index of an atomic", node)
    value = dc.value_for(t, dims, p["value"], node)
    expected = dc.value_for(t, dims, p["expected"], node).value if "expected" in p else None
    op = dc.b.emit(tile.AtomicOp(kind, value.value, t.arg, indices, dc.mem_ids, p["sem"], expected))
    dc.mem_ids += 1
    return DTensor(op.results[0], tuple(dims), dtype)


_ATOMIC_DTYPES = (
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
    torch.int32,
    torch.int64,
)
