"""Configs worth measuring early on a GPU, whatever the search draws: the tile shapes,
warp counts and pipeline depths that matmul-like kernels usually want there."""

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


def seed_configs(spec: ConfigSpec, gpu: bool) -> list[dict[str, Any]]:
    """Seeds for a kernel's search (raw: `spec.normalize` fits them to its space)."""
    blocks = spec.keys.get("block_sizes", [])
    # matmul dims are the block slots that must be at least 16 (tl.dot's minimum)
    dot = [i for i, s in enumerate(blocks) if getattr(s.domain, "low", None) is not None and s.domain.low.data >= 16]
    if not gpu or not dot:
        return []
    out = []
    for shape, warps, stages in MATMUL_SHAPES:
        sizes = [s.default for s in blocks]
        for slot, size in zip(dot, (*shape, *[shape[-1]] * len(dot))):
            sizes[slot] = size
        out.append({"block_sizes": sizes, "num_warps": warps, "num_stages": stages})
    if "pid_type" in spec.keys:  # the best of them, persistent
        out.insert(1, {**out[0], "pid_type": "persistent_interleaved"})
    return out
