"""Torch calls in device code: traced through PyTorch's decompositions, replayed as IR.

A call such as `torch.softmax(x, dim=1)` on tiles is run once with meta tensors under
`make_fx` and Inductor's decomposition table, which reduces it to core ATen ops with
PyTorch's own type promotion and broadcasting. Each symbolic block dim is given a
distinct placeholder size, so the traced shapes map back to block dims. The graph is
cached per call signature (function, dtypes, dim pattern, constant arguments) and then
replayed through `aten.LOWERINGS` into `tile` IR.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any

import torch
from torch.fx.experimental.proxy_tensor import make_fx
from torch.utils._pytree import tree_flatten, tree_map, tree_unflatten

from helion_mlir import exc
from helion_mlir.dialects.tile import Blk, Dim
from helion_mlir.frontend.aten import LOWERINGS, NodeCtx
from helion_mlir.frontend.builder import Builder
from helion_mlir.frontend.values import DScalar, DTensor, TileValue

# Distinct primes no real static dim is likely to equal: placeholder sizes of block dims.
_PLACEHOLDERS = (1009, 1013, 1019, 1021, 1031, 1033, 1039, 1049, 1051, 1061, 1063, 1069)

_CACHE: dict[Hashable, tuple[torch.fx.GraphModule, type]] = {}
_TABLE: dict[Any, Any] | None = None


def _decompositions() -> dict[Any, Any]:
    global _TABLE
    if _TABLE is None:
        from torch._inductor.decomposition import select_decomp_table

        _TABLE = select_decomp_table()
    return _TABLE


def _hashable(v: Any) -> Hashable:
    try:
        hash(v)
        return v
    except TypeError:
        return repr(v)


def call_torch(
    b: Builder,
    key: Hashable,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    extent: Callable[[int], int | None],
    dim_name: Callable[[Blk], str] = repr,
) -> Any:
    """The value of `fn(*args, **kwargs)` on device values, as `tile` IR.

    `extent` gives the element count of a `:` block; `dim_name` names a block dim in
    error messages.
    """
    flat, spec = tree_flatten((args, kwargs))
    sizes: dict[Blk, int] = {}
    metas: list[torch.Tensor] = []
    positions: list[int] = []
    signature: list[Hashable] = []
    for i, v in enumerate(flat):
        if isinstance(v, DTensor):
            shape = [_placeholder(sizes, d) if isinstance(d, Blk) else d for d in v.dims]
            meta = torch.empty(shape, dtype=v.dtype, device="meta")
            signature.append(("tensor", v.dtype, tuple(shape)))
        elif isinstance(v, DScalar):
            meta = torch.empty((), dtype=v.dtype, device="meta")
            signature.append(("scalar", v.dtype))
        elif isinstance(v, TileValue):
            raise exc.TorchOpError(
                "a tile cannot be passed to a torch function; index a tensor with it"
            )
        else:
            signature.append(("const", type(v).__name__, _hashable(v)))
            continue
        metas.append(meta)
        positions.append(i)
    cache_key = (key, tuple(signature), spec)
    cached = _CACHE.get(cache_key)
    if cached is None:
        result_types: list[type] = []

        def run(*tensors: torch.Tensor) -> Any:
            filled = list(flat)
            for i, t in zip(positions, tensors):
                filled[i] = t
            call_args, call_kwargs = tree_unflatten(filled, spec)
            out = fn(*call_args, **call_kwargs)
            result_types.append(type(out))
            return out

        try:
            graph = make_fx(run, decomposition_table=_decompositions())(*metas)
        except exc.HelionError:
            raise
        except Exception as e:  # torch's own message says what is wrong with the call
            message = _with_dim_names(str(e), sizes, dim_name)
            raise exc.TorchOpError(f"{_describe(key)} failed on tiles: {message}") from None
        cached = _CACHE[cache_key] = (graph, result_types[0])
    graph, result_type = cached
    inverse = {size: blk for blk, size in sizes.items()}
    out = _replay(b, graph, [flat[i] for i in positions], inverse, extent)
    if result_type.__module__ == "torch.return_types":  # e.g. (values, indices) of max
        return result_type(out)
    return out


def _with_dim_names(message: str, sizes: dict[Blk, int], dim_name: Callable[[Blk], str]) -> str:
    """Torch's message about the traced call, its stand-in sizes named as dims; a
    number they only divide (an element count) gets the stand-ins explained."""
    for blk, size in sizes.items():
        message = re.sub(rf"\b{size}\b", dim_name(blk), message)
    counts = [int(n) for n in re.findall(r"\d{4,}", message)]
    if any(n % size == 0 for n in counts for size in sizes.values()):
        stand_ins = ", ".join(f"{dim_name(b)} as {s}" for b, s in sizes.items())
        message += (
            f" (the call was traced with stand-in sizes for the block dims, {stand_ins}, "
            "so this count is theirs: a reshape or view cannot split or merge a block dim)"
        )
    return message


def _placeholder(sizes: dict[Blk, int], d: Blk) -> int:
    if d not in sizes:
        if len(sizes) == len(_PLACEHOLDERS):
            raise exc.TorchOpError("too many distinct tile dims in one torch call")
        sizes[d] = _PLACEHOLDERS[len(sizes)]
    return sizes[d]


def _describe(key: Hashable) -> str:
    return f"torch call {key[-1] if isinstance(key, tuple) else key}"


def _replay(
    b: Builder,
    graph: torch.fx.GraphModule,
    inputs: list[Any],
    inverse: dict[int, Blk],
    extent: Callable[[int], int | None],
) -> Any:
    env: dict[torch.fx.Node, Any] = {}
    placeholders = iter(inputs)
    for node in graph.graph.nodes:
        if node.op == "placeholder":
            env[node] = next(placeholders)
        elif node.op == "call_function":
            args, kwargs = tree_map(
                lambda a: env[a] if isinstance(a, torch.fx.Node) else a, (node.args, node.kwargs)
            )
            lowering = LOWERINGS.get(node.target)
            if lowering is None:
                raise exc.TorchOpError(f"{node.target} is not supported in device code yet")
            val = node.meta.get("val")
            dims, dtype = _result_type(val, inverse)
            env[node] = lowering(NodeCtx(b, dims, dtype, extent), *args, **kwargs)
        elif node.op == "output":
            return tree_map(lambda a: env[a] if isinstance(a, torch.fx.Node) else a, node.args[0])
        elif node.op == "get_attr":  # a constant tensor the call made, as torch.tensor does
            raise exc.TorchOpError(
                "this call makes a tensor from values (torch.tensor and the like), which "
                "device code cannot hold; use a Python number, or hl.full for a tile"
            )
        else:
            raise exc.InternalError(f"unexpected {node.op} node in a traced torch call")
    raise exc.InternalError("traced graph has no output")


def _result_type(val: Any, inverse: dict[int, Blk]) -> tuple[tuple[Dim, ...], torch.dtype]:
    if isinstance(val, torch.Tensor):
        return tuple(inverse.get(int(s), int(s)) for s in val.shape), val.dtype
    return (), torch.float32
