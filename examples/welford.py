"""Layer normalization whose mean and variance come from Welford's algorithm: per
column tile, the tile's count, mean and sum of squared deviations are merged into
running statistics; a second sweep normalizes."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def welford(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    for tile_m in hl.tile(m):
        count = hl.zeros([tile_m], dtype=torch.float32)
        mean = hl.zeros([tile_m], dtype=torch.float32)
        m2 = hl.zeros([tile_m], dtype=torch.float32)
        for tile_n in hl.tile(n):
            chunk = x[tile_m, tile_n].to(torch.float32)
            chunk_count = (tile_n.end - tile_n.begin) * 1.0
            chunk_mean = torch.sum(chunk, dim=-1) / chunk_count
            centered = chunk - chunk_mean[:, None]
            chunk_m2 = torch.sum(centered * centered, dim=-1)
            new_count = count + chunk_count
            delta = chunk_mean - mean
            mean = mean + delta * (chunk_count / new_count)
            m2 = m2 + chunk_m2 + delta * delta * (count * chunk_count / new_count)
            count = new_count
        rstd = torch.rsqrt(m2 / n + eps)
        for tile_n in hl.tile(n):
            chunk = x[tile_m, tile_n].to(torch.float32)
            normed = (chunk - mean[:, None]) * rstd[:, None]
            out[tile_m, tile_n] = (normed * weight[tile_n] + bias[tile_n]).to(out.dtype)
    return out


def check(m: int = 32, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device) * 3 + 5
    w, b = torch.randn(n, device=device), torch.randn(n, device=device)
    expected = torch.nn.functional.layer_norm(x, [n], w, b, eps=1e-5)
    torch.testing.assert_close(welford(x, w, b), expected, rtol=1e-4, atol=1e-4)
    bound = welford.bind((x, w, b, 1e-5))
    for config in (helion.Config(block_sizes=[4, 64, 64]), helion.Config(block_sizes=[8, 128, 32])):
        torch.testing.assert_close(bound.compile_config(config)(x, w, b, 1e-5), expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("welford: ok")
