"""Lowering of the core ATen ops that PyTorch's decompositions leave, into `tile` IR.

Each torch call in device code is traced through PyTorch's decompositions (see
`trace.py`) into a small set of core ops; this module maps each of those to
`arith`/`math`/`tile` ops. Type promotion and broadcasting are PyTorch's: the traced
graph says each node's result dtype and shape, and operands are cast and broadcast to
them. Math on float16/bfloat16 runs in float32, as PyTorch computes it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from xdsl.dialects import arith
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import UnitAttr, i64
from xdsl.ir import Operation, SSAValue

from helion_mlir import exc
from helion_mlir.dialects import tile
from helion_mlir.dialects.tile import Blk, Dim
from helion_mlir.frontend.builder import Builder, show_dims
from helion_mlir.frontend.values import DScalar, DTensor, Unavailable

aten = torch.ops.aten
prims = torch.ops.prims


@dataclass
class NodeCtx:
    """What a lowering needs: the builder, the node's result type, block extents."""

    b: Builder
    out_dims: tuple[Dim, ...]
    out_dtype: torch.dtype
    extent: Callable[[int], int | None]

    def tensor(
        self,
        v: Any,
        dtype: torch.dtype,
        dims: Sequence[Dim] | None = None,
        explicit: bool = False,
    ) -> DTensor:
        """`v` (tile, scalar or number) as a tile of `dtype` and the node's (or `dims`)
        shape (`explicit`: the conversion is the kernel's own, see `Builder.cast`)."""
        dims = self.out_dims if dims is None else tuple(dims)
        if isinstance(v, DTensor):
            return self.b.broadcast(self.b.cast(v, dtype, explicit), dims)
        if isinstance(v, DScalar):
            return self.b.cast(self.b.splat(v, dims), dtype, explicit)
        if isinstance(v, bool | int | float):
            return self.b.full(v, dims, dtype)
        raise exc.TorchOpError(f"expected a tensor or a number, got {type(v).__name__}")

    def emit(self, op: Operation, dtype: torch.dtype | None = None) -> DTensor:
        self.b.emit(op)
        return DTensor(op.results[0], self.out_dims, dtype or self.out_dtype)


def _compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """Floats narrower than float32 are computed in float32."""
    if dtype.is_floating_point and dtype.itemsize < 4:
        return torch.float32
    return dtype


# -- elementwise -----------------------------------------------------------------------

_FLOAT_BINARY = {
    "add": arith.AddfOp,
    "sub": arith.SubfOp,
    "mul": arith.MulfOp,
    "div": arith.DivfOp,
    "maximum": arith.MaximumfOp,
    "minimum": arith.MinimumfOp,
}
_INT_BINARY = {
    "add": arith.AddiOp,
    "sub": arith.SubiOp,
    "mul": arith.MuliOp,
    "maximum": arith.MaxSIOp,
    "minimum": arith.MinSIOp,
    "floordiv": arith.FloorDivSIOp,
    "truncdiv": arith.DivSIOp,
    "shl": arith.ShLIOp,
    "shr": arith.ShRSIOp,
    "and": arith.AndIOp,
    "or": arith.OrIOp,
    "xor": arith.XOrIOp,
}


def binary(kind: str) -> Callable[..., DTensor]:
    def lower(ctx: NodeCtx, a: Any, b: Any, alpha: Any = 1, **_: Any) -> DTensor:
        dtype = _compute_dtype(ctx.out_dtype)
        if alpha != 1:
            b = _scaled(ctx, b, alpha, dtype)
        x, y = ctx.tensor(a, dtype), ctx.tensor(b, dtype)
        table = _FLOAT_BINARY if dtype.is_floating_point else _INT_BINARY
        if kind not in table:
            raise exc.TorchOpError(f"{kind} is not supported on {dtype}")
        out = ctx.emit(table[kind](x.value, y.value), dtype)
        return ctx.b.cast(out, ctx.out_dtype)

    return lower


def _scaled(ctx: NodeCtx, b: Any, alpha: Any, dtype: torch.dtype) -> DTensor:
    y = ctx.tensor(b, dtype)
    s = ctx.tensor(alpha, dtype)
    cls = arith.MulfOp if dtype.is_floating_point else arith.MuliOp
    return ctx.emit(cls(y.value, s.value), dtype)


_UNARY_MATH = {
    "exp": mathd.ExpOp,
    "exp2": mathd.Exp2Op,
    "log": mathd.LogOp,
    "log2": mathd.Log2Op,
    "log1p": mathd.Log1pOp,
    "expm1": mathd.ExpM1Op,
    "sqrt": mathd.SqrtOp,
    "rsqrt": mathd.RsqrtOp,
    "erf": mathd.ErfOp,
    "tanh": mathd.TanhOp,
    "sin": mathd.SinOp,
    "cos": mathd.CosOp,
    "floor": mathd.FloorOp,
    "ceil": mathd.CeilOp,
    "trunc": mathd.TruncOp,
}


def unary_math(kind: str) -> Callable[..., DTensor]:
    def lower(ctx: NodeCtx, a: Any) -> DTensor:
        dtype = _compute_dtype(ctx.out_dtype)
        if not dtype.is_floating_point:
            dtype = torch.float32
        x = ctx.tensor(a, dtype)
        return ctx.b.cast(ctx.emit(_UNARY_MATH[kind](x.value), dtype), ctx.out_dtype)

    return lower


