"""The `tile` dialect: a kernel as written, before any configuration is chosen.

Global tensors are builtin `memref`s (kernel arguments). Register tiles are builtin
`tensor`s whose `?` dims are symbolic block sizes: the `#tile.blocks<...>` encoding
names the block behind each `?` dim, so `tensor<?x?xf32, #tile.blocks<0, 1>>` is a
tile of `block 0 x block 1` f32 values. Elementwise math on tiles is `arith`/`math`.
A `!tile.tile<k>` value is a handle on one tile of block `k`: the loop variable of
`tile.grid`/`tile.for`, or the full extent that a `:` subscript spans (`tile.rdim`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    DenseArrayBase,
    FloatAttr,
    FunctionType,
    IndexType,
    IntAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    NoneAttr,
    StringAttr,
    TensorType,
    UnitAttr,
    f32,
    i1,
    i32,
    i64,
)
from xdsl.dialects.utils import EnumAttribute, parse_func_op_like, print_func_op_like
from xdsl.ir import (
    Attribute,
    Block,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
    TypeAttribute,
)
from xdsl.irdl import (
    AnyAttr,
    AttrSizedOperandSegments,
    IRDLOperation,
    ParsePropInAttrDict,
    VarConstraint,
    base,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    opt_result_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
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
    ensure_terminator,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

from helion_mlir.dialects.syntax import (
    parse_extra,
    parse_header,
    parse_iter_args,
    print_body,
    print_extra,
    print_header,
    print_iter_args,
    verify_carried,
)

# ---------------------------------------------------------------------------
# Block-size symbols in tensor types


@dataclass(frozen=True)
class Blk:
    """A symbolic dim of a tile tensor: the size of block `id`."""

    id: int

    def __repr__(self) -> str:
        return f"b{self.id}"


Dim: TypeAlias = int | Blk


@irdl_attr_definition
class BlocksAttr(ParametrizedAttribute):
    """`#tile.blocks<0, 2>`: the block behind each `?` dim of a tensor type, in order."""

    name = "tile.blocks"

    ids: ArrayAttr[IntAttr]

    def __init__(self, ids: Iterable[int]):
        super().__init__(ArrayAttr(IntAttr(i) for i in ids))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        ids = parser.parse_comma_separated_list(parser.Delimiter.ANGLE, parser.parse_integer)
        return (ArrayAttr(IntAttr(i) for i in ids),)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string("<" + ", ".join(str(i.data) for i in self.ids) + ">")


def tile_tensor(element_type: Attribute, dims: Sequence[Dim]) -> TensorType:
    """The tensor type of a tile with `dims` (ints or block symbols)."""
    shape = [DYNAMIC_INDEX if isinstance(d, Blk) else d for d in dims]
    ids = [d.id for d in dims if isinstance(d, Blk)]
    return TensorType(element_type, shape, BlocksAttr(ids) if ids else NoneAttr())


def dims_of(t: Attribute) -> tuple[Dim, ...]:
    """The dims of a tile tensor type (`()` for a scalar)."""
    if not isinstance(t, TensorType):
        return ()
    verify_tile_tensor(t, f"tile type {t}")
    enc = t.encoding
    ids = iter(i.data for i in enc.ids) if isinstance(enc, BlocksAttr) else iter(())
    return tuple(Blk(next(ids)) if d == DYNAMIC_INDEX else d for d in t.get_shape())


def element_type_of(t: Attribute) -> Attribute:
    return t.element_type if isinstance(t, TensorType | MemRefType) else t


def verify_tile_tensor(t: Attribute, what: str) -> None:
    if not isinstance(t, TensorType):
        return
    enc = t.encoding
    n_dyn = sum(1 for d in t.get_shape() if d == DYNAMIC_INDEX)
    n_ids = len(enc.ids) if isinstance(enc, BlocksAttr) else 0
    if n_dyn != n_ids:
        raise VerifyException(f"{what} has {n_dyn} '?' dims but #tile.blocks names {n_ids} blocks")


# ---------------------------------------------------------------------------
# Types


@irdl_attr_definition
class TileType(ParametrizedAttribute, TypeAttribute):
    """`!tile.tile<k>`: a handle on one tile of block `k`."""

    name = "tile.tile"

    block: IntAttr

    def __init__(self, block: int):
        super().__init__(IntAttr(block))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (IntAttr(parser.parse_integer()),)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.block.data}>")


def block_of(handle: SSAValue) -> int:
    t = handle.type
    assert isinstance(t, TileType)
    return t.block.data


# ---------------------------------------------------------------------------
# Kernel and loops


@irdl_op_definition
class KernelOp(IRDLOperation):
    """A device kernel: its arguments are the host values the device code reads."""

    name = "tile.kernel"

    sym_name = prop_def(StringAttr)
    function_type = prop_def(FunctionType)
    sources = prop_def(ArrayAttr[StringAttr])
    # `hl.register_block_size` bounds, [low0, high0, low1, high1, ...]: loops whose
    # `block_sizes` entry is -(k + 1) share registered block size k
    block_size_vars = opt_prop_def(DenseArrayBase.constr(i64))
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), NoTerminator(), SymbolOpInterface())

    def registered_block_sizes(self) -> list[tuple[int, int]]:
        """The `(low, high)` bounds of each registered block size."""
        flat = list(self.block_size_vars.get_values()) if self.block_size_vars else []
        return list(zip(flat[::2], flat[1::2]))

    def __init__(self, name: str, arg_types: Sequence[Attribute], sources: Sequence[str]):
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "function_type": FunctionType.from_lists(arg_types, []),
                "sources": ArrayAttr(StringAttr(s) for s in sources),
            },
            regions=[Region(Block(arg_types=arg_types))],
        )

    def verify_(self) -> None:
        args = self.body.block.args
        if len(self.sources) != len(args):
            raise VerifyException(
                f"tile.kernel has {len(args)} arguments but {len(self.sources)} sources"
            )
        if tuple(a.type for a in args) != tuple(self.function_type.inputs):
            raise VerifyException("tile.kernel block arguments must match its type")
        if self.block_size_vars is not None and len(self.block_size_vars) % 2:
            raise VerifyException("tile.kernel block_size_vars holds (low, high) pairs")

    def print(self, printer: Printer) -> None:
        extra: dict[str, Attribute] = {"sources": self.sources}
        if self.block_size_vars is not None:
            extra["block_size_vars"] = self.block_size_vars
        print_func_op_like(
            printer,
            self.sym_name,
            self.function_type,
            self.body,
            extra,
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
            parser.raise_error("tile.kernel needs a body", start, parser.pos)
        attrs = extra.data if extra is not None else {}
        sources = attrs.get("sources")
        if not isinstance(sources, ArrayAttr):
            parser.raise_error(
                "tile.kernel needs `attributes {sources = [...]}`", start, start + len(name) + 1
            )
        properties: dict[str, Attribute] = {
            "sym_name": StringAttr(name),
            "function_type": FunctionType.from_lists(arg_types, []),
            "sources": sources,
        }
        if "block_size_vars" in attrs:
            properties["block_size_vars"] = attrs["block_size_vars"]
        op = cls.__new__(cls)
        IRDLOperation.__init__(op, properties=properties, regions=[body])
        return op


class _TileLoopBase(IRDLOperation):
    """Shared behaviour of `tile.grid` and `tile.for`: one handle per dimension.

    Subclasses declare `lbs`, `ubs` and `body` themselves: IRDL orders inherited
    operand definitions after a subclass's own.
    """

    @property
    def handles(self) -> tuple[SSAValue, ...]:
        return self.body.block.args[: len(self.lbs)]

    def fixed_sizes(self) -> list[int]:
        """Per dim, the block size fixed by the kernel, 0 where the config picks it, and
        -(k + 1) where it is the kernel's registered block size k."""
        sizes = self.block_sizes  # type: ignore[attr-defined]
        return list(sizes.get_values()) if sizes is not None else [0] * len(self.lbs)  # type: ignore[attr-defined]

    def verify_handles(self) -> None:
        n = len(self.lbs)
        if n == 0 or len(self.ubs) != n:
            raise VerifyException(f"{self.name} needs one lower and upper bound per dim")
        args = self.body.block.args
        if len(args) < n or not all(isinstance(a.type, TileType) for a in args[:n]):
            raise VerifyException(f"{self.name} body must start with {n} !tile.tile handles")


