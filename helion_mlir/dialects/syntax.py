"""Shared custom syntax for the loop-like ops of our dialects.

A loop header binds one induction value per dimension:

    %t0 = %lb0 to %ub0 [step %s0], %t1 = %lb1 to %ub1 [step %s1]

followed, for loops that carry values, by `iter_args(%a = %init) -> (types)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from xdsl.dialects.builtin import IndexType
from xdsl.ir import Attribute, Operation, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    operand_def,
    region_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import IsTerminator, SingleBlockImplicitTerminator, ensure_terminator
from xdsl.utils.exceptions import VerifyException


def print_header(
    printer: Printer,
    ivs: Sequence[SSAValue],
    lbs: Sequence[SSAValue],
    ubs: Sequence[SSAValue],
    steps: Sequence[SSAValue] = (),
) -> None:
    def one(i: int) -> None:
        printer.print_ssa_value(ivs[i])
        printer.print_string(" = ")
        printer.print_operand(lbs[i])
        printer.print_string(" to ")
        printer.print_operand(ubs[i])
        if steps:
            printer.print_string(" step ")
            printer.print_operand(steps[i])

    printer.print_string(" ")
    printer.print_list(range(len(ivs)), one)


def parse_header(
    parser: Parser, with_steps: bool
) -> tuple[
    list[Parser.UnresolvedArgument],
    list[SSAValue],
    list[SSAValue],
    list[SSAValue],
]:
    ivs: list[Parser.UnresolvedArgument] = []
    lbs: list[SSAValue] = []
    ubs: list[SSAValue] = []
    steps: list[SSAValue] = []

    def one() -> None:
        ivs.append(parser.parse_argument(expect_type=False))
        parser.parse_punctuation("=")
        lbs.append(parse_index(parser))
        parser.parse_keyword("to")
        ubs.append(parse_index(parser))
        if with_steps:
            parser.parse_keyword("step")
            steps.append(parse_index(parser))

    parser.parse_comma_separated_list(parser.Delimiter.NONE, one)
    return ivs, lbs, ubs, steps


def parse_index(parser: Parser) -> SSAValue:
    """An operand that must be an `index` (bounds, steps, launch settings)."""
    return parser.resolve_operand(parser.parse_unresolved_operand(), IndexType())


def print_extra(printer: Printer, op: Operation) -> None:
    """Print an op's properties (but operand segment sizes) and attributes as one dict."""
    props = {k: v for k, v in op.properties.items() if k != "operandSegmentSizes"}
    printer.print_op_attributes({**props, **op.attributes})


def parse_extra(parser: Parser, op: Operation) -> None:
    """Parse the dict `print_extra` prints: declared properties back into properties."""
    declared = set(op.get_irdl_definition().properties)  # type: ignore[attr-defined]
    for key, value in parser.parse_optional_attr_dict().items():
        (op.properties if key in declared else op.attributes)[key] = value


def print_iter_args(
    printer: Printer, carried: Sequence[SSAValue], inits: Sequence[SSAValue]
) -> None:
    if not carried:
        return
    printer.print_string(" iter_args(")
    printer.print_list(
        zip(carried, inits),
        lambda p: (
            printer.print_ssa_value(p[0]),
            printer.print_string(" = "),
            printer.print_operand(p[1]),
        ),
    )
    printer.print_string(") -> (")
    printer.print_list((a.type for a in carried), printer.print_attribute)
    printer.print_string(")")


def parse_iter_args(
    parser: Parser,
) -> tuple[list[Parser.Argument], list[SSAValue]]:
    if not parser.parse_optional_keyword("iter_args"):
        return [], []
    names: list[Parser.UnresolvedArgument] = []
    inits: list[UnresolvedOperand] = []

    def pair() -> None:
        names.append(parser.parse_argument(expect_type=False))
        parser.parse_punctuation("=")
        inits.append(parser.parse_unresolved_operand())

    pos = parser.pos
    parser.parse_comma_separated_list(parser.Delimiter.PAREN, pair)
    parser.parse_punctuation("->")
    types: list[Attribute] = parser.parse_comma_separated_list(
        parser.Delimiter.PAREN, parser.parse_type
    )
    if len(types) != len(names):
        parser.raise_error(
            f"expected {len(names)} iter_args types, got {len(types)}", pos, parser.pos
        )
    values = [parser.resolve_operand(o, t) for o, t in zip(inits, types)]
    return [n.resolve(t) for n, t in zip(names, types)], values


def print_body(printer: Printer, body: Region, carries: bool) -> None:
    printer.print_string(" ")
    printer.print_region(body, print_entry_block_args=False, print_block_terminators=carries)


class SerialLoopBase(IRDLOperation):
    """A one-dimensional loop `iv = lb, lb + step, ... < ub` carrying values.

    `%r = <op> %iv = %lb to %ub step %s iter_args(%a = %init) -> (types) { ... }`;
    subclasses give the name and the traits (their terminator).
    """

    lb = operand_def(IndexType)
    ub = operand_def(IndexType)
    step = operand_def(IndexType)
    iter_args = var_operand_def()
    res = var_result_def()
    body = region_def("single_block")

    def __init__(
        self,
        lb: SSAValue,
        ub: SSAValue,
        step: SSAValue,
        iter_args: Sequence[SSAValue],
        body: Region,
    ):
        super().__init__(
            operands=[lb, ub, step, iter_args],
            result_types=[[a.type for a in iter_args]],
            regions=[body],
        )

    @property
    def iv(self) -> SSAValue:
        return self.body.block.args[0]

    @property
    def offset(self) -> SSAValue:
        return self.body.block.args[0]

    @property
    def carried(self) -> tuple[SSAValue, ...]:
        return self.body.block.args[1:]

    def verify_(self) -> None:
        args = self.body.block.args
        if not args or not isinstance(args[0].type, IndexType):
            raise VerifyException(f"{self.name} body must start with an index argument")
        verify_carried(self, self.carried, self.iter_args, self.res)

    def print(self, printer: Printer) -> None:
        print_header(printer, [self.iv], [self.lb], [self.ub], [self.step])
        print_iter_args(printer, self.carried, self.iter_args)
        print_body(printer, self.body, bool(self.iter_args))
        print_extra(printer, self)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        ivs, lbs, ubs, steps = parse_header(parser, with_steps=True)
        if len(ivs) != 1:
            parser.raise_error(f"{cls.name} has exactly one induction variable")
        carried, inits = parse_iter_args(parser)
        body = parser.parse_region([ivs[0].resolve(IndexType()), *carried])
        op = cls(lbs[0], ubs[0], steps[0], inits, body)
        parse_extra(parser, op)
        if not inits:
            for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
                ensure_terminator(op, trait)
        return op


def verify_carried(
    op: Operation,
    carried: Sequence[SSAValue],
    inits: Sequence[SSAValue],
    results: Sequence[SSAValue],
) -> None:
    """Check that a loop's carried block arguments, inits, results and yield agree."""
    types = tuple(a.type for a in carried)
    if types != tuple(v.type for v in inits) or types != tuple(r.type for r in results):
        raise VerifyException(
            f"{op.name}: carried values, iter_args and results must have the same types"
        )
    last = op.regions[0].block.last_op
    if last is not None and last.has_trait(IsTerminator):
        if tuple(o.type for o in last.operands) != types:
            raise VerifyException(f"{op.name}: the yielded values must match the carried values")
