"""Hopper's warp-specialized Gluon schedule (`range_warp_specializes` on a two-dot loop):
where the space offers it, the keys it decides, the source it emits, that the source
builds for sm_90a, and the kernels it refuses. Gluon does not run on the CPU, so the GPU
runs (benchmarks/run.py) check its results; here it is compiled, not run."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
from pathlib import Path

import pytest
import torch
from conftest import ROOT, load_example

sys.path.insert(0, str(ROOT / "benchmarks"))
from gluon_schedule import causal_attention  # noqa: E402

from helion_mlir import exc, frontend
from helion_mlir import target as target_module
from helion_mlir.backends import emit as emitting
from helion_mlir.backends.gluon import emitter as gluon_emitter
from helion_mlir.passes import pipelines
from helion_mlir.target import TargetInfo
from helion_mlir.tuner.config_spec import ConfigSpec
from helion_mlir.tuner.seeds import seed_configs

HOPPER, BLACKWELL = "cuda:90:132", "cuda:100:148"
WS = {"range_warp_specializes": [True], "loop_orders": [[1, 0]]}


def _qkv(seq: int = 512, head: int = 64, dtype: torch.dtype = torch.bfloat16):
    return [torch.empty(2, 4, seq, head, dtype=dtype, device="meta") for _ in range(3)]


def _lowered(kernel, args, target: str = HOPPER):
    module = frontend.build(kernel.source, args).module
    pipelines.lower_config_free(module, target)
    return module, ConfigSpec.from_module(module)


def _attention():
    return load_example("attention").attention


def _source(config: dict, kernel=None, args=None) -> str:
    module, spec = _lowered(kernel or _attention(), args or _qkv())
    return emitting.emit(pipelines.bind(module, spec.normalize(config)))


def test_hopper_offers_the_schedule_on_two_dot_loops_only(matmul_example):
    _, spec = _lowered(_attention(), _qkv())
    assert [s.owner.split(" ")[0] for s in spec.keys["range_warp_specializes"]] == ["loop.for"]
    x = torch.empty(256, 256, dtype=torch.bfloat16, device="meta")
    _, spec = _lowered(matmul_example.matmul, [x, x])
    assert "range_warp_specializes" not in spec.keys  # one dot: Triton's schedule only
    _, spec = _lowered(_attention(), _qkv(), BLACKWELL)  # Triton's, on every loop
    assert len(spec.keys["range_warp_specializes"]) == 2
    _, spec = _lowered(_attention(), _qkv(dtype=torch.float32))  # wgmma: 16-bit operands
    assert "range_warp_specializes" not in spec.keys


def test_a_triton_without_its_gluon_is_not_offered_the_schedule(monkeypatch):
    """Triton 3.6's Gluon is what the emitter writes: under another Triton the target
    says so (`target.current`) and the space leaves the schedule out."""
    target = TargetInfo.parse(f"{HOPPER}:no-block-ptr:no-gluon")
    assert (target.block_ptr, target.gluon) == (False, False)
    assert TargetInfo.parse(target.spec()) == target
    assert TargetInfo.parse(f"{HOPPER}:no-gluon").spec() == f"{HOPPER}:no-gluon"
    _, spec = _lowered(_attention(), _qkv(), f"{HOPPER}:no-gluon")
    assert "range_warp_specializes" not in spec.keys
    for installed, has in (("3.6.0", True), ("3.9.0", False)):
        monkeypatch.setattr(importlib.metadata, "version", lambda package, v=installed: v)
        assert target_module.triton_has_gluon() is has


def test_the_schedule_fixes_the_keys_it_decides():
    """TMA loads, a flat grid, 4-warp partitions, query tiles of 128 rows of one head:
    the config printed is the one that runs."""
    _, spec = _lowered(_attention(), _qkv())
    asked = {
        "block_sizes": [4, 32, 64],
        "indexing": "pointer",
        "pid_type": "persistent_blocked",
        "num_sm_multiplier": 2,
        "num_warps": 8,
        "load_eviction_policies": ["last", "first", ""],
    }
    got = spec.normalize({**asked, "range_warp_specializes": [True]})
    assert got["block_sizes"] == [1, 128, 64]  # the key tile stays the tuner's choice
    assert got["indexing"] == ["tensor_descriptor"] * 4
    assert (got["pid_type"], got["num_warps"], got["num_sm_multiplier"]) == ("flat", 4, 1)
    assert got["load_eviction_policies"] == ["", "", ""]
    untouched = spec.normalize(asked)
    assert untouched["block_sizes"] == [4, 32, 64] and untouched["num_warps"] == 8
    rng_configs = [spec.random_config(seed) for seed in range(40)]
    for config in rng_configs:
        if config["range_warp_specializes"] == [True]:
            assert config["block_sizes"][:2] == [1, 128] and config["pid_type"] == "flat"


def test_seeds_try_the_schedule_first():
    _, spec = _lowered(_attention(), _qkv())
    first, second = (spec.normalize(s) for s in seed_configs(spec, gpu=True)[:2])
    assert first["range_warp_specializes"] == second["range_warp_specializes"] == [True]
    assert first["loop_orders"] == [[1, 0]]  # a head's query tiles side by side: K, V in L2
    assert (first["block_sizes"], second["block_sizes"]) == ([1, 128, 128], [1, 128, 64])


def test_emitted_source_is_the_warp_specialized_schedule():
    source = _source(WS)
    # one program per SM walks the tiles; the loop's ops keep their names, in Gluon
    assert "for tile in range(gl.program_id(0), 32, gl.num_programs(0)):" in source
    assert "gl.warp_specialize(" in source and "[4, 1]," in source
    assert "tma.async_copy_global_to_shared(k_view_desc" in source
    assert "p = gl.exp2(qk)" in source and "alpha = gl.exp2(" in source
    # the first dot of tile j and the second of tile j-1 in flight together
    assert "o_tok = warpgroup_mma(p_operand, v_smem.index(sp), acc_0, is_async=True)" in source
    assert "warpgroup_mma_wait(1, deps=(s_tok,))" in source
    assert "TensorDescriptor(q_view, [4096, 64], [64, 1], [64, 64]" in source  # 2 x 4 x 512
    leftover = [
        line for line in source.splitlines() if "tl." in line and "PropagateNan" not in line
    ]
    assert leftover == []
    compile(source, "<gluon>", "exec")


def test_a_narrow_key_tile_converts_row_vectors_between_layouts():
    """With 64-wide key tiles the scores and the accumulator have layouts of different
    widths: the rescale's row vector moves between them."""
    source = _source({**WS, "block_sizes": [1, 128, 64]}, args=_qkv(head=128))
    assert "gl.convert_layout(alpha, _rows(128))[:, None]" in source
    assert "gl.full([64], float('-inf'), gl.float32, _rows(64))" in source


