"""Configs worth measuring early on a GPU, whatever the search draws: the tile shapes,
warp counts and pipeline depths that matmul-like, attention-like and streaming
(memory-bound) kernels usually want there."""

from __future__ import annotations

from typing import Any

from helion_mlir.backends.gluon.two_dot_loop import BLOCK_M
from helion_mlir.tuner.config_spec import ConfigSpec, Slot, is_dot_dim

# (M, N, K) blocks, num_warps, num_stages of tensor-core friendly shapes
MATMUL_SHAPES = [
    ((128, 256, 64), 8, 4),
    ((128, 128, 64), 8, 3),
    ((128, 128, 64), 4, 4),
    ((64, 128, 64), 4, 4),
    ((128, 64, 64), 4, 4),
    ((64, 64, 64), 4, 3),
]

# (M, N) blocks, num_warps, num_stages for two dot dims, query rows and key columns as
# in attention (the head dim is whole): the inner loop's operands stay in shared
# memory per stage, so deep pipelines of wide N tiles overflow it (128 x 128 with 4
# stages needs 288 KiB on Hopper)
ATTENTION_SHAPES = [
    ((128, 128), 8, 3),
    ((256, 64), 8, 3),
    ((128, 64), 4, 2),  # a hand-written Triton flash attention's best on an H100
    ((128, 64), 8, 3),
    ((128, 128), 8, 2),
    ((128, 64), 4, 3),
    ((64, 64), 4, 3),
]

# (key columns, ring depth) of Hopper's warp-specialized Gluon schedule, whose query
# tile is two consumers' 64 rows: on an H100 (B4 H32 S2048 D128 bf16) 128 key columns
# two deep ran 0.4567 ms, 1.03x SDPA; 64 columns four deep 0.5377
GLUON_SHAPES = [(128, 2), (64, 4)]


# Kernels without dots stream memory: few rows per program and long runs along the
# inner loops, whose tiles are what a program reads at a time. (rows of a grid tile,
# elements of an inner-loop tile, num_warps); a grid of tiles alone (no inner loop)
# of two or more dims takes the second number for its last dim, usually the contiguous
# one.
STREAM_SHAPES = [
    ((1, 4096), 8),
    ((4, 4096), 32),
    ((2, 8192), 32),
    ((8, 1024), 8),
    ((64, 256), 4),
    ((16, 512), 16),
]

# A kernel that reduces along a ':' dim reads the reduced dim in chunks
# (`reduction_loops`); (rows of a grid tile, chunk, num_warps). A chunk of None keeps
# the whole dim in registers, read once: the best while each thread holds at most
# WHOLE_ROW_PER_THREAD elements of it, past which the registers spill and a rolled loop
# wins.
REDUCTION_SHAPES = [
    ((1, None), 8),
    ((1, None), 16),
    ((2, None), 16),
    ((1, 4096), 8),
    ((1, 8192), 16),
    ((1, 16384), 8),
    ((4, None), 32),
    ((1, 2048), 4),
    ((4, 4096), 16),
]
WHOLE_ROW_PER_THREAD = 64


def seed_configs(spec: ConfigSpec, gpu: bool) -> list[dict[str, Any]]:
    """Seeds for a kernel's search (raw: `spec.normalize` fits them to its space)."""
    blocks = spec.keys.get("block_sizes", [])
    if not gpu or not blocks:
        return []
    dot = _dot_slots(blocks)
    reductions = spec.keys.get("reduction_loops")
    if dot:
        out = _dot_seeds(spec, blocks, dot)
    elif reductions:
        out = _reduction_seeds(spec, blocks, reductions)
    else:
        out = _stream_seeds(spec, blocks)
    if out and "pid_type" in spec.keys:  # the likeliest of them, persistent
        out.insert(1, {**out[0], **_persistent(spec, out[0], bool(dot))})
    return _gluon_seeds(spec, blocks, dot) + out


def _persistent(spec: ConfigSpec, first: dict[str, Any], dots: bool) -> dict[str, Any]:
    """What makes `first` persistent: a tensor-core kernel also reads by TMA where the
    target has it, with a stage less for the descriptors' shared memory."""
    if not dots:
        return {"pid_type": "persistent_interleaved"}
    accesses = spec.keys.get("indexing", [])
    if not accesses or not all(s.domain.contains("tensor_descriptor") for s in accesses):
        return {"pid_type": "persistent_blocked"}
    return {
        "pid_type": "persistent_blocked",
        "indexing": ["tensor_descriptor"] * len(accesses),
        "num_stages": max(2, first["num_stages"] - 1),
    }


