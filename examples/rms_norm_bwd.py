"""RMSNorm backward: the input gradient row by row, and the weight gradient summed over
a block of rows in registers, one float partial per row block (added up on the host)."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def rms_norm_bwd(
    grad_out: torch.Tensor, x: torch.Tensor, weight: torch.Tensor, inv_rms: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    m, n = x.size()
    grad_x = torch.empty_like(x)
    block_m = hl.register_block_size(m)
    grad_w_partial = torch.empty([helion.cdiv(m, block_m), n], dtype=torch.float32, device=x.device)
    for tile_block in hl.tile(m, block_size=block_m):
        grad_w = torch.zeros([n], dtype=torch.float32, device=x.device)
        for tile_m in hl.tile(tile_block.begin, tile_block.end):
            row = x[tile_m, :].to(torch.float32)
            g = grad_out[tile_m, :].to(torch.float32)
            inv = inv_rms[tile_m]
            x_hat = row * inv[:, None]
            wg = g * weight[:].to(torch.float32)
            proj = torch.sum(x_hat * wg, dim=-1) / n
            grad_x[tile_m, :] = ((wg - x_hat * proj[:, None]) * inv[:, None]).to(grad_x.dtype)
            grad_w = grad_w + torch.sum(g * x_hat, dim=0)
        grad_w_partial[tile_block.id, :] = grad_w
    return grad_x, grad_w_partial.sum(0).to(weight.dtype)


def check(m: int = 30, n: int = 300, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device, requires_grad=True)
    w = torch.randn(n, device=device, requires_grad=True)
    y = torch.nn.functional.rms_norm(x, [n], w, 1e-5)
    grad = torch.randn_like(y)
    dx, dw = torch.autograd.grad(y, (x, w), grad)
    inv = torch.rsqrt(x.detach().pow(2).mean(-1) + 1e-5)
    args = (grad, x.detach(), w.detach(), inv)
    bound = rms_norm_bwd.bind(args)
    # a last row block shorter than the others, and an inner tile running past its end
    for config in (
        helion.Config(block_sizes=[8, 4]),
        helion.Config(block_sizes=[16, 1], pid_type="persistent_interleaved"),
        helion.Config(block_sizes=[1, 2]),
    ):
        got_dx, got_dw = bound.compile_config(config)(*args)
        torch.testing.assert_close(got_dx, dx, rtol=1e-4, atol=1e-4)
        torch.testing.assert_close(got_dw, dw, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("rms_norm_bwd: ok")
