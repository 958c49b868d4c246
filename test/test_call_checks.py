"""What a call is checked for before its kernel runs: a bound kernel's arguments against
its specialization, the devices of the tensors the host code hands device code, and the
`HELION_*` environment variables the settings read; and, as it runs on the CPU, the
indices of its gathers and scatters. Each mistake is a `helion_mlir.exc` error saying
what to do, never a wrong result, a crash or Triton's own error."""

from __future__ import annotations

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc
from helion_mlir.runtime.settings import Settings

CONFIG = helion.Config(block_sizes=[4])
OFFSET = 1.0


@helion.kernel(config=CONFIG)
def add_offset(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + OFFSET
    return out


@helion.kernel(config=CONFIG)
def out_on_meta(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty(x.shape, device="meta")
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + 1
    return out


@helion.kernel(config=CONFIG)
def input_moved_to_meta(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    x = x.to("meta")
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + 1
    return out


# -- a bound kernel's arguments --------------------------------------------------------

OTHER_ARGUMENTS = {
    "shape": lambda: torch.randn(16),
    "dtype": lambda: torch.randn(8, dtype=torch.float64),
    "stride": lambda: torch.randn(16)[::2],
}
CALL_FORMS = {
    "bound_kernel": lambda bound: bound,
    "compiled_config": lambda bound: bound.compile_config(CONFIG),
}


@pytest.mark.parametrize("form", list(CALL_FORMS))
@pytest.mark.parametrize("other", list(OTHER_ARGUMENTS))
def test_bound_kernel_refuses_arguments_of_another_specialization(form, other):
    x = torch.randn(8)
    run = CALL_FORMS[form](add_offset.bind((x,)))
    torch.testing.assert_close(run(x), x + OFFSET)
    with pytest.raises(exc.InvalidArgument, match="bind these arguments") as info:
        run(OTHER_ARGUMENTS[other]())
    assert "x = a torch.float32 tensor of shape [8] (strides [1]) on cpu" in str(info.value)


def test_bound_kernel_refuses_to_tune_on_arguments_of_another_specialization():
    bound = add_offset.bind((torch.randn(8),))
    with pytest.raises(exc.InvalidArgument, match="bind these arguments"):
        bound.autotune((torch.randn(16),))


def test_bound_kernel_refuses_a_changed_global_constant():
    global OFFSET
    x = torch.randn(8)
    bound = add_offset.bind((x,))
    try:
        OFFSET = 2.0
        with pytest.raises(exc.InvalidArgument, match="constant add_offset\\(\\) reads changed"):
            bound(x)
        torch.testing.assert_close(add_offset(x), x + 2.0)  # the kernel itself recompiles
    finally:
        OFFSET = 1.0


def test_bound_kernel_takes_keywords_like_the_kernel():
    x = torch.randn(8)
    torch.testing.assert_close(add_offset.bind((x,))(x=x), x + OFFSET)


def test_tuning_on_an_expanded_argument_still_runs():
    tuned = helion.kernel(
        configs=[CONFIG, helion.Config(block_sizes=[2])],
        skip_cache=True,
        autotune_progress_bar=False,
    )(add_offset.fn)
    x = torch.randn(1).expand(8)  # the tuner's copies of it are contiguous
    torch.testing.assert_close(tuned(x), x + OFFSET)


# -- devices of the tensors the host code makes ------------------------------------------


@pytest.mark.parametrize(("kernel", "name"), [(out_on_meta, "`out`"), (input_moved_to_meta, "`x`")])
def test_host_tensor_on_another_device_is_named(kernel, name):
    with pytest.raises(exc.InvalidArgument, match="is on meta, but .* runs on cpu") as info:
        kernel(torch.randn(8))
    assert f"the tensor {name}" in str(info.value)
    assert info.value.location is not None and info.value.location.line > 0


# -- environment variables ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("HELION_AUTOTUNE_BUDGET_SECONDS", "ten", "a number"),
        ("HELION_AUTOTUNE_RANDOM_SEED", "1.5", "an integer"),
        ("HELION_STATIC_SHAPES", "maybe", "a flag"),
    ],
)
def test_malformed_environment_variable_is_named(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(exc.InvalidArgument, match=f"{name} must be {expected}") as info:
        helion.kernel()(add_offset.fn)
    assert f"got '{value}'" in str(info.value)


def test_well_formed_environment_variables_parse(monkeypatch):
    monkeypatch.setenv("HELION_AUTOTUNE_BUDGET_SECONDS", " 2.5 ")
    monkeypatch.setenv("HELION_AUTOTUNE_RANDOM_SEED", "7")
    monkeypatch.setenv("HELION_STATIC_SHAPES", "Off")
    monkeypatch.setenv("HELION_SKIP_CACHE", "")  # empty: the default
    settings = Settings()
    assert settings.autotune_budget_seconds == 2.5
    assert settings.autotune_random_seed == 7
    assert settings.static_shapes is False
    assert settings.skip_cache is False


def test_tuner_copies_keep_the_arguments_strides():
    """The tuner runs candidates on copies of the arguments; the kernel is specialized
    to their strides, which `clone()` drops for expanded and sliced tensors."""
    from helion_mlir.tuner.runner import _clone

    base = torch.randn(6, 8)
    for t in (base, base.t(), base[::2, 1::3], base[:, :1].expand(6, 5), torch.randn(0, 3)):
        (copy,) = _clone([t])
        assert copy.stride() == t.stride() and copy.shape == t.shape
        torch.testing.assert_close(copy, t)
        assert t.numel() == 0 or copy.data_ptr() != t.data_ptr()


@helion.kernel(config=helion.Config(block_sizes=[4]))
def gather_rows(x: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    out = torch.empty([idx.size(0), x.size(1)], dtype=x.dtype)
    for t in hl.tile(idx.size(0)):
        out[t, :] = x[idx[t], :]
    return out


@helion.kernel(config=helion.Config(block_sizes=[4]))
def scatter_rows(x: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    out = torch.zeros([8, x.size(1)], dtype=x.dtype)
    for t in hl.tile(idx.size(0)):
        out[idx[t], :] = x[t, :]
    return out


@pytest.mark.parametrize("bad", [8, 10**12, -1], ids=["size", "huge", "negative"])
def test_a_gather_index_out_of_range_is_the_callers_error(bad):
    """Out of range, a gather would read other memory (a huge index crashed the
    interpreter): the kernel's index check stops it, naming the tensor and the line."""
    x = torch.randn(8, 3)
    idx = torch.tensor([0, 5, bad, 7, 1, 2])  # 6 rows: the second tile is padded
    with pytest.raises(
        exc.InvalidArgument,
        match=r"an index into x is out of range \[0, 8\) of its dim 0 at test_call_checks.py:\d+",
    ):
        gather_rows(x, idx)
    with pytest.raises(exc.InvalidArgument, match=r"an index into out is out of range \[0, 8\)"):
        scatter_rows(torch.randn(6, 3), idx)


def test_gathers_in_range_pass_the_check_padded_lanes_included():
    x, idx = torch.randn(8, 3), torch.tensor([0, 5, 3, 7, 1, 2])
    torch.testing.assert_close(gather_rows(x, idx), x[idx])
    want = torch.zeros(8, 3)
    src = torch.randn(6, 3)
    want[idx] = src
    torch.testing.assert_close(scatter_rows(src, idx), want)
