// RUN: helion-opt %s -p tile-insert-masks | filecheck %s

// Both tile.dot operands get a zero-filled mask over the contraction block (here
// tile_k), so padded K lanes add nothing to the accumulator.

tile.kernel @matmul(%x: memref<100x70xf32>, %y: memref<70x50xf32>, %out: memref<100x50xf32>) attributes {sources = ["x", "y", "out"]} {
  %c0 = arith.constant 0 : index
  %c50 = arith.constant 50 : index
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  tile.grid %tile_m = %c0 to %c100, %tile_n = %c0 to %c50 : !tile.tile<0>, !tile.tile<1> {
    %acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %res = tile.for %tile_k = %c0 to %c70 : !tile.tile<2> iter_args(%a = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %lhs = tile.load %x[%tile_m, %tile_k] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      %rhs = tile.load %y[%tile_k, %tile_n] {mem_id = 1 : i64} : memref<70x50xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
      %d = tile.dot %lhs, %rhs acc %a : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.yield %d : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    tile.store %res, %out[%tile_m, %tile_n] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x50xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @matmul
// CHECK:         %res = tile.for %tile_k = %c0 to %c70 : !tile.tile<2> iter_args(%a = %acc)
// CHECK-NEXT:      %lhs = tile.load %x[%tile_m, %tile_k]
// CHECK-NEXT:      %rhs = tile.load %y[%tile_k, %tile_n]
// CHECK-NEXT:      %[[L:.*]] = tile.mask %lhs by %tile_k fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 2>>[!tile.tile<2>]
// CHECK-NEXT:      %[[R:.*]] = tile.mask %rhs by %tile_k fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<2, 1>>[!tile.tile<2>]
// CHECK-NEXT:      %d = tile.dot %[[L]], %[[R]] acc %a
// CHECK-NEXT:      tile.yield %d
// CHECK-NEXT:    }
// CHECK-NEXT:    tile.store %res, %out[%tile_m, %tile_n]
// CHECK-NOT:     tile.mask
