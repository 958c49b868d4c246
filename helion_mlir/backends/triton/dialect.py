"""The `triton` emission dialect: one op per `triton.language` call, every value concrete.

This is the only level where a config is fully applied: block sizes are in the tensor
types, launch options are attributes. Elementwise math stays `arith`/`math`; the
emitter prints those as Python operators or `tl.*` calls. Scalars are `index` (Triton
int32 scalars), index vectors are `tensor<Nxi32>`, and tensor arguments are pointers.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    DenseArrayBase,
    FloatAttr,
    FunctionType,
    IndexType,
    IntAttr,
    IntegerAttr,
    NoneAttr,
    StringAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.dialects.utils import parse_func_op_like, print_func_op_like
from xdsl.ir import (
    Attribute,
    Block,
    Dialect,
    ParametrizedAttribute,
    Region,
    SSAValue,
    TypeAttribute,
)
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    ParsePropInAttrDict,
    base,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    MemoryReadEffect,
    MemoryWriteEffect,
    NoTerminator,
    Pure,
    RecursiveMemoryEffect,
    SingleBlockImplicitTerminator,
    SymbolOpInterface,
)
from xdsl.utils.exceptions import VerifyException

from helion_mlir.dialects.syntax import SerialLoopBase
from helion_mlir.dialects.tile import (
    ArgReduceBase,
    AtomicKindAttr,
    CastBase,
    CmpBase,
    CombineBase,
    DotBase,
    FlipBase,
    GatherBase,
    IfBase,
    JoinBase,
    PermuteBase,
    RandBase,
    ReduceKindAttr,
    ScanBase,
    ShapeOpBase,
    SortBase,
    SplitBase,
    TopkBase,
    WhereBase,
    WhileBase,
    element_type_of,
    element_width,
    verify_expected,
)


@irdl_attr_definition
class PointerType(ParametrizedAttribute, TypeAttribute):
    """`!triton.ptr<f32>`: a pointer to global memory holding `pointee` elements."""

    name = "triton.ptr"

    pointee: Attribute

    def __init__(self, pointee: Attribute):
        super().__init__(pointee)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (parser.parse_type(),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_attribute(self.pointee)


def _concrete(t: Attribute, what: str) -> None:
    if isinstance(t, TensorType) and (DYNAMIC_INDEX in t.get_shape() or t.encoding != NoneAttr()):
        raise VerifyException(f"{what}: triton tensors have concrete shapes, got {t}")


@irdl_op_definition
class KernelOp(IRDLOperation):
    """A `@triton.jit` function."""

    name = "triton.kernel"

    sym_name = prop_def(StringAttr)
    function_type = prop_def(FunctionType)
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), NoTerminator(), SymbolOpInterface())

    def __init__(self, name: str, arg_types: Sequence[Attribute], body: Region | None = None):
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "function_type": FunctionType.from_lists(arg_types, []),
            },
            regions=[body if body is not None else Region(Block(arg_types=arg_types))],
        )

    def print(self, printer: Printer) -> None:
        print_func_op_like(
            printer,
            self.sym_name,
            self.function_type,
            self.body,
            self.attributes,
            reserved_attr_names=("sym_name", "function_type"),
            print_empty_outputs=False,
        )

    @classmethod
    def parse(cls, parser: Parser) -> KernelOp:
        start = parser.pos
        name, arg_types, _, body, extra, _, _ = parse_func_op_like(
            parser, reserved_attr_names=("sym_name", "function_type")
        )
        if body is None or not body.blocks:
            parser.raise_error("triton.kernel needs a body", start, parser.pos)
        op = cls(name, arg_types, body)
        if extra is not None:
            op.attributes |= extra.data
        return op


@irdl_op_definition
class LauncherOp(IRDLOperation):
    """The host side of a launch: `kernel[grid](args, num_warps=..., num_stages=...)`.

    `grid` holds Python expressions over the launcher's parameters, which are the
    kernel's; `sources` says which host expression feeds each parameter.
    """

    name = "triton.launcher"

    sym_name = prop_def(StringAttr)
    kernel = prop_def(StringAttr)
    grid = prop_def(ArrayAttr[StringAttr])
    sources = prop_def(ArrayAttr[StringAttr])
    num_warps = prop_def(IntAttr)
    num_stages = prop_def(IntAttr)
    maxnreg = opt_prop_def(IntAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$sym_name `launches` $kernel attr-dict"

    def __init__(
        self,
        name: str,
        kernel: str,
        grid: Sequence[str],
        sources: Sequence[str],
        num_warps: int,
        num_stages: int,
    ):
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "kernel": StringAttr(kernel),
                "grid": ArrayAttr(StringAttr(g) for g in grid),
                "sources": ArrayAttr(StringAttr(s) for s in sources),
                "num_warps": IntAttr(num_warps),
                "num_stages": IntAttr(num_stages),
            }
        )


@irdl_op_definition
class EntryOp(IRDLOperation):
    """The host entry of a kernel of several launches: a function of all the kernel's
    `params` that calls each launcher in `calls`, in order, with the params whose
    indices `call_args` lists."""

    name = "triton.entry"

    sym_name = prop_def(StringAttr)
    params = prop_def(ArrayAttr[StringAttr])
    calls = prop_def(ArrayAttr[StringAttr])
    call_args = prop_def(ArrayAttr[DenseArrayBase])

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$sym_name attr-dict"

    def __init__(
        self,
        name: str,
        params: Sequence[str],
        calls: Sequence[str],
        call_args: Sequence[Sequence[int]],
    ):
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "params": ArrayAttr(StringAttr(p) for p in params),
                "calls": ArrayAttr(StringAttr(c) for c in calls),
                "call_args": ArrayAttr(DenseArrayBase.from_list(i64, a) for a in call_args),
            }
        )

    def verify_(self) -> None:
        n = len(self.params)
        if len(self.calls) != len(self.call_args):
            raise VerifyException("triton.entry needs one argument list per call")
        if any(not 0 <= i < n for a in self.call_args for i in a.get_values()):
            raise VerifyException("triton.entry call arguments index its params")


@irdl_op_definition
class ProgramIdOp(IRDLOperation):
    """`tl.program_id(axis)`."""

    name = "triton.program_id"

    axis = prop_def(IntAttr)
    result = result_def(IndexType)

    assembly_format = "$axis attr-dict"

    traits = traits_def(Pure())

    def __init__(self, axis: int):
        super().__init__(properties={"axis": IntAttr(axis)}, result_types=[IndexType()])


@irdl_op_definition
class NumProgramsOp(IRDLOperation):
    """`tl.num_programs(axis)`."""

    name = "triton.num_programs"

    axis = prop_def(IntAttr)
    result = result_def(IndexType)

    assembly_format = "$axis attr-dict"

    traits = traits_def(Pure())

    def __init__(self, axis: int):
        super().__init__(properties={"axis": IntAttr(axis)}, result_types=[IndexType()])


@irdl_op_definition
class ArangeOp(IRDLOperation):
    """`tl.arange(0, n)` where `n` is the result's length."""

    name = "triton.arange"

    result = result_def(TensorType)

    assembly_format = "attr-dict `:` type($result)"

    traits = traits_def(Pure())

    def __init__(self, result_type: TensorType):
        super().__init__(result_types=[result_type])

    def verify_(self) -> None:
        _concrete(self.result.type, self.name)
        if len(self.result.type.get_shape()) != 1:
            raise VerifyException("triton.arange is one-dimensional")


