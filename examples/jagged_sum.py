"""Sum over the rows of each segment of a jagged tensor, with `hl.jagged_tile`: the
inner loop runs as far as the longest segment of the tile, each lane only as far as
its own segment."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def jagged_sum(x_values: torch.Tensor, x_offsets: torch.Tensor) -> torch.Tensor:
    num_segments = x_offsets.size(0) - 1
    m = x_values.size(1)
    out = torch.empty([num_segments, m], dtype=x_values.dtype, device=x_values.device)
    for tile_b in hl.tile(num_segments):
        starts = x_offsets[tile_b]
        lengths = x_offsets[tile_b.index + 1] - starts
        for tile_m in hl.tile(m):
            acc = hl.zeros([tile_b, tile_m], dtype=torch.float32)
            for tile_k in hl.jagged_tile(lengths):
                rows = starts[:, None] + tile_k.index[None, :]
                acc = acc + x_values[rows, tile_m].to(torch.float32).sum(dim=1)
            out[tile_b, tile_m] = acc.to(out.dtype)
    return out


def check(device: str = "cpu") -> None:
    lengths = torch.tensor([3, 0, 7, 1, 5, 2, 9, 4, 0, 6])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)]).to(device)
    x_values = torch.randn(int(offsets[-1]), 20, device=device)
    expected = torch.stack([x_values[offsets[b] : offsets[b + 1]].sum(0) for b in range(lengths.numel())])
    torch.testing.assert_close(jagged_sum(x_values, offsets), expected, rtol=1e-5, atol=1e-5)
    bound = jagged_sum.bind((x_values, offsets))
    for config in (helion.Config(block_sizes=[4, 8, 4]), helion.Config(block_sizes=[16, 32, 8])):
        torch.testing.assert_close(bound.compile_config(config)(x_values, offsets), expected, rtol=1e-5, atol=1e-5)


if __name__ == "__main__":
    check()
    print("jagged_sum: ok")
