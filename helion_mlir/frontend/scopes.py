"""Where device code's names come from: the kernel's scope, host values, and the
functions and lambdas it calls, which are inlined (`ScopesMixin` of `DeviceCompiler`)."""

from __future__ import annotations

import ast
import builtins
import inspect
import types
from dataclasses import dataclass
from typing import Any

import torch
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    i64,
)

from helion_mlir import exc
from helion_mlir import language as hl
from helion_mlir.dialects import cfg
from helion_mlir.frontend.builder import name_hint
from helion_mlir.frontend.control import ConditionallyDefined
from helion_mlir.frontend.source import FunctionSource, KernelSource
from helion_mlir.frontend.values import DScalar


@dataclass
class Frame:
    """Where names resolve and locations point while reading code: the kernel's body,
    or a function inlined into it."""

    src: KernelSource | FunctionSource
    # the host-code expression of the inlined function, through which the tensors it
    # captures are passed to the kernel (None: the kernel itself, or not reachable)
    host_expr: str | None = None
    # a lambda written in device code: the scope and frame it was written in
    defining_scope: dict[str, Any] | None = None
    defining_frame: Frame | None = None

    @property
    def is_kernel(self) -> bool:
        return isinstance(self.src, KernelSource)


@dataclass(frozen=True, eq=False)
class DeviceLambda:
    """A lambda written in device code: called, it is inlined in its defining scope."""

    node: ast.Lambda
    scope: dict[str, Any]
    frame: Frame


class _Return(Exception):
    """A `return` leaving an inlined function, with its value."""

    def __init__(self, value: Any):
        self.value = value


MAX_INLINE_DEPTH = 32