@irdl_op_definition
class SplatOp(ShapeOpBase):
    """A scalar as a tensor of the result's shape (Triton broadcasts scalars implicitly)."""

    name = "triton.splat"


@irdl_op_definition
class BroadcastOp(ShapeOpBase):
    """`tl.broadcast_to(x, shape)`."""

    name = "triton.broadcast_to"


@irdl_op_definition
class ReshapeOp(ShapeOpBase):
    """`x[:, None]`-style indexing when only size-1 dims change, else `tl.reshape`."""

    name = "triton.reshape"


@irdl_op_definition
class FullOp(IRDLOperation):
    """`tl.full(shape, value, dtype)`."""

    name = "triton.full"

    value = prop_def(base(FloatAttr) | base(IntegerAttr))
    result = result_def(TensorType)

    assembly_format = "$value attr-dict `:` type($result)"

    traits = traits_def(Pure())

    def __init__(self, value: FloatAttr | IntegerAttr, result_type: TensorType):
        super().__init__(properties={"value": value}, result_types=[result_type])


@irdl_op_definition
class LoadOp(IRDLOperation):
    """`tl.load(base + offsets, mask, other=0)`."""

    name = "triton.load"

    base = operand_def(PointerType)
    offsets = operand_def()
    mask = opt_operand_def(TensorType)
    eviction_policy = opt_prop_def(StringAttr)
    result = result_def()

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$base `[` $offsets `]` (`mask` $mask^)? attr-dict `:` type($base) `[` "
        "type($offsets) `]` (`mask` type($mask)^)? `->` type($result)"
    )

    traits = traits_def(MemoryReadEffect())

    def __init__(
        self,
        base: SSAValue,
        offsets: SSAValue,
        mask: SSAValue | None,
        result_type: Attribute,
    ):
        super().__init__(
            operands=[base, offsets, [mask] if mask is not None else []],
            result_types=[result_type],
        )