def _dot_seeds(spec: ConfigSpec, blocks: list[Slot], dot: list[int]) -> list[dict[str, Any]]:
    out = []
    attention = len(dot) == 2
    shapes = ATTENTION_SHAPES if attention else MATMUL_SHAPES
    order = _query_rows_first(spec, dot[0]) if attention else {}
    for shape, warps, stages in shapes:
        out.append(
            {**_sized(blocks, dot, shape), "num_warps": warps, "num_stages": stages, **order}
        )
    return out


def _gluon_seeds(spec: ConfigSpec, blocks: list[Slot], dot: list[int]) -> list[dict[str, Any]]:
    """Hopper's warp-specialized schedule of an attention loop (the keys it fixes, such
    as TMA indexing, follow from `range_warp_specializes`)."""
    if len(dot) != 2 or not spec.gluon_loops:
        return []
    slots = spec.keys["range_warp_specializes"]
    ws = [i in spec.gluon_loops or s.default for i, s in enumerate(slots)]
    order = _query_rows_first(spec, dot[0])
    return [
        {**_sized(blocks, dot, (BLOCK_M, n)), "num_stages": stages, **order,
         "range_warp_specializes": ws}
        for n, stages in GLUON_SHAPES
    ]  # fmt: skip


def _sized(blocks: list[Slot], dot: list[int], shape: tuple[int, ...]) -> dict[str, Any]:
    """Block sizes with the dot dims at `shape` (its last entry repeated), the others
    at their defaults."""
    sizes = [s.default for s in blocks]
    for slot, size in zip(dot, (*shape, *[shape[-1]] * len(dot))):
        sizes[slot] = size
    return {"block_sizes": sizes}


def _query_rows_first(spec: ConfigSpec, rows: int) -> dict[str, Any]:
    """The loop order that runs the query-row tiles of one (batch, head) side by side:
    they read the same keys and values, which then stay in L2. With the batch dim first
    (a flat grid's default), the programs on the card at once each stream another
    head's keys and values from memory (on an H100, attention went 0.6088 -> 0.5486
    ms at 256 x 64 tiles)."""
    for grid in spec.grids:
        if grid.order is None or rows not in grid.blocks:
            continue
        first = grid.blocks.index(rows)
        orders = [list(s.default) for s in spec.keys["loop_orders"]]  # type: ignore[arg-type]
        orders[grid.order] = [first, *(d for d in range(len(grid.blocks)) if d != first)]
        return {"loop_orders": orders}
    return {}


def _dot_slots(blocks: list[Slot]) -> list[int]:
    """The matmul dims: block slots that must be at least 16 (tl.dot's minimum)."""
    return [i for i, s in enumerate(blocks) if is_dot_dim(s)]


# A loop over the rows of a program's block whose tiles hold whole rows (an RMSNorm
# backward summing the weight gradient of its block in registers): (rows of the grid
# tile, rows of the inner tile, num_warps, the row loop's pipeline depth); about a wave
# of programs, a row or two at a time. On an H100, rms_norm backward (4096 x 8192
# bf16) ran 0.0964 ms at 32 x 1 rows and 16 warps, 0.0877 with the row loop's loads
# three stages deep (0.0899 at four).
ROW_LOOP_SHAPES = [
    ((32, 2), 16, 0),
    ((32, 1), 16, 3),
    ((32, 2), 16, 3),
    ((32, 1), 16, 0),
    ((32, 2), 32, 0),
    ((16, 2), 32, 0),
]


