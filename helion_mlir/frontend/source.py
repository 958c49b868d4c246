"""A kernel function's source: its AST with line numbers of the file it lives in."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from helion_mlir import exc
from helion_mlir.exc import SourceLocation


class KernelSource:
    """The parsed source of a kernel function and where each node of it comes from."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        try:
            lines, start = inspect.getsourcelines(fn)
            self.filename = inspect.getsourcefile(fn) or "<unknown>"
        except (OSError, TypeError):
            raise exc.CompileError(
                f"cannot read the source of {getattr(fn, '__name__', fn)!r}: kernels must be "
                "defined in a file (not in an interactive prompt or with exec)"
            ) from None
        text = textwrap.dedent("".join(lines))
        self.indent = len(lines[0]) - len(lines[0].lstrip())
        tree = ast.parse(text)
        ast.increment_lineno(tree, start - 1)
        fdef = tree.body[0]
        if not isinstance(fdef, ast.FunctionDef):
            raise exc.CompileError(f"{fn!r} is not a plain function definition")
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
        body = fdef.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # docstring
        self.body = body

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
        """The kernel's free variables and their current values."""
        names = self.fn.__code__.co_freevars
        cells = self.fn.__closure__ or ()
        out = {}
        for name, cell in zip(names, cells):
            try:
                out[name] = cell.cell_contents
            except ValueError:  # not yet assigned
                continue
        return out
