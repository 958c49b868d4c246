"""Grouped GEMM: the rows of `a_packed` come in groups (delimited by `offsets`), and
group g is multiplied by its own weight `b[g]`; empty groups are skipped."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def grouped_gemm(a_packed: torch.Tensor, b: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
    total_m, k = a_packed.size()
    num_groups, k2, n = b.size()
    assert k == k2, f"size mismatch {k} != {k2}"
    out = torch.empty([total_m, n], dtype=torch.promote_types(a_packed.dtype, b.dtype), device=a_packed.device)
    for g in hl.grid(num_groups):
        start = offsets[g]
        end = offsets[g + 1]
        if end > start:
            for tile_m, tile_n in hl.tile([start, 0], [end, n]):
                acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
                for tile_k in hl.tile(k):
                    acc = torch.addmm(acc, a_packed[tile_m, tile_k], b[g, tile_k, tile_n])
                out[tile_m, tile_n] = acc.to(out.dtype)
    return out


def check(device: str = "cpu") -> None:
    sizes = [5, 0, 17, 9]
    offsets = torch.tensor([0, *torch.tensor(sizes).cumsum(0).tolist()], device=device)
    k, n = 24, 20
    a_packed = torch.randn(sum(sizes), k, device=device)
    b = torch.randn(len(sizes), k, n, device=device)
    expected = torch.cat([a_packed[offsets[g] : offsets[g + 1]] @ b[g] for g in range(len(sizes))])
    torch.testing.assert_close(grouped_gemm(a_packed, b, offsets), expected, rtol=1e-4, atol=1e-4)
    bound = grouped_gemm.bind((a_packed, b, offsets))
    for config in (helion.Config(block_sizes=[16, 16, 16]), helion.Config(block_sizes=[8, 32, 16])):
        got = bound.compile_config(config)(a_packed, b, offsets)
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("grouped_gemm: ok")
