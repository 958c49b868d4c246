"""Kernels written for Helion (`import helion`, `import helion.language as hl`) run
unchanged when `helion` and `helion.language` name helion_mlir and its language.

Each kernel's source is written to a file (the frontend reads kernels' source with
`inspect`) and imported while `sys.modules` maps Helion's names to ours; the mapping is
undone after each test.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import types
from pathlib import Path

import pytest
import torch

import helion_mlir
import helion_mlir.language

HEADER = """\
import torch

import helion
import helion.language as hl
"""

ADD = """
@helion.kernel()
def add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    x, y = torch.broadcast_tensors(x, y)
    out = torch.empty(x.shape, dtype=torch.promote_types(x.dtype, y.dtype), device=x.device)
    for tile in hl.tile(out.size()):
        out[tile] = x[tile] + y[tile]
    return out
"""

SOFTMAX = """
@helion.kernel()
def softmax(x: torch.Tensor) -> torch.Tensor:
    n, _m = x.size()
    out = torch.empty_like(x)
    for tile_n in hl.tile(n):
        out[tile_n, :] = torch.nn.functional.softmax(x[tile_n, :], dim=1)
    return out


@helion.kernel()
def softmax_decomposed(x: torch.Tensor) -> torch.Tensor:
    n, _m = x.size()
    out = torch.empty_like(x)
    for tile_n in hl.tile(n):
        values = x[tile_n, :]
        amax = torch.amax(values, dim=1, keepdim=True)
        exp = torch.exp(values - amax)
        sum_exp = torch.sum(exp, dim=1, keepdim=True)
        out[tile_n, :] = exp / sum_exp
    return out
"""

MATMUL = """
@helion.kernel(config=helion.Config(block_sizes=[32, 32, 16]))
def matmul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    k2, n = y.size()
    assert k == k2, f"size mismatch {k} != {k2}"
    out = torch.empty([m, n], dtype=torch.promote_types(x.dtype, y.dtype), device=x.device)
    for tile_m, tile_n in hl.tile([m, n]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for tile_k in hl.tile(k):
            acc = torch.addmm(acc, x[tile_m, tile_k], y[tile_k, tile_n])
        out[tile_m, tile_n] = acc
    return out


@helion.kernel()
def matmul_dot(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = y.size()
    out = torch.empty([m, n], dtype=x.dtype, device=x.device)
    for tile_m, tile_n in hl.tile([m, n]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for tile_k in hl.tile(k):
            acc = hl.dot(x[tile_m, tile_k], y[tile_k, tile_n], acc=acc)
        out[tile_m, tile_n] = acc.to(out.dtype)
    return out
"""

ROW_VAR = """
@helion.kernel()
def row_var(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m], dtype=torch.float32, device=x.device)
    block_size_m = hl.register_block_size(m)
    block_size_n = hl.register_block_size(n)
    for tile_m in hl.tile(m, block_size=block_size_m):
        total = hl.zeros([tile_m], dtype=torch.float32)
        for tile_n in hl.tile(n, block_size=block_size_n):
            total += x[tile_m, tile_n].to(torch.float32).sum(-1)
        mean = total / n
        sq = hl.zeros([tile_m], dtype=torch.float32)
        for tile_n in hl.tile(n, block_size=block_size_n):
            d = x[tile_m, tile_n].to(torch.float32) - mean[:, None]
            sq += (d * d).sum(-1)
        out[tile_m] = sq / n
    return out
"""

ATOMIC_GRID = """
@helion.kernel()
def column_sum(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.zeros([n], dtype=torch.float32, device=x.device)
    for tile_m, tile_n in hl.tile([m, n]):
        hl.atomic_add(out, [tile_n], x[tile_m, tile_n].sum(0))
    return out


@helion.kernel()
def split_k_matmul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = y.size()
    out = torch.zeros([m, n], dtype=torch.float32, device=x.device)
    for tile_m, tile_n, outer_k in hl.tile([m, n, k], block_size=[None, None, 64]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for inner_k in hl.tile(outer_k.begin, outer_k.end):
            acc = torch.addmm(acc, x[tile_m, inner_k], y[inner_k, tile_n])
        hl.atomic_add(out, [tile_m, tile_n], acc)
    return out


@helion.kernel()
def scale_rows(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    for i in hl.grid(m):
        for tile_n in hl.tile(n):
            out[i, tile_n] = x[i, tile_n] * scale[i]
    return out
"""


@pytest.fixture
def helion_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`load(name, source)` imports `source` as a Helion user's module would run."""
    monkeypatch.setitem(sys.modules, "helion", helion_mlir)
    monkeypatch.setitem(sys.modules, "helion.language", helion_mlir.language)

    def load(name: str, body: str) -> types.ModuleType:
        path = tmp_path / f"{name}.py"
        path.write_text(HEADER + textwrap.dedent(body))
        modname = f"user_kernels_{name}"
        spec = importlib.util.spec_from_file_location(modname, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, modname, module)
        spec.loader.exec_module(module)
        assert module.helion is helion_mlir and module.hl is helion_mlir.language
        return module

    return load


def test_add(helion_module):
    mod = helion_module("add", ADD)
    x, y = torch.randn(37, 50), torch.randn(50)
    torch.testing.assert_close(mod.add(x, y), x + y)
    xh, yh = torch.randn(20, 30, dtype=torch.float16), torch.randn(20, 30)
    out = mod.add(xh, yh)
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, xh + yh)


def test_softmax(helion_module):
    mod = helion_module("softmax", SOFTMAX)
    x = torch.randn(33, 300)
    expected = torch.softmax(x, dim=1)
    torch.testing.assert_close(mod.softmax(x), expected)
    torch.testing.assert_close(mod.softmax_decomposed(x), expected)


def test_matmul(helion_module):
    mod = helion_module("matmul", MATMUL)
    x, y = torch.randn(50, 40), torch.randn(40, 30)
    torch.testing.assert_close(mod.matmul(x, y), x @ y, rtol=1e-4, atol=1e-4)
    xh, yh = torch.randn(48, 32, dtype=torch.float16), torch.randn(32, 24, dtype=torch.float16)
    expected = (xh.float() @ yh.float()).half()
    torch.testing.assert_close(mod.matmul_dot(xh, yh), expected, rtol=1e-2, atol=1e-2)


def test_register_block_size(helion_module):
    mod = helion_module("row_var", ROW_VAR)
    x = torch.randn(30, 300) * 2 + 3
    expected = x.var(-1, unbiased=False)
    torch.testing.assert_close(mod.row_var(x), expected, rtol=1e-4, atol=1e-4)
    bound = mod.row_var.bind((x,))
    for config in (
        helion_mlir.Config(block_sizes=[4, 64]),
        helion_mlir.Config(block_sizes=[16, 128]),
    ):
        torch.testing.assert_close(bound.compile_config(config)(x), expected, rtol=1e-4, atol=1e-4)


def test_atomic_add_and_grid(helion_module):
    mod = helion_module("atomic_grid", ATOMIC_GRID)
    x = torch.randn(37, 21)
    torch.testing.assert_close(mod.column_sum(x), x.sum(0), rtol=1e-4, atol=1e-4)
    a, b = torch.randn(20, 200), torch.randn(200, 12)
    torch.testing.assert_close(mod.split_k_matmul(a, b), a @ b, rtol=1e-4, atol=1e-4)
    scale = torch.randn(37)
    torch.testing.assert_close(mod.scale_rows(x, scale), x * scale[:, None])


def test_sys_modules_restored():
    assert sys.modules.get("helion") is not helion_mlir
    assert sys.modules.get("helion.language") is not helion_mlir.language
