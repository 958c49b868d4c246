"""Shared fixtures: the example kernels, a private kernel cache, fixed seeds.

Everything runs on the CPU: helion_mlir sends CPU tensors through Triton's interpreter
by itself, so no environment variable is set here for that.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

import pytest

from helion_mlir.target import triton_has_block_ptr

ROOT = Path(__file__).resolve().parent.parent

# Triton 3.9 removed block pointers: the space stops offering them and tests of them skip.
needs_block_ptr = pytest.mark.skipif(
    not triton_has_block_ptr(), reason="this Triton has no block pointers (removed in 3.9)"
)
EXAMPLES = ROOT / "examples"


def load_example(name: str) -> types.ModuleType:
    """`examples/<name>.py` as a module (imported once per session)."""
    modname = f"helion_mlir_example_{name}"
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def add_example() -> types.ModuleType:
    return load_example("add")


@pytest.fixture(scope="session")
def softmax_example() -> types.ModuleType:
    return load_example("softmax")


@pytest.fixture(scope="session")
def matmul_example() -> types.ModuleType:
    return load_example("matmul")


@pytest.fixture(scope="session", autouse=True)
def _private_kernel_cache(tmp_path_factory: pytest.TempPathFactory):
    """Generated kernel modules go to a temporary directory, not ~/.cache."""
    old = os.environ.get("HELION_MLIR_CACHE_DIR")
    os.environ["HELION_MLIR_CACHE_DIR"] = str(tmp_path_factory.mktemp("helion_mlir_cache"))
    yield
    if old is None:
        os.environ.pop("HELION_MLIR_CACHE_DIR", None)
    else:
        os.environ["HELION_MLIR_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _seed():
    """Random inputs are the same on every run."""
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    yield