def _print_handle_types(printer: Printer, handles: Sequence[SSAValue]) -> None:
    printer.print_string(" : ")
    printer.print_list((h.type for h in handles), printer.print_attribute)


def _parse_handle_types(parser: Parser, n: int) -> list[Attribute]:
    parser.parse_punctuation(":")
    types = [parser.parse_type()]
    while len(types) < n and parser.parse_optional_punctuation(","):
        types.append(parser.parse_type())
    if len(types) != n:
        parser.raise_error(f"expected {n} handle types")
    return types


@irdl_op_definition
class GridOp(_TileLoopBase):
    """The launch grid: runs its body once per tile of each dimension, in parallel."""

    name = "tile.grid"

    lbs = var_operand_def(IndexType)
    ubs = var_operand_def(IndexType)
    body = region_def("single_block")
    # per dim: a block size fixed by the kernel (`block_size=`, `hl.grid`), 0 if tuned,
    # -(k + 1) for registered block size k
    block_sizes = opt_prop_def(DenseArrayBase.constr(i64))

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    traits = lazy_traits_def(
        lambda: (SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())
    )

    def __init__(self, lbs: Sequence[SSAValue], ubs: Sequence[SSAValue], body: Region):
        super().__init__(operands=[lbs, ubs], regions=[body])

    def verify_(self) -> None:
        self.verify_handles()
        if len(self.body.block.args) != len(self.lbs):
            raise VerifyException("tile.grid carries no values")

    def print(self, printer: Printer) -> None:
        print_header(printer, self.handles, self.lbs, self.ubs)
        _print_handle_types(printer, self.handles)
        print_body(printer, self.body, False)
        print_extra(printer, self)

    @classmethod
    def parse(cls, parser: Parser) -> GridOp:
        ivs, lbs, ubs, _ = parse_header(parser, with_steps=False)
        types = _parse_handle_types(parser, len(ivs))
        body = parser.parse_region([iv.resolve(t) for iv, t in zip(ivs, types)])
        op = cls(lbs, ubs, body)
        parse_extra(parser, op)
        for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
            ensure_terminator(op, trait)
        return op


@irdl_op_definition
class ForOp(_TileLoopBase):
    """A sequential device loop over the tiles of each dimension, carrying values."""

    name = "tile.for"

    lbs = var_operand_def(IndexType)
    ubs = var_operand_def(IndexType)
    iter_args = var_operand_def()
    res = var_result_def()
    body = region_def("single_block")
    block_sizes = opt_prop_def(DenseArrayBase.constr(i64))

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    traits = lazy_traits_def(
        lambda: (SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())
    )

    def __init__(
        self,
        lbs: Sequence[SSAValue],
        ubs: Sequence[SSAValue],
        iter_args: Sequence[SSAValue],
        body: Region,
    ):
        super().__init__(
            operands=[lbs, ubs, iter_args],
            result_types=[[a.type for a in iter_args]],
            regions=[body],
        )

    @property
    def carried(self) -> tuple[SSAValue, ...]:
        return self.body.block.args[len(self.lbs) :]

    def verify_(self) -> None:
        self.verify_handles()
        verify_carried(self, self.carried, self.iter_args, self.res)

    def print(self, printer: Printer) -> None:
        print_header(printer, self.handles, self.lbs, self.ubs)
        _print_handle_types(printer, self.handles)
        print_iter_args(printer, self.carried, self.iter_args)
        print_body(printer, self.body, bool(self.iter_args))
        print_extra(printer, self)

    @classmethod
    def parse(cls, parser: Parser) -> ForOp:
        ivs, lbs, ubs, _ = parse_header(parser, with_steps=False)
        types = _parse_handle_types(parser, len(ivs))
        carried, inits = parse_iter_args(parser)
        body = parser.parse_region([iv.resolve(t) for iv, t in zip(ivs, types)] + carried)
        op = cls(lbs, ubs, inits, body)
        parse_extra(parser, op)
        if not inits:
            for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
                ensure_terminator(op, trait)
        return op


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Ends a `tile.grid`/`tile.for` body, passing on the carried values."""

    name = "tile.yield"

    values = var_operand_def()

    assembly_format = "($values^ `:` type($values))? attr-dict"

    traits = lazy_traits_def(
        lambda: (IsTerminator(), Pure(), HasParent(GridOp, ForOp, IfOp, WhileOp, CombineOp))
    )

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[values])


class IfBase(IRDLOperation):
    """Runs `then` where the scalar `cond` holds, else `otherwise`; each region ends in
    a yield of the results."""

    cond = operand_def()
    res = var_result_def()
    then = region_def("single_block")
    otherwise = region_def("single_block")

    assembly_format = (
        "$cond `:` type($cond) (`->` `(` type($res)^ `)`)? $then `else` $otherwise attr-dict"
    )

    traits = traits_def(RecursiveMemoryEffect())

    def __init__(
        self, cond: SSAValue, result_types: Sequence[Attribute], then: Region, otherwise: Region
    ):
        super().__init__(operands=[cond], result_types=[result_types], regions=[then, otherwise])

    def verify_(self) -> None:
        t = self.cond.type
        if not (
            t == i1 or (isinstance(t, TensorType) and t.get_shape() == () and t.element_type == i1)
        ):
            raise VerifyException(f"{self.name} condition must be an i1 scalar, got {t}")
        want = [r.type for r in self.res]
        for region in (self.then, self.otherwise):
            last = region.block.last_op
            got = [v.type for v in last.operands] if last is not None else None
            if got != want:
                raise VerifyException(f"{self.name} regions must yield {want}, one yields {got}")


class WhileBase(IRDLOperation):
    """Carries `inits` through `body` while `before` (given the carried values) yields a
    true i1 scalar; the results are the values carried out."""

    inits = var_operand_def()
    res = var_result_def()
    before = region_def("single_block")
    body = region_def("single_block")

    assembly_format = "`(` $inits `)` `:` `(` type($inits) `)` `->` `(` type($res) `)` $before `do` $body attr-dict"

    traits = traits_def(RecursiveMemoryEffect())

    def __init__(self, inits: Sequence[SSAValue], before: Region, body: Region):
        super().__init__(
            operands=[inits], result_types=[[v.type for v in inits]], regions=[before, body]
        )

    def verify_(self) -> None:
        types = [v.type for v in self.inits]
        if [r.type for r in self.res] != types:
            raise VerifyException(f"{self.name} results must have the carried types")
        for region in (self.before, self.body):
            if [a.type for a in region.block.args] != types:
                raise VerifyException(f"{self.name} regions take the carried values")
        cond = self.before.block.last_op
        if cond is None or [v.type for v in cond.operands] not in ([i1], [TensorType(i1, [])]):
            raise VerifyException(f"{self.name} condition region must yield one i1 scalar")
        last = self.body.block.last_op
        if last is None or [v.type for v in last.operands] != types:
            raise VerifyException(f"{self.name} body must yield the carried types")


@irdl_op_definition
class WhileOp(WhileBase):
    """Device-side `while` on a scalar condition of the carried values."""

    name = "tile.while"


@irdl_op_definition
class IfOp(IfBase):
    """Device-side `if` on a scalar (`if tile.id == 0:`, `if x[i] > 0:`)."""

    name = "tile.if"


class TileAttrBase(IRDLOperation):
    """A scalar fact about the tile a handle stands for."""

    handle = operand_def(TileType)
    result = result_def(IndexType)

    assembly_format = "$handle attr-dict `:` type($handle)"

    traits = traits_def(Pure())

    def __init__(self, handle: SSAValue):
        super().__init__(operands=[handle], result_types=[IndexType()])


@irdl_op_definition
class BeginOp(TileAttrBase):
    """The first index of the tile (`tile.begin`)."""

    name = "tile.begin"


@irdl_op_definition
class EndOp(TileAttrBase):
    """One past the last index of the tile, clipped at the loop's end (`tile.end`)."""

    name = "tile.end"


