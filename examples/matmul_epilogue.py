"""Matrix multiplication whose accumulator tile goes through a user epilogue
(a lambda, here capturing a bias tensor) before it is stored."""

from collections.abc import Callable

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def matmul_epilogue(
    x: torch.Tensor,
    y: torch.Tensor,
    epilogue: Callable[[torch.Tensor, tuple[hl.Tile, ...]], torch.Tensor] = lambda acc, tile: acc,
) -> torch.Tensor:
    m, k = x.size()
    k2, n = y.size()
    assert k == k2, f"size mismatch {k} != {k2}"
    out = torch.empty([m, n], dtype=torch.promote_types(x.dtype, y.dtype), device=x.device)
    for tile_m, tile_n in hl.tile([m, n]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for tile_k in hl.tile(k):
            acc = torch.addmm(acc, x[tile_m, tile_k], y[tile_k, tile_n])
        out[tile_m, tile_n] = epilogue(acc, (tile_m, tile_n)).to(out.dtype)
    return out


def check(m: int = 40, k: int = 48, n: int = 36, device: str = "cpu") -> None:
    x = torch.randn(m, k, device=device)
    y = torch.randn(k, n, device=device)
    bias = torch.randn(n, device=device)
    torch.testing.assert_close(matmul_epilogue(x, y), x @ y, rtol=1e-4, atol=1e-4)
    got = matmul_epilogue(x, y, lambda acc, tile: torch.relu(acc + bias[tile[1]]))
    torch.testing.assert_close(got, torch.relu(x @ y + bias), rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("matmul_epilogue: ok")
