"""What the host code after a kernel's launch costs: an example's time as written, its
time with the host epilogue dropped (the same device code), and the epilogue alone.

Two examples of Helion's benchmark set end in host PyTorch on the kernel's output:
cross_entropy in `losses.mean()`, rms_norm backward in `grad_w_partial.sum(0).to(...)`.
The table of `benchmarks/run.py` times whole calls, so these launches count against
the copy ceiling; this script says by how much. Each entry runs on its own copy of the
inputs, at helion_mlir's saved config for the card; all are timed in turn (`do_bench`
medians, five rounds), with an empty launch as the floor of one more kernel.

    python benchmarks/host_epilogue.py [--json out.json] [--configs benchmarks/results/configs.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from example_loading import load  # noqa: E402
from run import benches  # noqa: E402
from tune_compare import time_in_turn  # noqa: E402

# example -> (its return line, the same line without the epilogue, the epilogue applied
# to the shortened kernel's output)
EPILOGUES: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    "cross_entropy": ("return losses.mean()", "return losses", lambda out: out.mean()),
    "rms_norm_bwd": (
        "return grad_x, grad_w_partial.sum(0).to(weight.dtype)",
        "return grad_x, grad_w_partial",
        lambda out: (out[0], out[1].sum(0).to(out[0].dtype)),  # weight has x's dtype here
    ),
}


def without_epilogue(example: str, fn: str) -> Any:
    """The example's kernel with its return line shortened as in `EPILOGUES`."""
    written, shortened, _ = EPILOGUES[example]
    text = (ROOT / "examples" / f"{example}.py").read_text()
    if written not in text:
        raise SystemExit(f"examples/{example}.py no longer ends in {written!r}")
    path = Path(tempfile.mkdtemp()) / f"{example}_no_epilogue.py"
    path.write_text(text.replace(written, shortened))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, fn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    parser.add_argument("--configs", default=str(ROOT / "benchmarks" / "results" / "configs.json"))
    args = parser.parse_args()
    import torch

    import helion_mlir

    card = torch.cuda.get_device_name()
    saved = json.loads(Path(args.configs).read_text())["mlir"]
    calls: dict[str, Any] = {}
    for name, (_, _, epilogue) in EPILOGUES.items():
        bench = benches()[name]
        key = f"{name}@{card}"
        if key not in saved:
            raise SystemExit(f"no saved helion_mlir config for {key} in {args.configs}")
        torch.manual_seed(0)
        inputs = bench.args(torch, False)
        for label, kernel in (
            ("as written", getattr(load(bench.example, False), bench.fn)),
            ("without its host epilogue", without_epilogue(bench.example, bench.fn)),
        ):
            own = tuple(t.clone() for t in inputs)
            bound = kernel.bind(own)
            bound.set_config(helion_mlir.Config(**saved[key]))
            out = bound(*own)
            calls[f"{name}: {label}"] = lambda b=bound, a=own: b(*a)
        calls[f"{name}: the epilogue alone"] = lambda e=epilogue, o=out: e(o)
    one = torch.empty(1, device="cuda")
    calls["an empty launch (fill of one element)"] = lambda: one.fill_(0)
    times, errors = time_in_turn(calls)
    print(card, "torch", torch.__version__)
    for label, ts in times.items():
        print(f"{label:55s} {statistics.median(ts):.4f} ms   {[round(t, 4) for t in ts]}")
    for label, why in errors.items():
        print(f"{label}: FAILED {why}")
    if args.json:
        result = {"device": card, "ms": {k: statistics.median(ts) for k, ts in times.items()}}
        Path(args.json).write_text(json.dumps(result | {"rounds": times}, indent=1) + "\n")


if __name__ == "__main__":
    main()