@irdl_op_definition
class StoreOp(IRDLOperation):
    """`tl.store(base + offsets, value, mask)`."""

    name = "triton.store"

    base = operand_def(PointerType)
    offsets = operand_def()
    value = operand_def()
    mask = opt_operand_def(TensorType)

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$value `,` $base `[` $offsets `]` (`mask` $mask^)? attr-dict `:` type($value) "
        "`,` type($base) `[` type($offsets) `]` (`mask` type($mask)^)?"
    )

    traits = traits_def(MemoryWriteEffect())

    def __init__(self, base: SSAValue, offsets: SSAValue, value: SSAValue, mask: SSAValue | None):
        super().__init__(operands=[base, offsets, value, [mask] if mask is not None else []])


@irdl_op_definition
class AtomicOp(IRDLOperation):
    """`tl.atomic_<kind>(base + offsets, value, mask, sem=sem)`, or for `cas`
    `tl.atomic_cas(base + offsets, cmp, value, sem=sem)` (which takes no mask): the
    values before."""

    name = "triton.atomic"

    kind = prop_def(AtomicKindAttr)
    base = operand_def(PointerType)
    offsets = operand_def()
    value = operand_def()
    cmp = opt_operand_def()
    mask = opt_operand_def(TensorType)
    sem = prop_def(StringAttr)
    result = result_def()

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$kind $value `,` $base `[` $offsets `]` (`cmp` $cmp^)? (`mask` $mask^)? attr-dict `:` "
        "type($value) `,` type($base) `[` type($offsets) `]` (`cmp` type($cmp)^)? "
        "(`mask` type($mask)^)? `->` type($result)"
    )

    traits = traits_def(MemoryReadEffect(), MemoryWriteEffect())

    def __init__(
        self,
        kind: AtomicKindAttr,
        base: SSAValue,
        offsets: SSAValue,
        value: SSAValue,
        mask: SSAValue | None,
        sem: StringAttr,
        cmp: SSAValue | None = None,
    ):
        super().__init__(
            operands=[
                base,
                offsets,
                value,
                [cmp] if cmp is not None else [],
                [mask] if mask is not None else [],
            ],
            result_types=[value.type],
            properties={"kind": kind, "sem": sem},
        )

    def verify_(self) -> None:
        verify_expected(self, self.kind, self.cmp, self.value)
        if self.cmp is not None and self.mask is not None:
            raise VerifyException("triton.atomic cas takes no mask (tl.atomic_cas has none)")


