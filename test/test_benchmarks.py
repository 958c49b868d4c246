"""The GPU benchmark script's wiring, on tiny shapes through the interpreter: every
kernel of the set is checked against eager PyTorch and timed, and the JSON holds the
geomean. Two child processes split the kernels (as on a machine of two GPUs) and their
rows are merged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_run_smoke_checks_and_times_every_kernel(tmp_path):
    out, configs = tmp_path / "run.json", tmp_path / "configs.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--smoke",
            "--gpus",
            "2",
            "--json",
            str(out),
            "--configs",
            str(configs),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(out.read_text())
    assert len(results["kernels"]) == 16
    for name, row in results["kernels"].items():
        assert "ms" in row["eager"], (name, row)
        assert "ms" in row["mlir"] and row["mlir"]["rel_err"] < 1e-3, (name, row)
        assert row["mlir"]["speedup_over_eager"] > 0
    assert results["geomean_speedup_over_eager"] > 0
    assert "geomean speedup of helion_mlir over eager" in proc.stdout


def test_dispatch_benchmark_times_each_kernel_call():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "dispatch.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line.split() for line in proc.stdout.splitlines()[1:]]
    assert [r[0] for r in rows] == ["softmax", "layer_norm", "matmul"]
    assert all(0 < float(r[1]) < 1000 for r in rows), rows


def test_handwritten_attention_anchor_matches_sdpa_on_the_interpreter():
    """The hand-written flash attention that `handwritten_attention.py` times against
    ours computes attention (float32 here: the interpreter's bf16 dots are wrong), at
    shapes of its grid whose tiles differ in rows, columns and warps. In a child
    process: the interpreter must be chosen before Triton is imported."""
    script = """
import torch, torch.nn.functional as F, handwritten_attention as H
torch.manual_seed(0)
q, k, v = (torch.randn(2, 2, 128, 32) for _ in range(3))
want = F.scaled_dot_product_attention(q, k, v)
for shape in [(64, 64, 4, 2), (128, 64, 8, 3), (64, 128, 4, 3)]:
    assert shape in H.GRID, shape
    torch.testing.assert_close(H.handwritten(q, k, v, shape)(), want, rtol=1e-4, atol=1e-4)
print("ok")
"""
    env = {**os.environ, "TRITON_INTERPRET": "1", "PYTHONPATH": str(ROOT / "benchmarks")}
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]


def test_tune_compare_gives_each_side_its_own_inputs(monkeypatch):
    """Timed in turn on shared inputs, a side whose loads evict last keeps them in L2
    for the other side: each side gets copies, equal in value, sharing no storage."""
    import torch

    # the script sets autotuning defaults for both Helions when imported: keep them
    # from reaching the tests that run after this one
    for name in ("HELION_AUTOTUNE_EFFORT", "HELION_AUTOTUNE_BENCHMARK_SUBPROCESS"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    from tune_compare import own_copy

    x, n = torch.randn(4, 8), 3
    copy = own_copy((x, n))
    assert copy[1] == n and torch.equal(copy[0], x)
    assert copy[0].untyped_storage().data_ptr() != x.untyped_storage().data_ptr()


def test_host_epilogue_benchmark_splits_each_example_into_kernel_and_epilogue(monkeypatch):
    """The shortened example runs the same device code, and its epilogue applied to
    that output gives the example's own result."""
    import torch

    for name in ("HELION_AUTOTUNE_EFFORT", "HELION_AUTOTUNE_BENCHMARK_SUBPROCESS"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    from example_loading import load
    from host_epilogue import EPILOGUES, without_epilogue
    from run import benches

    import helion_mlir

    for name, (_, _, epilogue) in EPILOGUES.items():
        bench = benches()[name]
        torch.manual_seed(0)
        args = bench.args(torch, True)
        written = getattr(load(bench.example, False), bench.fn).bind(args)
        shortened = without_epilogue(bench.example, bench.fn).bind(args)
        for bound in (written, shortened):
            bound.set_config(helion_mlir.Config(num_warps=4))
        torch.testing.assert_close(epilogue(shortened(*args)), written(*args))
