"""Attention at the benchmark shape: helion_mlir (tuned) against a hand-written Triton
flash attention (tuned over its own small grid) and every SDPA backend, in one run.

It answers what Triton itself reaches on the card, so that a gap between helion_mlir and
SDPA can be put down to the compiler or to Triton. The hand-written kernel is the
textbook one: Q tile resident, K and V read through host tensor descriptors (TMA), an
online softmax in base 2 with the scale folded in, P @ V accumulated in place. Every
result is checked against eager SDPA; times are `do_bench` medians, the contenders in
turn over several rounds.

    python benchmarks/handwritten_attention.py [--json out.json] [--mlir-config '{...}']

Needs a GPU with tensor descriptors (Hopper or later).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from example_loading import load  # noqa: E402
from run import benches, check  # noqa: E402
from tune_compare import time_in_turn  # noqa: E402

# (BLOCK_M, BLOCK_N, num_warps, num_stages) the hand-written kernel is tuned over
GRID = [
    (bm, bn, w, s)
    for bm, bn, w, s in itertools.product((64, 128, 256), (64, 128), (4, 8), (2, 3, 4))
    if not (bm == 256 and w == 4) and not (bm == 256 and bn == 128)
]


def _kernel() -> Any:
    import triton
    import triton.language as tl

    @triton.jit
    def flash_fwd(
        q_desc, k_desc, v_desc, o_desc, qk_scale, SEQ: tl.constexpr, HEAD: tl.constexpr,
        BM: tl.constexpr, BN: tl.constexpr,
    ):  # fmt: skip
        row = tl.program_id(1) * SEQ
        q_row = row + tl.program_id(0) * BM
        q = q_desc.load([q_row, 0])
        m_i = tl.full([BM], float("-inf"), tl.float32)
        l_i = tl.full([BM], 1.0, tl.float32)
        acc = tl.zeros([BM, HEAD], tl.float32)
        for start in tl.range(0, SEQ, BN):
            qk = tl.dot(q, k_desc.load([row + start, 0]).T)
            m_ij = tl.maximum(m_i, tl.max(qk, 1) * qk_scale)
            p = tl.math.exp2(qk * qk_scale - m_ij[:, None])
            alpha = tl.math.exp2(m_i - m_ij)
            l_i = l_i * alpha + tl.sum(p, 1)
            acc = acc * alpha[:, None]
            acc = tl.dot(p.to(q.dtype), v_desc.load([row + start, 0]), acc)
            m_i = m_ij
        o_desc.store([q_row, 0], (acc / l_i[:, None]).to(q.dtype))

    return flash_fwd


def handwritten(q: Any, k: Any, v: Any, shape: tuple[int, int, int, int]) -> Any:
    """A call of the hand-written kernel at `shape` = (BM, BN, num_warps, num_stages)."""
    import math

    import torch
    from triton.tools.tensor_descriptor import TensorDescriptor

    kernel = _kernel()
    bm, bn, warps, stages = shape
    b, h, seq, head = q.shape
    rows = b * h * seq
    out = torch.empty_like(q)

    def desc(t: Any, block: int) -> Any:
        return TensorDescriptor(t.view(rows, head), [rows, head], [head, 1], [block, head])

    qd, kd, vd, od = desc(q, bm), desc(k, bn), desc(v, bn), desc(out, bm)
    scale = 1.0 / math.sqrt(head) * 1.44269504
    grid = (seq // bm, b * h)

    def call() -> Any:
        kernel[grid](qd, kd, vd, od, scale, seq, head, bm, bn, num_warps=warps, num_stages=stages)
        return out

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    parser.add_argument("--mlir-config", help="JSON: run helion_mlir at this config, untuned")
    args = parser.parse_args()
    import torch
    import torch.nn.functional as F
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from triton.testing import do_bench

    import helion_mlir

    print(torch.cuda.get_device_name(), "torch", torch.__version__, flush=True)
    bench = benches()["attention"]
    torch.manual_seed(0)
    q, k, v = bench.args(torch, False)
    want = F.scaled_dot_product_attention(q, k, v)
    flops = 4 * q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2] * q.shape[3]
    result: dict[str, Any] = {"device": torch.cuda.get_device_name(), "tflop": flops / 1e12}

    # the hand-written kernel, tuned by a sweep of its grid (each shape checked first)
    sweep: dict[tuple[int, int, int, int], float] = {}
    start = time.monotonic()
    for shape in GRID:
        try:
            call = handwritten(q, k, v, shape)
            check(f"handwritten {shape}", call(), want, 1)
            sweep[shape] = float(do_bench(call, warmup=25, rep=100, return_mode="median"))
        except Exception as e:  # shared memory overflow and the like: next shape
            print("handwritten", shape, type(e).__name__, str(e)[:120], flush=True)
    best = min(sweep, key=sweep.__getitem__)
    result["handwritten"] = {"sweep_s": round(time.monotonic() - start, 1), "best": list(best)}
    print("handwritten sweep", json.dumps({str(k): t for k, t in sweep.items()}), flush=True)

    kernel = load("attention", False).attention.bind((q, k, v))
    start = time.monotonic()
    if args.mlir_config:
        config = json.loads(args.mlir_config)
        kernel.set_config(helion_mlir.Config(**config))
    else:
        config = dict(kernel.autotune((q, k, v), force=True))
    result["mlir"] = {"tune_s": round(time.monotonic() - start, 1), "config": config}
    check("helion_mlir", kernel(q, k, v), want, 1)

    calls: dict[str, Any] = {
        "helion_mlir": lambda: kernel(q, k, v),
        "handwritten triton": handwritten(q, k, v, best),
        "sdpa (default)": lambda: F.scaled_dot_product_attention(q, k, v),
    }
    for backend in (
        SDPBackend.CUDNN_ATTENTION,
        SDPBackend.FLASH_ATTENTION,
        SDPBackend.EFFICIENT_ATTENTION,
    ):

        def sdpa(backend: Any = backend) -> Any:
            with sdpa_kernel(backend):
                return F.scaled_dot_product_attention(q, k, v)

        try:
            check(f"sdpa {backend.name}", sdpa(), want, 1)
            calls[f"sdpa {backend.name}"] = sdpa
        except Exception as e:  # a backend this build or card lacks
            print("sdpa", backend.name, type(e).__name__, str(e)[:120], flush=True)
    time_and_report(calls, result, flops, args.json)


def time_and_report(
    calls: dict[str, Any], result: dict[str, Any], flops: float, json_path: str | None,
    failed: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """Time `calls` in turn; add their medians, rounds and failures (those before timing
    in `failed`) to `result`; print ms and TFLOP/s, fastest first; write the JSON."""
    times, errors = time_in_turn(calls)
    result["ms"] = {name: statistics.median(ts) for name, ts in times.items()}
    result["rounds_ms"] = times
    result["errors"] = {**(failed or {}), **errors}
    for name, ms in sorted(result["ms"].items(), key=lambda kv: kv[1]):
        print(f"{name:28s} {ms:.4f} ms  {flops / ms / 1e9:6.0f} TFLOP/s", flush=True)
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
