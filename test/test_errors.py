"""User mistakes raise `helion_mlir.exc` errors whose text names the kernel's file and
the offending line. The kernels live at the top of this file on purpose: the compiler
reads their source with `inspect`."""

from __future__ import annotations

import inspect

import pytest
import torch
from test_error_table import k_host_assert, k_too_many_indices, k_two_loops_mixed, k_undefined

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc

# -- kernels with mistakes ----------------------------------------------------------


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
    where = inspect.getsourcefile(kernel.fn)
    assert f'File "{where}", line {line_of(kernel, snippet)}' in msg, msg
    assert snippet in msg, msg


def compile_error(kernel, *args) -> exc.HelionError:
    with pytest.raises(exc.HelionError) as info:
        kernel(*args)
    return info.value


# -- compile errors with locations --------------------------------------------------------


def test_error_caret_under_the_offending_expression():
    err = compile_error(k_undefined, torch.randn(8))
    lines = str(err).splitlines()
    text = next(i for i, row in enumerate(lines) if "nowhere" in row and "+" in row)
    caret = lines[text + 1]
    assert caret.strip() == "^"
    assert lines[text][caret.index("^") :].startswith("nowhere")


def test_compile_errors_are_not_cached_as_success():
    # a failing specialization fails again (no half-built BoundKernel is kept)
    for _ in range(2):
        err = compile_error(k_too_many_indices, torch.randn(8))
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
        k_two_loops_mixed(torch.randn(8), torch.randn(4))
    assert_points_at(info.value, k_two_loops_mixed, "out[t] = x[t] + y[t2]")
    assert "1009" not in str(info.value) and "1013" not in str(info.value)


def test_host_assert_failure_is_a_compile_error():
    err = compile_error(k_host_assert, torch.randn(8), torch.randn(6))
    assert_helion_error(err, exc.CompileError)
    assert "sizes differ" in str(err)
    assert isinstance(err.__cause__, AssertionError)


def test_host_assert_failure_points_at_the_assert():
    err = compile_error(k_host_assert, torch.randn(8), torch.randn(6))
    assert_points_at(err, k_host_assert, "assert x.size(0) == y.size(0)")


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
