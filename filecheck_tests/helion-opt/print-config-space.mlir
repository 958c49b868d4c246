// RUN: helion-opt %s --print-config-space | filecheck %s
// RUN: helion-opt %s -t config-space | filecheck %s

// --print-config-space prints the search space (the cfg.space of a `mem`-stage module)
// as a table instead of the IR: key, owning op, domain in words, default.

builtin.module {
  cfg.space {
    cfg.slot block_sizes[0] in #cfg.pow2<1, 64> default 1 : i64 owner "loop.launch"
    cfg.slot reduction_loops[0] in #cfg.chunk<8, 512> default none owner "loop.reduce_for"
    cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch"
    cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch"
  }
  tile.kernel @row_sum(%x: memref<64x500xf32>, %out: memref<64xf32>) attributes {sources = ["x", "out"]} {
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
      %zero = arith.constant 0 : index
      %s_acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %acc = loop.reduce_for %roffset.1 = %zero to %n step %rblock.1 iter_args(%partial = %s_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
        %rtile.1 = loop.tile %roffset.1 size %rblock.1 end %n : !tile.tile<1>
        %v = mem.load %x[%rows, %rtile.1] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
        %next = arith.addf %partial, %v : tensor<?x?xf32, #tile.blocks<0, 1>>
        loop.yield %next : tensor<?x?xf32, #tile.blocks<0, 1>>
      }
      %s = tile.reduce sum %acc dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
      mem.store %s, %out[%rows] strides(%c1) {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
    }
  }
}


// CHECK:      key                 owner                                         domain                              default
// CHECK-NEXT: ------------------  --------------------------------------------  ----------------------------------  -------
// CHECK-NEXT: block_sizes[0]      loop.launch (print-config-space.mlir:24)      a power of two in [1, 64]           1
// CHECK-NEXT: reduction_loops[0]  loop.reduce_for (print-config-space.mlir:28)  None or a power of two in [8, 512)  None
// CHECK-NEXT: num_warps           loop.launch (print-config-space.mlir:24)      a power of two in [1, 32]           4
// CHECK-NEXT: num_stages          loop.launch (print-config-space.mlir:24)      an integer in [1, 8]                1
// CHECK-NOT:  tile.kernel
