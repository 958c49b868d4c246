"""Causal attention at the attention benchmark's shape (B4 H32 S2048 D128 bf16) on
Hopper: helion_mlir's Gluon schedule against SDPA's causal kernel, in turn.

Three kernels of one loop to the query tile's end (`hl.tile(0, tile_m.end)`), each at
`range_warp_specializes=[True]`: `gluon_schedule.causal_attention` as a PyTorch user
writes it (bf16 scores, masked with `torch.where`), and `causal_variant` with f32
scores (`hl.dot(out_dtype=torch.float32)`), with and without its mask (without, a
wrong result, timed only to show what the mask costs). Each is checked against SDPA first, except
the last. Times are `do_bench` medians, five rounds in turn, each side's median.

    python benchmarks/causal_attention.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

import helion_mlir as helion
import helion_mlir.language as hl

ROOT = Path(__file__).resolve().parent.parent
CONFIG = {
    "range_warp_specializes": [True],
    "block_sizes": [1, 128, 128],
    "num_stages": 2,
    "loop_orders": [[1, 0]],
}
ROUNDS = 5


@helion.kernel()
def causal_variant(
    q_in: torch.Tensor, k_in: torch.Tensor, v_in: torch.Tensor, masked: bool
) -> torch.Tensor:
    """gluon_schedule.causal_attention with f32 scores; `masked=False` leaves the mask
    out (a wrong result, to time what the mask costs)."""
    m_dim, n_dim = q_in.size(-2), k_in.size(-2)
    head_dim = hl.specialize(q_in.size(-1))
    q_view = q_in.reshape([-1, m_dim, head_dim])
    k_view = k_in.reshape([-1, n_dim, head_dim]).transpose(1, 2)
    v_view = v_in.reshape([-1, n_dim, head_dim])
    out = torch.empty_like(q_view)
    qk_scale = 1.44269504 / math.sqrt(head_dim)
    for tile_b, tile_m in hl.tile([q_view.size(0), m_dim]):
        m_i = hl.full([tile_b, tile_m], float("-inf"), dtype=torch.float32)
        l_i = hl.zeros([tile_b, tile_m], dtype=torch.float32)
        acc = hl.zeros([tile_b, tile_m, head_dim], dtype=torch.float32)
        q = q_view[tile_b, tile_m, :]
        for tile_n in hl.tile(0, tile_m.end):
            qk = hl.dot(q, k_view[tile_b, :, tile_n], out_dtype=torch.float32) * qk_scale
            if masked:
                keep = tile_m.index[:, None] >= tile_n.index[None, :]
                qk = torch.where(keep[None, :, :], qk, float("-inf"))
            m_ij = torch.maximum(m_i, torch.amax(qk, -1))
            p = torch.exp2(qk - m_ij[:, :, None])
            alpha = torch.exp2(m_i - m_ij)
            l_i = l_i * alpha + p.sum(-1)
            acc = torch.baddbmm(
                acc * alpha[:, :, None], p.to(v_view.dtype), v_view[tile_b, tile_n, :]
            )
            m_i = m_ij
        out[tile_b, tile_m, :] = (acc / l_i[:, :, None]).to(out.dtype)
    return out.view(q_in.size())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "benchmarks")]
    import torch.nn.functional as F
    import triton.testing
    from gluon_schedule import causal_attention

    gen = torch.Generator(device="cuda").manual_seed(0)
    q, k, v = (
        torch.randn(4, 32, 2048, 128, device="cuda", dtype=torch.bfloat16, generator=gen)
        for _ in range(3)
    )
    want = F.scaled_dot_product_attention(q, k, v, is_causal=True).float()
    result: dict[str, Any] = {"device": torch.cuda.get_device_name(), "config": CONFIG}
    calls: dict[str, Callable[[], Any]] = {}
    kernels = {
        "bf16 scores (as written)": (causal_attention, ()),
        "f32 scores": (causal_variant, (True,)),
        "no mask (wrong result)": (causal_variant, (False,)),
    }
    for name, (kernel, extra) in kernels.items():
        bound = kernel.bind((q, k, v, *extra))
        bound.set_config(helion.Config(**CONFIG))
        got = bound(q, k, v, *extra).float()
        err = ((got - want).abs().max() / want.abs().max()).item()
        result.setdefault("rel_err", {})[name] = err
        print(name, "rel err", err, flush=True)
        if err > 2e-2 and extra != (False,):
            raise SystemExit(f"{name} does not match SDPA")
        calls[name] = lambda bound=bound, extra=extra: bound(q, k, v, *extra)
    calls["sdpa causal"] = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(ROUNDS):
        for name, call in calls.items():
            times[name].append(triton.testing.do_bench(call, warmup=50, rep=200))
    base = statistics.median(times["sdpa causal"])
    result["ms"] = {name: statistics.median(t) for name, t in times.items()}
    for name, ms in result["ms"].items():
        print(f"{name:26s} {ms:.4f} ms  {base / ms:.3f}x SDPA causal")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