def lower_neg(ctx: NodeCtx, a: Any) -> DTensor:
    return ctx.b.cast(_negate(ctx, ctx.tensor(a, _compute_dtype(ctx.out_dtype))), ctx.out_dtype)


def _negate(ctx: NodeCtx, x: DTensor) -> DTensor:
    if x.dtype.is_floating_point:
        return DTensor(ctx.b.emit(arith.NegfOp(x.value)).results[0], x.dims, x.dtype)
    zero = ctx.b.full(0, x.dims, x.dtype)
    return DTensor(ctx.b.emit(arith.SubiOp(zero.value, x.value)).results[0], x.dims, x.dtype)


def lower_abs(ctx: NodeCtx, a: Any) -> DTensor:
    dtype = _compute_dtype(ctx.out_dtype)
    x = ctx.tensor(a, dtype)
    cls = mathd.AbsFOp if dtype.is_floating_point else mathd.AbsIOp
    return ctx.b.cast(ctx.emit(cls(x.value), dtype), ctx.out_dtype)


def lower_sigmoid(ctx: NodeCtx, a: Any) -> DTensor:
    dtype = _compute_dtype(ctx.out_dtype)
    x = ctx.tensor(a, dtype)
    e = ctx.emit(mathd.ExpOp(ctx.emit(arith.NegfOp(x.value), dtype).value), dtype)
    den = ctx.emit(arith.AddfOp(ctx.tensor(1.0, dtype).value, e.value), dtype)
    out = ctx.emit(arith.DivfOp(ctx.tensor(1.0, dtype).value, den.value), dtype)
    return ctx.b.cast(out, ctx.out_dtype)


def lower_reciprocal(ctx: NodeCtx, a: Any) -> DTensor:
    return binary("div")(ctx, 1.0, a)


def lower_relu(ctx: NodeCtx, a: Any) -> DTensor:
    return binary("maximum")(ctx, a, 0)


def lower_pow(ctx: NodeCtx, a: Any, exponent: Any) -> DTensor:
    dtype = _compute_dtype(ctx.out_dtype)
    if isinstance(exponent, int | float) and float(exponent).is_integer() and 0 <= exponent <= 4:
        x = ctx.tensor(a, dtype)
        out = ctx.tensor(1, dtype)
        mul = arith.MulfOp if dtype.is_floating_point else arith.MuliOp
        for _ in range(int(exponent)):
            out = ctx.emit(mul(out.value, x.value), dtype)
        return ctx.b.cast(out, ctx.out_dtype)
    if exponent == 0.5:
        return unary_math("sqrt")(ctx, a)
    if exponent == -0.5:
        return unary_math("rsqrt")(ctx, a)
    x, y = ctx.tensor(a, dtype), ctx.tensor(exponent, dtype)
    return ctx.b.cast(ctx.emit(mathd.PowFOp(x.value, y.value), dtype), ctx.out_dtype)


_PREDICATES = {
    "eq": tile.Predicate.EQ,
    "ne": tile.Predicate.NE,
    "lt": tile.Predicate.LT,
    "le": tile.Predicate.LE,
    "gt": tile.Predicate.GT,
    "ge": tile.Predicate.GE,
}


def compare(kind: str) -> Callable[..., DTensor]:
    def lower(ctx: NodeCtx, a: Any, b: Any) -> DTensor:
        dtype = _promote(a, b)
        x, y = ctx.tensor(a, dtype), ctx.tensor(b, dtype)
        return ctx.emit(tile.CmpOp(_PREDICATES[kind], x.value, y.value), torch.bool)

    return lower


def _meta(v: Any) -> Any:
    if isinstance(v, DTensor):
        return torch.empty((1,) * v.rank, dtype=v.dtype, device="meta")
    if isinstance(v, DScalar):
        return torch.empty((), dtype=v.dtype, device="meta")
    return v


def _promote(a: Any, b: Any) -> torch.dtype:
    return torch.result_type(_meta(a), _meta(b))


def logical(kind: str) -> Callable[..., DTensor]:
    def lower(ctx: NodeCtx, a: Any, b: Any = None) -> DTensor:
        x = ctx.tensor(a, torch.bool)
        if kind == "not":
            y = ctx.tensor(True, torch.bool)
            return ctx.emit(arith.XOrIOp(x.value, y.value), torch.bool)
        y = ctx.tensor(b, torch.bool)
        return ctx.emit(_INT_BINARY[kind](x.value, y.value), torch.bool)

    return lower


def lower_where(ctx: NodeCtx, cond: Any, a: Any, b: Any) -> DTensor:
    c = ctx.tensor(cond, torch.bool)
    x, y = ctx.tensor(a, ctx.out_dtype), ctx.tensor(b, ctx.out_dtype)
    return ctx.emit(tile.WhereOp(c.value, x.value, y.value))


def lower_clamp(ctx: NodeCtx, a: Any, low: Any = None, high: Any = None) -> DTensor:
    out = a
    if low is not None:
        out = binary("maximum")(ctx, out, low)
    if high is not None:
        out = binary("minimum")(ctx, out, high)
    return ctx.tensor(out, ctx.out_dtype)


