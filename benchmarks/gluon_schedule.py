"""Hopper's warp-specialized Gluon schedule against SDPA, over the shapes it takes: what
the CPU tests (which compile it but cannot run Gluon) cannot show.

For each case, examples/attention.py runs at `range_warp_specializes=[True]` (batch,
heads, query and key lengths, head dim, dtype, key tile and ring depth vary; query and
key lengths may differ) and is checked against `F.scaled_dot_product_attention`. Each
case runs in its own process, so that a wrong mbarrier protocol, which would hang the
GPU, costs only that case's timeout.

    python benchmarks/gluon_schedule.py [--json out.json]

Needs a Hopper GPU and Triton 3.6 (the Gluon the emitter writes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 2e-2  # max error relative to the largest output, as run.py's check for bf16
TIMEOUT_S = 120

# (batch, heads, query length, key length, head dim, dtype, key tile, ring depth)
CASES = [
    (4, 32, 2048, 2048, 128, "bfloat16", 128, 2),  # the benchmark shape
    (1, 1, 256, 256, 64, "bfloat16", 128, 2),  # fewer query tiles than SMs
    (2, 3, 384, 384, 128, "float16", 128, 2),
    (1, 2, 1024, 1024, 64, "float16", 64, 4),
    (1, 2, 256, 512, 64, "bfloat16", 64, 3),  # more keys than queries
    (2, 2, 512, 256, 128, "bfloat16", 128, 2),  # two key tiles, the fewest it takes
    (3, 5, 640, 640, 64, "bfloat16", 128, 3),
    (1, 1, 4096, 4096, 128, "bfloat16", 64, 4),
]


def run_case(index: int) -> dict[str, Any]:
    """One case, in this process: its relative error against SDPA."""
    import torch
    import torch.nn.functional as F
    from example_loading import load

    import helion_mlir

    b, h, sq, sk, d, dtype_name, block_n, stages = CASES[index]
    dtype = getattr(torch, dtype_name)
    gen = torch.Generator(device="cuda").manual_seed(index)
    q = torch.randn(b, h, sq, d, device="cuda", dtype=dtype, generator=gen)
    k, v = (torch.randn(b, h, sk, d, device="cuda", dtype=dtype, generator=gen) for _ in "kv")
    kernel = load("attention", False).attention.bind((q, k, v))
    config = {
        "range_warp_specializes": [True],
        "block_sizes": [1, 128, block_n],
        "num_stages": stages,
        "loop_orders": [[1, 0]],
    }
    kernel.set_config(helion_mlir.Config(**config))
    if "gl.warp_specialize(" not in kernel.to_triton_code():
        raise SystemExit("the config did not select the Gluon schedule")
    got = kernel(q, k, v).float()
    want = F.scaled_dot_product_attention(q, k, v).float()
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
