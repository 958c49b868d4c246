// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [2], \"reduction_loops\": [64]}"},fold-single-trip-loops,memory-cse,convert-loop-to-triton,memory-cse' | filecheck %s

// Softmax at the `mem` stage through the bind pipeline with a rolled config: two rows
// per program, chunks of 64 columns. Each loop.reduce_for (3 trips of 64 over 500, so
// not folded) becomes a triton.for carrying its accumulator. The row block divides 64,
// so block 0 gets no mask; the chunk handle is masked (500 is not a multiple of 64) and
// each tile.mask becomes a triton.where on that mask.

cfg.space {
  cfg.slot block_sizes[0] in #cfg.pow2<1, 64> default 1 : i64 owner "loop.launch"
  cfg.slot reduction_loops[0] in #cfg.chunk<8, 512> default none owner "loop.reduce_for"
  cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch"
  cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch"
}
tile.kernel @softmax(%x: memref<64x500xf32>, %out: memref<64x500xf32>) attributes {sources = ["x", "out"]} {
  %c1 = arith.constant 1 : index
  %c500 = arith.constant 500 : index
  %block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<1, 64> default 1 : i64
  %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %rblock.1 = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default none
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %n = arith.constant 500 : index
  loop.launch %offset.0 = %c0 to %c64 step %block_size.0 warps %num_warps stages %num_stages {
    %rows = loop.tile %offset.0 size %block_size.0 end %c64 : !tile.tile<0>
    %0 = arith.constant 0 : index
    %max_acc = tile.full 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %1 = loop.reduce_for %roffset.1 = %0 to %n step %rblock.1 iter_args(%max_acc_1 = %max_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %rtile.1 = loop.tile %roffset.1 size %rblock.1 end %n : !tile.tile<1>
      %x_tile = mem.load %x[%rows, %rtile.1] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %x_masked = tile.mask %x_tile by %rtile.1 fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
      %2 = arith.maximumf %max_acc_1, %x_masked : tensor<?x?xf32, #tile.blocks<0, 1>>
      loop.yield %2 : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    %max = tile.reduce max %1 dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %3 = arith.constant 0 : index
    %sum_acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %4 = loop.reduce_for %roffset.1_1 = %3 to %n step %rblock.1 iter_args(%sum_acc_1 = %sum_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %rtile.1_1 = loop.tile %roffset.1_1 size %rblock.1 end %n : !tile.tile<1>
      %x_tile_2 = mem.load %x[%rows, %rtile.1_1] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %max_b = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %shifted = arith.subf %x_tile_2, %max_b : tensor<?x?xf32, #tile.blocks<0, 1>>
      %exp = math.exp %shifted : tensor<?x?xf32, #tile.blocks<0, 1>>
      %exp_masked = tile.mask %exp by %rtile.1_1 fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
      %5 = arith.addf %sum_acc_1, %exp_masked : tensor<?x?xf32, #tile.blocks<0, 1>>
      loop.yield %5 : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    %sum = tile.reduce sum %4 dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %6 = arith.constant 0 : index
    loop.reduce_for %roffset.1_2 = %6 to %n step %rblock.1 {
      %rtile.1_2 = loop.tile %roffset.1_2 size %rblock.1 end %n : !tile.tile<1>
      %x_tile_3 = mem.load %x[%rows, %rtile.1_2] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %max_b_1 = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %shifted_1 = arith.subf %x_tile_3, %max_b_1 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %exp_2 = math.exp %shifted_1 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %sum_b = tile.broadcast %sum : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %y = arith.divf %exp_2, %sum_b : tensor<?x?xf32, #tile.blocks<0, 1>>
      mem.store %y, %out[%rows, %rtile.1_2] strides(%c500, %c1) {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK-LABEL: triton.kernel @_softmax_kernel(%x: !triton.ptr<f32>, %out: !triton.ptr<f32>) {
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[C500:.*]] = arith.constant 500 : index
// CHECK:         %pid.0 = triton.program_id #builtin.int<0>
// CHECK-NEXT:    %offset.0 = arith.muli %pid.0, %[[C2]] : index
// CHECK-NOT:     %mask.0
// CHECK:         %max_acc = triton.full 0xff800000 : f32 : tensor<2x64xf32>
// CHECK-NEXT:    %[[L1:.*]] = triton.for %[[R1:.*]] = %[[C0]] to %[[C500]] step %[[C64]] iter_args(%[[A1:.*]] = %max_acc) -> (tensor<2x64xf32>) {
// CHECK:           %[[M1:.*]] = triton.cmp lt %{{.*}}, %{{.*}} : tensor<64xi32> -> tensor<64xi1>
// CHECK:           %[[LM1:.*]] = triton.broadcast_to %{{.*}} : tensor<1x64xi1> -> tensor<2x64xi1>
// CHECK-NEXT:      %[[X1:.*]] = triton.load %x[%{{.*}}] mask %[[LM1]] : !triton.ptr<f32>[tensor<2x64xi32>] mask tensor<2x64xi1> -> tensor<2x64xf32>
// CHECK-NEXT:      %[[W1:.*]] = triton.where %[[LM1]], %[[X1]], %{{.*}} : tensor<2x64xi1>, tensor<2x64xf32>
// CHECK-NEXT:      %[[N1:.*]] = arith.maximumf %[[A1]], %[[W1]] : tensor<2x64xf32>
// CHECK-NEXT:      triton.yield %[[N1]] : tensor<2x64xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %max = triton.reduce max %[[L1]] axis #builtin.int<1> keep_dims : tensor<2x64xf32> -> tensor<2x1xf32>
// CHECK-NEXT:    %sum_acc = triton.full 0.000000e+00 : f32 : tensor<2x64xf32>
// CHECK-NEXT:    %[[L2:.*]] = triton.for %{{.*}} = %[[C0]] to %[[C500]] step %[[C64]] iter_args(%[[A2:.*]] = %sum_acc) -> (tensor<2x64xf32>) {
// CHECK:           %exp = math.exp %{{.*}} : tensor<2x64xf32>
// CHECK-NEXT:      %[[W2:.*]] = triton.where %{{.*}}, %exp, %{{.*}} : tensor<2x64xi1>, tensor<2x64xf32>
// CHECK-NEXT:      %[[N2:.*]] = arith.addf %[[A2]], %[[W2]] : tensor<2x64xf32>
// CHECK-NEXT:      triton.yield %[[N2]] : tensor<2x64xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %sum = triton.reduce sum %[[L2]] axis #builtin.int<1> keep_dims : tensor<2x64xf32> -> tensor<2x1xf32>
// CHECK-NEXT:    triton.for %{{.*}} = %[[C0]] to %[[C500]] step %[[C64]] {
// CHECK:           %y = arith.divf %{{.*}}, %{{.*}} : tensor<2x64xf32>
// CHECK-NEXT:      triton.store %y, %out[%{{.*}}] mask %{{.*}} : tensor<2x64xf32>, !triton.ptr<f32>[tensor<2x64xi32>] mask tensor<2x64xi1>
// CHECK-NEXT:    }
// CHECK-NEXT:  }
// CHECK-NEXT:  triton.launcher "launch_softmax" launches "_softmax_kernel" {grid = ["32"], sources = ["x", "out"], num_warps = #builtin.int<4>, num_stages = #builtin.int<1>}
