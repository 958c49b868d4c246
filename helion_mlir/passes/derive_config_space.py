"""`derive-config-space`: read the search space off the IR into `cfg.space`.

Every tunable a kernel has appears as a `cfg.param` or a `#cfg.ref` attribute; this
pass lists each slot once, in config-key order, with the op that owns it, in a
`cfg.space` at the top of the module (replacing any previous one). Nothing else
defines the space: a choice that is not in the IR is not in the space.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import VerifyException

from helion_mlir.dialects import cfg
from helion_mlir.passes.ir_utils import describe_owner, erase

# The order Helion's Config lists its keys in; unknown keys (user tunables) go last.
KEY_ORDER = (
    "block_sizes",
    "loop_orders",
    "flatten_loops",
    "l2_groupings",
    "reduction_loops",
    "range_unroll_factors",
    "range_num_stages",
    "range_multi_buffers",
    "range_flattens",
    "range_warp_specializes",
    "static_ranges",
    "num_warps",
    "num_stages",
    "indexing",
    "atomic_indexing",
    "load_eviction_policies",
    "pid_type",
    "num_sm_multiplier",
    "maxnreg",
)


def slot_order(ref: cfg.RefAttr) -> tuple[int, str, int]:
    key, index = ref.slot
    rank = KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)
    return rank, key, -1 if index is None else index


def _owner(param: cfg.ParamOp) -> str:
    users = [u.operation for u in param.result.uses]
    if not users:
        return "unused"
    user = min(users, key=lambda u: u.name)
    return describe_owner(user)


def collect_slots(module: ModuleOp) -> list[tuple[cfg.RefAttr, str]]:
    """Every slot used in `module`, once, with its owner, in config-key order."""
    found: dict[tuple[str, int | None], tuple[cfg.RefAttr, str]] = {}
    for op in module.walk():
        if isinstance(op, cfg.SpaceOp | cfg.SlotOp):
            continue
        refs: list[tuple[cfg.RefAttr, str]] = []
        if isinstance(op, cfg.ParamOp):
            refs.append((op.slot, _owner(op)))
        for attr in (*op.properties.values(), *op.attributes.values()):
            if isinstance(attr, cfg.RefAttr):
                refs.append((attr, describe_owner(op)))
        for ref, owner in refs:
            seen = found.get(ref.slot)
            if seen is not None and seen[0] != ref:
                raise VerifyException(
                    f"config slot {ref.slot_name()} is declared twice, differently: "
                    f"{seen[0]} and {ref}"
                )
            found.setdefault(ref.slot, (ref, owner))
    return sorted(found.values(), key=lambda item: slot_order(item[0]))


@dataclass(frozen=True)
class DeriveConfigSpacePass(ModulePass):
    """Collects every `cfg.param`/`#cfg.ref` slot of the module into one `cfg.space`."""

    name = "derive-config-space"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for old in [o for o in op.ops if isinstance(o, cfg.SpaceOp)]:
            erase(old)
        space = cfg.SpaceOp([cfg.SlotOp(ref, owner) for ref, owner in collect_slots(op)])
        block = op.body.block
        if block.first_op is None:
            block.add_op(space)
        else:
            block.insert_op_before(space, block.first_op)
