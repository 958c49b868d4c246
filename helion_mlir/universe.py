"""Exposes our dialects, passes and the `triton` target to plain `xdsl-opt`."""

from xdsl.universe import Universe

from helion_mlir.dialects import get_all_dialects
from helion_mlir.passes import get_all_passes


def _triton_target():
    from helion_mlir.backends.triton.target import TritonTarget

    return TritonTarget


HELION_UNIVERSE = Universe(
    all_dialects=get_all_dialects(),
    all_passes=get_all_passes(),
    all_targets={"triton": _triton_target},
)