@irdl_op_definition
class BlockSizeOp(TileAttrBase):
    """The block size of the tile's dimension (`tile.block_size`)."""

    name = "tile.block_size"


@irdl_op_definition
class TileIdOp(TileAttrBase):
    """Which tile of its loop this is, from 0 (`tile.id`)."""

    name = "tile.id"


@irdl_op_definition
class TileCountOp(TileAttrBase):
    """How many tiles its loop has (`tile.count`)."""

    name = "tile.count"


@irdl_op_definition
class IndexOp(IRDLOperation):
    """The indices the tile covers, as an int32 vector of its block (`tile.index`)."""

    name = "tile.index"

    handle = operand_def(TileType)
    result = result_def(TensorType)

    assembly_format = "$handle attr-dict `:` type($handle) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, handle: SSAValue):
        block = block_of(handle)
        super().__init__(operands=[handle], result_types=[tile_tensor(i32, [Blk(block)])])

    def verify_(self) -> None:
        if (
            dims_of(self.result.type) != (Blk(block_of(self.handle)),)
            or element_type_of(self.result.type) != i32
        ):
            raise VerifyException("tile.index gives an i32 vector of the handle's block")


@irdl_op_definition
class RDimOp(IRDLOperation):
    """A tile spanning all of `[0, extent)`: the dimension a `:` subscript selects."""

    name = "tile.rdim"

    extent = operand_def(IndexType)
    result = result_def(TileType)

    assembly_format = "$extent attr-dict `:` type($result)"

    traits = traits_def(Pure())

    def __init__(self, extent: SSAValue, block: int):
        super().__init__(operands=[extent], result_types=[TileType(block)])


# ---------------------------------------------------------------------------
# Memory


def _subscript_dims(indices: Sequence[SSAValue]) -> tuple[Dim, ...]:
    dims: list[Dim] = []
    for i in indices:
        if isinstance(i.type, TileType):
            dims.append(Blk(block_of(i)))
        elif isinstance(i.type, TensorType):  # a gather: the index tensor's dims, in place
            dims.extend(dims_of(i.type))
    return tuple(dims)


def verify_subscript(
    op: Operation, source: SSAValue, indices: Sequence[SSAValue], tile: Attribute
) -> None:
    """A subscript has one index per memref dim (a tile handle, a scalar index, or a
    tensor of indices); the tile holds the tiled and gathered dims, in order."""
    mt = source.type
    assert isinstance(mt, MemRefType)
    if len(indices) != mt.get_num_dims():
        raise VerifyException(
            f"{op.name} indexes a rank-{mt.get_num_dims()} memref with {len(indices)} indices"
        )
    for i in indices:
        gather = isinstance(i.type, TensorType) and isinstance(i.type.element_type, IntegerType)
        if not (isinstance(i.type, TileType | IndexType) or gather):
            raise VerifyException(
                f"{op.name} indices must be !tile.tile, index, or a tensor of integers"
            )
    verify_tile_tensor(tile, op.name)
    if dims_of(tile) != _subscript_dims(indices):
        raise VerifyException(
            f"{op.name}: tile dims {list(dims_of(tile))} do not match the subscript "
            f"{list(_subscript_dims(indices))}"
        )
    if element_type_of(tile) != mt.element_type:
        raise VerifyException(f"{op.name}: element types of tile and memref differ")


@irdl_op_definition
class LoadOp(IRDLOperation):
    """Reads the tile of `source` at `indices` (tile handles or scalar indices); lanes
    where `mask` (if given) is false read zero."""

    name = "tile.load"

    source = operand_def(MemRefType)
    indices = var_operand_def()
    mask = opt_operand_def(TensorType)
    mem_id = prop_def(IntegerAttr[i64])
    # set by `hl.load(..., eviction_policy=)`; otherwise the config picks it
    eviction_policy = opt_prop_def(StringAttr)
    result = result_def(TensorType)

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$source `[` $indices `]` (`mask` $mask^)? attr-dict `:` type($source) "
        "`[` type($indices) `]` (`mask` type($mask)^)? `->` type($result)"
    )

    traits = traits_def(MemoryReadEffect())

    def __init__(
        self,
        source: SSAValue,
        indices: Sequence[SSAValue],
        result_type: Attribute,
        mem_id: int,
        mask: SSAValue | None = None,
    ):
        super().__init__(
            operands=[source, indices, [mask] if mask is not None else []],
            result_types=[result_type],
            properties={"mem_id": IntegerAttr(mem_id, i64)},
        )

    def verify_(self) -> None:
        verify_subscript(self, self.source, self.indices, self.result.type)
        verify_mask(self, self.mask, self.result.type)


