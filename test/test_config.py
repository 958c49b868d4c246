"""`helion_mlir.Config` (repr, JSON, equality, hashing) and `ConfigSpec` (normalization,
defaults, random configs, the table)."""

from __future__ import annotations

import json

import pytest
import torch
from conftest import needs_block_ptr

import helion_mlir as helion
from helion_mlir.exc import InvalidConfig

# -- Config ---------------------------------------------------------------------------


def test_repr_sorted_keys():
    c = helion.Config(num_warps=4, reduction_loops=[None], block_sizes=[64, 32], num_stages=2)
    assert repr(c) == (
        "helion.Config(block_sizes=[64, 32], num_stages=2, num_warps=4, reduction_loops=[None])"
    )
    assert repr(helion.Config()) == "helion.Config()"


def test_mapping_behaviour():
    c = helion.Config({"block_sizes": (16, 8)}, num_warps=2)
    assert c["block_sizes"] == [16, 8]  # tuples become lists
    assert c.block_sizes == [16, 8]
    assert c.num_warps == 2
    assert len(c) == 2 and set(c) == {"block_sizes", "num_warps"}
    assert dict(c) == {"block_sizes": [16, 8], "num_warps": 2}
    with pytest.raises(AttributeError):
        c.num_stages  # noqa: B018
    with pytest.raises(KeyError):
        c["num_stages"]
    # keyword arguments override the mapping
    assert helion.Config({"num_warps": 2}, num_warps=8)["num_warps"] == 8


def test_json_round_trip():
    c = helion.Config(
        block_sizes=[64, 16, 32], reduction_loops=[None, 8], num_warps=4, num_stages=3
    )
    text = c.to_json()
    assert json.loads(text) == {
        "block_sizes": [64, 16, 32],
        "num_stages": 3,
        "num_warps": 4,
        "reduction_loops": [None, 8],
    }
    assert list(json.loads(text)) == sorted(c)  # sorted keys
    back = helion.Config.from_json(text)
    assert back == c
    assert back["reduction_loops"] == [None, 8]
    assert repr(back) == repr(c)
    assert back.to_json() == text
    # the dict is a copy
    d = c.to_dict()
    d["block_sizes"].append(1)
    assert c["block_sizes"] == [64, 16, 32]


def test_save_load(tmp_path):
    c = helion.Config(block_sizes=[1, 4], num_warps=8, reduction_loops=[None])
    path = tmp_path / "best.json"
    c.save(path)
    assert json.loads(path.read_text())["num_warps"] == 8
    loaded = helion.Config.load(path)
    assert loaded == c and isinstance(loaded, helion.Config)
    c.save(str(tmp_path / "str.json"))
    assert helion.Config.load(str(tmp_path / "str.json")) == c


def test_equality_and_hashing():
    a = helion.Config(block_sizes=[16, 32], num_warps=4)
    b = helion.Config(num_warps=4, block_sizes=(16, 32))
    c = helion.Config(block_sizes=[32, 16], num_warps=4)
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert a != helion.Config(block_sizes=[16, 32])
    assert a == {"block_sizes": [16, 32], "num_warps": 4}
    assert a != [("block_sizes", [16, 32])]
    assert len({a, b, c}) == 2
    table = {a: "first"}
    assert table[b] == "first"


# -- ConfigSpec -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mm_spec(matmul_example):
    # 100x70 @ 70x50: block_sizes[0] tiles m=100, [1] tiles n=50, [2] tiles k=70
    return matmul_example.matmul.bind((torch.randn(100, 70), torch.randn(70, 50))).config_spec


@pytest.fixture(scope="module")
def sm_spec(softmax_example):
    # 16 rows of 100: the reduction dim is padded to 128
    return softmax_example.softmax.bind((torch.randn(16, 100),)).config_spec


