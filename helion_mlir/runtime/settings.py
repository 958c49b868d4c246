"""Kernel settings, with their `HELION_*` environment variables as in Helion."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any


def _env_bool(name: str, default: bool) -> bool:
    v = os.environ.get(name)
    if v is None:
        return default
    return v.strip().lower() in ("1", "true", "yes", "on")


@dataclass
class Settings:
    """How a kernel is compiled and tuned."""

    static_shapes: bool = field(default_factory=lambda: _env_bool("HELION_STATIC_SHAPES", True))
    autotune_effort: str = field(
        default_factory=lambda: os.environ.get("HELION_AUTOTUNE_EFFORT", "none")
    )
    print_output_code: bool = field(
        default_factory=lambda: _env_bool("HELION_PRINT_OUTPUT_CODE", False)
    )

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}

    def replace(self, **changes: Any) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)
