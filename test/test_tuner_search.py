"""The autotuner's search strategies against mocked benchmarks: a bowl over the config
space with one planted fastest config and a region of failing configs. No kernel is
compiled; the matmul example only supplies a real ConfigSpec."""

from __future__ import annotations

import json
import math
import random
import time

import pytest
import torch
from conftest import load_example

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc
from helion_mlir.dialects import cfg
from helion_mlir.tuner.config_spec import ConfigSpec, Slot
from helion_mlir.tuner.encoding import Space, config_key
from helion_mlir.tuner.search import STRATEGIES, Budget, Search, make_search

PID_TYPES = ["flat", "xyz", "persistent_blocked", "persistent_interleaved"]


def slot(key, index, domain, default):
    return Slot(key, index, domain, default, "test")


BLOCK_0 = slot("block_sizes", 0, cfg.Pow2Attr(16, 256), 32)
BLOCK_1 = slot("block_sizes", 1, cfg.Pow2Attr(16, 256), 32)
ORDER = slot("loop_orders", 0, cfg.PermAttr(3), [0, 1, 2])
CHUNK = slot("reduction_loops", 0, cfg.ChunkAttr(16, 256), None)
WARPS = slot("num_warps", None, cfg.Pow2Attr(1, 32), 4)
INDEXING = slot(
    "indexing", 0, cfg.EnumAttr(["pointer", "block_ptr", "tensor_descriptor"]), "pointer"
)
FLATTEN = slot("range_flattens", 0, cfg.EnumAttr([None, False, True]), None)
PID = slot("pid_type", None, cfg.EnumAttr(PID_TYPES), "flat")
TWO_PIDS = slot("pid_type", None, cfg.EnumAttr(["flat", "persistent_blocked"]), "flat")
SM = slot("num_sm_multiplier", None, cfg.Pow2Attr(1, 8), 1)

# 5 * 5 * 6 * 5 * 6 * 3 * 3 * (2 + 2 * 4) = 405,000 legal configs
MID = ConfigSpec([BLOCK_0, BLOCK_1, ORDER, CHUNK, WARPS, INDEXING, FLATTEN, PID, SM])
# 5 * 6 * 6 * 3 * (2 + 2 * 4) = 5,400
MINI = ConfigSpec([BLOCK_0, ORDER, WARPS, INDEXING, PID, SM])
# 5 * 6 * (1 + 1 * 4) = 150: small enough for random search to cover
TINY = ConfigSpec([BLOCK_0, WARPS, TWO_PIDS, SM])

PLANTED = {
    "block_sizes": [128, 64],
    "loop_orders": [[1, 0, 2]],
    "reduction_loops": [64],
    "num_warps": 8,
    "indexing": ["block_ptr"],
    "range_flattens": [True],
    "pid_type": "persistent_blocked",
    "num_sm_multiplier": 4,  # only reachable through a persistent pid_type
}


def planted(spec: ConfigSpec) -> helion.Config:
    """PLANTED cut to the keys (and list lengths) of `spec`."""
    values = {k: v for k, v in PLANTED.items() if k in spec.keys}
    values = {k: v[: len(spec.keys[k])] if spec.is_list(k) else v for k, v in values.items()}
    return Space(spec).decode(Space(spec).encode(values))


class Bowl:
    """A benchmark stand-in: time grows with the distance to the planted config; big
    blocks with few warps fail. Records every batch."""

    def __init__(self, spec: ConfigSpec, best: helion.Config | None = None):
        self.space = Space(spec)
        self.target = self.space.encode(best if best is not None else planted(spec))
        self.batches: list[list[helion.Config]] = []

    def __call__(self, configs: list[helion.Config]) -> list[float]:
        self.batches.append(configs)
        return [self.time(c) for c in configs]

    def time(self, config: helion.Config) -> float:
        if config.get("block_sizes", [0])[0] == 256 and config.get("num_warps", 4) <= 2:
            return math.inf
        point = self.space.encode(config)
        cost = 1.0
        for ordered, p, t in zip(self.space.ordered, point, self.target):
            cost += 0.3 * (p - t) ** 2 if ordered else 0.4 * (p != t)
        return cost

    @property
    def evaluated(self) -> list[helion.Config]:
        return [c for batch in self.batches for c in batch]


