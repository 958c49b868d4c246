"""Elementwise exp forward, and its backward `grad_out * exp(x)`."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def exp_fwd(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tile in hl.tile(x.size()):
        out[tile] = torch.exp(x[tile])
    return out


@helion.kernel()
def exp_bwd(grad_out: torch.Tensor, exp_x: torch.Tensor) -> torch.Tensor:
    grad_in = torch.empty_like(exp_x)
    for tile in hl.tile(exp_x.size()):
        grad_in[tile] = grad_out[tile] * exp_x[tile]
    return grad_in


def check(n: int = 3000, device: str = "cpu") -> None:
    x = torch.randn(n, device=device)
    torch.testing.assert_close(exp_fwd(x), torch.exp(x))
    bound = exp_fwd.bind((x,))
    for config in (helion.Config(block_sizes=[128]), helion.Config(block_sizes=[1024])):
        torch.testing.assert_close(bound.compile_config(config)(x), torch.exp(x))
    x2 = torch.randn(30, 70, device=device, requires_grad=True)
    y = torch.exp(x2)
    grad = torch.randn_like(y)
    (expected,) = torch.autograd.grad(y, x2, grad)
    torch.testing.assert_close(exp_fwd(x2.detach()), y.detach())
    torch.testing.assert_close(exp_bwd(grad, y.detach()), expected)


if __name__ == "__main__":
    check()
    print("exp: ok")
