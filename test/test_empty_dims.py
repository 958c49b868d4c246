"""Reductions over a `:` dimension of size 0 behave as in torch: a sum, mean or product
gives its value for no elements; a max, min or arg-reduction is an error at the user's
line (torch raises too), unless its value only meets the empty dim again, as inside a
softmax. The kernels live at the top of this file: the compiler reads their source."""

from __future__ import annotations

import inspect

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def row_sum(x):
    out = torch.empty(x.size(0), dtype=x.dtype)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, :].sum(-1)
    return out


@helion.kernel()
def row_mean(x):
    out = torch.empty(x.size(0), dtype=x.dtype)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, :].mean(-1)
    return out


@helion.kernel()
def row_prod(x):
    out = torch.empty(x.size(0), dtype=x.dtype)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, :].prod(-1)
    return out


@helion.kernel()
def row_softmax(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t, :] = torch.softmax(x[t, :], dim=-1)
    return out


@helion.kernel()
def row_amax(x):
    out = torch.empty(x.size(0), dtype=x.dtype)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, :].amax(-1)
    return out


@helion.kernel()
def row_min(x):
    out = torch.empty(x.size(0), dtype=x.dtype)
    for t in hl.tile(x.size(0)):
        out[t] = torch.min(x[t, :], dim=-1).values
    return out


@helion.kernel()
def row_argmax(x):
    out = torch.empty(x.size(0), dtype=torch.int64)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, :].argmax(-1)
    return out


@pytest.mark.parametrize(
    "kernel, reference, dtype",
    [
        (row_sum, lambda x: x.sum(-1), torch.float32),
        (row_sum, lambda x: x.sum(-1, dtype=x.dtype), torch.int32),
        (row_mean, lambda x: x.mean(-1), torch.float32),
        (row_prod, lambda x: x.prod(-1), torch.float32),
        (row_softmax, lambda x: torch.softmax(x, dim=-1), torch.float32),
    ],
    ids=["sum", "sum_int", "mean", "prod", "softmax"],
)
def test_reduction_with_a_value_for_no_elements(kernel, reference, dtype):
    x = torch.zeros(8, 0, dtype=dtype)
    torch.testing.assert_close(kernel(x), reference(x), equal_nan=True)


@pytest.mark.parametrize(
    "kernel, reference, snippet, dtype",
    [
        (row_amax, lambda x: x.amax(-1), ".amax(-1)", torch.float32),
        (row_amax, lambda x: x.amax(-1), ".amax(-1)", torch.int32),
        (row_min, lambda x: torch.min(x, dim=-1), "torch.min(", torch.float32),
        (row_argmax, lambda x: x.argmax(-1), ".argmax(-1)", torch.float32),
    ],
    ids=["amax", "amax_int", "min", "argmax"],
)
def test_pick_over_no_elements_is_an_error_at_the_users_line(kernel, reference, snippet, dtype):
    x = torch.zeros(8, 0, dtype=dtype)
    with pytest.raises(IndexError, match="Expected reduction dim"):
        reference(x)
    with pytest.raises(exc.CompileError) as info:
        kernel(x)
    message = str(info.value)
    assert "':' dimension of size 0 has no value" in message
    assert f'File "{__file__}", line {_line_of(kernel, snippet)}' in message


def _line_of(kernel, snippet: str) -> int:
    lines, start = inspect.getsourcelines(kernel.fn)
    (line,) = (start + i for i, text in enumerate(lines) if snippet in text)
    return line


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
