"""Split-K matrix multiplication in two phases of one kernel: the first writes one
partial product per K slice, `hl.barrier()` waits for all of them, the second adds
the partials up."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def split_k_barrier(a: torch.Tensor, b: torch.Tensor, split_k: hl.constexpr = 4) -> torch.Tensor:
    m, k = a.size()
    k2, n = b.size()
    assert k == k2 and k % split_k == 0, f"bad sizes {k}, {k2} for split_k={split_k}"
    k_slice = k // split_k
    partials = torch.empty([split_k, m, n], dtype=torch.float32, device=a.device)
    out = torch.empty([m, n], dtype=torch.promote_types(a.dtype, b.dtype), device=a.device)
    for tile_s, tile_m, tile_n in hl.tile([split_k, m, n], block_size=[1, None, None]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for tile_k in hl.tile(tile_s.begin * k_slice, tile_s.begin * k_slice + k_slice):
            acc = torch.addmm(acc, a[tile_m, tile_k], b[tile_k, tile_n])
        partials[tile_s, tile_m, tile_n] = acc[None, :, :]
    hl.barrier()
    for tile_m, tile_n in hl.tile([m, n]):
        out[tile_m, tile_n] = partials[:, tile_m, tile_n].sum(0).to(out.dtype)
    return out


def check(m: int = 24, k: int = 128, n: int = 20, device: str = "cpu") -> None:
    a = torch.randn(m, k, device=device)
    b = torch.randn(k, n, device=device)
    torch.testing.assert_close(split_k_barrier(a, b), a @ b, rtol=1e-4, atol=1e-4)
    bound = split_k_barrier.bind((a, b, 4))
    for config in (helion.Config(block_sizes=[16, 16, 16, 8, 8]), helion.Config(block_sizes=[32, 16, 32, 4, 32])):
        torch.testing.assert_close(bound.compile_config(config)(a, b, 4), a @ b, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("split_k_barrier: ok")
