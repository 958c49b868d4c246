"""Mean cross-entropy loss of logits against integer labels: per row the
log-sum-exp of the logits minus the logit of the label (read by a flat-index load)."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    n, v = logits.size()
    losses = torch.empty([n], dtype=torch.float32, device=logits.device)
    logits_flat = logits.view(-1)
    for tile_n in hl.tile(n):
        target = labels[tile_n]
        target_logit = hl.load(logits_flat, [tile_n.index * v + target]).to(torch.float32)
        rows = logits[tile_n, :].to(torch.float32)
        row_max = torch.amax(rows, dim=-1)
        lse = row_max + torch.log(torch.sum(torch.exp(rows - row_max[:, None]), dim=-1))
        losses[tile_n] = lse - target_logit
    return losses.mean()


def check(n: int = 32, v: int = 300, device: str = "cpu") -> None:
    logits = torch.randn(n, v, device=device)
    labels = torch.randint(0, v, (n,), device=device)
    expected = torch.nn.functional.cross_entropy(logits, labels)
    torch.testing.assert_close(cross_entropy(logits, labels), expected, rtol=1e-4, atol=1e-4)
    bound = cross_entropy.bind((logits, labels))
    for config in (helion.Config(block_sizes=[8], reduction_loops=[None]), helion.Config(block_sizes=[4], reduction_loops=[64])):
        torch.testing.assert_close(bound.compile_config(config)(logits, labels), expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    check()
    print("cross_entropy: ok")
