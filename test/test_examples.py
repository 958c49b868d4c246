"""The example kernels (examples/add.py, softmax.py, matmul.py) against PyTorch, on the
CPU through Triton's interpreter, over several shapes and configs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

import helion_mlir as helion

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# -- add: x[m, n] + y[n] ------------------------------------------------------------


@pytest.mark.parametrize(
    ("m", "n", "dtype"),
    [
        (100, 70, torch.float32),
        (33, 5, torch.float32),
        (100, 70, torch.float16),
        (1, 1, torch.float32),
    ],
)
def test_add_broadcast(add_example, m, n, dtype):
    x = torch.randn(m, n, dtype=dtype)
    y = torch.randn(n, dtype=dtype)
    bound = add_example.add.bind((x, y))
    out = bound(x, y)
    assert out.dtype == dtype
    assert out.shape == (m, n)
    torch.testing.assert_close(out, x + y, rtol=0, atol=0)


@pytest.mark.parametrize("block_sizes", [[1, 1], [4, 2], [16, 8], [64, 64]])
def test_add_block_sizes(add_example, block_sizes):
    x = torch.randn(37, 11)
    y = torch.randn(11)
    bound = add_example.add.bind((x, y))
    out = bound.compile_config(helion.Config(block_sizes=block_sizes))(x, y)
    torch.testing.assert_close(out, x + y, rtol=0, atol=0)


def test_add_mixed_dtypes_promote(add_example):
    x = torch.randn(10, 7, dtype=torch.float16)
    y = torch.randn(7, dtype=torch.float32)
    out = add_example.add(x, y)
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, x + y)


def test_add_non_contiguous_input(add_example):
    x = torch.randn(7, 10).t()  # strides (1, 10)
    y = torch.randn(7)
    torch.testing.assert_close(add_example.add(x, y), x + y, rtol=0, atol=0)


def test_add_does_not_modify_inputs(add_example):
    x = torch.randn(9, 6)
    y = torch.randn(6)
    x0, y0 = x.clone(), y.clone()
    add_example.add(x, y)
    assert torch.equal(x, x0) and torch.equal(y, y0)


# -- softmax over rows ----------------------------------------------------------------

SOFTMAX_CONFIGS = [
    pytest.param(helion.Config(block_sizes=[1], reduction_loops=[None]), id="persistent-b1"),
    pytest.param(helion.Config(block_sizes=[4], reduction_loops=[None]), id="persistent-b4"),
    pytest.param(helion.Config(block_sizes=[1], reduction_loops=[64]), id="rolled64-b1"),
    pytest.param(helion.Config(block_sizes=[4], reduction_loops=[8]), id="rolled8-b4"),
    pytest.param(helion.Config(block_sizes=[4], reduction_loops=[64]), id="rolled64-b4"),
]


@pytest.mark.parametrize("shape", [(37, 500), (16, 100)], ids=["37x500", "16x100"])
@pytest.mark.parametrize("config", SOFTMAX_CONFIGS)
def test_softmax(softmax_example, shape, config):
    x = torch.randn(*shape) * 3
    bound = softmax_example.softmax.bind((x,))
    out = bound.compile_config(config)(x)
    torch.testing.assert_close(out, torch.softmax(x, dim=1))
    # every row sums to one, including the columns past the last full chunk
    torch.testing.assert_close(out.sum(dim=1), torch.ones(shape[0]))


def test_softmax_set_config(softmax_example):
    x = torch.randn(16, 100)
    bound = softmax_example.softmax.bind((x,))
    bound.set_config(helion.Config(block_sizes=[2], reduction_loops=[32]))
    assert bound.config["reduction_loops"] == [32]
    torch.testing.assert_close(bound(x), torch.softmax(x, dim=1))


def test_softmax_large_values_are_stable(softmax_example):
    # the max is subtracted before exp: no inf/nan on large inputs
    x = torch.randn(5, 37) * 100 + 1000
    bound = softmax_example.softmax.bind((x,))
    for config in ({"reduction_loops": [None]}, {"reduction_loops": [8]}):
        out = bound.compile_config(config)(x)
        assert torch.isfinite(out).all()
        torch.testing.assert_close(out, torch.softmax(x, dim=1))


def test_softmax_float16(softmax_example):
    x = torch.randn(16, 100, dtype=torch.float16)
    bound = softmax_example.softmax.bind((x,))
    out = bound.compile_config({"block_sizes": [4], "reduction_loops": [32]})(x)
    assert out.dtype == torch.float16
    torch.testing.assert_close(out, torch.softmax(x.float(), dim=1).half(), rtol=2e-3, atol=2e-3)


# -- matmul ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block_sizes",
    [[16, 16, 16], [32, 64, 32], [64, 16, 128], [128, 64, 16]],
    ids=lambda b: "x".join(map(str, b)),
)
@pytest.mark.parametrize("mkn", [(100, 70, 50), (33, 17, 45)], ids=["100x70x50", "33x17x45"])
def test_matmul(matmul_example, mkn, block_sizes):
    m, k, n = mkn
    x = torch.randn(m, k)
    y = torch.randn(k, n)
    bound = matmul_example.matmul.bind((x, y))
    out = bound.compile_config(helion.Config(block_sizes=block_sizes))(x, y)
    assert out.shape == (m, n) and out.dtype == torch.float32
    torch.testing.assert_close(out, x @ y, rtol=1e-4, atol=1e-4)


def test_matmul_default_config_and_set_config(matmul_example):
    x = torch.randn(33, 17)
    y = torch.randn(17, 45)
    bound = matmul_example.matmul.bind((x, y))
    torch.testing.assert_close(bound(x, y), x @ y, rtol=1e-4, atol=1e-4)
    bound.set_config(helion.Config(block_sizes=[16, 32, 16], num_warps=2))
    assert bound.config["block_sizes"] == [16, 32, 16]
    torch.testing.assert_close(bound(x, y), x @ y, rtol=1e-4, atol=1e-4)


def test_matmul_transposed_input(matmul_example):
    x = torch.randn(70, 33).t()  # non-contiguous
    y = torch.randn(70, 20)
    torch.testing.assert_close(matmul_example.matmul(x, y), x @ y, rtol=1e-4, atol=1e-4)


def test_matmul_host_assert_runs(matmul_example):
    # the host code before the loop (including its `assert`) runs when binding
    x = torch.randn(16, 17)
    y = torch.randn(18, 16)
    with pytest.raises(helion.exc.CompileError, match="size mismatch 17 != 18"):
        matmul_example.matmul(x, y)


# -- the example scripts themselves ----------------------------------------------------


def test_example_check_functions(add_example, softmax_example, matmul_example):
    add_example.check(20, 13)
    softmax_example.check(8, 100)
    matmul_example.check(40, 30, 20)


def test_matmul_demo_script():
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "matmul.py"), "--demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    for stage in ("==== tile", "==== loop", "==== mem", "==== search space", "==== triton IR"):
        assert stage in proc.stdout
    assert "matches torch" in proc.stdout
    assert "@triton.jit" in proc.stdout
