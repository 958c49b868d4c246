"""Row softmax with an online running max and sum (base-2 exponentials, as flash
attention does): one sweep over column tiles gathers the statistics, a second
sweep writes `exp(x - max) / sum`."""

import math

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def softmax_online(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    log2e = 1.0 / math.log(2.0)
    for tile_m in hl.tile(m):
        m_i = hl.full([tile_m], float("-inf"), dtype=torch.float32)
        l_i = hl.zeros([tile_m], dtype=torch.float32)
        for tile_n in hl.tile(n):
            scaled = x[tile_m, tile_n].to(torch.float32) * log2e
            m_new = torch.maximum(m_i, torch.amax(scaled, dim=-1))
            alpha = torch.exp2(m_i - m_new)
            p = torch.exp2(scaled - m_new[:, None])
            l_i = l_i * alpha + torch.sum(p, dim=-1)
            m_i = m_new
        for tile_n in hl.tile(n):
            scaled = x[tile_m, tile_n].to(torch.float32) * log2e
            out[tile_m, tile_n] = (torch.exp2(scaled - m_i[:, None]) / l_i[:, None]).to(out.dtype)
    return out


def check(m: int = 32, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device) * 4
    expected = torch.softmax(x, dim=-1)
    torch.testing.assert_close(softmax_online(x), expected, rtol=1e-4, atol=1e-5)
    bound = softmax_online.bind((x,))
    for config in (helion.Config(block_sizes=[4, 32, 32]), helion.Config(block_sizes=[16, 128, 256])):
        torch.testing.assert_close(bound.compile_config(config)(x), expected, rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    check()
    print("softmax_online: ok")
