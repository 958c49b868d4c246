"""GEGLU: `gelu_tanh(a) * b` forward, and its backward for both inputs."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def geglu_fwd(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(a)
    for tile in hl.tile(a.size()):
        gate = a[tile].to(torch.float32)
        out[tile] = (torch.nn.functional.gelu(gate, approximate="tanh") * b[tile].to(torch.float32)).to(out.dtype)
    return out


@helion.kernel()
def geglu_bwd(grad_out: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    grad_a = torch.empty_like(a)
    grad_b = torch.empty_like(b)
    sqrt_2_over_pi = 0.7978845608028654
    for tile in hl.tile(a.size()):
        g = grad_out[tile].to(torch.float32)
        x = a[tile].to(torch.float32)
        y = b[tile].to(torch.float32)
        inner = sqrt_2_over_pi * (x + 0.044715 * x * x * x)
        t = torch.tanh(inner)
        gelu = 0.5 * x * (1.0 + t)
        d_inner = sqrt_2_over_pi * (1.0 + 3.0 * 0.044715 * x * x)
        d_gelu = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner
        grad_a[tile] = (g * y * d_gelu).to(grad_a.dtype)
        grad_b[tile] = (g * gelu).to(grad_b.dtype)
    return grad_a, grad_b


def check(m: int = 32, n: int = 100, device: str = "cpu") -> None:
    a = torch.randn(m, n, device=device, requires_grad=True)
    b = torch.randn(m, n, device=device, requires_grad=True)
    y = torch.nn.functional.gelu(a, approximate="tanh") * b
    grad = torch.randn_like(y)
    da, db = torch.autograd.grad(y, (a, b), grad)
    a, b = a.detach(), b.detach()
    bound = geglu_fwd.bind((a, b))
    for config in (helion.Config(block_sizes=[4, 32]), helion.Config(block_sizes=[16, 128])):
        torch.testing.assert_close(bound.compile_config(config)(a, b), y.detach(), rtol=1e-4, atol=1e-4)
    got_da, got_db = geglu_bwd(grad, a, b)
    torch.testing.assert_close(got_da, da, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(got_db, db, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("geglu: ok")
