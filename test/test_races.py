"""Stores the programs of a grid would race on are compile errors at their line; a
store whose value does not depend on the missing dim, one guarded by a condition on
it, and atomics are not."""

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl

CONFIG = helion.Config(block_sizes=[4, 4])


@helion.kernel(config=CONFIG)
def partial_sums_race(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0)])
    for tm, tn in hl.tile([x.size(0), x.size(1)]):
        out[tm] = x[tm, tn].sum(-1)
    return out


@helion.kernel(config=helion.Config(block_sizes=[4]))
def column_sums_race(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(1)])
    for tm in hl.tile(x.size(0)):
        out[:] = x[tm, :].sum(0)
    return out


@helion.kernel(config=CONFIG)
def same_value_from_every_program(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0)])
    for tm, _tn in hl.tile([x.size(0), x.size(1)]):
        out[tm] = x[tm, :].sum(-1)
    return out


@helion.kernel(config=CONFIG)
def one_program_writes(x: torch.Tensor) -> torch.Tensor:
    out = torch.zeros([x.size(0)])
    for tm, tn in hl.tile([x.size(0), x.size(1)]):
        if tn.id == 0:
            out[tm] = x[tm, tn].sum(-1)
    return out


@helion.kernel(config=CONFIG)
def atomic_sums(x: torch.Tensor) -> torch.Tensor:
    out = torch.zeros([x.size(0)])
    for tm, tn in hl.tile([x.size(0), x.size(1)]):
        hl.atomic_add(out, [tm], x[tm, tn].sum(-1))
    return out


@pytest.mark.parametrize(
    ("kernel", "dim", "line"),
    [
        (partial_sums_race, "tn", "out[tm] = x[tm, tn].sum(-1)"),
        (column_sums_race, "tm", "out[:] = x[tm, :].sum(0)"),
    ],
)
def test_a_store_every_program_overwrites_is_an_error_at_its_line(kernel, dim, line):
    with pytest.raises(helion.exc.InvalidIndex, match=f"every program along {dim} writes") as info:
        kernel(torch.randn(8, 16))
    assert line in str(info.value)


def test_stores_without_a_race_compile_and_compute():
    x = torch.randn(8, 16)
    torch.testing.assert_close(same_value_from_every_program(x), x.sum(-1))
    torch.testing.assert_close(one_program_writes(x), x[:, :4].sum(-1))
    torch.testing.assert_close(atomic_sums(x), x.sum(-1), rtol=1e-5, atol=1e-5)
