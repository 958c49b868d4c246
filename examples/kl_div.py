"""KL-divergence loss `sum(target * (log target - input)) / batch` (PyTorch's
`kl_div` with reduction "batchmean"), the target given as probabilities or as
log-probabilities (`log_target`)."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def kl_div(y_pred: torch.Tensor, y_true: torch.Tensor, log_target: hl.constexpr = False, eps: float = 1e-10) -> torch.Tensor:
    bt, v = y_pred.size()
    loss = torch.empty([bt], dtype=torch.float32, device=y_pred.device)
    block_v = hl.register_block_size(v)
    for tile_bt in hl.tile(bt):
        acc = hl.zeros([tile_bt, block_v], dtype=torch.float32)
        for tile_v in hl.tile(v, block_size=block_v):
            pred = y_pred[tile_bt, tile_v].to(torch.float32)
            true = y_true[tile_bt, tile_v].to(torch.float32)
            if log_target:
                acc += torch.exp(true) * (true - pred)
            else:
                acc += true * (torch.log(torch.clamp(true, min=eps)) - pred)
        loss[tile_bt] = acc.sum(-1)
    return loss.sum() / bt


def check(bt: int = 16, v: int = 300, device: str = "cpu") -> None:
    y_pred = torch.randn(bt, v, device=device).log_softmax(-1)
    y_true = torch.randn(bt, v, device=device).softmax(-1)
    expected = torch.nn.functional.kl_div(y_pred, y_true, reduction="batchmean")
    torch.testing.assert_close(kl_div(y_pred, y_true), expected, rtol=1e-4, atol=1e-5)
    expected_log = torch.nn.functional.kl_div(y_pred, y_true.log(), reduction="batchmean", log_target=True)
    torch.testing.assert_close(kl_div(y_pred, y_true.log(), True), expected_log, rtol=1e-4, atol=1e-5)
    bound = kl_div.bind((y_pred, y_true))
    for config in (helion.Config(block_sizes=[64, 4]), helion.Config(block_sizes=[512, 16])):
        torch.testing.assert_close(bound.compile_config(config)(y_pred, y_true), expected, rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    check()
    print("kl_div: ok")
