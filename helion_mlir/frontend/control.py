"""Control flow on device values: `if`/`else` and `while` on scalars, read into
`tile.if` and `tile.while` (`ControlMixin` of `DeviceCompiler`).

Each branch (or loop body) is read in a copy of the scope. The names it changes become
the op's results (or carried values): values of one kind are unified first (tiles to
one shape and dtype, numbers to device scalars). A name that only some paths define
cannot be used after the statement.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

import torch
from xdsl.ir import Block, Region, SSAValue

from helion_mlir import exc
from helion_mlir.dialects import tile
from helion_mlir.frontend.builder import name_hint
from helion_mlir.frontend.host import names_written
from helion_mlir.frontend.values import DScalar, DTensor, TileValue


class ConditionallyDefined:
    """The value of a name that only some paths through an `if` assign."""

    def __init__(self, node: ast.AST):
        self.node = node


class Promote(Exception):
    """Raised when a name bound to a Python number changes in a device loop body: the
    loop is read again with that name carried as a device value."""

    def __init__(self, name: str):
        self.name = name


def _number(v: Any) -> bool:
    return isinstance(v, bool | int | float)


class ControlMixin:
    """Reading `if` and `while` on device values, for `DeviceCompiler`."""

    # -- values carried through loops ---------------------------------------------------

    def carried_names(self, assigned: set[str], promoted: set[str]) -> list[str]:
        """The names a loop carries: device values it reassigns, and numbers it changes."""
        return [
            n
            for n in sorted(assigned)
            if isinstance(self.scope.get(n), DTensor | DScalar)
            or (n in promoted and n in self.scope)
        ]

    def as_carried(self, v: Any, node: ast.AST) -> DTensor | DScalar:
        """A loop's initial value as a device value."""
        if isinstance(v, DTensor | DScalar):
            return v
        dtype = (
            torch.bool
            if isinstance(v, bool)
            else torch.int64
            if isinstance(v, int)
            else torch.float32
        )
        return self.as_tensor(v, dtype, node)

    def check_numbers_unchanged(self, assigned: set[str], before: dict[str, Any]) -> None:
        """Raise `Promote` for a number that the body just read changed."""
        for n in sorted(assigned):
            if (
                n in before
                and _number(before[n])
                and not _same_constant(before[n], self.scope.get(n))
            ):
                raise Promote(n)

    def carry_out(self, name: str, init: DTensor | DScalar, new: Any, node: ast.AST) -> SSAValue:
        """The value a loop body hands on for `name`, in its initial value's type."""
        if isinstance(init, DScalar):
            if isinstance(new, DScalar) and new.value.type == init.value.type:
                return new.value
            raise self.error(
                exc.TypeMismatch,
                f"{name!r} is a {init.dtype} scalar before this loop but "
                f"{type(new).__name__} at the end of its body",
                node,
            )
        if _number(new) or isinstance(new, DScalar):
            new = self.b.cast(self.as_tensor(new, init.dtype, node), init.dtype)
        if isinstance(new, DTensor) and new.dtype == init.dtype and new.dims != init.dims:
            new = self.b.relabel(new, init.dims, both_ways=True)
            if new.rank < len(init.dims):
                new = self.b.broadcast(new, init.dims)
        if not isinstance(new, DTensor) or new.dims != init.dims or new.dtype != init.dtype:
            got = (
                f"{self.show(new.dims)} {new.dtype}"
                if isinstance(new, DTensor)
                else type(new).__name__
            )
            raise self.error(
                exc.ShapeMismatch,
                f"{name!r} is {self.show(init.dims)} {init.dtype} before this loop but {got} at "
                "the end of its body; a loop-carried value must keep its shape and dtype",
                node,
            )
        return new.value

    # -- while ----------------------------------------------------------------------------

    def device_while(self, test: ast.expr, body: Sequence[ast.stmt], node: ast.AST) -> None:
        body, guard = jump_free_loop(body, node)
        if guard is not None:  # stop when broken: `(test) & (not broke)`
            self.scope[BROKE] = False
            test = ast.copy_location(ast.BinOp(test, ast.BitAnd(), guard), test)
        assigned = names_written(body)
        promoted: set[str] = set()
        while True:
            try:
                self._while(test, body, assigned, promoted, node)
                return
            except Promote as p:
                promoted.add(p.name)

    def _while(
        self,
        test: ast.expr,
        body: Sequence[ast.stmt],
        assigned: set[str],
        promoted: set[str],
        node: ast.AST,
    ) -> None:
        carried = self.carried_names(assigned, promoted)
        inits = [self.as_carried(self.scope[n], node) for n in carried]
        types = [v.value.type for v in inits]
        outer = dict(self.scope)
        before, after = Block(arg_types=types), Block(arg_types=types)
        saved = self.b.block
        try:
            self.b.block = before
            self.scope = {**outer, **_bind_args(carried, inits, before)}
            value = self.expr(test)
            if not isinstance(value, DTensor | DScalar):  # fixed when compiling, unless...
                changing = sorted(_names_read(test) & assigned - set(carried))
                if changing:  # ...the body changes what it reads
                    raise Promote(changing[0])
                if value:
                    raise self.error(
                        exc.UnsupportedSyntax,
                        "this `while` loops forever: its condition is true when compiling and "
                        "nothing in its body changes it",
                        node,
                    )
                return
            cond = self.condition(value, test)
            before.add_op(tile.YieldOp(cond))
            self.b.block = after
            self.scope = {**outer, **_bind_args(carried, inits, after)}
            self.stmts(body)
            self.check_numbers_unchanged(assigned - set(carried), outer)
            news = [self.carry_out(n, i, self.scope[n], node) for n, i in zip(carried, inits)]
            after.add_op(tile.YieldOp(*news))
        finally:
            self.b.block = saved
            self.scope = outer
        self.at(node)
        op = tile.WhileOp([v.value for v in inits], Region(before), Region(after))
        self.b.emit(op)
        for n, init, r in zip(carried, inits, op.res):
            r.name_hint = name_hint(n)
            self.scope[n] = type(init)(r, *_rest(init))
        for n in assigned - set(carried):
            self.scope.pop(n, None)

    def condition(self, cond: Any, node: ast.AST) -> SSAValue:
        """A device value as the i1 scalar an `if` or `while` tests."""
        if isinstance(cond, DScalar):
            cond = self.b.splat(cond, ())
        if isinstance(cond, DTensor) and cond.rank == 0:
            return self.b.cast(cond, torch.bool).value
        raise self.error(
            exc.TypeMismatch,
            "an `if`/`while` on device values needs a single value (a scalar or a 0-d "
            "tensor); for a choice per element use torch.where",
            node,
        )

    def _branch(
        self, body: Sequence[ast.stmt], before: dict[str, Any]
    ) -> tuple[Block, dict[str, Any]]:
        block = Block()
        saved = self.b.block, self.scope
        self.b.block, self.scope = block, dict(before)
        try:
            self.stmts(body)
            return block, self.scope
        finally:
            self.b.block, self.scope = saved

    def device_if(
        self, cond: Any, body: Sequence[ast.stmt], orelse: Sequence[ast.stmt], node: ast.AST
    ) -> None:
        c = self.condition(cond, node)
        before = dict(self.scope)
        then_block, then_scope = self._branch(body, before)
        else_block, else_scope = self._branch(orelse, before)
        names = sorted(
            n
            for n in set(then_scope) | set(else_scope)
            if then_scope.get(n) is not before.get(n) or else_scope.get(n) is not before.get(n)
        )
        results: list[str] = []
        values: list[tuple[Any, Any]] = []
        for n in names:
            if n not in then_scope or n not in else_scope:
                self.scope[n] = ConditionallyDefined(node)
                continue
            a, b = then_scope[n], else_scope[n]
            if _same_constant(a, b):
                self.scope[n] = a
                continue
            results.append(n)
            values.append((a, b))
        unified = [
            self._unify(n, a, b, (then_block, else_block), node)
            for n, (a, b) in zip(results, values)
        ]
        then_block.add_op(tile.YieldOp(*(u[0].value for u in unified)))
        else_block.add_op(tile.YieldOp(*(u[1].value for u in unified)))
        self.at(node)
        op = tile.IfOp(
            c, [u[0].value.type for u in unified], Region(then_block), Region(else_block)
        )
        self.b.emit(op)
        for n, (a, _), r in zip(results, unified, op.res):
            r.name_hint = name_hint(n)
            self.scope[n] = type(a)(r, *_rest(a))

    def _unify(
        self, name: str, a: Any, b: Any, blocks: tuple[Block, Block], node: ast.AST
    ) -> tuple[Any, Any]:
        """`a` and `b` (what two paths assign to `name`) as device values of one type,
        each made in its own path's block."""
        kinds = (a, b)
        if any(isinstance(v, TileValue) for v in kinds) or not all(
            isinstance(v, DTensor | DScalar | bool | int | float) for v in kinds
        ):
            raise self.error(
                exc.TypeMismatch,
                f"{name!r} is given different values on the paths of this `if` that cannot be "
                f"merged ({type(a).__name__} and {type(b).__name__})",
                node,
            )
        tensors = [v for v in kinds if isinstance(v, DTensor)]
        if (
            not tensors
            and all(isinstance(v, DScalar) for v in kinds)
            and a.value.type == b.value.type
        ):
            return a, b
        dims = tensors[0].dims if tensors else ()
        dtype = torch.result_type(*(_meta(v) for v in kinds))
        out = []
        saved = self.b.block
        try:
            for v, block in zip(kinds, blocks):
                self.b.block = block
                t = self.as_tensor(v, dtype, node)
                t = self.b.cast(t, dtype)
                try:
                    t = self.b.broadcast(self.b.relabel(t, dims, both_ways=True), dims)
                except exc.ShapeMismatch:
                    raise self.error(
                        exc.ShapeMismatch,
                        f"{name!r} has shape {self.show(t.dims)} on one path of this `if` and "
                        f"{self.show(dims)} on another",
                        node,
                    ) from None
                out.append(t)
        finally:
            self.b.block = saved
        return out[0], out[1]


