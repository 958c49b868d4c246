"""Elementwise add with broadcasting: `x + y` where y broadcasts along the rows."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, n], dtype=torch.promote_types(x.dtype, y.dtype), device=x.device)
    for tm, tn in hl.tile([m, n]):
        out[tm, tn] = x[tm, tn] + y[tn]
    return out


def check(m: int = 100, n: int = 70, device: str = "cpu") -> None:
    x = torch.randn(m, n, device=device)
    y = torch.randn(n, device=device)
    torch.testing.assert_close(add(x, y), x + y)


if __name__ == "__main__":
    check()
    print("add: ok")
