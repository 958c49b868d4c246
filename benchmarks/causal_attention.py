"""Causal attention at the attention benchmark's shape (B4 H32 S2048 D128 bf16) on
Hopper: helion_mlir's Gluon schedule against SDPA's causal kernel, in turn.

Three forms of `gluon_schedule.causal_attention` (a loop to the query tile's end,
`hl.tile(0, tile_m.end)`), each at `range_warp_specializes=[True]`: as a PyTorch user
writes it (bf16 scores, masked with `torch.where`), with f32 scores
(`hl.dot(out_dtype=torch.float32)`), and with f32 scores and no mask (a wrong result,
timed only to show what the mask costs). Each is checked against SDPA first, except
the last. Times are `do_bench` medians, five rounds in turn, each side's median.

    python benchmarks/causal_attention.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

import helion_mlir as helion

ROOT = Path(__file__).resolve().parent.parent
CONFIG = {
    "range_warp_specializes": [True],
    "block_sizes": [1, 128, 128],
    "num_stages": 2,
    "loop_orders": [[1, 0]],
}
ROUNDS = 5


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
    forms = {  # (f32_scores, masked)
        "bf16 scores (as written)": (False, True),
        "f32 scores": (True, True),
        "no mask (wrong result)": (True, False),
    }
    for name, form in forms.items():
        bound = causal_attention.bind((q, k, v, *form))
        bound.set_config(helion.Config(**CONFIG))
        got = bound(q, k, v, *form).float()
        err = ((got - want).abs().max() / want.abs().max()).item()
        result.setdefault("rel_err", {})[name] = err
        print(name, "rel err", err, flush=True)
        if err > 2e-2 and form[1]:
            raise SystemExit(f"{name} does not match SDPA")
        calls[name] = lambda bound=bound, form=form: bound(q, k, v, *form)
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