def lower_cast(ctx: NodeCtx, a: Any, *args: Any, **kwargs: Any) -> DTensor:
    return ctx.tensor(a, ctx.out_dtype, explicit=True)  # a `.to()`: its rounding stays


def lower_full(ctx: NodeCtx, size: Any, value: Any, **kwargs: Any) -> DTensor:
    return ctx.tensor(value, ctx.out_dtype)


def lower_empty(ctx: NodeCtx, size: Any, **kwargs: Any) -> DTensor:
    return ctx.tensor(0, ctx.out_dtype)  # uninitialized in torch; zeros here


def lower_scalar_tensor(ctx: NodeCtx, value: Any, **kwargs: Any) -> Any:
    return value


def lower_view(ctx: NodeCtx, a: Any, *args: Any, **kwargs: Any) -> DTensor:
    if not isinstance(a, DTensor):
        return ctx.tensor(a, ctx.out_dtype)
    kept = [d for d in a.dims if d != 1]
    if kept != [d for d in ctx.out_dims if d != 1]:
        raise exc.TorchOpError(
            f"reshaping a tile from {show_dims(a.dims)} to {show_dims(ctx.out_dims)} is not "
            "supported; only adding or removing size-1 dims is"
        )
    return ctx.b.reshape(a, ctx.out_dims)


def lower_expand(ctx: NodeCtx, a: Any, *args: Any, **kwargs: Any) -> DTensor:
    return ctx.tensor(a, ctx.out_dtype)


# -- reductions ------------------------------------------------------------------------


def _dims(a: DTensor, dims: Any) -> list[int]:
    if dims is None or dims == []:
        return list(range(a.rank))
    if isinstance(dims, int):
        dims = [dims]
    return sorted({d % a.rank for d in dims})


def _reduce(
    ctx: NodeCtx,
    kind: tile.ReduceKind,
    a: DTensor,
    dims: list[int],
    keepdim: bool,
    dtype: torch.dtype,
) -> DTensor:
    x = ctx.b.cast(a, dtype)
    out_dims = tuple(
        1 if i in dims else d for i, d in enumerate(x.dims) if keepdim or i not in dims
    )
    t = tile.tile_tensor(x.value.type.element_type, out_dims)  # type: ignore[attr-defined]
    op = ctx.b.emit(tile.ReduceOp(kind, x.value, dims, keepdim, t))
    return DTensor(op.results[0], out_dims, dtype)


def reduction(kind: tile.ReduceKind) -> Callable[..., DTensor]:
    def lower(ctx: NodeCtx, a: Any, dims: Any = None, keepdim: bool = False, **_: Any) -> DTensor:
        x = _as_tile(ctx, a)
        dtype = _compute_dtype(ctx.out_dtype)
        r = _reduce(ctx, kind, x, _dims(x, dims), keepdim, dtype)
        return ctx.b.cast(r, ctx.out_dtype)

    return lower


def _as_tile(ctx: NodeCtx, a: Any) -> DTensor:
    if not isinstance(a, DTensor):
        raise exc.TorchOpError("reductions need a tile operand")
    return a


def _count(ctx: NodeCtx, a: DTensor, dims: list[int]) -> int:
    n = 1
    for i in dims:
        d = a.dims[i]
        if isinstance(d, Blk):
            extent = ctx.extent(d.id)
            if extent is None:
                raise exc.TorchOpError(
                    "mean/var over a tiled dim is not supported: its element count varies "
                    "per tile; index the dim with ':' or sum and divide explicitly"
                )
            n *= extent
        else:
            n *= d
    return n


def lower_mean(ctx: NodeCtx, a: Any, dims: Any = None, keepdim: bool = False, **_: Any) -> DTensor:
    x = _as_tile(ctx, a)
    red = _dims(x, dims)
    dtype = _compute_dtype(ctx.out_dtype)
    total = _reduce(ctx, tile.ReduceKind.SUM, x, red, keepdim, dtype)
    n = ctx.b.full(_inverse_count(_count(ctx, x, red)), total.dims, dtype)
    out = ctx.b.emit(arith.MulfOp(total.value, n.value))
    return ctx.b.cast(DTensor(out.results[0], total.dims, dtype), ctx.out_dtype)


def _inverse_count(n: int) -> float:
    """The factor of a mean over `n` elements: torch's mean of none is 0 / 0."""
    return 1.0 / n if n else float("nan")


def _var(
    ctx: NodeCtx, x: DTensor, red: list[int], correction: float, keepdim: bool
) -> tuple[DTensor, DTensor]:
    dtype = _compute_dtype(x.dtype)
    x = ctx.b.cast(x, dtype)
    n = _count(ctx, x, red)
    total = _reduce(ctx, tile.ReduceKind.SUM, x, red, True, dtype)
    mean = ctx.b.emit(
        arith.MulfOp(total.value, ctx.b.full(_inverse_count(n), total.dims, dtype).value)
    )
    mean_t = DTensor(mean.results[0], total.dims, dtype)
    d = ctx.b.emit(arith.SubfOp(x.value, ctx.b.broadcast(mean_t, x.dims).value))
    sq = ctx.b.emit(arith.MulfOp(d.results[0], d.results[0]))
    ss = _reduce(
        ctx, tile.ReduceKind.SUM, DTensor(sq.results[0], x.dims, dtype), red, keepdim, dtype
    )
    # as torch: a sum of squares over no degrees of freedom is divided by 0
    dof = n - correction
    factor = ctx.b.full(1.0 / dof if dof > 0 else float("inf"), ss.dims, dtype)
    var = ctx.b.emit(arith.MulfOp(ss.value, factor.value))
    if not keepdim:
        mean_t = ctx.b.reshape(mean_t, ss.dims)
    return DTensor(var.results[0], ss.dims, dtype), mean_t


