"""Shapes, config lists and the timing method shared by `bind_emit.py` (helion_mlir)
and `helion_reference.py` (helion 1.5.1), so both compilers are timed the same way on
the same configs.

Imports neither compiler nor torch (helion_reference.py runs under another venv).
Each config is a partial dict of the keys both compilers have (`block_sizes`,
`reduction_loops`, `num_warps`); the rest is left at each compiler's default. Every
entry is distinct; the first of each list is the warm-up call and is not counted.
"""

from __future__ import annotations

import gc
import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

SOFTMAX_SHAPE = (1024, 512)
MATMUL_SHAPES = ((512, 256), (256, 384))


def softmax_configs(n: int) -> list[dict[str, Any]]:
    """Row block sizes x (persistent, rolled by 64, rolled by 128) x num_warps,
    interleaved so any prefix mixes persistent and rolled reductions."""
    blocks = (1, 2, 4, 8, 16, 32, 64)
    rloops = (None, 64, 128)
    warps = (4, 8)
    out = []
    for w, b in itertools.product(warps, blocks):
        for r in rloops:
            out.append({"block_sizes": [b], "reduction_loops": [r], "num_warps": w})
    return _take(out, n)


def matmul_configs(n: int) -> list[dict[str, Any]]:
    """(block_m, block_n, block_k) in powers of two >= 16 x num_warps."""
    sizes = (16, 32, 64, 128)
    out = []
    for w in (4, 8, 2):
        for bm, bn, bk in itertools.product(sizes, sizes, (16, 32, 64)):
            out.append({"block_sizes": [bm, bn, bk], "num_warps": w})
    # spread the picks over the whole product rather than its first corner
    step = 7
    spread = [out[(i * step) % len(out)] for i in range(len(out))]
    return _take(spread, n)


def _take(configs: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for c in configs:
        if c not in seen:
            seen.append(c)
        if len(seen) == n:
            break
    if len(seen) < n:
        raise ValueError(f"only {len(seen)} distinct configs available, asked for {n}")
    return seen


CONFIGS = {"softmax": softmax_configs, "matmul": matmul_configs}


def _timed(fn: Callable[[], Any]) -> float:
    """Milliseconds for one call of `fn`, after a full collection so that no garbage
    left by an earlier call is collected inside this one."""
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def time_per_config(to_code: Callable[[Any], str], configs: Sequence[Any]) -> dict[str, Any]:
    """`to_code(config)` once per config, each config new to the bound kernel. The first
    call (warm-up: lazy imports, first-use caches) is reported apart, not in the stats."""
    times = [_timed(lambda c=c: to_code(c)) for c in configs]
    return summarize(times[1:]) | {"first_ms": times[0], "all_ms": times}


def time_binds(bind_fresh: Callable[[], Any], repeats: int) -> dict[str, Any]:
    """`bind_fresh()` (reset + bind) `repeats` + 1 times; the first is dropped."""
    times = [_timed(bind_fresh) for _ in range(repeats + 1)]
    return summarize(times[1:]) | {"all_ms": times}


def summarize(times: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(times),
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
    }
