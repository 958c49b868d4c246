"""Tuning on the GPU, helion_mlir against helion 1.5.1, in one run.

For softmax, rms_norm, layer_norm, matmul and attention at the benchmark shapes, tune
the same kernel source (examples/*.py, loaded once as written for helion_mlir and once
with `import helion` for helion 1.5.1) at quick effort with each compiler, check the
tuned kernel against PyTorch, and time both tuned kernels with `triton.testing.do_bench`
(median), in turn (each side on its own copy of the inputs), several rounds, reporting
the median round. Prints per kernel: tuning wall time and tuned kernel time for both,
and writes JSON (with the configs found).

    python benchmarks/tune_compare.py --json out.json [--kernels softmax,matmul] [--only mlir|helion]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from example_loading import helion_import, load  # noqa: E402
from run import benches  # noqa: E402  (the kernels, shapes and PyTorch references)

os.environ.setdefault("HELION_AUTOTUNE_EFFORT", "quick")  # both compilers read it
os.environ.setdefault("HELION_AUTOTUNE_BENCHMARK_SUBPROCESS", "0")  # helion 1.5.1 tunes reliably so


def first(out: Any) -> Any:
    return out[0] if isinstance(out, tuple) else out


ROUNDS = 5  # each side's tuned kernel is timed this many times, the sides in turn


def own_copy(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each side's own inputs: timed in turn on shared ones, a side whose loads evict
    last leaves the inputs in L2 (a flush does not displace such lines) for the other
    side's next run. On an H100, softmax with 8 warps ran 0.0503 ms alone, 0.0465 in
    turn with a config whose loads evict last on the same input, 0.0503 on its own."""
    return tuple(a.clone() if hasattr(a, "clone") else a for a in args)


def tune(kernel: Any, args: tuple[Any, ...], ref: Any) -> tuple[dict[str, Any], Any]:
    """Tune `kernel` on `args` (forced: no cache), check it against `ref`, and return
    what tuning took and found, with the tuned call."""
    start = time.monotonic()
    config = kernel.autotune(args, force=True)
    tune_s = time.monotonic() - start
    out = first(kernel(*args))
    err = float((out.float() - first(ref(*args)).float()).abs().max())
    row = {"tune_s": round(tune_s, 1), "max_abs_err": err, "config": dict(config)}
    return row, lambda: kernel(*args)


def time_in_turn(calls: dict[str, Any]) -> tuple[dict[str, list[float]], dict[str, str]]:
    """`do_bench` medians of each call, ROUNDS times with the calls in turn (a drift of
    the card's speed over the run touches both sides alike), and why a side that failed
    while timed stopped (the others go on)."""
    from triton.testing import do_bench

    times: dict[str, list[float]] = {side: [] for side in calls}
    errors: dict[str, str] = {}
    for _ in range(ROUNDS):
        for side, call in calls.items():
            if side in errors:
                continue
            try:
                times[side].append(float(do_bench(call, warmup=25, rep=100, return_mode="median")))
            except Exception as e:  # report it and time the other side on
                errors[side] = f"{type(e).__name__}: {str(e)[:300]}"
    return {side: ts for side, ts in times.items() if side not in errors}, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", default="softmax,rms_norm,layer_norm,matmul,attention")
    parser.add_argument("--only", choices=["mlir", "helion"], default=None)
    parser.add_argument("--json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import torch

    print(torch.cuda.get_device_name(), "torch", torch.__version__, flush=True)
    results: dict[str, Any] = {}
    table = benches()
    for name in args.kernels.split(","):
        bench = table[name]
        torch.manual_seed(0)
        example, fn, kargs, ref = bench.example, bench.fn, bench.args(torch, False), bench.eager
        row: dict[str, Any] = {}
        calls: dict[str, Any] = {}
        for side in ("mlir", "helion"):
            if args.only and side != args.only:
                continue
            if side == "helion":
                helion_import()
            try:
                kernel = getattr(load(example, side == "helion"), fn)
                row[side], calls[side] = tune(kernel, own_copy(kargs), ref)
            except Exception as e:  # report and go on to the next
                row[side] = {"error": f"{type(e).__name__}: {str(e)[:300]}"}
            print(name, side, row[side], flush=True)
        timed, errors = time_in_turn(calls)
        for side, times in timed.items():
            row[side].update(ms=statistics.median(times), rounds_ms=times)
            print(name, side, "ms", row[side]["ms"], times, flush=True)
        for side, error in errors.items():  # it ran once, then failed when timed
            row[side]["timing_error"] = error
        results[name] = row
        if args.json:  # after each kernel: a run cut short keeps what it has
            Path(args.json).write_text(json.dumps(results, indent=1))
    print()
    print(
        f"{'kernel':12s} {'mlir tune s':>11s} {'mlir ms':>9s} {'helion tune s':>13s} {'helion ms':>9s}"
    )
    for name, row in results.items():
        m, h = row.get("mlir", {}), row.get("helion", {})
        print(
            f"{name:12s} {m.get('tune_s', '-')!s:>11s} {m.get('ms', float('nan')):9.4f} "
            f"{h.get('tune_s', '-')!s:>13s} {h.get('ms', float('nan')):9.4f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