def lower_var(
    ctx: NodeCtx, a: Any, dims: Any = None, correction: Any = None, keepdim: bool = False, **_: Any
) -> DTensor:
    x = _as_tile(ctx, a)
    var, _ = _var(ctx, x, _dims(x, dims), 1 if correction is None else correction, keepdim)
    return ctx.b.cast(var, ctx.out_dtype)


def lower_var_mean(
    ctx: NodeCtx, a: Any, dims: Any = None, correction: Any = None, keepdim: bool = False, **_: Any
) -> tuple[DTensor, DTensor]:
    x = _as_tile(ctx, a)
    var, mean = _var(ctx, x, _dims(x, dims), 1 if correction is None else correction, keepdim)
    return ctx.b.cast(var, ctx.out_dtype), ctx.b.cast(mean, ctx.out_dtype)


# -- data movement within a tile ---------------------------------------------------------


def lower_permute(ctx: NodeCtx, a: Any, perm: Sequence[int]) -> DTensor:
    x = _as_tile(ctx, a)
    perm = [p % x.rank for p in perm]
    if perm == list(range(x.rank)):
        return x
    t = tile.tile_tensor(x.value.type.element_type, ctx.out_dims)  # type: ignore[attr-defined]
    return ctx.emit(tile.PermuteOp(x.value, perm, t), x.dtype)


def _axis(x: DTensor, dim: Any) -> int:
    if dim is None:
        if x.rank != 1:
            raise exc.TorchOpError(
                "give the dim: over all dims of a multi-dim tile is not supported"
            )
        return 0
    return dim % x.rank


def arg_reduction(kind: tile.ReduceKind) -> Callable[..., DTensor]:
    def lower(ctx: NodeCtx, a: Any, dim: Any = None, keepdim: bool = False) -> DTensor:
        x = _as_tile(ctx, a)
        return _arg_reduce(ctx, kind, x, _axis(x, dim), keepdim)

    return lower


def _arg_reduce(
    ctx: NodeCtx, kind: tile.ReduceKind, x: DTensor, axis: int, keepdim: bool
) -> DTensor:
    x = ctx.b.cast(x, _compute_dtype(x.dtype))
    dims = tuple(1 if i == axis else d for i, d in enumerate(x.dims) if keepdim or i != axis)
    t = tile.tile_tensor(i64, dims)
    op = ctx.b.emit(
        tile.ArgReduceOp(x.value, axis, t, kind=tile.ReduceKindAttr(kind), **_keep(keepdim))
    )
    return DTensor(op.results[0], dims, torch.int64)


def _keep(keepdim: bool) -> dict[str, Any]:
    return {"keepdim": UnitAttr()} if keepdim else {}


def value_and_index(kind: tile.ReduceKind) -> Callable[..., tuple[DTensor, DTensor]]:
    """`torch.max(x, dim)` / `torch.min(x, dim)`: the values and their positions."""

    def lower(ctx: NodeCtx, a: Any, dim: int, keepdim: bool = False) -> tuple[DTensor, DTensor]:
        x = _as_tile(ctx, a)
        axis = _axis(x, dim)
        values = _reduce(ctx, kind, x, [axis], keepdim, _compute_dtype(x.dtype))
        return ctx.b.cast(values, x.dtype), _arg_reduce(ctx, kind, x, axis, keepdim)

    return lower


def truth_reduction(kind: tile.ReduceKind) -> Callable[..., DTensor]:
    """`any` (max of the truth values) and `all` (min)."""

    def lower(ctx: NodeCtx, a: Any, dims: Any = None, keepdim: bool = False) -> DTensor:
        x = ctx.b.cast(ctx.b.cast(_as_tile(ctx, a), torch.bool), torch.int32)
        r = _reduce(ctx, kind, x, _dims(x, dims), keepdim, torch.int32)
        return ctx.b.cast(r, torch.bool)

    return lower


def scan(kind: tile.ReduceKind) -> Callable[..., DTensor]:
    def lower(ctx: NodeCtx, a: Any, dim: int, dtype: Any = None) -> DTensor:
        x = ctx.b.cast(_as_tile(ctx, a), _compute_dtype(ctx.out_dtype))
        op = tile.ScanOp(x.value, dim % x.rank, x.value.type, kind=tile.ReduceKindAttr(kind))
        return ctx.b.cast(ctx.emit(op, x.dtype), ctx.out_dtype)

    return lower


