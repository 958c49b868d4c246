"""Matrix multiplication with an fp32 accumulator, on sizes that no tile divides.

`python examples/matmul.py --demo` shows the kernel at every stage of the compiler:
the `tile` IR as written, the `loop` and `mem` IR with the tunables as `cfg` slots, the
search space, the `triton` IR and Python source for the default config, then runs it
(on the GPU if there is one, else on the CPU through Triton's interpreter) and checks
the result against PyTorch.
"""

import sys

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def matmul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    k2, n = y.size()
    assert k == k2, f"size mismatch {k} != {k2}"
    out = torch.empty([m, n], dtype=torch.promote_types(x.dtype, y.dtype), device=x.device)
    for tile_m, tile_n in hl.tile([m, n]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for tile_k in hl.tile(k):
            acc = torch.addmm(acc, x[tile_m, tile_k], y[tile_k, tile_n])
        out[tile_m, tile_n] = acc
    return out


def check(m: int = 100, k: int = 70, n: int = 50, device: str = "cpu") -> None:
    x = torch.randn(m, k, device=device)
    y = torch.randn(k, n, device=device)
    torch.testing.assert_close(matmul(x, y), x @ y, rtol=1e-4, atol=1e-4)


def _short(text: str, lines: int = 40) -> str:
    rows = text.rstrip().splitlines()
    if len(rows) <= lines:
        return "\n".join(rows)
    return "\n".join(rows[:lines] + [f"    ... ({len(rows) - lines} more lines)"])


def demo() -> None:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    x = torch.randn(100, 70, device=device)
    y = torch.randn(70, 50, device=device)
    bound = matmul.bind((x, y))
    for stage, what in (
        ("tile", "the kernel as written (tile dialect, masks inserted and pruned)"),
        ("loop", "iteration structure; block sizes are cfg.param slots"),
        ("mem", "explicit addressing, and the derived cfg.space"),
    ):
        print(f"==== {stage}: {what}\n{_short(bound.ir(stage))}\n")
    config = bound.config_spec.default_config()
    print(f"==== search space\n{bound.config_spec.table()}\n")
    print(f"==== triton IR for {config}\n{_short(bound.ir('triton', config))}\n")
    print(f"==== generated code\n{bound.to_triton_code(config)}")
    out = bound(x, y)
    torch.testing.assert_close(out, x @ y, rtol=1e-4, atol=1e-4)
    where = "GPU" if device == "cuda" else "CPU (Triton interpreter)"
    print(f"==== ran on {where}: matches torch (max abs error {(out - x @ y).abs().max():.2e})")


if __name__ == "__main__":
    if "--demo" in sys.argv:
        demo()
    else:
        check()
        print("matmul: ok")
