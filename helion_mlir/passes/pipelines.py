"""The compiler's pipelines: which passes take a kernel from one stage to the next.

Stages up to `mem` are config-free and run once per specialization; `bind` runs once
per config. Each stage's IR can be printed, so users see the kernel between dialects.
"""

from __future__ import annotations

from collections.abc import Mapping

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from helion_mlir.dialects import cfg, loop, make_context, tile
from helion_mlir.passes.bind_config import bind_module
from helion_mlir.passes.convert_loop_to_triton import ConvertLoopToTritonPass
from helion_mlir.passes.convert_tile_to_loop import ConvertTileToLoopPass
from helion_mlir.passes.derive_config_space import DeriveConfigSpacePass
from helion_mlir.passes.fold_rounding_casts import FoldRoundingCastsPass
from helion_mlir.passes.fold_single_trip_loops import FoldSingleTripLoopsPass
from helion_mlir.passes.materialize_addressing import MaterializeAddressingPass
from helion_mlir.passes.memory_cse import MemoryCsePass
from helion_mlir.passes.reorder_loops import ReorderLoopsPass
from helion_mlir.passes.roll_reductions import RollReductionsPass
from helion_mlir.passes.tile_insert_masks import TileInsertMasksPass
from helion_mlir.passes.tile_prune_masks import TilePruneMasksPass


def config_free_stages(
    target: str = "cpu", emulate_precision_casts: bool = False
) -> dict[str, tuple[ModulePass, ...]]:
    """Stage name -> the passes that produce it from the previous stage
    (`emulate_precision_casts`: round every low-precision intermediate, as eager does)."""
    rounding = () if emulate_precision_casts else (FoldRoundingCastsPass(),)
    return {
        "tile": (*rounding, TileInsertMasksPass(), TilePruneMasksPass()),
        "loop": (RollReductionsPass(), ConvertTileToLoopPass(target=target)),
        "mem": (MaterializeAddressingPass(target=target), DeriveConfigSpacePass()),
    }


BIND_PASSES = (
    ReorderLoopsPass(),
    FoldSingleTripLoopsPass(),
    MemoryCsePass(),
    ConvertLoopToTritonPass(),
    MemoryCsePass(),
)

CTX = make_context()


def lower_config_free(
    module: ModuleOp, target: str = "cpu", emulate_precision_casts: bool = False
) -> dict[str, ModuleOp]:
    """Run the config-free stages in place; returns a copy of the IR after each stage
    but the last (which is `module` itself), to print when asked."""
    stages = {"frontend": module.clone()}
    for stage, passes in config_free_stages(target, emulate_precision_casts).items():
        for p in passes:
            p.apply(CTX, module)
        stages[stage] = module if stage == "mem" else module.clone()
    return stages


# Whether a module still needs a config-free pass: the ops the pass consumes.
_NEEDED = (
    (TileInsertMasksPass, (tile.GridOp,)),
    (TilePruneMasksPass, (tile.MaskOp,)),
    (RollReductionsPass, (tile.RDimOp,)),
    (ConvertTileToLoopPass, (tile.GridOp, tile.ForOp)),
    (MaterializeAddressingPass, (tile.LoadOp, tile.StoreOp, tile.AtomicOp)),
)


def lower_to_mem(module: ModuleOp, target: str = "cpu") -> None:
    """Run, in place, whatever config-free passes a module at any stage still needs."""
    rolled = any(isinstance(op, loop.ReduceForOp | loop.TileOp) for op in module.walk())
    for pass_type, consumes in _NEEDED:
        if pass_type is TileInsertMasksPass and rolled:
            continue  # masks are inserted before rolling, never after
        if any(isinstance(op, consumes) for op in module.walk()):
            targeted = pass_type in (ConvertTileToLoopPass, MaterializeAddressingPass)
            (pass_type(target=target) if targeted else pass_type()).apply(CTX, module)  # type: ignore[call-arg]
    DeriveConfigSpacePass().apply(CTX, module)


def bind(module: ModuleOp, values: Mapping[str, cfg.ConfigValue]) -> ModuleOp:
    """A copy of a `mem`-stage module bound to normalized config `values`, in `triton`."""
    bound = module.clone()
    bind_module(bound, values)
    for p in BIND_PASSES:
        p.apply(CTX, bound)
    return bound
