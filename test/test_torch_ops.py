"""Torch calls on tiles, through PyTorch's decompositions, against eager PyTorch (sort
and topk with their indices included); plus calls of the user's own helper functions,
lambdas and closures from device code."""

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


# -- sort and topk with their indices ------------------------------------------------------


@helion.kernel()
def sort_rows(x: torch.Tensor, descending: bool) -> tuple[torch.Tensor, torch.Tensor]:
    m, n = x.size()
    values = torch.empty_like(x)
    indices = torch.empty([m, n], dtype=torch.int64, device=x.device)
    for tm in hl.tile(m):
        v, i = torch.sort(x[tm, :], dim=-1, descending=descending)
        values[tm, :] = v
        indices[tm, :] = i
    return values, indices


@helion.kernel()
def topk_rows(x: torch.Tensor, largest: bool) -> tuple[torch.Tensor, torch.Tensor]:
    m, _ = x.size()
    values = torch.empty([m, 4], dtype=x.dtype, device=x.device)
    indices = torch.empty([m, 4], dtype=torch.int64, device=x.device)
    for tm in hl.tile(m):
        top = torch.topk(x[tm, :], 4, dim=-1, largest=largest)
        values[tm, :] = top.values
        indices[tm, :] = top.indices
    return values, indices


def rows(dtype: torch.dtype, cols: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    if dtype.is_floating_point:
        x = torch.randn(6, cols, generator=g).to(dtype)
        x[0, :4] = x[0, 4]  # ties
        x[1, 1] = -0.0
        return x
    if dtype == torch.bool:
        return torch.rand(6, cols, generator=g) > 0.5
    info = torch.iinfo(dtype)
    x = torch.randint(max(info.min, -9), min(info.max, 9), (6, cols), generator=g).to(dtype)
    x[2, 0], x[2, 1] = info.min, info.max  # the extremes
    return x


def check_indices(x: torch.Tensor, values: torch.Tensor, indices: torch.Tensor) -> None:
    """`indices` name distinct positions of each row of `x` holding `values`."""
    assert indices.dtype == torch.int64
    torch.testing.assert_close(torch.gather(x, 1, indices), values, rtol=0, atol=0, equal_nan=True)
    assert all(len(set(row.tolist())) == row.numel() for row in indices)


SORT_DTYPES = [
    torch.float32,
    torch.float16,
    torch.bfloat16,
    torch.int32,
    torch.int16,
    torch.int8,
    torch.uint8,
    torch.bool,
]


@pytest.mark.parametrize("dtype", SORT_DTYPES)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("cols", [12, 16])  # 12 pad to 16 lanes
def test_sort_gives_torch_values_and_indices(dtype, descending, cols):
    x = rows(dtype, cols)
    values, indices = sort_rows.bind((x, descending)).compile_config({"block_sizes": [4]})(
        x, descending
    )
    torch.testing.assert_close(values, torch.sort(x, -1, descending=descending).values)
    check_indices(x, values, indices)


@pytest.mark.parametrize("dtype", SORT_DTYPES[:-1])
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("cols", [12, 16])
def test_topk_gives_torch_values_and_indices(dtype, largest, cols):
    x = rows(dtype, cols, seed=1)
    values, indices = topk_rows.bind((x, largest)).compile_config({"block_sizes": [2]})(x, largest)
    torch.testing.assert_close(values, torch.topk(x, 4, -1, largest=largest).values)
    check_indices(x, values, indices)


def test_nan_sorts_as_torch_orders_it():
    x = torch.randn(4, 12)
    x[0, 3] = float("nan")
    x[1, :2] = -torch.tensor(float("nan"))  # a NaN with its sign bit set
    x[2, 5] = float("inf")
    for descending in (False, True):
        values, indices = sort_rows(x, descending)
        want = torch.sort(x, -1, descending=descending).values
        torch.testing.assert_close(values, want, equal_nan=True)
        check_indices(x, values, indices)
    for largest in (True, False):
        values, indices = topk_rows(x, largest)
        want = torch.topk(x, 4, -1, largest=largest).values
        torch.testing.assert_close(values, want, equal_nan=True)
        check_indices(x, values, indices)


@helion.kernel()
def reorder_by_key(keys: torch.Tensor, payload: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(payload)
    for tm in hl.tile(keys.size(0)):
        _, order = torch.sort(keys[tm, :], dim=-1, descending=True)
        out[tm, :] = torch.gather(payload[tm, :], 1, order)
    return out


def test_sort_indices_gather_another_tile():
    keys, payload = torch.randn(7, 16), torch.randn(7, 16)
    order = torch.sort(keys, -1, descending=True).indices
    torch.testing.assert_close(reorder_by_key(keys, payload), torch.gather(payload, 1, order))


def test_values_alone_sort_as_they_are():
    x = torch.randn(6, 12)
    code = sort_rows.bind((x, False)).to_triton_code()
    assert "bitcast" in code  # the indices are stored
    code = row_fn.bind((x, CASES["sort"])).to_triton_code()
    assert "bitcast" not in code and code.count("tl.sort(") == 2


def test_sort_and_topk_of_int64_give_values():
    # no indices for 64-bit elements (test_error_table.py), but their values are fine
    x = torch.randint(-50, 50, (6, 16))
    topk = lambda v: (  # noqa: E731
        v
        - torch.topk(v, 4, -1).values.sum(-1, keepdim=True)
        + torch.topk(v, 2, dim=1, largest=False)[0].sum(-1, keepdim=True)
    )
    for fn in (CASES["sort"], topk):
        torch.testing.assert_close(row_fn(x, fn), fn(x))


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


def einsum_kernel(equation: str):
    @helion.kernel(autotune_effort="none")
    def whole(a: torch.Tensor, b: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(like)
        for _ in hl.grid(1):
            out[...] = torch.einsum(equation, a[...], b[...])
        return out

    return whole


@pytest.mark.parametrize(
    ("equation", "a_shape", "b_shape"),
    [
        ("ik,kj->ij", (16, 32), (32, 16)),
        ("ik,jk->ij", (16, 32), (16, 32)),
        ("ki,kj->ij", (32, 16), (32, 16)),
        ("ik,kj->ji", (16, 32), (32, 16)),
        ("bik,bkj->bij", (2, 16, 32), (2, 32, 16)),
        ("bik,bjk->bij", (2, 16, 32), (2, 16, 32)),
    ],
)
def test_einsum_of_a_matmul(equation, a_shape, b_shape):
    a, b = torch.randn(a_shape), torch.randn(b_shape)
    want = torch.einsum(equation, a, b)
    got = einsum_kernel(equation)(a, b, want)
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("equation", ["ij,ij->ij", "ij,jk->ijk", "ij,jk"])
def test_einsum_beyond_a_matmul_is_an_error(equation):
    a = torch.randn(16, 16)
    with pytest.raises(exc.TorchOpError, match="einsum") as info:
        einsum_kernel(equation)(a, a, a)
    assert "test_torch_ops.py" in str(info.value)


@helion.kernel()
def nan_extremes(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0), 5], dtype=x.dtype, device=x.device)
    for tm in hl.tile(x.size(0)):
        row, other = x[tm, :], y[tm, :]
        out[tm, 0] = torch.amax(row, dim=-1)
        out[tm, 1] = torch.amin(row, dim=-1)
        out[tm, 2] = torch.sum(torch.maximum(row, other), dim=-1)
        out[tm, 3] = torch.sum(torch.minimum(row, other), dim=-1)
        out[tm, 4] = torch.sum(torch.clamp(torch.relu(row), max=1.0), dim=-1)
    return out


@pytest.mark.parametrize("chunk", [None, 16])
def test_max_and_min_keep_nan_as_torch_does(chunk):
    """torch.amax/amin, maximum/minimum, relu and clamp give NaN for NaN lanes (Triton's
    max and min skip NaN unless asked not to)."""
    x, y = torch.randn(6, 40), torch.randn(6, 40)
    x[1, 5] = x[3, 33] = float("nan")
    x[4, :16] = float("-inf")
    x[4, 3] = float("nan")
    want = torch.stack(
        [
            x.amax(-1),
            x.amin(-1),
            torch.maximum(x, y).sum(-1),
            torch.minimum(x, y).sum(-1),
            x.relu().clamp(max=1.0).sum(-1),
        ],
        dim=1,
    )
    bound = nan_extremes.bind((x, y))
    config = {"reduction_loops": [chunk], "block_sizes": [2]}
    torch.testing.assert_close(bound.compile_config(config)(x, y), want, equal_nan=True)
    code = bound.to_triton_code(config)
    assert "tl.max(" not in code and "tl.min(" not in code
    assert code.count("propagate_nan=tl.PropagateNan.ALL") >= 4


@helion.kernel()
def divisions(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, ...]:
    o0, o1, o2 = torch.empty_like(x), torch.empty_like(x), torch.empty_like(x)
    o3, o4, o5 = torch.empty_like(x), torch.empty_like(x), torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        a, b = x[t], y[t]
        o0[t] = a // b
        o1[t] = a % b
        o2[t] = torch.div(a, b, rounding_mode="trunc")
        o3[t] = torch.div(a, b, rounding_mode="floor")
        o4[t] = torch.floor_divide(a, 3)
        o5[t] = torch.remainder(a, -3)
    return o0, o1, o2, o3, o4, o5


def _division_operands(dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    if not dtype.is_floating_point:
        x = torch.arange(-20, 20, dtype=dtype)
        return x, torch.tensor([-7, -3, -2, -1, 1, 2, 3, 7], dtype=dtype).repeat(5)
    # multiples of 0.1 over 0.1: quotients a float32 division rounds up to the integer
    # above the true one (1.0 / 0.1 is 10 in float32, 1.0 // 0.1 is 9), signs mixed,
    # zero divisors (inf and nan, as torch gives them) and random values
    tenths = torch.arange(-12, 12, dtype=dtype) / 10
    x = torch.cat([tenths, torch.randn(24, dtype=dtype) * 5, torch.tensor([1.0, -1.0, 0.0, -0.0])])
    y = torch.cat(
        [
            torch.full((24,), 0.1, dtype=dtype) * torch.tensor([1.0, -1.0]).repeat(12),
            torch.randn(24, dtype=dtype),
            torch.tensor([0.0, 0.0, 0.0, 3.0]),
        ]
    ).to(dtype)
    return x, y


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int32, torch.int64])
def test_divisions_round_as_torch_does(dtype):
    """`//`, `%`, `torch.div`'s rounding modes, floor_divide and remainder, to the bit:
    truncating divisions used to floor, and float floor division was floor(a / b)."""
    x, y = _division_operands(dtype)
    got = divisions.bind((x, y)).compile_config({"block_sizes": [16]})(x, y)
    want = [
        x // y,
        x % y,
        torch.div(x, y, rounding_mode="trunc"),
        torch.div(x, y, rounding_mode="floor"),
        torch.floor_divide(x, 3),
        torch.remainder(x, -3),
    ]
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w, rtol=0, atol=0, equal_nan=True)