# flags that `break` and `continue` set in a device loop body rewritten without them
BROKE, SKIP = "_helion_broke", "_helion_skip"


def _jumps(stmts: Sequence[ast.stmt]) -> bool:
    """Whether `break`/`continue` of this loop occur (not those of nested loops)."""
    for s in stmts:
        if isinstance(s, ast.Break | ast.Continue):
            return True
        if isinstance(s, ast.If) and (_jumps(s.body) or _jumps(s.orelse)):
            return True
    return False


def _flag(name: str, value: bool, at: ast.AST) -> ast.stmt:
    stmt = ast.Assign([ast.Name(name, ast.Store())], ast.Constant(value))
    return ast.fix_missing_locations(ast.copy_location(stmt, at))


def _clear(name: str, at: ast.AST) -> ast.expr:
    """`name == False`, which works on Python and device booleans alike."""
    expr = ast.Compare(ast.Name(name, ast.Load()), [ast.Eq()], [ast.Constant(False)])
    return ast.fix_missing_locations(ast.copy_location(expr, at))


def _running(at: ast.AST) -> ast.expr:
    """`(broke == False) & (skip == False)`: true while the trip goes on."""
    expr = ast.BinOp(_clear(BROKE, at), ast.BitAnd(), _clear(SKIP, at))
    return ast.fix_missing_locations(ast.copy_location(expr, at))


