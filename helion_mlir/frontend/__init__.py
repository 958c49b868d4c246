"""The frontend: from a kernel function and example arguments to `tile` IR."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xdsl.dialects.builtin import ModuleOp

from helion_mlir.frontend.device import DeviceCompiler
from helion_mlir.frontend.guards import Guards
from helion_mlir.frontend.host import HostProgram
from helion_mlir.frontend.source import KernelSource
from helion_mlir.language import HOST_TUNABLES, HostTunables, Tunable


@dataclass
class Frontend:
    """A kernel specialization as the frontend leaves it."""

    module: ModuleOp
    host: HostProgram
    sources: list[str]
    guards: Guards
    block_size_vars: int  # how many block sizes the host code registers
    # the tunables host arithmetic read, and the values it read (this module's)
    host_tunables: dict[str, Tunable] = field(default_factory=dict)
    host_values: dict[str, Any] = field(default_factory=dict)


def build(
    src: KernelSource, args: Sequence[Any], tunables: Mapping[str, Any] | None = None
) -> Frontend:
    """Read the kernel `src` for `args` (whose shapes and dtypes it specializes on), with
    host arithmetic on tunables reading `tunables` (the defaults where absent)."""
    state = HostTunables(dict(tunables or {}))
    token = HOST_TUNABLES.set(state)
    try:
        frontend = _build(src, args)
    finally:
        HOST_TUNABLES.reset(token)
    frontend.host_tunables = state.read
    frontend.host_values = {name: state.values[name] for name in state.read}
    return frontend


def _build(src: KernelSource, args: Sequence[Any]) -> Frontend:
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
