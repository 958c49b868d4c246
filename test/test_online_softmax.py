"""Rolled `sum(exp(x - max(x)))` runs in one chunk loop (an online softmax): same
values as the two-loop form and as PyTorch, -inf and inf lanes included."""

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl

INF = float("inf")
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")


@helion.kernel()
def logsumexp(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0)], dtype=torch.float32, device=x.device)
    for tm in hl.tile(x.size(0)):
        row = x[tm, :]
        m = torch.amax(row, dim=-1)
        out[tm] = m + torch.log(torch.sum(torch.exp(row - m[:, None]), dim=-1))
    return out


@helion.kernel()
def softmax2(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm in hl.tile(x.size(0)):
        row = x[tm, :]
        m = torch.amax(row, dim=-1, keepdim=True)
        e = torch.exp2(row - m)
        out[tm, :] = e / torch.sum(e, dim=-1, keepdim=True)
    return out


@helion.kernel()
def shifted_by_other_max(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0)], dtype=torch.float32, device=x.device)
    for tm in hl.tile(x.size(0)):
        m = torch.amax(y[tm, :], dim=-1)
        out[tm] = torch.sum(torch.exp(x[tm, :] - m[:, None]), dim=-1)
    return out


def _eager_logsumexp(x: torch.Tensor) -> torch.Tensor:
    m = x.amax(-1)
    return m + torch.log(torch.exp(x - m[:, None]).sum(-1))


def _rows() -> torch.Tensor:
    x = torch.randn(7, 70) * 4
    x[1, :40] = -INF  # the first chunks hold only -inf: the sum must not turn NaN
    x[2, :] = -INF  # every lane -inf: NaN, as the two-loop form gives
    x[3, 65] = INF  # NaN
    x[4, 69] = -INF
    x[6, :16] = -INF  # a NaN among -inf before any number: NaN all the same
    x[6, 3] = float("nan")
    return x


@pytest.mark.parametrize("chunk", [None, 16, 64])
def test_rolled_logsumexp_matches_eager_at_every_chunk(chunk):
    x = _rows()
    bound = logsumexp.bind((x,))
    got = bound.compile_config({"reduction_loops": [chunk], "block_sizes": [2]})(x)
    torch.testing.assert_close(got, _eager_logsumexp(x), equal_nan=True)
    assert torch.isfinite(got[[0, 1, 4, 5]]).all()


def test_rolled_max_and_sum_share_one_loop():
    x = _rows()
    code = logsumexp.bind((x,)).to_triton_code({"reduction_loops": [16]})
    assert code.count("tl.range(") == 1
    assert code.count("tl.load(") == 1


@pytest.mark.parametrize("chunk", [None, 16])
def test_rolled_exp2_softmax_rescales_by_exp2(chunk):
    x = _rows()
    bound = softmax2.bind((x,))
    got = bound.compile_config({"reduction_loops": [chunk]})(x)
    m = x.amax(-1, keepdim=True)
    e = torch.exp2(x - m)
    torch.testing.assert_close(got, e / e.sum(-1, keepdim=True), equal_nan=True)
    if chunk:
        assert bound.to_triton_code({"reduction_loops": [chunk]}).count("tl.range(") == 2


def test_a_sum_shifted_by_another_tensors_max_keeps_two_loops():
    x, y = torch.randn(4, 70), torch.randn(4, 70)
    y[0, :] = -INF
    bound = shifted_by_other_max.bind((x, y))
    got = bound.compile_config({"reduction_loops": [16]})(x, y)
    m = y.amax(-1)
    torch.testing.assert_close(got, torch.exp(x - m[:, None]).sum(-1), equal_nan=True)
    assert bound.to_triton_code({"reduction_loops": [16]}).count("tl.range(") == 2