def _compile_for_hopper(source: str, tmp_path: Path, name: str = "attention", head: int = 128):
    """The emitted kernel of `name` compiled for sm_90a, its launcher run on CPU
    stand-ins to get the descriptors it passes."""
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.experimental.gluon._runtime import GluonASTSource
    from triton.runtime.jit import mangle_type

    path = tmp_path / "kernel.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("gluon_kernel", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kernel = getattr(module, f"_{name}_kernel")
    captured = {}

    class Grid:
        def __getitem__(self, grid):
            return lambda *args, **kwargs: captured.update(args=args, kwargs=kwargs)

    setattr(module, f"_{name}_kernel", Grid())
    stand_ins = (torch.empty(8, 512, head, dtype=torch.bfloat16) for _ in range(4))
    getattr(module, f"launch_{name}")(*stand_ins)
    kwargs = captured["kwargs"]
    signature = {n: mangle_type(a) for n, a in zip(kernel.arg_names, captured["args"])}
    options = {"num_warps": kwargs["num_warps"], "maxnreg": kwargs["maxnreg"]}
    return triton.compile(
        GluonASTSource(kernel, signature, {}, {}), target=GPUTarget("cuda", 90, 32), options=options
    )


@pytest.fixture
def sm90_tools(monkeypatch):
    """benchmarks/gluon_attention.py's SASS tools, where this Triton can compile Gluon."""
    pytest.importorskip("triton.experimental.gluon.language.nvidia.hopper")
    if not target_module.triton_has_gluon():
        pytest.skip("the emitted Gluon is written for Triton 3.6's")
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import gluon_attention

    if not (gluon_attention.TOOLS / "cuobjdump").is_file():
        pytest.skip("this Triton ships no cuobjdump")
    return gluon_attention


@pytest.mark.parametrize(("block_n", "stages"), [(128, 2), (64, 4)])
def test_emitted_kernel_builds_for_sm90_without_spills(block_n, stages, tmp_path, sm90_tools):
    gluon_attention = sm90_tools
    config = {**WS, "block_sizes": [1, 128, block_n], "num_stages": stages}
    compiled = _compile_for_hopper(_source(config, args=_qkv(head=128)), tmp_path)
    sass, resources = gluon_attention.sass(compiled)
    assert not gluon_attention.spilled(resources), resources
    assert "HGMMA" in sass and "USETMAXREG" in sass
    assert compiled.metadata.shared <= gluon_emitter.SHARED_BYTES + 1024


