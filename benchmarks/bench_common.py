"""Shapes, config families and the timing method shared by `bind_emit.py` (helion_mlir)
and `helion_reference.py` (helion 1.5.1), so both compilers are timed the same way on
the same configs.

Imports neither compiler nor torch (helion_reference.py runs under another venv; torch
is passed in where tensors are made). Config families, per kernel:

* `partial`: `CONFIGS[name](n)`, partial dicts of the keys both compilers have
  (`block_sizes`, `reduction_loops`, `num_warps`); each compiler completes them with its
  own defaults.
* `random`: each compiler's own random config from its full search space, seeds 0..n-1
  (made by the caller: helion_mlir's `config_spec.random_config(seed)`, helion's
  `ConfigGeneration.random_config()` after `random.seed(seed)`).
* `extras`: `partial` with the other keys both compilers have drawn by `extra_keys`
  (pid_type flat / persistent_blocked / persistent_interleaved, num_sm_multiplier,
  l2_groupings, loop_orders, range_*, num_stages, indexing pointer / block_ptr,
  load_eviction_policies): the same values for both, in each one's list lengths.
  Only values helion 1.5.1 accepts on the CPU (TRITON_INTERPRET=1) are drawn: it has no
  `tensor_descriptor` there, and `xyz` is only valid for some grids.

Every entry of a family is distinct; the first of each is the warm-up call and is not
counted.
"""

from __future__ import annotations

import gc
import itertools
import os
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

KERNELS = ("softmax", "matmul", "attention", "layer_norm")
FAMILIES = ("partial", "random", "extras")

# tensor argument shapes (fp32, made by torch.randn after torch.manual_seed(0)), then
# the non-tensor arguments
SHAPES: dict[str, tuple[tuple[int, ...], ...]] = {
    "softmax": ((1024, 512),),
    "matmul": ((512, 256), (256, 384)),
    "attention": ((2, 4, 256, 64),) * 3,  # q, k, v: [B, H, S, D]
    "layer_norm": ((1024, 512), (512,), (512,)),  # x, weight, bias
}
SCALARS: dict[str, tuple[Any, ...]] = {"layer_norm": (1e-5,)}  # eps


def make_args(name: str, torch: Any) -> tuple[Any, ...]:
    torch.manual_seed(0)
    return tuple(torch.randn(*s) for s in SHAPES[name]) + SCALARS.get(name, ())


def shape_label(name: str) -> str:
    shapes = ", ".join("x".join(map(str, s)) for s in SHAPES[name])
    scalars = "".join(f", {s!r}" for s in SCALARS.get(name, ()))
    return f"({shapes}{scalars})"


# -- family `partial` ---------------------------------------------------------------------


def row_reduction_configs(n: int) -> list[dict[str, Any]]:
    """For one tiled row dimension and one reduction (softmax, layer_norm): row block
    sizes x (persistent, rolled by 64, rolled by 128) x num_warps, interleaved so any
    prefix mixes persistent and rolled reductions."""
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
    return _take(_spread(out, 7), n)


def attention_configs(n: int) -> list[dict[str, Any]]:
    """(block_batch, block_m, block_n) x num_warps; the head dim is never tiled."""
    out = []
    for w in (4, 8):
        for bb, bm, bn in itertools.product((1, 2, 4), (16, 32, 64, 128), (16, 32, 64)):
            out.append({"block_sizes": [bb, bm, bn], "num_warps": w})
    return _take(_spread(out, 5), n)


def _spread(configs: list[dict[str, Any]], step: int) -> list[dict[str, Any]]:
    """Picks spread over the whole product rather than its first corner (`step` must be
    prime to the length)."""
    return [configs[(i * step) % len(configs)] for i in range(len(configs))]


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


CONFIGS: dict[str, Callable[[int], list[dict[str, Any]]]] = {
    "softmax": row_reduction_configs,
    "matmul": matmul_configs,
    "attention": attention_configs,
    "layer_norm": row_reduction_configs,
}


# -- family `extras` ----------------------------------------------------------------------

PID_TYPES = ("flat", "persistent_blocked", "persistent_interleaved")
# per list element; a key is drawn only where the compiler's default config has it
_ELEMENT_CHOICES: dict[str, tuple[Any, ...]] = {
    "l2_groupings": (1, 2, 4, 8, 16, 32, 64),
    "range_unroll_factors": (0, 1, 2, 3, 4),
    "range_num_stages": (0, 1, 2, 3, 4),
    "range_multi_buffers": (None, False, True),
    "range_flattens": (None, False, True),
    "indexing": ("pointer", "block_ptr"),
    "load_eviction_policies": ("", "first", "last"),
}


