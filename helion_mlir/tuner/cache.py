"""The disk cache of tuned configs: one JSON file per (kernel source, specialization,
device, versions), written atomically, so that a new process skips tuning."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from helion_mlir.runtime.config import Config


def cache_dir() -> Path:
    from helion_mlir.runtime.loader import cache_root

    path = cache_root() / "autotune"
    path.mkdir(parents=True, exist_ok=True)
    return path


def key_fields(source: str, specialization: Any, device_name: str, codegen: Any) -> dict[str, str]:
    """What a tuned config depends on (`codegen`: the settings that change the code)."""
    import torch
    import triton

    import helion_mlir

    return {
        "source": hashlib.sha256(source.encode()).hexdigest(),
        "specialization": repr(specialization),
        "device": device_name,
        "codegen": repr(codegen),
        "helion_mlir": helion_mlir.__version__,
        "torch": torch.__version__,
        "triton": triton.__version__,
    }


def _path(fields: dict[str, str]) -> Path:
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:32]
    return cache_dir() / f"{digest}.best_config"


def load(fields: dict[str, str]) -> Config | None:
    """The cached config for `fields`, or None; a corrupt entry is reported and ignored."""
    path = _path(fields)
    try:
        entry = json.loads(path.read_text())
        if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
            raise ValueError("not an entry written by this cache")
        if entry.get("key") != fields:
            return None  # a hash collision or an entry of another layout
        return Config(entry["config"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        warnings.warn(f"ignoring the unreadable autotune cache entry {path}: {e}", stacklevel=2)
        return None


def store(fields: dict[str, str], config: Config, **meta: Any) -> Path:
    """Write the entry atomically: readers see the old file or the new one, never half."""
    path = _path(fields)
    entry = {"key": fields, "config": dict(config), **meta}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(entry, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
