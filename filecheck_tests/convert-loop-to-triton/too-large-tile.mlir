// RUN: not helion-opt %s -p 'bind-config{config="{\"block_sizes\": [2048, 1024]}"},convert-loop-to-triton' 2>&1 | filecheck %s
// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [1024, 1024]}"},convert-loop-to-triton' | filecheck %s --check-prefix=FITS

// The add kernel on 2048 x 2048 at the `mem` stage: 2048 x 1024 blocks make a tile of
// 2M elements, more than Triton's 2^20, a diagnostic rather than Triton's own failure.

// CHECK:     helion-opt: error: the block sizes make a tile of shape [2048, 1024] (2097152 elements); Triton allows at most 1048576 per tile: use smaller block sizes
// FITS:      triton.load {{.*}} -> tensor<1024x1024xf32>

builtin.module {
  cfg.space {
    cfg.slot block_sizes[0] in #cfg.pow2<1, 2048> default 32 : i64 owner "loop.launch (add.py:13)"
    cfg.slot block_sizes[1] in #cfg.pow2<1, 2048> default 32 : i64 owner "loop.launch (add.py:13)"
    cfg.slot loop_orders[0] in #cfg.perm<2> default [0 : i64, 1 : i64] owner "loop.launch (add.py:13)"
    cfg.slot l2_groupings[0] in #cfg.pow2<1, 64> default 1 : i64 owner "loop.launch (add.py:13)"
    cfg.slot range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch (add.py:13)"
    cfg.slot range_num_stages[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch (add.py:13)"
    cfg.slot range_multi_buffers[0] in #cfg.enum<none, false, true> default none owner "loop.launch (add.py:13)"
    cfg.slot range_flattens[0] in #cfg.enum<none, false, true> default none owner "loop.launch (add.py:13)"
    cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch (add.py:13)"
    cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch (add.py:13)"
    cfg.slot indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.load (add.py:14)"
    cfg.slot indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.load (add.py:14)"
    cfg.slot indexing[2] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.store (add.py:14)"
    cfg.slot load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "" owner "mem.load (add.py:14)"
    cfg.slot load_eviction_policies[1] in #cfg.enum<"", "first", "last"> default "" owner "mem.load (add.py:14)"
    cfg.slot pid_type in #cfg.enum<"flat", "xyz", "persistent_blocked", "persistent_interleaved"> default "flat" owner "loop.launch (add.py:13)"
    cfg.slot num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64 owner "loop.launch (add.py:13)"
  }
  tile.kernel @add(%x: memref<2048x2048xf32>, %y: memref<2048xf32>, %out: memref<2048x2048xf32>) attributes {sources = ["x", "y", "out"]} {
    %c1 = arith.constant 1 : index
    %c2048 = arith.constant 2048 : index
    %block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<1, 2048> default 32 : i64
    %block_size.1 = cfg.param block_sizes[1] in #cfg.pow2<1, 2048> default 32 : i64
    %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
    %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
    %0 = arith.constant 2048 : index
    %1 = arith.constant 0 : index
    loop.launch %offset.0 = %1 to %0 step %block_size.0, %offset.1 = %1 to %0 step %block_size.1 warps %num_warps stages %num_stages {
      %tm = loop.tile %offset.0 size %block_size.0 end %0 : !tile.tile<0>
      %tn = loop.tile %offset.1 size %block_size.1 end %0 : !tile.tile<1>
      %2 = mem.load %x[%tm, %tn] strides(%c2048, %c1) {mem_id = 0 : i64, eviction_policy = #cfg.ref<load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "">, indexing = #cfg.ref<indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : memref<2048x2048xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %3 = mem.load %y[%tn] strides(%c1) {mem_id = 1 : i64, eviction_policy = #cfg.ref<load_eviction_policies[1] in #cfg.enum<"", "first", "last"> default "">, indexing = #cfg.ref<indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : memref<2048xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
      %4 = tile.reshape %3 : tensor<?xf32, #tile.blocks<1>> -> tensor<1x?xf32, #tile.blocks<1>>
      %5 = tile.broadcast %4 : tensor<1x?xf32, #tile.blocks<1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %6 = arith.addf %2, %5 : tensor<?x?xf32, #tile.blocks<0, 1>>
      mem.store %6, %out[%tm, %tn] strides(%c2048, %c1) {mem_id = 2 : i64, indexing = #cfg.ref<indexing[2] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<2048x2048xf32>[!tile.tile<0>, !tile.tile<1>]
    } {pid_type = #cfg.ref<pid_type in #cfg.enum<"flat", "xyz", "persistent_blocked", "persistent_interleaved"> default "flat">, num_sm_multiplier = #cfg.ref<num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64>, loop_order = #cfg.ref<loop_orders[0] in #cfg.perm<2> default [0 : i64, 1 : i64]>, l2_grouping = #cfg.ref<l2_groupings[0] in #cfg.pow2<1, 64> default 1 : i64>, range_unroll_factor = #cfg.ref<range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64>, range_num_stages = #cfg.ref<range_num_stages[0] in #cfg.int<0, 4> default 0 : i64>, range_multi_buffer = #cfg.ref<range_multi_buffers[0] in #cfg.enum<none, false, true> default none>, range_flatten = #cfg.ref<range_flattens[0] in #cfg.enum<none, false, true> default none>}
  }
}
