// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [32, 32]}"},convert-loop-to-triton' | filecheck %s --check-prefix=MASKED
// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [4, 2], \"num_warps\": 2}"},convert-loop-to-triton' | filecheck %s --check-prefix=FULL

// The add kernel at the `mem` stage, bound and lowered to the triton dialect. The
// launch becomes one program id split into a tile offset per dim (dim 0 fastest) and
// a triton.launcher with the grid size and launch options. Each handle gets an index
// vector (offset + arange) and, when the block does not divide the extent, a bounds
// mask; accesses become pointer offsets sum(indices_d * stride_d) with the masks of
// their dims, and every type takes the concrete block sizes.

cfg.space {
  cfg.slot block_sizes[0] in #cfg.pow2<1, 128> default 32 : i64 owner "loop.launch"
  cfg.slot block_sizes[1] in #cfg.pow2<1, 128> default 32 : i64 owner "loop.launch"
  cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch"
  cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch"
}
tile.kernel @add(%x: memref<100x70xf32>, %y: memref<70xf32>, %out: memref<100x70xf32>) attributes {sources = ["x", "y", "out"]} {
  %c1 = arith.constant 1 : index
  %c70 = arith.constant 70 : index
  %block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<1, 128> default 32 : i64
  %block_size.1 = cfg.param block_sizes[1] in #cfg.pow2<1, 128> default 32 : i64
  %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %n = arith.constant 70 : index
  %m = arith.constant 100 : index
  %zero = arith.constant 0 : index
  loop.launch %offset.0 = %zero to %m step %block_size.0, %offset.1 = %zero to %n step %block_size.1 warps %num_warps stages %num_stages {
    %tm = loop.tile %offset.0 size %block_size.0 end %m : !tile.tile<0>
    %tn = loop.tile %offset.1 size %block_size.1 end %n : !tile.tile<1>
    %xt = mem.load %x[%tm, %tn] strides(%c70, %c1) {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %yt = mem.load %y[%tn] strides(%c1) {mem_id = 1 : i64} : memref<70xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    %yr = tile.reshape %yt : tensor<?xf32, #tile.blocks<1>> -> tensor<1x?xf32, #tile.blocks<1>>
    %yb = tile.broadcast %yr : tensor<1x?xf32, #tile.blocks<1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum = arith.addf %xt, %yb : tensor<?x?xf32, #tile.blocks<0, 1>>
    mem.store %sum, %out[%tm, %tn] strides(%c70, %c1) {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// 32 x 32 blocks: 4 x 3 programs, both dims masked (32 divides neither 100 nor 70).
// MASKED-NOT:    tile.kernel
// MASKED-LABEL:  triton.kernel @_add_kernel(%x: !triton.ptr<f32>, %y: !triton.ptr<f32>, %out: !triton.ptr<f32>) {
// MASKED-DAG:      %[[C4:.*]] = arith.constant 4 : index
// MASKED-DAG:      %[[C32:.*]] = arith.constant 32 : index
// MASKED-DAG:      %[[C70:.*]] = arith.constant 70 : index
// MASKED-DAG:      %[[C100:.*]] = arith.constant 100 : index
// MASKED:          %pid = triton.program_id #builtin.int<0>
// MASKED-NEXT:     %pid.0 = arith.remsi %pid, %[[C4]] : index
// MASKED-NEXT:     %pid.1 = arith.divsi %pid, %[[C4]] : index
// MASKED-NEXT:     %offset.0 = arith.muli %pid.0, %[[C32]] : index
// MASKED-NEXT:     %offset.1 = arith.muli %pid.1, %[[C32]] : index
// MASKED:          %indices.0 = arith.addi %{{.*}}, %arange.0 : tensor<32xi32>
// MASKED:          %end.0 = triton.splat %[[C100]] : index -> tensor<32xi32>
// MASKED-NEXT:     %mask.0 = triton.cmp lt %indices.0, %end.0 : tensor<32xi32> -> tensor<32xi1>
// MASKED:          %indices.1 = arith.addi %{{.*}}, %arange.1 : tensor<32xi32>
// MASKED:          %end.1 = triton.splat %[[C70]] : index -> tensor<32xi32>
// MASKED-NEXT:     %mask.1 = triton.cmp lt %indices.1, %end.1 : tensor<32xi32> -> tensor<32xi1>
// MASKED:          %offsets = arith.addi %{{.*}}, %{{.*}} : tensor<32x32xi32>
// MASKED:          %mask = arith.andi %{{.*}}, %{{.*}} : tensor<32x32xi1>
// MASKED-NEXT:     %xt = triton.load %x[%offsets] mask %mask : !triton.ptr<f32>[tensor<32x32xi32>] mask tensor<32x32xi1> -> tensor<32x32xf32>
// MASKED-NEXT:     %yt = triton.load %y[%indices.1] mask %mask.1 : !triton.ptr<f32>[tensor<32xi32>] mask tensor<32xi1> -> tensor<32xf32>
// MASKED-NEXT:     %yr = triton.reshape %yt : tensor<32xf32> -> tensor<1x32xf32>
// MASKED-NEXT:     %yb = triton.broadcast_to %yr : tensor<1x32xf32> -> tensor<32x32xf32>
// MASKED-NEXT:     %sum = arith.addf %xt, %yb : tensor<32x32xf32>
// MASKED:          triton.store %sum, %out[%{{.*}}] mask %{{.*}} : tensor<32x32xf32>, !triton.ptr<f32>[tensor<32x32xi32>] mask tensor<32x32xi1>
// MASKED-NEXT:   }
// MASKED-NEXT:   triton.launcher "launch_add" launches "_add_kernel" {grid = ["12"], sources = ["x", "y", "out"], num_warps = #builtin.int<4>, num_stages = #builtin.int<1>}
// MASKED-NOT:    cfg.
// MASKED-NOT:    mem.

// 4 x 2 blocks divide 100 x 70: 25 x 35 = 875 programs and no masks at all.
// FULL-LABEL:    triton.kernel @_add_kernel
// FULL-NOT:        mask
// FULL:            %xt = triton.load %x[%offsets] : !triton.ptr<f32>[tensor<4x2xi32>] -> tensor<4x2xf32>
// FULL-NEXT:       %yt = triton.load %y[%indices.1] : !triton.ptr<f32>[tensor<2xi32>] -> tensor<2xf32>
// FULL-NOT:        mask
// FULL:            triton.store %sum, %out[%{{.*}}] : tensor<4x2xf32>, !triton.ptr<f32>[tensor<4x2xi32>]
// FULL-NEXT:     }
// FULL-NEXT:     triton.launcher "launch_add" launches "_add_kernel" {grid = ["875"], sources = ["x", "y", "out"], num_warps = #builtin.int<2>, num_stages = #builtin.int<1>}
