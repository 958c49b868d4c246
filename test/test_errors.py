"""User mistakes raise `helion_mlir.exc` errors whose text names the kernel's file and
the offending line. The kernels live at the top of this file on purpose: the compiler
reads their source with `inspect`."""

from __future__ import annotations

import inspect

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc

# -- kernels with mistakes ----------------------------------------------------------


@helion.kernel()
def no_device_loop(x):
    out = torch.empty_like(x)
    out.copy_(x)
    return out


@helion.kernel()
def undefined_name(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + not_defined_anywhere  # noqa: F821
    return out


@helion.kernel()
def with_in_device(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        with torch.no_grad():
            out[t] = x[t]
    return out


@helion.kernel()
def try_in_device(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        try:
            out[t] = x[t]
        except Exception:
            pass
    return out


@helion.kernel()
def too_many_indices(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, t]
    return out


@helion.kernel()
def host_tensor_in_math(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + x
    return out


@helion.kernel()
def matmul_inner_mismatch(x, y):
    m, k = x.size()
    out = torch.empty([m, m], device=x.device)
    for tm, tn in hl.tile([m, m]):
        acc = hl.zeros([tm, tn], dtype=torch.float32)
        for tk in hl.tile(k):
            acc = torch.addmm(acc, x[tm, tk], y[tn, tk])
        out[tm, tn] = acc
    return out


@helion.kernel()
def store_wrong_shape(x):
    m, n = x.size()
    out = torch.empty([m], device=x.device)
    for tm, tn in hl.tile([m, n]):
        out[tm] = x[tm, tn]
    return out


@helion.kernel()
def device_value_read_on_host(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        doubled = x[t] * 2
        out[t] = doubled
    return doubled


@helion.kernel()
def host_value_reassigned_on_device(x):
    out = torch.empty_like(x)
    scale = 3.0
    for t in hl.tile(x.size(0)):
        scale = 4.0
        out[t] = x[t]
    return out * scale


@helion.kernel()
def store_float_into_int(x):
    out = torch.empty(x.size(0), dtype=torch.int32)
    for t in hl.tile(x.size(0)):
        out[t] = x[t]
    return out


@helion.kernel()
def add_tiles_of_two_loops(x, y):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        for t2 in hl.tile(y.size(0)):
            out[t] = x[t] + y[t2]
    return out


@helion.kernel()
def host_assert_fails(x, y):
    n = x.size(0)
    m = y.size(0)
    assert n == m, f"sizes differ: {n} != {m}"
    out = torch.empty_like(x)
    for t in hl.tile(n):
        out[t] = x[t] + y[t]
    return out


@helion.kernel()
def ok_kernel(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] * 3
    return out


# -- helpers ----------------------------------------------------------------------------


def line_of(kernel, snippet: str) -> int:
    """The file line number of the one line of `kernel` containing `snippet`."""
    lines, start = inspect.getsourcelines(kernel.fn)
    hits = [start + i for i, line in enumerate(lines) if snippet in line]
    assert len(hits) == 1, (snippet, hits)
    return hits[0]


def assert_helion_error(err: BaseException, cls: type[exc.HelionError]) -> None:
    assert isinstance(err, cls), type(err)
    assert type(err).__module__ == "helion_mlir.exc"
    assert not any(t.__module__.startswith("xdsl") for t in type(err).__mro__)


def assert_points_at(err: BaseException, kernel, snippet: str) -> None:
    """`str(err)` names this file, the line of `kernel` holding `snippet`, and its text."""
    msg = str(err)
    assert f'File "{__file__}", line {line_of(kernel, snippet)}' in msg, msg
    assert snippet in msg, msg


def compile_error(kernel, *args) -> exc.HelionError:
    with pytest.raises(exc.HelionError) as info:
        kernel(*args)
    return info.value


# -- compile errors with locations --------------------------------------------------------

CASES = [
    # kernel, args, error class, the offending line (a unique part of it), message part
    (no_device_loop, (8,), exc.NoDeviceLoop, "def no_device_loop(x):", "no_device_loop"),
    (
        undefined_name,
        (8,),
        exc.UndefinedName,
        "x[t] + not_defined_anywhere",
        "not_defined_anywhere",
    ),
    (with_in_device, (8,), exc.UnsupportedSyntax, "with torch.no_grad():", "With"),
    (try_in_device, (8,), exc.UnsupportedSyntax, "try:", "Try"),
    (too_many_indices, (8,), exc.InvalidIndex, "out[t] = x[t, t]", "too many indices"),
    (host_tensor_in_math, (8,), exc.TypeMismatch, "out[t] = x[t] + x", "host tensor"),
    (
        matmul_inner_mismatch,
        ((16, 16), (16, 16)),
        exc.ShapeMismatch,
        "torch.addmm(acc, x[tm, tk], y[tn, tk])",
        "inner dims",
    ),
    (store_wrong_shape, ((8, 4),), exc.ShapeMismatch, "out[tm] = x[tm, tn]", "store"),
    (device_value_read_on_host, (8,), exc.CompileError, "return doubled", "'doubled'"),
]


@pytest.mark.parametrize(
    ("kernel", "shapes", "cls", "line", "words"), CASES, ids=[c[0].__name__ for c in CASES]
)
def test_compile_error(kernel, shapes, cls, line, words):
    shapes = shapes if isinstance(shapes[0], tuple) else (shapes,)
    err = compile_error(kernel, *[torch.randn(s) for s in shapes])
    assert_helion_error(err, cls)
    assert_points_at(err, kernel, line)
    assert words in str(err)
    assert err.location is not None and err.location.line == line_of(kernel, line)


def test_error_caret_under_the_offending_expression():
    err = compile_error(undefined_name, torch.randn(8))
    lines = str(err).splitlines()
    text = next(i for i, row in enumerate(lines) if "not_defined_anywhere" in row and "+" in row)
    caret = lines[text + 1]
    assert caret.strip() == "^"
    assert lines[text][caret.index("^") :].startswith("not_defined_anywhere")


def test_compile_errors_are_not_cached_as_success():
    # a failing specialization fails again (no half-built BoundKernel is kept)
    for _ in range(2):
        err = compile_error(too_many_indices, torch.randn(8))
        assert isinstance(err, exc.InvalidIndex)


def test_host_variable_reassigned_on_device():
    x = torch.ones(8)
    with pytest.raises(exc.CompileError) as info:
        host_value_reassigned_on_device(x)
    assert_points_at(info.value, host_value_reassigned_on_device, "scale = 4.0")


def test_store_into_other_dtype():
    x = torch.randn(8) * 10
    try:
        out = store_float_into_int(x)
    except exc.TypeMismatch as e:
        assert_points_at(e, store_float_into_int, "out[t] = x[t]")
    else:
        torch.testing.assert_close(out, x.to(torch.int32), rtol=0, atol=0)


def test_elementwise_tile_mismatch():
    with pytest.raises(exc.ShapeMismatch) as info:
        add_tiles_of_two_loops(torch.randn(8), torch.randn(4))
    assert_points_at(info.value, add_tiles_of_two_loops, "out[t] = x[t] + y[t2]")
    assert "1009" not in str(info.value) and "1013" not in str(info.value)


def test_host_assert_failure_is_a_compile_error():
    err = compile_error(host_assert_fails, torch.randn(8), torch.randn(6))
    assert_helion_error(err, exc.CompileError)
    assert "sizes differ: 8 != 6" in str(err)
    assert isinstance(err.__cause__, AssertionError)


def test_host_assert_failure_points_at_the_assert():
    err = compile_error(host_assert_fails, torch.randn(8), torch.randn(6))
    assert_points_at(err, host_assert_fails, "assert n == m")


# -- errors outside compilation ------------------------------------------------------------


def test_hl_outside_kernel():
    with pytest.raises(exc.NotInsideKernel, match=r"hl\.tile\(\)") as info:
        hl.tile(4)
    assert_helion_error(info.value, exc.NotInsideKernel)
    with pytest.raises(exc.NotInsideKernel, match=r"hl\.zeros\(\)"):
        hl.zeros([4])
    # running the kernel's body as plain Python reaches hl.tile
    with pytest.raises(exc.NotInsideKernel):
        ok_kernel.fn(torch.randn(4))


@pytest.mark.parametrize("nargs", [0, 2, 3])
def test_wrong_number_of_arguments(nargs):
    with pytest.raises(exc.InvalidArgument) as info:
        ok_kernel(*[torch.randn(4)] * nargs)
    assert_helion_error(info.value, exc.InvalidArgument)
    msg = str(info.value)
    assert "ok_kernel()" in msg and "(x)" in msg and f"got {nargs}" in msg


def test_right_number_of_arguments_runs():
    x = torch.randn(7)
    torch.testing.assert_close(ok_kernel(x), x * 3, rtol=0, atol=0)


def test_unknown_kernel_setting():
    with pytest.raises(exc.InvalidArgument) as info:
        helion.kernel(static_shape=True)
    assert_helion_error(info.value, exc.InvalidArgument)
    msg = str(info.value)
    assert "'static_shape'" in msg
    assert "static_shapes" in msg  # lists the known ones


def test_settings_and_setting_values_are_exclusive():
    with pytest.raises(exc.InvalidArgument, match="settings="):
        helion.kernel(settings=helion.Settings(), print_output_code=True)


def test_kernel_of_a_kernel():
    with pytest.raises(exc.InvalidArgument, match="already a kernel"):
        helion.kernel(ok_kernel)


def test_invalid_config_on_call():
    k = helion.kernel(config={"block_sizes": [3]})(ok_kernel.fn)
    with pytest.raises(exc.InvalidConfig) as info:
        k(torch.randn(8))
    assert_helion_error(info.value, exc.InvalidConfig)
    assert "block_sizes[0] = 3" in str(info.value)
