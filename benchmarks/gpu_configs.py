"""Random configs on the GPU: what the CPU property test cannot show.

For every kernel of `test/test_config_property.py` (at GPU-sized, TMA-aligned shapes
where the CPU shapes are too small), run the default config, `--random` random configs
and two forced ones (every access and atomic as a tensor descriptor; a persistent
kernel with `maxnreg`), and check each against the default config's result. A config
the compiler refuses by name (`InvalidConfig`, such as Hopper's Gluon schedule on a
loop of one key tile) is counted apart from failures. Reports,
per kernel, how many configs ran, failed or disagreed, and how many really used tensor
descriptors, TMA atomics, `maxnreg` and persistent loops in the generated code.

    python benchmarks/gpu_configs.py --random 8 --json out.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

import helion_mlir

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "test")]

from test_config_property import CASES  # noqa: E402

# shapes with 16-byte aligned rows, so that tensor descriptors are legal
GPU_INPUTS = {
    "elementwise_add": lambda: (torch.randn(256, 512), torch.randn(512)),
    "elementwise_3d_grid": lambda: (torch.randn(4, 64, 128), torch.randn(128)),
    "elementwise_flat": lambda: (torch.randn(256, 512), torch.randn(256, 512)),
    "row_reductions": lambda: (torch.randn(64, 1000),),
    "softmax": lambda: (torch.randn(64, 1024),),
    "layer_norm": lambda: (torch.randn(64, 1024), torch.randn(1024), torch.randn(1024), 1e-5),
    "matmul": lambda: (torch.randn(256, 128), torch.randn(128, 256)),
    "matmul_fp16_epilogue": lambda: (
        torch.randn(256, 128, dtype=torch.float16),
        torch.randn(128, 256, dtype=torch.float16),
        torch.randn(256, dtype=torch.float16),
    ),
    "bmm": lambda: (torch.randn(4, 128, 64), torch.randn(4, 64, 128)),
    # bf16, so that Hopper also draws its warp-specialized Gluon schedule
    "attention": lambda: tuple(torch.randn(2, 4, 256, 64, dtype=torch.bfloat16) for _ in "qkv"),
    "split_k_atomics": lambda: (torch.randn(128, 1024), torch.randn(1024, 64)),
    "column_sum_atomics": lambda: (torch.randn(256, 512),),
    "embedding_gather": lambda: (torch.randint(0, 1000, (256,)), torch.randn(1000, 128)),
}

FEATURES = {
    "tensor_descriptor": "tl.make_tensor_descriptor",
    "tma_atomic": "_desc.atomic_add(",
    "maxnreg": "maxnreg=",
    "persistent": "virtual_pid",
    "block_ptr": "tl.make_block_ptr",
    "gluon_warp_specialize": "gl.warp_specialize(",
}


def forced_configs(spec) -> list[dict]:
    """The configs random draws rarely give: only the parts this kernel's space has."""

    def legal(part: dict) -> bool:
        try:
            spec.normalize(part)
        except Exception:
            return False
        return True

    forced = []
    td = {k: "tensor_descriptor" for k in ("indexing", "atomic_indexing")}
    td = {k: v for k, v in td.items() if legal({k: v})}
    if td:
        forced.append(td)
    persistent = {"pid_type": "persistent_interleaved", "maxnreg": 128}
    if legal(persistent):
        forced.append(persistent)
    return forced


def check_case(case, n_random: int, deadline: float, device: str) -> dict:
    inputs = GPU_INPUTS.get(case.name, case.inputs)() if device == "cuda" else case.inputs()
    args = tuple(a.to(device) if isinstance(a, torch.Tensor) else a for a in inputs)
    bound = case.kernel().bind(args)
    spec = bound.config_spec
    want = bound.compile_config(spec.default_config())(*args)
    configs = [spec.random_config(seed) for seed in range(n_random)] + forced_configs(spec)
    report = {
        "ran": 0,
        "refused": [],
        "errors": [],
        "mismatches": [],
        "features": dict.fromkeys(FEATURES, 0),
    }
    for config in configs:
        if time.monotonic() > deadline:
            report["stopped_early"] = True
            break
        try:
            code = bound.to_triton_code(config)
        except helion_mlir.exc.InvalidConfig as e:  # a combination the compiler names
            report["refused"].append(f"{dict(config)}: {str(e)[:200]}")
            continue
        for name, marker in FEATURES.items():
            report["features"][name] += marker in code
        try:
            got = bound.compile_config(config)(*args)
            if device == "cuda":
                torch.cuda.synchronize()
        except Exception as e:  # a config that fails to compile or run is a finding
            report["errors"].append(f"{dict(config)}: {type(e).__name__}: {str(e)[:300]}")
            continue
        report["ran"] += 1
        tol = max(case.tol, 2e-2)  # fp32 dots run as tf32 on the GPU
        if not torch.allclose(got.float(), want.float(), rtol=tol, atol=tol):
            err = (got.float() - want.float()).abs().max().item()
            report["mismatches"].append(f"{dict(config)}: max abs diff {err:.3g}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=8, help="random configs per kernel")
    parser.add_argument(
        "--seconds", type=float, default=420, help="stop starting configs after this"
    )
    parser.add_argument("--json", help="write the report here")
    parser.add_argument("--device", default="cuda", help="cuda, or cpu for a dry run")
    args = parser.parse_args()
    torch.manual_seed(0)
    deadline = time.monotonic() + args.seconds
    name = torch.cuda.get_device_name() if args.device == "cuda" else "cpu (interpreter)"
    print(name, "torch", torch.__version__)
    reports = {}
    for case in CASES:
        start = time.monotonic()
        r = check_case(case, args.random, deadline, args.device)
        reports[case.name] = r
        feats = ", ".join(f"{k} {v}" for k, v in r["features"].items() if v)
        print(
            f"{case.name:22s} ran {r['ran']:3d}  refused {len(r['refused'])}  errors "
            f"{len(r['errors'])}  mismatches "
            f"{len(r['mismatches'])}  [{feats}]  {time.monotonic() - start:.0f}s",
            flush=True,
        )
        for line in r["errors"] + r["mismatches"]:
            print("   ", line, flush=True)
    total = sum(r["ran"] for r in reports.values())
    bad = sum(len(r["errors"]) + len(r["mismatches"]) for r in reports.values())
    print(f"total: {total} configs ran, {bad} failed or disagreed")
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
