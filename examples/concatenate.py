"""Concatenation of two matrices along dim 1 into a new output: each output tile
reads the columns it covers from `x` or from `y` with masked loads."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def concatenate(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, n1 = x.size()
    m2, n2 = y.size()
    assert m == m2, f"row counts differ: {m} != {m2}"
    out = torch.empty([m, n1 + n2], dtype=torch.promote_types(x.dtype, y.dtype), device=x.device)
    for tile_m, tile_n in hl.tile([m, n1 + n2]):
        from_x = tile_n.index < n1
        x_part = hl.load(x, [tile_m, tile_n], extra_mask=from_x[None, :])
        y_part = hl.load(y, [tile_m, tile_n.index - n1], extra_mask=~from_x[None, :])
        out[tile_m, tile_n] = torch.where(from_x[None, :], x_part, y_part)
    return out


def check(m: int = 30, n1: int = 37, n2: int = 50, device: str = "cpu") -> None:
    x = torch.randn(m, n1, device=device)
    y = torch.randn(m, n2, device=device)
    expected = torch.cat([x, y], dim=1)
    torch.testing.assert_close(concatenate(x, y), expected)
    bound = concatenate.bind((x, y))
    for config in (helion.Config(block_sizes=[8, 16]), helion.Config(block_sizes=[32, 64])):
        torch.testing.assert_close(bound.compile_config(config)(x, y), expected)


if __name__ == "__main__":
    check()
    print("concatenate: ok")