@irdl_op_definition
class StoreOp(IRDLOperation):
    """Writes `value` to the tile of `dest` at `indices`, where `mask` (if given) holds."""

    name = "tile.store"

    value = operand_def(TensorType)
    dest = operand_def(MemRefType)
    indices = var_operand_def()
    mask = opt_operand_def(TensorType)
    mem_id = prop_def(IntegerAttr[i64])

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$value `,` $dest `[` $indices `]` (`mask` $mask^)? attr-dict `:` type($value) `,` "
        "type($dest) `[` type($indices) `]` (`mask` type($mask)^)?"
    )

    traits = traits_def(MemoryWriteEffect())

    def __init__(
        self,
        value: SSAValue,
        dest: SSAValue,
        indices: Sequence[SSAValue],
        mem_id: int,
        mask: SSAValue | None = None,
    ):
        super().__init__(
            operands=[value, dest, indices, [mask] if mask is not None else []],
            properties={"mem_id": IntegerAttr(mem_id, i64)},
        )

    def verify_(self) -> None:
        verify_subscript(self, self.dest, self.indices, self.value.type)
        verify_mask(self, self.mask, self.value.type)


class AtomicKind(StrEnum):
    ADD = "add"
    AND = "and"
    OR = "or"
    XOR = "xor"
    XCHG = "xchg"
    MAX = "max"
    MIN = "min"
    CAS = "cas"


@irdl_attr_definition
class AtomicKindAttr(EnumAttribute[AtomicKind], SpacedOpaqueSyntaxAttribute):
    """The read-modify-write of an atomic."""

    name = "tile.atomic_kind"


@irdl_op_definition
class AtomicOp(IRDLOperation):
    """Atomically combines `value` into the tile of `dest` at `indices` with `kind` (for
    `cas`: stores it where the old value's bits equal `expected`'s); gives the values
    that were there before."""

    name = "tile.atomic"

    kind = prop_def(AtomicKindAttr)
    value = operand_def(TensorType)
    dest = operand_def(MemRefType)
    indices = var_operand_def()
    expected = opt_operand_def(TensorType)
    mem_id = prop_def(IntegerAttr[i64])
    sem = prop_def(StringAttr)
    result = result_def(TensorType)

    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    assembly_format = (
        "$kind $value `,` $dest `[` $indices `]` (`expected` $expected^)? attr-dict `:` "
        "type($value) `,` type($dest) `[` type($indices) `]` (`expected` type($expected)^)? "
        "`->` type($result)"
    )

    traits = traits_def(MemoryReadEffect(), MemoryWriteEffect())

    def __init__(
        self,
        kind: AtomicKind,
        value: SSAValue,
        dest: SSAValue,
        indices: Sequence[SSAValue],
        mem_id: int,
        sem: str = "relaxed",
        expected: SSAValue | None = None,
    ):
        super().__init__(
            operands=[value, dest, indices, [expected] if expected is not None else []],
            result_types=[value.type],
            properties={
                "kind": AtomicKindAttr(kind),
                "mem_id": IntegerAttr(mem_id, i64),
                "sem": StringAttr(sem),
            },
        )

    def verify_(self) -> None:
        verify_subscript(self, self.dest, self.indices, self.value.type)
        if self.result.type != self.value.type:
            raise VerifyException("tile.atomic gives values of its value's type")
        if self.sem.data not in SEMANTICS:
            raise VerifyException(f"tile.atomic sem must be one of {', '.join(SEMANTICS)}")
        verify_expected(self, self.kind, self.expected, self.value)


def verify_expected(
    op: Operation, kind: AtomicKindAttr, expected: SSAValue | None, value: SSAValue
) -> None:
    """`cas` compares with an `expected` tile of its value's type; no other atomic does."""
    if (kind.data == AtomicKind.CAS) != (expected is not None):
        raise VerifyException(f"{op.name}: cas takes an `expected` operand and no other kind does")
    if expected is not None and expected.type != value.type:
        raise VerifyException(f"{op.name} expected must have the value's type")


SEMANTICS = ("relaxed", "acquire", "release", "acq_rel")


def verify_mask(op: Operation, mask: SSAValue | None, tile: Attribute) -> None:
    if mask is not None and (
        element_type_of(mask.type) != i1 or dims_of(mask.type) != dims_of(tile)
    ):
        raise VerifyException(f"{op.name} mask must be i1 of the tile's shape")


# ---------------------------------------------------------------------------
# Values


@irdl_op_definition
class FullOp(IRDLOperation):
    """A tile with every element equal to `value`."""

    name = "tile.full"

    value = prop_def(base(FloatAttr) | base(IntegerAttr))
    result = result_def(TensorType)

    assembly_format = "$value attr-dict `:` type($result)"

    traits = traits_def(Pure())

    def __init__(self, value: FloatAttr | IntegerAttr, result_type: TensorType):
        super().__init__(properties={"value": value}, result_types=[result_type])

    def verify_(self) -> None:
        verify_tile_tensor(self.result.type, self.name)
        if self.value.type != element_type_of(self.result.type):
            raise VerifyException("tile.full value type must be the element type")


@irdl_op_definition
class IotaOp(IRDLOperation):
    """The 1-D tile `0, 1, ..., n - 1` of a static length `n` (`hl.arange`)."""

    name = "tile.iota"

    result = result_def(TensorType)

    assembly_format = "attr-dict `:` type($result)"

    traits = traits_def(Pure())

    def __init__(self, result_type: TensorType):
        super().__init__(result_types=[result_type])

    def verify_(self) -> None:
        dims = dims_of(self.result.type)
        if (
            len(dims) != 1
            or not isinstance(dims[0], int)
            or not isinstance(element_type_of(self.result.type), IntegerType)
        ):
            raise VerifyException("tile.iota gives a 1-D integer tile of static length")


class ShapeOpBase(IRDLOperation):
    """An op giving `source` another shape: `$source : type -> type`."""

    source = operand_def()
    result = result_def(TensorType)

    assembly_format = "$source attr-dict `:` type($source) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, result_type: TensorType):
        super().__init__(operands=[source], result_types=[result_type])


@irdl_op_definition
class SplatOp(ShapeOpBase):
    """A tile with every element equal to the scalar `source`."""

    name = "tile.splat"

    def verify_(self) -> None:
        verify_tile_tensor(self.result.type, self.name)
        if isinstance(self.source.type, TensorType) or (
            self.source.type != element_type_of(self.result.type)
        ):
            raise VerifyException("tile.splat takes a scalar of the result's element type")


class CastBase(IRDLOperation):
    """Elementwise conversion to the result's element type, as `Tensor.to(dtype)` does."""

    source = operand_def()
    result = result_def()

    assembly_format = "$source attr-dict `:` type($source) `to` type($result)"

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, result_type: Attribute):
        super().__init__(operands=[source], result_types=[result_type])

    def verify_(self) -> None:
        if dims_of(self.source.type) != dims_of(self.result.type):
            raise VerifyException(f"{self.name} keeps the shape of its source")


