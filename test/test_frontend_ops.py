"""Device-code operations against PyTorch on the CPU: reductions over a dim, pointwise
torch ops through the decompositions, the matmul spellings, creation ops and runtime
scalars, each under persistent and rolled configs where a reduction is involved."""

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def row_stats(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, 3], dtype=torch.float32, device=x.device)
    for tm in hl.tile(m):
        row = x[tm, :]
        out[tm, 0] = row.sum(-1)
        out[tm, 1] = torch.amax(row, dim=1)
        out[tm, 2] = row.mean(dim=-1)
    return out


@helion.kernel()
def rms_norm(x: torch.Tensor, eps: float) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    for tm in hl.tile(m):
        v = x[tm, :].to(torch.float32)
        var = (v * v).mean(-1, keepdim=True)
        out[tm, :] = (v * torch.rsqrt(var + eps)).to(x.dtype)
    return out


@helion.kernel()
def pointwise(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm, tn in hl.tile(x.size()):
        v = x[tm, tn]
        a = torch.where(v > 0, v, -v * 0.5) + torch.relu(v).sigmoid()
        b = torch.nn.functional.gelu(v) - torch.nn.functional.silu(v) + torch.exp(-(v * v))
        out[tm, tn] = a * b + torch.clamp(v, min=-0.5, max=0.5) / 3
    return out


@helion.kernel()
def matmul_at(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = y.size()
    out = torch.empty([m, n], dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile([m, n]):
        acc = hl.full([tm, tn], 0.0, dtype=torch.float32)
        for tk in hl.tile(k):
            acc = acc + x[tm, tk] @ y[tk, tn]
        out[tm, tn] = acc
    return out


@helion.kernel()
def matmul_torch(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = y.size()
    out = torch.empty([m, n], dtype=torch.float32, device=x.device)
    for tm, tn in hl.tile([m, n]):
        acc = hl.zeros([tm, tn])
        for tk in hl.tile(k):
            acc = hl.dot(x[tm, tk], y[tk, tn], acc=acc)
        out[tm, tn] = acc + torch.matmul(x[tm, :], y[:, tn])
    return out


@helion.kernel()
def column_sum(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([n], dtype=x.dtype, device=x.device)
    for tn in hl.tile(n):
        acc = hl.zeros([tn], dtype=torch.float32)
        for tm in hl.tile(m):
            acc += x[tm, tn].sum(0)
        out[tn] = acc
    return out


@helion.kernel()
def axpy(x: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = alpha * x[t] + y[t]
    return out


ROLLED_AND_PERSISTENT = [
    {"block_sizes": [1], "reduction_loops": [None]},
    {"block_sizes": [4], "reduction_loops": [None]},
    {"block_sizes": [2], "reduction_loops": [16]},
    {"block_sizes": [8], "reduction_loops": [64]},
]


@pytest.mark.parametrize("config", ROLLED_AND_PERSISTENT)
def test_sum_amax_mean_over_a_dim(config):
    x = torch.randn(13, 100)
    expected = torch.stack([x.sum(-1), x.amax(1), x.mean(-1)], dim=1)
    out = row_stats.bind((x,)).compile_config(config)(x)
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("config", ROLLED_AND_PERSISTENT)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_rms_norm(config, dtype):
    x = torch.randn(9, 300, dtype=dtype)
    v = x.float()
    expected = (v * torch.rsqrt((v * v).mean(-1, keepdim=True) + 1e-5)).to(dtype)
    torch.testing.assert_close(rms_norm.bind((x, 1e-5)).compile_config(config)(x, 1e-5), expected)


def test_runtime_float_is_an_argument_not_a_constant():
    x, y = torch.randn(50), torch.randn(50)
    torch.testing.assert_close(axpy(x, y, 2.5), 2.5 * x + y)
    torch.testing.assert_close(axpy(x, y, -1.0), -x + y)
    assert len(axpy._bound) == 1  # one specialization serves both values
    assert "alpha" in axpy.bind((x, y, 0.0)).to_triton_code()


def test_pointwise_torch_ops():
    x = torch.randn(30, 40)
    v = x
    a = torch.where(v > 0, v, -v * 0.5) + torch.relu(v).sigmoid()
    b = torch.nn.functional.gelu(v) - torch.nn.functional.silu(v) + torch.exp(-(v * v))
    expected = a * b + torch.clamp(v, min=-0.5, max=0.5) / 3
    torch.testing.assert_close(pointwise(x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("block_sizes", [[16, 16, 16], [32, 16, 64]])
def test_matmul_operator_with_hl_full(block_sizes):
    x, y = torch.randn(40, 30), torch.randn(30, 20)
    out = matmul_at.bind((x, y)).compile_config({"block_sizes": block_sizes})(x, y)
    torch.testing.assert_close(out, x @ y, rtol=1e-4, atol=1e-4)


def test_hl_dot_and_torch_matmul_over_a_full_slice():
    x, y = torch.randn(20, 24), torch.randn(24, 18)
    torch.testing.assert_close(matmul_torch(x, y), 2 * (x @ y), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("block_sizes", [[16, 4], [32, 128], [8, 16]])
def test_reduction_over_a_tile_loop(block_sizes):
    x = torch.randn(70, 45)
    out = column_sum.bind((x,)).compile_config({"block_sizes": block_sizes})(x)
    torch.testing.assert_close(out, x.sum(0), rtol=1e-5, atol=1e-5)


@helion.kernel()
def column_sums_of_row_blocks(x: torch.Tensor) -> torch.Tensor:
    """Each block of rows sums its columns in a full-width accumulator made with
    `torch.zeros([n])`, carried across a loop over the block's rows."""
    m, n = x.size()
    block = hl.register_block_size(m)
    out = torch.empty([helion.cdiv(m, block), n], dtype=torch.float32, device=x.device)
    for tb in hl.tile(m, block_size=block):
        acc = torch.zeros([n], dtype=torch.float32, device=x.device)
        for tm in hl.tile(tb.begin, tb.end):
            acc = acc + x[tm, :].sum(0)
        out[tb.id, :] = acc
    return out


@pytest.mark.parametrize("n", [16, 12])  # a `:` dim of a power-of-two size, and padded
@pytest.mark.parametrize("block_sizes", [[4, 2], [8, 8], [2, 1]])
def test_int_sized_creation_is_the_full_dim_of_that_size(n, block_sizes):
    x = torch.randn(10, n)
    got = column_sums_of_row_blocks.bind((x,)).compile_config(
        helion.Config(block_sizes=block_sizes)
    )(x)
    block = block_sizes[0]
    want = torch.stack([x[i : i + block].sum(0) for i in range(0, 10, block)])
    torch.testing.assert_close(got, want)


CREATIONS = {
    "torch.zeros": "torch.zeros([tm, n], dtype=torch.float32, device=x.device)",
    "torch.ones": "torch.ones(tm, n, device=x.device) - 1",
    "torch.full": "torch.full([tm, n], 2.0, device=x.device) - 2",
    "torch.empty": "torch.empty([tm, n], device=x.device) * 0",
    "host new_zeros": "x.new_zeros([tm, n])",
    "device new_full": "row.new_full([tm, 1], 3) - 3",
    "device new_ones of [n]": "row.new_ones(n) - 1",
    "torch.full of a runtime scalar": "torch.full([tm, n], s, device=x.device) - s",
    "torch.empty_like": "torch.empty_like(row) * 0",
    "torch.full_like": "torch.full_like(row, 2.0) - 2",
}


@pytest.mark.parametrize("name", CREATIONS)
def test_torch_creation_in_device_code(name, tmp_path):
    src = f"""
import torch
import helion_mlir as helion
import helion_mlir.language as hl

@helion.kernel()
def k(x: torch.Tensor, s: float) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    for tm in hl.tile(m):
        row = x[tm, :]
        out[tm, :] = row + {CREATIONS[name]}
    return out
"""
    path = tmp_path / "creation_kernel.py"
    path.write_text(src)
    import importlib.util

    spec = importlib.util.spec_from_file_location("creation_kernel", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = torch.randn(6, 12)
    torch.testing.assert_close(module.k(x, 0.5), x)


def test_creation_dtypes_follow_torch():
    @helion.kernel()
    def k(x: torch.Tensor) -> torch.Tensor:
        out = torch.empty([x.size(0), 4], dtype=torch.float32, device=x.device)
        for tm in hl.tile(x.size(0)):
            made = (
                torch.full([tm], 2, device=x.device),  # int64, as torch makes it
                x[tm].new_ones([tm]),  # the receiver's dtype
                torch.zeros([tm], dtype=torch.int32, device=x.device),
                torch.full([tm], True, device=x.device),
            )
            wanted = (torch.int64, torch.float16, torch.int32, torch.bool)
            for i, (t, dtype) in enumerate(zip(made, wanted)):
                out[tm, i] = t.to(torch.float32) + (0.0 if t.dtype == dtype else 100.0)
        return out

    got = k(torch.randn(5, dtype=torch.float16))
    torch.testing.assert_close(got, torch.tensor([2.0, 1.0, 0.0, 1.0]).expand(5, 4))


def test_creation_rejects_unknown_keywords():
    @helion.kernel()
    def k(x: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        for tm in hl.tile(x.size(0)):
            out[tm] = x[tm] + torch.zeros([tm], names=None)
        return out

    with pytest.raises(helion.exc.TypeMismatch, match=r"torch.zeros\(\) in device code.*names"):
        k(torch.randn(4))


def test_creation_filled_with_a_tensor_is_an_error_at_its_line():
    @helion.kernel()
    def k(x: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        for tm in hl.tile(x.size(0)):
            out[tm] = torch.full([tm], x[tm])
        return out

    with pytest.raises(helion.exc.TypeMismatch, match="got a tensor") as info:
        k(torch.randn(4))
    assert "out[tm] = torch.full([tm], x[tm])" in str(info.value)


@helion.kernel(config=helion.Config(block_sizes=[4]))
def optional_bias(x: torch.Tensor, bias: torch.Tensor | None, mode: str) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        v = x[t]
        if bias is not None:
            v = v + bias[t]
        if mode in ("double", "twice"):
            v = v * 2
        if mode not in ("double",) and bias is None:
            v = v - 1
        out[t] = v
    return out


def test_identity_and_membership_are_decided_while_compiling():
    """`is`, `is not`, `in` and `not in` on compile-time values (None arguments,
    strings) choose the code, each choice its own specialization."""
    x, bias = torch.randn(8), torch.randn(8)
    for b, mode, want in (
        (None, "double", x * 2),
        (bias, "double", (x + bias) * 2),
        (None, "none", x - 1),
        (bias, "twice", (x + bias) * 2),
    ):
        torch.testing.assert_close(optional_bias(x, b, mode), want)


def _line_of(info: pytest.ExceptionInfo[Exception], text: str) -> None:
    assert text in str(info.value), str(info.value)


def test_identity_of_device_values_is_an_error_at_its_line():
    @helion.kernel(config=helion.Config(block_sizes=[4]))
    def same(x: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        for t in hl.tile(x.size(0)):
            v = x[t]
            out[t] = v if v is v else v
        return out

    with pytest.raises(helion.exc.UnsupportedSyntax, match="compare device values with ==") as info:
        same(torch.randn(8))
    _line_of(info, "out[t] = v if v is v else v")


def test_python_containers_cannot_be_indexed_by_device_values():
    coef = [1.0, 2.0, 3.0, 4.0]

    @helion.kernel(config=helion.Config())
    def scale(x: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        for i in hl.grid(x.size(0)):
            out[i] = x[i] * coef[i]
        return out

    @helion.kernel(config=helion.Config(block_sizes=[4]))
    def add_list(x: torch.Tensor, ys: list[torch.Tensor]) -> torch.Tensor:
        out = torch.empty_like(x)
        for t in hl.tile(x.size(0)):
            out[t] = x[t] + ys[0][t]
        return out

    with pytest.raises(helion.exc.InvalidIndex, match="put the values in a tensor") as info:
        scale(torch.randn(4))
    _line_of(info, "coef[i]")
    with pytest.raises(helion.exc.InvalidArgument, match="not a kernel argument") as info:
        add_list(torch.randn(8), [torch.randn(8)])
    _line_of(info, "ys[0][t]")


@pytest.mark.parametrize("dtype", [torch.int32, torch.int64])
def test_matmul_of_wide_ints_is_an_error_before_triton(dtype):
    @helion.kernel(config=helion.Config(block_sizes=[16, 16]))
    def mm(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        out = torch.empty([x.size(0), y.size(1)], dtype=x.dtype)
        for tm, tn in hl.tile([x.size(0), y.size(1)]):
            out[tm, tn] = x[tm, :] @ y[:, tn]
        return out

    x = torch.randint(-3, 3, (16, 16), dtype=dtype)
    with pytest.raises(helion.exc.TypeMismatch, match="cast the operands first") as info:
        mm(x, x)
    _line_of(info, "x[tm, :] @ y[:, tn]")


def test_constant_tensors_in_device_code_are_an_error():
    @helion.kernel(config=helion.Config(block_sizes=[4]))
    def scale(x: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        for t in hl.tile(x.size(0)):
            out[t] = x[t] * torch.tensor(2.0)
        return out

    with pytest.raises(helion.exc.TorchOpError, match="use a Python number"):
        scale(torch.randn(8))


def test_hl_calls_run_as_python_say_where_they_belong():
    @helion.kernel(config=helion.Config(block_sizes=[4]))
    def early_barrier(x: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        hl.barrier()
        for t in hl.tile(x.size(0)):
            out[t] = x[t]
        return out

    with pytest.raises(helion.exc.NotInsideKernel, match="between two top-level device loops"):
        early_barrier(torch.randn(8))
    with pytest.raises(helion.exc.NotInsideKernel, match="inside an hl.tile or hl.grid loop"):
        hl.zeros([4])


@helion.kernel(config=helion.Config(block_sizes=[4]))
def unicode_names(α: torch.Tensor) -> torch.Tensor:
    β = torch.empty_like(α)
    for τ in hl.tile(α.size(0)):
        γ = α[τ] * 2
        β[τ] = γ
    return β


def test_unicode_names_outside_ascii_compile():
    """Python identifiers may be any letters; xDSL's value names take ASCII only."""
    x = torch.randn(8)
    torch.testing.assert_close(unicode_names(x), x * 2)


@helion.kernel(config=helion.Config(block_sizes=[4]))
def cat_rows(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0), 2 * x.size(1)])
    for tm in hl.tile(x.size(0)):
        out[tm, :] = torch.cat([x[tm, :], y[tm, :]], dim=-1)
    return out


@helion.kernel(config=helion.Config(block_sizes=[4]))
def reshape_rows(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0)])
    for tm in hl.tile(x.size(0)):
        out[tm] = x[tm, :].reshape(-1, 4, 4).sum(-1).sum(-1)
    return out


def test_messages_about_block_dims_say_what_the_dim_is():
    """torch.cat along a ':' dim, and a reshape merging block dims: the messages name
    the dim's kind, and the traced stand-in sizes, rather than contradict themselves."""
    x = torch.randn(8, 16)
    with pytest.raises(helion.exc.TorchOpError, match="is a tile or ':' dim"):
        cat_rows(x, x)
    with pytest.raises(helion.exc.TorchOpError, match="stand-in sizes for the block dims"):
        reshape_rows(x)


def test_tensors_inside_a_list_argument_are_named_as_such():
    @helion.kernel(config=helion.Config(block_sizes=[4]))
    def add_pair(xs: list[torch.Tensor]) -> torch.Tensor:
        out = torch.empty_like(xs[0])
        for t in hl.tile(out.size(0)):
            out[t] = xs[0][t] + xs[1][t]
        return out

    with pytest.raises(helion.exc.InvalidArgument, match="pass each tensor as an argument"):
        add_pair([torch.randn(8), torch.randn(8)])