@irdl_attr_definition
class TensorDescType(ParametrizedAttribute, TypeAttribute):
    """`!triton.tensordesc<f32>`: a TMA tensor descriptor over `element_type` elements."""

    name = "triton.tensordesc"

    element_type: Attribute

    def __init__(self, element_type: Attribute):
        super().__init__(element_type)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (parser.parse_type(),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_attribute(self.element_type)


class BlockAccessBase(IRDLOperation):
    """A block of `base` (shape, strides) at `offsets`, of the result's (or value's) shape.

    `order` lists dims fastest first, `boundary_check` the dims that may run past the end.
    """

    base = operand_def(PointerType)
    shape = var_operand_def(IndexType)
    strides = var_operand_def(IndexType)
    offsets = var_operand_def(IndexType)
    order = prop_def(DenseArrayBase.constr(i64))
    boundary_check = prop_def(DenseArrayBase.constr(i64))

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())

    def _props(self, order: Sequence[int], check: Sequence[int]) -> dict[str, Attribute]:
        return {
            "order": DenseArrayBase.from_list(i64, order),
            "boundary_check": DenseArrayBase.from_list(i64, check),
        }


@irdl_op_definition
class BlockLoadOp(BlockAccessBase):
    """`tl.load(tl.make_block_ptr(...), boundary_check=..., padding_option="zero")`."""

    name = "triton.block_load"

    eviction_policy = opt_prop_def(StringAttr)
    result = result_def(TensorType)

    assembly_format = (
        "$base `[` $offsets `]` `shape` `(` $shape `)` `strides` `(` $strides `)` attr-dict "
        "`:` type($base) `->` type($result)"
    )

    traits = traits_def(MemoryReadEffect())

    def __init__(self, base, shape, strides, offsets, order, check, result_type: Attribute):
        super().__init__(
            operands=[base, shape, strides, offsets],
            result_types=[result_type],
            properties=self._props(order, check),
        )


@irdl_op_definition
class BlockStoreOp(BlockAccessBase):
    """`tl.store(tl.make_block_ptr(...), value, boundary_check=...)`."""

    name = "triton.block_store"

    value = operand_def(TensorType)

    assembly_format = (
        "$value `,` $base `[` $offsets `]` `shape` `(` $shape `)` `strides` `(` $strides `)` "
        "attr-dict `:` type($value) `,` type($base)"
    )

    traits = traits_def(MemoryWriteEffect())

    def __init__(self, base, shape, strides, offsets, order, check, value: SSAValue):
        # IRDL puts a subclass's own operands (`value`) before the inherited ones
        super().__init__(
            operands=[value, base, shape, strides, offsets], properties=self._props(order, check)
        )


@irdl_op_definition
class MakeDescriptorOp(IRDLOperation):
    """`tl.make_tensor_descriptor(base, shape, strides, block_shape)`."""

    name = "triton.make_descriptor"

    base = operand_def(PointerType)
    shape = var_operand_def(IndexType)
    strides = var_operand_def(IndexType)
    block_shape = prop_def(DenseArrayBase.constr(i64))
    result = result_def(TensorDescType)

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$base `shape` `(` $shape `)` `strides` `(` $strides `)` attr-dict `:` type($base) "
        "`->` type($result)"
    )

    traits = traits_def(Pure())

    def __init__(self, base: SSAValue, shape, strides, block_shape: Sequence[int]):
        element = base.type.pointee  # type: ignore[attr-defined]
        super().__init__(
            operands=[base, shape, strides],
            result_types=[TensorDescType(element)],
            properties={"block_shape": DenseArrayBase.from_list(i64, block_shape)},
        )


@irdl_op_definition
class DescLoadOp(IRDLOperation):
    """`desc.load([offsets])`: out-of-bounds lanes read zero."""

    name = "triton.desc_load"

    desc = operand_def(TensorDescType)
    offsets = var_operand_def(IndexType)
    result = result_def(TensorType)

    assembly_format = "$desc `[` $offsets `]` attr-dict `:` type($desc) `->` type($result)"

    traits = traits_def(MemoryReadEffect())

    def __init__(self, desc: SSAValue, offsets: Sequence[SSAValue], result_type: Attribute):
        super().__init__(operands=[desc, offsets], result_types=[result_type])


