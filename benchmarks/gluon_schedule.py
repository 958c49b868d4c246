"""Hopper's warp-specialized Gluon schedule against SDPA, over the shapes it takes: what
the CPU tests (which compile it but cannot run Gluon) cannot show.

For each case, examples/attention.py, or `causal_attention` below (a mask in the loop),
runs at `range_warp_specializes=[True]` (batch, heads, query and key lengths, head dim,
dtype, key tile and ring depth vary; query and key lengths may differ) and is checked
against `F.scaled_dot_product_attention`. Each
case runs in its own process, so that a wrong mbarrier protocol, which would hang the
GPU, costs only that case's timeout.

    python benchmarks/gluon_schedule.py [--json out.json]

Needs a Hopper GPU and Triton 3.6 (the Gluon the emitter writes).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import torch

import helion_mlir as helion
import helion_mlir.language as hl

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 2e-2  # max error relative to the largest output, as run.py's check for bf16
TIMEOUT_S = 120


@helion.kernel()
def causal_attention(
    q_in: torch.Tensor,
    k_in: torch.Tensor,
    v_in: torch.Tensor,
    f32_scores: bool = False,
    masked: bool = True,
    to_diagonal: bool = True,
    from_tile_start: bool = False,
) -> torch.Tensor:
    """Attention of each query to the keys at or before its own position (SDPA's
    `is_causal`, queries and keys of one length). As a PyTorch user writes it, with the
    defaults: bf16 scores, the key loop stopping at the query tile's end, the mask
    cutting the diagonal. The switches give the forms the tests and
    `causal_attention.py` compare: f32 scores (`hl.dot`), no mask (a wrong result), a
    loop over every key tile, a loop from the query tile's start."""
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
        start = tile_m.begin if from_tile_start else 0
        end = tile_m.end if to_diagonal else n_dim
        for tile_n in hl.tile(start, end):
            if f32_scores:
                qk = hl.dot(q, k_view[tile_b, :, tile_n], out_dtype=torch.float32) * qk_scale
            else:
                qk = torch.bmm(q, k_view[tile_b, :, tile_n]) * qk_scale
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


# (batch, heads, query length, key length, head dim, dtype, key tile, ring depth, causal)
CASES = [
    (4, 32, 2048, 2048, 128, "bfloat16", 128, 2, False),  # the benchmark shape
    (1, 1, 256, 256, 64, "bfloat16", 128, 2, False),  # fewer query tiles than SMs
    (2, 3, 384, 384, 128, "float16", 128, 2, False),
    (1, 2, 1024, 1024, 64, "float16", 64, 4, False),
    (1, 2, 256, 512, 64, "bfloat16", 64, 3, False),  # more keys than queries
    (2, 2, 512, 256, 128, "bfloat16", 128, 2, False),  # two key tiles, the fewest it takes
    (3, 5, 640, 640, 64, "bfloat16", 128, 3, False),
    (1, 1, 4096, 4096, 128, "bfloat16", 64, 4, False),
    (2, 4, 1024, 1024, 128, "bfloat16", 128, 2, True),
    (1, 3, 512, 512, 64, "float16", 64, 3, True),
]


def run_case(index: int) -> dict[str, Any]:
    """One case, in this process: its relative error against SDPA."""
    import torch.nn.functional as F
    from example_loading import load

    b, h, sq, sk, d, dtype_name, block_n, stages, causal = CASES[index]
    dtype = getattr(torch, dtype_name)
    gen = torch.Generator(device="cuda").manual_seed(index)
    q = torch.randn(b, h, sq, d, device="cuda", dtype=dtype, generator=gen)
    k, v = (torch.randn(b, h, sk, d, device="cuda", dtype=dtype, generator=gen) for _ in "kv")
    fn = causal_attention if causal else load("attention", False).attention
    kernel = fn.bind((q, k, v))
    config = {
        "range_warp_specializes": [True],
        "block_sizes": [1, 128, block_n],
        "num_stages": stages,
        "loop_orders": [[1, 0]],
    }
    kernel.set_config(helion.Config(**config))
    if "gl.warp_specialize(" not in kernel.to_triton_code():
        raise SystemExit("the config did not select the Gluon schedule")
    got = kernel(q, k, v).float()
    want = F.scaled_dot_product_attention(q, k, v, is_causal=causal).float()
    return {"rel_err": ((got - want).abs().max() / want.abs().max()).item()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)  # the child's
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    if args.case is not None:
        print(json.dumps(run_case(args.case)))
        return
    results = []
    for i, case in enumerate(CASES):
        cmd = [sys.executable, __file__, "--case", str(i)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if done.returncode or not lines:
                result = {"error": done.stderr.strip()[-600:]}
            else:
                result = json.loads(lines[-1])
                result["ok"] = result["rel_err"] < TOLERANCE
        except subprocess.TimeoutExpired:
            result = {"error": f"no result in {TIMEOUT_S} s (a hung mbarrier?)"}
        results.append({"case": case, **result})
        print(case, {k: v for k, v in result.items() if k != "case"}, flush=True)
    bad = sum(not r.get("ok") for r in results)
    print(f"{len(CASES)} cases, {bad} wrong or failed")
    if args.json:
        Path(args.json).write_text(json.dumps({"cases": results, "bad": bad}, indent=1))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
