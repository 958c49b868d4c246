// RUN: helion-opt %s -t triton --config '{"block_sizes": [4, 8, 4], "loop_orders": [[1, 0]]}' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [4, 8, 4]}' | filecheck %s --check-prefix=DEFAULT

// loop_orders of an N-D device loop: the nest is permuted (reorder-loops), the
// bodies unchanged: with [1, 0] the loop over dim 2 (extent 12) is outermost.

builtin.module {
  tile.kernel @sum3(%x: memref<8x20x12xf32>, %out: memref<8xf32>) attributes {sources = ["x", "out"]} {
    %0 = arith.constant 12 : index
    %1 = arith.constant 20 : index
    %2 = arith.constant 8 : index
    %3 = arith.constant 0 : index
    tile.grid %tm = %3 to %2 : !tile.tile<0> {
      %acc = tile.full 0.000000e+00 : f32 : tensor<?xf32, #tile.blocks<0>>
      %acc_1 = tile.for %ta = %3 to %1, %tb = %3 to %0 : !tile.tile<1>, !tile.tile<2> iter_args(%acc_2 = %acc) -> (tensor<?xf32, #tile.blocks<0>>) {
        %4 = tile.load %x[%tm, %ta, %tb] {mem_id = 0 : i64} : memref<8x20x12xf32>[!tile.tile<0>, !tile.tile<1>, !tile.tile<2>] -> tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
        %5 = tile.reduce sum %4 dims [2] : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
        %6 = tile.reduce sum %5 dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
        %acc_3 = arith.addf %acc_2, %6 : tensor<?xf32, #tile.blocks<0>>
        tile.yield %acc_3 : tensor<?xf32, #tile.blocks<0>>
      }
      tile.store %acc_1, %out[%tm] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
    }
  }
}

// CHECK:       for offset_2 in tl.range(0, 12, 4):
// CHECK:           for offset_1 in tl.range(0, 20, 8):
// CHECK:               indices_1 = offset_1 + {{.*}}
// CHECK:               indices_2 = offset_2 + {{.*}}

// DEFAULT:     for offset_1 in tl.range(0, 20, 8):
// DEFAULT:         for offset_2 in tl.range(0, 12, 4):
