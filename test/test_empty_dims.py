"""Reductions over a `:` dimension of size 0 behave as in torch: a sum, mean or product
gives its value for no elements; a max, min or arg-reduction is an error at the user's
line (torch raises too), unless its value only meets the empty dim again, as inside a
softmax."""

from __future__ import annotations

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def row_reduce(x, reduce):
    out = torch.empty(x.size(0), dtype=x.dtype)
    for t in hl.tile(x.size(0)):
        out[t] = reduce(x[t, :])
    return out


@helion.kernel()
def row_softmax(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t, :] = torch.softmax(x[t, :], dim=-1)
    return out


@pytest.mark.parametrize(
    "reduce, dtype",
    [
        (lambda r: r.sum(-1), torch.float32),
        (lambda r: r.sum(-1, dtype=r.dtype), torch.int32),
        (lambda r: r.mean(-1), torch.float32),
        (lambda r: r.prod(-1), torch.float32),
    ],
    ids=["sum", "sum_int", "mean", "prod"],
)
def test_reduction_with_a_value_for_no_elements(reduce, dtype):
    x = torch.zeros(8, 0, dtype=dtype)
    torch.testing.assert_close(row_reduce(x, reduce), reduce(x), equal_nan=True)


def test_softmax_of_no_elements_is_empty():
    x = torch.zeros(8, 0)
    torch.testing.assert_close(row_softmax(x), torch.softmax(x, dim=-1))


@pytest.mark.parametrize(
    "reduce, dtype",
    [
        (lambda r: r.amax(-1), torch.float32),
        (lambda r: r.amax(-1), torch.int32),
        (lambda r: torch.min(r, dim=-1).values, torch.float32),
        (lambda r: r.argmax(-1), torch.float32),
    ],
    ids=["amax", "amax_int", "min", "argmax"],
)
def test_pick_over_no_elements_is_an_error_at_the_users_line(reduce, dtype):
    x = torch.zeros(8, 0, dtype=dtype)
    with pytest.raises(IndexError, match="Expected reduction dim"):
        reduce(x)
    with pytest.raises(exc.CompileError) as info:
        row_reduce(x, reduce)
    message = str(info.value)
    assert "':' dimension of size 0 has no value" in message
    # the kernel's line calling the reduction (a helper's ops take their call's line)
    assert f'File "{__file__}"' in message and "out[t] = reduce(x[t, :])" in message, message


@helion.kernel(config=helion.Config(block_sizes=[4]))
def row_var(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0)], dtype=x.dtype)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, :].var(-1)
    return out


def test_var_without_degrees_of_freedom_divides_by_zero_as_torch():
    """One element and Bessel's correction: torch divides by 0 (nan); the compiler's
    1 / (n - 1) used to raise."""
    x = torch.randn(8, 1)
    with pytest.warns(UserWarning, match="degrees of freedom"):
        want = x.var(-1)
    torch.testing.assert_close(row_var(x), want, equal_nan=True)