def _without_jumps(stmts: Sequence[ast.stmt]) -> list[ast.stmt]:
    """`stmts` with `break`/`continue` turned into flag assignments and what follows a
    statement that may set a flag guarded by `if <still running>:`."""
    out: list[ast.stmt] = []
    for i, s in enumerate(stmts):
        if isinstance(s, ast.Break | ast.Continue):
            out.append(_flag(BROKE if isinstance(s, ast.Break) else SKIP, True, s))
            return out  # the rest of this list never runs
        if isinstance(s, ast.If) and _jumps([s]):
            branch = ast.If(
                s.test, _without_jumps(s.body) or [ast.Pass()], _without_jumps(s.orelse)
            )
            out.append(ast.copy_location(branch, s))
            rest = _without_jumps(stmts[i + 1 :])
            if rest:
                out.append(ast.copy_location(ast.If(_running(s), rest, []), s))
            return out
        out.append(s)
    return out


def jump_free_loop(body: Sequence[ast.stmt], at: ast.AST) -> tuple[list[ast.stmt], ast.expr | None]:
    """A loop body without `break`/`continue`, and the test a `while` condition adds
    (None if the body has no jumps). A `for` runs its trips on, doing nothing once
    broken; a `while` stops."""
    if not _jumps(body):
        return list(body), None
    guarded = ast.If(_running(at), _without_jumps(body), [])
    return [_flag(SKIP, False, at), ast.copy_location(guarded, at)], _clear(BROKE, at)


def _names_read(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _bind_args(names: list[str], inits: list[Any], block: Block) -> dict[str, Any]:
    out = {}
    for n, init, arg in zip(names, inits, block.args):
        arg.name_hint = name_hint(n)
        out[n] = type(init)(arg, *_rest(init))
    return out


def _same_constant(a: Any, b: Any) -> bool:
    if isinstance(a, DTensor | DScalar | TileValue) or isinstance(b, DTensor | DScalar | TileValue):
        return a is b
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return a is b


def _rest(v: DTensor | DScalar) -> tuple[Any, ...]:
    return (v.dims, v.dtype) if isinstance(v, DTensor) else (v.dtype,)


def _meta(v: Any) -> Any:
    if isinstance(v, DTensor):
        return torch.empty((), dtype=v.dtype, device="meta")
    if isinstance(v, DScalar):
        return torch.empty((), dtype=v.dtype, device="meta")
    return v
