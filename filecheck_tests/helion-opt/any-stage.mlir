// RUN: helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions -t triton | filecheck %s
// RUN: helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions,convert-tile-to-loop -t triton | filecheck %s
// RUN: helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions --print-config-space | filecheck %s --check-prefix=SPACE
// RUN: helion-opt %s --print-config-space | filecheck %s --check-prefix=SPACE

// `-t triton` and `--print-config-space` accept a kernel at any config-free stage:
// whatever passes it still needs run first, each once.

tile.kernel @rowsum(%x: memref<8x100xf32>, %out: memref<8xf32>) attributes {sources = ["x", "out"]} {
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

// CHECK:       def _helion_max(a, b):
// CHECK:       def _rowsum_kernel(x, out):
// CHECK:       tl.where({{.*}}, float('-inf'))
// CHECK:       tl.reduce({{.*}}, _helion_max
// CHECK:       def launch_rowsum(x, out):

// SPACE:       block_sizes[0]
// SPACE-NEXT:  reduction_loops[0]
// SPACE:       num_warps
// SPACE-NEXT:  num_stages
