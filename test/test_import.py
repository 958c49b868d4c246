"""Importing helion_mlir is cheap: the package loads neither torch, triton nor xDSL, and
the dialects and passes (xDSL only) load neither torch nor triton. Each check runs in a
fresh interpreter so that nothing imported by other tests hides a heavy import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSES = sorted(
    p.stem for p in (ROOT / "helion_mlir" / "passes").glob("*.py") if p.stem != "__init__"
)
DIALECTS = sorted(
    p.stem for p in (ROOT / "helion_mlir" / "dialects").glob("*.py") if p.stem != "__init__"
)


def loaded_after(imports: list[str], watch=("torch", "triton", "xdsl")) -> dict[str, list[str]]:
    """For each module in `imports`, imported in order in a fresh interpreter: which of
    `watch` are in sys.modules right after it."""
    code = f"""
import importlib, json, sys
out = {{}}
for name in {imports!r}:
    importlib.import_module(name)
    out[name] = [m for m in {list(watch)!r} if m in sys.modules]
print(json.dumps(out))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_checker_sees_heavy_imports():
    # the check itself can fail: importing the runtime's frontend does load torch
    assert "torch" in loaded_after(["helion_mlir.frontend"])["helion_mlir.frontend"]


def test_import_helion_mlir_is_light():
    loaded = loaded_after(["helion_mlir", "helion_mlir.language", "helion_mlir.exc"])
    assert loaded == {
        "helion_mlir": [],
        "helion_mlir.language": [],
        "helion_mlir.exc": [],
    }


def test_public_names_without_heavy_imports():
    code = """
import sys
import helion_mlir as helion
c = helion.Config(block_sizes=[16], num_warps=4)
assert repr(c) == "helion.Config(block_sizes=[16], num_warps=4)", repr(c)
assert helion.Config.from_json(c.to_json()) == c
import helion_mlir.language as hl
try:
    hl.tile(4)
except helion.exc.NotInsideKernel:
    pass
else:
    raise SystemExit("hl.tile outside a kernel did not raise")
@helion.kernel()
def f(x):
    return x
assert isinstance(f, helion.Kernel)
print(sorted(m for m in ("torch", "triton", "xdsl") if m in sys.modules))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_passes_exist():
    assert "pipelines" in PASSES and "bind_config" in PASSES and len(PASSES) >= 10
    assert "tile" in DIALECTS and "cfg" in DIALECTS


@pytest.mark.parametrize(
    "modules",
    [
        ["helion_mlir.dialects.tile"],
        [f"helion_mlir.dialects.{d}" for d in DIALECTS],
        ["helion_mlir.passes", *[f"helion_mlir.passes.{p}" for p in PASSES]],
        ["helion_mlir.dialects.tile", "helion_mlir.tuner.config_spec", "helion_mlir.tuner.domains"],
    ],
    ids=["tile-dialect", "all-dialects", "all-passes", "tuner"],
)
def test_dialects_and_passes_do_not_import_torch_or_triton(modules):
    loaded = loaded_after(modules)
    heavy = {name: mods for name, mods in loaded.items() if {"torch", "triton"} & set(mods)}
    assert heavy == {}
    assert "xdsl" in loaded[modules[-1]]  # they are xDSL code: the check sees imports


def test_pass_registry_resolves_without_torch():
    # every registered pass name loads its ModulePass (whose `name` is that name), and
    # loading them all brings in neither torch nor triton
    code = """
import sys
from helion_mlir.passes import get_all_passes
from xdsl.passes import ModulePass
names = {}
for name, factory in get_all_passes().items():
    cls = factory()
    assert issubclass(cls, ModulePass), cls
    names[name] = cls.name
assert all(k == v for k, v in names.items()), names
print(len(names), sorted(m for m in ("torch", "triton") if m in sys.modules))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    count, heavy = proc.stdout.strip().split(" ", 1)
    assert int(count) >= 10
    assert heavy == "[]"
