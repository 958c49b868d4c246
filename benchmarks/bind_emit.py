"""Compile-time cost of helion_mlir on CPU, next to helion 1.5.1's.

    .venv/bin/python benchmarks/bind_emit.py [--helion-python /tmp/helion151/bin/python]
                                             [--json out.json] [--profile]

For examples/softmax.py (1024x512 fp32) and examples/matmul.py (512x256 @ 256x384 fp32):

* per config: `bound = kernel.bind(args)` once, then `bound.to_triton_code(config)` for
  N distinct configs (bind-config, the per-config passes, Python emission, host wrapper).
  The first call is a warm-up and is not counted; median and min of the rest.
* per specialization: `kernel.reset()` then `kernel.bind(args)` (frontend and the
  config-free pipeline), warm: the first repeat is dropped; median and min.

The configs (bench_common.py) vary block_sizes, reduction_loops (None, 64, 128) and
num_warps, on top of each compiler's default config, and are the same for both compilers.
With --helion-python, helion_reference.py runs the same measurements for the same kernels
written for Helion, under that interpreter (a scratch venv with helion 1.5.1; helion is
not a dependency of this project) with TRITON_INTERPRET=1, after helion_mlir's timings so
the two never share the CPU. See shared research notes, section 7, for Helion's numbers.
The scratch venv (helion 1.5.1 does not pull triton or packaging itself):

    python3.11 -m venv /tmp/helion151
    /tmp/helion151/bin/pip install torch==2.13.0 helion==1.5.1 triton==3.6.0 packaging

Also printed: the split of helion_mlir's per-config time by step, and with --profile the
top functions of cProfile over one config per kernel.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "examples"))

from bench_common import (  # noqa: E402
    CONFIGS,
    MATMUL_SHAPES,
    SOFTMAX_SHAPE,
    summarize,
    time_binds,
    time_per_config,
)

KERNELS = ("softmax", "matmul")


def _kernel_and_args(name: str) -> tuple[Any, tuple[Any, ...]]:
    import torch

    torch.manual_seed(0)
    if name == "softmax":
        from softmax import softmax

        return softmax, (torch.randn(*SOFTMAX_SHAPE),)
    from matmul import matmul

    return matmul, tuple(torch.randn(*s) for s in MATMUL_SHAPES)


def _full_configs(bound: Any, overrides: Sequence[dict[str, Any]]) -> list[Any]:
    """Each override on top of the kernel's default config, as a full Config, built
    before timing (as helion_reference.py does for Helion)."""
    from helion_mlir import Config

    default = dict(bound.config_spec.default_config())
    return [Config({**default, **o}) for o in overrides]


# -- helion_mlir --------------------------------------------------------------------------


def measure_mlir(name: str, n_configs: int, bind_repeats: int) -> dict[str, Any]:
    kernel, args = _kernel_and_args(name)
    kernel.reset()
    t0 = time.perf_counter()
    bound = kernel.bind(args)
    cold_ms = (time.perf_counter() - t0) * 1e3

    overrides = CONFIGS[name](n_configs)
    configs = _full_configs(bound, overrides)
    texts: list[str] = []

    def to_code(config: Any) -> str:
        text = bound.to_triton_code(config)
        texts.append(text)
        return text

    per_config = time_per_config(to_code, configs)

    def bind_fresh() -> Any:
        kernel.reset()
        return kernel.bind(args)

    binds = time_binds(bind_fresh, bind_repeats)
    untraced = _binds_untraced(bind_fresh, bind_repeats)
    steps = _step_split(kernel.bind(args), configs)
    return {
        "per_config": per_config,
        "bind": binds | {"cold_first_ms": cold_ms},
        "bind_untraced": untraced,
        "configs": overrides,
        "distinct_outputs": len(set(texts)),
        "steps": steps,
    }


def _binds_untraced(bind_fresh: Callable[[], Any], repeats: int) -> dict[str, Any] | None:
    """Warm binds with the frontend's process-wide cache of traced torch calls
    (`frontend.trace._CACHE`) emptied first: the cost of a specialization whose torch
    calls have not been traced yet in this process (warm imports otherwise)."""
    try:
        from helion_mlir.frontend import trace

        cache = trace._CACHE
    except (ImportError, AttributeError):
        return None

    def bind_untraced() -> Any:
        cache.clear()
        return bind_fresh()

    return time_binds(bind_untraced, repeats)


def _step_split(bound: Any, configs: Sequence[Any]) -> dict[str, float] | None:
    """Median ms of each step of `BoundKernel.to_triton_code`, redone here step by step
    over the same configs (skipping the first). Uses compiler internals: if they have
    moved, the split is left out rather than failing the benchmark."""
    try:
        from helion_mlir.backends.triton.emitter import emit_module
        from helion_mlir.passes import pipelines
        from helion_mlir.passes.bind_config import bind_module

        def steps(config: Any) -> dict[str, float]:
            out: dict[str, float] = {}
            t = time.perf_counter()

            def lap(label: str) -> None:
                nonlocal t
                now = time.perf_counter()
                out[label] = out.get(label, 0.0) + (now - t) * 1e3
                t = now

            values = dict(bound.normalize(config))
            lap("normalize")
            module = bound.module.clone()
            lap("clone mem-stage module")
            bind_module(module, values)
            lap("bind_module (cfg values)")
            for i, p in enumerate(pipelines.BIND_PASSES, 1):
                p.apply(pipelines.CTX, module)
                lap(f"pass {i}: {type(p).__name__}")
            emit_module(module)
            lap("emit_module (Python source)")
            bound._host.wrapper_source(bound._sources, bound._launcher_name)
            lap("host wrapper source")
            return out

        import gc

        runs = []
        for c in configs:
            gc.collect()
            runs.append(steps(c))
        runs = runs[1:]
        return {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    except Exception as e:  # noqa: BLE001 - diagnostics only
        print(f"(step split unavailable: {type(e).__name__}: {e})", file=sys.stderr)
        return None


def profile_one(name: str, n_configs: int, top: int) -> str:
    """cProfile of `to_triton_code` for one config that no timed call used."""
    kernel, args = _kernel_and_args(name)
    bound = kernel.bind(args)
    try:
        extra = CONFIGS[name](n_configs + 1)[-1]
    except ValueError:  # every config was timed; to_triton_code has no per-config cache
        extra = CONFIGS[name](1)[0]
    (config,) = _full_configs(bound, [extra])
    prof = cProfile.Profile()
    prof.enable()
    bound.to_triton_code(config)
    prof.disable()
    stats = pstats.Stats(prof).stats  # (file, line, fn) -> (cc, ncalls, self s, cum s, callers)
    total = sum(v[2] for v in stats.values()) * 1e3

    def where(key: tuple[str, int, str]) -> str:
        file, line, fn = key
        return f"{_short_path(file)}:{line}({fn})" if line else fn

    lines = [f"==== cProfile of to_triton_code, {name}, config {extra} ({total:.1f} ms profiled)"]
    lines.append(f"  top {top} by cumulative ms (ncalls, cum ms, self ms):")
    for key, (_cc, nc, tt, ct, _) in sorted(stats.items(), key=lambda kv: -kv[1][3])[:top]:
        lines.append(f"    {nc:6d} {ct * 1e3:8.2f} {tt * 1e3:7.2f}  {where(key)}")
    lines.append(f"  top {top} by self ms (ncalls, self ms):")
    for key, (_cc, nc, tt, _ct, _) in sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]:
        lines.append(f"    {nc:6d} {tt * 1e3:7.2f}  {where(key)}")
    by_file: dict[str, float] = {}
    for (file, _line, _fn), v in stats.items():
        by_file[_short_path(file)] = by_file.get(_short_path(file), 0.0) + v[2] * 1e3
    lines.append("  self ms by file:")
    for file, ms in sorted(by_file.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"    {ms:7.2f} {100 * ms / total:4.0f}%  {file}")
    return "\n".join(lines) + "\n"


def _short_path(file: str) -> str:
    if file == "~":
        return "(built-ins)"
    site = sysconfig.get_paths()["purelib"]
    for prefix in (str(ROOT) + "/", site + "/", sys.prefix + "/"):
        if file.startswith(prefix):
            return file[len(prefix) :]
    return file


# -- helion 1.5.1 -----------------------------------------------------------------------


def measure_helion(python: str, n_configs: int, bind_repeats: int, kernels: str) -> dict[str, Any]:
    env = dict(os.environ, TRITON_INTERPRET="1")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "helion.json"
        cmd = [
            python,
            str(HERE / "helion_reference.py"),
            f"--configs={n_configs}",
            f"--bind-repeats={bind_repeats}",
            f"--kernels={kernels}",
            f"--json={out}",
        ]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(
                f"helion_reference.py failed (exit {proc.returncode}):\n"
                f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            )
        return json.loads(out.read_text())


# -- report -------------------------------------------------------------------------------


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def _groups(name: str, res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For softmax, per-config stats split by reduction kind (persistent vs rolled)."""
    if name != "softmax":
        return {}
    times = res["per_config"]["all_ms"][1:]
    cfgs = res["configs"][1:]
    split: dict[str, list[float]] = {}
    for c, t in zip(cfgs, times, strict=True):
        label = "persistent" if c["reduction_loops"][0] is None else "rolled"
        split.setdefault(label, []).append(t)
    return {k: summarize(v) for k, v in split.items()}


