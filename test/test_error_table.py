"""One table of bad kernels, one per row: each raises its `helion_mlir.exc` class, the
message names this file and the offending line, and what the user sees is one error
whose traceback holds their own frames, not the compiler's (`HELION_MLIR_DEBUG=1`
shows those). The kernels are at the top level: the compiler reads their source."""

from __future__ import annotations

import inspect
import os
import traceback

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc

PACKAGE = os.path.dirname(os.path.abspath(helion.__file__))
GLOBAL_ONE = 1.0


# fmt: off
@helion.kernel()
def k_no_loop(x):
    return x * 2


@helion.kernel()
def k_undefined(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + nowhere  # noqa: F821
    return out


@helion.kernel()
def k_bad_attribute(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t].no_such_method()
    return out


@helion.kernel()
def k_with(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        with torch.no_grad():
            out[t] = x[t]
    return out


@helion.kernel()
def k_try(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        try:
            out[t] = x[t]
        finally:
            pass
    return out


@helion.kernel()
def k_for_else(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        for _ in range(2):
            out[t] = x[t]
        else:
            out[t] = x[t]
    return out


@helion.kernel()
def k_chained_assign(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        a = b = x[t]
        out[t] = a + b
    return out


@helion.kernel()
def k_tile_not_in_for(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        tiles = hl.tile(x.size(0))
        out[t] = x[t] + tiles
    return out


@helion.kernel()
def k_unpack_count(x):
    out = torch.empty_like(x)
    for a, b in hl.tile(x.size(0)):
        out[a] = x[b]
    return out


@helion.kernel()
def k_while_forever(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        while True:
            out[t] = x[t]
    return out


@helion.kernel()
def k_if_on_tile(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        if x[t] > 0:
            out[t] = x[t]
    return out


@helion.kernel()
def k_too_many_indices(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, t]
    return out


@helion.kernel()
def k_partial_slice(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t, :] = x[t, 1:]
    return out


@helion.kernel()
def k_float_index(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[x[t]]
    return out


@helion.kernel()
def k_int_out_of_range(x):
    out = torch.empty([x.size(0)], dtype=x.dtype, device=x.device)
    for t in hl.tile(x.size(0)):
        out[t] = x[t, 9]
    return out


@helion.kernel()
def k_store_none(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t, None] = x[t]
    return out


@helion.kernel()
def k_store_to_device_value(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        y = x[t] * 2
        y[t] = x[t]
        out[t] = y
    return out


@helion.kernel()
def k_tile_past_tensor(x, y):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + y[t]
    return out


@helion.kernel()
def k_inner_dims(x, y):
    out = torch.empty([x.size(0), y.size(1)], dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile([x.size(0), y.size(1)]):
        acc = hl.zeros([tm, tn], dtype=torch.float32)
        for tk in hl.tile(x.size(1)):
            acc = torch.addmm(acc, x[tm, tk], y[tn, tk])
        out[tm, tn] = acc
    return out


@helion.kernel()
def k_store_wrong_shape(x):
    out = torch.empty([x.size(0)], dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile(x.size()):
        out[tm] = x[tm, tn]
    return out


@helion.kernel()
def k_two_loops_mixed(x, y):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        for t2 in hl.tile(y.size(0)):
            out[t] = x[t] + y[t2]
    return out


@helion.kernel()
def k_arange_not_pow2(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + hl.arange(6).sum()
    return out


@helion.kernel()
def k_host_tensor_in_math(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + x
    return out


@helion.kernel()
def k_complex_math(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] * 1j
    return out


@helion.kernel()
def k_atomic_xor_float(x):
    out = torch.zeros_like(x)
    for t in hl.tile(x.size(0)):
        hl.atomic_xor(out, [t], x[t])
    return out


@helion.kernel()
def k_atomic_cas_bool(x):
    flags = torch.zeros(x.size(), dtype=torch.bool, device=x.device)
    for t in hl.tile(x.size(0)):
        hl.atomic_cas(flags, [t], False, x[t] > 0)
    return x


@helion.kernel()
def k_sort_indices_int64(x):
    order = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        _, i = torch.sort(x[t, :].to(torch.int64), dim=-1)
        order[t, :] = i
    return order


@helion.kernel()
def k_sort_first_dim(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(1)):
        out[:, t] = torch.sort(x[:, t], dim=0).values
    return out


@helion.kernel()
def k_reassign_host(x):
    out = torch.empty_like(x)
    n = x.size(0)
    for t in hl.tile(x.size(0)):
        n = 3
        out[t] = x[t] * n
    return out


@helion.kernel()
def k_read_device_on_host(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        doubled = x[t] * 2
        out[t] = doubled
    return doubled


@helion.kernel()
def k_torch_op_fails(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = torch.matmul(x[t], x[t])
    return out


@helion.kernel()
def k_unsupported_torch_op(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = torch.fft.fft(x[t]).real
    return out


@helion.kernel()
def k_host_assert(x, y):
    assert x.size(0) == y.size(0), "sizes differ"
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + y[t]
    return out


@helion.kernel()
def k_undefined_on_some_paths(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        for i in range(2):
            if i == 1:
                y = x[t]
        out[t] = y
    return out


@helion.kernel()
def k_bad_load_policy(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = hl.load(x, [t], eviction_policy="evict_sometimes")
    return out


@helion.kernel()
def k_tile_after_its_loop(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        for t2 in hl.tile(x.size(1)):
            out[t, t2] = x[t, t2]
        out[t, t2] = x[t, t2] * 2
    return out


@helion.kernel()
def k_tile_read_on_host(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t]
    print(t)
    return out


@helion.kernel()
def k_nested_kernel_call(x):
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = k_no_loop(x[t])
    return out
# fmt: on


def v(*shape):
    return lambda: (torch.randn(*shape),)


def v2(a, b):
    return lambda: (torch.randn(*a), torch.randn(*b))


# kernel, arguments, error class, a unique part of the offending line[, message words]
TABLE = [
    (k_no_loop, v(8), exc.NoDeviceLoop, "def k_no_loop(x):", "k_no_loop"),
    (k_undefined, v(8), exc.UndefinedName, "x[t] + nowhere", "nowhere"),
    (k_bad_attribute, v(8), exc.TorchOpError, "x[t].no_such_method()"),
    (k_with, v(8), exc.UnsupportedSyntax, "with torch.no_grad():", "With"),
    (k_try, v(8), exc.UnsupportedSyntax, "try:", "Try"),
    (k_for_else, v(8), exc.UnsupportedSyntax, "for _ in range(2):"),
    (k_chained_assign, v(8), exc.UnsupportedSyntax, "a = b = x[t]"),
    (k_tile_not_in_for, v(8), exc.UnsupportedSyntax, "tiles = hl.tile(x.size(0))"),
    (k_unpack_count, v(8), exc.UnsupportedSyntax, "for a, b in hl.tile(x.size(0)):"),
    (k_while_forever, v(8), exc.UnsupportedSyntax, "while True:"),
    (k_if_on_tile, v(8), exc.TypeMismatch, "if x[t] > 0:"),
    (k_too_many_indices, v(8), exc.InvalidIndex, "out[t] = x[t, t]", "too many indices"),
    (k_partial_slice, v(8, 4), exc.InvalidIndex, "out[t, :] = x[t, 1:]"),
    (k_float_index, v(8), exc.InvalidIndex, "out[t] = x[x[t]]"),
    (k_int_out_of_range, v(8, 4), exc.InvalidIndex, "out[t] = x[t, 9]"),
    (k_store_none, v(8), exc.InvalidIndex, "out[t, None] = x[t]"),
    (k_store_to_device_value, v(8), exc.InvalidIndex, "y[t] = x[t]"),
    (k_tile_past_tensor, v2((8,), (5,)), exc.ShapeMismatch, "out[t] = x[t] + y[t]"),
    (
        k_inner_dims,
        v2((16, 8), (16, 16)),
        exc.ShapeMismatch,
        "torch.addmm(acc, x[tm, tk]",
        "inner dims",
    ),
    (k_store_wrong_shape, v(8, 4), exc.ShapeMismatch, "out[tm] = x[tm, tn]", "store"),
    (k_two_loops_mixed, v2((8,), (4,)), exc.ShapeMismatch, "out[t] = x[t] + y[t2]"),
    (k_arange_not_pow2, v(8), exc.ShapeMismatch, "hl.arange(6)"),
    (k_host_tensor_in_math, v(8), exc.TypeMismatch, "out[t] = x[t] + x", "host tensor"),
    (k_complex_math, v(8), exc.TypeMismatch, "out[t] = x[t] * 1j"),
    (k_atomic_xor_float, v(8), exc.TypeMismatch, "hl.atomic_xor(out, [t], x[t])"),
    (k_atomic_cas_bool, v(8), exc.TypeMismatch, "hl.atomic_cas(flags, [t], False", "bool"),
    (
        k_sort_indices_int64,
        v(8, 16),
        exc.TorchOpError,
        "order[t, :] = i",
        "at most 32 bits, not torch.int64",
    ),
    (k_sort_first_dim, v(8, 16), exc.TorchOpError, "torch.sort(x[:, t], dim=0)", "last dim"),
    (k_reassign_host, v(8), exc.CannotModifyHostVariable, "n = 3"),
    (k_read_device_on_host, v(8), exc.CannotReadDeviceVariable, "return doubled", "'doubled'"),
    (k_torch_op_fails, v(8), exc.ShapeMismatch, "torch.matmul(x[t], x[t])"),
    (k_unsupported_torch_op, v(8), exc.TorchOpError, "torch.fft.fft(x[t])"),
    (k_host_assert, v2((8,), (6,)), exc.CompileError, "assert x.size(0) == y.size(0)"),
    (k_undefined_on_some_paths, v(8), exc.UndefinedName, "out[t] = y"),
    (k_bad_load_policy, v(8), exc.InvalidArgument, 'eviction_policy="evict_sometimes"'),
    (
        k_tile_after_its_loop,
        v(4, 8),
        exc.UndefinedName,
        "out[t, t2] = x[t, t2] * 2",
        "which has ended",
    ),
    (k_tile_read_on_host, v(8), exc.CannotReadDeviceVariable, "print(t)"),
    (k_nested_kernel_call, v(8), exc.UnsupportedSyntax, "out[t] = k_no_loop(x[t])"),
]


def line_of(kernel, snippet: str) -> int:
    lines, start = inspect.getsourcelines(kernel.fn)
    hits = [start + i for i, text in enumerate(lines) if snippet in text]
    assert len(hits) == 1, (snippet, hits)
    return hits[0]


def compiler_frames(err: BaseException) -> list[str]:
    """The frames of helion_mlir's modules that printing `err` would show."""
    frames = []
    seen: BaseException | None = err
    while seen is not None:
        frames += [
            f"{f.filename}:{f.lineno}"
            for f in traceback.extract_tb(seen.__traceback__)
            if f.filename.startswith(PACKAGE) and not f.filename.endswith("errors.py")
        ]
        seen = (
            seen.__cause__
            if seen.__cause__ is not None
            else (None if seen.__suppress_context__ else seen.__context__)
        )
    return frames


@pytest.mark.parametrize("row", TABLE, ids=[row[0].fn.__name__ for row in TABLE])
def test_each_bad_kernel_gets_its_error_at_its_line(row, monkeypatch):
    kernel, args, cls, snippet, *words = row
    monkeypatch.delenv("HELION_MLIR_DEBUG", raising=False)
    with pytest.raises(exc.HelionError) as info:
        kernel(*args())
    err = info.value
    assert type(err) is cls, f"{type(err).__name__}: {err}"
    message = str(err)
    assert f'File "{__file__}", line {line_of(kernel, snippet)}' in message, message
    assert snippet in message and all(w in message for w in words), message
    assert compiler_frames(err) == [], compiler_frames(err)


def test_the_table_covers_every_kernel_error_class():
    kernel_errors = {
        c
        for c in vars(exc).values()
        if isinstance(c, type) and issubclass(c, exc.HelionError) and c is not exc.HelionError
    }
    # raised outside a kernel's compilation: tested below, and AutotuneError in
    # test_autotune.py (test_default_config_failing_is_an_autotune_error)
    elsewhere = {exc.NotInsideKernel, exc.InvalidConfig, exc.AutotuneError, exc.InternalError}
    assert len(TABLE) >= 30
    assert kernel_errors - elsewhere <= {row[2] for row in TABLE}


def test_hl_outside_a_kernel_is_not_inside_kernel():
    with pytest.raises(exc.NotInsideKernel):
        hl.zeros([4])


def test_a_bad_config_is_invalid_config():
    with pytest.raises(exc.InvalidConfig, match="block_sizes"):
        k_tile_past_tensor.bind((torch.randn(8), torch.randn(8))).normalize({"block_sizes": [3]})


def test_a_compiler_bug_is_an_internal_error_with_the_debug_hint(monkeypatch):
    from helion_mlir.backends.triton import emitter

    def broken(module):
        raise KeyError("planted")

    monkeypatch.setattr(emitter, "emit_module", broken)
    monkeypatch.delenv("HELION_MLIR_DEBUG", raising=False)
    with pytest.raises(exc.InternalError, match="HELION_MLIR_DEBUG=1") as info:
        k_tile_past_tensor.bind((torch.randn(8), torch.randn(8))).to_triton_code()
    assert isinstance(info.value.__cause__, KeyError)
    monkeypatch.setenv("HELION_MLIR_DEBUG", "1")
    with pytest.raises(KeyError):
        k_tile_past_tensor.bind((torch.randn(8), torch.randn(8))).to_triton_code()


def test_the_debug_setting_keeps_the_compiler_frames(monkeypatch):
    monkeypatch.setenv("HELION_MLIR_DEBUG", "1")
    with pytest.raises(exc.UndefinedName) as info:
        k_undefined(torch.randn(8))
    assert compiler_frames(info.value)