@irdl_op_definition
class CastOp(CastBase):
    """Elementwise dtype conversion; `explicit` when the kernel asked for it (`.to()`)."""

    name = "tile.cast"

    # an op's own rounding of its result may be skipped (fold-rounding-casts); an
    # explicit one never is
    explicit = opt_prop_def(UnitAttr)

    assembly_format = (
        "$source (`explicit` $explicit^)? attr-dict `:` type($source) `to` type($result)"
    )

    def __init__(self, source: SSAValue, result_type: Attribute, explicit: bool = False):
        IRDLOperation.__init__(
            self,
            operands=[source],
            result_types=[result_type],
            properties={"explicit": UnitAttr() if explicit else None},
        )


@irdl_op_definition
class BroadcastOp(ShapeOpBase):
    """Repeats the size-1 dims of `source` to the result's dims."""

    name = "tile.broadcast"

    def verify_(self) -> None:
        verify_tile_tensor(self.result.type, self.name)
        src, dst = dims_of(self.source.type), dims_of(self.result.type)
        if len(src) != len(dst) or any(s != d and s != 1 for s, d in zip(src, dst)):
            raise VerifyException(f"tile.broadcast cannot expand {list(src)} to {list(dst)}")
        if element_type_of(self.source.type) != element_type_of(self.result.type):
            raise VerifyException("tile.broadcast keeps the element type")


@irdl_op_definition
class ReshapeOp(ShapeOpBase):
    """Views `source` in row-major order with another shape: block dims stay, in order;
    the static dims between them may be regrouped (same product)."""

    name = "tile.reshape"

    def verify_(self) -> None:
        verify_tile_tensor(self.result.type, self.name)
        src, dst = (
            _static_groups(dims_of(self.source.type)),
            _static_groups(dims_of(self.result.type)),
        )
        if src != dst:
            raise VerifyException(
                f"tile.reshape keeps block dims in order and the product of the static dims "
                f"between them: {list(dims_of(self.source.type))} vs {list(dims_of(self.result.type))}"
            )


def _static_groups(dims: Sequence[Dim]) -> list[Dim | int]:
    """The block dims, with the product of each run of static dims between them."""
    out: list[Dim | int] = []
    product = 1
    for d in dims:
        if isinstance(d, Blk):
            out += [product, d]
            product = 1
        else:
            product *= d
    return [*out, product]


@irdl_op_definition
class RelabelOp(ShapeOpBase):
    """Renames dims of `source` between a static size and a block of that size (a `:`
    dim over a power-of-two extent); such a block always stays whole, never rolled."""

    name = "tile.relabel"

    def verify_(self) -> None:
        verify_tile_tensor(self.result.type, self.name)
        src, dst = dims_of(self.source.type), dims_of(self.result.type)
        if len(src) != len(dst) or any(
            s != d and isinstance(s, int) == isinstance(d, int) for s, d in zip(src, dst)
        ):
            raise VerifyException(
                f"tile.relabel only renames static dims as blocks or back: {list(src)} vs {list(dst)}"
            )


class ReduceKind(StrEnum):
    SUM = "sum"
    PROD = "prod"
    MAX = "max"
    MIN = "min"


@irdl_attr_definition
class ReduceKindAttr(EnumAttribute[ReduceKind], SpacedOpaqueSyntaxAttribute):
    """The combining function of a reduction."""

    name = "tile.reduce_kind"


@irdl_op_definition
class ReduceOp(IRDLOperation):
    """Reduces `source` over `dims` with `kind`, keeping them as size 1 if `keepdim`
    (a float max or min is NaN where a lane is, as torch.amax/amin)."""

    name = "tile.reduce"

    kind = prop_def(ReduceKindAttr)
    source = operand_def(TensorType)
    dims = prop_def(DenseArrayBase.constr(i64))
    keepdim = opt_prop_def(UnitAttr)
    result = result_def(TensorType)

    assembly_format = (
        "$kind $source `dims` $dims (`keepdim` $keepdim^)? attr-dict "
        "`:` type($source) `->` type($result)"
    )

    traits = traits_def(Pure())

    def __init__(
        self,
        kind: ReduceKind,
        source: SSAValue,
        dims: Sequence[int],
        keepdim: bool,
        result_type: TensorType,
    ):
        super().__init__(
            operands=[source],
            result_types=[result_type],
            properties={
                "kind": ReduceKindAttr(kind),
                "dims": DenseArrayBase.from_list(i64, dims),
                "keepdim": UnitAttr() if keepdim else None,
            },
        )

    @property
    def reduced(self) -> tuple[int, ...]:
        return tuple(self.dims.get_values())

    def verify_(self) -> None:
        verify_tile_tensor(self.result.type, self.name)
        src = dims_of(self.source.type)
        red = self.reduced
        if sorted(set(red)) != list(red) or any(d < 0 or d >= len(src) for d in red):
            raise VerifyException("tile.reduce dims must be sorted, distinct and in range")
        want = tuple(
            1 if i in red else d
            for i, d in enumerate(src)
            if self.keepdim is not None or i not in red
        )
        if dims_of(self.result.type) != want:
            raise VerifyException(f"tile.reduce result dims must be {list(want)}")


class DotBase(IRDLOperation):
    """`lhs @ rhs` (plus `acc`): `$lhs, $rhs [acc $acc] : types -> type`."""

    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    acc = opt_operand_def(TensorType)
    result = result_def(TensorType)

    assembly_format = (
        "$lhs `,` $rhs (`acc` $acc^)? attr-dict `:` type($lhs) `,` type($rhs) "
        "(`,` type($acc)^)? `->` type($result)"
    )

    traits = traits_def(Pure())

    def __init__(self, lhs: SSAValue, rhs: SSAValue, acc: SSAValue | None, result_type: TensorType):
        super().__init__(
            operands=[lhs, rhs, [acc] if acc is not None else []],
            result_types=[result_type],
        )


@irdl_op_definition
class DotOp(DotBase):
    """Matrix product `lhs @ rhs` (plus `acc`), accumulated in the result type; with a
    leading batch dim, one product per batch entry."""

    name = "tile.dot"

    def verify_(self) -> None:
        verify_tile_tensor(self.result.type, self.name)
        a, b, r = dims_of(self.lhs.type), dims_of(self.rhs.type), dims_of(self.result.type)
        batch = a[:-2]
        if (
            len(a) not in (2, 3)
            or len(b) != len(a)
            or b[:-2] != batch
            or a[-1] != b[-2]
            or r != (*batch, a[-2], b[-1])
        ):
            raise VerifyException(
                f"tile.dot needs [B?, M, K] @ [B?, K, N] -> [B?, M, N], got {list(a)} @ "
                f"{list(b)} -> {list(r)}"
            )
        if self.acc is not None and self.acc.type != self.result.type:
            raise VerifyException("tile.dot accumulator must have the result type")


