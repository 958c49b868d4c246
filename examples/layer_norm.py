"""Layer normalization over the last dim, with weight and bias, in float32."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def layer_norm(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5
) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, n], dtype=x.dtype, device=x.device)
    for tile_m in hl.tile(m):
        acc = x[tile_m, :].to(torch.float32)
        mean = torch.sum(acc, dim=-1) / n
        centered = acc - mean[:, None]
        var = torch.sum(centered * centered, dim=-1) / n
        normalized = centered * torch.rsqrt(var + eps)[:, None]
        acc = normalized * weight[:].to(torch.float32) + bias[:].to(torch.float32)
        out[tile_m, :] = acc.to(x.dtype)
    return out


def check(m: int = 33, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device)
    w, b = torch.randn(n, device=device), torch.randn(n, device=device)
    expected = torch.nn.functional.layer_norm(x, [n], w, b, eps=1e-5)
    torch.testing.assert_close(layer_norm(x, w, b), expected, rtol=1e-4, atol=1e-4)
    bound = layer_norm.bind((x, w, b, 1e-5))
    for config in ({"reduction_loops": [None]}, {"reduction_loops": [64], "block_sizes": [4]}):
        torch.testing.assert_close(bound.compile_config(config)(x, w, b, 1e-5), expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("layer_norm: ok")