def test_spec_keys(mm_spec, sm_spec):
    # in Helion's key order; per-loop keys once per grid and per device-loop dim,
    # per-access keys once per load/store (loads only for eviction)
    assert [s.name for s in mm_spec.slots] == [
        "block_sizes[0]",
        "block_sizes[1]",
        "block_sizes[2]",
        "loop_orders[0]",
        "l2_groupings[0]",
        "range_unroll_factors[0]",
        "range_unroll_factors[1]",
        "range_num_stages[0]",
        "range_num_stages[1]",
        "range_multi_buffers[0]",
        "range_multi_buffers[1]",
        "range_flattens[0]",
        "range_flattens[1]",
        "num_warps",
        "num_stages",
        "indexing[0]",
        "indexing[1]",
        "indexing[2]",
        "load_eviction_policies[0]",
        "load_eviction_policies[1]",
        "pid_type",
        "num_sm_multiplier",
    ]
    assert mm_spec.is_list("block_sizes") and not mm_spec.is_list("num_warps")
    assert {s.name for s in sm_spec.slots} >= {
        "block_sizes[0]",
        "reduction_loops[0]",
        "num_warps",
        "num_stages",
        "indexing[1]",
        "pid_type",
    }


def test_normalize_fills_defaults(mm_spec):
    assert mm_spec.normalize({}) == dict(mm_spec.default_config())
    out = mm_spec.normalize({"num_warps": 8})
    assert out["num_warps"] == 8
    assert out["block_sizes"] == mm_spec.default_config()["block_sizes"]


def test_normalize_accepts_valid_config_unchanged(mm_spec):
    cfg = {"block_sizes": [16, 64, 128], "num_warps": 2, "num_stages": 3}
    assert mm_spec.normalize(cfg) == dict(mm_spec.default_config()) | cfg
    assert mm_spec.normalize({"block_sizes": (16, 64, 128)})["block_sizes"] == [16, 64, 128]


def test_unknown_key(mm_spec):
    with pytest.raises(InvalidConfig) as info:
        mm_spec.normalize({"block_sizes": [16, 16, 16], "num_warpz": 4})
    msg = str(info.value)
    assert "'num_warpz'" in msg
    assert "block_sizes" in msg and "num_warps" in msg  # lists the keys there are


def test_unknown_key_not_in_this_kernel(mm_spec):
    # a real Helion key, but this kernel has no reduction
    with pytest.raises(InvalidConfig, match="'reduction_loops'"):
        mm_spec.normalize({"reduction_loops": [None]})


def test_another_kernels_config(mm_spec, sm_spec):
    """softmax's whole config on matmul: the first key matmul lacks is named, with the
    keys it has; matmul's config on softmax: block_sizes' length is wrong."""
    with pytest.raises(InvalidConfig, match="'reduction_loops'.*block_sizes"):
        mm_spec.normalize(dict(sm_spec.default_config()))
    with pytest.raises(
        InvalidConfig, match=r"\['block_sizes'\] has 3 values but this kernel has 1"
    ):
        sm_spec.normalize({"block_sizes": mm_spec.default_config()["block_sizes"]})


@pytest.mark.parametrize("given", [[16], [16, 16], [16, 16, 16, 16]])
def test_wrong_list_length(mm_spec, given):
    with pytest.raises(InvalidConfig) as info:
        mm_spec.normalize({"block_sizes": given})
    msg = str(info.value)
    assert "'block_sizes'" in msg
    assert f"has {len(given)} values" in msg
    assert "this kernel has 3" in msg


def test_list_key_given_a_scalar(mm_spec):
    with pytest.raises(InvalidConfig, match="'block_sizes'.*list of 3"):
        mm_spec.normalize({"block_sizes": 32})


@pytest.mark.parametrize("bad", [24, 0, -16, 3, 16.0, True])
def test_block_size_not_power_of_two(mm_spec, bad):
    with pytest.raises(InvalidConfig) as info:
        mm_spec.normalize({"block_sizes": [bad, 16, 16]})
    msg = str(info.value)
    assert "block_sizes[0]" in msg
    assert repr(bad) in msg
    assert "a power of two in [16, 128]" in msg  # the slot's domain


def test_block_size_clamps(mm_spec):
    # above the max (next power of two of the extent) clamps down; below the min clamps up
    assert mm_spec.normalize({"block_sizes": [1024, 256, 512]})["block_sizes"] == [128, 64, 128]
    assert mm_spec.normalize({"block_sizes": [1, 2, 8]})["block_sizes"] == [16, 16, 16]
    assert mm_spec.normalize({"num_warps": 64})["num_warps"] == 32


