"""helion_mlir: PyTorch with tiles, compiled through MLIR-style dialects into Triton.

    import helion_mlir as helion
    import helion_mlir.language as hl

    @helion.kernel()
    def add(x, y):
        out = torch.empty_like(x)
        for tile in hl.tile(out.size()):
            out[tile] = x[tile] + y[tile]
        return out

Importing this package loads neither torch, xDSL nor triton; they load when a kernel
is first compiled.
"""

from helion_mlir import exc, language
from helion_mlir.runtime.config import Config
from helion_mlir.runtime.host_math import cdiv, next_power_of_2
from helion_mlir.runtime.kernel import BoundKernel, Kernel, jit, kernel
from helion_mlir.runtime.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "BoundKernel",
    "Config",
    "Kernel",
    "Settings",
    "cdiv",
    "exc",
    "jit",
    "kernel",
    "language",
    "next_power_of_2",
]