class ScopesMixin:
    """Name lookup, tunables and inlining, for `DeviceCompiler`."""

    def tunable(self, t: hl.Tunable, node: ast.AST) -> DScalar:
        """A user tunable's value: its config slot (made once, at kernel entry), read as
        an int where it is used."""
        if t.name not in self.tunables:
            slot = tunable_slot(t)
            if slot is None:
                raise self.error(
                    exc.TypeMismatch,
                    f"tunable {t.name!r} has non-integer choices; device code reads "
                    "tunables as ints (use ints or bools)",
                    node,
                )
            param = cfg.ParamOp(slot)
            param.result.name_hint = name_hint(t.name)
            first = self.entry.first_op
            if first is None:
                self.entry.add_op(param)
            else:
                self.entry.insert_op_before(param, first)
            self.tunables[t.name] = param.result
        widened = self.b.emit(arith.IndexCastOp(self.tunables[t.name], i64), t.name)
        return DScalar(widened.results[0], torch.int64)

    # -- names ---------------------------------------------------------------------------

    def lookup(self, name: str, node: ast.AST) -> Any:
        if name in self.scope:
            value = self.scope[name]
            if isinstance(value, ConditionallyDefined):
                line = self.frame.src.location(value.node).line
                raise self.error(
                    exc.UndefinedName,
                    f"{name!r} is only assigned on some paths through the `if` at line {line}; "
                    "assign it before the `if` or on every path",
                    node,
                )
            return value
        frame = self.frame
        if frame.defining_scope is not None:  # a device lambda sees where it was written
            assert frame.defining_frame is not None
            saved = self.frame, self.scope
            self.frame, self.scope = frame.defining_frame, frame.defining_scope
            try:
                return self.lookup(name, node)
            finally:
                self.frame, self.scope = saved
        if frame.is_kernel and name in self.host_values:
            v = self.host_values[name]
            if isinstance(v, torch.Tensor):
                return self.host_tensor(name, v)
            if isinstance(v, hl.Tunable):
                return self.tunable(v, node)
            if name in self.runtime and isinstance(v, float):
                return self.runtime_scalar(name, v)
            return self._remember(v, name)
        closure = frame.src.closure()
        if name in closure:
            where = self._captured_expr(frame, name, closure=True)
            self.guards.watch_cell(frame.src.fn, name, closure[name])
            return self._host_value(closure[name], name, where, node)
        if name in frame.src.globals:
            where = self._captured_expr(frame, name, closure=False)
            self.guards.watch_global(frame.src.globals, name)
            return self._host_value(frame.src.globals[name], name, where, node)
        if hasattr(builtins, name):
            return getattr(builtins, name)
        if name in self.ended_tiles:
            raise self.error(
                exc.UndefinedName,
                f"{name!r} is the tile of the loop at line {self.ended_tiles[name]}, which has "
                "ended: a tile "
                "exists only inside its loop",
                node,
            )
        raise self.error(exc.UndefinedName, f"name {name!r} is not defined", node)

    def _captured_expr(self, frame: Frame, name: str, closure: bool) -> str | None:
        """The host expression of a name the code of `frame` captures or reads globally."""
        if frame.is_kernel:
            return name  # the host function shares the kernel's closure and globals
        if frame.host_expr is None:
            return None
        if closure:
            index = frame.src.fn.__code__.co_freevars.index(name)
            return f"{frame.host_expr}.__closure__[{index}].cell_contents"
        return f"{frame.host_expr}.__globals__[{name!r}]"

    def _host_value(self, v: Any, name: str, where: str | None, node: ast.AST) -> Any:
        if isinstance(v, torch.Tensor):
            if where is None:
                raise self.error(
                    exc.UnsupportedSyntax,
                    f"tensor {name!r} is captured by a function that host code cannot reach; "
                    "pass the function to the kernel as an argument or define it at module level",
                    node,
                )
            return self.host_tensor(name, v, where)
        if isinstance(v, hl.Tunable):
            return self.tunable(v, node)
        return self._remember(v, where)

    def _remember(self, v: Any, where: str | None) -> Any:
        if where is not None and isinstance(v, types.FunctionType):
            self.fn_exprs[id(v)] = where
        return v

    # -- inlined functions -------------------------------------------------------------

    def inline(self, fn: Any, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        """Read a call of a Python function (or lambda) on device values as if its body
        were written at the call: its parameters bound to the argument values."""
        if isinstance(fn, DeviceLambda):
            frame = Frame(self.frame.src, None, fn.scope, fn.frame)
            params = [a.arg for a in fn.node.args.args]
            if kwargs or len(args) != len(params):
                raise self.error(
                    exc.TypeMismatch,
                    f"this lambda takes {len(params)} arguments, got {len(args)}",
                    node,
                )
            return self._run_frame(frame, dict(zip(params, args)), fn.node, node)
        src = FunctionSource(fn)
        try:
            bound = inspect.signature(fn).bind(*args, **kwargs)
        except TypeError as e:
            raise self.error(exc.TypeMismatch, f"{fn.__name__}(): {e}", node) from None
        bound.apply_defaults()
        frame = Frame(src, self.fn_exprs.get(id(fn)))
        return self._run_frame(frame, dict(bound.arguments), src.fdef, node)

    def _run_frame(
        self, frame: Frame, scope: dict[str, Any], fdef: ast.FunctionDef | ast.Lambda, call: ast.AST
    ) -> Any:
        if self.frames_active >= MAX_INLINE_DEPTH:
            raise self.error(
                exc.UnsupportedSyntax,
                f"functions called from device code nest more than {MAX_INLINE_DEPTH} deep "
                "(recursion is not supported)",
                call,
            )
        saved = self.frame, self.scope, self.b.filename, self.b.line, self.b.column
        self.frame, self.scope = frame, scope
        self.b.filename = frame.src.filename
        self.frames_active += 1
        try:
            if isinstance(fdef, ast.Lambda):
                return self.expr(fdef.body)
            self.stmts(fdef.body)
            return None
        except _Return as r:
            return r.value
        finally:
            self.frames_active -= 1
            self.frame, self.scope, self.b.filename, self.b.line, self.b.column = saved


def tunable_slot(t: hl.Tunable) -> cfg.RefAttr | None:
    """The config slot of a user tunable (None if its values are not ints)."""
    f = t.fragment
    if isinstance(f, hl.PowerOfTwoFragment):
        return cfg.RefAttr(t.name, None, cfg.Pow2Attr(f.low, f.high), f.default or f.low)
    if isinstance(f, hl.IntegerFragment):
        default = f.default if f.default is not None else f.low
        return cfg.RefAttr(t.name, None, cfg.IntRangeAttr(f.low, f.high), default)
    if isinstance(f, hl.BooleanFragment):
        return cfg.RefAttr(t.name, None, cfg.EnumAttr([False, True]), f.default)
    choices = list(f.choices)
    if not choices or not all(isinstance(c, int) for c in choices):
        return None
    return cfg.RefAttr(
        t.name, None, cfg.EnumAttr(choices), f.default if f.default is not None else choices[0]
    )


def _is_user_function(fn: Any) -> bool:
    """A plain Python function or lambda of the user's (not torch's or ours)."""
    if not isinstance(fn, types.FunctionType):
        return False
    package = (fn.__module__ or "").split(".")[0]
    return package not in ("torch", "helion_mlir", "triton")
