"""Every config in the space computes the same thing: for each kernel below, 40 random
configs (the whole space: pid types incl. persistent ones, loop orders, flattening, L2
grouping, the three indexing forms, reduction rolling, range options, ...) give the
default config's result, on the CPU through Triton's interpreter."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
from conftest import load_example

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir.passes.derive_config_space import KEY_ORDER
from helion_mlir.target import triton_has_block_ptr

CONFIGS_PER_KERNEL = 40


@helion.kernel()
def scale_shift_3d(x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tb, tm, tn in hl.tile(x.size()):
        out[tb, tm, tn] = torch.sigmoid(x[tb, tm, tn]) * s[tn] + 1.0
    return out


@helion.kernel()
def fused_pointwise(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm, tn in hl.tile(x.size()):
        out[tm, tn] = torch.where(x[tm, tn] > y[tm, tn], x[tm, tn] * 2, y[tm, tn] - 1)
    return out


@helion.kernel()
def chunked_row_sum(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m], dtype=x.dtype, device=x.device)
    for tm in hl.tile(m):
        acc = hl.zeros([tm], dtype=torch.float32)
        for tn in hl.tile(n, block_size=16):
            acc = acc + x[tm, tn].sum(-1)
        out[tm] = acc
    return out


@helion.kernel()
def row_stats(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, 2], dtype=x.dtype, device=x.device)
    for tm in hl.tile(m):
        row = x[tm, :]
        out[tm, 0] = row.sum(-1)
        out[tm, 1] = torch.amax(row, dim=-1) - torch.amin(row, dim=-1)
    return out


@helion.kernel()
def bmm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    nb, m, k = a.size()
    _, _, n = b.size()
    out = torch.empty([nb, m, n], dtype=a.dtype, device=a.device)
    for tb, tm, tn in hl.tile([nb, m, n]):
        acc = hl.zeros([tb, tm, tn], dtype=torch.float32)
        for tk in hl.tile(k):
            acc = torch.baddbmm(acc, a[tb, tm, tk], b[tb, tk, tn])
        out[tb, tm, tn] = acc.to(a.dtype)
    return out


@helion.kernel()
def matmul_bias_relu(x: torch.Tensor, w: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = w.size()
    out = torch.empty([m, n], dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile([m, n]):
        acc = hl.zeros([tm, tn], dtype=torch.float32)
        for tk in hl.tile(k):
            acc = torch.addmm(acc, x[tm, tk], w[tk, tn])
        out[tm, tn] = torch.relu(acc + bias[tn]).to(x.dtype)
    return out


@helion.kernel()
def split_k_matmul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = y.size()
    out = torch.zeros([m, n], dtype=torch.float32, device=x.device)
    for tm, tn, outer_k in hl.tile([m, n, k], block_size=[None, None, 32]):
        acc = hl.zeros([tm, tn], dtype=torch.float32)
        for inner_k in hl.tile(outer_k.begin, outer_k.end):
            acc = torch.addmm(acc, x[tm, inner_k], y[inner_k, tn])
        hl.atomic_add(out, [tm, tn], acc)
    return out


@helion.kernel()
def jagged_sum(x_data: torch.Tensor, x_offsets: torch.Tensor) -> torch.Tensor:
    num_rows = x_offsets.size(0) - 1
    m = x_data.size(1)
    out = torch.zeros([num_rows, m], dtype=x_data.dtype, device=x_data.device)
    for tile_b in hl.tile(num_rows):
        starts = x_offsets[tile_b]
        ends = x_offsets[tile_b.index + 1]
        nnz = ends - starts
        max_nnz = nnz.amax()
        for tile_m in hl.tile(m):
            acc = hl.zeros([tile_b, tile_m], dtype=x_data.dtype)
            for tile_k in hl.tile(0, max_nnz):
                rows = starts[:, None] + tile_k.index[None, :]
                valid = tile_k.index[None, :] < nnz[:, None]
                x = hl.load(x_data, [rows, tile_m], extra_mask=valid[:, :, None])
                acc = acc + x.sum(dim=1)
            out[tile_b, tile_m] = acc
    return out


@helion.kernel()
def embedding(idx: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    (n,) = idx.size()
    _, d = table.size()
    out = torch.empty([n, d], dtype=table.dtype, device=table.device)
    for tn, td in hl.tile([n, d]):
        out[tn, td] = table[idx[tn], td]
    return out


@helion.kernel()
def column_sums(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.zeros([n], dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile([m, n]):
        hl.atomic_add(out, [tn], x[tm, tn].sum(0))
    return out


@helion.kernel()
def per_row_grid(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    for i in hl.grid(m):
        for tn in hl.tile(n):
            out[i, tn] = x[i, tn] * (i + 1)
    return out


def _jagged_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([3, 0, 7, 1, 5, 2, 9, 4, 0, 6])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)])
    return torch.randn(int(offsets[-1]), 12), offsets


@dataclass(frozen=True)
class Case:
    name: str
    kernel: Callable[[], helion.Kernel]
    inputs: Callable[[], tuple[torch.Tensor, ...]]
    tol: float = 1e-4


def _example(module: str, name: str) -> Callable[[], helion.Kernel]:
    return lambda: getattr(load_example(module), name)


CASES = [
    Case("elementwise_add", _example("add", "add"), lambda: (torch.randn(19, 13), torch.randn(13))),
    Case(
        "elementwise_3d_grid",
        lambda: scale_shift_3d,
        lambda: (torch.randn(3, 9, 14), torch.randn(14)),
    ),
    Case(
        "elementwise_flat",
        lambda: fused_pointwise,
        lambda: (torch.randn(19, 13), torch.randn(19, 13)),
    ),
    Case("row_reductions", lambda: row_stats, lambda: (torch.randn(11, 90),)),
    Case("static_range_sum", lambda: chunked_row_sum, lambda: (torch.randn(10, 100),)),
    Case("softmax", _example("softmax", "softmax"), lambda: (torch.randn(9, 70),)),
    Case(
        "layer_norm",
        _example("layer_norm", "layer_norm"),
        lambda: (torch.randn(7, 48), torch.randn(48), torch.randn(48), 1e-5),
    ),
    Case(
        "matmul", _example("matmul", "matmul"), lambda: (torch.randn(40, 24), torch.randn(24, 36))
    ),
    Case(
        "matmul_fp16_epilogue",
        lambda: matmul_bias_relu,
        lambda: (
            torch.randn(33, 40, dtype=torch.float16),
            torch.randn(40, 20, dtype=torch.float16),
            torch.randn(20, dtype=torch.float16),
        ),
        tol=2e-2,
    ),
    Case("bmm", lambda: bmm, lambda: (torch.randn(3, 20, 16), torch.randn(3, 16, 24))),
    Case(
        "attention",
        _example("attention", "attention"),
        lambda: tuple(torch.randn(1, 2, 24, 16) for _ in range(3)),
    ),
    Case(
        "split_k_atomics",
        lambda: split_k_matmul,
        lambda: (torch.randn(20, 100), torch.randn(100, 12)),
    ),
    Case("column_sum_atomics", lambda: column_sums, lambda: (torch.randn(37, 21),)),
    Case("jagged_sum", lambda: jagged_sum, _jagged_inputs),
    Case(
        "embedding_gather",
        lambda: embedding,
        lambda: (torch.randint(0, 50, (23,)), torch.randn(50, 12)),
    ),
    Case("hl_grid_rows", lambda: per_row_grid, lambda: (torch.randn(6, 37),)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_random_configs_match_the_default(case: Case):
    args = case.inputs()
    bound = case.kernel().bind(args)
    spec = bound.config_spec
    want = bound.compile_config(spec.default_config())(*args)
    for seed in range(CONFIGS_PER_KERNEL):
        config = spec.random_config(seed)
        got = bound.compile_config(config)(*args)
        try:
            torch.testing.assert_close(got, want, rtol=case.tol, atol=case.tol)
        except AssertionError as e:
            raise AssertionError(f"{case.name}, seed {seed}: {config}\n{e}") from None


def test_the_cases_cover_the_space():
    """Together the cases draw every key of Helion's Triton space but those only a GPU
    has (maxnreg, warp specialization), each indexing form, and every pid type."""
    keys: set[str] = set()
    forms: set[str] = set()
    pids: set[str] = set()
    for case in CASES:
        spec = case.kernel().bind(case.inputs()).config_spec
        keys |= set(spec.default_config())
        for seed in range(CONFIGS_PER_KERNEL):
            config = spec.random_config(seed)
            forms |= set(config.get("indexing", []))
            pids.add(config.get("pid_type", "flat"))
    # every key but the CUDA-only ones (warp specialization needs Blackwell)
    assert set(KEY_ORDER) - {"range_warp_specializes", "maxnreg"} <= keys, keys
    assert forms == {"pointer", "tensor_descriptor"} | (
        {"block_ptr"} if triton_has_block_ptr() else set()
    )
    assert pids == {"flat", "xyz", "persistent_blocked", "persistent_interleaved"}
    assert math.prod([len(CASES), CONFIGS_PER_KERNEL]) >= 12 * 40