def test_int_range_out_of_range(mm_spec):
    with pytest.raises(InvalidConfig) as info:
        mm_spec.normalize({"num_stages": 0})
    assert "num_stages" in str(info.value) and "an integer in [1, 8]" in str(info.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, None),
        (8, 8),
        (64, 64),
        (128, None),  # the padded extent: the whole row, persistent
        (256, None),
        (4096, None),
        (2, 8),  # below the min clamps up
    ],
)
def test_reduction_loops_normalize(sm_spec, given, expected):
    assert sm_spec.normalize({"reduction_loops": [given]})["reduction_loops"] == [expected]


def test_reduction_loops_not_power_of_two(sm_spec):
    with pytest.raises(InvalidConfig) as info:
        sm_spec.normalize({"reduction_loops": [100]})
    msg = str(info.value)
    assert "reduction_loops[0]" in msg and "100" in msg
    assert "None or a power of two in [8, 128)" in msg


def test_bound_normalize_returns_config(softmax_example):
    bound = softmax_example.softmax.bind((torch.randn(16, 100),))
    c = bound.normalize({"reduction_loops": [128], "block_sizes": [64]})
    assert isinstance(c, helion.Config)
    assert c["reduction_loops"] == [None]
    assert c["block_sizes"] == [16]  # 16 rows
    assert set(c) == set(bound.config_spec.default_config())


@pytest.mark.parametrize("spec_name", ["mm_spec", "sm_spec"])
def test_random_config(request, spec_name):
    from helion_mlir.tuner.domains import choices

    spec = request.getfixturevalue(spec_name)
    seen = set()
    for seed in range(20):
        r = spec.random_config(seed)
        assert isinstance(r, helion.Config)
        assert r == spec.random_config(seed)  # deterministic per seed
        assert spec.normalize(dict(r)) == dict(r)  # always a normalized point of the space
        assert set(r) == set(spec.default_config())
        for slot in spec.slots:
            assert spec.value(r, slot.key, slot.index) in choices(slot.domain)
        seen.add(r)
    assert len(seen) > 5  # the seed matters


def test_table_lists_every_slot(mm_spec, sm_spec):
    for spec in (mm_spec, sm_spec):
        lines = spec.table().splitlines()
        assert lines[0].split() == ["key", "owner", "domain", "default"]
        assert set(lines[1]) <= {"-", " "}
        rows = lines[2:]
        assert len(rows) == len(spec.slots)
        for slot, row in zip(spec.slots, rows, strict=True):
            assert row.startswith(slot.name + " ")
            assert slot.domain.describe() in row
            assert row.rstrip().endswith(repr(slot.default))
    table = mm_spec.table()
    assert "a power of two in [16, 128]" in table and "an integer in [1, 8]" in table
    assert "None or a power of two in [8, 128)" in sm_spec.table()
    assert "loop.reduce_for" in sm_spec.table()


@needs_block_ptr
def test_access_slots_mean_the_same_access_rolled_or_persistent(softmax_example):
    """indexing[k] is keyed by the access's mem_id: rolling re-reads the load in each
    stage, and every copy keeps the load's slot, so the store is always indexing[1]."""
    bound = softmax_example.softmax.bind((torch.randn(16, 300),))
    assert len(bound.config_spec.keys["indexing"]) == 2
    for rolled in (None, 16):
        config = {"reduction_loops": [rolled], "indexing": ["pointer", "block_ptr"]}
        code = bound.to_triton_code(config)
        loads = [line for line in code.splitlines() if "tl.load(" in line]
        stores = [line for line in code.splitlines() if "tl.store(" in line]
        assert len(loads) == (1 if rolled is None else 2), loads
        assert all("make_block_ptr" not in line for line in loads)
        assert len(stores) == 1 and "make_block_ptr" in stores[0]


def test_block_sizes_past_tritons_largest_tile_are_an_invalid_config(matmul_example):
    """A 2048 x 1024 accumulator (2M elements) is more than Triton compiles: a clear
    error when binding, before any compile (the tuner counts it as a failed config)."""
    bound = matmul_example.matmul.bind((torch.randn(2048, 64), torch.randn(64, 2048)))
    with pytest.raises(InvalidConfig, match=r"tile of shape \[2048, 1024\].*at most 1048576"):
        bound.to_triton_code({"block_sizes": [2048, 1024, 16]})
    assert "tl.dot" in bound.to_triton_code({"block_sizes": [1024, 1024, 16]})