def lower_flip(ctx: NodeCtx, a: Any, dims: Sequence[int]) -> DTensor:
    x = _as_tile(ctx, a)
    for dim in sorted({d % x.rank for d in dims}):
        d = x.dims[dim]
        if isinstance(d, Blk) and not ctx.b.whole_blocks.get(d.id):
            raise exc.TorchOpError(
                f"flip along dim {dim} ({show_dims([d])}): its tiles may be partly out of bounds, and "
                "flipping would move the padding to the front; flip a dim of static size or a "
                "':' dim whose size is a power of two"
            )
        x = ctx.emit(tile.FlipOp(x.value, dim, x.value.type), x.dtype)
    return x


def lower_sort(
    ctx: NodeCtx, a: Any, dim: int = -1, descending: bool = False, **_: Any
) -> tuple[DTensor, Any]:
    x = _as_tile(ctx, a)
    if dim % x.rank != x.rank - 1:
        raise exc.TorchOpError("torch.sort in device code sorts along the last dim")
    props = {"descending": UnitAttr()} if descending else {}
    indices = tile.tile_tensor(i64, x.dims) if _keyable(x) else None
    op = ctx.b.emit(tile.SortOp(x.value, x.rank - 1, x.value.type, indices, **props))
    return DTensor(op.results[0], x.dims, x.dtype), _indices(op, x, "sort")


def lower_topk(
    ctx: NodeCtx, a: Any, k: int, dim: int = -1, largest: bool = True, **_: Any
) -> tuple[DTensor, Any]:
    x = _as_tile(ctx, a)
    if dim % x.rank != x.rank - 1 or k < 1 or k & (k - 1):
        raise exc.TorchOpError(
            "torch.topk in device code takes the top k (a power of two) along the last dim"
        )
    dims = (*x.dims[:-1], k)
    t = tile.tile_tensor(x.value.type.element_type, dims)  # type: ignore[attr-defined]
    if _keyable(x):
        indices = tile.tile_tensor(i64, dims)
        op = ctx.b.emit(tile.TopkOp(x.value, x.rank - 1, k, t, indices, smallest=not largest))
        return DTensor(op.results[0], dims, x.dtype), _indices(op, x, "topk")
    if not largest:  # the smallest k, smallest first: the largest of the negation
        x = _negate(ctx, x)
    op = ctx.b.emit(tile.TopkOp(x.value, x.rank - 1, k, t))
    values = DTensor(op.results[0], dims, x.dtype)
    if not largest:
        values = _negate(ctx, values)
    return values, _indices(op, x, "topk")


def _keyable(x: DTensor) -> bool:
    """Whether `x`'s elements fit the 64-bit keys that sorting with positions packs them
    into beside their positions: at most 32 bits."""
    return x.dtype.itemsize <= 4


def _indices(op: tile.SortOp | tile.TopkOp, x: DTensor, name: str) -> DTensor | Unavailable:
    if op.indices is not None:
        return DTensor(op.indices, tile.dims_of(op.indices.type), torch.int64)
    return Unavailable(
        f"the indices of torch.{name} in device code need elements of at most 32 bits, "
        f"not {x.dtype}; sort a float32 or int32 copy"
    )


def lower_gather(ctx: NodeCtx, a: Any, dim: int, index: Any, **_: Any) -> DTensor:
    x, idx = _as_tile(ctx, a), _as_tile(ctx, index)
    if idx.rank != x.rank:
        raise exc.TorchOpError(
            f"torch.gather needs an index of the source's rank ({x.rank}), got {idx.rank}"
        )
    axis = dim % x.rank
    t = tile.tile_tensor(x.value.type.element_type, idx.dims)  # type: ignore[attr-defined]
    op = ctx.b.emit(tile.GatherOp(x.value, idx.value, axis, t))
    return DTensor(op.results[0], idx.dims, x.dtype)


def lower_cat(ctx: NodeCtx, tensors: Sequence[Any], dim: int = 0) -> DTensor:
    """`torch.cat` of 2, 4, 8... tiles of one shape along a static dim (what
    `torch.stack` decomposes to), built from pairwise joins."""
    parts = [ctx.b.cast(_as_tile(ctx, t), ctx.out_dtype) for t in tensors]
    first = parts[0]
    axis = dim % first.rank
    n = len(parts)
    if n & (n - 1) or any(p.dims != first.dims for p in parts):
        raise exc.TorchOpError(
            "torch.cat/stack in device code joins 2, 4, 8... tiles of the same shape; got "
            f"{n} tiles of shapes " + ", ".join(show_dims(p.dims) for p in parts)
        )
    if isinstance(first.dims[axis], Blk):
        raise exc.TorchOpError(
            f"torch.cat/stack in device code joins along a dim of static size, and dim "
            f"{dim} of {show_dims(first.dims)} is a tile or ':' dim (its block size is the "
            "config's or padded): join along a new dim (torch.stack) or a size-1 dim "
            "instead, or store the parts to their own slices of the output"
        )
    while len(parts) > 1:
        parts = [_cat2(ctx, a, b, axis) for a, b in zip(parts[::2], parts[1::2])]
    return parts[0]


