"""Grid blocks of size 1 leave the tensors' shapes (convert-loop-to-triton's
`_unit_blocks`): their tiles are single indices, added to each access as a scalar
offset, so a batched dot with a batch block of 1 is a plain 2-D dot and what a loop
carries has no unit dim. Where an op needs the dim (here `tile.index`), it stays and the
dot is 2-D between reshapes."""

from __future__ import annotations

import pytest
import torch
from conftest import load_example

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir.target import triton_has_block_ptr


@helion.kernel()
def bmm_reading_the_batch_index(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    nb, m, k = a.size()
    _, _, n = b.size()
    out = torch.empty([nb, m, n], dtype=a.dtype, device=a.device)
    for tb, tm, tn in hl.tile([nb, m, n]):
        acc = hl.zeros([tb, tm, tn], dtype=torch.float32)
        for tk in hl.tile(k):
            acc = torch.baddbmm(acc, a[tb, tm, tk], b[tb, tk, tn])
        out[tb, tm, tn] = (acc + tb.index[:, None, None] * 0.5).to(a.dtype)
    return out


def args():
    return torch.randn(3, 20, 16), torch.randn(3, 16, 24)


FORMS = ["pointer", "tensor_descriptor"] + (["block_ptr"] if triton_has_block_ptr() else [])


@pytest.mark.parametrize("form", FORMS)
def test_a_unit_batch_leaves_every_shape(form):
    a, b = args()
    bound = load_example("bmm").bmm.bind((a, b))
    config = {"block_sizes": [1, 16, 16, 16], "indexing": [form] * 3}
    code = bound.to_triton_code(config)
    kernel = code[: code.index("def launch_")]
    dot = next(line for line in kernel.splitlines() if "tl.dot(" in line)
    assert dot.endswith("acc=acc)") and "[1, 16" not in dot  # 2-D operands and accumulator
    assert "tl.full([16, 16]" in kernel
    if form == "pointer":  # block forms load and store whole-rank blocks, reshaped
        assert "None, :, :" not in kernel and "tl.reshape" not in kernel
    torch.testing.assert_close(bound.compile_config(config)(a, b), torch.bmm(a, b))


def test_a_unit_batch_an_op_needs_stays_a_dim_around_a_2d_dot():
    a, b = args()
    bound = bmm_reading_the_batch_index.bind((a, b))
    config = {"block_sizes": [1, 16, 16, 16]}
    kernel = bound.to_triton_code(config)
    assert "tl.dot(tl.reshape(" in kernel
    want = torch.bmm(a, b) + torch.arange(3.0)[:, None, None] * 0.5
    torch.testing.assert_close(bound.compile_config(config)(a, b), want)


def test_attention_carries_a_2d_accumulator():
    attention = load_example("attention").attention
    q, k, v = (torch.randn(1, 2, 32, 16) for _ in range(3))
    bound = attention.bind((q, k, v))
    config = {"block_sizes": [1, 16, 16]}
    kernel = bound.to_triton_code(config)
    assert "acc = tl.full([16, 16], 0.0, tl.float32)" in kernel
    assert "tl.reshape" not in kernel and "None, :, :" not in kernel
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(bound.compile_config(config)(q, k, v), want, rtol=1e-3, atol=1e-3)
