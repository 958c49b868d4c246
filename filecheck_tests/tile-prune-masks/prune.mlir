// RUN: helion-opt %s -p tile-prune-masks | filecheck %s

// A tile.mask is dropped when the padded lanes of its source already hold the fill:
// loads pad with 0, elementwise ops apply themselves to the padded values, and a
// reduction keeps the padded value when that is its fixed point.

tile.kernel @prune(%x: memref<30x40xf32>, %out: memref<30xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c30 = arith.constant 30 : index
  %c40 = arith.constant 40 : index
  tile.grid %tm = %c0 to %c30 : !tile.tile<0> {
    %tn = tile.rdim %c40 : !tile.tile<1>
    %v = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<30x40xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    // sum of a load: the padded lanes already hold 0
    %m_sum = tile.mask %v by %tn fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %sum = tile.reduce sum %m_sum dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    // max of a load: 0 is not -inf
    %m_max = tile.mask %v by %tn fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %max = tile.reduce max %m_max dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    // sum of exp(load): exp(0) = 1
    %e = math.exp %v : tensor<?x?xf32, #tile.blocks<0, 1>>
    %m_exp = tile.mask %e by %tn fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %sum_exp = tile.reduce sum %m_exp dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    // sum of load * 3: 0 * 3 = 0
    %three = tile.full 3.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %s = arith.mulf %v, %three : tensor<?x?xf32, #tile.blocks<0, 1>>
    %m_scaled = tile.mask %s by %tn fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %sum_scaled = tile.reduce sum %m_scaled dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    // sum of load + 1: 0 + 1 = 1
    %one = tile.full 1.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %p = arith.addf %v, %one : tensor<?x?xf32, #tile.blocks<0, 1>>
    %m_shift = tile.mask %p by %tn fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %sum_shift = tile.reduce sum %m_shift dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    // a mask over every block dim fixes the padded value: the second mask repeats it
    %all = tile.mask %e by %tm, %tn fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<0>, !tile.tile<1>]
    %m_again = tile.mask %all by %tn fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %max_all = tile.reduce max %m_again dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    // a sum of zero-padded lanes is zero-padded again
    %m_outer = tile.mask %sum by %tm fill 0.000000e+00 : f32 : tensor<?xf32, #tile.blocks<0>>[!tile.tile<0>]
    %total = tile.reduce sum %m_outer dims [0] : tensor<?xf32, #tile.blocks<0>> -> tensor<f32>
    tile.store %sum_exp, %out[%tm] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<30xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @prune
// CHECK:         %v = tile.load %x[%tm, %tn]

// Sum of a load: pruned.
// CHECK-NEXT:    %sum = tile.reduce sum %v dims [1]

// Max of a load: kept (0 is not -inf).
// CHECK-NEXT:    %m_max = tile.mask %v by %tn fill 0xff800000 : f32
// CHECK-NEXT:    %max = tile.reduce max %m_max dims [1]

// Sum of exp(load): kept (exp(0) = 1).
// CHECK-NEXT:    %e = math.exp %v
// CHECK-NEXT:    %m_exp = tile.mask %e by %tn fill 0.000000e+00 : f32
// CHECK-NEXT:    %sum_exp = tile.reduce sum %m_exp dims [1]

// Sum of load * 3: pruned.
// CHECK-NEXT:    %three = tile.full 3.000000e+00
// CHECK-NEXT:    %s = arith.mulf %v, %three
// CHECK-NEXT:    %sum_scaled = tile.reduce sum %s dims [1]

// Sum of load + 1: kept.
// CHECK-NEXT:    %one = tile.full 1.000000e+00
// CHECK-NEXT:    %p = arith.addf %v, %one
// CHECK-NEXT:    %m_shift = tile.mask %p by %tn fill 0.000000e+00 : f32
// CHECK-NEXT:    %sum_shift = tile.reduce sum %m_shift dims [1]

// A mask over every block dim is kept; the one repeating it is pruned.
// CHECK-NEXT:    %all = tile.mask %e by %tm, %tn fill 0xff800000 : f32
// CHECK-NEXT:    %max_all = tile.reduce max %all dims [1]

// A sum of zero-padded lanes is zero-padded: pruned.
// CHECK-NEXT:    %total = tile.reduce sum %sum dims [0]
// CHECK-NEXT:    tile.store %sum_exp, %out[%tm]
