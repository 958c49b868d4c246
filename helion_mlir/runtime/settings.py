"""Kernel settings, with their `HELION_*` environment variables as in Helion."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from helion_mlir import exc

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _env(name: str, default: Any, parse: Callable[[str], Any], expected: str) -> Any:
    """`name`'s value parsed; unset or empty: `default`. A malformed value is the user's
    mistake, so it is an error naming the variable, not a bare `ValueError` (or, for a
    flag, a silent False)."""
    v = os.environ.get(name, "").strip()
    if not v:
        return default
    try:
        return parse(v)
    except ValueError:
        raise exc.InvalidArgument(
            f"the environment variable {name} must be {expected}, got {v!r}; correct or unset it"
        ) from None


def _parse_bool(v: str) -> bool:
    if v.lower() not in _TRUE + _FALSE:
        raise ValueError(v)
    return v.lower() in _TRUE


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, default, _parse_bool, f"a flag ({', '.join(_TRUE + _FALSE)})")


def _env_float(name: str, default: float | None) -> float | None:
    return _env(name, default, float, "a number")


def _env_int(name: str, default: int | None) -> int | None:
    return _env(name, default, int, "an integer")


EFFORTS = ("none", "quick", "full")


@dataclass
class Settings:
    """How a kernel is compiled and tuned."""

    # Kernels always compile per shape (sizes are constants in the code). With False, a
    # config tuned for one shape serves every shape of the same bucket (per dim: 0, 1 or
    # more; dtypes, ranks and devices equal), so tuning runs once per bucket, as in Helion.
    static_shapes: bool = field(default_factory=lambda: _env_bool("HELION_STATIC_SHAPES", True))
    # None: "quick" on a GPU, "none" on the CPU (the interpreter is too slow to search)
    autotune_effort: str | None = field(
        default_factory=lambda: os.environ.get("HELION_AUTOTUNE_EFFORT") or None
    )
    autotuner: str = field(default_factory=lambda: os.environ.get("HELION_AUTOTUNER", "surrogate"))
    autotune_budget_seconds: float | None = field(
        default_factory=lambda: _env_float("HELION_AUTOTUNE_BUDGET_SECONDS", None)
    )
    autotune_precompile: bool = field(
        default_factory=lambda: _env_bool("HELION_AUTOTUNE_PRECOMPILE", True)
    )
    autotune_compile_timeout: float = field(
        default_factory=lambda: _env_float("HELION_AUTOTUNE_COMPILE_TIMEOUT", 60.0)  # type: ignore[return-value]
    )
    autotune_run_timeout: float = field(
        default_factory=lambda: _env_float("HELION_AUTOTUNE_RUN_TIMEOUT", 30.0)  # type: ignore[return-value]
    )
    autotune_random_seed: int | None = field(
        default_factory=lambda: _env_int("HELION_AUTOTUNE_RANDOM_SEED", None)
    )
    autotune_accuracy_check: bool = field(
        default_factory=lambda: _env_bool("HELION_AUTOTUNE_ACCURACY_CHECK", True)
    )
    autotune_progress_bar: bool = field(
        default_factory=lambda: _env_bool("HELION_AUTOTUNE_PROGRESS_BAR", True)
    )
    force_autotune: bool = field(default_factory=lambda: _env_bool("HELION_FORCE_AUTOTUNE", False))
    skip_cache: bool = field(default_factory=lambda: _env_bool("HELION_SKIP_CACHE", False))
    # False: a chain of bf16/f16 ops keeps its intermediates in f32 and rounds only what
    # it stores, as torch.compile does; True: round after every op, as eager PyTorch does
    emulate_precision_casts: bool = field(
        default_factory=lambda: _env_bool("HELION_EMULATE_PRECISION_CASTS", False)
    )
    print_output_code: bool = field(
        default_factory=lambda: _env_bool("HELION_PRINT_OUTPUT_CODE", False)
    )

    def __post_init__(self) -> None:
        if self.autotune_effort is not None and self.autotune_effort not in EFFORTS:
            raise exc.InvalidArgument(
                f"autotune_effort must be one of {', '.join(EFFORTS)}, got {self.autotune_effort!r}"
            )

    def effort(self, device: str) -> str:
        """The effort to tune with on `device` ('cpu' or 'cuda')."""
        if self.autotune_effort is not None:
            return self.autotune_effort
        return "none" if device == "cpu" else "quick"

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}

    def replace(self, **changes: Any) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)