def _stream_seeds(spec: ConfigSpec, blocks: list[Slot]) -> list[dict[str, Any]]:
    inner = [i for i, s in enumerate(blocks) if not s.owner.startswith("loop.launch")]
    grid = [i for i, s in enumerate(blocks) if i not in inner]
    out = []
    for (rows, run), warps in STREAM_SHAPES:
        sizes = [rows] * len(blocks)
        # one grid dim alone is a row of a reduction (its columns are a reduction dim)
        for i in inner or (grid[-1:] if len(grid) > 1 else []):
            # a loop over whole rows reads `run` elements as that many rows
            sizes[i] = max(1, run // spec.row_elements.get(i, 1))
        out.append({"block_sizes": sizes, "num_warps": warps, "num_stages": 1})
    row_loops = [i for i in inner if i in spec.row_elements]
    if row_loops:
        loop_owners = {blocks[i].owner for i in row_loops}
        for (rows, inner_rows), warps, depth in ROW_LOOP_SHAPES:
            sizes = [rows] * len(blocks)
            for i in row_loops:
                sizes[i] = inner_rows
            seed = {"block_sizes": sizes, "num_warps": warps, "num_stages": 1}
            if depth and "range_num_stages" in spec.keys:
                seed["range_num_stages"] = [
                    depth if s.owner in loop_owners else s.default
                    for s in spec.keys["range_num_stages"]
                ]
            out.append(seed)
    if evict_last := _evicting(spec, "last"):
        # measured on an H200, adding a row to each of 8192 x 8192 bf16: 0.0700 ->
        # 0.0676 ms at 2 x 8192 tiles and 32 warps when both loads evict last; the
        # first shape, the likeliest for other streams, gets the same hint
        for shape in (((2, 8192), 32), STREAM_SHAPES[0]):
            out.append({**out[STREAM_SHAPES.index(shape)], **evict_last})
    return out


def _evicting(spec: ConfigSpec, policy: str) -> dict[str, Any]:
    """The config part that gives every load of the kernel `policy` (none if none)."""
    loads = len(spec.keys.get("load_eviction_policies", []))
    return {"load_eviction_policies": [policy] * loads} if loads else {}


def _by_use(spec: ConfigSpec) -> dict[str, Any]:
    """Eviction policies by how the data is used: a program's own rows read once (a
    cross entropy's logits, streamed through an online softmax) evict first, data read
    again (by a later stage of a rolled row, or by other programs) evict last. On an
    H100, cross entropy at 16384-wide chunks and 8 warps ran 0.1115 ms with no
    policies, 0.1025 with its logits evicted first, 0.1045 with its labels too (a
    label per program: neighbours share their cache lines)."""
    slots = spec.keys.get("load_eviction_policies", [])
    policies = ["first" if i in spec.streamed else "last" for i in range(len(slots))]
    return {"load_eviction_policies": policies} if slots else {}


def _reduction_seeds(
    spec: ConfigSpec, blocks: list[Slot], reductions: list[Slot]
) -> list[dict[str, Any]]:
    evict_last = _evicting(spec, "last")
    out = []
    for (rows, chunk), warps in REDUCTION_SHAPES:
        chunks = []
        for r in reductions:
            whole = r.domain.high.data  # type: ignore[attr-defined]
            size = whole if chunk is None else min(chunk, whole)
            if rows * size > WHOLE_ROW_PER_THREAD * 32 * warps:
                break
            chunks.append(None if size >= whole else size)
        else:
            seed = {
                "block_sizes": [rows] * len(blocks),
                "reduction_loops": chunks,
                "num_warps": warps,
                "num_stages": 1,
            }
            if any(c is not None for c in chunks):
                # each stage of a rolled row reads it again: keep it in L2 meanwhile
                seed.update(_by_use(spec))
            out.append(seed)
    whole_rows = [s for s in out if not any(s["reduction_loops"])]
    if whole_rows and evict_last:
        # the likeliest whole-row config with its loads kept in L2 (helion 1.5.1's best
        # for layer_norm on an H200 evicts its row last), and streamed through it: on one
        # H100 a softmax row read once and evicted first ran 0.0502 -> 0.0466 ms (on
        # another, no change), so which one wins is the card's to say
        for policy in ("last", "first"):
            out.append({**whole_rows[0], **_evicting(spec, policy)})
    rolled = [s for s in out if s["block_sizes"][0] > 1 and any(s["reduction_loops"])]
    if rolled and "maxnreg" in spec.keys:
        # several rolled rows a program, one program an SM, registers capped: the best
        # config measured for rms_norm backward (0.094 -> 0.090 ms on an H200)
        out.append({**rolled[-1], "pid_type": "persistent_interleaved", "maxnreg": 128})
    return out
