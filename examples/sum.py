"""Row sum over the last dimension."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def row_sum(x: torch.Tensor) -> torch.Tensor:
    m, _n = x.size()
    out = torch.empty([m], dtype=x.dtype, device=x.device)
    for tile_m in hl.tile(m):
        out[tile_m] = x[tile_m, :].sum(-1)
    return out


def check(m: int = 32, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device)
    expected = x.sum(-1)
    torch.testing.assert_close(row_sum(x), expected, rtol=1e-4, atol=1e-4)
    bound = row_sum.bind((x,))
    for config in (
        helion.Config(block_sizes=[8], reduction_loops=[None]),
        helion.Config(block_sizes=[4], reduction_loops=[64]),
    ):
        torch.testing.assert_close(bound.compile_config(config)(x), expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("sum: ok")
