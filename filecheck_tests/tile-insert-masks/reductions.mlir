// RUN: helion-opt %s --split-input-file -p tile-insert-masks | filecheck %s

// Every reduction input is wrapped in a tile.mask over the reduced block dims, filled
// with the reduction's identity; nothing else changes.

// Softmax as the frontend gives it: the max and the sum over the `:` dim get masks.

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
// CHECK:         %cols = tile.rdim %c500 : !tile.tile<1>
// CHECK-NEXT:    %x_tile = tile.load %x[%rows, %cols]
// CHECK-NEXT:    %[[XM:.*]] = tile.mask %x_tile by %cols fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
// CHECK-NEXT:    %max = tile.reduce max %[[XM]] dims [1] keepdim
// CHECK-NEXT:    %max_b = tile.broadcast %max
// CHECK-NEXT:    %shifted = arith.subf %x_tile, %max_b
// CHECK-NEXT:    %exp = math.exp %shifted
// CHECK-NEXT:    %[[EM:.*]] = tile.mask %exp by %cols fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
// CHECK-NEXT:    %sum = tile.reduce sum %[[EM]] dims [1] keepdim
// CHECK-NEXT:    %sum_b = tile.broadcast %sum
// CHECK-NEXT:    %y = arith.divf %exp, %sum_b
// CHECK-NEXT:    tile.store %y, %out[%rows, %cols]

// -----

// The fill is the identity of the kind and element type (+inf for min, 1 for prod,
// INT32_MIN for an i32 max); a reduction over several dims masks them all; static
// dims need no mask; a reduction of a tile.mask is left alone.

tile.kernel @kinds(%a: memref<30x40xf32>, %b: memref<30x40xi32>) attributes {sources = ["a", "b"]} {
  %c0 = arith.constant 0 : index
  %c30 = arith.constant 30 : index
  %c40 = arith.constant 40 : index
  tile.grid %tm = %c0 to %c30, %tn = %c0 to %c40 : !tile.tile<0>, !tile.tile<1> {
    %f = tile.load %a[%tm, %tn] {mem_id = 0 : i64} : memref<30x40xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %i = tile.load %b[%tm, %tn] {mem_id = 1 : i64} : memref<30x40xi32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xi32, #tile.blocks<0, 1>>
    %min = tile.reduce min %f dims [0, 1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<f32>
    %prod = tile.reduce prod %f dims [0] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<1>>
    %imax = tile.reduce max %i dims [1] : tensor<?x?xi32, #tile.blocks<0, 1>> -> tensor<?xi32, #tile.blocks<0>>
    %g = tile.full 1.000000e+00 : f32 : tensor<?x4xf32, #tile.blocks<0>>
    %static = tile.reduce sum %g dims [1] : tensor<?x4xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
    %pre = tile.mask %f by %tn fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %again = tile.reduce sum %pre dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
  }
}

// CHECK-LABEL: tile.kernel @kinds
// CHECK:         %i = tile.load %b
// CHECK-NEXT:    %[[F1:.*]] = tile.mask %f by %tm, %tn fill 0x7f800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<0>, !tile.tile<1>]
// CHECK-NEXT:    %min = tile.reduce min %[[F1]] dims [0, 1]
// CHECK-NEXT:    %[[F2:.*]] = tile.mask %f by %tm fill 1.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<0>]
// CHECK-NEXT:    %prod = tile.reduce prod %[[F2]] dims [0]
// CHECK-NEXT:    %[[I1:.*]] = tile.mask %i by %tn fill -2147483648 : i32 : tensor<?x?xi32, #tile.blocks<0, 1>>[!tile.tile<1>]
// CHECK-NEXT:    %imax = tile.reduce max %[[I1]] dims [1]
// CHECK-NEXT:    %g = tile.full
// CHECK-NEXT:    %static = tile.reduce sum %g dims [1]
// CHECK-NEXT:    %pre = tile.mask %f by %tn fill 0.000000e+00
// CHECK-NEXT:    %again = tile.reduce sum %pre dims [1]
// CHECK-NEXT:  }
