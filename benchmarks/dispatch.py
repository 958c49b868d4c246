"""Host-side cost of calling a compiled kernel, on the CPU, next to helion 1.5.1's.

    .venv/bin/python benchmarks/dispatch.py [--helion-python /tmp/helion151/bin/python]

What a kernel call costs before the GPU sees it: matching the arguments to a compiled
specialization, the host code (allocations) and the launcher, with Triton's own launch
replaced by a no-op (on the CPU it would run the interpreter), so no kernel runs. Each
example kernel is called once to compile it at its default config, then timed over many
calls: the median of several batches, in microseconds a call. With --helion-python the same example
sources, loaded with `import helion`, are timed under that interpreter (helion 1.5.1 is
not a dependency: a scratch venv, see bind_emit.py) after ours, so they never share the
CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from example_loading import load  # noqa: E402

BATCHES, CALLS = 7, 2000


def kernels(torch: Any) -> dict[str, tuple[str, str, tuple[Any, ...]]]:
    """name -> (example, function, arguments)"""
    x = torch.randn(64, 256)
    return {
        "softmax": ("softmax", "softmax", (x,)),
        "layer_norm": ("layer_norm", "layer_norm", (x, torch.randn(256), torch.randn(256), 1e-5)),
        "matmul": ("matmul", "matmul", (torch.randn(64, 64), torch.randn(64, 64))),
    }


def stub_triton_launch() -> None:
    """Triton's launch as a no-op: the interpreter's `kernel[grid](...)` and `.run`."""
    from triton.runtime.interpreter import InterpretedFunction

    InterpretedFunction.__getitem__ = lambda self, grid: lambda *a, **k: None  # type: ignore[method-assign]
    InterpretedFunction.run = lambda self, *a, **k: None  # type: ignore[method-assign]


def per_call_us(call: Any) -> float:
    for _ in range(CALLS // 10):
        call()
    batches = []
    for _ in range(BATCHES):
        start = time.perf_counter()
        for _ in range(CALLS):
            call()
        batches.append((time.perf_counter() - start) / CALLS * 1e6)
    return statistics.median(batches)


def measure(for_helion: bool) -> dict[str, float]:
    import torch

    stub_triton_launch()
    out = {}
    for name, (example, fn, args) in kernels(torch).items():
        kernel = getattr(load(example, for_helion), fn)
        kernel(*args)  # compiles at the default config
        out[name] = per_call_us(lambda kernel=kernel, args=args: kernel(*args))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helion-python")
    parser.add_argument("--as-helion", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HELION_AUTOTUNE_EFFORT", "none")
    if args.as_helion:
        os.environ.setdefault("TRITON_INTERPRET", "1")
        print(json.dumps(measure(for_helion=True)))
        return
    ours = measure(for_helion=False)
    theirs: dict[str, float] = {}
    if args.helion_python:
        proc = subprocess.run(
            [args.helion_python, __file__, "--as-helion"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": ""},
        )
        theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{'kernel':12s} {'helion_mlir us':>15s} {'helion 1.5.1 us':>16s}")
    for name, us in ours.items():
        other = f"{theirs[name]:16.1f}" if name in theirs else f"{'-':>16s}"
        print(f"{name:12s} {us:15.1f} {other}")


if __name__ == "__main__":
    main()
