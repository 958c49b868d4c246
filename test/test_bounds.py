"""No config makes a generated kernel read or write outside its tensors.

Every tensor a kernel sees (its arguments, and what its host code allocates) sits in
the middle of a larger buffer whose margins hold a sentinel (NaN for floats). A write
out of bounds changes a margin; a read out of bounds brings a sentinel into the result.
The kernels and shapes are the config property test's: no dim is a multiple of any
block size. Then the same kernels on tensors with an empty dim."""

from __future__ import annotations

import pytest
import torch
from test_config_property import CASES, Case

import helion_mlir as helion
import helion_mlir.language as hl

CONFIGS = 12
MARGIN = 64  # elements on each side


def sentinel(dtype: torch.dtype) -> float | int | bool:
    if dtype.is_floating_point:
        return float("nan")
    if dtype == torch.bool:
        return True
    return torch.iinfo(dtype).max


class Guards:
    """Tensors placed inside sentinel-filled buffers, and a check of the margins."""

    def __init__(self) -> None:
        self.buffers: list[tuple[torch.Tensor, int]] = []

    def place(self, shape: torch.Size | list[int], dtype: torch.dtype) -> torch.Tensor:
        shape = torch.Size(shape)
        buffer = torch.full([shape.numel() + 2 * MARGIN], sentinel(dtype), dtype=dtype)
        self.buffers.append((buffer, shape.numel()))
        return buffer[MARGIN : MARGIN + shape.numel()].view(shape)

    def copy(self, t: torch.Tensor) -> torch.Tensor:
        out = self.place(t.shape, t.dtype)
        out.copy_(t)
        return out

    def intact(self) -> bool:
        for buffer, n in self.buffers:
            margins = torch.cat([buffer[:MARGIN], buffer[MARGIN + n :]])
            want = torch.full_like(margins, sentinel(buffer.dtype))
            if not torch.equal(margins.nan_to_num(0.5), want.nan_to_num(0.5)):
                return False
        return True


@pytest.fixture
def guards(monkeypatch) -> Guards:
    """Host code's torch.empty / empty_like allocate inside guarded buffers."""
    g = Guards()
    real_empty, real_empty_like = torch.empty, torch.empty_like

    def empty(*shape, dtype=None, device=None, **kw):
        size = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        if device is not None and torch.device(device).type != "cpu":
            return real_empty(*shape, dtype=dtype, device=device, **kw)
        return g.place(list(size), dtype or torch.get_default_dtype())

    def empty_like(t, dtype=None, **kw):
        if t.device.type != "cpu":
            return real_empty_like(t, dtype=dtype, **kw)
        return g.place(t.shape, dtype or t.dtype)

    monkeypatch.setattr(torch, "empty", empty)
    monkeypatch.setattr(torch, "empty_like", empty_like)
    return g


def _outputs(result) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def _run(case: Case, guards: Guards, args: tuple, configs: int) -> None:
    bound = case.kernel().bind(args)
    spec = bound.config_spec
    fresh = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
    want = bound.compile_config(spec.default_config())(*fresh)
    for seed in range(configs):
        config = spec.default_config() if seed == 0 else spec.random_config(seed)
        placed = [guards.copy(a) if isinstance(a, torch.Tensor) else a for a in args]
        got = bound.compile_config(config)(*placed)
        assert guards.intact(), f"{case.name}: {config} wrote outside a tensor"
        for g, w in zip(_outputs(got), _outputs(want)):
            if g.is_floating_point():
                stray = g.isnan() & ~w.isnan()
                assert not stray.any(), f"{case.name}: {config} read outside a tensor"
            torch.testing.assert_close(g, w, rtol=case.tol, atol=case.tol, equal_nan=True)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_config_reaches_outside_a_tensor(case: Case, guards: Guards):
    _run(case, guards, case.inputs(), CONFIGS)


EMPTY = {
    "elementwise_add": lambda: (torch.randn(0, 13), torch.randn(13)),
    "elementwise_3d_grid": lambda: (torch.randn(3, 0, 14), torch.randn(14)),
    "elementwise_flat": lambda: (torch.randn(19, 0), torch.randn(19, 0)),
    "row_reductions": lambda: (torch.randn(0, 90),),
    "softmax": lambda: (torch.randn(0, 70),),
    "layer_norm": lambda: (torch.randn(0, 48), torch.randn(48), torch.randn(48), 1e-5),
    "matmul": lambda: (torch.randn(0, 24), torch.randn(24, 36)),
    "bmm": lambda: (torch.randn(3, 20, 0), torch.randn(3, 0, 24)),
}


@pytest.mark.parametrize("name", list(EMPTY))
def test_empty_dims_run_every_config(name: str, guards: Guards):
    case = next(c for c in CASES if c.name == name)
    _run(case, guards, EMPTY[name](), 6)


@helion.kernel(config=helion.Config(block_sizes=[4]))
def reads_past_x(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0) + 3], dtype=x.dtype, device=x.device)
    for t in hl.tile(out.size(0)):
        out[t] = hl.load(x, [t], extra_mask=t.index >= 0)  # the mask lets every lane read
    return out


@helion.kernel(config=helion.Config(block_sizes=[4]))
def writes_past_out(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0) - 3], dtype=x.dtype, device=x.device)
    for t in hl.tile(x.size(0)):
        hl.store(out, [t], x[t], extra_mask=t.index >= 0)
    return out


def test_the_guards_catch_a_kernel_that_reaches_outside(guards: Guards):
    """The check itself: user masks that admit every lane let these two kernels step
    outside their tensors, and the margins show it."""
    x = guards.copy(torch.randn(10))
    assert reads_past_x(x)[10:].isnan().all()
    assert guards.intact()
    writes_past_out(guards.copy(torch.randn(10)))
    assert not guards.intact()
