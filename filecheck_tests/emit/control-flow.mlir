// RUN: helion-opt %s -t triton | filecheck %s

// Device control flow as the frontend gives it: `if` on a loaded scalar becomes a
// Python `if` assigning the merged value in each branch; `while` keeps its carried
// values and its condition in variables that the body reassigns.

builtin.module {
  tile.kernel @cf(%x: memref<4xf32>, %y: memref<4xf32>, %out: memref<4xf32>) attributes {sources = ["x", "y", "out"]} {
    %0 = arith.constant 4 : index
    %1 = arith.constant 0 : index
    tile.grid %i = %1 to %0 : !tile.tile<0> {
      %i_1 = tile.begin %i : !tile.tile<0>
      %v = tile.load %x[%i_1] {mem_id = 0 : i64} : memref<4xf32>[index] -> tensor<f32>
      %2 = tile.load %y[%i_1] {mem_id = 1 : i64} : memref<4xf32>[index] -> tensor<f32>
      %3 = tile.full 0.000000e+00 : f32 : tensor<f32>
      %4 = tile.cmp gt %2, %3 : tensor<f32> -> tensor<i1>
      %v_1 = tile.if %4 : tensor<i1> -> (tensor<f32>) {
        %5 = tile.full 2.000000e+00 : f32 : tensor<f32>
        %v_2 = arith.mulf %v, %5 : tensor<f32>
        tile.yield %v_2 : tensor<f32>
      } else {
        tile.yield %v : tensor<f32>
      }
      %6 = tile.full 0 : i64 : tensor<i64>
      %n, %v_3 = tile.while(%6, %v_1) : (tensor<i64>, tensor<f32>) -> (tensor<i64>, tensor<f32>) {
      ^bb0(%n_1: tensor<i64>, %v_4: tensor<f32>):
        %7 = tile.full 1.000000e+00 : f32 : tensor<f32>
        %8 = tile.cmp gt %v_4, %7 : tensor<f32> -> tensor<i1>
        tile.yield %8 : tensor<i1>
      } do {
      ^bb0(%n_2: tensor<i64>, %v_5: tensor<f32>):
        %9 = tile.full 2.000000e+00 : f32 : tensor<f32>
        %v_6 = arith.divf %v_5, %9 : tensor<f32>
        %10 = tile.full 1 : i64 : tensor<i64>
        %n_3 = arith.addi %n_2, %10 : tensor<i64>
        tile.yield %n_3, %v_6 : tensor<i64>, tensor<f32>
      }
      %11 = tile.cast %n : tensor<i64> to tensor<f32>
      %12 = arith.addf %v_3, %11 : tensor<f32>
      tile.store %12, %out[%i_1] {mem_id = 2 : i64} : tensor<f32>, memref<4xf32>[index]
    } {block_sizes = array<i64: 1>}
  }
}

// CHECK:      def _cf_kernel(x, y, out):
// CHECK:          v_0 = load > 0.0
// CHECK-NEXT:     if v_0:
// CHECK-NEXT:         v_1 = v * 2.0
// CHECK-NEXT:     else:
// CHECK-NEXT:         v_1 = v
// CHECK:          n = v_2
// CHECK-NEXT:     v_3 = v_1
// CHECK-NEXT:     cond = v_3 > 1.0
// CHECK-NEXT:     while cond:
// CHECK-NEXT:         v_3 = v_3 / 2.0
// CHECK-NEXT:         n = n + 1
// CHECK-NEXT:         cond = v_3 > 1.0
// CHECK-NEXT:     v_4 = n.to(tl.float32)