@irdl_op_definition
class MaskOp(IRDLOperation):
    """Replaces the lanes of `source` past the end of each handle's tile with `fill`."""

    name = "tile.mask"

    T: ClassVar = VarConstraint("T", base(TensorType))

    source = operand_def(T)
    handles = var_operand_def(TileType)
    fill = prop_def(base(FloatAttr) | base(IntegerAttr))
    result = result_def(T)

    assembly_format = (
        "$source `by` $handles `fill` $fill attr-dict `:` type($source) `[` type($handles) `]`"
    )

    traits = traits_def(Pure())

    def __init__(
        self, source: SSAValue, handles: Sequence[SSAValue], fill: FloatAttr | IntegerAttr
    ):
        super().__init__(
            operands=[source, handles],
            result_types=[source.type],
            properties={"fill": fill},
        )

    def verify_(self) -> None:
        if self.fill.type != element_type_of(self.source.type):
            raise VerifyException("tile.mask fill type must be the element type")
        dims = dims_of(self.source.type)
        for h in self.handles:
            if Blk(block_of(h)) not in dims:
                raise VerifyException(
                    f"tile.mask handle of block {block_of(h)} is not a dim of its source"
                )


class Predicate(StrEnum):
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    EQ = "eq"
    NE = "ne"


@irdl_attr_definition
class PredicateAttr(EnumAttribute[Predicate], SpacedOpaqueSyntaxAttribute):
    """A comparison: `lt`, `le`, `gt`, `ge`, `eq` or `ne`."""

    name = "tile.predicate"


def bool_like(t: Attribute) -> Attribute:
    """The i1 type of the same shape as `t`."""
    if isinstance(t, TensorType):
        return TensorType(i1, t.get_shape(), t.encoding)
    return i1


class CmpBase(IRDLOperation):
    """Elementwise comparison, false wherever a NaN takes part (except `ne`)."""

    T: ClassVar = VarConstraint("T", AnyAttr())

    predicate = prop_def(PredicateAttr)
    lhs = operand_def(T)
    rhs = operand_def(T)
    result = result_def()

    assembly_format = "$predicate $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(
        self,
        predicate: Predicate,
        lhs: SSAValue,
        rhs: SSAValue,
        result_type: Attribute | None = None,
    ):
        super().__init__(
            operands=[lhs, rhs],
            result_types=[result_type or bool_like(lhs.type)],
            properties={"predicate": PredicateAttr(predicate)},
        )

    def verify_(self) -> None:
        t = self.result.type
        if element_type_of(t) != i1 or dims_of(t) != dims_of(self.lhs.type):
            raise VerifyException(f"{self.name} gives i1 values of its operands' shape")


class WhereBase(IRDLOperation):
    """Elementwise choice: `lhs` where `cond` holds, else `rhs`."""

    T: ClassVar = VarConstraint("T", AnyAttr())

    cond = operand_def()
    lhs = operand_def(T)
    rhs = operand_def(T)
    result = result_def(T)

    assembly_format = "$cond `,` $lhs `,` $rhs attr-dict `:` type($cond) `,` type($result)"

    traits = traits_def(Pure())

    def __init__(self, cond: SSAValue, lhs: SSAValue, rhs: SSAValue):
        super().__init__(operands=[cond, lhs, rhs], result_types=[lhs.type])

    def verify_(self) -> None:
        c = self.cond.type
        if element_type_of(c) != i1 or dims_of(c) != dims_of(self.result.type):
            raise VerifyException(f"{self.name} condition must be i1 of the result's shape")


@irdl_op_definition
class CmpOp(CmpBase):
    """Elementwise comparison (arith's compare ops take scalars only)."""

    name = "tile.cmp"


@irdl_op_definition
class WhereOp(WhereBase):
    """Elementwise select (arith.select takes a scalar condition only)."""

    name = "tile.where"


# ---------------------------------------------------------------------------
# Data movement within a tile: permute, arg-reductions, scans, flips, sorts, join/split.
# The bases are shared with the `triton` dialect, which mirrors each op.


def _verify_axis(op: Operation, dim: int, rank: int) -> None:
    if not 0 <= dim < rank:
        raise VerifyException(f"{op.name} dim {dim} is out of range for rank {rank}")


class PermuteBase(IRDLOperation):
    """`source` with its dims reordered: result dim `i` is source dim `perm[i]`."""

    source = operand_def(TensorType)
    perm = prop_def(DenseArrayBase.constr(i64))
    result = result_def(TensorType)

    assembly_format = "$source `perm` $perm attr-dict `:` type($source) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, perm: Sequence[int], result_type: Attribute):
        super().__init__(
            operands=[source],
            result_types=[result_type],
            properties={"perm": DenseArrayBase.from_list(i64, perm)},
        )

    def verify_(self) -> None:
        src = dims_of(self.source.type)
        perm = list(self.perm.get_values())
        if sorted(perm) != list(range(len(src))):
            raise VerifyException(f"{self.name} perm must be a permutation of the source dims")
        if dims_of(self.result.type) != tuple(src[p] for p in perm):
            raise VerifyException(f"{self.name} result dims must be the source dims permuted")


@irdl_op_definition
class PermuteOp(PermuteBase):
    """Reorders the dims of a tile (`permute`, `transpose`, `.T`)."""

    name = "tile.permute"


class AxisOpBase(IRDLOperation):
    """An op along one dim of its source: `$source dim N : type -> type`."""

    source = operand_def(TensorType)
    dim = prop_def(IntegerAttr[i64])
    result = result_def(TensorType)

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, dim: int, result_type: Attribute, **props: Attribute):
        super().__init__(
            operands=[source],
            result_types=[result_type],
            properties={"dim": IntegerAttr(dim, i64), **props},
        )

    @property
    def axis(self) -> int:
        return self.dim.value.data

    def verify_same_type(self) -> None:
        _verify_axis(self, self.axis, len(dims_of(self.source.type)))
        if self.result.type != self.source.type:
            raise VerifyException(f"{self.name} keeps its source's type")


class ArgReduceBase(AxisOpBase):
    """The position along `dim` of the first max (`kind` = max) or min of `source`."""

    kind = prop_def(ReduceKindAttr)
    keepdim = opt_prop_def(UnitAttr)

    assembly_format = (
        "$kind $source `dim` $dim (`keepdim` $keepdim^)? attr-dict `:` type($source) "
        "`->` type($result)"
    )

    def verify_(self) -> None:
        src = dims_of(self.source.type)
        _verify_axis(self, self.axis, len(src))
        if self.kind.data not in (ReduceKind.MAX, ReduceKind.MIN):
            raise VerifyException(f"{self.name} kind must be max or min")
        if not isinstance(element_type_of(self.result.type), IntegerType):
            raise VerifyException(f"{self.name} gives integer positions")
        want = tuple(
            1 if i == self.axis else d
            for i, d in enumerate(src)
            if self.keepdim is not None or i != self.axis
        )
        if dims_of(self.result.type) != want:
            raise VerifyException(f"{self.name} result dims must be {list(want)}")


