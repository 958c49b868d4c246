"""SwiGLU: `silu(a) * b` forward, and its backward for both inputs."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def swiglu_fwd(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(a)
    for tile in hl.tile(a.size()):
        gate = a[tile].to(torch.float32)
        out[tile] = (torch.nn.functional.silu(gate) * b[tile].to(torch.float32)).to(out.dtype)
    return out


@helion.kernel()
def swiglu_bwd(grad_out: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    grad_a = torch.empty_like(a)
    grad_b = torch.empty_like(b)
    for tile in hl.tile(a.size()):
        g = grad_out[tile].to(torch.float32)
        x = a[tile].to(torch.float32)
        y = b[tile].to(torch.float32)
        sig = torch.sigmoid(x)
        silu = x * sig
        grad_a[tile] = (g * y * sig * (1.0 + x * (1.0 - sig))).to(grad_a.dtype)
        grad_b[tile] = (g * silu).to(grad_b.dtype)
    return grad_a, grad_b


def check(m: int = 32, n: int = 100, device: str = "cpu") -> None:
    a = torch.randn(m, n, device=device, requires_grad=True)
    b = torch.randn(m, n, device=device, requires_grad=True)
    y = torch.nn.functional.silu(a) * b
    grad = torch.randn_like(y)
    da, db = torch.autograd.grad(y, (a, b), grad)
    a, b = a.detach(), b.detach()
    bound = swiglu_fwd.bind((a, b))
    for config in (helion.Config(block_sizes=[4, 32]), helion.Config(block_sizes=[16, 128])):
        torch.testing.assert_close(bound.compile_config(config)(a, b), y.detach(), rtol=1e-4, atol=1e-4)
    got_da, got_db = swiglu_bwd(grad, a, b)
    torch.testing.assert_close(got_da, da, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(got_db, db, rtol=1e-4, atol=1e-4)
    ah, bh = a.half()[:8], b.half()[:8]
    torch.testing.assert_close(swiglu_fwd(ah, bh), (torch.nn.functional.silu(ah.float()) * bh.float()).half(), rtol=1e-2, atol=1e-2)


if __name__ == "__main__":
    check()
    print("swiglu: ok")
