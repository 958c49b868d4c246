"""Tuning a bound kernel: look in the disk cache, else search the space its IR defines
(with the strategy and effort the settings ask for), print the result the way Helion
does, and remember it."""

from __future__ import annotations

import ast
import hashlib
import math
import random
import sys
import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from helion_mlir import exc
from helion_mlir.runtime.config import Config
from helion_mlir.tuner import cache
from helion_mlir.tuner.runner import Runner

if TYPE_CHECKING:
    from helion_mlir.runtime.kernel import BoundKernel
    from helion_mlir.runtime.settings import Settings

# the most configs an effort benchmarks (a budget in seconds may stop it sooner)
MAX_EVALUATIONS = {"quick": 40, "full": 400}
# seconds an effort searches for when no budget is set (quick aims at a minute a kernel)
DEFAULT_SECONDS = {"quick": 35.0}
# the fastest configs timed again at the end, longer
LEADERS = 5


def specialization_text(args: Sequence[Any]) -> str:
    """The arguments as a kernel is specialized on them, stable across processes."""
    import torch

    parts = []
    for a in args:
        if isinstance(a, torch.Tensor):
            parts.append(f"tensor({a.dtype},{tuple(a.shape)},{tuple(a.stride())},{a.device.type})")
        elif isinstance(a, bool | int):
            parts.append(f"{type(a).__name__}({a})")
        elif isinstance(a, float):
            parts.append("float")
        elif callable(a) and hasattr(a, "__code__"):
            code = a.__code__
            parts.append(f"fn({code.co_qualname},{hashlib.sha256(code.co_code).hexdigest()[:12]})")
        else:
            parts.append(type(a).__name__)
    return ";".join(parts)


def device_name(device: str) -> str:
    if device == "cpu":
        return "cpu (triton interpreter)"
    import torch

    return torch.cuda.get_device_name()


def cache_fields(bound: BoundKernel, args: Sequence[Any]) -> dict[str, str]:
    source = ast.unparse(bound.kernel.source.fdef)
    codegen = {"emulate_precision_casts": bound.kernel.settings.emulate_precision_casts}
    return cache.key_fields(source, specialization_text(args), device_name(bound.device), codegen)


def autotune(bound: BoundKernel, args: Sequence[Any], settings: Settings) -> Config:
    """The best config of `bound` on `args`: cached, or found by searching."""
    fields = cache_fields(bound, args)
    if not (settings.skip_cache or settings.force_autotune):
        cached = cache.load(fields)
        if cached is not None:
            try:
                return bound.normalize(cached)
            except exc.InvalidConfig as e:
                warnings.warn(
                    f"ignoring a cached config that no longer fits the kernel: {e}", stacklevel=2
                )
    config = search(bound, args, settings)
    if not settings.skip_cache:
        cache.store(fields, config, kernel=bound.kernel.source.name)
    return config


def search(bound: BoundKernel, args: Sequence[Any], settings: Settings) -> Config:
    from helion_mlir.tuner.search import Budget, make_search

    effort = settings.effort(bound.device)
    seed = settings.autotune_random_seed
    if seed is None:
        seed = random.randrange(1 << 31)
    start = time.monotonic()
    seconds = settings.autotune_budget_seconds or DEFAULT_SECONDS.get(effort)
    deadline = start + seconds if seconds else None
    candidates = [bound.normalize(c) for c in bound.kernel.configs]
    seeds = _seeds(bound)
    runner = Runner(bound, args, settings, fallbacks=candidates or seeds)
    bar = _progress(settings, len(candidates) or MAX_EVALUATIONS.get(effort, 40))
    evaluated = 0

    def evaluate(configs: list[Config]) -> list[float]:
        nonlocal evaluated
        times = runner.evaluate(configs)
        evaluated += len(configs)
        if bar is not None:
            bar.update(len(configs))
            best_now = min(runner.timings.values(), default=math.inf)
            if best_now < math.inf:
                bar.set_postfix_str(f"best {best_now:.4f} ms")
        return times

    try:
        if len(candidates) >= 2:
            times = evaluate(candidates)
            best, best_time = min(zip(candidates, times), key=lambda p: p[1])
        else:
            budget = Budget(MAX_EVALUATIONS.get(effort, 40), deadline)
            strategy = make_search(
                settings.autotuner,
                bound.config_spec,
                evaluate,
                budget,
                seed=seed,
                effort=effort,
                seeds=seeds,
                identify=bound.kernel_identity,
            )
            best, best_time = strategy.run()
        leader = runner.retime_leaders(LEADERS)
        if leader is not None:
            best, best_time = leader
    finally:
        runner.close()
        if bar is not None:
            bar.close()
    if best_time == math.inf:
        raise exc.AutotuneError(
            f"no config of {bound.kernel.source.name} worked ({runner.failure_summary()}); "
            f"for example: {next(iter(runner.reasons.values()), 'unknown')}"
        )
    elapsed = time.monotonic() - start
    failed = runner.failure_summary()
    print(
        f"Autotuning complete in {elapsed:.1f}s after searching {evaluated} configs"
        + (f" ({failed})" if failed else "")
        + f"; best {best_time:.4f} ms (seed {seed}).\n"
        + "".join(f"  a {kind} failure: {why[:200]}\n" for kind, why in runner.reasons.items())
        + "One can hardcode the best config and skip autotuning with:\n"
        f"    @helion.kernel(config={best!r})",
        file=sys.stderr,
    )
    return best


def _seeds(bound: BoundKernel) -> list[Config]:
    from helion_mlir.tuner.seeds import seed_configs

    out: list[Config] = []
    for raw in seed_configs(bound.config_spec, bound.device != "cpu"):
        try:
            config = bound.normalize(raw)
        except exc.InvalidConfig:
            continue  # a shape this kernel's space cannot hold
        if config not in out:
            out.append(config)
    return out


def _progress(settings: Settings, total: int) -> Any:
    if not settings.autotune_progress_bar:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="Autotuning", unit="config", file=sys.stderr, leave=False)
