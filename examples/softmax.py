"""Row softmax. `reduction_loops=[None]` keeps each row in registers (persistent);
a power of two rolls the row into chunks of that size (looped)."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def softmax(x: torch.Tensor) -> torch.Tensor:
    n, _m = x.size()
    out = torch.empty_like(x)
    for tile_n in hl.tile(n):
        out[tile_n, :] = torch.nn.functional.softmax(x[tile_n, :], dim=1)
    return out


def check(n: int = 64, m: int = 500, device: str = "cpu") -> None:
    x = torch.randn(n, m, device=device)
    bound = softmax.bind((x,))
    for config in (
        helion.Config(block_sizes=[4], reduction_loops=[None]),
        helion.Config(block_sizes=[2], reduction_loops=[64]),
    ):
        torch.testing.assert_close(bound.compile_config(config)(x), torch.softmax(x, dim=1))


if __name__ == "__main__":
    check()
    print("softmax: ok")
