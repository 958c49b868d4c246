"""User-registered config keys: `hl.register_block_size` (a `block_sizes` slot shared by
the loops that use it, listed first) and `hl.register_tunable` (a key of its own, read
as an int in device code)."""

from __future__ import annotations

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def shared_block(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    bm = hl.register_block_size(4, 64)
    scale = hl.register_tunable("scale", hl.PowerOfTwoFragment(1, 8, 2))
    flag = hl.register_tunable("flag", hl.BooleanFragment())
    shift = hl.register_tunable("shift", hl.EnumFragment((0, 3, 5), default=3))
    out = torch.empty_like(x)
    for tm, tn in hl.tile([m, n], block_size=[bm, None]):
        acc = hl.zeros([tm], dtype=torch.float32)
        for tk in hl.tile(n, block_size=bm):
            acc = acc + x[tm, tk].sum(-1)
        out[tm, tn] = x[tm, tn] * scale + acc[:, None] * flag + shift
    return out


def reference(x: torch.Tensor, config) -> torch.Tensor:
    return x * config["scale"] + x.sum(-1, keepdim=True) * config["flag"] + config["shift"]


def test_registered_block_size_is_one_shared_slot_listed_first():
    spec = shared_block.bind((torch.randn(20, 30),)).config_spec
    first, second = spec.keys["block_sizes"]
    assert first.domain.describe() == "a power of two in [4, 32]"  # capped by n = 30
    assert first.owner.startswith("loop.for")  # first used by the inner loop's dim
    assert second.domain.describe() == "a power of two in [1, 32]"  # tn, bounded by n = 30
    assert len(spec.keys["block_sizes"]) == 2


def test_tunables_are_keys_with_their_fragment_domains():
    spec = shared_block.bind((torch.randn(20, 30),)).config_spec
    default = spec.default_config()
    assert (default["scale"], default["flag"], default["shift"]) == (2, False, 3)
    assert spec.keys["scale"][0].domain.describe() == "a power of two in [1, 8]"
    assert spec.keys["shift"][0].domain.describe() == "one of 0, 3, 5"
    with pytest.raises(exc.InvalidConfig, match="shift"):
        spec.normalize({"shift": 4})


@pytest.mark.parametrize(
    "config",
    [{}, {"scale": 4, "flag": True, "shift": 0, "block_sizes": [16, 8]}, {"block_sizes": [64, 2]}],
)
def test_tunable_values_reach_the_kernel(config):
    x = torch.randn(20, 30)
    bound = shared_block.bind((x,))
    full = bound.config_spec.normalize(config)
    torch.testing.assert_close(bound.compile_config(config)(x), reference(x, full))


def test_registered_block_size_steps_both_loops():
    code = shared_block.bind((torch.randn(20, 30),)).to_triton_code({"block_sizes": [16, 8]})
    assert "offset_0 = pid_0 * 16" in code and "tl.range(0, 30, 16)" in code


def test_tunables_survive_json():
    bound = shared_block.bind((torch.randn(20, 30),))
    config = bound.config_spec.random_config(3)
    again = helion.Config.from_json(config.to_json())
    assert again == config and {"scale", "flag", "shift"} <= set(again)


@helion.kernel()
def string_tunable(x: torch.Tensor) -> torch.Tensor:
    mode = hl.register_tunable("mode", hl.EnumFragment(("fast", "exact")))
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] * mode
    return out


def test_string_tunable_in_device_code_is_an_error_at_its_use():
    with pytest.raises(exc.TypeMismatch, match="non-integer choices") as info:
        string_tunable(torch.randn(8))
    assert "x[t] * mode" in str(info.value)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: hl.PowerOfTwoFragment(3, 8), "powers of two"),
        (lambda: hl.IntegerFragment(5, 2), "low <= default <= high"),
        (lambda: hl.EnumFragment((1, 2), default=3), "default among them"),
        (lambda: hl.register_tunable("not a name", hl.BooleanFragment()), "identifier"),
        (lambda: hl.register_tunable("k", 4), "Fragment"),
        (lambda: hl.register_block_size(64, 8), "above max"),
        (lambda: hl.register_block_size(0), "positive"),
    ],
)
def test_bad_registrations(make, words):
    with pytest.raises(exc.InvalidArgument, match=words):
        make()


