"""`hl.rand` and `hl.randint`: counter-based random numbers keyed by a seed, the same
under every config (each element's number depends on its position, not the tiling)."""

from __future__ import annotations

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def noise(x: torch.Tensor, seed: int) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm, tn in hl.tile(x.size()):
        out[tm, tn] = x[tm, tn] + hl.rand([tm, tn], seed)
    return out


@helion.kernel()
def dice(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty(x.shape, dtype=torch.int32, device=x.device)
    for tm, tn in hl.tile(x.size()):
        out[tm, tn] = hl.randint([tm, tn], 1, 7, 42)
    return out


@helion.kernel()
def rows_of_noise(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm in hl.tile(x.size(0)):
        out[tm, :] = hl.rand([tm, x.size(1)], 7)
    return out


@helion.kernel()
def noise_at(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = hl.rand([t], 5, offsets=t.index * 2)
    return out


@helion.kernel()
def line_noise(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = hl.rand([t], 5)
    return out


@helion.kernel()
def float_seed(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = hl.rand([t], 0.5)
    return out


def test_uniform_in_unit_interval_and_the_same_under_every_config():
    x = torch.zeros(37, 50)
    bound = noise.bind((x, 123))
    first = bound.compile_config({"block_sizes": [16, 32]})(x, 123)
    assert 0 <= first.min() and first.max() < 1
    assert abs(first.mean().item() - 0.5) < 0.03
    for seed in range(6):
        config = bound.config_spec.random_config(seed)
        torch.testing.assert_close(bound.compile_config(config)(x, 123), first, rtol=0, atol=0)


def test_seeds_give_different_streams_and_a_seed_repeats():
    x = torch.zeros(16, 16)
    a, b = noise(x, 1), noise(x, 2)
    assert not torch.equal(a, b)
    assert torch.equal(noise(x, 1), a)


def test_positions_are_row_major_over_the_whole_space():
    """A full-row shape draws the same numbers as the same positions tile by tile."""
    x = torch.zeros(12, 32)
    whole = rows_of_noise(x)
    assert whole.unique().numel() == whole.numel()
    tiles = noise.bind((x, 7)).compile_config({"block_sizes": [4, 8]})(x, 7)
    torch.testing.assert_close(whole, tiles, rtol=0, atol=0)


def test_explicit_offsets_pick_the_positions():
    """offsets=2 * index draws the numbers of the even positions."""
    torch.testing.assert_close(noise_at(torch.zeros(16)), line_noise(torch.zeros(32))[::2])


def test_randint_covers_its_range():
    r = dice(torch.zeros(40, 40))
    assert r.dtype == torch.int32 and r.min() == 1 and r.max() == 6
    counts = torch.bincount(r.flatten().long(), minlength=7)[1:]
    assert counts.min() > 200


def test_a_float_seed_is_an_error_at_its_line():
    with pytest.raises(exc.TypeMismatch, match="seed must be an int") as info:
        float_seed(torch.zeros(8))
    assert "hl.rand([t], 0.5)" in str(info.value)


@helion.kernel()
def rand_over_a_registered_block(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    block = hl.register_block_size(x.size(1))
    for tm in hl.tile(x.size(0)):
        for tn in hl.tile(x.size(1), block_size=block):
            out[tm, tn] = x[tm, tn] + hl.rand([tm, block], 3)
    return out


def test_default_offsets_need_known_extents():
    with pytest.raises(exc.ShapeMismatch, match="needs offsets=") as info:
        rand_over_a_registered_block(torch.zeros(8, 16))
    assert "hl.rand([tm, block], 3)" in str(info.value)