@irdl_op_definition
class DescStoreOp(IRDLOperation):
    """`desc.store([offsets], value)`: out-of-bounds lanes are not written."""

    name = "triton.desc_store"

    desc = operand_def(TensorDescType)
    offsets = var_operand_def(IndexType)
    value = operand_def(TensorType)

    assembly_format = "$value `,` $desc `[` $offsets `]` attr-dict `:` type($value) `,` type($desc)"

    traits = traits_def(MemoryWriteEffect())

    def __init__(self, desc: SSAValue, offsets: Sequence[SSAValue], value: SSAValue):
        super().__init__(operands=[desc, offsets, value])


@irdl_op_definition
class DescAtomicOp(IRDLOperation):
    """`desc.atomic_<kind>([offsets], value)`: a TMA reduction; out-of-bounds lanes are
    not touched."""

    name = "triton.desc_atomic"

    kind = prop_def(AtomicKindAttr)
    desc = operand_def(TensorDescType)
    offsets = var_operand_def(IndexType)
    value = operand_def(TensorType)

    assembly_format = (
        "$kind $value `,` $desc `[` $offsets `]` attr-dict `:` type($value) `,` type($desc)"
    )

    traits = traits_def(MemoryReadEffect(), MemoryWriteEffect())

    def __init__(
        self, kind: AtomicKindAttr, desc: SSAValue, offsets: Sequence[SSAValue], value: SSAValue
    ):
        super().__init__(operands=[desc, offsets, value], properties={"kind": kind})


@irdl_op_definition
class DotOp(DotBase):
    """`tl.dot(a, b, acc)`, with `input_precision` for float32 inputs when set."""

    name = "triton.dot"

    input_precision = opt_prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)


@irdl_op_definition
class ReduceOp(IRDLOperation):
    """`tl.sum/max/min(x, axis, keep_dims=...)`; `prod` goes through `tl.reduce`."""

    name = "triton.reduce"

    kind = prop_def(ReduceKindAttr)
    source = operand_def(TensorType)
    axis = prop_def(IntAttr)
    keep_dims = opt_prop_def(UnitAttr)
    result = result_def(TensorType)

    assembly_format = (
        "$kind $source `axis` $axis (`keep_dims` $keep_dims^)? attr-dict `:` "
        "type($source) `->` type($result)"
    )

    traits = traits_def(Pure())

    def __init__(
        self,
        kind: ReduceKindAttr,
        source: SSAValue,
        axis: int,
        keep_dims: bool,
        result_type: TensorType,
    ):
        super().__init__(
            operands=[source],
            result_types=[result_type],
            properties={
                "kind": kind,
                "axis": IntAttr(axis),
                "keep_dims": UnitAttr() if keep_dims else None,
            },
        )


@irdl_op_definition
class AssertOp(IRDLOperation):
    """`assert tl.min(cond) == 1, message`: every lane of `cond` holds (checked by the
    interpreter always, on a GPU under TRITON_DEBUG=1, as `tl.device_assert`)."""

    name = "triton.assert"

    cond = operand_def(TensorType)
    message = prop_def(StringAttr)

    assembly_format = "$cond `,` $message attr-dict `:` type($cond)"

    def __init__(self, cond: SSAValue, message: str):
        super().__init__(operands=[cond], properties={"message": StringAttr(message)})


@irdl_op_definition
class CastOp(CastBase):
    """`x.to(dtype)`."""

    name = "triton.cast"


@irdl_op_definition
class BitcastOp(CastBase):
    """`x.to(dtype, bitcast=True)`: the same bits as elements of another type of their
    width."""

    name = "triton.bitcast"

    def verify_(self) -> None:
        super().verify_()
        widths = {element_width(element_type_of(v.type)) for v in (self.source, self.result)}
        if len(widths) != 1:
            raise VerifyException("triton.bitcast keeps the width of its elements")


@irdl_op_definition
class CmpOp(CmpBase):
    """Python comparison operators on Triton values."""

    name = "triton.cmp"


@irdl_op_definition
class WhereOp(WhereBase):
    """`tl.where(cond, lhs, rhs)`."""

    name = "triton.where"


@irdl_op_definition
class PermuteOp(PermuteBase):
    """`tl.permute(source, perm)`."""

    name = "triton.permute"


