"""One kernel at one config, helion_mlir against helion 1.5.1, in one process on one GPU.

When a tuned comparison shows a gap, this says whether it is the kernel or the config:
both compilers run the same example source (`examples/<kernel>.py`) at the benchmark
shape with the same config keys (each fills the keys not given with its defaults:
their `indexing` and eviction lists have different lengths), each is checked against
eager, then both are timed in turn over several rounds (`do_bench` medians), and both
generated Triton sources are written out to read side by side.

    python benchmarks/same_config.py softmax '{"block_sizes": [1], "reduction_loops": [null], "num_warps": 8}' \\
        [--out DIR] [--mlir '{...}'] [--helion '{...}']

`--mlir` / `--helion` add keys for one side only (say `indexing`). Needs a GPU and
helion 1.5.1 importable.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from example_loading import helion_import, load  # noqa: E402
from run import benches, check  # noqa: E402
from tune_compare import time_in_turn  # noqa: E402


def bound_pair(
    name: str, config: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """Each side's bound kernel at the config, its call and its Triton source."""
    import torch

    import helion_mlir

    helion_import()
    import helion

    bench = benches()[name]
    torch.manual_seed(0)
    args = bench.args(torch, False)
    want = bench.eager(*args)
    out: dict[str, Any] = {}
    for side, extra, make in (
        ("mlir", mine, helion_mlir.Config),
        ("helion", theirs, helion.Config),
    ):
        bound = getattr(load(bench.example, side == "helion"), bench.fn).bind(args)
        cfg = make(**{**config, **extra})
        bound.set_config(cfg)
        out[side] = {
            "call": lambda bound=bound: bound(*args),
            "source": bound.to_triton_code(cfg),
            "rel_err": check(f"{name} ({side})", bound(*args), want, bench.outputs),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kernel")
    parser.add_argument("config", help="JSON: the config keys both sides take")
    parser.add_argument("--mlir", default="{}", help="JSON: keys for helion_mlir only")
    parser.add_argument("--helion", default="{}", help="JSON: keys for helion 1.5.1 only")
    parser.add_argument("--out", help="a folder for both generated sources and the timings")
    args = parser.parse_args()
    import torch

    pair = bound_pair(
        args.kernel, json.loads(args.config), json.loads(args.mlir), json.loads(args.helion)
    )
    times, errors = time_in_turn({side: p["call"] for side, p in pair.items()})
    if errors:
        raise SystemExit(f"failed while timed: {errors}")
    medians = {side: statistics.median(ts) for side, ts in times.items()}
    print(torch.cuda.get_device_name(), args.kernel, args.config)
    for side, ms in medians.items():
        rounds = [round(t, 4) for t in times[side]]
        print(
            f"  {side:7s} {ms:.4f} ms  rounds {rounds}  error vs eager {pair[side]['rel_err']:.2g}"
        )
    print(f"  helion ms / mlir ms: {medians['helion'] / medians['mlir']:.3f}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for side, p in pair.items():
            (out / f"{args.kernel}_{side}.py").write_text(p["source"])
        (out / f"{args.kernel}_times.json").write_text(
            json.dumps({"rounds_ms": times, "median_ms": medians})
        )


if __name__ == "__main__":
    main()