@helion.kernel()
def per_block_rows(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    block_m = hl.register_block_size(m)
    partial = torch.empty([helion.cdiv(m, block_m), n], dtype=x.dtype, device=x.device)
    for tile_m in hl.tile(m, block_size=block_m):
        partial[tile_m.id, :] = torch.sum(x[tile_m, :], dim=0)
    return partial


@pytest.mark.parametrize("block", [2, 4, 16])
def test_host_code_sizes_tensors_by_the_configs_block_size(block):
    """helion.cdiv(m, block) in host code sees each config's block size when the kernel
    runs: one row of partial sums per block, and no row left unwritten."""
    x = torch.randn(30, 8)
    got = per_block_rows.bind((x,)).compile_config({"block_sizes": [block]})(x)
    rows = -(-30 // block)
    assert got.shape == (rows, 8)
    want = torch.stack([x[i * block : (i + 1) * block].sum(0) for i in range(rows)])
    torch.testing.assert_close(got, want)


def test_cdiv_and_next_power_of_2():
    assert [helion.cdiv(a, 4) for a in (1, 4, 5, 8)] == [1, 1, 2, 2]
    assert [helion.next_power_of_2(n) for n in (0, 1, 3, 4, 5, 1000)] == [1, 1, 4, 4, 8, 1024]


def split_k_host():
    """examples/matmul_split_k.py: `k_block = (k + split_k - 1) // split_k` in host code,
    with `split_k` a tunable."""
    from conftest import load_example

    return load_example("matmul_split_k").matmul_split_k


def test_host_arithmetic_on_a_tunable_compiles_per_value(monkeypatch):
    """A tunable that host code computes with is a key of the space (no device op holds
    it) and each of its values compiles its own kernel (here: its own K chunk, so its
    own grid), once; the host code sees the same value when the kernel runs."""
    from helion_mlir import frontend

    x, y = torch.randn(12, 64), torch.randn(64, 10)
    bound = split_k_host().bind((x, y))
    slot = bound.config_spec.keys["split_k"][0]
    assert (slot.owner, slot.default) == ("host code", 4)
    builds = []
    real = frontend.build
    monkeypatch.setattr(frontend, "build", lambda *a: builds.append(a) or real(*a))
    grids = set()
    for split in (1, 2, 4, 16, 2):
        config = {"split_k": split, "block_sizes": [16, 16, 16]}
        torch.testing.assert_close(bound.compile_config(config)(x, y), x @ y)
        grids.add(next(ln for ln in bound.to_triton_code(config).splitlines() if "kernel[(" in ln))
    assert len(grids) == 4
    assert sorted(b[2]["split_k"] for b in builds) == [1, 2, 16]  # 4 is the first module
    assert "split_k=4" in repr(bound.config_spec.default_config())


def test_tuning_varies_a_host_tunable():
    configs = [{"split_k": s, "block_sizes": [16, 16, 16]} for s in (1, 8)]
    kernel = helion.kernel(configs=configs, autotune_progress_bar=False, skip_cache=True)(
        split_k_host().source.fn
    )
    x, y = torch.randn(12, 64), torch.randn(64, 10)
    torch.testing.assert_close(kernel(x, y), x @ y)
    assert kernel.bind((x, y)).config["split_k"] in (1, 8)


def test_tunable_arithmetic_outside_a_kernel_is_an_error():
    split = hl.register_tunable("split", hl.PowerOfTwoFragment(1, 4))
    with pytest.raises(exc.InvalidArgument, match="only inside a kernel's host code"):
        _ = 8 // split


@helion.kernel()
def scaled_by_tunable(x: torch.Tensor) -> torch.Tensor:
    factor = hl.register_tunable("factor", hl.PowerOfTwoFragment(1, 4, 2))
    scale = 10.0 if factor == 1 else float(factor)  # host code tests the value
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] * scale
    return out


@pytest.mark.parametrize(("factor", "scale"), [(1, 10.0), (2, 2.0), (4, 4.0)])
def test_host_code_compares_a_tunable(factor, scale):
    x = torch.randn(19)
    got = scaled_by_tunable.bind((x,)).compile_config({"factor": factor})(x)
    torch.testing.assert_close(got, x * scale)
