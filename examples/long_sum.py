"""Row sum over a long last dimension: a `:` reduction the config may roll into a
loop, and a hand-written loop over column tiles accumulating into a 2-D tile."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def long_sum(x: torch.Tensor) -> torch.Tensor:
    m, _n = x.size()
    out = torch.empty([m], dtype=x.dtype, device=x.device)
    for tile_m in hl.tile(m):
        out[tile_m] = x[tile_m, :].sum(-1)
    return out


@helion.kernel()
def long_sum_manual(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m], dtype=x.dtype, device=x.device)
    block_n = hl.register_block_size(n)
    for tile_m in hl.tile(m):
        acc = hl.zeros([tile_m, block_n], dtype=torch.float32)
        for tile_n in hl.tile(n, block_size=block_n):
            acc += x[tile_m, tile_n]
        out[tile_m] = acc.sum(-1).to(x.dtype)
    return out


def check(m: int = 4, n: int = 5000, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device)
    expected = x.sum(-1)
    bound = long_sum.bind((x,))
    for config in (
        helion.Config(block_sizes=[2], reduction_loops=[None]),
        helion.Config(block_sizes=[1], reduction_loops=[1024]),
    ):
        torch.testing.assert_close(bound.compile_config(config)(x), expected, rtol=1e-4, atol=1e-3)
    bound = long_sum_manual.bind((x,))
    for config in (helion.Config(block_sizes=[256, 2]), helion.Config(block_sizes=[1024, 4])):
        torch.testing.assert_close(bound.compile_config(config)(x), expected, rtol=1e-4, atol=1e-3)


if __name__ == "__main__":
    check()
    print("long_sum: ok")
