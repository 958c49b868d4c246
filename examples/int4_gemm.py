"""Matrix multiplication by packed int4 weights: each int8 byte of `b_packed` holds
two signed 4-bit values (row 2i in the low nibble, row 2i+1 in the high one),
unpacked in the kernel with shifts before the dot products."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def int4_gemm(a: torch.Tensor, b_packed: torch.Tensor) -> torch.Tensor:
    m, k = a.size()
    k_half, n = b_packed.size()
    assert k == 2 * k_half, f"size mismatch {k} != 2 * {k_half}"
    a_even = a[:, 0::2]
    a_odd = a[:, 1::2]
    out = torch.empty([m, n], dtype=a.dtype, device=a.device)
    for tile_m, tile_n in hl.tile([m, n]):
        acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
        for tile_k in hl.tile(k_half):
            packed = b_packed[tile_k, tile_n]
            low = (packed << 4) >> 4
            high = packed >> 4
            acc = hl.dot(a_even[tile_m, tile_k], low.to(a.dtype), acc=acc)
            acc = hl.dot(a_odd[tile_m, tile_k], high.to(a.dtype), acc=acc)
        out[tile_m, tile_n] = acc.to(out.dtype)
    return out


def pack_int4(b: torch.Tensor) -> torch.Tensor:
    """(k, n) ints in [-8, 7] into (k // 2, n) int8 bytes, even rows in the low nibble."""
    low = b[0::2].to(torch.int8) & 0xF
    high = b[1::2].to(torch.int8) << 4
    return (low | high).to(torch.int8)


def check(m: int = 24, k: int = 64, n: int = 20, device: str = "cpu") -> None:
    # float16 rather than the usual bfloat16: Triton's CPU interpreter multiplies bfloat16
    # dot operands as their raw 16-bit patterns and casts ints to bfloat16 wrongly
    a = torch.randn(m, k, device=device, dtype=torch.float16)
    b = torch.randint(-8, 8, (k, n), device=device)
    b_packed = pack_int4(b)
    expected = (a.float() @ b.float()).to(torch.float16)
    torch.testing.assert_close(int4_gemm(a, b_packed), expected, rtol=2e-2, atol=2e-2)
    bound = int4_gemm.bind((a, b_packed))
    for config in (helion.Config(block_sizes=[16, 16, 16]), helion.Config(block_sizes=[32, 32, 32])):
        torch.testing.assert_close(bound.compile_config(config)(a, b_packed), expected, rtol=2e-2, atol=2e-2)


if __name__ == "__main__":
    check()
    print("int4_gemm: ok")
