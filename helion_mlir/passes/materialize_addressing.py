"""`materialize-addressing`: make the strides and the indexing choice of every access explicit.

`tile.load`/`tile.store` become `mem.load`/`mem.store`, which carry the stride of each
dim of the accessed tensor as an SSA value (a constant for static layouts). With the
handles' offsets, sizes and ends, that is all any indexing form needs after binding.
Each access also gets its config slots, keyed by its stable `mem_id`: `indexing[mem_id]`
(pointer, block pointer or tensor descriptor, as the target offers) and, for loads,
`load_eviction_policies[k]` (k-th load in `mem_id` order).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import IntAttr, MemRefType, ModuleOp, StridedLayoutAttr
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass

from helion_mlir import exc
from helion_mlir.dialects import cfg, mem, tile
from helion_mlir.passes.ir_utils import erase, index_constant, kernels
from helion_mlir.target import TargetInfo


def memref_strides(t: MemRefType) -> list[int]:
    """Element strides of each dim: the strided layout's, or row-major."""
    layout = t.layout
    if isinstance(layout, StridedLayoutAttr):
        strides = [s.data if isinstance(s, IntAttr) else None for s in layout.strides.data]
        offset = layout.offset
        if None in strides or not isinstance(offset, IntAttr) or offset.data != 0:
            raise exc.CompileError(
                f"{t}: only static strides and a zero offset are supported (pass the "
                "tensor's data pointer with its offset applied)"
            )
        return strides  # type: ignore[return-value]
    strides, acc = [], 1
    for size in reversed(t.get_shape()):
        strides.append(acc)
        acc *= size
    return strides[::-1]


EVICTION = cfg.EnumAttr(["", "first", "last"])


@dataclass(frozen=True)
class MaterializeAddressingPass(ModulePass):
    """Rewrites `tile.load`/`tile.store` into `mem.load`/`mem.store` with explicit strides
    and their indexing and eviction slots."""

    name = "materialize-addressing"

    target: str = "cpu"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        forms = cfg.EnumAttr(TargetInfo.parse(self.target).indexing_forms)
        for kernel in kernels(op):
            accesses = [o for o in kernel.walk() if isinstance(o, tile.LoadOp | tile.StoreOp)]
            load_ids = sorted({a.mem_id.value.data for a in accesses if isinstance(a, tile.LoadOp)})
            load_slot = {mem_id: k for k, mem_id in enumerate(load_ids)}
            entry = kernel.body.block
            cache: dict[int, SSAValue] = {}

            def stride_values(source: SSAValue) -> list[SSAValue]:
                assert isinstance(source.type, MemRefType)
                values = []
                for s in memref_strides(source.type):
                    if s not in cache:
                        c = index_constant(s)
                        c.result.name_hint = f"c{s}"
                        entry.insert_op_before(c, entry.first_op)  # type: ignore[arg-type]
                        cache[s] = c.result
                    values.append(cache[s])
                return values

            for access in accesses:
                if isinstance(access, tile.LoadOp):
                    new = mem.LoadOp(
                        access.source,
                        access.indices,
                        stride_values(access.source),
                        access.result.type,  # type: ignore[arg-type]
                        access.mem_id.value.data,
                    )
                    new.result.name_hint = access.result.name_hint
                    new.properties["eviction_policy"] = cfg.RefAttr(
                        "load_eviction_policies", load_slot[new.mem_id.value.data], EVICTION, ""
                    )
                else:
                    new = mem.StoreOp(
                        access.value,
                        access.dest,
                        access.indices,
                        stride_values(access.dest),
                        access.mem_id.value.data,
                    )
                new.properties["indexing"] = cfg.RefAttr(
                    "indexing", new.mem_id.value.data, forms, "pointer"
                )
                new.location = access.location
                block = access.parent_block()
                assert block is not None
                block.insert_op_before(new, access)
                for a, b in zip(access.results, new.results):
                    a.replace_all_uses_with(b)
                erase(access)
