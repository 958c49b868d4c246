"""Torch calls on tiles, through PyTorch's decompositions, against eager PyTorch; plus
calls of the user's own helper functions, lambdas and closures from device code."""

from collections.abc import Callable

import pytest
import torch
from torch_op_cases import CASES

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def row_fn(x: torch.Tensor, fn: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm in hl.tile(x.size(0)):
        out[tm, :] = fn(x[tm, :])
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_row_expression(name):
    fn = CASES[name]
    x = torch.randn(10, 16)
    got = row_fn.bind((x, fn)).compile_config({"block_sizes": [4]})(x, fn)
    torch.testing.assert_close(got, fn(x), rtol=1e-4, atol=1e-4, equal_nan=True)


@pytest.mark.parametrize("name", ["argmax", "sort", "topk", "gather"])
def test_argmax_sort_topk_and_gather_ignore_padding(name):
    # 12 columns pad to 16 lanes: padded lanes must never win argmax, sort first, be
    # among the top k, or be gathered (the indices stay below 12)
    x = -torch.rand(6, 12) - 1  # all negative: a zero pad would win
    fn = CASES[name]
    torch.testing.assert_close(row_fn.bind((x, fn))(x, fn), fn(x))


def test_flip_of_a_padded_dim_is_an_error():
    x, fn = torch.randn(6, 12), CASES["flip"]
    with pytest.raises(exc.TorchOpError, match="padding to the front"):
        row_fn(x, fn)


# -- helper functions, lambdas, closures --------------------------------------------------


def scaled_gelu(v: torch.Tensor, scale: float = 2.0) -> torch.Tensor:
    inner = torch.nn.functional.gelu(v)
    if scale == 1.0:
        return inner
    return inner * scale


def nested(v: torch.Tensor) -> torch.Tensor:
    return scaled_gelu(v, scale=0.5) + scaled_gelu(v)


@helion.kernel()
def with_helpers(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    square = lambda t: t * t  # noqa: E731 - a lambda written in host code
    for tm, tn in hl.tile(x.size()):
        v = x[tm, tn]
        cube = lambda t: square(t) * t  # noqa: E731 - written in device code
        out[tm, tn] = nested(v) + cube(v)
    return out


def test_helper_functions_and_lambdas_are_inlined():
    x = torch.randn(9, 7)
    g = torch.nn.functional.gelu(x)
    torch.testing.assert_close(with_helpers(x), g * 0.5 + g * 2 + x**3)


@helion.kernel()
def with_epilogue(x: torch.Tensor, epilogue: Callable[..., torch.Tensor]) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm, tn in hl.tile(x.size()):
        out[tm, tn] = epilogue(x[tm, tn], tn)
    return out


def bias_epilogue(bias: torch.Tensor) -> Callable[..., torch.Tensor]:
    return lambda acc, tile: acc + bias[tile]


def test_closure_tensor_becomes_a_kernel_argument():
    x, bias = torch.randn(9, 7), torch.randn(7)
    fn = bias_epilogue(bias)
    torch.testing.assert_close(with_epilogue(x, fn), x + bias)
    bound = with_epilogue.bind((x, fn))
    assert "epilogue.__closure__[0].cell_contents" in bound.to_triton_code()
    # the same lambda code over a new tensor: the same compiled kernel, the new data
    fn2 = bias_epilogue(torch.randn(7))
    assert with_epilogue.bind((x, fn2)) is bound
    torch.testing.assert_close(with_epilogue(x, fn2), x + fn2.__closure__[0].cell_contents)


def recursive(v: torch.Tensor) -> torch.Tensor:
    return recursive(v)


@helion.kernel()
def calls_recursive(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = recursive(x[t])
    return out


def test_recursion_is_an_error_at_the_call():
    with pytest.raises(exc.UnsupportedSyntax, match="recursion") as info:
        calls_recursive(torch.randn(8))
    assert "return recursive(v)" in str(info.value)


@helion.kernel()
def block_sums(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m // 4, n // 4], dtype=x.dtype, device=x.device)
    for i, j in hl.grid([m // 4, n // 4]):
        for tm, tn in hl.tile([i * 4, j * 4], [i * 4 + 4, j * 4 + 4], block_size=[4, 4]):
            out[i, j] = x[tm, tn].sum() + x[tm, tn].amax(dim=(0, 1)) * 0
    return out


def test_reduction_over_two_dims():
    x = torch.randn(8, 12)
    want = x.reshape(2, 4, 3, 4).sum(dim=(1, 3))
    torch.testing.assert_close(block_sums(x), want, rtol=1e-5, atol=1e-5)
