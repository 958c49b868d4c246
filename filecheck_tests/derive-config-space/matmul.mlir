// RUN: helion-opt %s -p derive-config-space | filecheck %s

// The search space of the matmul `loop` stage, read off its cfg.param ops into one
// cfg.space at the top of the module: each slot once, in Helion's key order
// (block_sizes, ..., num_warps, num_stages) whatever the order of the params, with
// the op that uses it as owner. The kernel itself is unchanged.

tile.kernel @matmul(%x: memref<100x70xf32>, %y: memref<70x50xf32>, %out: memref<100x50xf32>) attributes {sources = ["x", "y", "out"]} {
  %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %block_size.2 = cfg.param block_sizes[2] in #cfg.pow2<16, 128> default 32 : i64
  %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64
  %block_size.1 = cfg.param block_sizes[1] in #cfg.pow2<16, 64> default 32 : i64
  %c70 = arith.constant 70 : index
  %c50 = arith.constant 50 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  loop.launch %offset.0 = %c0 to %c100 step %block_size.0, %offset.1 = %c0 to %c50 step %block_size.1 warps %num_warps stages %num_stages {
    %tile_m = loop.tile %offset.0 size %block_size.0 end %c100 : !tile.tile<0>
    %tile_n = loop.tile %offset.1 size %block_size.1 end %c50 : !tile.tile<1>
    %acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %acc_1 = loop.for %offset.2 = %c0 to %c70 step %block_size.2 iter_args(%acc_2 = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %tile_k = loop.tile %offset.2 size %block_size.2 end %c70 : !tile.tile<2>
      %lhs = tile.load %x[%tile_m, %tile_k] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      %rhs = tile.load %y[%tile_k, %tile_n] {mem_id = 1 : i64} : memref<70x50xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
      %acc_3 = tile.dot %lhs, %rhs acc %acc_2 : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      loop.yield %acc_3 : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    tile.store %acc_1, %out[%tile_m, %tile_n] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x50xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK:      builtin.module {
// CHECK-NEXT:   cfg.space {
// CHECK-NEXT:     cfg.slot block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64 owner "loop.launch{{( \(.*\))?}}"
// CHECK-NEXT:     cfg.slot block_sizes[1] in #cfg.pow2<16, 64> default 32 : i64 owner "loop.launch{{( \(.*\))?}}"
// CHECK-NEXT:     cfg.slot block_sizes[2] in #cfg.pow2<16, 128> default 32 : i64 owner "loop.for{{( \(.*\))?}}"
// CHECK-NEXT:     cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch{{( \(.*\))?}}"
// CHECK-NEXT:     cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch{{( \(.*\))?}}"
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.kernel @matmul
// CHECK-NEXT:     %num_warps = cfg.param num_warps
// CHECK-NEXT:     %block_size.2 = cfg.param block_sizes[2]
// CHECK-NEXT:     %num_stages = cfg.param num_stages
// CHECK-NEXT:     %block_size.0 = cfg.param block_sizes[0]
// CHECK-NEXT:     %block_size.1 = cfg.param block_sizes[1]
// CHECK-NOT:    cfg.space