def extra_keys(default: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """Values for the keys of `default` (a compiler's default config) other than
    block_sizes / reduction_loops / num_warps. Each key has its own generator seeded by
    (seed, key), so two compilers whose lists differ in length still share the draws of
    every other key and the common prefix of that one."""

    def rng(key: str) -> random.Random:
        return random.Random(f"{seed}:{key}")

    out: dict[str, Any] = {}
    for key, choices in _ELEMENT_CHOICES.items():
        if key in default and default[key]:
            r = rng(key)
            out[key] = [r.choice(choices) for _ in default[key]]
    if default.get("loop_orders"):
        r = rng("loop_orders")
        out["loop_orders"] = [r.sample(range(len(o)), len(o)) for o in default["loop_orders"]]
    if "num_stages" in default:
        out["num_stages"] = rng("num_stages").randint(1, 8)
    if "pid_type" in default:
        out["pid_type"] = rng("pid_type").choice(PID_TYPES)
        if out["pid_type"] != "flat":
            out["num_sm_multiplier"] = rng("num_sm_multiplier").choice((1, 2, 4, 8))
    return out


def extras_configs(name: str, default: Mapping[str, Any], n: int) -> list[dict[str, Any]]:
    """Family `extras`: partial config i with `extra_keys(default, i)` on top."""
    return [{**extra_keys(default, i), **p} for i, p in enumerate(CONFIGS[name](n))]


# -- timing -------------------------------------------------------------------------------


GC_FREEZE = os.environ.get("BENCH_GC_FREEZE", "1") != "0"


def _timed(fn: Callable[[], Any]) -> float:
    """Milliseconds for one call of `fn`, after a full collection so that no garbage
    left by an earlier call is collected inside this one. What survives the collection
    is then frozen (`gc.freeze`): later full collections, here or inside `fn`, skip it,
    so each costs milliseconds rather than the ~0.2 s a heap with torch, sympy and a
    compiler's state takes to scan, and the timed call does not start on caches that
    such a scan has just flushed. BENCH_GC_FREEZE=0 in the environment turns freezing
    off (the method of earlier runs): then both compilers' per-config medians read 1-2 ms
    higher and a full bind_emit.py run takes ~3 min instead of ~25 s."""
    gc.collect()
    if GC_FREEZE:
        gc.freeze()
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def time_per_config(to_code: Callable[[Any], str], configs: Sequence[Any]) -> dict[str, Any]:
    """`to_code(config)` once per config, each config new to the bound kernel. The first
    call (warm-up: lazy imports, first-use caches) is reported apart, not in the stats.
    A config the compiler rejects (raises) is left out of the stats and listed under
    `rejected` with its error; `all_ms` has None for it."""
    times: list[float | None] = []
    rejected: list[dict[str, Any]] = []
    for i, c in enumerate(configs):
        try:
            times.append(_timed(lambda c=c: to_code(c)))
        except Exception as e:  # noqa: BLE001 - reported, not fatal
            times.append(None)
            rejected.append({"index": i, "error": f"{type(e).__name__}: {str(e)[:300]}"})
    counted = [t for t in times[1:] if t is not None]
    return summarize(counted) | {"first_ms": times[0], "all_ms": times, "rejected": rejected}


def time_binds(bind_fresh: Callable[[], Any], repeats: int) -> dict[str, Any]:
    """`bind_fresh()` (reset + bind) `repeats` + 1 times; the first is dropped."""
    times = [_timed(bind_fresh) for _ in range(repeats + 1)]
    return summarize(times[1:]) | {"all_ms": times}


def summarize(times: Sequence[float]) -> dict[str, Any]:
    if not times:
        return {"n": 0, "median_ms": None, "min_ms": None, "max_ms": None}
    return {
        "n": len(times),
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
    }


def group_label(name: str, family: str, config: Mapping[str, Any]) -> str | None:
    """The sub-group a (full) config is reported in: for `partial` on a row reduction,
    persistent vs rolled reduction; for the other families, flat vs persistent pid."""
    if family == "partial":
        if name in ("softmax", "layer_norm"):
            return "persistent red." if config["reduction_loops"][0] is None else "rolled red."
        return None
    pid = config.get("pid_type", "flat")
    return "flat/xyz pid" if pid in ("flat", "xyz") else "persistent pid"


def group_stats(name: str, family: str, fam: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per-group stats of a family's counted calls (not the warm-up, not rejected)."""
    split: dict[str, list[float]] = {}
    for c, t in zip(fam["configs"][1:], fam["per_config"]["all_ms"][1:], strict=True):
        label = group_label(name, family, c)
        if label is not None and t is not None:
            split.setdefault(label, []).append(t)
    return {k: summarize(v) for k, v in sorted(split.items())}
