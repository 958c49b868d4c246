"""Row softmax in two passes over column tiles: the first keeps a running max and
sum of exponentials (rescaled when the max grows), the second writes the output."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def softmax_two_pass(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    block_m = hl.register_block_size(m)
    block_n = hl.register_block_size(n)
    for tile_m in hl.tile(m, block_size=block_m):
        row_max = hl.full([tile_m], float("-inf"), dtype=torch.float32)
        row_sum = hl.zeros([tile_m], dtype=torch.float32)
        for tile_n in hl.tile(n, block_size=block_n):
            values = x[tile_m, tile_n].to(torch.float32)
            new_max = torch.maximum(row_max, torch.amax(values, dim=1))
            row_sum = row_sum * torch.exp(row_max - new_max) + torch.exp(values - new_max[:, None]).sum(dim=1)
            row_max = new_max
        for tile_n in hl.tile(n, block_size=block_n):
            values = x[tile_m, tile_n].to(torch.float32)
            out[tile_m, tile_n] = (torch.exp(values - row_max[:, None]) / row_sum[:, None]).to(out.dtype)
    return out


def check(m: int = 32, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device)
    expected = torch.softmax(x, dim=1)
    torch.testing.assert_close(softmax_two_pass(x), expected, rtol=1e-4, atol=1e-5)
    bound = softmax_two_pass.bind((x,))
    for config in (helion.Config(block_sizes=[4, 64]), helion.Config(block_sizes=[8, 512])):
        torch.testing.assert_close(bound.compile_config(config)(x), expected, rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    check()
    print("softmax_two_pass: ok")
