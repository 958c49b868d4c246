"""Matrix multiplication with an fp32 accumulator, on sizes that no tile divides."""

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


if __name__ == "__main__":
    check()
    print("matmul: ok")
