"""Embedding lookup: row `idx[i]` of the table for every index, any index shape."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def embedding(idx: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    idx_flat = idx.reshape(-1)
    _, dim = weight.size()
    out = torch.empty([idx_flat.size(0), dim], dtype=weight.dtype, device=weight.device)
    for tile_i, tile_d in hl.tile([idx_flat.size(0), dim]):
        out[tile_i, tile_d] = weight[idx_flat[tile_i], tile_d]
    return out.view(*idx.size(), dim)


def check(device: str = "cpu") -> None:
    weight = torch.randn(50, 24, device=device)
    idx = torch.randint(0, 50, (3, 17), device=device)
    expected = torch.nn.functional.embedding(idx, weight)
    torch.testing.assert_close(embedding(idx, weight), expected)
    bound = embedding.bind((idx, weight))
    for config in (helion.Config(block_sizes=[8, 8]), helion.Config(block_sizes=[32, 16])):
        torch.testing.assert_close(bound.compile_config(config)(idx, weight), expected)


if __name__ == "__main__":
    check()
    print("embedding: ok")
