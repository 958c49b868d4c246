"""The `mem` dialect: tile loads and stores with explicit addressing.

A `mem` access names its tensor, the handle or scalar index of every dim, and the
stride of every dim as SSA values, so that after binding each access can be emitted
as pointer arithmetic (the handles give offsets, index vectors and masks) or, where
legal, as a block pointer or tensor descriptor. `mem_id` is stable across rewrites:
clones of one access made by reduction rolling keep its id, so per-access config
slots mean the same access whatever the config.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import IndexType, IntegerAttr, MemRefType, StringAttr, TensorType, i64
from xdsl.ir import Attribute, Dialect, Operation, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import MemoryReadEffect, MemoryWriteEffect
from xdsl.utils.exceptions import VerifyException

from helion_mlir.dialects import tile
from helion_mlir.dialects.tile import (
    AtomicKindAttr,
    verify_expected,
    verify_mask,
    verify_subscript,
)


def _verify_strides(op: Operation, source: SSAValue, strides: Sequence[SSAValue]) -> None:
    assert isinstance(source.type, MemRefType)
    if len(strides) != source.type.get_num_dims():
        raise VerifyException(f"{op.name} needs one stride per memref dim")


@irdl_op_definition
class LoadOp(IRDLOperation):
    """Reads the tile of `source` at `indices`, dim `d` being `strides[d]` elements apart;
    lanes where `mask` (if given) is false read zero."""

    name = "mem.load"

    source = operand_def(MemRefType)
    indices = var_operand_def()
    strides = var_operand_def(IndexType)
    mask = opt_operand_def(TensorType)
    mem_id = prop_def(IntegerAttr[i64])
    # config slots (values once bound): the indexing form and the eviction policy
    indexing = opt_prop_def(Attribute)
    eviction_policy = opt_prop_def(Attribute)
    result = result_def(TensorType)

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$source `[` $indices `]` `strides` `(` $strides `)` (`mask` $mask^)? attr-dict `:` "
        "type($source) `[` type($indices) `]` (`mask` type($mask)^)? `->` type($result)"
    )

    traits = traits_def(MemoryReadEffect())

    def __init__(
        self,
        source: SSAValue,
        indices: Sequence[SSAValue],
        strides: Sequence[SSAValue],
        result_type: TensorType,
        mem_id: int,
        mask: SSAValue | None = None,
    ):
        super().__init__(
            operands=[source, indices, strides, [mask] if mask is not None else []],
            result_types=[result_type],
            properties={"mem_id": IntegerAttr(mem_id, i64)},
        )

    def verify_(self) -> None:
        verify_subscript(self, self.source, self.indices, self.result.type)
        verify_mask(self, self.mask, self.result.type)
        _verify_strides(self, self.source, self.strides)


@irdl_op_definition
class StoreOp(IRDLOperation):
    """Writes `value` to the tile of `dest` at `indices`, with explicit strides, where
    `mask` (if given) holds."""

    name = "mem.store"

    value = operand_def(TensorType)
    dest = operand_def(MemRefType)
    indices = var_operand_def()
    strides = var_operand_def(IndexType)
    mask = opt_operand_def(TensorType)
    mem_id = prop_def(IntegerAttr[i64])
    indexing = opt_prop_def(Attribute)

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$value `,` $dest `[` $indices `]` `strides` `(` $strides `)` (`mask` $mask^)? "
        "attr-dict `:` type($value) `,` type($dest) `[` type($indices) `]` "
        "(`mask` type($mask)^)?"
    )

    traits = traits_def(MemoryWriteEffect())

    def __init__(
        self,
        value: SSAValue,
        dest: SSAValue,
        indices: Sequence[SSAValue],
        strides: Sequence[SSAValue],
        mem_id: int,
        mask: SSAValue | None = None,
    ):
        super().__init__(
            operands=[value, dest, indices, strides, [mask] if mask is not None else []],
            properties={"mem_id": IntegerAttr(mem_id, i64)},
        )

    def verify_(self) -> None:
        verify_subscript(self, self.dest, self.indices, self.value.type)
        verify_mask(self, self.mask, self.value.type)
        _verify_strides(self, self.dest, self.strides)


@irdl_op_definition
class AtomicOp(IRDLOperation):
    """Atomically combines `value` into the tile of `dest` at `indices` (explicit
    strides) with `kind`, comparing with `expected` for `cas`; gives the values that
    were there before."""

    name = "mem.atomic"

    kind = prop_def(AtomicKindAttr)
    value = operand_def(TensorType)
    dest = operand_def(MemRefType)
    indices = var_operand_def()
    strides = var_operand_def(IndexType)
    expected = opt_operand_def(TensorType)
    mem_id = prop_def(IntegerAttr[i64])
    sem = prop_def(StringAttr)
    indexing = opt_prop_def(Attribute)  # the `atomic_indexing` slot
    result = result_def(TensorType)

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$kind $value `,` $dest `[` $indices `]` `strides` `(` $strides `)` "
        "(`expected` $expected^)? attr-dict `:` type($value) `,` type($dest) "
        "`[` type($indices) `]` (`expected` type($expected)^)? `->` type($result)"
    )

    traits = traits_def(MemoryReadEffect(), MemoryWriteEffect())

    def __init__(self, op: tile.AtomicOp, strides: Sequence[SSAValue]):
        expected = [op.expected] if op.expected is not None else []
        super().__init__(
            operands=[op.value, op.dest, op.indices, strides, expected],
            result_types=[op.result.type],
            properties={"kind": op.kind, "mem_id": op.mem_id, "sem": op.sem},
        )

    def verify_(self) -> None:
        verify_subscript(self, self.dest, self.indices, self.value.type)
        _verify_strides(self, self.dest, self.strides)
        verify_expected(self, self.kind, self.expected, self.value)


Mem = Dialect("mem", [LoadOp, StoreOp, AtomicOp], [])
