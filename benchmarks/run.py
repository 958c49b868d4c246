"""helion_mlir against eager PyTorch, torch.compile and helion 1.5.1, side by side.

For each kernel of Helion's benchmark set, at its benchmark shape: eager PyTorch (what a
PyTorch user writes; SDPA for attention), `torch.compile(mode="max-autotune-no-cudagraphs")`,
helion 1.5.1 (quick effort) and helion_mlir (tuned), each on its own copy of the inputs
and checked against eager; then the sides are timed in turn, `ROUNDS` rounds of
`triton.testing.do_bench` (median), and each side's median round is reported. Tuned
configs of both Helions are saved in `--configs` and reused by later runs. Each run also
measures two ceilings, copy bandwidth and a bf16 8192^3 matmul, and rates every kernel
against them (memory-bound kernels by bytes moved, matmul and attention by flops).

The JSON (`--json`) accumulates kernels across runs (a GPU call has 10 minutes, the
whole set takes longer); `geomean_speedup_over_eager` is helion_mlir's over the kernels
it holds. `--smoke` runs tiny shapes on the CPU (eager and helion_mlir only, wall-clock
timing) to check the wiring.

    python benchmarks/run.py --kernels softmax,matmul --json benchmarks/results/run_h100.json
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from example_loading import helion_import, load  # noqa: E402

os.environ.setdefault("HELION_AUTOTUNE_EFFORT", "quick")  # both Helions read it
os.environ.setdefault("HELION_AUTOTUNE_BENCHMARK_SUBPROCESS", "0")  # helion 1.5.1 tunes reliably so


@dataclass(frozen=True)
class Bench:
    example: str  # examples/<example>.py
    fn: str  # the kernel's name there
    args: Callable[[Any, bool], tuple[Any, ...]]  # (torch, smoke) -> arguments
    eager: Callable[..., Any]  # the PyTorch a user writes, on the same arguments
    cost: Callable[[tuple[Any, ...]], float]  # bytes moved, or flops when `flops`
    flops: bool = False
    outputs: int = 1  # how many leading outputs eager gives (kernels may give more)


def nbytes(*ts: Any) -> float:
    return float(sum(t.numel() * t.element_size() for t in ts))


def rows(torch: Any, smoke: bool, m: int, n: int, dtype: Any = None) -> Any:
    dtype = dtype or (torch.float32 if smoke else torch.bfloat16)
    shape = (8, 48) if smoke else (m, n)
    return torch.randn(*shape, device=_device(torch, smoke), dtype=dtype)


def _device(torch: Any, smoke: bool) -> str:
    return "cpu" if smoke else "cuda"


def layer_norm_eager(x: Any, w: Any, b: Any, eps: float) -> Any:
    import torch.nn.functional as F  # noqa: N812

    return F.layer_norm(x, [x.size(-1)], w, b, eps)


def rms_norm_bwd_eager(g: Any, x: Any, w: Any, inv: Any) -> tuple[Any, Any]:
    x_hat = x.float() * inv[:, None]
    wg = g.float() * w.float()
    proj = (x_hat * wg).sum(-1, keepdim=True) / x.size(-1)
    return ((wg - x_hat * proj) * inv[:, None]).to(x.dtype), (g.float() * x_hat).sum(0).to(w.dtype)


def _vec(torch: Any, x: Any) -> Any:
    return torch.randn(x.size(-1), device=x.device, dtype=x.dtype)


def _norm_args(torch: Any, smoke: bool, m: int, n: int) -> tuple[Any, ...]:
    x = rows(torch, smoke, m, n)
    return x, _vec(torch, x), _vec(torch, x), 1e-5


def _bwd_args(torch: Any, smoke: bool) -> tuple[Any, ...]:
    x = rows(torch, smoke, 4096, 8192)
    g, w = torch.randn_like(x), _vec(torch, x)
    inv = torch.rsqrt(x.float().pow(2).mean(-1) + 1e-5)
    return g, x, w, inv


def _log_probs(torch: Any, smoke: bool) -> tuple[Any, Any]:
    a = rows(torch, smoke, 4096, 32768, torch.float32).log_softmax(-1)
    b = rows(torch, smoke, 4096, 32768, torch.float32).log_softmax(-1)
    return a, b


def _jsd_eager(log_q: Any, log_p: Any, beta: float = 0.5) -> tuple[Any, Any]:
    """The loss and its gradient for `log_q`, as the kernel gives them."""
    q, p = log_q.exp(), log_p.exp()
    log_m = (beta * p + (1 - beta) * q).log()
    student = (1 - beta) * q * (log_q - log_m)
    loss = (beta * p * (log_p - log_m) + student).sum() / log_q.size(0)
    return loss, student / log_q.size(0)


def _attention_args(torch: Any, smoke: bool) -> tuple[Any, ...]:
    shape = (1, 2, 32, 16) if smoke else (4, 32, 2048, 128)
    dtype = torch.float32 if smoke else torch.bfloat16
    return tuple(torch.randn(*shape, device=_device(torch, smoke), dtype=dtype) for _ in range(3))


def _embedding_args(torch: Any, smoke: bool) -> tuple[Any, Any]:
    vocab, dim, n = (50, 24, 17) if smoke else (32000, 4096, 8192)
    dtype = torch.float32 if smoke else torch.bfloat16
    dev = _device(torch, smoke)
    return torch.randint(0, vocab, (n,), device=dev), torch.randn(
        vocab, dim, device=dev, dtype=dtype
    )


def _matmul_args(torch: Any, smoke: bool) -> tuple[Any, Any]:
    n = 48 if smoke else 4096
    dtype = torch.float32 if smoke else torch.bfloat16
    dev = _device(torch, smoke)
    return torch.randn(n, n, device=dev, dtype=dtype), torch.randn(n, n, device=dev, dtype=dtype)


def benches() -> dict[str, Bench]:
    import torch.nn.functional as F  # noqa: N812

    def io(args: tuple[Any, ...], out_like: Any = None) -> float:
        tensors = [a for a in args if hasattr(a, "numel")]
        return nbytes(*tensors) + (nbytes(out_like) if out_like is not None else nbytes(tensors[0]))

    return {
        "softmax": Bench(
            "softmax",
            "softmax",
            lambda t, s: (rows(t, s, 4096, 8192),),
            lambda x: x.softmax(-1),
            io,
        ),
        "rms_norm": Bench(
            "rms_norm",
            "rms_norm_fwd",
            lambda t, s: _norm_args(t, s, 4096, 8192)[:2] + (1e-5,),
            lambda x, w, eps: F.rms_norm(x, [x.size(-1)], w, eps),
            io,
        ),
        "layer_norm": Bench(
            "layer_norm",
            "layer_norm",
            lambda t, s: _norm_args(t, s, 4096, 8192),
            layer_norm_eager,
            io,
        ),
        "matmul": Bench(
            "matmul",
            "matmul",
            _matmul_args,
            lambda a, b: a @ b,
            lambda args: 2.0 * args[0].size(0) * args[0].size(1) * args[1].size(1),
            flops=True,
        ),
        "attention": Bench(
            "attention",
            "attention",
            _attention_args,
            lambda q, k, v: F.scaled_dot_product_attention(q, k, v),
            lambda a: 4.0 * a[0].size(0) * a[0].size(1) * a[0].size(2) ** 2 * a[0].size(3),
            flops=True,
        ),
        "cross_entropy": Bench(
            "cross_entropy",
            "cross_entropy",
            lambda t, s: (
                (x := rows(t, s, 4096, 32768)),
                t.randint(0, x.size(1), (x.size(0),), device=x.device),
            ),
            lambda x, y: F.cross_entropy(x, y),
            lambda a: nbytes(*a),
        ),
        "jsd": Bench("jsd", "jsd", _log_probs, _jsd_eager, lambda a: nbytes(*a) * 1.5, outputs=2),
        "kl_div": Bench(
            "kl_div",
            "kl_div",
            lambda t, s: (lambda a, b: (a, b.exp()))(*_log_probs(t, s)),
            lambda p, q: F.kl_div(p, q, reduction="batchmean"),
            lambda a: nbytes(*a),
        ),
        "add": Bench(
            "add",
            "add",
            lambda t, s: (rows(t, s, 8192, 8192), _vec(t, rows(t, s, 8192, 8192))),
            lambda x, y: x + y,
            io,
        ),
        "sum": Bench(
            "sum",
            "row_sum",
            lambda t, s: (rows(t, s, 8192, 8192),),
            lambda x: x.sum(-1),
            lambda a: nbytes(*a),
        ),
        "exp": Bench(
            "exp", "exp_fwd", lambda t, s: (rows(t, s, 8192, 8192),), lambda x: x.exp(), io
        ),
        "geglu": Bench(
            "geglu",
            "geglu_fwd",
            lambda t, s: (rows(t, s, 4096, 14336), rows(t, s, 4096, 14336)),
            lambda a, b: F.gelu(a, approximate="tanh") * b,
            io,
        ),
        "swiglu": Bench(
            "swiglu",
            "swiglu_fwd",
            lambda t, s: (rows(t, s, 4096, 14336), rows(t, s, 4096, 14336)),
            lambda a, b: F.silu(a) * b,
            io,
        ),
        "embedding": Bench(
            "embedding",
            "embedding",
            _embedding_args,
            lambda i, w: F.embedding(i, w),
            lambda a: nbytes(a[0]) + 2.0 * a[0].numel() * a[1].size(1) * a[1].element_size(),
        ),
        "welford": Bench(
            "welford",
            "welford",
            lambda t, s: _norm_args(t, s, 16384, 4096),
            layer_norm_eager,
            io,
        ),
        "rms_norm_bwd": Bench(
            "rms_norm_bwd",
            "rms_norm_bwd",
            _bwd_args,
            rms_norm_bwd_eager,
            lambda a: nbytes(*a) + nbytes(a[1]),
            outputs=2,
        ),
    }


# -- measuring -------------------------------------------------------------------------


# rounds of timing the sides in turn
ROUNDS = 3


def timer(smoke: bool) -> Callable[[Callable[[], Any]], float]:
    if smoke:  # the interpreter: a few wall-clock runs

        def wall(fn: Callable[[], Any]) -> float:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                fn()
                times.append((time.perf_counter() - start) * 1e3)
            return statistics.median(times)

        return wall
    from triton.testing import do_bench

    return lambda fn: float(do_bench(fn, warmup=25, rep=100, return_mode="median"))


def outputs(result: Any, n: int) -> list[Any]:
    got = list(result) if isinstance(result, tuple | list) else [result]
    return got[:n]


def check(name: str, got: Any, want: Any, n: int) -> float:
    """The largest error relative to eager's scale; raises when it is too large."""
    import torch

    worst = 0.0
    for g, w in zip(outputs(got, n), outputs(want, n)):
        g, w = g.float(), w.float()
        scale = max(1.0, float(w.abs().max()))
        err = float((g - w).abs().max()) / scale if w.numel() else 0.0
        worst = max(worst, err)
        if not torch.isfinite(torch.tensor(err)) or err > 3e-2:
            raise AssertionError(f"{name}: off eager by {err:.3g} of its scale")
    return worst


