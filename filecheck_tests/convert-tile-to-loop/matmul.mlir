// RUN: helion-opt %s -p convert-tile-to-loop | filecheck %s

// Matmul: tile.for becomes loop.for stepping by its own block_sizes slot, carrying the
// accumulator. Blocks that feed a tile.dot get a minimum size of 16; the domain's
// upper end is the padded extent (50 -> 64). Block slots follow block order.

tile.kernel @matmul(%x: memref<100x70xf32>, %y: memref<70x50xf32>, %out: memref<100x50xf32>) attributes {sources = ["x", "y", "out"]} {
  %c70 = arith.constant 70 : index
  %c50 = arith.constant 50 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  tile.grid %tile_m = %c0 to %c100, %tile_n = %c0 to %c50 : !tile.tile<0>, !tile.tile<1> {
    %acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %acc_1 = tile.for %tile_k = %c0 to %c70 : !tile.tile<2> iter_args(%acc_2 = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %lhs = tile.load %x[%tile_m, %tile_k] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      %rhs = tile.load %y[%tile_k, %tile_n] {mem_id = 1 : i64} : memref<70x50xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
      %acc_3 = tile.dot %lhs, %rhs acc %acc_2 : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.yield %acc_3 : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    tile.store %acc_1, %out[%tile_m, %tile_n] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x50xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @matmul
// CHECK-NEXT:    %[[B0:.*]] = cfg.param block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64
// CHECK-NEXT:    %[[B1:.*]] = cfg.param block_sizes[1] in #cfg.pow2<16, 64> default 32 : i64
// CHECK-NEXT:    %[[B2:.*]] = cfg.param block_sizes[2] in #cfg.pow2<16, 128> default 32 : i64
// CHECK-NEXT:    %[[W:.*]] = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
// CHECK-NEXT:    %[[S:.*]] = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
// CHECK:         loop.launch %[[O0:.*]] = %c0 to %c100 step %[[B0]], %[[O1:.*]] = %c0 to %c50 step %[[B1]] warps %[[W]] stages %[[S]] {
// CHECK-NEXT:      %tile_m = loop.tile %[[O0]] size %[[B0]] end %c100 : !tile.tile<0>
// CHECK-NEXT:      %tile_n = loop.tile %[[O1]] size %[[B1]] end %c50 : !tile.tile<1>
// CHECK-NEXT:      %acc = tile.full 0.000000e+00
// CHECK-NEXT:      %acc_1 = loop.for %[[O2:.*]] = %c0 to %c70 step %[[B2]] iter_args(%acc_2 = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
// CHECK-NEXT:        %tile_k = loop.tile %[[O2]] size %[[B2]] end %c70 : !tile.tile<2>
// CHECK-NEXT:        %lhs = tile.load %x[%tile_m, %tile_k]
// CHECK-NEXT:        %rhs = tile.load %y[%tile_k, %tile_n]
// CHECK-NEXT:        %acc_3 = tile.dot %lhs, %rhs acc %acc_2
// CHECK-NEXT:        loop.yield %acc_3 : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      }
// CHECK-NEXT:      tile.store %acc_1, %out[%tile_m, %tile_n]
// CHECK-NEXT:    }
// CHECK-NOT:     tile.for