@irdl_op_definition
class ArgReduceOp(ArgReduceBase):
    """`tl.argmax`/`tl.argmin(source, dim, keep_dims=...)`."""

    name = "triton.arg_reduce"


@irdl_op_definition
class ScanOp(ScanBase):
    """`tl.cumsum`/`tl.cumprod`, or `tl.associative_scan` with max/min."""

    name = "triton.scan"


@irdl_op_definition
class FlipOp(FlipBase):
    """`tl.flip(source, dim)`."""

    name = "triton.flip"


@irdl_op_definition
class SortOp(SortBase):
    """`tl.sort(source, dim, descending)`."""

    name = "triton.sort"


@irdl_op_definition
class CombineOp(CombineBase):
    """`tl.reduce`/`tl.associative_scan` of a tuple with a generated combine function."""

    name = "triton.combine"


@irdl_op_definition
class JoinOp(JoinBase):
    """`tl.join(lhs, rhs)`."""

    name = "triton.join"


@irdl_op_definition
class SplitOp(SplitBase):
    """`tl.split(source)`."""

    name = "triton.split"


@irdl_op_definition
class GatherOp(GatherBase):
    """`tl.gather(source, index, axis)`."""

    name = "triton.gather"


@irdl_op_definition
class TopkOp(TopkBase):
    """`tl.topk(source, k, dim)`."""

    name = "triton.topk"


@irdl_op_definition
class RandOp(RandBase):
    """`tl.rand(seed, offsets)`."""

    name = "triton.rand"


@irdl_op_definition
class ForOp(SerialLoopBase):
    """`for iv in tl.range(lb, ub, step):` with loop-carried values."""

    name = "triton.for"

    # `tl.range` keyword arguments; `static` makes it `tl.static_range`
    loop_unroll_factor = opt_prop_def(IntAttr)
    num_stages = opt_prop_def(IntAttr)
    disallow_acc_multi_buffer = opt_prop_def(IntegerAttr)
    flatten = opt_prop_def(IntegerAttr)
    warp_specialize = opt_prop_def(IntegerAttr)
    # emitted as Gluon's warp-specialized schedule (backends/gluon), not a `tl.range`
    gluon_warp_specialize = opt_prop_def(UnitAttr)
    static = opt_prop_def(UnitAttr)

    traits = lazy_traits_def(
        lambda: (SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())
    )


@irdl_op_definition
class IfOp(IfBase):
    """`if cond: ... else: ...`, each branch assigning the results."""

    name = "triton.if"


@irdl_op_definition
class WhileOp(WhileBase):
    """`while cond: ...` with the condition recomputed after each trip."""

    name = "triton.while"


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Ends a `triton.for` body, a `triton.if` branch or a `triton.while` region,
    passing on its values."""

    name = "triton.yield"

    values = var_operand_def()

    assembly_format = "($values^ `:` type($values))? attr-dict"

    traits = lazy_traits_def(
        lambda: (IsTerminator(), Pure(), HasParent(ForOp, IfOp, WhileOp, CombineOp))
    )

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[values])


Triton = Dialect(
    "triton",
    [
        KernelOp,
        LauncherOp,
        EntryOp,
        ProgramIdOp,
        NumProgramsOp,
        ArangeOp,
        AssertOp,
        SplatOp,
        BroadcastOp,
        ReshapeOp,
        FullOp,
        LoadOp,
        StoreOp,
        BlockLoadOp,
        BlockStoreOp,
        MakeDescriptorOp,
        DescLoadOp,
        DescStoreOp,
        AtomicOp,
        DescAtomicOp,
        DotOp,
        ReduceOp,
        CastOp,
        BitcastOp,
        CmpOp,
        WhereOp,
        PermuteOp,
        ArgReduceOp,
        ScanOp,
        FlipOp,
        SortOp,
        JoinOp,
        SplitOp,
        CombineOp,
        GatherOp,
        RandOp,
        TopkOp,
        ForOp,
        IfOp,
        WhileOp,
        YieldOp,
    ],
    [PointerType, TensorDescType],
)