def report(results: dict[str, Any]) -> str:
    mlir = results["helion_mlir"]["kernels"]
    hel = (results.get("helion") or {}).get("kernels", {})
    lines = []
    for name, m in mlir.items():
        h = hel.get(name)
        n = m["per_config"]["n"]

        def get(r: dict[str, Any] | None, *path: str) -> float | None:
            for p in path:
                if r is None:
                    return None
                r = r.get(p)
            return r

        rows = [
            ("per config, median", ("per_config", "median_ms")),
            ("per config, min", ("per_config", "min_ms")),
            ("per config, first call (warm-up)", ("per_config", "first_ms")),
            ("per specialization bind, median", ("bind", "median_ms")),
            ("per specialization bind, min", ("bind", "min_ms")),
            ("  same, torch-trace cache emptied, median", ("bind_untraced", "median_ms")),
            ("first bind in process (cold, see note)", ("bind", "cold_first_ms")),
        ]
        table = [("ms", "helion_mlir", "helion 1.5.1", "mlir/helion")]  # ratio < 1: mlir faster
        for label, path in rows:
            a, b = get(m, *path), get(h, *path)
            table.append((label, _fmt(a), _fmt(b), _ratio(a, b)))
        gm, gh = _groups(name, m), _groups(name, h) if h else {}
        for g in gm:
            a = gm[g]["median_ms"]
            b = gh.get(g, {}).get("median_ms")
            table.append(
                (f"  per config, {g} ({gm[g]['n']}), median", _fmt(a), _fmt(b), _ratio(a, b))
            )
        shape = SOFTMAX_SHAPE if name == "softmax" else MATMUL_SHAPES
        lines.append(
            f"== {name} {shape} fp32: {n} timed configs (+1 warm-up), "
            f"{m['bind']['n']} warm binds; distinct outputs: helion_mlir "
            f"{m['distinct_outputs']}/{n + 1}"
            + (f", helion {h['distinct_outputs']}/{h['per_config']['n'] + 1}" if h else "")
        )
        widths = [max(len(r[i]) for r in table) for i in range(4)]
        for i, r in enumerate(table):
            lines.append(
                "  ".join(
                    c.ljust(w) if j == 0 else c.rjust(w)
                    for j, (c, w) in enumerate(zip(r, widths, strict=True))
                )
            )
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        if m.get("steps"):
            total = sum(m["steps"].values())
            lines.append(f"helion_mlir per-config steps (median ms, sum {total:.2f}):")
            for k, v in sorted(m["steps"].items(), key=lambda kv: -kv[1]):
                lines.append(f"    {k:<32} {v:7.2f}  {100 * v / total:4.0f}%")
        lines.append("")
    lines.append(
        "note: the cold first bind of the first kernel includes helion_mlir's lazy imports\n"
        "(xdsl, triton; ~0.4 s), and, for a kernel that traces a torch call such as softmax,\n"
        "torch._inductor's decomposition table (~0.9 s); `import helion` (not timed) already\n"
        "loads those. The torch-trace row is helion_mlir only: its frontend caches make_fx\n"
        "graphs of torch calls process-wide, so a warm bind after reset() skips tracing."
    )
    return "\n".join(lines)


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--helion-python", help="interpreter with helion 1.5.1 installed")
    ap.add_argument("--configs", type=int, default=25, help="configs per kernel, first is warm-up")
    ap.add_argument("--bind-repeats", type=int, default=7, help="warm binds per kernel")
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--json", help="write all numbers here")
    ap.add_argument("--profile", action="store_true", help="cProfile one config per kernel")
    ap.add_argument("--profile-top", type=int, default=15)
    opts = ap.parse_args(argv)
    kernels = opts.kernels.split(",")
    for k in kernels:
        if k not in KERNELS:
            ap.error(f"unknown kernel {k!r}; choose from {', '.join(KERNELS)}")

    import torch

    t_start = time.perf_counter()
    load = {"start": _loadavg()}
    results: dict[str, Any] = {
        "helion_mlir": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "kernels": {k: measure_mlir(k, opts.configs, opts.bind_repeats) for k in kernels},
        },
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "loadavg": load},
    }
    load["after_helion_mlir"] = _loadavg()
    if opts.helion_python:
        results["helion"] = measure_helion(
            opts.helion_python, opts.configs, opts.bind_repeats, ",".join(kernels)
        )
        load["after_helion"] = _loadavg()
    print(
        f"CPU-only compile-time cost, {os.cpu_count()} CPUs; 1-min load average "
        + ", ".join(f"{k} {v}" for k, v in load.items())
        + " (timings are noisy when it is above ~0.5 per CPU)\n"
    )
    print(report(results))
    if opts.profile:
        for k in kernels:
            print(profile_one(k, opts.configs, opts.profile_top))
    print(f"(total {time.perf_counter() - t_start:.1f} s)")
    if opts.json:
        Path(opts.json).write_text(json.dumps(results, indent=1, default=repr))


if __name__ == "__main__":
    main()
