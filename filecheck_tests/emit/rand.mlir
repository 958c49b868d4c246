// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 32]}' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [8, 64]}' | filecheck %s

// hl.rand(x[tm, tn] shape, seed=123) at the `tile` stage: the offsets are each
// element's row-major position (row * 50 + column), built from the tiles' indices, so
// every config draws the same numbers; tile.rand becomes tl.rand(seed, offsets).

// CHECK:      [[ROW:v_[0-9]+]] = indices_0_0 * 50
// CHECK-NEXT: [[POS:v_[0-9]+]] = indices_1[None, :] + [[ROW]]
// CHECK-NEXT: rand = tl.rand(123, [[POS]])
// CHECK-NEXT: {{.*}} = load + rand

builtin.module {
  tile.kernel @noise(%x: memref<37x50xf32>, %out: memref<37x50xf32>) attributes {sources = ["x", "out"]} {
    %0 = arith.constant 50 : index
    %1 = arith.constant 37 : index
    %2 = arith.constant 0 : index
    tile.grid %tm = %2 to %1, %tn = %2 to %0 : !tile.tile<0>, !tile.tile<1> {
      %3 = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<37x50xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %4 = arith.constant 123 : i64
      %5 = tile.index %tn : !tile.tile<1> -> tensor<?xi32, #tile.blocks<1>>
      %6 = tile.reshape %5 : tensor<?xi32, #tile.blocks<1>> -> tensor<1x?xi32, #tile.blocks<1>>
      %7 = tile.index %tm : !tile.tile<0> -> tensor<?xi32, #tile.blocks<0>>
      %8 = tile.reshape %7 : tensor<?xi32, #tile.blocks<0>> -> tensor<?x1xi32, #tile.blocks<0>>
      %9 = tile.full 50 : i32 : tensor<?x1xi32, #tile.blocks<0>>
      %10 = arith.muli %8, %9 : tensor<?x1xi32, #tile.blocks<0>>
      %11 = tile.broadcast %6 : tensor<1x?xi32, #tile.blocks<1>> -> tensor<?x?xi32, #tile.blocks<0, 1>>
      %12 = tile.broadcast %10 : tensor<?x1xi32, #tile.blocks<0>> -> tensor<?x?xi32, #tile.blocks<0, 1>>
      %13 = arith.addi %11, %12 : tensor<?x?xi32, #tile.blocks<0, 1>>
      %14 = tile.rand %4, %13 : i64, tensor<?x?xi32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %15 = arith.addf %3, %14 : tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %15, %out[%tm, %tn] {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<37x50xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}