@irdl_op_definition
class ArgReduceOp(ArgReduceBase):
    """`argmax`/`argmin` of a tile along one dim (ties: the first position)."""

    name = "tile.arg_reduce"


class ScanBase(AxisOpBase):
    """Inclusive prefix combination of `source` along `dim` with `kind` (from the end
    when `reverse`)."""

    kind = prop_def(ReduceKindAttr)
    reverse = opt_prop_def(UnitAttr)

    assembly_format = (
        "$kind $source `dim` $dim (`reverse` $reverse^)? attr-dict `:` type($source) "
        "`->` type($result)"
    )

    def verify_(self) -> None:
        self.verify_same_type()


@irdl_op_definition
class ScanOp(ScanBase):
    """`cumsum`/`cumprod`/cumulative max and min of a tile along one dim."""

    name = "tile.scan"


class FlipBase(AxisOpBase):
    """`source` with the order of its elements along `dim` reversed."""

    assembly_format = "$source `dim` $dim attr-dict `:` type($source) `->` type($result)"

    def verify_(self) -> None:
        self.verify_same_type()


@irdl_op_definition
class FlipOp(FlipBase):
    """Reverses a tile along one dim whose every lane is in bounds."""

    name = "tile.flip"


class SortBase(AxisOpBase):
    """`source` sorted along `dim`, ascending unless `descending`."""

    descending = opt_prop_def(UnitAttr)

    assembly_format = (
        "$source `dim` $dim (`descending` $descending^)? attr-dict `:` type($source) "
        "`->` type($result)"
    )

    def verify_(self) -> None:
        self.verify_same_type()


@irdl_op_definition
class SortOp(SortBase):
    """Sorts a tile along one dim (padded lanes sort last); `indices`, when present, are
    the positions along `dim` that the sorted elements come from."""

    name = "tile.sort"

    result = result_def(TensorType)  # redeclared: the values come before the indices
    indices = opt_result_def(TensorType)

    assembly_format = (
        "$source `dim` $dim (`descending` $descending^)? attr-dict `:` type($source) "
        "`->` type($result) (`,` type($indices)^)?"
    )

    def __init__(
        self,
        source: SSAValue,
        dim: int,
        result_type: Attribute,
        indices_type: Attribute | None = None,
        **props: Attribute,
    ):
        IRDLOperation.__init__(
            self,
            operands=[source],
            result_types=[result_type, [indices_type] if indices_type is not None else []],
            properties={"dim": IntegerAttr(dim, i64), **props},
        )

    def verify_(self) -> None:
        super().verify_()
        _verify_indices(self, self.indices is not None)


class TopkBase(AxisOpBase):
    """The `k` largest elements of `source` along its last dim `dim`, largest first."""

    k = prop_def(IntegerAttr[i64])

    assembly_format = "$source `dim` $dim `k` $k attr-dict `:` type($source) `->` type($result)"

    def __init__(self, source: SSAValue, dim: int, k: int, result_type: Attribute):
        super().__init__(source, dim, result_type, k=IntegerAttr(k, i64))

    def verify_(self) -> None:
        dims = dims_of(self.source.type)
        _verify_axis(self, self.axis, len(dims))
        k = self.k.value.data
        if self.axis != len(dims) - 1:
            raise VerifyException(f"{self.name} works along the last dim")
        if k < 1 or k & (k - 1):
            raise VerifyException(f"{self.name} k must be a power of two")
        want = (*dims[:-1], k)
        elt = element_type_of(self.source.type)
        if dims_of(self.result.type) != want or element_type_of(self.result.type) != elt:
            raise VerifyException(f"{self.name} result is the source with its last dim k")


@irdl_op_definition
class TopkOp(TopkBase):
    """`torch.topk` values of a tile (padded lanes never among them), the `smallest` k
    (smallest first) when so marked; `indices`, when present, are their positions."""

    name = "tile.topk"

    smallest = opt_prop_def(UnitAttr)
    result = result_def(TensorType)  # redeclared: the values come before the indices
    indices = opt_result_def(TensorType)

    assembly_format = (
        "$source `dim` $dim `k` $k (`smallest` $smallest^)? attr-dict `:` type($source) "
        "`->` type($result) (`,` type($indices)^)?"
    )

    def __init__(
        self,
        source: SSAValue,
        dim: int,
        k: int,
        result_type: Attribute,
        indices_type: Attribute | None = None,
        smallest: bool = False,
    ):
        IRDLOperation.__init__(
            self,
            operands=[source],
            result_types=[result_type, [indices_type] if indices_type is not None else []],
            properties={
                "dim": IntegerAttr(dim, i64),
                "k": IntegerAttr(k, i64),
                "smallest": UnitAttr() if smallest else None,
            },
        )

    def verify_(self) -> None:
        super().verify_()
        _verify_indices(self, self.indices is not None or self.smallest is not None)


def _verify_indices(op: SortOp | TopkOp, keyed: bool) -> None:
    """Indices (and `smallest`) come from sorting each element's bits and position packed
    into one 64-bit key: elements of at most 32 bits."""
    if not keyed:
        return
    if element_width(element_type_of(op.source.type)) > 32:
        raise VerifyException(
            f"{op.name} gives indices (or the smallest) of elements of at most 32 bits only"
        )
    if op.indices is not None and (
        dims_of(op.indices.type) != dims_of(op.result.type)
        or element_type_of(op.indices.type) != i64
    ):
        raise VerifyException(f"{op.name} indices are i64 of its result's shape")


def element_width(t: Attribute) -> int:
    """The width in bits of an integer or float element type."""
    if isinstance(t, IntegerType):
        return t.width.data
    return t.bitwidth  # type: ignore[attr-defined]


class JoinBase(IRDLOperation):
    """`lhs` and `rhs` stacked along a new last dim of size 2."""

    T: ClassVar = VarConstraint("T", base(TensorType))

    lhs = operand_def(T)
    rhs = operand_def(T)
    result = result_def(TensorType)

    assembly_format = "$lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, lhs: SSAValue, rhs: SSAValue, result_type: Attribute):
        super().__init__(operands=[lhs, rhs], result_types=[result_type])

    def verify_(self) -> None:
        if dims_of(self.result.type) != (*dims_of(self.lhs.type), 2):
            raise VerifyException(f"{self.name} adds a last dim of size 2")


