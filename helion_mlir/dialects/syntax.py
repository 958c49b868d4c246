"""Shared custom syntax for the loop-like ops of our dialects.

A loop header binds one induction value per dimension:

    %t0 = %lb0 to %ub0 [step %s0], %t1 = %lb1 to %ub1 [step %s1]

followed, for loops that carry values, by `iter_args(%a = %init) -> (types)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Attribute, Region, SSAValue
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer


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
        lbs.append(parser.parse_operand())
        parser.parse_keyword("to")
        ubs.append(parser.parse_operand())
        if with_steps:
            parser.parse_keyword("step")
            steps.append(parser.parse_operand())

    parser.parse_comma_separated_list(parser.Delimiter.NONE, one)
    return ivs, lbs, ubs, steps


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
    printer.print_region(
        body, print_entry_block_args=False, print_block_terminators=carries
    )

