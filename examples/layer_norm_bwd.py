"""LayerNorm backward: input gradient row by row; weight and bias gradients as one
partial sum per row block (added up on the host)."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def layer_norm_bwd(
    grad_out: torch.Tensor, x: torch.Tensor, mean: torch.Tensor, rstd: torch.Tensor, weight: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    m, n = x.size()
    grad_x = torch.empty_like(x)
    block_m = hl.register_block_size(m)
    num_blocks = helion.cdiv(m, block_m)
    grad_w_partial = torch.empty([num_blocks, n], dtype=torch.float32, device=x.device)
    grad_b_partial = torch.empty([num_blocks, n], dtype=torch.float32, device=x.device)
    for tile_m in hl.tile(m, block_size=block_m):
        row = x[tile_m, :].to(torch.float32)
        g = grad_out[tile_m, :].to(torch.float32)
        r = rstd[tile_m]
        x_hat = (row - mean[tile_m][:, None]) * r[:, None]
        wg = g * weight[:].to(torch.float32)
        c1 = torch.sum(x_hat * wg, dim=-1) / n
        c2 = torch.sum(wg, dim=-1) / n
        grad_x[tile_m, :] = ((wg - (x_hat * c1[:, None] + c2[:, None])) * r[:, None]).to(grad_x.dtype)
        grad_w_partial[tile_m.id, :] = torch.sum(g * x_hat, dim=0)
        grad_b_partial[tile_m.id, :] = torch.sum(g, dim=0)
    return grad_x, grad_w_partial.sum(0).to(weight.dtype), grad_b_partial.sum(0).to(weight.dtype)


def check(m: int = 32, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device, requires_grad=True)
    w = torch.randn(n, device=device, requires_grad=True)
    b = torch.randn(n, device=device, requires_grad=True)
    y = torch.nn.functional.layer_norm(x, [n], w, b, eps=1e-5)
    grad = torch.randn_like(y)
    dx, dw, db = torch.autograd.grad(y, (x, w, b), grad)
    xd = x.detach()
    mean = xd.mean(-1)
    rstd = torch.rsqrt(xd.var(-1, unbiased=False) + 1e-5)
    args = (grad, xd, mean, rstd, w.detach())
    bound = layer_norm_bwd.bind(args)
    for config in (helion.Config(block_sizes=[8], reduction_loops=[None]), helion.Config(block_sizes=[4], reduction_loops=[64])):
        got = bound.compile_config(config)(*args)
        for g, e in zip(got, (dx, dw, db), strict=True):
            torch.testing.assert_close(g, e, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("layer_norm_bwd: ok")
