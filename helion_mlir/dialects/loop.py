"""The `loop` dialect: the iteration structure of a kernel, with its tunables as values.

Block sizes are SSA values here (`cfg.param` until `bind-config`). `loop.launch` is the
launch grid, `loop.for` a sequential device loop and `loop.reduce_for` the chunk loop
of a rolled reduction (a persistent reduction is its one-trip case). Their bodies
receive tile offsets; `loop.tile` turns an offset into the `!tile.tile` handle that
`tile` ops index with. `tile` compute ops pass through this level unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import IndexType
from xdsl.ir import Attribute, Dialect, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasParent,
    IsTerminator,
    Pure,
    RecursiveMemoryEffect,
    SingleBlockImplicitTerminator,
    ensure_terminator,
)
from xdsl.utils.exceptions import VerifyException

from helion_mlir.dialects.syntax import (
    SerialLoopBase,
    parse_extra,
    parse_header,
    parse_index,
    print_body,
    print_extra,
    print_header,
)
from helion_mlir.dialects.tile import TileType


@irdl_op_definition
class LaunchOp(IRDLOperation):
    """The launch grid: one program per tile of each dimension, in parallel."""

    name = "loop.launch"

    lbs = var_operand_def(IndexType)
    ubs = var_operand_def(IndexType)
    steps = var_operand_def(IndexType)
    num_warps = operand_def(IndexType)
    num_stages = operand_def(IndexType)
    body = region_def("single_block")

    # Config slots (`#cfg.ref`s, values once bound) of the launch's program mapping,
    # and the `tl.range` options of the loop a persistent kernel runs.
    loop_order = opt_prop_def(Attribute)
    pid_type = opt_prop_def(Attribute)
    l2_grouping = opt_prop_def(Attribute)
    flatten = opt_prop_def(Attribute)
    num_sm_multiplier = opt_prop_def(Attribute)
    maxnreg = opt_prop_def(Attribute)
    range_unroll_factor = opt_prop_def(Attribute)
    range_num_stages = opt_prop_def(Attribute)
    range_multi_buffer = opt_prop_def(Attribute)
    range_flatten = opt_prop_def(Attribute)
    range_warp_specialize = opt_prop_def(Attribute)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    traits = lazy_traits_def(
        lambda: (SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())
    )

    def __init__(
        self,
        lbs: Sequence[SSAValue],
        ubs: Sequence[SSAValue],
        steps: Sequence[SSAValue],
        num_warps: SSAValue,
        num_stages: SSAValue,
        body: Region,
    ):
        super().__init__(operands=[lbs, ubs, steps, num_warps, num_stages], regions=[body])

    @property
    def offsets(self) -> tuple[SSAValue, ...]:
        return self.body.block.args

    def verify_(self) -> None:
        n = len(self.lbs)
        if n == 0 or len(self.ubs) != n or len(self.steps) != n:
            raise VerifyException("loop.launch needs a bound and a step per dimension")
        args = self.body.block.args
        if len(args) != n or not all(isinstance(a.type, IndexType) for a in args):
            raise VerifyException(f"loop.launch body must take {n} index offsets")

    def print(self, printer: Printer) -> None:
        print_header(printer, self.offsets, self.lbs, self.ubs, self.steps)
        printer.print_string(" warps ")
        printer.print_operand(self.num_warps)
        printer.print_string(" stages ")
        printer.print_operand(self.num_stages)
        print_body(printer, self.body, False)
        print_extra(printer, self)

    @classmethod
    def parse(cls, parser: Parser) -> LaunchOp:
        ivs, lbs, ubs, steps = parse_header(parser, with_steps=True)
        parser.parse_keyword("warps")
        warps = parse_index(parser)
        parser.parse_keyword("stages")
        stages = parse_index(parser)
        body = parser.parse_region([iv.resolve(IndexType()) for iv in ivs])
        op = cls(lbs, ubs, steps, warps, stages, body)
        parse_extra(parser, op)
        for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
            ensure_terminator(op, trait)
        return op


@irdl_op_definition
class ForOp(SerialLoopBase):
    """A sequential device loop over tiles."""

    name = "loop.for"

    # Config slots: `loop_order` on the outermost loop of the nest one N-D `tile.for`
    # became, the `tl.range` options, and `static_range` where the trip count is small.
    loop_order = opt_prop_def(Attribute)
    range_unroll_factor = opt_prop_def(Attribute)
    range_num_stages = opt_prop_def(Attribute)
    range_multi_buffer = opt_prop_def(Attribute)
    range_flatten = opt_prop_def(Attribute)
    range_warp_specialize = opt_prop_def(Attribute)
    # Hopper's `range_warp_specializes`: run the loop in the Gluon warp-specialized schedule
    gluon_warp_specialize = opt_prop_def(Attribute)
    static_range = opt_prop_def(Attribute)

    traits = lazy_traits_def(
        lambda: (SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())
    )


@irdl_op_definition
class ReduceForOp(SerialLoopBase):
    """The chunk loop of a rolled reduction; `step` is the chunk size."""

    name = "loop.reduce_for"

    traits = lazy_traits_def(
        lambda: (SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())
    )


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Ends a `loop` body, passing on the carried values."""

    name = "loop.yield"

    values = var_operand_def()

    assembly_format = "($values^ `:` type($values))? attr-dict"

    traits = lazy_traits_def(
        lambda: (IsTerminator(), Pure(), HasParent(LaunchOp, ForOp, ReduceForOp))
    )

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[values])


@irdl_op_definition
class TileOp(IRDLOperation):
    """The tile of `size` elements from `offset`, clipped at `end`."""

    name = "loop.tile"

    offset = operand_def(IndexType)
    size = operand_def(IndexType)
    end = operand_def(IndexType)
    result = result_def(TileType)

    assembly_format = "$offset `size` $size `end` $end attr-dict `:` type($result)"

    traits = traits_def(Pure())

    def __init__(self, offset: SSAValue, size: SSAValue, end: SSAValue, block: int):
        super().__init__(operands=[offset, size, end], result_types=[TileType(block)])


Loop = Dialect("loop", [LaunchOp, ForOp, ReduceForOp, YieldOp, TileOp], [])
