"""The `cfg` dialect: the tunables of a kernel, as IR.

A config slot is a key (`block_sizes`, `num_warps`, ...) and, for list-valued keys, an
index. `cfg.param` is the SSA value of a slot and `#cfg.ref<key[i]>` the same slot
used as an attribute. Each slot has a domain (`#cfg.pow2<16, 128>`, ...) and a default.
`cfg.space` lists every slot of a module; it is derived from the params and refs in the
IR, never written by hand. Only `bind-config` replaces slots with values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xdsl.dialects.builtin import (
    ArrayAttr,
    BoolAttr,
    IndexType,
    IntAttr,
    IntegerAttr,
    IntegerType,
    NoneAttr,
    NoneType,
    StringAttr,
    i64,
)
from xdsl.ir import Attribute, Block, Dialect, ParametrizedAttribute, Region
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    prop_def,
    region_def,
    result_def,
    traits_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import NoTerminator, Pure
from xdsl.utils.exceptions import VerifyException

ConfigValue = int | str | bool | None | list[int]

# ---------------------------------------------------------------------------
# Domains


class Domain(ParametrizedAttribute):
    """The values a slot may take. Subclasses say which and how to normalize."""

    def contains(self, value: object) -> bool:
        raise NotImplementedError

    def normalize(self, value: object) -> ConfigValue:
        """`value` moved into the domain the way Helion clamps it, or ValueError."""
        if not self.contains(value):
            raise ValueError(f"{value!r} is not {self.describe()}")
        return value  # type: ignore[return-value]

    def describe(self) -> str:
        raise NotImplementedError


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_pow2(v: int) -> bool:
    return v > 0 and v & (v - 1) == 0


class _RangeDomain(Domain):
    """A domain bounded by `low` and `high` (each subclass declares both: IRDL reads
    parameters from the decorated class only)."""

    low: IntAttr
    high: IntAttr

    def __init__(self, low: int, high: int):
        super().__init__(IntAttr(low), IntAttr(high))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        start = parser.pos
        with parser.in_angle_brackets():
            low = parser.parse_integer()
            parser.parse_punctuation(",")
            high = parser.parse_integer()
        if low > high:
            parser.raise_error(f"{cls.name}: empty range [{low}, {high}]", start, parser.pos)
        return IntAttr(low), IntAttr(high)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.low.data}, {self.high.data}>")

    def verify(self) -> None:
        if self.low.data > self.high.data:
            raise VerifyException(f"{self.name}: empty range")


@irdl_attr_definition
class Pow2Attr(_RangeDomain):
    """`#cfg.pow2<lo, hi>`: a power of two in [lo, hi]."""

    name = "cfg.pow2"

    low: IntAttr
    high: IntAttr

    def contains(self, value: object) -> bool:
        return _is_int(value) and _is_pow2(value) and self.low.data <= value <= self.high.data  # type: ignore[operator]

    def normalize(self, value: object) -> ConfigValue:
        if not _is_int(value) or not _is_pow2(value):  # type: ignore[arg-type]
            raise ValueError(f"{value!r} is not a power of two")
        return min(max(value, self.low.data), self.high.data)  # type: ignore[type-var]

    def describe(self) -> str:
        return f"a power of two in [{self.low.data}, {self.high.data}]"


@irdl_attr_definition
class IntRangeAttr(_RangeDomain):
    """`#cfg.int<lo, hi>`: an integer in [lo, hi]."""

    name = "cfg.int"

    low: IntAttr
    high: IntAttr

    def contains(self, value: object) -> bool:
        return _is_int(value) and self.low.data <= value <= self.high.data  # type: ignore[operator]

    def describe(self) -> str:
        return f"an integer in [{self.low.data}, {self.high.data}]"


@irdl_attr_definition
class ChunkAttr(_RangeDomain):
    """`#cfg.chunk<lo, full>`: `None` (the whole extent, `full`) or a power of two in [lo, full)."""

    name = "cfg.chunk"

    low: IntAttr
    high: IntAttr

    def contains(self, value: object) -> bool:
        return value is None or (
            _is_int(value) and _is_pow2(value) and self.low.data <= value < self.high.data  # type: ignore[arg-type,operator]
        )

    def normalize(self, value: object) -> ConfigValue:
        if value is None:
            return None
        if not _is_int(value) or not _is_pow2(value):  # type: ignore[arg-type]
            raise ValueError(f"{value!r} is neither None nor a power of two")
        if value >= self.high.data:  # type: ignore[operator]
            return None
        return max(value, self.low.data)  # type: ignore[type-var]

    def size(self, value: int | None) -> int:
        """The chunk size a value stands for: `None` means the whole (padded) extent."""
        return self.high.data if value is None else value

    def describe(self) -> str:
        return f"None or a power of two in [{self.low.data}, {self.high.data})"


@irdl_attr_definition
class EnumAttr(Domain):
    """`#cfg.enum<"flat", "xyz">`: one of the listed values (strings, ints, bools, none)."""

    name = "cfg.enum"

    choices: ArrayAttr

    def __init__(self, choices: Sequence[ConfigValue]):
        super().__init__(ArrayAttr(value_attr(c) for c in choices))

    @property
    def values(self) -> list[ConfigValue]:
        return [attr_value(a) for a in self.choices.data]

    def contains(self, value: object) -> bool:
        return any(value == v and type(value) is type(v) for v in self.values)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        start = parser.pos
        choices = parser.parse_comma_separated_list(parser.Delimiter.ANGLE, parser.parse_attribute)
        for c in choices:
            try:
                attr_value(c)
            except ValueError as e:
                parser.raise_error(str(e), start, parser.pos)
        if not choices:
            parser.raise_error("cfg.enum needs at least one value", start, parser.pos)
        return (ArrayAttr(choices),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_list(self.choices.data, printer.print_attribute)


@irdl_attr_definition
class PermAttr(Domain):
    """`#cfg.perm<n>`: a permutation of `[0, n)`, as a list."""

    name = "cfg.perm"

    size: IntAttr

    def __init__(self, size: int):
        super().__init__(IntAttr(size))

    def contains(self, value: object) -> bool:
        return isinstance(value, list) and sorted(value) == list(range(self.size.data))

    def normalize(self, value: object) -> ConfigValue:
        if isinstance(value, tuple):
            value = list(value)
        return super().normalize(value)

    def describe(self) -> str:
        return f"a permutation of {list(range(self.size.data))}"

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (IntAttr(parser.parse_integer(allow_negative=False)),)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.size.data}>")


# ---------------------------------------------------------------------------
# Values as attributes


def value_attr(value: ConfigValue) -> Attribute:
    if value is None:
        return NoneAttr()
    if isinstance(value, bool):
        return BoolAttr.from_bool(value)
    if isinstance(value, int):
        return IntegerAttr(value, i64)
    if isinstance(value, str):
        return StringAttr(value)
    return ArrayAttr(IntegerAttr(v, i64) for v in value)


def attr_value(attr: Attribute) -> Any:
    if isinstance(attr, NoneAttr | NoneType):
        return None
    if isinstance(attr, IntegerAttr):
        if not isinstance(attr.type, IntegerType):
            raise ValueError(f"a config value is an integer (e.g. `8 : i64`), not {attr}")
        v = attr.value.data
        return bool(v) if attr.type.width.data == 1 else v
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, ArrayAttr):
        return [attr_value(a) for a in attr.data]
    raise ValueError(f"not a config value: {attr}")


# ---------------------------------------------------------------------------
# Slots


@irdl_attr_definition
class RefAttr(ParametrizedAttribute):
    """`#cfg.ref<key[i] in <domain> default <value>>`: a config slot and what it may hold."""

    name = "cfg.ref"

    key: StringAttr
    index: IntAttr  # -1 for scalar keys
    domain: Domain
    default: Attribute

    def __init__(self, key: str, index: int | None, domain: Domain, default: ConfigValue):
        super().__init__(
            StringAttr(key),
            IntAttr(-1 if index is None else index),
            domain,
            value_attr(default),
        )

    @property
    def slot(self) -> tuple[str, int | None]:
        i = self.index.data
        return self.key.data, (None if i < 0 else i)

    @property
    def default_value(self) -> ConfigValue:
        return attr_value(self.default)

    def slot_name(self) -> str:
        key, i = self.slot
        return key if i is None else f"{key}[{i}]"

    def verify(self) -> None:
        try:
            default = self.default_value
        except ValueError as e:
            raise VerifyException(str(e)) from None
        if not self.domain.contains(default):
            raise VerifyException(
                f"config slot {self.slot_name()}: default {default!r} is not "
                f"{self.domain.describe()}"
            )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return parse_slot_body(parser)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            print_slot_body(printer, self)


def print_slot_body(printer: Printer, ref: RefAttr) -> None:
    printer.print_string(f"{ref.slot_name()} in ")
    printer.print_attribute(ref.domain)
    printer.print_string(" default ")
    printer.print_attribute(ref.default)


def parse_slot_body(parser: AttrParser) -> tuple[Attribute, ...]:
    key = parser.parse_identifier(" (a config key)")
    index = -1
    if parser.parse_optional_punctuation("["):
        index = parser.parse_integer(allow_negative=False)
        parser.parse_punctuation("]")
    parser.parse_keyword("in")
    pos = parser.pos
    domain = parser.parse_attribute()
    if not isinstance(domain, Domain):
        parser.raise_error("expected a config domain such as #cfg.pow2<1, 64>", pos)
    parser.parse_keyword("default")
    pos = parser.pos
    default = parser.parse_attribute()
    try:
        value = attr_value(default)
    except ValueError as e:
        parser.raise_error(str(e), pos, parser.pos)
    if not domain.contains(value):
        parser.raise_error(f"default {value!r} is not {domain.describe()}", pos, parser.pos)
    return StringAttr(key), IntAttr(index), domain, default


# ---------------------------------------------------------------------------
# Ops


@irdl_op_definition
class ParamOp(IRDLOperation):
    """The value of a config slot; `bind-config` replaces it with a constant."""

    name = "cfg.param"

    slot = prop_def(RefAttr)
    result = result_def(IndexType)

    traits = traits_def(Pure())

    def __init__(self, slot: RefAttr):
        super().__init__(result_types=[IndexType()], properties={"slot": slot})

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        print_slot_body(printer, self.slot)
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> ParamOp:
        slot = RefAttr.new(parse_slot_body(parser))
        return cls.create(
            result_types=[IndexType()],
            properties={"slot": slot},
            attributes=parser.parse_optional_attr_dict(),
        )


@irdl_op_definition
class SlotOp(IRDLOperation):
    """One entry of the search space, with the op that owns it."""

    name = "cfg.slot"

    slot = prop_def(RefAttr)
    owner = prop_def(StringAttr)

    def __init__(self, slot: RefAttr, owner: str):
        super().__init__(properties={"slot": slot, "owner": StringAttr(owner)})

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        print_slot_body(printer, self.slot)
        printer.print_string(" owner ")
        printer.print_string_literal(self.owner.data)
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> SlotOp:
        slot = RefAttr.new(parse_slot_body(parser))
        parser.parse_keyword("owner")
        owner = StringAttr(parser.parse_str_literal())
        return cls.create(
            properties={"slot": slot, "owner": owner},
            attributes=parser.parse_optional_attr_dict(),
        )


@irdl_op_definition
class SpaceOp(IRDLOperation):
    """The search space of the kernel beside it: one `cfg.slot` per tunable."""

    name = "cfg.space"

    body = region_def("single_block")

    assembly_format = "attr-dict-with-keyword $body"

    traits = traits_def(NoTerminator())

    def __init__(self, slots: Sequence[SlotOp]):
        super().__init__(regions=[Region(Block(slots))])

    @property
    def slots(self) -> list[SlotOp]:
        return [op for op in self.body.block.ops if isinstance(op, SlotOp)]

    def verify_(self) -> None:
        seen: set[tuple[str, int | None]] = set()
        for op in self.body.block.ops:
            if not isinstance(op, SlotOp):
                raise VerifyException("cfg.space holds only cfg.slot ops")
            if op.slot.slot in seen:
                raise VerifyException(f"cfg.space lists {op.slot.slot_name()} twice")
            seen.add(op.slot.slot)


Cfg = Dialect(
    "cfg",
    [ParamOp, SlotOp, SpaceOp],
    [RefAttr, Pow2Attr, IntRangeAttr, ChunkAttr, EnumAttr, PermAttr],
)
