"""The reference side of `bind_emit.py`: helion 1.5.1's compile-time cost on CPU.

Runs under a scratch interpreter that has helion 1.5.1 (helion is never a dependency of
this project), e.g.

    python3.11 -m venv /tmp/helion151
    /tmp/helion151/bin/pip install torch==2.13.0 helion==1.5.1 triton==3.6.0 packaging
    TRITON_INTERPRET=1 /tmp/helion151/bin/python benchmarks/helion_reference.py

and is normally started by `bind_emit.py --helion-python /tmp/helion151/bin/python`.
For softmax and matmul written for Helion below, it times the same things as
`bind_emit.py` does for helion_mlir, the same way (`bench_common`): `bound.to_triton_code`
for distinct configs (the first is a warm-up, not counted), and a fresh bind after
`kernel.reset()`. Writes the numbers as JSON (stdout, or `--json PATH`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

# Helion has no CPU backend of its own: codegen for a CPU tensor needs Triton's interpreter.
os.environ.setdefault("TRITON_INTERPRET", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import helion  # noqa: E402
import helion.language as hl  # noqa: E402
import torch  # noqa: E402
from bench_common import (  # noqa: E402
    CONFIGS,
    MATMUL_SHAPES,
    SOFTMAX_SHAPE,
    time_binds,
    time_per_config,
)

# Shapes are static (one specialization per shape), as in helion_mlir.


@helion.kernel(static_shapes=True)
def softmax(x: torch.Tensor) -> torch.Tensor:
    rows, _cols = x.size()
    result = torch.empty_like(x)
    for rtile in hl.tile(rows):
        result[rtile, :] = torch.nn.functional.softmax(x[rtile, :], dim=1)
    return result


@helion.kernel(static_shapes=True)
def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    m, k = a.size()
    k_b, n = b.size()
    assert k == k_b, f"inner sizes differ: {k} vs {k_b}"
    c = torch.empty([m, n], dtype=torch.promote_types(a.dtype, b.dtype), device=a.device)
    for tm, tn in hl.tile([m, n]):
        acc = hl.zeros([tm, tn], dtype=torch.float32)
        for tk in hl.tile(k):
            acc = torch.addmm(acc, a[tm, tk], b[tk, tn])
        c[tm, tn] = acc
    return c


def _args(name: str) -> tuple[torch.Tensor, ...]:
    torch.manual_seed(0)
    if name == "softmax":
        return (torch.randn(*SOFTMAX_SHAPE),)
    return tuple(torch.randn(*s) for s in MATMUL_SHAPES)


def measure(name: str, kernel: Any, n_configs: int, bind_repeats: int) -> dict[str, Any]:
    args = _args(name)
    kernel.reset()
    t0 = time.perf_counter()
    bound = kernel.bind(args)
    cold_ms = (time.perf_counter() - t0) * 1e3

    default = bound.config_spec.default_config()
    overrides = CONFIGS[name](n_configs)
    configs = [helion.Config(**{**default.config, **o}) for o in overrides]
    texts: list[str] = []

    def to_code(config: helion.Config) -> str:
        text = bound.to_triton_code(config)
        texts.append(text)
        return text

    per_config = time_per_config(to_code, configs)

    def bind_fresh() -> Any:
        kernel.reset()
        return kernel.bind(args)

    binds = time_binds(bind_fresh, bind_repeats)
    return {
        "per_config": per_config,
        "bind": binds | {"cold_first_ms": cold_ms},
        "configs": overrides,
        "distinct_outputs": len(set(texts)),
        "default_config": {k: v for k, v in default.config.items()},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--configs", type=int, default=25, help="configs per kernel, first is warm-up")
    ap.add_argument("--bind-repeats", type=int, default=7, help="warm binds per kernel")
    ap.add_argument("--kernels", default="softmax,matmul")
    ap.add_argument("--json", help="write the results here instead of stdout")
    opts = ap.parse_args(argv)

    kernels = {"softmax": softmax, "matmul": matmul}
    result: dict[str, Any] = {
        "compiler": "helion",
        "version": metadata.version("helion"),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "triton_interpret": os.environ.get("TRITON_INTERPRET"),
        "kernels": {},
    }
    for name in opts.kernels.split(","):
        result["kernels"][name] = measure(name, kernels[name], opts.configs, opts.bind_repeats)
    text = json.dumps(result, indent=1, default=repr)
    if opts.json:
        Path(opts.json).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
