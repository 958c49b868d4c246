"""Language constructs of device code against PyTorch on the CPU: loops over `range`,
`hl.static_range` and values known when compiling, `hl.arange`, `hl.split`/`hl.join`,
control flow on device scalars, and their errors."""

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def strided_sums(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.zeros([m, 3], dtype=x.dtype, device=x.device)
    for tm in hl.tile(m):
        every_other = hl.zeros([tm], dtype=torch.float32)
        for j in range(1, n, 2):  # a device loop with a step
            every_other = every_other + x[tm, j]
        unrolled = hl.zeros([tm], dtype=torch.float32)
        for k in hl.static_range(3):  # repeated when compiling
            unrolled = unrolled + x[tm, k] * (k + 1)
        scaled = x[tm, 0]
        for w in (2.0, 0.5, 3.0):  # a tuple known when compiling
            scaled = scaled * w
        out[tm, 0] = every_other
        out[tm, 1] = unrolled
        out[tm, 2] = scaled
    return out


def test_range_static_range_and_unrolled_loops():
    x = torch.randn(7, 9)
    want = torch.stack(
        [x[:, 1::2].sum(1), x[:, 0] + 2 * x[:, 1] + 3 * x[:, 2], x[:, 0] * 3.0], dim=1
    )
    torch.testing.assert_close(strided_sums(x), want, rtol=1e-5, atol=1e-5)
    code = strided_sums.bind((x,)).to_triton_code()
    assert code.count("tl.range(") == 1  # the static_range and tuple loops are unrolled


@helion.kernel()
def arange_join_split(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, n], dtype=x.dtype, device=x.device)
    for tm in hl.tile(m):
        v = x[tm, :]
        ramp = hl.arange(3, 3 + 2 * n, 2).to(torch.float32)  # 3, 5, 7, ...
        pair = hl.join(v, v * 10)
        lo, hi = hl.split(pair)
        out[tm, :] = lo + hi + ramp[None, :]
    return out


def test_arange_join_split():
    x = torch.randn(5, 8)
    ramp = torch.arange(3, 19, 2, dtype=torch.float32)
    torch.testing.assert_close(arange_join_split(x), x * 11 + ramp)


@helion.kernel()
def for_else(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        for k in range(3):
            x[t] = x[t] + k
        else:
            x[t] = 0
    return x


@helion.kernel()
def arange_not_pow2(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        x[t] = x[t] + hl.arange(6).sum()
    return x


@pytest.mark.parametrize(
    ("kernel", "cls", "line", "words"),
    [
        (for_else, exc.UnsupportedSyntax, "for k in range(3):", "for ... else"),
        (arange_not_pow2, exc.ShapeMismatch, "hl.arange(6)", "power of two"),
    ],
)
def test_language_errors(kernel, cls, line, words):
    with pytest.raises(cls, match=words.replace(".", r"\.")) as info:
        kernel(torch.randn(8))
    assert line in str(info.value)
