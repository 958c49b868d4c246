"""The Python source of a bound `triton` module: Triton, or Gluon for a kernel whose
loop asks for Hopper's warp-specialized schedule."""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from helion_mlir.backends.triton import dialect as tt


def emit(module: ModuleOp) -> str:
    """(Whether the installed Triton can run Gluon is the target's to say: under another
    Triton, `target.current` adds `:no-gluon` and the space never offers the schedule.)"""
    if any(isinstance(op, tt.ForOp) and op.gluon_warp_specialize for op in module.walk()):
        from helion_mlir.backends.gluon.emitter import emit_gluon_module

        return emit_gluon_module(module)
    from helion_mlir.backends.triton.emitter import emit_module

    return emit_module(module)
