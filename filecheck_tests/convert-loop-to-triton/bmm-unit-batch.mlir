// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [1, 16, 16, 16]}"},fold-single-trip-loops,memory-cse,convert-loop-to-triton,memory-cse' | filecheck %s --check-prefix=UNIT
// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [2, 16, 16, 16]}"},fold-single-trip-loops,memory-cse,convert-loop-to-triton,memory-cse' | filecheck %s --check-prefix=BATCHED
// RUN: helion-opt %s -t triton --config '{"block_sizes": [1, 16, 16, 16]}' | filecheck %s --check-prefix=PY

// A batched matmul at the `mem` stage. With a batch block of 1 the batch dim leaves every
// tensor (its tile is one index, a scalar offset of each access) and the dot is 2-D, as
// only 2-D dots reach Hopper's warpgroup MMA; with a batch block of 2 it stays a 3-D dot.

// UNIT-NOT:     tensor<1x16x16xf32>
// UNIT:         %[[A:.*]] = triton.load %a[%{{.*}}] : !triton.ptr<f32>[tensor<16x16xi32>] -> tensor<16x16xf32>
// UNIT:         %[[B:.*]] = triton.load %b[%{{.*}}] : !triton.ptr<f32>[tensor<16x16xi32>] -> tensor<16x16xf32>
// UNIT-NEXT:    %[[D:.*]] = triton.dot %[[A]], %[[B]] acc %{{.*}} -> tensor<16x16xf32>
// UNIT:         triton.store %[[D]], %out

// PY:     v_0 = pid_0 * 512
// PY:     acc_0 = tl.dot(load, load_0, acc=acc)
// PY:     v_3 = pid_0 * 1024

// BATCHED-NOT: -> tensor<16x16xf32>
// BATCHED:     triton.dot {{.*}} -> tensor<2x16x16xf32>