def _cat2(ctx: NodeCtx, a: DTensor, b: DTensor, axis: int) -> DTensor:
    elt = a.value.type.element_type  # type: ignore[attr-defined]
    joined = (*a.dims, 2)
    j = ctx.b.emit(tile.JoinOp(a.value, b.value, tile.tile_tensor(elt, joined))).results[0]
    perm = [*range(axis), a.rank, *range(axis, a.rank)]  # the pair dim just before `axis`
    moved = tuple(joined[p] for p in perm)
    m = ctx.b.emit(tile.PermuteOp(j, perm, tile.tile_tensor(elt, moved))).results[0]
    dims = (*a.dims[:axis], 2 * a.dims[axis], *a.dims[axis + 1 :])  # type: ignore[operator]
    return ctx.b.reshape(DTensor(m, moved, a.dtype), dims)


def lower_remainder(ctx: NodeCtx, a: Any, b: Any) -> DTensor:
    """Python's `%`: the result takes the divisor's sign."""
    dtype = _compute_dtype(ctx.out_dtype)
    x, y = ctx.tensor(a, dtype), ctx.tensor(b, dtype)
    if dtype.is_floating_point:
        r = _fmod(ctx, x, y)
    else:
        r = ctx.emit(arith.RemSIOp(x.value, y.value), dtype)
    zero = ctx.tensor(0, dtype)
    if isinstance(b, int | float) and b > 0:  # the common case: only negative remainders move
        fix = _test(ctx, tile.Predicate.LT, r, zero)
    else:
        fix = _signs_differ(ctx, r, y)
    shifted = _op(ctx, arith.AddfOp if dtype.is_floating_point else arith.AddiOp, r, y)
    return ctx.b.cast(_where(ctx, fix, shifted, r), ctx.out_dtype)


def _op(ctx: NodeCtx, cls: type[Operation], *args: DTensor) -> DTensor:
    """`cls` over tiles of one dtype, its result of that dtype."""
    return ctx.emit(cls(*(v.value for v in args)), args[0].dtype)


def _test(ctx: NodeCtx, pred: tile.Predicate, u: DTensor, v: DTensor) -> SSAValue:
    """`u <pred> v` elementwise, a tile of i1."""
    return ctx.b.emit(tile.CmpOp(pred, u.value, v.value)).results[0]


def _where(ctx: NodeCtx, cond: SSAValue, then: DTensor, other: DTensor) -> DTensor:
    return ctx.emit(tile.WhereOp(cond, then.value, other.value), then.dtype)


def _signs_differ(ctx: NodeCtx, r: DTensor, y: DTensor) -> SSAValue:
    """`r != 0 and (r < 0) != (y < 0)`: where a remainder must move by one `y`."""
    zero = ctx.tensor(0, r.dtype)
    nonzero = _test(ctx, tile.Predicate.NE, r, zero)
    r_neg, y_neg = _test(ctx, tile.Predicate.LT, r, zero), _test(ctx, tile.Predicate.LT, y, zero)
    differ = ctx.b.emit(arith.XOrIOp(r_neg, y_neg)).results[0]
    return ctx.b.emit(arith.AndIOp(nonzero, differ)).results[0]


def _fmod(ctx: NodeCtx, x: DTensor, y: DTensor) -> DTensor:
    """C's fmod (the dividend's sign) to the bit, as torch computes it: `x - t * y` for
    t the quotient's integer part, in float64 with the product kept exact (Dekker), and
    `y` added back where a quotient rounded up to the next integer left `x - t * y`
    with the wrong sign. Exact for quotients below 2**52."""
    xw, yw = ctx.b.cast(x, torch.float64), ctx.b.cast(y, torch.float64)
    t = _op(ctx, mathd.TruncOp, _op(ctx, arith.DivfOp, xw, yw))
    product, error = _two_product(ctx, t, yw)
    r = _op(ctx, arith.SubfOp, _op(ctx, arith.SubfOp, xw, product), error)
    y_abs = _op(ctx, mathd.AbsFOp, yw)
    x_neg = _test(ctx, tile.Predicate.LT, xw, ctx.tensor(0.0, torch.float64))
    toward_x = _where(ctx, x_neg, _op(ctx, arith.NegfOp, y_abs), y_abs)
    r = _where(ctx, _signs_differ(ctx, r, xw), _op(ctx, arith.AddfOp, r, toward_x), r)
    return ctx.b.cast(r, x.dtype)


def _two_product(ctx: NodeCtx, a: DTensor, b: DTensor) -> tuple[DTensor, DTensor]:
    """`a * b` (float64) as a sum `p + e` with no rounding error (Dekker's product of
    Veltkamp halves); an FMA would do it in one step, but Triton's interpreter rounds
    its product."""

    def halves(v: DTensor) -> tuple[DTensor, DTensor]:
        c = _op(ctx, arith.MulfOp, ctx.tensor(2.0**27 + 1, v.dtype), v)
        hi = _op(ctx, arith.SubfOp, c, _op(ctx, arith.SubfOp, c, v))
        return hi, _op(ctx, arith.SubfOp, v, hi)

    p = _op(ctx, arith.MulfOp, a, b)
    (a_hi, a_lo), (b_hi, b_lo) = halves(a), halves(b)
    e = _op(ctx, arith.SubfOp, _op(ctx, arith.MulfOp, a_hi, b_hi), p)
    for u, v in ((a_hi, b_lo), (a_lo, b_hi), (a_lo, b_lo)):
        e = _op(ctx, arith.AddfOp, e, _op(ctx, arith.MulfOp, u, v))
    return p, e


