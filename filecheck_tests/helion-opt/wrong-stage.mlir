// RUN: not helion-opt %s -p convert-loop-to-triton 2>&1 | filecheck %s --check-prefix=TILE
// RUN: not helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions,convert-tile-to-loop,bind-config,convert-loop-to-triton 2>&1 | filecheck %s --check-prefix=LOOP
// RUN: not helion-opt %s -p tile-insert-masks,tile-prune-masks,convert-tile-to-loop,materialize-addressing,bind-config,convert-loop-to-triton 2>&1 | filecheck %s --check-prefix=RDIM
// RUN: helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions,convert-tile-to-loop,materialize-addressing,derive-config-space,bind-config,convert-loop-to-triton | filecheck %s --check-prefix=ORDERED

// convert-loop-to-triton lowers the launches of a bound mem-stage kernel; fed a kernel
// of an earlier stage (passes run out of order) it names what is left and the passes
// still to run, instead of dropping the kernel.

tile.kernel @rowmax(%x: memref<8x100xf32>, %out: memref<8xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  tile.grid %t = %c0 to %c8 : !tile.tile<0> {
    %r = tile.rdim %c100 : !tile.tile<1>
    %v = tile.load %x[%t, %r] {mem_id = 0 : i64} : memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %m = tile.reduce max %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    tile.store %m, %out[%t] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
  }
}

// TILE:      helion-opt: error: convert-loop-to-triton expects a kernel at the mem stage with its config bound, but the module still has tile.grid (wrong-stage.mlir:14), which earlier passes lower: run -p tile-insert-masks,tile-prune-masks,roll-reductions,convert-tile-to-loop,materialize-addressing,derive-config-space,bind-config,convert-loop-to-triton (or -t triton without -p, which lowers a module at any stage)
// TILE-NOT:  triton.entry

// LOOP:      helion-opt: error: convert-loop-to-triton expects {{.*}} still has tile.load (wrong-stage.mlir:{{[0-9]+}}), which earlier passes lower: run -p materialize-addressing,derive-config-space,bind-config,convert-loop-to-triton (or

// RDIM:      helion-opt: error: convert-loop-to-triton expects {{.*}} still has tile.rdim (wrong-stage.mlir:15), which earlier passes lower: run -p roll-reductions,convert-tile-to-loop,materialize-addressing,derive-config-space,bind-config,convert-loop-to-triton (or

// ORDERED:   triton.kernel @_rowmax_kernel