def ceilings(torch: Any, time_it: Callable[[Callable[[], Any]], float]) -> dict[str, float]:
    src = torch.empty(1 << 28, device="cuda", dtype=torch.float32)  # 1 GiB
    dst = torch.empty_like(src)
    copy_ms = time_it(lambda: dst.copy_(src))
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    mm_ms = time_it(lambda: a @ a)
    return {
        "copy_gbps": 2 * src.numel() * 4 / copy_ms / 1e6,
        "bf16_mm_tflops": 2 * 8192**3 / mm_ms / 1e9,
    }


def same_size_copy_pct(
    torch: Any,
    bench: Bench,
    args: tuple[Any, ...],
    time_it: Callable[[Callable[[], Any]], float],
    ceil: dict[str, float],
) -> float | None:
    """The % of the copy ceiling that a device copy moving as many bytes as the kernel
    (half read, half written) reaches: what launch and ramp-up leave of the ceiling at
    this size. For reading the table; the targets are against the ceiling itself."""
    if not ceil or bench.flops:
        return None
    src = torch.empty(int(bench.cost(args)) // 2, device="cuda", dtype=torch.uint8)
    dst = torch.empty_like(src)
    return roofline(bench, args, time_it(lambda: dst.copy_(src)), ceil)


def roofline(
    bench: Bench, args: tuple[Any, ...], ms: float, ceil: dict[str, float]
) -> float | None:
    if not ceil:
        return None
    work = bench.cost(args)
    if bench.flops:
        return 100.0 * work / ms / 1e9 / ceil["bf16_mm_tflops"]
    return 100.0 * work / ms / 1e6 / ceil["copy_gbps"]


def tuned_mlir(
    kernel: Any, args: tuple[Any, ...], saved: dict[str, Any], key: str, tune: bool = True
) -> tuple[Any, float | None]:
    """helion_mlir's kernel on its saved config, else tuned (or, for the smoke run, on
    its default config), and the seconds tuning took."""
    import helion_mlir

    return _tuned(kernel, args, saved, key, helion_mlir.Config, tune)


def tuned_helion(
    kernel: Any, args: tuple[Any, ...], saved: dict[str, Any], key: str
) -> tuple[Any, float | None]:
    import helion

    return _tuned(kernel, args, saved, key, helion.Config, True)


def _tuned(
    kernel: Any,
    args: tuple[Any, ...],
    saved: dict[str, Any],
    key: str,
    config: Callable[..., Any],
    tune: bool,
) -> tuple[Any, float | None]:
    bound = kernel.bind(args)
    tune_s = None
    if key in saved:
        bound.set_config(config(**saved[key]))
    elif tune:
        start = time.monotonic()
        saved[key] = dict(bound.autotune(args))
        tune_s = round(time.monotonic() - start, 1)
    return functools.partial(bound, *args), tune_s


def run_one(
    name: str,
    bench: Bench,
    sides: list[str],
    saved: dict[str, Any],
    card: str,
    time_it: Callable[[Callable[[], Any]], float],
    ceil: dict[str, float],
    smoke: bool,
) -> dict[str, Any]:
    import torch

    torch.manual_seed(0)
    want = bench.eager(*bench.args(torch, smoke))
    row: dict[str, Any] = {}
    calls: dict[str, Callable[[], Any]] = {}
    for side in sides:
        tune_s = None
        try:
            # each side its own copy of the inputs: a kernel's evict-last lines outlive
            # do_bench's cache flush and would speed up whichever side reads them next
            torch.manual_seed(0)
            args = bench.args(torch, smoke)
            if side == "eager":
                fn = functools.partial(bench.eager, *args)
            elif side == "compile":
                compiled = torch.compile(bench.eager, mode="max-autotune-no-cudagraphs")
                fn = functools.partial(compiled, *args)
            elif side == "helion":
                helion_import()
                kernel = getattr(load(bench.example, True), bench.fn)
                fn, tune_s = tuned_helion(
                    kernel, args, saved.setdefault("helion", {}), f"{name}@{card}"
                )
            else:
                kernel = getattr(load(bench.example, False), bench.fn)
                fn, tune_s = tuned_mlir(
                    kernel, args, saved.setdefault("mlir", {}), f"{name}@{card}", tune=not smoke
                )
            row[side] = {"rel_err": check(name, fn(), want, bench.outputs)}
            if tune_s is not None:  # tuned in this run (not a saved config)
                row[side]["tune_s"] = tune_s
            calls[side] = fn
        except Exception as e:  # report it and go on
            row[side] = {"error": f"{type(e).__name__}: {str(e)[:300]}"}
            print(name, side, row[side], flush=True)
    # the sides in turn, medians over rounds: timed one after another, the first would
    # run on a cool card and the ones tuned just before on a hot one
    times: dict[str, list[float]] = {side: [] for side in calls}
    for _ in range(1 if smoke else ROUNDS):
        for side, fn in calls.items():
            try:
                times[side].append(time_it(fn))
            except Exception as e:
                row[side] = {"error": f"{type(e).__name__}: {str(e)[:300]}"}
    for side, ts in times.items():
        if "error" not in row[side]:
            ms = statistics.median(ts)
            row[side].update(ms=ms, roofline_pct=roofline(bench, args, ms, ceil))
        print(name, side, row[side], flush=True)
    try:  # a side that broke the CUDA context leaves its row, not an exception
        row["same_size_copy_pct"] = same_size_copy_pct(torch, bench, args, time_it, ceil)
    except Exception as e:
        row["same_size_copy_error"] = f"{type(e).__name__}: {str(e)[:300]}"
    eager_ms = row.get("eager", {}).get("ms")
    for side in sides:
        if eager_ms and "ms" in row[side]:
            row[side]["speedup_over_eager"] = eager_ms / row[side]["ms"]
    return row


def geomean(values: list[float]) -> float | None:
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def table(results: dict[str, Any]) -> str:
    sides = ["eager", "compile", "helion", "mlir"]
    head = f"{'kernel':14s}" + "".join(
        f"{s + ' ms':>12s}{'x eager':>9s}{'%roof':>7s}" for s in sides
    )
    lines = [head + f"{'copy%':>7s}"]
    for name, row in results["kernels"].items():
        cells = []
        for s in sides:
            r = row.get(s, {})
            if "ms" in r:
                roof = r.get("roofline_pct")
                cells.append(
                    f"{r['ms']:12.4f}{r.get('speedup_over_eager', float('nan')):9.2f}"
                    f"{roof if roof is not None else float('nan'):7.1f}"
                )
            else:
                cells.append(f"{'error' if 'error' in r else '-':>12s}{'':9s}{'':7s}")
        copy = row.get("same_size_copy_pct")
        lines.append(f"{name:14s}" + "".join(cells) + (f"{copy:7.1f}" if copy else ""))
    lines.append(
        f"geomean speedup of helion_mlir over eager: {results['geomean_speedup_over_eager']}"
    )
    return "\n".join(lines)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Holds an exclusive lock beside `path`: processes on other GPUs write it too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(path.suffix + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def record(json_path: Path, rows: dict[str, Any]) -> dict[str, Any]:
    """Adds kernel rows to the results at `json_path` (kept across runs) and writes it."""
    with locked(json_path):
        results = json.loads(json_path.read_text()) if json_path.exists() else {"kernels": {}}
        results["kernels"].update(rows)
        speedups = [
            r["mlir"]["speedup_over_eager"]
            for r in results["kernels"].values()
            if "speedup_over_eager" in r.get("mlir", {})
        ]
        results["geomean_speedup_over_eager"] = geomean(speedups)
        json_path.write_text(json.dumps(results, indent=1))
    return results


def save_configs(configs_path: Path, saved: dict[str, Any]) -> None:
    """Merges this process's tuned configs into the file."""
    with locked(configs_path):
        merged = json.loads(configs_path.read_text()) if configs_path.exists() else {}
        for side, entries in saved.items():
            merged.setdefault(side, {}).update(entries)
        configs_path.write_text(json.dumps(merged, indent=1, sort_keys=True))


def split_over_gpus(args: argparse.Namespace, names: list[str]) -> None:
    """Runs the kernels in one child process per GPU (round robin); each child adds its
    rows and configs to `--json` and `--configs` as it finishes a kernel."""
    import subprocess

    children = []
    for gpu in range(args.gpus):
        mine = names[gpu :: args.gpus]
        if not mine:
            continue
        cmd = [sys.executable, __file__, "--kernels", ",".join(mine), "--sides", args.sides]
        cmd += ["--json", args.json, "--configs", args.configs, "--budget-s", str(args.budget_s)]
        cmd += ["--smoke"] if args.smoke else []
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": str(gpu)}
        children.append(subprocess.Popen(cmd, env=env))
    for child in children:
        child.wait()
    print(table(record(Path(args.json), {})))


def main() -> None:
    table_of = benches()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", default=",".join(table_of))
    parser.add_argument("--sides", default="eager,compile,helion,mlir")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "run.json"))
    parser.add_argument("--configs", default=str(ROOT / "benchmarks" / "results" / "configs.json"))
    parser.add_argument("--gpus", type=int, default=1, help="spread the kernels over this many")
    parser.add_argument(
        "--budget-s", type=float, default=math.inf, help="start no kernel after this many seconds"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny shapes on the CPU")
    args = parser.parse_args()
    names = args.kernels.split(",")
    if args.gpus > 1:
        split_over_gpus(args, names)
        return
    sys.path.insert(0, str(ROOT))
    import torch

    started = time.monotonic()
    sides = args.sides.split(",")
    if args.smoke:
        sides = [s for s in sides if s in ("eager", "mlir")]
    card = "cpu" if args.smoke else torch.cuda.get_device_name()
    time_it = timer(args.smoke)
    ceil = {} if args.smoke else ceilings(torch, time_it)
    print(card, "torch", torch.__version__, "ceilings", ceil, flush=True)
    json_path, configs_path = Path(args.json), Path(args.configs)
    saved = json.loads(configs_path.read_text()) if configs_path.exists() else {}
    results = record(json_path, {})
    for name in names:
        if time.monotonic() - started > args.budget_s:
            print(f"{name}: skipped, past --budget-s", flush=True)
            continue
        row = run_one(name, table_of[name], sides, saved, card, time_it, ceil, args.smoke)
        row["card"], row["ceilings"], row["date"] = card, ceil, time.strftime("%Y-%m-%d")
        results = record(json_path, {name: row})  # after each kernel: a cut run keeps it
        save_configs(configs_path, saved)
    print()
    print(table(results))


if __name__ == "__main__":
    main()
