"""`materialize-addressing`: make the strides and the indexing choice of every access explicit.

`tile.load`/`tile.store` become `mem.load`/`mem.store`, which carry the stride of each
dim of the accessed tensor as an SSA value (a constant for static layouts). With the
handles' offsets, sizes and ends, that is all any indexing form needs after binding.
Each access also gets its config slots, numbered in stable `mem_id` (source) order:
`indexing[k]` for the k-th load or store (pointer, block pointer or tensor descriptor,
as the target offers), `load_eviction_policies[k]` for the k-th load without a policy
of its own, and `atomic_indexing[k]` for the k-th atomic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import IntAttr, MemRefType, ModuleOp, StridedLayoutAttr
from xdsl.ir import Block, SSAValue
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


@dataclass
class _StrideConstants:
    """The stride values of a memref, as index constants made once at kernel entry."""

    entry: Block
    cache: dict[int, SSAValue] = field(default_factory=dict)

    def __call__(self, source: SSAValue) -> list[SSAValue]:
        assert isinstance(source.type, MemRefType)
        values = []
        for s in memref_strides(source.type):
            if s not in self.cache:
                c = index_constant(s)
                c.result.name_hint = f"c{s}"
                self.entry.insert_op_before(c, self.entry.first_op)  # type: ignore[arg-type]
                self.cache[s] = c.result
            values.append(self.cache[s])
        return values


@dataclass(frozen=True)
class MaterializeAddressingPass(ModulePass):
    """Rewrites `tile.load`/`tile.store` into `mem.load`/`mem.store` with explicit strides
    and their indexing and eviction slots."""

    name = "materialize-addressing"

    target: str = "cpu"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        target = TargetInfo.parse(self.target)
        forms = cfg.EnumAttr(target.indexing_forms)
        atomic_forms = cfg.EnumAttr(target.atomic_indexing_forms)
        for kernel in kernels(op):
            accesses = [
                o
                for o in kernel.walk()
                if isinstance(o, tile.LoadOp | tile.StoreOp | tile.AtomicOp)
            ]
            # slot numbers: each access kind in mem_id (source) order; the clones that
            # reduction rolling made of one access share its mem_id and its slots
            ids = {
                kind: {
                    mem_id: k
                    for k, mem_id in enumerate(
                        sorted({a.mem_id.value.data for a in accesses if pick(a)})
                    )
                }
                for kind, pick in (
                    ("indexing", lambda a: not isinstance(a, tile.AtomicOp)),
                    ("load", lambda a: isinstance(a, tile.LoadOp) and a.eviction_policy is None),
                    ("atomic", lambda a: isinstance(a, tile.AtomicOp)),
                )
            }
            stride_values = _StrideConstants(kernel.body.block)

            for access in accesses:
                mem_id = access.mem_id.value.data
                if isinstance(access, tile.AtomicOp):
                    new = mem.AtomicOp(access, stride_values(access.dest))
                    new.properties["indexing"] = cfg.RefAttr(
                        "atomic_indexing", ids["atomic"][mem_id], atomic_forms, "pointer"
                    )
                elif isinstance(access, tile.LoadOp):
                    new = mem.LoadOp(
                        access.source,
                        access.indices,
                        stride_values(access.source),
                        access.result.type,  # type: ignore[arg-type]
                        mem_id,
                        access.mask,
                    )
                    if access.eviction_policy is not None:  # fixed by the kernel
                        new.properties["eviction_policy"] = access.eviction_policy
                    else:
                        new.properties["eviction_policy"] = cfg.RefAttr(
                            "load_eviction_policies", ids["load"][mem_id], EVICTION, ""
                        )
                else:
                    new = mem.StoreOp(
                        access.value,
                        access.dest,
                        access.indices,
                        stride_values(access.dest),
                        mem_id,
                        access.mask,
                    )
                if not isinstance(access, tile.AtomicOp):
                    new.properties["indexing"] = cfg.RefAttr(
                        "indexing", ids["indexing"][mem_id], forms, "pointer"
                    )
                new.location = access.location
                for a, b in zip(access.results, new.results):
                    b.name_hint = a.name_hint
                block = access.parent_block()
                assert block is not None
                block.insert_op_before(new, access)
                for a, b in zip(access.results, new.results):
                    a.replace_all_uses_with(b)
                erase(access)
