// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [8, 2]}"},convert-loop-to-triton' | filecheck %s --check-prefix=FULL
// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [8, 16]}"},convert-loop-to-triton' | filecheck %s --check-prefix=MASKED

// A loop over the rows of each program's block of rows (`hl.tile(tb.begin, tb.end)`),
// summing them into a full-width accumulator. Its bounds are runtime values, but the
// upper is the lower plus the block (64 rows divide into blocks of 8, so the block's
// end is not clipped): with an inner tile that divides the block, no inner tile runs
// past it and its loads need no mask. A tile larger than the block keeps the mask.

cfg.space {
  cfg.slot block_sizes[0] in #cfg.pow2<1, 64> default 1 : i64 owner "loop.launch"
  cfg.slot block_sizes[1] in #cfg.pow2<1, 1024> default 1 : i64 owner "loop.for"
  cfg.slot range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch"
  cfg.slot range_unroll_factors[1] in #cfg.int<0, 4> default 0 : i64 owner "loop.for"
  cfg.slot range_num_stages[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch"
  cfg.slot range_num_stages[1] in #cfg.int<0, 4> default 0 : i64 owner "loop.for"
  cfg.slot range_multi_buffers[0] in #cfg.enum<none, false, true> default none owner "loop.launch"
  cfg.slot range_multi_buffers[1] in #cfg.enum<none, false, true> default none owner "loop.for"
  cfg.slot range_flattens[0] in #cfg.enum<none, false, true> default none owner "loop.launch"
  cfg.slot range_flattens[1] in #cfg.enum<none, false, true> default none owner "loop.for"
  cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch"
  cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch"
  cfg.slot indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.load"
  cfg.slot indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.store"
  cfg.slot load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "" owner "mem.load"
  cfg.slot pid_type in #cfg.enum<"flat", "persistent_blocked", "persistent_interleaved"> default "flat" owner "loop.launch"
  cfg.slot num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64 owner "loop.launch"
}
tile.kernel @row_blocks(%x: memref<64x16xf32>, %out: memref<64x16xf32>) attributes {sources = ["x", "out"], block_size_vars = array<i64: 1, 64>} {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %registered_block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<1, 64> default 1 : i64
  %block_size.2 = cfg.param block_sizes[1] in #cfg.pow2<1, 1024> default 1 : i64
  %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %0 = arith.constant 16 : index
  %1 = arith.constant 64 : index
  %2 = arith.constant 0 : index
  loop.launch %offset.0 = %2 to %1 step %registered_block_size.0 warps %num_warps stages %num_stages {
    %tb = loop.tile %offset.0 size %registered_block_size.0 end %1 : !tile.tile<0>
    %3 = arith.constant 0 : index
    %4 = arith.constant 16 : index
    %rdim.1 = loop.tile %3 size %4 end %0 : !tile.tile<1>
    %acc = tile.full 0.000000e+00 : f32 : tensor<?xf32, #tile.blocks<1>>
    %5 = tile.begin %tb : !tile.tile<0>
    %6 = arith.index_cast %5 : index to i64
    %7 = tile.end %tb : !tile.tile<0>
    %8 = arith.index_cast %7 : index to i64
    %acc_1 = loop.for %offset.2 = %5 to %7 step %block_size.2 iter_args(%acc_2 = %acc) -> (tensor<?xf32, #tile.blocks<1>>) {
      %tm = loop.tile %offset.2 size %block_size.2 end %7 : !tile.tile<2>
      %9 = mem.load %x[%tm, %rdim.1] strides(%c16, %c1) {mem_id = 0 : i64, eviction_policy = #cfg.ref<load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "">, indexing = #cfg.ref<indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : memref<64x16xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
      %10 = tile.reduce sum %9 dims [0] : tensor<?x?xf32, #tile.blocks<2, 1>> -> tensor<?xf32, #tile.blocks<1>>
      %acc_3 = arith.addf %acc_2, %10 : tensor<?xf32, #tile.blocks<1>>
      loop.yield %acc_3 : tensor<?xf32, #tile.blocks<1>>
    } {range_unroll_factor = #cfg.ref<range_unroll_factors[1] in #cfg.int<0, 4> default 0 : i64>, range_num_stages = #cfg.ref<range_num_stages[1] in #cfg.int<0, 4> default 0 : i64>, range_multi_buffer = #cfg.ref<range_multi_buffers[1] in #cfg.enum<none, false, true> default none>, range_flatten = #cfg.ref<range_flattens[1] in #cfg.enum<none, false, true> default none>}
    %11 = tile.id %tb : !tile.tile<0>
    %12 = arith.index_cast %11 : index to i64
    %13 = arith.index_cast %12 : i64 to index
    mem.store %acc_1, %out[%13, %rdim.1] strides(%c16, %c1) {mem_id = 1 : i64, indexing = #cfg.ref<indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : tensor<?xf32, #tile.blocks<1>>, memref<64x16xf32>[index, !tile.tile<1>]
  } {pid_type = #cfg.ref<pid_type in #cfg.enum<"flat", "persistent_blocked", "persistent_interleaved"> default "flat">, num_sm_multiplier = #cfg.ref<num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64>, range_unroll_factor = #cfg.ref<range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64>, range_num_stages = #cfg.ref<range_num_stages[0] in #cfg.int<0, 4> default 0 : i64>, range_multi_buffer = #cfg.ref<range_multi_buffers[0] in #cfg.enum<none, false, true> default none>, range_flatten = #cfg.ref<range_flattens[0] in #cfg.enum<none, false, true> default none>}
}

// FULL:         %[[END:.*]] = arith.addi %offset.0, %{{.*}} : index
// FULL-NEXT:    triton.for %offset.2 = %offset.0 to %[[END]] step
// FULL-NOT:     triton.cmp
// FULL:         %load = triton.load %x[%offsets] : !triton.ptr<f32>[tensor<2x16xi32>] -> tensor<2x16xf32>
// FULL:         triton.yield

// MASKED:       triton.for %offset.2 = %offset.0 to %[[END:.*]] step
// MASKED:       %mask.2 = triton.cmp lt %indices.2, %end.2
// MASKED:       %load = triton.load %x[%offsets] mask
