"""`bind-config`: fix one point of the search space in the IR.

The config (JSON) is checked against the module's space and normalized; every
`cfg.param` becomes an `arith.constant` of its value (a `reduction_loops` of `None`
becomes the padded extent, a single chunk) and every `#cfg.ref` attribute becomes the
value itself. The `cfg.space` is dropped: the result describes one kernel, not a family.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from helion_mlir import exc
from helion_mlir.dialects import cfg
from helion_mlir.passes.ir_utils import erase, index_constant
from helion_mlir.tuner.config_spec import ConfigSpec


def _param_value(slot: cfg.RefAttr, value: cfg.ConfigValue) -> int:
    if isinstance(slot.domain, cfg.ChunkAttr):
        return slot.domain.size(value)  # type: ignore[arg-type]
    assert isinstance(value, int), f"{slot.slot_name()} holds {value!r}"
    return int(value)  # a bool tunable reads as 0 or 1


def bind_module(module: ModuleOp, values: Mapping[str, cfg.ConfigValue]) -> None:
    """Replace every slot in `module` by its value in the normalized config `values`."""

    def lookup(ref: cfg.RefAttr) -> cfg.ConfigValue:
        key, index = ref.slot
        v = values[key]
        return v[index] if index is not None else v  # type: ignore[index]

    for op in list(module.walk()):
        if isinstance(op, cfg.SpaceOp):
            erase(op)
        elif isinstance(op, cfg.ParamOp):
            const = index_constant(_param_value(op.slot, lookup(op.slot)))
            const.result.name_hint = op.result.name_hint
            block = op.parent_block()
            assert block is not None
            block.insert_op_before(const, op)
            op.result.replace_all_uses_with(const.result)
            erase(op)
        else:
            for table in (op.properties, op.attributes):
                for name, attr in list(table.items()):
                    if isinstance(attr, cfg.RefAttr):
                        table[name] = cfg.value_attr(lookup(attr))


@dataclass(frozen=True)
class BindConfigPass(ModulePass):
    """Replaces every config slot with its value in `config` (JSON; missing keys default)."""

    name = "bind-config"

    config: str = "{}"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        try:
            given = json.loads(self.config)
        except json.JSONDecodeError as e:
            raise exc.InvalidConfig(f"bind-config: config is not JSON: {e}") from None
        if not isinstance(given, dict):
            raise exc.InvalidConfig("bind-config: config must be a JSON object")
        bind_module(op, ConfigSpec.from_module(op).normalize(given))
