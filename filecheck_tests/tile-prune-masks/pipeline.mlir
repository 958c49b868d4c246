// RUN: helion-opt %s --split-input-file -p tile-insert-masks,tile-prune-masks | filecheck %s

// The `tile` stage: masks inserted, then pruned where the values make them redundant.

// Matmul: both dot operands are loads, zero-padded already, so no mask survives.

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
// CHECK-NOT:     tile.mask
// CHECK:         %d = tile.dot %lhs, %rhs acc %a
// CHECK-NOT:     tile.mask

// -----

// Softmax: the max of the load (padded with 0, not -inf) and the sum of exp (padded
// with exp(0 - max), not 0) keep their masks.

tile.kernel @softmax(%x: memref<64x500xf32>, %out: memref<64x500xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c500 = arith.constant 500 : index
  tile.grid %rows = %c0 to %c64 : !tile.tile<0> {
    %cols = tile.rdim %c500 : !tile.tile<1>
    %x_tile = tile.load %x[%rows, %cols] {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %max = tile.reduce max %x_tile dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %max_b = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %shifted = arith.subf %x_tile, %max_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    %exp = math.exp %shifted : tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum = tile.reduce sum %exp dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %sum_b = tile.broadcast %sum : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %y = arith.divf %exp, %sum_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %y, %out[%rows, %cols] {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @softmax
// CHECK:         %x_tile = tile.load %x[%rows, %cols]
// CHECK-NEXT:    %[[XM:.*]] = tile.mask %x_tile by %cols fill 0xff800000 : f32
// CHECK-NEXT:    %max = tile.reduce max %[[XM]] dims [1] keepdim
// CHECK:         %exp = math.exp %shifted
// CHECK-NEXT:    %[[EM:.*]] = tile.mask %exp by %cols fill 0.000000e+00 : f32
// CHECK-NEXT:    %sum = tile.reduce sum %[[EM]] dims [1] keepdim