def test_the_ring_is_as_deep_as_shared_memory_holds():
    source = _source({**WS, "block_sizes": [1, 128, 128], "num_stages": 4}, args=_qkv(head=128))
    assert "k_smem = gl.allocate_shared_memory(gl.bfloat16, [2, 128, 128]" in source
    with pytest.raises(exc.InvalidConfig, match="do not fit shared memory twice over"):
        _source({**WS, "block_sizes": [1, 128, 256]}, args=_qkv(head=256))
    with pytest.raises(exc.InvalidConfig, match="at most 256 a dim"):
        _source({**WS, "block_sizes": [1, 128, 512]}, args=_qkv(seq=1024, head=128))
    with pytest.raises(exc.InvalidConfig, match="fewer than two key tiles"):
        _source({**WS, "block_sizes": [1, 128, 256]}, args=_qkv(seq=256))


def test_a_mask_in_the_loop_takes_index_vectors_along_rows_and_columns(tmp_path, sm90_tools):
    """Causal masking: one `triton.arange` serves as the query rows' indices (each
    consumer its own 64) and the key columns' (all of them), each in its own layout."""
    every_key_tile = [*_qkv(), False, True, False]  # bf16 scores, masked, a full loop
    source = _source({**WS, "block_sizes": [1, 128, 64]}, causal_attention, every_key_tile)
    assert "indices_1 = offset_1 + (CID * 64 + gl.arange(0, 64, layout=_rows(64)))" in source
    assert "gl.arange(0, 64, layout=_cols(64))" in source
    assert "keep = indices_1[:, None] >= indices_3[None, :]" in source
    assert re.search(r"= gl\.where\(keep, v(_\d+)?, float\('-inf'\)\)", source)  # in f32
    compiled = _compile_for_hopper(source, tmp_path, "causal_attention", head=64)
    assert not sm90_tools.spilled(sm90_tools.sass(compiled)[1])


def test_a_loop_to_the_query_tiles_end_counts_its_key_tiles_per_tile(tmp_path, sm90_tools):
    """Causal attention that stops at the diagonal: each query tile runs its own number
    of key tiles, at least one (the bound is provably past the start), and a tile of
    one key tile frees its Q after the peeled first dot."""
    source = _source({**WS, "block_sizes": [1, 128, 64]}, causal_attention, _qkv())
    assert source.count("n_tiles = (v - 0 + 63) // 64") == 2  # producer and consumers
    assert "for j in range(n_tiles):" in source  # the producer; the consumers split theirs
    assert "mbarrier.arrive(q_empty.index(CID), pred=n_tiles == 1)" in source
    assert "mbarrier.arrive(q_empty.index(CID), pred=j == n_tiles - 1)" in source
    # key tiles wholly below a consumer's first row run without the mask
    first_row = "offset_1 + CID * 64"
    assert (
        f"n_free = gl.minimum(gl.maximum(gl.maximum({first_row} - 0 + 1, 0) // 64, 1), n_tiles)"
        in source
    )
    free, diagonal = source.split("for j in range(1, n_free):")[1].split(
        "for j in range(n_free, n_tiles):"
    )
    assert "gl.where" not in free and "keep" not in free and "offset_3" not in free
    assert re.search(
        r"gl\.where\(keep_0, v_\d+, float\('-inf'\)\)", diagonal.split("sp = (count")[0]
    )
    compiled = _compile_for_hopper(source, tmp_path, "causal_attention", head=64)
    assert not sm90_tools.spilled(sm90_tools.sass(compiled)[1])


def test_a_loop_from_a_runtime_start_is_refused():
    """The schedule counts key tiles from a constant start: one that cannot show its
    loop runs at least once would risk a program waiting on its first K forever."""
    with pytest.raises(exc.InvalidConfig, match="provably past its start"):
        from_tile_start = [*_qkv(), False, True, True, True]
        _source({**WS, "block_sizes": [1, 128, 64]}, causal_attention, from_tile_start)


def test_a_ragged_batched_sequence_is_refused():
    """Folded into rows of [B*S, D], a tile past a sequence's end would read the next
    head's rows (TMA fills zeros only past the whole tensor)."""
    with pytest.raises(exc.InvalidConfig, match="does not fold into rows") as info:
        _source(WS, None, _qkv(seq=200))
    assert "Set range_warp_specializes to None" in str(info.value)
    # at the key loop of the kernel's source
    assert info.value.location.filename.endswith("attention.py")
    assert "for tile_n in hl.tile(n_dim):" in str(info.value)
