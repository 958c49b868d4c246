"""The `triton` target: Python source for a module, binding a config first if needed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target

from helion_mlir import exc
from helion_mlir.backends.emit import emit
from helion_mlir.dialects import tile


@dataclass(frozen=True)
class TritonTarget(Target):
    """Emits `@triton.jit` kernels and launchers (Gluon's, for a loop bound to Hopper's
    warp-specialized schedule).

    A module still at a config-free stage (tile, loop or mem) is first lowered to mem,
    then bound to `config` (JSON; the default config when empty) and lowered to triton,
    for `device` (`cpu` or `cuda:<capability>:<sms>`).
    """

    name = "triton"

    config: str = ""
    device: str = "cpu"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from helion_mlir.passes import pipelines
        from helion_mlir.tuner.config_spec import ConfigSpec

        if any(isinstance(op, tile.KernelOp) for op in module.ops):
            module = module.clone()
            pipelines.lower_to_mem(module, self.device)
            try:
                given = json.loads(self.config) if self.config else {}
            except json.JSONDecodeError as e:
                raise exc.InvalidConfig(f"the config is not valid JSON: {e}") from None
            if not isinstance(given, dict):
                raise exc.InvalidConfig("the config must be a JSON object")
            module = pipelines.bind(module, ConfigSpec.from_module(module).normalize(given))
        output.write(emit(module))
