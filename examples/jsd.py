"""Generalized Jensen-Shannon divergence between a student's and a teacher's
log-probabilities (mixture weight `beta`), with the gradient for the student's
input, in one sweep over vocabulary tiles."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def jsd(log_q: torch.Tensor, log_p: torch.Tensor, beta: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    bt, v = log_q.size()
    loss = torch.empty([bt], dtype=torch.float32, device=log_q.device)
    grad = torch.empty_like(log_q)
    block_v = hl.register_block_size(v)
    for tile_bt in hl.tile(bt):
        acc = hl.zeros([tile_bt, block_v], dtype=torch.float32)
        for tile_v in hl.tile(v, block_size=block_v):
            x = log_q[tile_bt, tile_v].to(torch.float32)
            y = log_p[tile_bt, tile_v].to(torch.float32)
            q = torch.exp(x)
            p = torch.exp(y)
            log_m = torch.log(beta * p + (1 - beta) * q)
            acc += beta * p * (y - log_m) + (1 - beta) * q * (x - log_m)
            grad[tile_bt, tile_v] = ((1 - beta) * q * (x - log_m) / bt).to(grad.dtype)
        loss[tile_bt] = acc.sum(-1)
    return loss.sum() / bt, grad


def reference(log_q: torch.Tensor, log_p: torch.Tensor, beta: float = 0.5) -> torch.Tensor:
    q, p = log_q.exp(), log_p.exp()
    log_m = torch.log(beta * p + (1 - beta) * q)
    per_elem = beta * p * (log_p - log_m) + (1 - beta) * q * (log_q - log_m)
    return per_elem.sum() / log_q.size(0)


def check(bt: int = 16, v: int = 300, device: str = "cpu") -> None:
    log_q = torch.randn(bt, v, device=device).log_softmax(-1).requires_grad_()
    log_p = torch.randn(bt, v, device=device).log_softmax(-1)
    expected = reference(log_q, log_p, 0.3)
    (expected_grad,) = torch.autograd.grad(expected, log_q)
    args = (log_q.detach(), log_p, 0.3)
    bound = jsd.bind(args)
    for config in (helion.Config(block_sizes=[64, 4]), helion.Config(block_sizes=[256, 8])):
        loss, grad = bound.compile_config(config)(*args)
        torch.testing.assert_close(loss, expected.detach(), rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(grad, expected_grad, rtol=1e-4, atol=1e-6)


if __name__ == "__main__":
    check()
    print("jsd: ok")
