// RUN: helion-opt %s -p tile-insert-masks | filecheck %s

// A reduction whose input is already masked, but over other handles or with another
// fill, still gets the mask it needs; one masked exactly right gets none.

tile.kernel @k(%x: memref<8x8xf32>, %o: memref<8xf32>) attributes {sources = ["x", "o"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  tile.grid %tm = %c0 to %c8, %tn = %c0 to %c8 : !tile.tile<0>, !tile.tile<1> {
    %v = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<8x8xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %z = tile.mask %v by %tm fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<0>]
    %m = tile.reduce max %z dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    %w = tile.mask %v by %tn fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %n = tile.reduce max %w dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    %s = arith.addf %m, %n : tensor<?xf32, #tile.blocks<0>>
    tile.store %s, %o[%tm] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
  }
}

// CHECK:      %z = tile.mask %v by %tm fill 0.000000e+00
// CHECK-NEXT: [[M:%.*]] = tile.mask %z by %tn fill 0xff800000
// CHECK-NEXT: %m = tile.reduce max [[M]] dims [1]
// CHECK-NEXT: %w = tile.mask %v by %tn fill 0xff800000
// CHECK-NEXT: %n = tile.reduce max %w dims [1]