builtin.module {
  cfg.space {
    cfg.slot block_sizes[0] in #cfg.pow2<1, 4> default 4 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot block_sizes[1] in #cfg.pow2<16, 32> default 32 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot block_sizes[2] in #cfg.pow2<16, 32> default 32 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot block_sizes[3] in #cfg.pow2<16, 16> default 16 : i64 owner "loop.for (bmm.py:10)"
    cfg.slot loop_orders[0] in #cfg.perm<3> default [0 : i64, 1 : i64, 2 : i64] owner "loop.launch (bmm.py:8)"
    cfg.slot l2_groupings[0] in #cfg.pow2<1, 64> default 1 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot range_unroll_factors[1] in #cfg.int<0, 4> default 0 : i64 owner "loop.for (bmm.py:10)"
    cfg.slot range_num_stages[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot range_num_stages[1] in #cfg.int<0, 4> default 0 : i64 owner "loop.for (bmm.py:10)"
    cfg.slot range_multi_buffers[0] in #cfg.enum<none, false, true> default none owner "loop.launch (bmm.py:8)"
    cfg.slot range_multi_buffers[1] in #cfg.enum<none, false, true> default none owner "loop.for (bmm.py:10)"
    cfg.slot range_flattens[0] in #cfg.enum<none, false, true> default none owner "loop.launch (bmm.py:8)"
    cfg.slot range_flattens[1] in #cfg.enum<none, false, true> default none owner "loop.for (bmm.py:10)"
    cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch (bmm.py:8)"
    cfg.slot indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.load (bmm.py:11)"
    cfg.slot indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.load (bmm.py:11)"
    cfg.slot indexing[2] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.store (bmm.py:12)"
    cfg.slot load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "" owner "mem.load (bmm.py:11)"
    cfg.slot load_eviction_policies[1] in #cfg.enum<"", "first", "last"> default "" owner "mem.load (bmm.py:11)"
    cfg.slot pid_type in #cfg.enum<"flat", "xyz", "persistent_blocked", "persistent_interleaved"> default "flat" owner "loop.launch (bmm.py:8)"
    cfg.slot num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64 owner "loop.launch (bmm.py:8)"
  }
  tile.kernel @bmm(%a: memref<4x32x16xf32>, %b: memref<4x16x32xf32>, %out: memref<4x32x32xf32>) attributes {sources = ["a", "b", "out"]} {
    %c1024 = arith.constant 1024 : index
    %c32 = arith.constant 32 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %c512 = arith.constant 512 : index
    %block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<1, 4> default 4 : i64
    %block_size.1 = cfg.param block_sizes[1] in #cfg.pow2<16, 32> default 32 : i64
    %block_size.2 = cfg.param block_sizes[2] in #cfg.pow2<16, 32> default 32 : i64
    %block_size.3 = cfg.param block_sizes[3] in #cfg.pow2<16, 16> default 16 : i64
    %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
    %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
    %0 = arith.constant 16 : index
    %1 = arith.constant 32 : index
    %2 = arith.constant 4 : index
    %3 = arith.constant 0 : index
    loop.launch %offset.0 = %3 to %2 step %block_size.0, %offset.1 = %3 to %1 step %block_size.1, %offset.2 = %3 to %1 step %block_size.2 warps %num_warps stages %num_stages {
      %tb = loop.tile %offset.0 size %block_size.0 end %2 : !tile.tile<0>
      %tm = loop.tile %offset.1 size %block_size.1 end %1 : !tile.tile<1>
      %tn = loop.tile %offset.2 size %block_size.2 end %1 : !tile.tile<2>
      %acc = tile.full 0.000000e+00 : f32 : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
      %acc_1 = loop.for %offset.3 = %3 to %0 step %block_size.3 iter_args(%acc_2 = %acc) -> (tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>) {
        %tk = loop.tile %offset.3 size %block_size.3 end %0 : !tile.tile<3>
        %4 = mem.load %a[%tb, %tm, %tk] strides(%c512, %c16, %c1) {mem_id = 0 : i64, eviction_policy = #cfg.ref<load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "">, indexing = #cfg.ref<indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : memref<4x32x16xf32>[!tile.tile<0>, !tile.tile<1>, !tile.tile<3>] -> tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>
        %5 = mem.load %b[%tb, %tk, %tn] strides(%c512, %c32, %c1) {mem_id = 1 : i64, eviction_policy = #cfg.ref<load_eviction_policies[1] in #cfg.enum<"", "first", "last"> default "">, indexing = #cfg.ref<indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : memref<4x16x32xf32>[!tile.tile<0>, !tile.tile<3>, !tile.tile<2>] -> tensor<?x?x?xf32, #tile.blocks<0, 3, 2>>
        %acc_3 = tile.dot %4, %5 acc %acc_2 : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>, tensor<?x?x?xf32, #tile.blocks<0, 3, 2>>, tensor<?x?x?xf32, #tile.blocks<0, 1, 2>> -> tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
        loop.yield %acc_3 : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
      } {range_unroll_factor = #cfg.ref<range_unroll_factors[1] in #cfg.int<0, 4> default 0 : i64>, range_num_stages = #cfg.ref<range_num_stages[1] in #cfg.int<0, 4> default 0 : i64>, range_multi_buffer = #cfg.ref<range_multi_buffers[1] in #cfg.enum<none, false, true> default none>, range_flatten = #cfg.ref<range_flattens[1] in #cfg.enum<none, false, true> default none>}
      mem.store %acc_1, %out[%tb, %tm, %tn] strides(%c1024, %c32, %c1) {mem_id = 2 : i64, indexing = #cfg.ref<indexing[2] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>, memref<4x32x32xf32>[!tile.tile<0>, !tile.tile<1>, !tile.tile<2>]
    } {pid_type = #cfg.ref<pid_type in #cfg.enum<"flat", "xyz", "persistent_blocked", "persistent_interleaved"> default "flat">, num_sm_multiplier = #cfg.ref<num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64>, loop_order = #cfg.ref<loop_orders[0] in #cfg.perm<3> default [0 : i64, 1 : i64, 2 : i64]>, l2_grouping = #cfg.ref<l2_groupings[0] in #cfg.pow2<1, 64> default 1 : i64>, range_unroll_factor = #cfg.ref<range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64>, range_num_stages = #cfg.ref<range_num_stages[0] in #cfg.int<0, 4> default 0 : i64>, range_multi_buffer = #cfg.ref<range_multi_buffers[0] in #cfg.enum<none, false, true> default none>, range_flatten = #cfg.ref<range_flattens[0] in #cfg.enum<none, false, true> default none>}
  }
}
