"""Split-K matrix multiplication: the K dimension is cut into `split_k` pieces
(a tunable), each program multiplies one piece and adds its partial product into
the output with `hl.atomic_add`."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def matmul_split_k(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    k2, n = y.size()
    assert k == k2, f"size mismatch {k} != {k2}"
    out = torch.zeros([m, n], dtype=torch.float32, device=x.device)
    split_k = hl.register_tunable("split_k", hl.PowerOfTwoFragment(1, 16, 4))
    k_block = (k + split_k - 1) // split_k
    for tile_m, tile_n, outer_k in hl.tile([m, n, k], block_size=[None, None, k_block]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for inner_k in hl.tile(outer_k.begin, outer_k.end):
            acc = torch.addmm(acc, x[tile_m, inner_k], y[inner_k, tile_n])
        hl.atomic_add(out, [tile_m, tile_n], acc)
    return out


def check(m: int = 24, k: int = 256, n: int = 20, device: str = "cpu") -> None:
    x = torch.randn(m, k, device=device)
    y = torch.randn(k, n, device=device)
    expected = x @ y
    torch.testing.assert_close(matmul_split_k(x, y), expected, rtol=1e-4, atol=1e-4)
    bound = matmul_split_k.bind((x, y))
    for split_k in (1, 4, 8):
        config = helion.Config(split_k=split_k)
        torch.testing.assert_close(bound.compile_config(config)(x, y), expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("matmul_split_k: ok")
