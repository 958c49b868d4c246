"""The frontend: from a kernel function and example arguments to `tile` IR."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xdsl.dialects.builtin import ModuleOp

from helion_mlir.frontend.device import DeviceCompiler
from helion_mlir.frontend.guards import Guards
from helion_mlir.frontend.host import HostProgram
from helion_mlir.frontend.source import KernelSource


@dataclass
class Frontend:
    """A kernel specialization as the frontend leaves it."""

    module: ModuleOp
    host: HostProgram
    sources: list[str]
    guards: Guards
    block_size_vars: int  # how many block sizes the host code registers


def build(src: KernelSource, args: Sequence[Any]) -> Frontend:
    """Read the kernel `src` for `args` (whose shapes and dtypes it specializes on)."""
    host = HostProgram(src)
    host_values = host.run_prefix(args)
    runtime = host.runtime_scalars(args)
    device = DeviceCompiler(src, host, host_values, runtime)
    for name in host.globals_read():  # host code's constants reach the device as values
        device.guards.watch_global(src.globals, name)
    for name, value in src.closure().items():
        device.guards.watch_cell(src.fn, name, value)
    module = device.compile()
    return Frontend(module, host, device.sources, device.guards, len(device.block_vars))


__all__ = ["Frontend", "KernelSource", "build"]
