"""The passes of helion_mlir by command-line name, imported lazily as xDSL does."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from xdsl.passes import ModulePass

# pass name -> (module, class)
_PASSES = {
    "tile-insert-masks": ("tile_insert_masks", "TileInsertMasksPass"),
    "tile-prune-masks": ("tile_prune_masks", "TilePruneMasksPass"),
    "fold-rounding-casts": ("fold_rounding_casts", "FoldRoundingCastsPass"),
    "roll-reductions": ("roll_reductions", "RollReductionsPass"),
    "convert-tile-to-loop": ("convert_tile_to_loop", "ConvertTileToLoopPass"),
    "materialize-addressing": ("materialize_addressing", "MaterializeAddressingPass"),
    "derive-config-space": ("derive_config_space", "DeriveConfigSpacePass"),
    "bind-config": ("bind_config", "BindConfigPass"),
    "reorder-loops": ("reorder_loops", "ReorderLoopsPass"),
    "fold-single-trip-loops": ("fold_single_trip_loops", "FoldSingleTripLoopsPass"),
    "memory-cse": ("memory_cse", "MemoryCsePass"),
    "convert-loop-to-triton": ("convert_loop_to_triton", "ConvertLoopToTritonPass"),
}


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Our passes by name; each module is imported only when its pass is used."""

    def factory(module: str, cls: str) -> Callable[[], type[ModulePass]]:
        return lambda: getattr(importlib.import_module(f"helion_mlir.passes.{module}"), cls)

    return {name: factory(m, c) for name, (m, c) in _PASSES.items()}
