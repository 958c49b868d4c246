"""`helion_mlir.language` (`hl`): the kernel language, as in Helion.

These functions only have meaning inside a `@helion_mlir.kernel` function, where the
compiler reads them from the source; called anywhere else they raise `NotInsideKernel`.
"""

from __future__ import annotations

from typing import Any

from helion_mlir.exc import NotInsideKernel


def _outside(name: str) -> NotInsideKernel:
    return NotInsideKernel(
        f"hl.{name}() only works inside a @helion_mlir.kernel function; "
        "call the kernel instead of running its body directly"
    )


class Tile:
    """The loop variable of `hl.tile`: one tile of an iteration space (for annotations)."""


def tile(begin_or_end: Any, end_or_none: Any = None, /, block_size: Any = None) -> Any:
    """Iterate over tiles covering `[begin, end)` (or `[0, end)`); a list gives N-D tiles.

    The outermost `hl.tile` loops of a kernel become its launch grid, nested ones
    sequential device loops. Block sizes come from the config unless `block_size` fixes them.
    """
    raise _outside("tile")


def grid(begin_or_end: Any, end_or_none: Any = None, /) -> Any:
    """Iterate over each index of `[begin, end)` (or `[0, end)`; lists give N-D indices):
    like `hl.tile` with blocks of one, the loop variables being the indices themselves."""
    raise _outside("grid")


def zeros(shape: Any, dtype: Any = None) -> Any:
    """A device tensor of zeros; `shape` lists tiles and ints."""
    raise _outside("zeros")


def full(shape: Any, value: Any, dtype: Any = None) -> Any:
    """A device tensor filled with `value`; `shape` lists tiles and ints."""
    raise _outside("full")


def dot(a: Any, b: Any, acc: Any = None, out_dtype: Any = None) -> Any:
    """`a @ b`, added to `acc` when given, accumulated in `acc`'s dtype (or `out_dtype`)."""
    raise _outside("dot")


def load(tensor: Any, index: Any, extra_mask: Any = None, eviction_policy: Any = None) -> Any:
    """`tensor[index]`, reading zero where `extra_mask` is false; `eviction_policy`
    ('evict_first', 'evict_last', 'evict_normal') fixes the cache hint, else the
    config's `load_eviction_policies` picks it."""
    raise _outside("load")


def store(tensor: Any, index: Any, value: Any, extra_mask: Any = None) -> None:
    """`tensor[index] = value`, writing only where `extra_mask` holds."""
    raise _outside("store")


def _atomic(kind: str, doc: str) -> Any:
    def atomic(target: Any, index: Any, value: Any, sem: str = "relaxed") -> Any:
        raise _outside(f"atomic_{kind}")

    atomic.__name__ = atomic.__qualname__ = f"atomic_{kind}"
    atomic.__doc__ = (
        f"Atomically {doc} `target[index]` (a host tensor), lane by lane; gives the "
        "values that were there before. `sem`: 'relaxed', 'acquire', 'release' or "
        "'acq_rel'."
    )
    return atomic


atomic_add = _atomic("add", "adds `value` to")
atomic_and = _atomic("and", "ANDs `value` into")
atomic_or = _atomic("or", "ORs `value` into")
atomic_xor = _atomic("xor", "XORs `value` into")
atomic_xchg = _atomic("xchg", "stores `value` into")
atomic_max = _atomic("max", "takes the max of `value` and")
atomic_min = _atomic("min", "takes the min of `value` and")


def specialize(value: Any) -> Any:
    """Make a size (or a sequence of sizes) a compile-time constant of the kernel.

    Sizes are specialized already (the kernel compiles per shape), so this returns its
    argument; it exists so that Helion kernels run unchanged.
    """
    return value


class constexpr:  # noqa: N801 - Helion's spelling
    """Marks a kernel argument (annotation) or a value (wrapper) as compile-time constant."""

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return f"hl.constexpr({self.value!r})"


__all__ = [
    "Tile",
    "atomic_add",
    "atomic_and",
    "atomic_max",
    "atomic_min",
    "atomic_or",
    "atomic_xchg",
    "atomic_xor",
    "constexpr",
    "dot",
    "full",
    "grid",
    "load",
    "specialize",
    "store",
    "tile",
    "zeros",
]
