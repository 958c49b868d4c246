"""`helion_mlir.language` (`hl`): the kernel language, as in Helion.

These functions only have meaning inside a `@helion_mlir.kernel` function, where the
compiler reads them from the source; called anywhere else they raise `NotInsideKernel`.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from helion_mlir.exc import InvalidArgument, NotInsideKernel


def _outside(
    name: str, belongs: str = "in device code: inside an hl.tile or hl.grid loop"
) -> NotInsideKernel:
    # reached only when Python itself runs the call: in host code (the statements of a
    # kernel around its device loops), or outside any kernel
    return NotInsideKernel(
        f"hl.{name}() ran as plain Python; it belongs {belongs} of a @helion_mlir.kernel "
        "function (host code around the loops and code outside kernels run as Python)"
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


def jagged_tile(lengths: Any) -> Any:
    """Iterate over tiles of `[0, lengths.amax())` inside a tile whose lanes each have
    their own length (`lengths`, a tensor over the enclosing tile): accesses along this
    tile only touch each lane's first `lengths[lane]` elements."""
    raise _outside("jagged_tile")


def static_range(begin_or_end: int, end_or_none: int | None = None, step: int = 1, /) -> range:
    """Like `range`, unrolled when compiling: the body is repeated once per index."""
    if end_or_none is None:
        return range(begin_or_end)
    return range(begin_or_end, end_or_none, step)


def arange(begin_or_end: Any, end_or_none: Any = None, step: int = 1, /) -> Any:
    """A 1-D int32 device tensor `[begin, begin + step, ...)` below `end` (or from 0);
    its length must be a power of two known when compiling."""
    raise _outside("arange")


def reduce(
    combine_fn: Any, input_tensor: Any, dim: Any = None, other: Any = 0, keep_dims: bool = False
) -> Any:
    """Reduce `input_tensor` (or a tuple of tensors of one shape) along `dim` with
    `combine_fn(left..., right...) -> combined...`, which must be associative; padded
    lanes hold `other`."""
    raise _outside("reduce")


def associative_scan(combine_fn: Any, input_tensor: Any, dim: int, reverse: bool = False) -> Any:
    """Inclusive prefix scan of `input_tensor` (or a tuple) along `dim` with the
    associative `combine_fn(left..., right...)`; from the end when `reverse`."""
    raise _outside("associative_scan")


def cumsum(input_tensor: Any, dim: int, reverse: bool = False) -> Any:
    """Inclusive prefix sum along `dim` (from the end when `reverse`)."""
    raise _outside("cumsum")


def cumprod(input_tensor: Any, dim: int, reverse: bool = False) -> Any:
    """Inclusive prefix product along `dim` (from the end when `reverse`)."""
    raise _outside("cumprod")


def split(x: Any) -> Any:
    """The two halves of `x` along its last dim, which has size 2."""
    raise _outside("split")


def join(a: Any, b: Any) -> Any:
    """`a` and `b` (same shape) stacked along a new last dim of size 2."""
    raise _outside("join")


def barrier() -> None:
    """Between two top-level device loops: everything the first writes is visible to the
    second (each top-level loop is its own launch, run in order, so this always holds)."""
    raise _outside("barrier", "between two top-level device loops")


def rand(shape: Any, seed: Any, offsets: Any = None) -> Any:
    """Uniform random float32 numbers in [0, 1) of `shape` (tiles and ints) from a
    counter-based generator keyed by the int `seed`: each element's number depends on
    its position in the whole iteration space (row-major over the loops' full extents),
    so every config gives the same numbers; `offsets`, an integer device tensor of that
    shape, gives the positions instead."""
    raise _outside("rand")


def randint(shape: Any, low: int, high: int, seed: Any, offsets: Any = None) -> Any:
    """Random int32 numbers in [low, high) of `shape`, from `hl.rand`'s stream."""
    raise _outside("randint")


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


