"""Prints a module of the `triton` emission dialect as Python source.

One statement per op, named after the op's name hint, except where a value reads
better inlined: constants, and scalar splats and broadcasts whose users broadcast
implicitly in Triton anyway (elementwise ops, loads, stores). Loop-carried values are
Python variables reassigned at the end of each iteration.
"""

from __future__ import annotations

import keyword
import math
import re
import struct
from collections.abc import Callable

from xdsl.dialects import arith
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import (
    AnyFloat,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    Signedness,
    TensorType,
    i32,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from helion_mlir import exc
from helion_mlir.backends.triton import dialect as tt
from helion_mlir.dialects import tile

RESERVED = {"tl", "triton", "float", "int", "range", "min", "max", "abs", "sum"}

_BINARY_OPERATORS: dict[type[Operation], str] = {
    arith.AddiOp: "+",
    arith.AddfOp: "+",
    arith.SubiOp: "-",
    arith.SubfOp: "-",
    arith.MuliOp: "*",
    arith.MulfOp: "*",
    arith.DivfOp: "/",
    arith.DivSIOp: "//",
    arith.RemSIOp: "%",
    arith.AndIOp: "&",
    arith.OrIOp: "|",
    arith.XOrIOp: "^",
    arith.ShLIOp: "<<",
    arith.ShRSIOp: ">>",
}

# arith.maximumf/minimumf, like torch.maximum/minimum and torch.amax, give NaN when an
# operand is NaN; Triton's default skips NaN (as maxnumf/minnumf, torch.fmax/fmin, do)
NAN = "propagate_nan=tl.PropagateNan.ALL"
_BINARY_CALLS: dict[type[Operation], str] = {
    arith.MaximumfOp: f"tl.maximum({{}}, {{}}, {NAN})",
    arith.MaxnumfOp: "tl.maximum({}, {})",
    arith.MaxSIOp: "tl.maximum({}, {})",
    arith.MinimumfOp: f"tl.minimum({{}}, {{}}, {NAN})",
    arith.MinnumfOp: "tl.minimum({}, {})",
    arith.MinSIOp: "tl.minimum({}, {})",
    arith.CeilDivSIOp: "tl.cdiv({}, {})",
}

_UNARY_CALLS: dict[type[Operation], str] = {
    mathd.ExpOp: "tl.exp",
    mathd.Exp2Op: "tl.exp2",
    mathd.LogOp: "tl.log",
    mathd.Log2Op: "tl.log2",
    mathd.SqrtOp: "tl.sqrt",
    mathd.RsqrtOp: "tl.rsqrt",
    mathd.ErfOp: "tl.erf",
    mathd.AbsFOp: "tl.abs",
    mathd.AbsIOp: "tl.abs",
    mathd.SinOp: "tl.sin",
    mathd.CosOp: "tl.cos",
    mathd.FloorOp: "tl.floor",
    mathd.CeilOp: "tl.ceil",
}

# Written as formulas over the functions above, which Triton's interpreter implements
# on the CPU too (its libdevice functions are stubs there).
_UNARY_FORMULAS: dict[type[Operation], Callable[[str], str]] = {
    mathd.TanhOp: lambda x: f"2 * tl.sigmoid(2 * {x}) - 1",
    mathd.Log1pOp: lambda x: f"tl.log(1 + {x})",
    mathd.ExpM1Op: lambda x: f"tl.exp({x}) - 1",
    mathd.TruncOp: lambda x: f"tl.where({x} < 0, tl.ceil({x}), tl.floor({x}))",
}

# Python's floor division on ints; Triton's `//` truncates toward zero
_BINARY_FORMULAS: dict[type[Operation], Callable[[str, str], str]] = {
    arith.FloorDivSIOp: lambda a, b: (
        f"tl.where(({a} % {b} != 0) & (({a} < 0) != ({b} < 0)), {a} // {b} - 1, {a} // {b})"
    ),
}

_CMP = {
    tile.Predicate.LT: "<",
    tile.Predicate.LE: "<=",
    tile.Predicate.GT: ">",
    tile.Predicate.GE: ">=",
    tile.Predicate.EQ: "==",
    tile.Predicate.NE: "!=",
}

_CASTS = (
    arith.ExtFOp,
    arith.TruncFOp,
    arith.SIToFPOp,
    arith.UIToFPOp,
    arith.FPToSIOp,
    arith.FPToUIOp,
    arith.ExtSIOp,
    arith.ExtUIOp,
    arith.TruncIOp,
    arith.IndexCastOp,
)

# reductions with a Triton builtin; float max and min reduce through the NaN-keeping
# combine functions below instead (`tl.max` skips NaN)
_REDUCE_CALLS = {"sum": "tl.sum", "max": "tl.max", "min": "tl.min"}
_FLOAT_REDUCE_CALLS = {"sum": "tl.sum"}
# combine functions for tl.reduce / tl.associative_scan where Triton has no builtin
_COMBINE_HELPERS = {
    "prod": "a * b",
    "max": f"tl.maximum(a, b, {NAN})",
    "min": f"tl.minimum(a, b, {NAN})",
}


def dtype_name(t: Attribute) -> str:
    """The `tl` dtype of an element (or tensor) type."""
    if isinstance(t, TensorType):
        t = t.element_type
    match t:
        case Float32Type():
            return "tl.float32"
        case Float16Type():
            return "tl.float16"
        case BFloat16Type():
            return "tl.bfloat16"
        case Float64Type():
            return "tl.float64"
        case IndexType():
            return "tl.int32"
        case IntegerType():
            width = t.width.data
            if width == 1:
                return "tl.int1"
            unsigned = t.signedness.data == Signedness.UNSIGNED
            return f"tl.{'u' if unsigned else ''}int{width}"
    raise exc.InternalError(f"no Triton dtype for {t}")


def literal(attr: Attribute) -> str:
    if isinstance(attr, FloatAttr):
        v = attr.value.data
        if math.isnan(v):
            return "float('nan')"
        if math.isinf(v):
            return "float('inf')" if v > 0 else "float('-inf')"
        return _shortest(v, attr.type.bitwidth)
    if isinstance(attr, IntegerAttr):
        v = attr.value.data
        if isinstance(attr.type, IntegerType) and attr.type.width.data == 1:
            return "True" if v else "False"
        return str(v)
    raise exc.InternalError(f"no Python literal for {attr}")


def _shortest(v: float, bits: int) -> str:
    """The shortest decimal that rounds to the same value at this float width."""
    if bits >= 64:
        return repr(v)
    fmt = {32: "f", 16: "e"}.get(bits, "f")
    target = struct.pack(fmt, v)
    for digits in range(1, 18):
        text = f"{v:.{digits}g}"
        if struct.pack(fmt, float(text)) == target:
            return text if any(c in text for c in ".en") else f"{text}.0"
    return repr(v)


def literal_value(attr: Attribute) -> str:
    if isinstance(attr, IntAttr):
        return str(attr.data)
    return literal(attr)


_ATOMIC = re.compile(
    r"^([\w.]+(\([^()]*\))?|[\w.]+\[[^\[\]]*\]|float\('[-a-z]+'\)|\d[\d.]*(e-?\d+)?)$"
)


def _shape(t: Attribute) -> tuple[int, ...]:
    return tuple(t.get_shape()) if isinstance(t, TensorType) else ()


def _broadcast_shapes(shapes: list[tuple[int, ...]]) -> tuple[int, ...]:
    rank = max((len(s) for s in shapes), default=0)
    out = [1] * rank
    for s in shapes:
        for i, d in enumerate(s, rank - len(s)):
            out[i] = max(out[i], d)
    return tuple(out)


def _implicitly_broadcasting(op: Operation) -> bool:
    elementwise = tt.LoadOp | tt.StoreOp | tt.AtomicOp | tt.CmpOp | tt.WhereOp
    if isinstance(op, tt.AtomicOp) and op.cmp is not None:
        return False  # tl.atomic_cas neither broadcasts nor converts its operands
    return op.dialect_name() in ("arith", "math") or isinstance(op, elementwise)


class PyEmitter:
    """Turns `triton` ops into lines of Python, naming each SSA value once."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0
        self.exprs: dict[SSAValue, str] = {}
        # values printed as their unbroadcast source: the shape that source has
        self.inlined_shapes: dict[SSAValue, tuple[int, ...]] = {}
        # values a branch computes only to yield: named as the `if`'s result at once
        self.preferred: dict[SSAValue, str] = {}
        self.taken: set[str] = set(RESERVED)
        self.helpers: set[str] = set()  # kinds needing a `_helion_<kind>` combine function
        self.functions: dict[str, str] = {}  # user combine functions: source -> name
        self.needs_num_sm = False
        self.needs_allocator = False

    def line(self, text: str = "") -> None:
        self.lines.append("    " * self.depth + text if text else "")

    def fresh(self, hint: str | None) -> str:
        base = re.sub(r"\W", "_", hint or "v") or "v"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = f"v_{base}"
        name, n = base, 0
        while name in self.taken:
            name = f"{base}_{n}"
            n += 1
        self.taken.add(name)
        return name

    def bind(self, value: SSAValue, hint: str | None = None) -> str:
        name = self.preferred.pop(value, None) or self.fresh(hint or value.name_hint)
        self.exprs[value] = name
        return name

    def expr(self, value: SSAValue) -> str:
        try:
            return self.exprs[value]
        except KeyError:
            raise exc.InternalError(f"value used before it is emitted: {value}") from None

    def operand(self, value: SSAValue) -> str:
        text = self.expr(value)
        return text if _ATOMIC.match(text) else f"({text})"

    # -- structure ---------------------------------------------------------------------

    def module(self, module: ModuleOp) -> str:
        body: list[str] = []
        # each function names its values afresh, around the module's own names
        top = {
            op.sym_name.data
            for op in module.ops
            if isinstance(op, tt.KernelOp | tt.LauncherOp | tt.EntryOp)
        }
        for op in module.ops:
            self.lines = []
            self.taken = set(RESERVED) | top
            if isinstance(op, tt.KernelOp):
                self.kernel(op)
            elif isinstance(op, tt.LauncherOp):
                self.launcher(op, module)
            elif isinstance(op, tt.EntryOp):
                self.entry(op)
            else:
                raise exc.InternalError(f"cannot emit {op.name} at module level")
            body.append("\n".join(self.lines))
        header = ["import triton", "import triton.language as tl", ""]
        if self.needs_num_sm:
            header.insert(2, "from helion_mlir.runtime.device import num_sm as _num_sm")
        if self.needs_allocator:
            header.insert(2, "from helion_mlir.runtime.device import use_tma_allocator")
            header.append("use_tma_allocator()")
        for kind in sorted(self.helpers):
            header += [
                "",
                "@triton.jit",
                f"def _helion_{kind}(a, b):",
                f"    return {_COMBINE_HELPERS[kind]}",
                "",
            ]
        for source in self.functions:
            header += ["", source, ""]
        return "\n".join(header) + "\n\n" + "\n\n\n".join(body) + "\n"

    def kernel(self, op: tt.KernelOp) -> None:
        params = [self.bind(a) for a in op.body.block.args]
        self.line("@triton.jit")
        self.line(f"def {op.sym_name.data}({', '.join(params)}):")
        self.depth += 1
        self.block(op.body.block)
        if not self.lines[-1].startswith("    " * self.depth):
            self.line("pass")
        self.depth -= 1

    def launcher(self, op: tt.LauncherOp, module: ModuleOp) -> None:
        kernel = next(
            k for k in module.ops if isinstance(k, tt.KernelOp) and k.sym_name == op.kernel
        )
        params = [self.exprs[a] for a in kernel.body.block.args]
        names = {f"arg{i}": p for i, p in enumerate(params)}
        grid = ", ".join(g.data.format(**names) for g in op.grid)
        self.needs_num_sm |= "_num_sm(" in grid
        options = [f"num_warps={op.num_warps.data}", f"num_stages={op.num_stages.data}"]
        if op.maxnreg is not None:
            options.append(f"maxnreg={op.maxnreg.data}")
        args = ", ".join([*params, *options])
        self.line(f"def {op.sym_name.data}({', '.join(params)}):")
        if grid == "0":  # an empty iteration space: nothing to launch
            self.line("    pass")
        else:
            self.line(f"    {op.kernel.data}[({grid},)]({args})")

    def entry(self, op: tt.EntryOp) -> None:
        params = [self.fresh(p.data) for p in op.params]
        self.line(f"def {op.sym_name.data}({', '.join(params)}):")
        for call, args in zip(op.calls, op.call_args):
            self.line(f"    {call.data}({', '.join(params[i] for i in args.get_values())})")

    def block(self, block: Block) -> None:
        for op in block.ops:
            self.op(op)

    # -- ops ---------------------------------------------------------------------------

    def assign(self, op: Operation, text: str) -> None:
        result = op.results[0]
        self.line(f"{self.bind(result)} = {text}")

    def combine_call(self, op: tt.CombineOp) -> None:
        inputs = [self.expr(v) for v in op.inputs]
        arg = inputs[0] if len(inputs) == 1 else f"({', '.join(inputs)})"
        fn = self.combine_function(op)
        if op.scan is not None:
            reverse = ", reverse=True" if op.reverse is not None else ""
            call = f"tl.associative_scan({arg}, {op.axis}, {fn}{reverse})"
        else:
            keep = ", keep_dims=True" if op.keepdim is not None else ""
            call = f"tl.reduce({arg}, {op.axis}, {fn}{keep})"
        names = [self.bind(r) for r in op.res]
        self.line(f"{', '.join(names)} = {call}")

    def combine_function(self, op: tt.CombineOp) -> str:
        """A module-level `@triton.jit` function of the user's combine region (one per
        distinct body)."""
        sub = PyEmitter()
        params = [sub.bind(a, a.name_hint or "v") for a in op.combine.block.args]
        sub.depth = 1
        *body, last = op.combine.block.ops
        for inner in body:
            sub.op(inner)
        sub.line(f"return {', '.join(sub.expr(v) for v in last.operands)}")
        self.helpers |= sub.helpers
        self.functions.update((k, v) for k, v in sub.functions.items() if k not in self.functions)
        name = f"_helion_combine_{len(self.functions)}"
        text = "\n".join(["@triton.jit", f"def {name}({', '.join(params)}):", *sub.lines])
        key = text.replace(name, "_")
        for source, existing in self.functions.items():
            if source.replace(existing, "_") == key:
                return existing
        self.functions[text] = name
        return name

    def combine(self, kind: str) -> str:
        """The name of the `@triton.jit` combine function of `kind`."""
        self.helpers.add(kind)
        return f"_helion_{kind}"

    @staticmethod
    def retyped(call: str, produced: Attribute, wanted: Attribute) -> str:
        """`call`, converted to `wanted`'s element type when it produces another."""
        elt = wanted.element_type if isinstance(wanted, TensorType) else wanted
        return call if elt == produced else f"{call}.to({dtype_name(elt)})"

    def effect(self, op: Operation, text: str) -> None:
        """A call made for its side effect, its result named only when used."""
        if op.results[0].uses:
            self.assign(op, text)
        else:
            self.line(text)

    def inline(self, op: Operation, text: str) -> None:
        self.exprs[op.results[0]] = text

    def inline_broadcast(self, op: Operation, text: str, source: Attribute) -> None:
        """Print a splat/broadcast/fill as its source, for the users to broadcast."""
        self.inline(op, text)
        self.inlined_shapes[op.results[0]] = _shape(source)

    def keep_shape(self, op: Operation) -> None:
        """Implicit broadcasting gives an op the shape of its operands together; where the
        inlined sources fall short of the op's shape, spell one out in full."""
        tensors = [v for v in op.operands if isinstance(v.type, TensorType)]
        full = _broadcast_shapes([_shape(v.type) for v in tensors])
        have = _broadcast_shapes([self.inlined_shapes.get(v, _shape(v.type)) for v in tensors])
        if have == full:
            return
        v = next(v for v in tensors if v in self.inlined_shapes and _shape(v.type) == full)
        del self.inlined_shapes[v]
        producer = v.owner
        shape = list(full)
        if isinstance(producer, tt.BroadcastOp):
            self.exprs[v] = f"tl.broadcast_to({self.expr(producer.source)}, {shape})"
        else:
            self.exprs[v] = f"tl.full({shape}, {self.exprs[v]}, {dtype_name(v.type)})"

    def op(self, op: Operation) -> None:
        o = self.operand
        if _implicitly_broadcasting(op):
            self.keep_shape(op)
        match op:
            case arith.ConstantOp():
                self.inline(op, literal(op.value))
            case tt.SplatOp() | tt.BroadcastOp():
                result = op.results[0]
                if all(_implicitly_broadcasting(u.operation) for u in result.uses):
                    self.inline_broadcast(op, self.expr(op.operands[0]), op.operands[0].type)
                elif isinstance(op, tt.SplatOp):
                    shape = list(result.type.get_shape())  # type: ignore[attr-defined]
                    self.assign(
                        op, f"tl.full({shape}, {self.expr(op.source)}, {dtype_name(result.type)})"
                    )
                else:
                    shape = list(result.type.get_shape())  # type: ignore[attr-defined]
                    self.assign(op, f"tl.broadcast_to({self.expr(op.source)}, {shape})")
            case tt.ReshapeOp():
                text = self.reshape(op)
                if op.result.has_one_use():
                    self.inline(op, text)
                else:
                    self.assign(op, text)
            case tt.ProgramIdOp():
                self.assign(op, f"tl.program_id({op.axis.data})")
            case tt.NumProgramsOp():
                self.assign(op, f"tl.num_programs({op.axis.data})")
            case tt.BlockLoadOp():
                args = [self.block_ptr(op), *self.boundary(op)]
                if op.eviction_policy is not None:
                    args.append(f"eviction_policy='{op.eviction_policy.data}'")
                self.assign(op, f"tl.load({', '.join(args)})")
            case tt.BlockStoreOp():
                args = [self.block_ptr(op), self.expr(op.value), *self.boundary(op)[:1]]
                self.line(f"tl.store({', '.join(args)})")
            case tt.MakeDescriptorOp():
                self.needs_allocator = True
                shape = ", ".join(self.expr(v) for v in op.shape)
                strides = ", ".join(self.expr(v) for v in op.strides)
                block = list(op.block_shape.get_values())
                self.assign(
                    op,
                    f"tl.make_tensor_descriptor({self.expr(op.base)}, shape=[{shape}], "
                    f"strides=[{strides}], block_shape={block})",
                )
            case tt.DescLoadOp():
                offsets = ", ".join(self.expr(v) for v in op.offsets)
                self.assign(op, f"{self.expr(op.desc)}.load([{offsets}])")
            case tt.DescStoreOp():
                offsets = ", ".join(self.expr(v) for v in op.offsets)
                self.line(f"{self.expr(op.desc)}.store([{offsets}], {self.expr(op.value)})")
            case tt.ArangeOp():
                self.assign(op, f"tl.arange(0, {op.result.type.get_shape()[0]})")
            case tt.AssertOp():
                # a Python assert: the interpreter runs it, Triton compiles it as
                # tl.device_assert (a no-op unless TRITON_DEBUG is set)
                cond = f"tl.min({self.operand(op.cond)}.to(tl.int32)) == 1"
                self.line(f"assert {cond}, {op.message.data!r}")
            case tt.FullOp() if all(_implicitly_broadcasting(u.operation) for u in op.result.uses):
                self.inline_broadcast(op, literal(op.value), op.value.type)
            case tt.FullOp():
                shape = list(op.result.type.get_shape())
                self.assign(
                    op, f"tl.full({shape}, {literal(op.value)}, {dtype_name(op.result.type)})"
                )
            case tt.LoadOp():
                args = [f"{self.expr(op.base)} + {o(op.offsets)}"]
                if op.mask is not None:
                    args += [self.expr(op.mask), "other=0"]
                if op.eviction_policy is not None:
                    args.append(f"eviction_policy='{op.eviction_policy.data}'")
                self.assign(op, f"tl.load({', '.join(args)})")
            case tt.StoreOp():
                args = [f"{self.expr(op.base)} + {o(op.offsets)}", self.expr(op.value)]
                if op.mask is not None:
                    args.append(self.expr(op.mask))
                self.line(f"tl.store({', '.join(args)})")
            case tt.AtomicOp():
                args = [f"{self.expr(op.base)} + {o(op.offsets)}"]
                if op.cmp is not None:
                    args.append(self.expr(op.cmp))
                args.append(self.expr(op.value))
                if op.mask is not None:
                    args.append(f"mask={self.expr(op.mask)}")
                args.append(f"sem='{op.sem.data}'")
                self.effect(op, f"tl.atomic_{op.kind.data.value}({', '.join(args)})")
            case tt.DescAtomicOp():
                offsets = ", ".join(self.expr(v) for v in op.offsets)
                call = f"atomic_{op.kind.data.value}([{offsets}], {self.expr(op.value)})"
                self.line(f"{self.expr(op.desc)}.{call}")
            case tt.DotOp():
                args = [self.expr(op.lhs), self.expr(op.rhs)]
                if op.acc is not None:
                    args.append(f"acc={self.expr(op.acc)}")
                if op.input_precision is not None:
                    args.append(f"input_precision='{op.input_precision.data}'")
                self.assign(op, f"tl.dot({', '.join(args)})")
            case tt.ReduceOp():
                kind = op.kind.data.value
                keep = ", keep_dims=True" if op.keep_dims is not None else ""
                is_float = isinstance(tile.element_type_of(op.source.type), AnyFloat)
                calls = _FLOAT_REDUCE_CALLS if is_float else _REDUCE_CALLS
                if kind in calls:
                    self.assign(op, f"{calls[kind]}({self.expr(op.source)}, {op.axis.data}{keep})")
                else:
                    self.assign(
                        op,
                        f"tl.reduce({self.expr(op.source)}, {op.axis.data}, {self.combine(kind)}{keep})",
                    )
            case tt.PermuteOp():
                self.assign(
                    op, f"tl.permute({self.expr(op.source)}, {tuple(op.perm.get_values())})"
                )
            case tt.ArgReduceOp():
                keep = ", keep_dims=True" if op.keepdim is not None else ""
                call = f"tl.arg{op.kind.data.value}({self.expr(op.source)}, {op.axis}{keep})"
                self.assign(op, self.retyped(call, i32, op.result.type))
            case tt.ScanOp():
                kind = op.kind.data.value
                reverse = ", reverse=True" if op.reverse is not None else ""
                if kind in ("sum", "prod"):
                    call = f"tl.cum{kind}({self.expr(op.source)}, {op.axis}{reverse})"
                else:
                    call = f"tl.associative_scan({self.expr(op.source)}, {op.axis}, {self.combine(kind)}{reverse})"
                self.assign(op, call)
            case tt.FlipOp():
                self.assign(op, f"tl.flip({self.expr(op.source)}, {op.axis})")
            case tt.SortOp():
                descending = ", descending=True" if op.descending is not None else ""
                self.assign(op, f"tl.sort({self.expr(op.source)}, {op.axis}{descending})")
            case tt.CombineOp():
                self.combine_call(op)
            case tt.TopkOp():
                self.assign(op, f"tl.topk({self.expr(op.source)}, {op.k.value.data}, {op.axis})")
            case tt.GatherOp():
                source, index = self.expr(op.source), self.expr(op.index)
                self.assign(op, f"tl.gather({source}, {index}, {op.axis})")
            case tt.RandOp():
                self.assign(op, f"tl.rand({self.expr(op.seed)}, {self.expr(op.offsets)})")
            case tt.JoinOp():
                self.assign(op, f"tl.join({self.expr(op.lhs)}, {self.expr(op.rhs)})")
            case tt.SplitOp():
                lhs, rhs = self.bind(op.lhs), self.bind(op.rhs)
                self.line(f"{lhs}, {rhs} = tl.split({self.expr(op.source)})")
            case tt.ForOp():
                self.for_loop(op)
            case tt.IfOp():
                self.if_(op)
            case tt.WhileOp():
                self.while_(op)
            case tt.YieldOp():
                self.yield_(op)
            case tt.WhereOp():
                self.assign(
                    op, f"tl.where({self.expr(op.cond)}, {self.expr(op.lhs)}, {self.expr(op.rhs)})"
                )
            case tt.CmpOp():
                self.assign(op, f"{o(op.lhs)} {_CMP[op.predicate.data]} {o(op.rhs)}")
            case arith.NegfOp():
                self.assign(op, f"-{o(op.operand)}")
            case _ if type(op) in _BINARY_OPERATORS:
                lhs, rhs = op.operands
                self.assign(op, f"{o(lhs)} {_BINARY_OPERATORS[type(op)]} {o(rhs)}")
            case _ if type(op) in _BINARY_FORMULAS:
                lhs, rhs = op.operands
                self.assign(op, _BINARY_FORMULAS[type(op)](o(lhs), o(rhs)))
            case _ if type(op) in _BINARY_CALLS:
                lhs, rhs = op.operands
                self.assign(op, _BINARY_CALLS[type(op)].format(self.expr(lhs), self.expr(rhs)))
            case _ if type(op) in _UNARY_CALLS:
                self.assign(op, f"{_UNARY_CALLS[type(op)]}({self.expr(op.operands[0])})")
            case _ if type(op) in _UNARY_FORMULAS:
                self.assign(op, _UNARY_FORMULAS[type(op)](o(op.operands[0])))
            case tt.BitcastOp():
                dtype = dtype_name(op.result.type)
                self.assign(op, f"{self.operand(op.source)}.to({dtype}, bitcast=True)")
            case _ if isinstance(op, (tt.CastOp, *_CASTS)):
                self.assign(op, self.cast(op.operands[0], op.results[0].type))
            case _:
                raise exc.InternalError(f"no Python emission for {op.name}")

    def block_ptr(self, op: tt.BlockLoadOp | tt.BlockStoreOp) -> str:
        shape = ", ".join(self.expr(v) for v in op.shape)
        strides = ", ".join(self.expr(v) for v in op.strides)
        offsets = ", ".join(self.expr(v) for v in op.offsets)
        t = op.result.type if isinstance(op, tt.BlockLoadOp) else op.value.type
        block = list(t.get_shape())  # type: ignore[attr-defined]
        order = list(op.order.get_values())
        return (
            f"tl.make_block_ptr({self.expr(op.base)}, [{shape}], [{strides}], [{offsets}], "
            f"{block}, {order})"
        )

    @staticmethod
    def boundary(op: tt.BlockLoadOp | tt.BlockStoreOp) -> list[str]:
        check = list(op.boundary_check.get_values())
        if not check:
            return []
        return [f"boundary_check={check}", "padding_option='zero'"]

    def cast(self, value: SSAValue, target: Attribute) -> str:
        """`x.to(dtype)` for tensors; `tl.cast` for scalars, which may be Python ints."""
        if isinstance(value.type, TensorType):
            return f"{self.operand(value)}.to({dtype_name(target)})"
        return f"tl.cast({self.expr(value)}, {dtype_name(target)})"

    def reshape(self, op: tt.ReshapeOp) -> str:
        src = list(op.source.type.get_shape())
        dst = list(op.result.type.get_shape())
        subscript: list[str] = []
        i = 0
        for d in dst:
            if i < len(src) and src[i] == d:
                subscript.append(":")
                i += 1
            elif d == 1:
                subscript.append("None")
            else:
                return f"tl.reshape({self.expr(op.source)}, {dst})"
        if i != len(src):
            return f"tl.reshape({self.expr(op.source)}, {dst})"
        return f"{self.operand(op.source)}[{', '.join(subscript)}]"

    def if_(self, op: tt.IfOp) -> None:
        names = [self.fresh(r.name_hint) for r in op.res]
        self.line(f"if {self.expr(op.cond)}:")
        self._branch(op.then, names)
        self.line("else:")
        self._branch(op.otherwise, names)
        for r, name in zip(op.res, names):
            self.exprs[r] = name

    def while_(self, op: tt.WhileOp) -> None:
        """The carried values and the condition as variables the loop reassigns:
        `c = cond(x); while c: body; x = new; c = cond(x)`."""
        names = [self.fresh(r.name_hint) for r in op.res]
        for name, init in zip(names, op.inits):
            self.line(f"{name} = {self.expr(init)}")
        for region in (op.before, op.body):
            for arg, name in zip(region.block.args, names):
                self.exprs[arg] = name
        cond = self.fresh("cond")
        self._branch(op.before, [cond], indent=False)
        self.line(f"while {cond}:")
        self._branch(op.body, names)
        self.depth += 1
        self._branch(op.before, [cond], indent=False)
        self.depth -= 1
        for r, name in zip(op.res, names):
            self.exprs[r] = name

    def _branch(self, region: Region, names: list[str], indent: bool = True) -> None:
        self.depth += indent
        start = len(self.lines)
        *body, last = region.block.ops
        for name, v in zip(names, last.operands):
            if v.owner in body and v.has_one_use():
                self.preferred[v] = name
        for inner in body:
            self.op(inner)
        for name, v in zip(names, last.operands):
            self.preferred.pop(v, None)
            if self.expr(v) != name:
                self.line(f"{name} = {self.expr(v)}")
        if len(self.lines) == start and indent:
            self.line("pass")
        self.depth -= indent

    def for_loop(self, op: tt.ForOp) -> None:
        carried = [self.bind(a) for a in op.carried]
        for name, init in zip(carried, op.iter_args):
            self.line(f"{name} = {self.expr(init)}")
        for res, name in zip(op.res, carried):
            self.exprs[res] = name
        iv = self.bind(op.iv)
        bounds = [self.expr(op.lb), self.expr(op.ub), self.expr(op.step)]
        if op.static is not None:
            self.line(f"for {iv} in tl.static_range({', '.join(bounds)}):")
        else:
            kwargs = [
                f"{name}={literal_value(attr)}"
                for name in (
                    "loop_unroll_factor",
                    "num_stages",
                    "disallow_acc_multi_buffer",
                    "flatten",
                    "warp_specialize",
                )
                if (attr := op.properties.get(name)) is not None
            ]
            self.line(f"for {iv} in tl.range({', '.join(bounds + kwargs)}):")
        self.depth += 1
        mark = len(self.lines)
        self.block(op.body.block)
        if len(self.lines) == mark:
            self.line("pass")
        self.depth -= 1

    def yield_(self, op: tt.YieldOp) -> None:
        parent = op.parent_op()
        assert isinstance(parent, tt.ForOp)
        pairs = [
            (self.expr(a), self.expr(v))
            for a, v in zip(parent.carried, op.values)
            if self.expr(a) != self.expr(v)
        ]
        if pairs:
            lhs = ", ".join(p[0] for p in pairs)
            rhs = ", ".join(p[1] for p in pairs)
            self.line(f"{lhs} = {rhs}")


def emit_module(module: ModuleOp) -> str:
    """The Python source of a module of `triton` kernels and launchers."""
    return PyEmitter().module(module)
