"""Configs worth measuring early on a GPU, whatever the search draws: the tile shapes,
warp counts and pipeline depths that matmul-like and attention-like kernels usually
want there."""

from __future__ import annotations

from typing import Any

from helion_mlir.tuner.config_spec import ConfigSpec

# (M, N, K) blocks, num_warps, num_stages of tensor-core friendly shapes
MATMUL_SHAPES = [
    ((128, 256, 64), 8, 3),
    ((128, 128, 64), 8, 3),
    ((128, 128, 64), 4, 4),
    ((64, 128, 64), 4, 4),
    ((128, 64, 64), 4, 4),
    ((64, 64, 64), 4, 3),
]

# (M, N) blocks, num_warps, num_stages for two dot dims, query rows and key columns as
# in attention (the head dim is whole): the inner loop's operands stay in shared
# memory per stage, so deep pipelines of wide N tiles overflow it
ATTENTION_SHAPES = [
    ((128, 64), 8, 2),
    ((256, 64), 16, 1),
    ((128, 64), 4, 3),
    ((64, 64), 4, 3),
    ((128, 128), 8, 1),
    ((64, 32), 4, 2),
]


def seed_configs(spec: ConfigSpec, gpu: bool) -> list[dict[str, Any]]:
    """Seeds for a kernel's search (raw: `spec.normalize` fits them to its space)."""
    blocks = spec.keys.get("block_sizes", [])
    # matmul dims are the block slots that must be at least 16 (tl.dot's minimum)
    dot = [
        i
        for i, s in enumerate(blocks)
        if getattr(s.domain, "low", None) is not None and s.domain.low.data >= 16
    ]
    if not gpu or not dot:
        return []
    out = []
    shapes = ATTENTION_SHAPES if len(dot) == 2 else MATMUL_SHAPES
    for shape, warps, stages in shapes:
        sizes = [s.default for s in blocks]
        for slot, size in zip(dot, (*shape, *[shape[-1]] * len(dot))):
            sizes[slot] = size
        out.append({"block_sizes": sizes, "num_warps": warps, "num_stages": stages})
    if "pid_type" in spec.keys:  # the best of them, persistent
        out.insert(1, {**out[0], "pid_type": "persistent_interleaved"})
    return out