def atomic_cas(target: Any, index: Any, expected: Any, value: Any, sem: str = "relaxed") -> Any:
    """Atomically stores `value` into `target[index]` (a host tensor) wherever that holds
    `expected` (compared bit for bit), lane by lane; gives the values that were there
    before. `sem`: 'relaxed', 'acquire', 'release' or 'acq_rel'."""
    raise _outside("atomic_cas")


_registrations = itertools.count()


@dataclass(frozen=True)
class RegisteredBlockSize:
    """A block size the config picks in `[low, high]`, shared by every `hl.tile` that
    passes it as `block_size=` (what `hl.register_block_size` returns)."""

    low: int
    high: int
    order: int = field(default_factory=lambda: next(_registrations), compare=False)


# While a kernel's host code runs for a call, the config's value of each registered block
# size, in the order the host code registers them (set by runtime/kernel.py); unset
# while the kernel compiles, when `register_block_size` gives the placeholder.
RUNTIME_BLOCK_SIZES: ContextVar[Iterator[int] | None] = ContextVar(
    "helion_mlir_runtime_block_sizes", default=None
)


def register_block_size(
    min_or_max: int, max_or_none: int | None = None
) -> RegisteredBlockSize | int:
    """A tunable block size in `[1, max]` (one argument) or `[min, max]`, to pass as
    `block_size=` to one or more `hl.tile` loops; call it in host code. Host arithmetic
    on it (`helion.cdiv(m, block)`) sees the config's value when the kernel runs."""
    low, high = (1, min_or_max) if max_or_none is None else (min_or_max, max_or_none)
    for v in (low, high):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise InvalidArgument(f"hl.register_block_size bounds must be positive ints, got {v!r}")
    if low > high:
        raise InvalidArgument(f"hl.register_block_size: min {low} is above max {high}")
    values = RUNTIME_BLOCK_SIZES.get()
    if values is not None:
        return next(values)
    return RegisteredBlockSize(low, high)


def _check_range(kind: str, low: Any, high: Any, default: Any, pow2: bool) -> None:
    values = [low, high] + ([default] if default is not None else [])
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise InvalidArgument(f"{kind} bounds and default must be ints, got {values}")
    if pow2 and not all(v > 0 and v & (v - 1) == 0 for v in values):
        raise InvalidArgument(f"{kind} bounds and default must be powers of two, got {values}")
    if not low <= high or (default is not None and not low <= default <= high):
        raise InvalidArgument(f"{kind} needs low <= default <= high, got {values}")


@dataclass(frozen=True)
class PowerOfTwoFragment:
    """A tunable power of two in `[low, high]`."""

    low: int
    high: int
    default: int | None = None

    def __post_init__(self) -> None:
        _check_range("PowerOfTwoFragment", self.low, self.high, self.default, pow2=True)


@dataclass(frozen=True)
class IntegerFragment:
    """A tunable integer in `[low, high]`."""

    low: int
    high: int
    default: int | None = None

    def __post_init__(self) -> None:
        _check_range("IntegerFragment", self.low, self.high, self.default, pow2=False)


@dataclass(frozen=True)
class EnumFragment:
    """A tunable choice among `choices` (ints or bools, to be used in device code)."""

    choices: tuple[Any, ...]
    default: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))
        if not self.choices or (self.default is not None and self.default not in self.choices):
            raise InvalidArgument(
                f"EnumFragment needs choices and a default among them, got {self.choices}, "
                f"default {self.default!r}"
            )


@dataclass(frozen=True)
class BooleanFragment:
    """A tunable on/off switch."""

    default: bool = False


Fragment = PowerOfTwoFragment | IntegerFragment | EnumFragment | BooleanFragment


@dataclass
class HostTunables:
    """The values host arithmetic reads for tunables (the config's, or the defaults),
    and the tunables it read."""

    values: dict[str, Any]
    read: dict[str, Tunable] = field(default_factory=dict)


# While a kernel compiles or its host code runs for a call, what `Tunable` arithmetic in
# host code reads (set by the frontend and runtime/kernel.py): a kernel whose host code
# computes with a tunable compiles once per value of it.
HOST_TUNABLES: ContextVar[HostTunables | None] = ContextVar(
    "helion_mlir_host_tunables", default=None
)


