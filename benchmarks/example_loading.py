"""Loading an example kernel for helion_mlir as written, or for helion 1.5.1 with its
imports rewritten, so both compilers run the same source."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load(example: str, for_helion: bool) -> Any:
    """examples/<example>.py, as written (helion_mlir) or importing helion 1.5.1."""
    text = (ROOT / "examples" / f"{example}.py").read_text()
    if for_helion:
        text = text.replace("import helion_mlir.language as hl", "import helion.language as hl")
        text = text.replace("import helion_mlir as helion", "import helion")
    path = Path(tempfile.mkdtemp()) / f"{example}_{'helion' if for_helion else 'mlir'}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def helion_import() -> None:
    """helion 1.5.1 imports on torch 2.11 only once this name exists."""
    import torch._inductor.runtime.triton_compat as compat

    if not hasattr(compat, "IntelGPUError"):
        compat.IntelGPUError = type("IntelGPUError", (Exception,), {})  # type: ignore[attr-defined]