def run(name, spec, evaluate, budget=400, **kwargs) -> tuple[Search, helion.Config, float]:
    search = make_search(name, spec, evaluate, Budget(budget), **kwargs)
    config, t = search.run()
    return search, config, t


@pytest.fixture(scope="module")
def mm_spec() -> ConfigSpec:
    matmul = load_example("matmul").matmul
    return matmul.bind((torch.randn(64, 64), torch.randn(64, 64))).config_spec


# -- each strategy finds the planted config ----------------------------------------------


@pytest.mark.parametrize(
    "name, spec, effort",
    [
        ("random", TINY, "full"),
        ("pattern", MINI, "full"),
        ("de", MINI, "full"),
        ("surrogate", MINI, "quick"),
        ("surrogate", MID, "full"),
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_finds_planted_config(name, spec, effort, seed):
    bowl = Bowl(spec)
    search, config, t = run(name, spec, bowl, seed=seed, effort=effort)
    assert (config, t) == (planted(spec), 1.0)
    assert search.evaluations == len(bowl.evaluated) <= (40 if effort == "quick" else 400)


def _without_flatten(config: helion.Config) -> str:
    """A stand-in for the generated code of a kernel whose loops ignore `range_flattens`."""
    return config_key({k: v for k, v in config.items() if k != "range_flattens"})


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_configs_that_run_the_same_kernel_are_benchmarked_once(name):
    """With `identify`, a config alike in generated code to a benchmarked one takes its
    time; the limit counts distinct kernels; the default strategy still finds the
    planted kernel in MID (405,000 configs)."""
    spec = MID
    best = dict(planted(spec), range_flattens=[None])
    bowl = Bowl(spec, best=helion.Config(**best))
    plain = Space(spec)

    def time(config, inner=bowl.time):  # range_flattens changes nothing
        return inner(plain.decode(plain.encode(dict(config, range_flattens=[None]))))

    bowl.time = time
    search, config, t = run(name, spec, bowl, effort="full", identify=_without_flatten)
    kernels = [_without_flatten(c) for c in bowl.evaluated]
    assert len(kernels) == len(set(kernels)) == search.evaluations <= 400
    assert len(search.times) > search.evaluations  # twins were timed without a run
    if name == "surrogate":
        assert t == 1.0 and _without_flatten(config) == _without_flatten(helion.Config(**best))


def test_a_batch_of_twins_alone_ends_a_random_search():
    """Every config of TINY is one kernel: the search benchmarks it once and stops."""
    bowl = Bowl(TINY)
    search, _, _ = run("random", TINY, bowl, effort="full", identify=lambda c: "one kernel")
    assert search.evaluations == len(bowl.evaluated) == 1


def test_layer_norm_configs_that_only_set_options_of_absent_loops_are_one_kernel():
    """Without a persistent loop, the grid's `range_*` options change no code; an
    indexing change does."""
    x, w, b = torch.randn(8, 64), torch.randn(64), torch.randn(64)
    bound = load_example("layer_norm").layer_norm.bind((x, w, b, 1e-5))
    spec = bound.config_spec
    base = spec.default_config()

    def identity(**values):
        return bound.kernel_identity(helion.Config(**spec.normalize(dict(base, **values))))

    assert identity(range_flattens=[True], range_num_stages=[2]) == identity()
    assert identity(load_eviction_policies=["last", "", ""]) != identity()


def test_random_search_covers_a_small_space_once():
    bowl = Bowl(TINY)
    search, _, _ = run("random", TINY, bowl, effort="full")
    assert search.evaluations == 150
    assert len({config_key(c) for c in bowl.evaluated}) == 150


# -- the contract every strategy keeps ---------------------------------------------------


@pytest.mark.parametrize("name", list(STRATEGIES))
@pytest.mark.parametrize("effort, limit", [("quick", 40), ("full", 400)])
def test_real_space_contract(name, effort, limit, mm_spec):
    """On matmul's space: default first, each config once and legal, limits kept."""
    best = mm_spec.random_config(7)
    bowl = Bowl(mm_spec, best)
    search, config, t = run(name, mm_spec, bowl, budget=1000, effort=effort)
    evaluated = bowl.evaluated
    assert evaluated[0] == mm_spec.default_config()
    assert len({config_key(c) for c in evaluated}) == len(evaluated) == search.evaluations
    assert search.evaluations <= limit
    assert all(mm_spec.normalize(dict(c)) == c for c in evaluated)
    assert [c for c, _ in search.history] == evaluated
    assert t == min(t for _, t in search.history) < bowl.time(mm_spec.default_config())
    assert isinstance(config, helion.Config) and mm_spec.normalize(dict(config)) == config


@pytest.mark.parametrize("name", list(STRATEGIES))
@pytest.mark.parametrize("budget", [0, 1, 7, 33])
def test_budget_bounds_evaluations(name, budget):
    bowl = Bowl(MID)
    search, _, _ = run(name, MID, bowl, budget=budget, effort="full")
    assert search.evaluations == len(bowl.evaluated) <= budget


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_no_batch_starts_after_the_deadline(name):
    bowl = Bowl(MID)
    budget = Budget(400)

    def evaluate(configs):
        budget.deadline = time.monotonic()  # the deadline passes during the first batch
        return bowl(configs)

    search = make_search(name, MID, evaluate, budget, effort="full")
    search.run()
    assert len(bowl.batches) == 1 and search.evaluations == len(bowl.batches[0])


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_seeds_follow_the_default_in_the_first_batch(name):
    bowl = Bowl(MID)
    seeds = [MID.random_config(1), MID.default_config(), MID.random_config(2)]
    run(name, MID, bowl, seeds=seeds)
    assert bowl.batches[0][:3] == [MID.default_config(), seeds[0], seeds[2]]


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_all_failures_give_the_default(name):
    calls = []

    def evaluate(configs):
        calls.extend(configs)
        return [math.inf] * len(configs)

    search, config, t = run(name, MID, evaluate)
    assert (config, t) == (MID.default_config(), math.inf)
    assert 1 <= search.evaluations == len(calls) <= 40
    assert len({config_key(c) for c in calls}) == len(calls)


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_empty_space(name):
    search, config, t = run(name, ConfigSpec([]), lambda configs: [0.5] * len(configs))
    assert (config, t) == (helion.Config(), 0.5)
    assert search.history == [(helion.Config(), 0.5)]


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_deterministic_for_a_seed(name):
    def trace(seed):
        bowl = Bowl(MID)
        run(name, MID, bowl, seed=seed, effort="full")
        return [config_key(c) for c in bowl.evaluated]

    assert trace(3) == trace(3)
    assert trace(3) != trace(4)


def test_unknown_names():
    with pytest.raises(exc.InvalidArgument, match="random, pattern, de, surrogate"):
        make_search("anneal", MID, Bowl(MID), Budget(10))
    with pytest.raises(exc.InvalidArgument, match="quick, full"):
        make_search("random", MID, Bowl(MID), Budget(10), effort="max")


def test_nan_counts_as_failure():
    search, config, t = run("random", TINY, lambda configs: [math.nan] * len(configs))
    assert (config, t) == (TINY.default_config(), math.inf)


# -- encoding ----------------------------------------------------------------------------


def test_points_round_trip(mm_spec):
    space = Space(mm_spec)
    assert space.decode(space.default) == mm_spec.default_config()
    for seed in range(20):
        config = mm_spec.random_config(seed)
        assert space.decode(space.encode(config)) == config


def test_legalize_resets_persistent_only_keys():
    space = Space(MINI)
    persistent = space.encode({"pid_type": "persistent_interleaved", "num_sm_multiplier": 8})
    assert space.legalize(persistent) == persistent
    flat = list(persistent)
    flat[MINI.slots.index(PID)] = 0
    assert space.decode(space.legalize(tuple(flat)))["num_sm_multiplier"] == 1


def test_neighbours(mm_spec):
    space = Space(mm_spec)
    here = space.default
    near = space.neighbours(here)
    assert here not in near and len(set(near)) == len(near)
    configs = [space.decode(p) for p in near]
    assert all(mm_spec.normalize(dict(c)) == c for c in configs)
    # one ordered step: num_warps 4 -> 2 or 8; enums: every other value
    assert {c["num_warps"] for c in configs} == {2, 4, 8}
    assert {c["pid_type"] for c in configs} == set(PID_TYPES)
    # flat pid_type: num_sm_multiplier stays put
    assert {c["num_sm_multiplier"] for c in configs} == {1}
    # block sizes also move in pairs
    assert {"block_sizes": [64, 16, 32]} in [{"block_sizes": c["block_sizes"]} for c in configs]


def test_big_permutations_step_by_swaps():
    space = Space(ConfigSpec([slot("loop_orders", 0, cfg.PermAttr(4), [0, 1, 2, 3])]))
    orders = [space.decode(p)["loop_orders"][0] for p in space.neighbours(space.default)]
    assert len(orders) == 6
    assert all(sum(a != b for a, b in zip(o, range(4))) == 2 for o in orders)


def test_perturb_stays_legal_and_close(mm_spec):
    space = Space(mm_spec)
    rng = random.Random(0)
    for _ in range(200):
        p = space.perturb(space.default, rng, radius=2)
        assert sum(a != b for a, b in zip(p, space.default)) <= 2
        config = space.decode(p)
        assert mm_spec.normalize(dict(config)) == config


def test_config_key_is_canonical_json():
    a = helion.Config(num_warps=4, block_sizes=[16, 32])
    b = helion.Config(block_sizes=(16, 32), num_warps=4)
    assert config_key(a) == config_key(b) == json.dumps({"block_sizes": [16, 32], "num_warps": 4})
    assert config_key({"flag": False}) != config_key({"flag": 0})


@pytest.mark.parametrize(
    ("example", "fn", "args", "first_blocks"),
    [
        (
            "matmul",
            "matmul",
            lambda: (torch.randn(256, 256), torch.randn(256, 256)),
            [128, 256, 64],
        ),
        ("attention", "attention", lambda: (torch.randn(1, 2, 256, 64),) * 3, [1, 128, 128]),
    ],
)
def test_gpu_seeds_fit_the_kernel_shape(example, fn, args, first_blocks):
    """Matmul-like kernels (three dot dims) get tensor-core tiles; attention-like ones
    (query rows and key columns) get tiles whose pipelines fit in shared memory."""
    from helion_mlir.tuner.seeds import seed_configs

    spec = getattr(load_example(example), fn).bind(args()).config_spec
    seeds = [spec.normalize(s) for s in seed_configs(spec, gpu=True)]
    assert seeds and seeds[0]["block_sizes"] == first_blocks
    persistent = seeds[1]  # the first, persistent, with TMA loads and a stage less
    assert persistent["block_sizes"] == first_blocks
    assert persistent["pid_type"] == "persistent_blocked"
    assert set(persistent["indexing"]) == {"tensor_descriptor"}
    assert persistent["num_stages"] == seeds[0]["num_stages"] - 1
    assert seed_configs(spec, gpu=False) == []
    if example == "attention":  # query-row tiles of one head run together
        assert all(s["loop_orders"] == [[1, 0]] for s in seeds)
    else:
        assert all(s["loop_orders"] == spec.default_config()["loop_orders"] for s in seeds)


@helion.kernel()
def keys_by_registered_rows_of_a_fixed_head(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    block_m = hl.register_block_size(q.size(1))  # block slot 0, though grid dim 2
    out = torch.empty_like(q)
    kt = k.transpose(1, 2)
    grid = [q.size(0), 1, q.size(1)]
    for tb, _head, tm in hl.tile(grid, block_size=[None, 1, block_m]):  # dim 1: no slot
        acc = hl.zeros([tb, tm, q.size(2)], dtype=torch.float32)
        for tn in hl.tile(k.size(1)):
            s = torch.bmm(q[tb, tm, :], kt[tb, :, tn])
            acc = torch.baddbmm(acc, s, k[tb, tn, :])
        out[tb, tm, :] = acc
    return out


def test_attention_seeds_put_the_query_row_dim_first_whatever_the_slot_order():
    """The loop order of attention's seeds names grid dims, not block slots: a
    registered block size comes first among the slots, and a fixed block has none;
    every seed stays legal (none is dropped by `normalize`)."""
    from helion_mlir.tuner.seeds import seed_configs

    q = torch.randn(2, 64, 16)
    spec = keys_by_registered_rows_of_a_fixed_head.bind((q, q)).config_spec
    raw = seed_configs(spec, gpu=True)
    seeds = [spec.normalize(s) for s in raw]
    assert raw and all(s["loop_orders"] == [[2, 0, 1]] for s in seeds)


def test_gpu_seeds_of_streaming_kernels_read_long_runs():
    """Dot-free kernels get seeds with few grid rows and long inner-loop tiles (jsd: the
    registered inner block is slot 0)."""
    from helion_mlir.tuner.seeds import seed_configs

    spec = load_example("jsd").jsd.bind((torch.randn(64, 8192),) * 2).config_spec
    seeds = [spec.normalize(s)["block_sizes"] for s in seed_configs(spec, gpu=True)]
    assert seeds[0] == [4096, 1] and [8192, 2] in seeds


def test_gpu_seeds_of_elementwise_kernels_include_one_whose_loads_evict_last():
    from helion_mlir.tuner.seeds import seed_configs

    add = load_example("add").add
    spec = add.bind((torch.randn(64, 8192), torch.randn(8192))).config_spec
    seeds = [spec.normalize(s) for s in seed_configs(spec, gpu=True)]
    last = [s for s in seeds if s["load_eviction_policies"] == ["last", "last"]]
    assert [(s["block_sizes"], s["num_warps"]) for s in last] == [([2, 8192], 32), ([1, 4096], 8)]


def test_gpu_seeds_of_row_reductions_keep_rows_whole_when_they_fit():
    """A row reduction's seeds read one to four rows a program; a row stays whole in
    registers while each thread holds at most 64 of its elements (Helion's default
    rolls past 4096, so the first seed differs from the default), else it is read in
    chunks."""
    from helion_mlir.tuner.seeds import seed_configs

    spec = load_example("softmax").softmax.bind((torch.randn(64, 8192),)).config_spec
    seeds = [spec.normalize(s) for s in seed_configs(spec, gpu=True)]
    assert spec.default_config()["reduction_loops"] == [4096]
    assert (seeds[0]["block_sizes"], seeds[0]["reduction_loops"]) == ([1], [None])
    assert seeds[1]["pid_type"] == "persistent_interleaved"
    assert {4096, 2048} <= {s["reduction_loops"][0] for s in seeds}
    assert all(s["block_sizes"][0] <= 4 for s in seeds)
    for policy in ("last", "first"):  # the likeliest whole row, kept in L2 or streamed
        whole = [
            s
            for s in seeds
            if s["load_eviction_policies"] == [policy] and not any(s["reduction_loops"])
        ]
        assert [(s["block_sizes"], s["num_warps"]) for s in whole] == [([1], 8)]
    spec = load_example("softmax").softmax.bind((torch.randn(8, 32768),)).config_spec
    seeds = [spec.normalize(s) for s in seed_configs(spec, gpu=True)]
    whole = [s for s in seeds if s["reduction_loops"] == [None]]
    assert whole and all(s["block_sizes"][0] * 32768 <= 64 * 32 * s["num_warps"] for s in whole)
    assert {4096, 8192} <= {s["reduction_loops"][0] for s in seeds}
    assert seed_configs(spec, gpu=False) == []


def test_rolled_seeds_evict_streamed_rows_first_and_the_rest_last():
    """Cross entropy streams each row of logits once through an online softmax: its
    rolled seeds evict the logits first; its labels (neighbouring programs share their
    cache lines) and the gathered target logits stay last. Layer norm re-reads its row
    in each stage: all last."""
    from helion_mlir.tuner.seeds import seed_configs

    args = (torch.randn(8, 32768), torch.randint(0, 32768, (8,)))
    spec = load_example("cross_entropy").cross_entropy.bind(args).config_spec
    assert spec.streamed == {2}
    rolled = [spec.normalize(s) for s in seed_configs(spec, gpu=True) if any(s["reduction_loops"])]
    assert {16384, 8192} <= {s["reduction_loops"][0] for s in rolled}
    assert all(s["load_eviction_policies"] == ["last", "last", "first"] for s in rolled)
    x = torch.randn(8, 32768)
    spec = load_example("layer_norm").layer_norm.bind((x, x[0], x[0], 1e-5)).config_spec
    assert spec.streamed == frozenset()
    rolled = [s for s in seed_configs(spec, gpu=True) if any(s["reduction_loops"])]
    assert rolled and all(set(s["load_eviction_policies"]) == {"last"} for s in rolled)


def test_loops_over_whole_rows_get_few_rows_a_tile():
    """RMSNorm backward's loop over the rows of a block holds whole rows of 8192: its
    tiles are at most 8 rows (64 elements a thread at 32 warps), it starts at one, and
    the seeds read a row or two at a time from blocks of 16 to 32 rows, some with the
    row loop's loads pipelined three deep."""
    from helion_mlir.tuner.seeds import seed_configs

    x = torch.empty(256, 8192)
    args = (torch.empty_like(x), x, torch.empty(8192), torch.empty(256))
    spec = load_example("rms_norm_bwd").rms_norm_bwd.bind(args).config_spec
    outer, inner = spec.keys["block_sizes"]
    assert (inner.domain.high.data, inner.default) == (8, 1)
    assert spec.row_elements == {1: 8192}
    seeds = [spec.normalize(s) for s in seed_configs(spec, gpu=True)]
    assert all(s["block_sizes"][1] <= 2 for s in seeds)
    rows = {(tuple(s["block_sizes"]), s["num_warps"], s["range_num_stages"][1]) for s in seeds}
    assert {((32, 2), 16, 0), ((32, 1), 16, 3), ((16, 2), 32, 0)} <= rows


@pytest.mark.parametrize(("target", "tma"), [("cuda:80:108", False), ("cuda:90:132", True)])
def test_persistent_dot_seed_reads_by_tma_only_where_the_target_has_it(target, tma):
    """Every seed fits the space of the target it is tuned on: before Hopper a
    persistent dot kernel keeps the default indexing."""
    from helion_mlir import frontend
    from helion_mlir.passes import pipelines
    from helion_mlir.tuner.seeds import seed_configs

    kernel = load_example("matmul").matmul
    module = frontend.build(kernel.source, (torch.randn(256, 256), torch.randn(256, 256))).module
    pipelines.lower_config_free(module, target)
    spec = ConfigSpec.from_module(module)
    seeds = [spec.normalize(s) for s in seed_configs(spec, gpu=True)]  # none is rejected
    persistent = seeds[1]
    assert persistent["pid_type"] == "persistent_blocked"
    assert ("tensor_descriptor" in persistent["indexing"]) == tma


def test_gpu_seeds_of_rolled_rows_keep_them_in_l2_and_one_is_persistent_with_capped_registers():
    """A rolled row is read once per stage: its seeds evict it last (of whole rows, one
    seed does). One seed runs several rolled rows a program on a persistent grid with
    `maxnreg`, where the target has it."""
    from helion_mlir import frontend
    from helion_mlir.passes import pipelines
    from helion_mlir.tuner.seeds import seed_configs

    kernel = load_example("softmax").softmax
    module = frontend.build(kernel.source, (torch.randn(64, 8192),)).module
    pipelines.lower_config_free(module, "cuda:90:132")
    spec = ConfigSpec.from_module(module)
    seeds = [spec.normalize(s) for s in seed_configs(spec, gpu=True)]
    for s in seeds:
        if s["reduction_loops"][0] is not None:
            assert s["load_eviction_policies"] == ["last"], s
    whole_last = [
        s
        for s in seeds
        if s["reduction_loops"] == [None] and s["load_eviction_policies"] == ["last"]
    ]
    assert len(whole_last) == 1
    capped = [s for s in seeds if s["maxnreg"] == 128]
    assert len(capped) == 1 and capped[0]["pid_type"] == "persistent_interleaved"
    assert capped[0]["block_sizes"] == [4] and capped[0]["reduction_loops"] == [4096]