def _fragment_default(f: Fragment) -> Any:
    if isinstance(f, PowerOfTwoFragment):
        return f.default or f.low
    if isinstance(f, IntegerFragment):
        return f.low if f.default is None else f.default
    if isinstance(f, EnumFragment):
        return f.choices[0] if f.default is None else f.default
    return f.default


def _arith(op: Any, swap: bool = False) -> Any:
    def method(self: Tunable, other: Any) -> Any:
        value = self.host_value()
        return op(other, value) if swap else op(value, other)

    return method


@dataclass(frozen=True)
class Tunable:
    """A user config key (what `hl.register_tunable` returns): its value comes from the
    config, under `name`. Device code reads it as a config slot; host code may compute
    with it like an int (`(k + split_k - 1) // split_k`), reading the config's value."""

    name: str
    fragment: Fragment

    def host_value(self) -> Any:
        state = HOST_TUNABLES.get()
        if state is None:
            raise InvalidArgument(
                f"tunable {self.name!r} has a value only inside a kernel's host code"
            )
        state.read[self.name] = self
        return state.values.setdefault(self.name, _fragment_default(self.fragment))

    def __index__(self) -> int:
        return operator.index(self.host_value())

    def __int__(self) -> int:
        return int(self.host_value())

    def __bool__(self) -> bool:
        return bool(self.host_value())

    def __neg__(self) -> Any:
        return -self.host_value()

    __add__, __radd__ = _arith(operator.add), _arith(operator.add, True)
    __sub__, __rsub__ = _arith(operator.sub), _arith(operator.sub, True)
    __mul__, __rmul__ = _arith(operator.mul), _arith(operator.mul, True)
    __floordiv__, __rfloordiv__ = _arith(operator.floordiv), _arith(operator.floordiv, True)
    __truediv__, __rtruediv__ = _arith(operator.truediv), _arith(operator.truediv, True)
    __mod__, __rmod__ = _arith(operator.mod), _arith(operator.mod, True)
    __pow__, __rpow__ = _arith(operator.pow), _arith(operator.pow, True)
    __lshift__, __rlshift__ = _arith(operator.lshift), _arith(operator.lshift, True)
    __rshift__, __rrshift__ = _arith(operator.rshift), _arith(operator.rshift, True)
    __lt__, __le__ = _arith(operator.lt), _arith(operator.le)
    __gt__, __ge__ = _arith(operator.gt), _arith(operator.ge)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Tunable):
            return (self.name, self.fragment) == (other.name, other.fragment)
        if isinstance(other, int | float):  # host code testing the value: `split_k == 1`
            return self.host_value() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.name, self.fragment))


def register_tunable(name: str, fragment: Fragment) -> Tunable:
    """Add config key `name` with the domain `fragment`; the value reads as an int in
    device code. Call it in host code."""
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidArgument(f"hl.register_tunable needs an identifier as name, got {name!r}")
    if not isinstance(fragment, Fragment):
        raise InvalidArgument(
            "hl.register_tunable needs a PowerOfTwoFragment, IntegerFragment, EnumFragment "
            f"or BooleanFragment, got {fragment!r}"
        )
    return Tunable(name, fragment)


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
    "BooleanFragment",
    "EnumFragment",
    "IntegerFragment",
    "PowerOfTwoFragment",
    "RegisteredBlockSize",
    "Tile",
    "Tunable",
    "arange",
    "associative_scan",
    "barrier",
    "atomic_add",
    "atomic_and",
    "atomic_cas",
    "atomic_max",
    "atomic_min",
    "atomic_or",
    "atomic_xchg",
    "atomic_xor",
    "constexpr",
    "cumprod",
    "cumsum",
    "dot",
    "full",
    "grid",
    "jagged_tile",
    "join",
    "load",
    "rand",
    "randint",
    "reduce",
    "register_block_size",
    "register_tunable",
    "specialize",
    "split",
    "static_range",
    "store",
    "tile",
    "zeros",
]