def _float_floor_div(ctx: NodeCtx, a: Any, b: Any) -> DTensor:
    """Floor division of floats as torch rounds it: from the exact remainder, so that
    `1.0 // 0.1` is 9, not `floor(1.0 / 0.1)` = 10; a zero divisor gives `a / b`."""
    dtype = _compute_dtype(ctx.out_dtype)
    x, y = ctx.tensor(a, dtype), ctx.tensor(b, dtype)
    zero, one, half = (ctx.tensor(v, dtype) for v in (0.0, 1.0, 0.5))
    mod = _fmod(ctx, x, y)
    div = _op(ctx, arith.DivfOp, _op(ctx, arith.SubfOp, x, mod), y)
    div = _where(ctx, _signs_differ(ctx, mod, y), _op(ctx, arith.SubfOp, div, one), div)
    floor = _op(ctx, mathd.FloorOp, div)
    above_half = _test(ctx, tile.Predicate.GT, _op(ctx, arith.SubfOp, div, floor), half)
    floor = _where(ctx, above_half, _op(ctx, arith.AddfOp, floor, one), floor)
    quotient = _op(ctx, arith.DivfOp, x, y)
    signed_zero = _op(ctx, arith.MulfOp, quotient, zero)  # copysign(0, x / y)
    out = _where(ctx, _test(ctx, tile.Predicate.EQ, div, zero), signed_zero, floor)
    out = _where(ctx, _test(ctx, tile.Predicate.EQ, y, zero), quotient, out)
    return ctx.b.cast(out, ctx.out_dtype)


def lower_sign(ctx: NodeCtx, a: Any) -> DTensor:
    dtype = _compute_dtype(ctx.out_dtype)
    x = ctx.tensor(a, dtype)
    zero, one, minus = (ctx.tensor(v, dtype) for v in (0, 1, -1))
    pos = ctx.b.emit(tile.CmpOp(tile.Predicate.GT, x.value, zero.value)).results[0]
    neg = ctx.b.emit(tile.CmpOp(tile.Predicate.LT, x.value, zero.value)).results[0]
    inner = ctx.b.emit(tile.WhereOp(neg, minus.value, zero.value)).results[0]
    return ctx.b.cast(ctx.emit(tile.WhereOp(pos, one.value, inner), dtype), ctx.out_dtype)


def lower_round(ctx: NodeCtx, a: Any) -> DTensor:
    """Round half to even, as torch.round does: floor(x + 0.5), minus one on odd ties."""
    dtype = _compute_dtype(ctx.out_dtype)
    x = ctx.tensor(a, dtype)
    half, one, two = (ctx.tensor(v, dtype).value for v in (0.5, 1.0, 2.0))
    t = ctx.b.emit(arith.AddfOp(x.value, half)).results[0]
    f = ctx.b.emit(mathd.FloorOp(t)).results[0]
    tie = ctx.b.emit(tile.CmpOp(tile.Predicate.EQ, t, f)).results[0]
    halved = ctx.b.emit(mathd.FloorOp(ctx.b.emit(arith.DivfOp(f, two)).results[0])).results[0]
    even = ctx.b.emit(arith.MulfOp(halved, two)).results[0]
    odd = ctx.b.emit(tile.CmpOp(tile.Predicate.NE, f, even)).results[0]
    fix = ctx.b.emit(arith.AndIOp(tie, odd)).results[0]
    lower = ctx.b.emit(arith.SubfOp(f, one)).results[0]
    return ctx.b.cast(ctx.emit(tile.WhereOp(fix, lower, f), dtype), ctx.out_dtype)


def lower_isnan(ctx: NodeCtx, a: Any) -> DTensor:
    x = ctx.tensor(a, _compute_dtype(a.dtype if isinstance(a, DTensor) else torch.float32))
    return ctx.emit(tile.CmpOp(tile.Predicate.NE, x.value, x.value), torch.bool)


