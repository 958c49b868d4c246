// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [64, 32, 16]}"},fold-single-trip-loops,memory-cse,convert-loop-to-triton,memory-cse' | filecheck %s

// Matmul at the `mem` stage, bound to 64 x 32 output tiles and K chunks of 16: the K
// loop.for (5 trips, not folded) becomes a triton.for carrying the accumulator, and
// tile.dot a triton.dot on the concrete block shapes.

cfg.space {
  cfg.slot block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64 owner "loop.launch"
  cfg.slot block_sizes[1] in #cfg.pow2<16, 64> default 32 : i64 owner "loop.launch"
  cfg.slot block_sizes[2] in #cfg.pow2<16, 128> default 32 : i64 owner "loop.for"
  cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch"
  cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch"
}
tile.kernel @matmul(%x: memref<100x70xf32>, %y: memref<70x50xf32>, %out: memref<100x50xf32>) attributes {sources = ["x", "y", "out"]} {
  %c50 = arith.constant 50 : index
  %c1 = arith.constant 1 : index
  %c70 = arith.constant 70 : index
  %block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64
  %block_size.1 = cfg.param block_sizes[1] in #cfg.pow2<16, 64> default 32 : i64
  %block_size.2 = cfg.param block_sizes[2] in #cfg.pow2<16, 128> default 32 : i64
  %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %c70_1 = arith.constant 70 : index
  %c50_1 = arith.constant 50 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  loop.launch %offset.0 = %c0 to %c100 step %block_size.0, %offset.1 = %c0 to %c50_1 step %block_size.1 warps %num_warps stages %num_stages {
    %tile_m = loop.tile %offset.0 size %block_size.0 end %c100 : !tile.tile<0>
    %tile_n = loop.tile %offset.1 size %block_size.1 end %c50_1 : !tile.tile<1>
    %acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %acc_1 = loop.for %offset.2 = %c0 to %c70_1 step %block_size.2 iter_args(%acc_2 = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %tile_k = loop.tile %offset.2 size %block_size.2 end %c70_1 : !tile.tile<2>
      %lhs = mem.load %x[%tile_m, %tile_k] strides(%c70, %c1) {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      %rhs = mem.load %y[%tile_k, %tile_n] strides(%c50, %c1) {mem_id = 1 : i64} : memref<70x50xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
      %acc_3 = tile.dot %lhs, %rhs acc %acc_2 : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      loop.yield %acc_3 : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    mem.store %acc_1, %out[%tile_m, %tile_n] strides(%c50, %c1) {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x50xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: triton.kernel @_matmul_kernel(%x: !triton.ptr<f32>, %y: !triton.ptr<f32>, %out: !triton.ptr<f32>) {
// CHECK:         %acc = triton.full 0.000000e+00 : f32 : tensor<64x32xf32>
// CHECK-NEXT:    %acc_1 = triton.for %offset.2 = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%acc_2 = %acc) -> (tensor<64x32xf32>) {
// CHECK:           %lhs = triton.load %x[%{{.*}}] mask %{{.*}} : !triton.ptr<f32>[tensor<64x16xi32>] mask tensor<64x16xi1> -> tensor<64x16xf32>
// CHECK:           %rhs = triton.load %y[%{{.*}}] mask %{{.*}} : !triton.ptr<f32>[tensor<16x32xi32>] mask tensor<16x32xi1> -> tensor<16x32xf32>
// CHECK-NEXT:      %acc_3 = triton.dot %lhs, %rhs acc %acc_2 : tensor<64x16xf32>, tensor<16x32xf32>, tensor<64x32xf32> -> tensor<64x32xf32>
// CHECK-NEXT:      triton.yield %acc_3 : tensor<64x32xf32>
// CHECK-NEXT:    }
// CHECK:         triton.store %acc_1, %out[%{{.*}}] mask %{{.*}} : tensor<64x32xf32>, !triton.ptr<f32>[tensor<64x32xi32>] mask tensor<64x32xi1>
// CHECK-NEXT:  }
// CHECK-NEXT:  triton.launcher "launch_matmul" launches "_matmul_kernel" {grid = ["4"], sources = ["x", "y", "out"], num_warps = #builtin.int<4>, num_stages = #builtin.int<1>}
