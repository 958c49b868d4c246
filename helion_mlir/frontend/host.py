"""Host code: the statements around a kernel's device loops, run as ordinary Python.

The body of a kernel is split into a prefix (allocations, shape arithmetic), the
top-level device loops, and a suffix (usually `return`). To compile, the prefix runs
once with meta tensors so the device code knows every host value's shape and dtype. To
run, a host function is generated from the same AST nodes, so its tracebacks point at
the user's file: the prefix, one call of the kernel launcher with the host values the
device code reads, then the suffix.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Sequence
from typing import Any

import torch

from helion_mlir import exc
from helion_mlir import language as hl
from helion_mlir.frontend.source import KernelSource

DEVICE_LOOP_FUNCTIONS = (hl.tile, hl.grid)


def _names_read(nodes: Sequence[ast.AST]) -> set[str]:
    return {
        n.id
        for node in nodes
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


def names_written(nodes: Sequence[ast.AST]) -> set[str]:
    out: set[str] = set()
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                out.add(n.id)
    return out


class HostProgram:
    """A kernel's host statements and device loops, and how to run the host part."""

    def __init__(self, src: KernelSource):
        self.src = src
        loops = [i for i, s in enumerate(src.body) if self.is_device_loop(s)]
        if not loops:
            raise exc.NoDeviceLoop(
                f"kernel {src.name!r} has no `for ... in hl.tile(...)` loop at its top level, "
                "so nothing would run on the device",
                src.location(src.fdef),
            )
        first, last = loops[0], loops[-1]
        between = [
            s
            for s in src.body[first : last + 1]
            if not (self.is_device_loop(s) or self._is_barrier(s))
        ]
        if between:
            raise exc.UnsupportedSyntax(
                "statements between top-level device loops are not allowed (except "
                "hl.barrier()); move them before the first loop or after the last",
                src.location(between[0]),
            )
        self.prefix = src.body[:first]
        # each top-level loop is its own launch, run in order: an `hl.barrier()` between
        # two needs nothing more
        self.loops: list[ast.For] = [src.body[i] for i in loops]  # type: ignore[misc]
        self.suffix = src.body[last + 1 :]
        self._check_suffix()

    def _is_barrier(self, stmt: ast.stmt) -> bool:
        return (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and self.resolve(stmt.value.func) is hl.barrier
        )

    def is_device_loop(self, stmt: ast.stmt) -> bool:
        if not isinstance(stmt, ast.For) or not isinstance(stmt.iter, ast.Call):
            return False
        return self.resolve(stmt.iter.func) in DEVICE_LOOP_FUNCTIONS

    def resolve(self, node: ast.expr) -> Any:
        """The value of a name or attribute chain in the kernel's globals, if it has one."""
        if isinstance(node, ast.Name):
            scope = {**vars(builtins), **self.src.globals, **self.src.closure()}
            return scope.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return getattr(base, node.attr, None) if base is not None else None
        return None

    def _check_suffix(self) -> None:
        device_only = names_written(self.loops) - names_written(self.prefix) - set(self.src.params)
        for stmt in self.suffix:
            for n in ast.walk(stmt):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in device_only:
                    raise exc.CannotReadDeviceVariable(
                        f"{n.id!r} is assigned in device code and cannot be read on the host; "
                        "store it to a tensor in the kernel and read that instead",
                        self.src.location(n),
                    )

    # -- running the host code ---------------------------------------------------------

    def globals_read(self) -> set[str]:
        """Module globals the host code before the loops reads."""
        local = names_written(self.prefix) | set(self.src.params)
        return {n for n in _names_read(self.prefix) - local if n in self.src.globals}

    def runtime_scalars(self, args: Sequence[Any]) -> set[str]:
        """Host names holding floats known only at call time: float args and values from them."""
        names = {
            p
            for p, a in zip(self.src.params, args)
            if isinstance(a, float) and p not in self.src.constexpr_params
        }
        for stmt in self.prefix:
            if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
                if _names_read([stmt.value]) & names:  # type: ignore[list-item]
                    names |= names_written([stmt])
        return names

    def _function(
        self, name: str, body: list[ast.stmt], extra_params: Sequence[str]
    ) -> Callable[..., Any]:
        """Compile `body` as a function of the kernel's params inside a factory that
        provides `extra_params` and the kernel's closure variables."""
        fdef = self.src.fdef
        inner = ast.FunctionDef(
            name=fdef.name,
            args=fdef.args,
            body=body or [ast.Pass()],
            decorator_list=[],
            returns=None,
            type_params=[],
        )
        ast.copy_location(inner, fdef)
        closure = self.src.closure()
        factory = ast.FunctionDef(
            name=name,
            args=ast.arguments(
                posonlyargs=[],
                args=[ast.arg(p) for p in (*extra_params, *closure)],
                kwonlyargs=[],
                kw_defaults=[],
                defaults=[],
            ),
            body=[inner, ast.Return(ast.Name(fdef.name, ast.Load()))],
            decorator_list=[],
            returns=None,
            type_params=[],
        )
        ast.copy_location(factory, fdef)
        module = ast.fix_missing_locations(ast.Module([factory], type_ignores=[]))
        code = compile(module, self.src.filename, "exec")
        ns: dict[str, Any] = {}
        exec(code, self.src.globals, ns)
        return lambda *extra: ns[name](*extra, *closure.values())

    def run_prefix(self, args: Sequence[Any]) -> dict[str, Any]:
        """Run the prefix with tensors replaced by meta tensors; returns the host names."""
        grab = ast.Return(ast.Call(ast.Name("locals", ast.Load()), [], []))
        ast.copy_location(grab, self.loops[0])
        fn = self._function("__helion_prefix__", [*self.prefix, grab], [])()
        meta_args = [_to_meta(a) for a in args]
        try:
            return fn(*meta_args)
        except exc.HelionError:
            raise
        except Exception as e:
            raise exc.CompileError(
                f"the host code before the device loop failed while compiling "
                f"(it runs on meta tensors, which hold no data): {type(e).__name__}: {e}",
                self._failing_line(e),
            ) from e

    def _failing_line(self, error: BaseException) -> exc.SourceLocation:
        """Where in the kernel's own source `error` was raised."""
        line = None
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.src.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        if line is None:
            return self.src.location(self.prefix[0] if self.prefix else self.loops[0])
        return exc.SourceLocation(self.src.filename, line, 0)

    def wrapper(self, sources: Sequence[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """A factory: given a launcher, the host function that runs the whole kernel."""
        launch = ast.Expr(
            ast.Call(
                ast.Name("__helion_launch__", ast.Load()),
                [ast.parse(s, mode="eval").body for s in sources],
                [],
            )
        )
        ast.copy_location(launch, self.loops[0])
        for node in ast.walk(launch):
            ast.copy_location(node, self.loops[0])
        return self._function(
            "__helion_host__", [*self.prefix, launch, *self.suffix], ["__helion_launch__"]
        )

    def wrapper_source(self, sources: Sequence[str], launcher: str) -> str:
        """The host function as Python source, for display."""
        fdef = self.src.fdef
        launch = ast.parse(f"{launcher}({', '.join(sources)})").body
        inner = ast.FunctionDef(
            name=fdef.name,
            args=fdef.args,
            body=[*self.prefix, *launch, *self.suffix],
            decorator_list=[],
            returns=fdef.returns,
            type_params=[],
        )
        return "import torch\n\n\n" + ast.unparse(ast.fix_missing_locations(inner))


def _to_meta(a: Any) -> Any:
    if isinstance(a, torch.Tensor):
        return torch.empty_strided(a.shape, a.stride(), dtype=a.dtype, device="meta")
    return a
