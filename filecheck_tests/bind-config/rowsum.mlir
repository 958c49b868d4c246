// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [4], \"reduction_loops\": [64], \"num_warps\": 8}"}' | filecheck %s --check-prefix=ROLLED
// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [2], \"reduction_loops\": [null]}"}' | filecheck %s --check-prefix=PERSISTENT
// RUN: helion-opt %s -p bind-config | filecheck %s --check-prefix=DEFAULT
// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [256], \"reduction_loops\": [4]}"}' | filecheck %s --check-prefix=CLAMPED
// RUN: helion-opt %s -p 'bind-config{config="{\"reduction_loops\": [1024]}"}' | filecheck %s --check-prefix=WHOLE

// A row sum at the `mem` stage, bound to several configs. Every cfg.param becomes an
// index constant of its value, keys missing from the config take their defaults, and
// the cfg.space goes away. A reduction_loops value of None (null) means one chunk of
// the padded extent (500 -> 512). Values are normalized as Helion does: block sizes are
// clamped into their power-of-two range, chunks to at least 8, and a chunk of at least
// the padded extent becomes None.

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

// ROLLED-NOT:    cfg.
// ROLLED-LABEL:  tile.kernel @row_sum
// ROLLED:          %block_size.0 = arith.constant 4 : index
// ROLLED-NEXT:     %num_warps = arith.constant 8 : index
// ROLLED-NEXT:     %num_stages = arith.constant 1 : index
// ROLLED-NEXT:     %rblock.1 = arith.constant 64 : index
// ROLLED:          loop.launch %offset.0 = %c0 to %c64 step %block_size.0 warps %num_warps stages %num_stages {
// ROLLED:            %acc = loop.reduce_for %roffset.1 = %zero to %n step %rblock.1 iter_args(%partial = %s_acc)
// ROLLED-NEXT:         %rtile.1 = loop.tile %roffset.1 size %rblock.1 end %n : !tile.tile<1>
// ROLLED-NOT:    cfg.

// PERSISTENT-NOT:  cfg.
// PERSISTENT:      %block_size.0 = arith.constant 2 : index
// PERSISTENT-NEXT: %num_warps = arith.constant 4 : index
// PERSISTENT-NEXT: %num_stages = arith.constant 1 : index
// PERSISTENT-NEXT: %rblock.1 = arith.constant 512 : index
// PERSISTENT-NOT:  cfg.

// DEFAULT-NOT:  cfg.
// DEFAULT:      %block_size.0 = arith.constant 1 : index
// DEFAULT-NEXT: %num_warps = arith.constant 4 : index
// DEFAULT-NEXT: %num_stages = arith.constant 1 : index
// DEFAULT-NEXT: %rblock.1 = arith.constant 512 : index
// DEFAULT-NOT:  cfg.

// CLAMPED:      %block_size.0 = arith.constant 64 : index
// CLAMPED:      %rblock.1 = arith.constant 8 : index

// WHOLE:        %rblock.1 = arith.constant 512 : index
