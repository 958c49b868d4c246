"""The sources of a kernel and of the functions its device code calls: their ASTs with
the line numbers of the files they live in."""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import textwrap
from collections.abc import Callable
from typing import Any

from helion_mlir import exc
from helion_mlir.exc import SourceLocation


class _ParsedFunction:
    """A function's AST, the file it is in, and its globals and closure."""

    fn: Callable[..., Any]
    filename: str
    indent: int
    fdef: ast.FunctionDef | ast.Lambda

    def _parse_def(self, what: str) -> ast.FunctionDef:
        fn = self.fn
        try:
            lines, start = inspect.getsourcelines(fn)
            self.filename = inspect.getsourcefile(fn) or "<unknown>"
        except (OSError, TypeError):
            raise exc.CompileError(
                f"cannot read the source of {getattr(fn, '__name__', fn)!r}: {what} must be "
                "defined in a file (not in an interactive prompt or with exec)"
            ) from None
        text = textwrap.dedent("".join(lines))
        self.indent = len(lines[0]) - len(lines[0].lstrip())
        tree = ast.parse(text)
        ast.increment_lineno(tree, start - 1)
        fdef = tree.body[0]
        if not isinstance(fdef, ast.FunctionDef):
            raise exc.CompileError(f"{fn!r} is not a plain function definition")
        return fdef

    def location(self, node: ast.AST) -> SourceLocation:
        return SourceLocation(
            self.filename,
            getattr(node, "lineno", self.fdef.lineno),
            getattr(node, "col_offset", 0) + self.indent,
        )

    @property
    def globals(self) -> dict[str, Any]:
        return self.fn.__globals__

    def closure(self) -> dict[str, Any]:
        """The function's free variables and their current values."""
        names = self.fn.__code__.co_freevars
        cells = self.fn.__closure__ or ()
        out = {}
        for name, cell in zip(names, cells):
            try:
                out[name] = cell.cell_contents
            except ValueError:  # not yet assigned
                continue
        return out


class FunctionSource(_ParsedFunction):
    """A helper function or lambda called from device code, to be inlined there."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        parsed = _PARSED.get(fn.__code__)
        if parsed is None:
            if fn.__code__.co_name == "<lambda>":
                parsed = (_find_lambda(fn), fn.__code__.co_filename, 0)
            else:
                fdef = self._parse_def("functions called from device code")
                parsed = (fdef, self.filename, self.indent)
            _PARSED[fn.__code__] = parsed
        self.fdef, self.filename, self.indent = parsed

    @property
    def is_lambda(self) -> bool:
        return isinstance(self.fdef, ast.Lambda)


# code object -> (AST, file, indent): one parse per function, whatever its closure
_PARSED: dict[Any, tuple[ast.FunctionDef | ast.Lambda, str, int]] = {}


def _find_lambda(fn: Callable[..., Any]) -> ast.Lambda:
    """The lambda expression `fn` was made from: among the lambdas that start on its
    line, the one with its parameters and, if still ambiguous, its column."""
    code = fn.__code__
    filename = code.co_filename
    tree = _parse_file(filename)
    if tree is None:
        raise exc.CompileError(
            f"cannot read the source of a lambda ({filename}:{code.co_firstlineno}): "
            "lambdas called from device code must be defined in a file"
        )
    params = list(code.co_varnames[: code.co_argcount])
    found = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Lambda)
        and n.lineno == code.co_firstlineno
        and [a.arg for a in n.args.args] == params
    ]
    if len(found) > 1:
        cols = {p[2] for p in code.co_positions() if p[2] is not None}
        found = [n for n in found if n.body.col_offset in cols] or found
    if not found:
        raise exc.CompileError(
            f"cannot find the source of the lambda at {filename}:{code.co_firstlineno}"
        )
    return found[0]


@functools.lru_cache(maxsize=64)
def _parse_file(filename: str) -> ast.Module | None:
    text = "".join(linecache.getlines(filename))
    if not text:
        return None
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


class KernelSource(_ParsedFunction):
    """The parsed source of a kernel function and where each node of it comes from."""

    def _is_constexpr(self, node: ast.expr) -> bool:
        from helion_mlir.language import constexpr

        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a string annotation
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return False
        value: Any = None
        if isinstance(node, ast.Name):
            value = self.globals.get(node.id)
        elif isinstance(node, ast.Attribute):
            base = self.globals.get(node.value.id) if isinstance(node.value, ast.Name) else None
            value = getattr(base, node.attr, None)
        return value is constexpr

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        fdef = self._parse_def("kernels")
        self.fdef = fdef
        self.name = fdef.name
        args = fdef.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise exc.UnsupportedSyntax(
                f"kernel {fdef.name!r} must take plain positional parameters "
                "(no *args, **kwargs, keyword-only or positional-only ones)",
                self.location(fdef),
            )
        self.params = [a.arg for a in fdef.args.args]
        # parameters annotated `hl.constexpr`: specialized by value, floats included
        self.constexpr_params = {
            a.arg
            for a in fdef.args.args
            if a.annotation is not None and self._is_constexpr(a.annotation)
        }
        body = fdef.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # docstring
        self.body = body
