"""RMSNorm forward over the last dim: `x * rsqrt(mean(x^2) + eps) * weight`, also
returning the inverse RMS per row for the backward pass."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def rms_norm_fwd(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-5) -> tuple[torch.Tensor, torch.Tensor]:
    m, n = x.size()
    out = torch.empty_like(x)
    inv_rms = torch.empty([m], dtype=torch.float32, device=x.device)
    for tile_m in hl.tile(m):
        row = x[tile_m, :].to(torch.float32)
        inv = torch.rsqrt(torch.mean(row * row, dim=-1) + eps)
        out[tile_m, :] = (row * inv[:, None] * weight[:].to(torch.float32)).to(out.dtype)
        inv_rms[tile_m] = inv
    return out, inv_rms


def reference(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    return torch.nn.functional.rms_norm(x.float(), [x.size(-1)], weight.float(), eps).to(x.dtype)


def check(m: int = 32, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device)
    w = torch.randn(n, device=device)
    expected = reference(x, w)
    expected_inv = torch.rsqrt(x.pow(2).mean(-1) + 1e-5)
    out, inv = rms_norm_fwd(x, w)
    torch.testing.assert_close(out, expected, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(inv, expected_inv, rtol=1e-4, atol=1e-4)
    bound = rms_norm_fwd.bind((x, w, 1e-5))
    for config in (helion.Config(block_sizes=[8], reduction_loops=[None]), helion.Config(block_sizes=[2], reduction_loops=[64])):
        out, inv = bound.compile_config(config)(x, w, 1e-5)
        torch.testing.assert_close(out, expected, rtol=1e-4, atol=1e-4)
        torch.testing.assert_close(inv, expected_inv, rtol=1e-4, atol=1e-4)
    xh = torch.randn(16, 128, device=device, dtype=torch.float16)
    wh = torch.randn(128, device=device, dtype=torch.float16)
    torch.testing.assert_close(rms_norm_fwd(xh, wh)[0], reference(xh, wh), rtol=1e-2, atol=1e-2)


if __name__ == "__main__":
    check()
    print("rms_norm: ok")
