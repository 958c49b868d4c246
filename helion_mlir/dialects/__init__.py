"""The dialects of helion_mlir, registered lazily as xDSL does."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.context import Context
from xdsl.ir import Dialect


def get_all_dialects() -> dict[str, Callable[[], Dialect]]:
    """Our dialects by name, each imported only when first needed."""

    def get_tile() -> Dialect:
        from helion_mlir.dialects.tile import Tile

        return Tile

    def get_cfg() -> Dialect:
        from helion_mlir.dialects.cfg import Cfg

        return Cfg

    def get_loop() -> Dialect:
        from helion_mlir.dialects.loop import Loop

        return Loop

    def get_mem() -> Dialect:
        from helion_mlir.dialects.mem import Mem

        return Mem

    def get_triton() -> Dialect:
        from helion_mlir.backends.triton.dialect import Triton

        return Triton

    return {
        "tile": get_tile,
        "cfg": get_cfg,
        "loop": get_loop,
        "mem": get_mem,
        "triton": get_triton,
    }


def make_context() -> Context:
    """A context that knows builtin, arith, math and all our dialects."""
    from xdsl.dialects.arith import Arith
    from xdsl.dialects.builtin import Builtin
    from xdsl.dialects.math import Math

    ctx = Context()
    for d in (Builtin, Arith, Math):
        ctx.load_dialect(d)
    for name, factory in get_all_dialects().items():
        ctx.register_dialect(name, factory)
    return ctx
