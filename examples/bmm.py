"""Batched matrix multiplication with 3-D tiles and an fp32 accumulator."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def bmm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    batch, m, k = a.size()
    batch2, k2, n = b.size()
    assert batch == batch2 and k == k2, f"size mismatch {a.size()} @ {b.size()}"
    out = torch.empty([batch, m, n], dtype=torch.promote_types(a.dtype, b.dtype), device=a.device)
    for tile_b, tile_m, tile_n in hl.tile([batch, m, n]):
        acc = hl.zeros([tile_b, tile_m, tile_n], dtype=torch.float32)
        for tile_k in hl.tile(k):
            acc = torch.baddbmm(acc, a[tile_b, tile_m, tile_k], b[tile_b, tile_k, tile_n])
        out[tile_b, tile_m, tile_n] = acc.to(out.dtype)
    return out


def check(batch: int = 3, m: int = 20, k: int = 24, n: int = 18, device: str = "cpu") -> None:
    a = torch.randn(batch, m, k, device=device)
    b = torch.randn(batch, k, n, device=device)
    expected = torch.bmm(a, b)
    torch.testing.assert_close(bmm(a, b), expected, rtol=1e-4, atol=1e-4)
    bound = bmm.bind((a, b))
    for config in (helion.Config(block_sizes=[1, 16, 16, 16]), helion.Config(block_sizes=[2, 32, 16, 32])):
        torch.testing.assert_close(bound.compile_config(config)(a, b), expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("bmm: ok")