LOWERINGS: dict[Any, Callable[..., Any]] = {
    aten.add.Tensor: binary("add"),
    aten.add.Scalar: binary("add"),
    aten.sub.Tensor: binary("sub"),
    aten.sub.Scalar: binary("sub"),
    aten.rsub.Scalar: lambda ctx, a, b, alpha=1: binary("sub")(ctx, b, a, alpha),
    aten.mul.Tensor: binary("mul"),
    aten.mul.Scalar: binary("mul"),
    aten.div.Tensor: binary("div"),
    aten.div.Scalar: binary("div"),
    aten.maximum.default: binary("maximum"),
    aten.minimum.default: binary("minimum"),
    aten.bitwise_and.Tensor: binary("and"),
    aten.bitwise_or.Tensor: binary("or"),
    aten.bitwise_xor.Tensor: binary("xor"),
    aten.bitwise_and.Scalar: binary("and"),
    aten.__lshift__.Scalar: binary("shl"),
    aten.__lshift__.Tensor: binary("shl"),
    aten.__rshift__.Scalar: binary("shr"),
    aten.__rshift__.Tensor: binary("shr"),
    aten.bitwise_left_shift.Tensor: binary("shl"),
    aten.bitwise_right_shift.Tensor: binary("shr"),
    aten.bitwise_or.Scalar: binary("or"),
    aten.bitwise_xor.Scalar: binary("xor"),
    aten.logical_and.default: logical("and"),
    aten.logical_or.default: logical("or"),
    aten.logical_xor.default: logical("xor"),
    aten.logical_not.default: logical("not"),
    aten.bitwise_not.default: lambda ctx, a: (
        logical("not")(ctx, a) if ctx.out_dtype == torch.bool else binary("xor")(ctx, a, -1)
    ),
    aten.neg.default: lower_neg,
    aten.abs.default: lower_abs,
    aten.sigmoid.default: lower_sigmoid,
    aten.reciprocal.default: lower_reciprocal,
    aten.relu.default: lower_relu,
    aten.pow.Tensor_Scalar: lower_pow,
    aten.where.self: lower_where,
    aten.clamp.default: lower_clamp,
    aten.clamp_min.default: lambda ctx, a, low: lower_clamp(ctx, a, low, None),
    aten.clamp_max.default: lambda ctx, a, high: lower_clamp(ctx, a, None, high),
    aten.clamp_min.Tensor: binary("maximum"),
    aten.clamp_max.Tensor: binary("minimum"),
    aten.clamp.Tensor: lambda ctx, a, low=None, high=None: lower_clamp(ctx, a, low, high),
    prims.convert_element_type.default: lower_cast,
    aten._to_copy.default: lower_cast,
    aten.clone.default: lower_cast,
    aten.alias.default: lower_cast,
    aten.lift_fresh_copy.default: lower_cast,
    aten.full.default: lower_full,
    aten.empty.memory_format: lower_empty,
    aten.scalar_tensor.default: lower_scalar_tensor,
    aten.view.default: lower_view,
    aten.reshape.default: lower_view,
    aten._unsafe_view.default: lower_view,
    aten.unsqueeze.default: lower_view,
    aten.squeeze.dim: lower_view,
    aten.squeeze.dims: lower_view,
    aten.squeeze.default: lower_view,
    aten.expand.default: lower_expand,
    aten.sum.dim_IntList: reduction(tile.ReduceKind.SUM),
    aten.sum.default: reduction(tile.ReduceKind.SUM),
    aten.prod.dim_int: reduction(tile.ReduceKind.PROD),
    aten.amax.default: reduction(tile.ReduceKind.MAX),
    aten.amin.default: reduction(tile.ReduceKind.MIN),
    aten.mean.dim: lower_mean,
    aten.mean.default: lower_mean,
    aten.var.correction: lower_var,
    aten.var_mean.correction: lower_var_mean,
    operator.getitem: lambda ctx, seq, i: seq[i],
    aten.permute.default: lower_permute,
    aten.argmax.default: arg_reduction(tile.ReduceKind.MAX),
    aten.argmin.default: arg_reduction(tile.ReduceKind.MIN),
    aten.max.dim: value_and_index(tile.ReduceKind.MAX),
    aten.min.dim: value_and_index(tile.ReduceKind.MIN),
    aten.any.dim: truth_reduction(tile.ReduceKind.MAX),
    aten.any.dims: truth_reduction(tile.ReduceKind.MAX),
    aten.any.default: truth_reduction(tile.ReduceKind.MAX),
    aten.all.dim: truth_reduction(tile.ReduceKind.MIN),
    aten.all.dims: truth_reduction(tile.ReduceKind.MIN),
    aten.all.default: truth_reduction(tile.ReduceKind.MIN),
    aten.cumsum.default: scan(tile.ReduceKind.SUM),
    aten.cumprod.default: scan(tile.ReduceKind.PROD),
    prims.rev.default: lower_flip,
    aten.flip.default: lower_flip,
    aten.sort.default: lower_sort,
    aten.gather.default: lower_gather,
    aten.topk.default: lower_topk,
    aten.cat.default: lower_cat,
    aten.remainder.Scalar: lower_remainder,
    aten.remainder.Tensor: lower_remainder,
    aten.sign.default: lower_sign,
    aten.isnan.default: lower_isnan,
    aten.round.default: lower_round,
}
for _name in _UNARY_MATH:
    LOWERINGS[getattr(aten, _name).default] = unary_math(_name)


def lower_div_mode(ctx: NodeCtx, a: Any, b: Any, rounding_mode: str | None = None) -> DTensor:
    """`torch.div` with a rounding mode: "trunc" rounds toward zero, "floor" down."""
    if rounding_mode is None:
        return binary("div")(ctx, a, b)
    if not _compute_dtype(ctx.out_dtype).is_floating_point:
        return binary("truncdiv" if rounding_mode == "trunc" else "floordiv")(ctx, a, b)
    if rounding_mode == "trunc":
        return unary_math("trunc")(ctx, binary("div")(ctx, a, b))
    return _float_floor_div(ctx, a, b)


LOWERINGS[aten.div.Tensor_mode] = lower_div_mode
LOWERINGS[aten.div.Scalar_mode] = lower_div_mode
LOWERINGS[aten.floor_divide.default] = lambda ctx, a, b: lower_div_mode(ctx, a, b, "floor")
for _cmp in _PREDICATES:
    LOWERINGS[getattr(aten, _cmp).Tensor] = compare(_cmp)
    LOWERINGS[getattr(aten, _cmp).Scalar] = compare(_cmp)
