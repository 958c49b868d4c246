"""The reference side of `bind_emit.py`: helion 1.5.1's compile-time cost on CPU.

Runs under a scratch interpreter that has helion 1.5.1 (helion is never a dependency of
this project), e.g.

    python3.11 -m venv /tmp/helion151
    /tmp/helion151/bin/pip install torch==2.13.0 helion==1.5.1 triton==3.6.0 packaging
    TRITON_INTERPRET=1 /tmp/helion151/bin/python benchmarks/helion_reference.py

and is normally started by `bind_emit.py --helion-python /tmp/helion151/bin/python`.
For softmax, matmul, attention and layer_norm written for Helion below, it times the
same things as `bind_emit.py` does for helion_mlir, the same way (`bench_common`):
`bound.to_triton_code` for distinct configs of each family (the first is a warm-up, not
counted), and a fresh bind after `kernel.reset()`. Writes the numbers as JSON (stdout,
or `--json PATH`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
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
    FAMILIES,
    KERNELS,
    extras_configs,
    make_args,
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


@helion.kernel(static_shapes=True)
def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Flash attention over [B, H, S, D]: a running max and sum per query row (base-2
    exponent), one pass over key/value tiles."""
    seq_q, seq_k = q.size(-2), k.size(-2)
    d = hl.specialize(q.size(-1))
    qf = q.reshape([-1, seq_q, d])
    kt = k.reshape([-1, seq_k, d]).transpose(1, 2)
    vf = v.reshape([-1, seq_k, d])
    out = torch.empty_like(qf)
    scale = 1.44269504 / math.sqrt(d)  # log2(e) / sqrt(d)
    for tb, tq in hl.tile([qf.size(0), seq_q]):
        row_max = hl.full([tb, tq], float("-inf"), dtype=torch.float32)
        row_sum = hl.full([tb, tq], 1.0, dtype=torch.float32)
        acc = hl.zeros([tb, tq, d], dtype=torch.float32)
        q_tile = qf[tb, tq, :]
        for tk in hl.tile(seq_k):
            s = torch.bmm(q_tile, kt[tb, :, tk])
            new_max = torch.maximum(row_max, torch.amax(s, -1) * scale)
            p = torch.exp2(s * scale - new_max[:, :, None])
            correction = torch.exp2(row_max - new_max)
            row_sum = row_sum * correction + torch.sum(p, -1)
            acc = torch.baddbmm(acc * correction[:, :, None], p, vf[tb, tk, :])
            row_max = new_max
        out[tb, tq, :] = (acc / row_sum[:, :, None]).to(out.dtype)
    return out.view(q.size())


@helion.kernel(static_shapes=True)
def layer_norm(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5
) -> torch.Tensor:
    """Normalize each row over the last dim in fp32, then scale and shift."""
    rows, cols = x.size()
    y = torch.empty([rows, cols], dtype=x.dtype, device=x.device)
    for tr in hl.tile(rows):
        row = x[tr, :].to(torch.float32)
        mu = torch.sum(row, dim=-1) / cols
        diff = row - mu[:, None]
        inv_std = torch.rsqrt(torch.sum(diff * diff, dim=-1) / cols + eps)
        scaled = diff * inv_std[:, None] * weight[:].to(torch.float32)
        y[tr, :] = (scaled + bias[:].to(torch.float32)).to(x.dtype)
    return y


HELION_KERNELS = {
    "softmax": softmax,
    "matmul": matmul,
    "attention": attention,
    "layer_norm": layer_norm,
}


def family_configs(
    name: str, family: str, bound: Any, default: dict[str, Any], n: int
) -> tuple[list[helion.Config], list[dict[str, Any]] | None]:
    """(full configs, the partial overrides they were made from, if any)."""
    if family == "random":
        # helion's own sampler over its whole (CPU-restricted) search space
        from helion.autotuner.config_generation import ConfigGeneration

        gen = ConfigGeneration(bound.config_spec)
        out: list[helion.Config] = []
        texts: set[str] = set()
        seed = 0
        while len(out) < n and seed < 20 * n:
            random.seed(seed)
            c = gen.random_config()
            seed += 1
            if repr(c) not in texts:
                texts.add(repr(c))
                out.append(c)
        return out, None
    overrides = CONFIGS[name](n) if family == "partial" else extras_configs(name, default, n)
    return [helion.Config(**{**default, **o}) for o in overrides], overrides


def measure(name: str, kernel: Any, n_configs: int, bind_repeats: int) -> dict[str, Any]:
    args = make_args(name, torch)
    kernel.reset()
    t0 = time.perf_counter()
    bound = kernel.bind(args)
    cold_ms = (time.perf_counter() - t0) * 1e3
    default = dict(bound.config_spec.default_config().config)

    families: dict[str, Any] = {}
    for family in FAMILIES:
        # a fresh bound kernel per family: no config has been seen by it
        kernel.reset()
        bound = kernel.bind(args)
        configs, overrides = family_configs(name, family, bound, default, n_configs)
        texts: list[str] = []

        def to_code(config: helion.Config, bound: Any = bound, texts: list[str] = texts) -> str:
            text = bound.to_triton_code(config)
            texts.append(text)
            return text

        families[family] = {
            "per_config": time_per_config(to_code, configs),
            "configs": [dict(c.config) for c in configs],
            "overrides": overrides,
            "distinct_outputs": len(set(texts)),
        }

    def bind_fresh() -> Any:
        kernel.reset()
        return kernel.bind(args)

    binds = time_binds(bind_fresh, bind_repeats)
    return {
        "per_config": families["partial"]["per_config"],
        "families": families,
        "bind": binds | {"cold_first_ms": cold_ms},
        "default_config": default,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--configs", type=int, default=25, help="configs per family, first is warm-up")
    ap.add_argument("--bind-repeats", type=int, default=7, help="warm binds per kernel")
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--json", help="write the results here instead of stdout")
    opts = ap.parse_args(argv)

    result: dict[str, Any] = {
        "compiler": "helion",
        "version": metadata.version("helion"),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "triton_interpret": os.environ.get("TRITON_INTERPRET"),
        "kernels": {},
    }
    for name in opts.kernels.split(","):
        result["kernels"][name] = measure(
            name, HELION_KERNELS[name], opts.configs, opts.bind_repeats
        )
    text = json.dumps(result, indent=1, default=repr)
    if opts.json:
        Path(opts.json).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