class GatherBase(IRDLOperation):
    """`out[..., j, ...] = source[..., index[..., j, ...], ...]` along `dim`: `index` has
    `source`'s rank, and the result `index`'s shape with `source`'s element type."""

    source = operand_def(TensorType)
    index = operand_def(TensorType)
    dim = prop_def(IntegerAttr[i64])
    result = result_def(TensorType)

    assembly_format = (
        "$source `[` $index `]` `dim` $dim attr-dict `:` type($source) `,` type($index) "
        "`->` type($result)"
    )

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, index: SSAValue, dim: int, result_type: Attribute):
        super().__init__(
            operands=[source, index],
            result_types=[result_type],
            properties={"dim": IntegerAttr(dim, i64)},
        )

    @property
    def axis(self) -> int:
        return self.dim.value.data

    def verify_(self) -> None:
        source, index, result = self.source.type, self.index.type, self.result.type
        assert isinstance(source, TensorType) and isinstance(index, TensorType)
        assert isinstance(result, TensorType)
        _verify_axis(self, self.axis, len(dims_of(source)))
        if not isinstance(index.element_type, IntegerType):
            raise VerifyException(f"{self.name} indices must be integers")
        if len(dims_of(index)) != len(dims_of(source)):
            raise VerifyException(f"{self.name} index must have the source's rank")
        if dims_of(result) != dims_of(index) or result.element_type != source.element_type:
            raise VerifyException(
                f"{self.name} result has the index's shape and the source's element type"
            )


@irdl_op_definition
class GatherOp(GatherBase):
    """`torch.gather` of a tile along one dim whose every lane is in bounds."""

    name = "tile.gather"


class RandBase(IRDLOperation):
    """Uniform random float32 numbers in [0, 1), one per element of `offsets`: Philox
    keyed by `seed` at each offset, so the numbers depend on positions, not on tiling."""

    seed = operand_def(IntegerType)
    offsets = operand_def(TensorType)
    result = result_def(TensorType)

    assembly_format = (
        "$seed `,` $offsets attr-dict `:` type($seed) `,` type($offsets) `->` type($result)"
    )

    traits = traits_def(Pure())

    def __init__(self, seed: SSAValue, offsets: SSAValue, result_type: Attribute):
        super().__init__(operands=[seed, offsets], result_types=[result_type])

    def verify_(self) -> None:
        offsets, result = self.offsets.type, self.result.type
        assert isinstance(offsets, TensorType) and isinstance(result, TensorType)
        if not isinstance(offsets.element_type, IntegerType):
            raise VerifyException(f"{self.name} offsets must be integers")
        if result.element_type != f32 or dims_of(result) != dims_of(offsets):
            raise VerifyException(f"{self.name} gives a float32 per offset, of its shape")


@irdl_op_definition
class RandOp(RandBase):
    """`hl.rand`: uniform random numbers in [0, 1) at the given offsets."""

    name = "tile.rand"


class CombineBase(IRDLOperation):
    """A reduction (or, with `scan`, an inclusive prefix scan) of the tiles `inputs`
    along `dim`, combining lanes with the `combine` region: it takes one value of each
    input for the left and one for the right operand (0-d tensors) and yields one of
    each. Padded lanes hold `other` (one per input)."""

    inputs = var_operand_def(TensorType)
    res = var_result_def(TensorType)
    dim = prop_def(IntegerAttr[i64])
    keepdim = opt_prop_def(UnitAttr)
    scan = opt_prop_def(UnitAttr)
    reverse = opt_prop_def(UnitAttr)
    other = prop_def(ArrayAttr)
    combine = region_def("single_block")

    assembly_format = (
        "$inputs `dim` $dim (`keepdim` $keepdim^)? (`scan` $scan^)? (`reverse` $reverse^)? "
        "`other` $other `:` type($inputs) `->` type($res) $combine attr-dict"
    )

    traits = traits_def(RecursiveMemoryEffect())

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        dim: int,
        result_types: Sequence[Attribute],
        combine: Region,
        other: Sequence[Attribute],
        *,
        keepdim: bool = False,
        scan: bool = False,
        reverse: bool = False,
    ):
        flags = {"keepdim": keepdim, "scan": scan, "reverse": reverse}
        super().__init__(
            operands=[inputs],
            result_types=[result_types],
            regions=[combine],
            properties={
                "dim": IntegerAttr(dim, i64),
                "other": ArrayAttr(other),
                **{k: UnitAttr() for k, on in flags.items() if on},
            },
        )

    @property
    def axis(self) -> int:
        return self.dim.value.data

    def verify_(self) -> None:
        if (
            not self.inputs
            or len(self.res) != len(self.inputs)
            or len(self.other) != len(self.inputs)
        ):
            raise VerifyException(f"{self.name} needs one result and one `other` per input")
        dims = dims_of(self.inputs[0].type)
        _verify_axis(self, self.axis, len(dims))
        elements = [element_type_of(v.type) for v in self.inputs]
        scalars = [TensorType(e, []) for e in elements]
        if [a.type for a in self.combine.block.args] != scalars + scalars:
            raise VerifyException(f"{self.name} combine takes two 0-d values of each input")
        last = self.combine.block.last_op
        if last is None or [v.type for v in last.operands] != scalars:
            raise VerifyException(f"{self.name} combine yields one 0-d value of each input")
        if self.scan is not None:
            want = dims
        else:
            want = tuple(
                1 if i == self.axis else d
                for i, d in enumerate(dims)
                if self.keepdim is not None or i != self.axis
            )
        for v, r in zip(self.inputs, self.res):
            if dims_of(v.type) != dims or dims_of(r.type) != want:
                raise VerifyException(
                    f"{self.name} inputs share dims; results have dims {list(want)}"
                )


@irdl_op_definition
class CombineOp(CombineBase):
    """`hl.reduce` / `hl.associative_scan` with the user's combine function."""

    name = "tile.combine"


@irdl_op_definition
class JoinOp(JoinBase):
    """Pairs two tiles along a new last dim (`hl.join`, `torch.stack(..., -1)`)."""

    name = "tile.join"


class SplitBase(IRDLOperation):
    """The two halves of `source` along its last dim, of size 2."""

    T: ClassVar = VarConstraint("T", base(TensorType))

    source = operand_def(TensorType)
    lhs = result_def(T)
    rhs = result_def(T)

    assembly_format = "$source attr-dict `:` type($source) `->` type($lhs)"

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, result_type: Attribute):
        super().__init__(operands=[source], result_types=[result_type, result_type])

    def verify_(self) -> None:
        if dims_of(self.source.type) != (*dims_of(self.lhs.type), 2):
            raise VerifyException(f"{self.name} takes a last dim of size 2 apart")


@irdl_op_definition
class SplitOp(SplitBase):
    """Takes a tile apart along its last dim of size 2 (`hl.split`)."""

    name = "tile.split"


Tile = Dialect(
    "tile",
    [
        KernelOp,
        GridOp,
        ForOp,
        IfOp,
        WhileOp,
        YieldOp,
        RDimOp,
        BeginOp,
        EndOp,
        BlockSizeOp,
        TileIdOp,
        TileCountOp,
        IndexOp,
        LoadOp,
        StoreOp,
        AtomicOp,
        FullOp,
        IotaOp,
        SplatOp,
        CastOp,
        BroadcastOp,
        ReshapeOp,
        RelabelOp,
        ReduceOp,
        DotOp,
        MaskOp,
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
    ],
    [BlocksAttr, TileType, ReduceKindAttr, PredicateAttr, AtomicKindAttr],
)
