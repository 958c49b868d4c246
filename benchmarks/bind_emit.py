"""Compile-time cost of helion_mlir on CPU, next to helion 1.5.1's.

    .venv/bin/python benchmarks/bind_emit.py [--helion-python /tmp/helion151/bin/python]
        [--json out.json] [--kernels softmax,matmul,attention,layer_norm]
        [--profile [--profile-family partial|random|extras|all]]

Kernels (bench_common.SHAPES, all fp32): examples/softmax.py (1024x512),
examples/matmul.py (512x256 @ 256x384), examples/attention.py (q, k, v of 2x4x256x64)
and examples/layer_norm.py (x 1024x512, weight, bias, eps 1e-5).

* per config: `bound = kernel.bind(args)` once per config family, then
  `bound.to_triton_code(config)` for N distinct configs (bind-config, the per-config
  passes, Python emission). The first call is a warm-up and is not counted; median and
  min of the rest.
* per specialization: `kernel.reset()` then `kernel.bind(args)` (frontend and the
  config-free pipeline), warm: the first repeat is dropped; median and min.
* Hopper's Gluon schedule (`measure_gluon`): bind + emit of the attention example
  lowered for an H100, with `range_warp_specializes` on and off at the same configs.

Config families (bench_common.py):

* (a) `partial`: block_sizes, reduction_loops and num_warps, the keys both compilers
  have, on top of each compiler's default config; the same for both.
* (b) `random`: each compiler's own random configs over its whole search space, seeds
  0..N-1: helion_mlir's `config_spec.random_config(seed)` (persistent pids, swizzling,
  loop orders, block pointers, tensor descriptors, range options, eviction policies),
  helion's `ConfigGeneration.random_config()` after `random.seed(seed)` (its search space
  on the CPU: no tensor descriptors there). Not the same configs for both.
* (c) `extras`: (a) plus the other keys both compilers share (pid_type flat /
  persistent_blocked / persistent_interleaved, num_sm_multiplier, l2_groupings,
  loop_orders, range_*, num_stages, indexing pointer / block_ptr,
  load_eviction_policies), drawn by `bench_common.extra_keys` from values helion 1.5.1
  accepts on the CPU; the same values for both.

With --helion-python, helion_reference.py runs the same measurements for the same kernels
written for Helion, under that interpreter (a scratch venv with helion 1.5.1; helion is
not a dependency of this project) with TRITON_INTERPRET=1, after helion_mlir's timings so
the two never share the CPU. See shared research notes, section 7, for Helion's numbers.
The scratch venv (helion 1.5.1 does not pull triton or packaging itself):

    python3.11 -m venv /tmp/helion151
    /tmp/helion151/bin/pip install torch==2.13.0 helion==1.5.1 triton==3.6.0 packaging

Each timed call follows `gc.collect()` and `gc.freeze()` (bench_common._timed);
BENCH_GC_FREEZE=0 gives the method of earlier runs (collect only).

Also printed: the split of helion_mlir's per-config time by step, per family, and with
--profile the top functions of cProfile over a few untimed configs per kernel.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
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
    FAMILIES,
    KERNELS,
    extras_configs,
    group_stats,
    make_args,
    shape_label,
    time_binds,
    time_per_config,
)

FAMILY_LABELS = {
    "partial": "(a) partial configs",
    "random": "(b) random, full space",
    "extras": "(c) partial + extra keys",
}


def _kernel_and_args(name: str) -> tuple[Any, tuple[Any, ...]]:
    import importlib

    import torch

    kernel = getattr(importlib.import_module(name), name)  # examples/<name>.py
    return kernel, make_args(name, torch)


def _default(bound: Any) -> dict[str, Any]:
    return dict(bound.config_spec.default_config())


def family_configs(
    name: str, family: str, bound: Any, n: int, skip: int = 0
) -> tuple[list[Any], list[dict[str, Any]] | None]:
    """Configs `skip`..`skip + n - 1` of a family, as full Configs built before timing (as
    helion_reference.py does for Helion), and the partial overrides they came from."""
    from helion_mlir import Config

    if family == "random":
        out: list[Any] = []
        seen: set[str] = set()
        seed = 0
        while len(out) < skip + n and seed < 20 * (skip + n):
            c = bound.config_spec.random_config(seed)
            seed += 1
            if c.to_json() not in seen:
                seen.add(c.to_json())
                out.append(c)
        return out[skip:], None
    default = _default(bound)
    if family == "partial":
        overrides = CONFIGS[name](skip + n)[skip:]
    else:
        overrides = extras_configs(name, default, skip + n)[skip:]
    return [Config({**default, **o}) for o in overrides], overrides


# -- helion_mlir --------------------------------------------------------------------------


def measure_gluon(n_configs: int) -> dict[str, Any]:
    """Hopper's Gluon schedule: bind + emit of examples/attention.py (bf16, 2 x 4 x 512 x
    64, lowered for an H100 on this CPU) at configs with `range_warp_specializes` on
    (key tiles, ring depths, loop orders), against the same configs with it off."""
    import importlib

    import torch

    from helion_mlir import frontend
    from helion_mlir.backends.emit import emit
    from helion_mlir.passes import pipelines
    from helion_mlir.tuner.config_spec import ConfigSpec

    kernel = importlib.import_module("attention").attention
    args = [torch.empty(2, 4, 512, 64, dtype=torch.bfloat16, device="meta") for _ in "qkv"]
    module = frontend.build(kernel.source, args).module
    pipelines.lower_config_free(module, "cuda:90:132")
    spec = ConfigSpec.from_module(module)
    shapes = [(n, s, o) for n in (64, 128) for s in (2, 3, 4) for o in ([0, 1], [1, 0])]
    out = {}
    for ws in (True, None):
        configs = [
            spec.normalize(
                {
                    "block_sizes": [1, 128, n],
                    "num_stages": s,
                    "loop_orders": [o],
                    "range_warp_specializes": [ws],
                    "indexing": "tensor_descriptor",
                }
            )
            for n, s, o in (shapes * (n_configs // len(shapes) + 1))[:n_configs]
        ]
        out["gluon" if ws else "triton"] = time_per_config(
            lambda c: emit(pipelines.bind(module, c)), configs
        )
    return out


def measure_mlir(name: str, n_configs: int, bind_repeats: int) -> dict[str, Any]:
    kernel, args = _kernel_and_args(name)
    kernel.reset()
    t0 = time.perf_counter()
    kernel.bind(args)
    cold_ms = (time.perf_counter() - t0) * 1e3

    def bind_fresh() -> Any:
        kernel.reset()
        return kernel.bind(args)

    families: dict[str, Any] = {}
    steps: dict[str, Any] = {}
    for family in FAMILIES:
        bound = bind_fresh()  # no config has been seen by this bound kernel
        configs, overrides = family_configs(name, family, bound, n_configs)
        texts: list[str] = []

        def to_code(config: Any, bound: Any = bound, texts: list[str] = texts) -> str:
            text = bound.to_triton_code(config)
            texts.append(text)
            return text

        families[family] = {
            "per_config": time_per_config(to_code, configs),
            "configs": [dict(c) for c in configs],
            "overrides": overrides,
            "distinct_outputs": len(set(texts)),
        }
        steps[family] = _step_split(bind_fresh(), configs)

    binds = time_binds(bind_fresh, bind_repeats)
    untraced = _binds_untraced(bind_fresh, bind_repeats)
    return {
        "per_config": families["partial"]["per_config"],
        "families": families,
        "bind": binds | {"cold_first_ms": cold_ms},
        "bind_untraced": untraced,
        "steps": steps,
        "default_config": _default(kernel.bind(args)),
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
    over the same configs (skipping the first) on a fresh bound kernel. Uses compiler
    internals: if they have moved, the split is left out rather than failing the
    benchmark."""
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
            source = emit_module(module)
            lap("emit_module (Python source)")
            # the host wrapper is made once per bound kernel (cached), joined per config
            _ = f"{source}\n\n{bound._host_source}\n"
            lap("host source (cached) + join")
            return out

        runs = []
        for c in configs:
            gc.collect()
            runs.append(steps(c))
        runs = runs[1:]
        return {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    except Exception as e:  # noqa: BLE001 - diagnostics only
        print(f"(step split unavailable: {type(e).__name__}: {e})", file=sys.stderr)
        return None


def profile_one(name: str, family: str, n_configs: int, k: int, top: int) -> str:
    """cProfile of `to_triton_code` over `k` configs of `family` that no timed call used
    (or, where the family has no more, the first `k`: `to_triton_code` has no per-config
    cache)."""
    kernel, args = _kernel_and_args(name)
    bound = kernel.bind(args)
    try:
        configs, _ = family_configs(name, family, bound, k, skip=n_configs)
    except ValueError:
        configs, _ = family_configs(name, family, bound, k)
    bound.to_triton_code(configs[0])  # warm-up, not profiled
    configs = configs[1:] or configs
    prof = cProfile.Profile()
    prof.enable()
    for config in configs:
        bound.to_triton_code(config)
    prof.disable()
    stats = pstats.Stats(prof).stats  # (file, line, fn) -> (cc, ncalls, self s, cum s, callers)
    total = sum(v[2] for v in stats.values()) * 1e3

    def where(key: tuple[str, int, str]) -> str:
        file, line, fn = key
        return f"{_short_path(file)}:{line}({fn})" if line else fn

    lines = [
        f"==== cProfile of to_triton_code, {name}, {FAMILY_LABELS[family]}, "
        f"{len(configs)} configs ({total:.1f} ms profiled, {total / len(configs):.1f} per config)"
    ]
    for c in configs:
        lines.append(f"  config {dict(c)}")
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


def _get(r: Any, *path: str) -> Any:
    for p in path:
        if r is None:
            return None
        r = r.get(p)
    return r


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for i, r in enumerate(rows):
        out.append(
            "  ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def report(results: dict[str, Any]) -> str:
    mlir = results["helion_mlir"]["kernels"]
    hel = (results.get("helion") or {}).get("kernels", {})
    lines = []
    for name, m in mlir.items():
        h = hel.get(name)
        n = m["per_config"]["n"] + 1 + len(m["per_config"]["rejected"])
        table = [("ms", "helion_mlir", "helion 1.5.1", "mlir/helion")]  # ratio < 1: mlir faster
        distinct = []
        for family in FAMILIES:
            fm, fh = m["families"][family], _get(h, "families", family)
            label = FAMILY_LABELS[family]
            for stat in ("median", "min"):
                a = fm["per_config"][f"{stat}_ms"]
                b = _get(fh, "per_config", f"{stat}_ms")
                table.append((f"{label}, {stat}", _fmt(a), _fmt(b), _ratio(a, b)))
            if family == "partial":
                a, b = fm["per_config"]["first_ms"], _get(fh, "per_config", "first_ms")
                table.append((f"{label}, first call (warm-up)", _fmt(a), _fmt(b), _ratio(a, b)))
            gm = group_stats(name, family, fm)
            gh = group_stats(name, family, fh) if fh else {}
            for g in sorted(set(gm) | set(gh)):
                a, b = _get(gm, g, "median_ms"), _get(gh, g, "median_ms")
                counts = f"{_get(gm, g, 'n') or 0}" + (f"|{_get(gh, g, 'n') or 0}" if fh else "")
                table.append((f"  {g} ({counts}), median", _fmt(a), _fmt(b), _ratio(a, b)))
            distinct.append(
                f"{family} {fm['distinct_outputs']}" + (f"|{fh['distinct_outputs']}" if fh else "")
            )
        rows = [
            ("per specialization bind, median", ("bind", "median_ms")),
            ("per specialization bind, min", ("bind", "min_ms")),
            ("  same, torch-trace cache emptied, median", ("bind_untraced", "median_ms")),
            ("first bind in process (cold, see note)", ("bind", "cold_first_ms")),
        ]
        for label, path in rows:
            a, b = _get(m, *path), _get(h, *path)
            table.append((label, _fmt(a), _fmt(b), _ratio(a, b)))
        lines.append(
            f"== {name} {shape_label(name)} fp32: {n - 1} timed configs per family "
            f"(+1 warm-up), {m['bind']['n']} warm binds; distinct outputs of {n}"
            f" (helion_mlir{'|helion' if h else ''}): " + ", ".join(distinct)
        )
        lines.extend(_table(table))
        for who, r in (("helion_mlir", m), ("helion", h)):
            for family in FAMILIES:
                rej = _get(r, "families", family, "per_config", "rejected") or []
                if rej:
                    lines.append(
                        f"  !! {who} rejected {len(rej)}/{n} {family} configs, e.g. "
                        f"#{rej[0]['index']}: {rej[0]['error']}"
                    )
        steps = {f: s for f, s in (m.get("steps") or {}).items() if s}
        if steps:
            fams = list(steps)
            keys = list(steps[fams[0]])
            rows2 = [
                ("helion_mlir per-config steps, median ms", *(FAMILY_LABELS[f][:3] for f in fams))
            ]
            for k in sorted(keys, key=lambda k: -steps[fams[0]].get(k, 0.0)):
                rows2.append((f"  {k}", *(_fmt(steps[f].get(k)) for f in fams)))
            rows2.append(("  sum", *(_fmt(sum(steps[f].values())) for f in fams)))
            lines.extend(_table(rows2))
        lines.append("")
    lines.append(
        "(a) the same partial configs for both, completed with each one's defaults;\n"
        "(b) each compiler's own random configs from its full search space (not the same\n"
        "configs; helion's space on the CPU has no tensor descriptors); (c) (a) plus the\n"
        "same values for the other shared keys (pid_type, l2_groupings, loop_orders,\n"
        "range_*, indexing pointer/block_ptr, eviction). Group counts read mlir|helion.\n"
        "note: the cold first bind of the first kernel includes helion_mlir's lazy imports\n"
        "(xdsl, triton; ~0.4 s), and, for a kernel that traces a torch call such as softmax,\n"
        "torch._inductor's decomposition table (~0.9 s); `import helion` (not timed) already\n"
        "loads those. The torch-trace row is helion_mlir only: its frontend caches make_fx\n"
        "graphs of torch calls process-wide, so a warm bind after reset() skips tracing."
    )
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> str:
    """Per kernel and family: is helion_mlir's median per-config time at or below
    helion's?"""
    hel = (results.get("helion") or {}).get("kernels", {})
    if not hel:
        return ""
    lines = ["per-config median, helion_mlir vs helion 1.5.1:"]
    for name, m in results["helion_mlir"]["kernels"].items():
        parts = []
        for family in FAMILIES:
            a = m["families"][family]["per_config"]["median_ms"]
            b = _get(hel, name, "families", family, "per_config", "median_ms")
            if a is None or b is None:
                parts.append(f"{family} -")
                continue
            parts.append(
                f"{family} {a:.2f} vs {b:.2f} ms ({'at or below' if a <= b else 'SLOWER'})"
            )
        lines.append(f"  {name:<11} " + "; ".join(parts))
    return "\n".join(lines) + "\n"


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--helion-python", help="interpreter with helion 1.5.1 installed")
    ap.add_argument("--configs", type=int, default=25, help="configs per family, first is warm-up")
    ap.add_argument("--bind-repeats", type=int, default=7, help="warm binds per kernel")
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--json", help="write all numbers here")
    ap.add_argument("--profile", action="store_true", help="cProfile a few configs per kernel")
    ap.add_argument(
        "--profile-family",
        default="partial",
        choices=(*FAMILIES, "all"),
        help="config family to profile (default: partial)",
    )
    ap.add_argument("--profile-configs", type=int, default=4, help="configs profiled per kernel")
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
    results["helion_mlir"]["gluon_schedule"] = measure_gluon(opts.configs)
    load["after_helion_mlir"] = _loadavg()
    t_mlir = time.perf_counter() - t_start
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
    print(report(results) + "\n")
    gluon = results["helion_mlir"]["gluon_schedule"]
    print(
        "Hopper's Gluon schedule, attention bf16 2x4x512x64 for cuda:90:132, bind + emit a "
        "config (median ms): Gluon "
        + ", Triton at the same configs ".join(
            _fmt(gluon[form]["median_ms"]) for form in ("gluon", "triton")
        )
        + "\n"
    )
    if "helion" in results:
        print(verdicts(results))
    if opts.profile:
        fams = FAMILIES if opts.profile_family == "all" else (opts.profile_family,)
        for k in kernels:
            for f in fams:
                print(profile_one(k, f, opts.configs, opts.profile_configs + 1, opts.profile_top))
    print(f"(total {time.perf_counter() - t_start:.1f} s, of which helion_mlir {t_mlir:.1f} s)")
    if opts.json:
        Path(opts.json).write_text(json.dumps(results, indent=1, default=repr))


if __name__ == "__main__":
    main()
