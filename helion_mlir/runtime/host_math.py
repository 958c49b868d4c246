"""Integer helpers for host code, as `helion.cdiv` and `helion.next_power_of_2`."""

from __future__ import annotations

from helion_mlir.language import RegisteredBlockSize


def _value(n: int | RegisteredBlockSize) -> int:
    # While the kernel compiles, a registered block size counts as its smallest value:
    # what it sizes (a count of blocks) is then an upper bound; each run of the kernel
    # sees the config's value instead (see `hl.register_block_size`).
    return n.low if isinstance(n, RegisteredBlockSize) else n


def cdiv(a: int | RegisteredBlockSize, b: int | RegisteredBlockSize) -> int:
    """`a / b` rounded up, for positive ints."""
    return -(-_value(a) // _value(b))


def next_power_of_2(n: int) -> int:
    """The smallest power of two at least `n` (1 for n <= 1)."""
    return 1 << max(0, int(n) - 1).bit_length()
