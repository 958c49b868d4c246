"""The Python source of a bound `triton` module: Triton, or Gluon for a kernel whose
loop asks for Hopper's warp-specialized schedule."""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from helion_mlir.backends.triton import dialect as tt


def emit(module: ModuleOp, to_run: bool = False) -> str:
    """`to_run`: the source will run under the installed Triton (not only be printed),
    which Gluon's must have been written for."""
    if any(isinstance(op, tt.ForOp) and op.gluon_warp_specialize for op in module.walk()):
        from helion_mlir.backends.gluon.emitter import check_triton_version, emit_gluon_module

        if to_run:
            check_triton_version()
        return emit_gluon_module(module)
    from helion_mlir.backends.triton.emitter import emit_module

    return emit_module(module)
