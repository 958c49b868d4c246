// RUN: helion-opt %s -p 'bind-config{config="{\"block_sizes\": [16, 32], \"indexing\": \"tensor_descriptor\"}"},convert-loop-to-triton' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 32], "indexing": "tensor_descriptor"}' | filecheck %s --check-prefix=PY
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 32], "indexing": ["tensor_descriptor", "pointer", "pointer"]}' | filecheck %s --check-prefix=PTR

// `out_t[tm, tn] = x[tm, tn] + y.t()[tm, tn]`: y and out are read and written through
// transposed views (unit stride first). A tensor descriptor takes the memory's own
// dim order, unit stride last, so their tiles are loaded as [32, 16] and transposed
// after the load, or transposed to [32, 16] before the store.

// CHECK:      %yt_desc = triton.make_descriptor %yt shape(%[[N48:.*]], %[[N32:.*]]) strides(%[[N32]], %{{.*}}) {block_shape = array<i64: 32, 16>}
// CHECK:      %out_t_desc = triton.make_descriptor %out_t shape(%[[N48]], %[[N32]]) strides(%[[N32]], %{{.*}}) {block_shape = array<i64: 32, 16>}
// CHECK:      %[[Y:.*]] = triton.desc_load %yt_desc[%offset.1, %offset.0] : !triton.tensordesc<f32> -> tensor<32x16xf32>
// CHECK-NEXT: %{{.*}} = triton.permute %[[Y]] perm [1, 0] : tensor<32x16xf32> -> tensor<16x32xf32>
// CHECK:      %[[T:.*]] = triton.permute %{{.*}} perm [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
// CHECK-NEXT: triton.desc_store %[[T]], %out_t_desc[%offset.1, %offset.0]

// PY:        yt_desc = tl.make_tensor_descriptor(yt, shape=[48, 32], strides=[32, 1], block_shape=[32, 16])
// PY:        out_t_desc = tl.make_tensor_descriptor(out_t, shape=[48, 32], strides=[32, 1], block_shape=[32, 16])
// PY:        load_0 = yt_desc.load([offset_1, offset_0])
// PY-NEXT:   load_1 = tl.permute(load_0, (1, 0))
// PY:        [[V:v_[0-9]+]] = tl.permute({{.*}}, (1, 0))
// PY-NEXT:   out_t_desc.store([offset_1, offset_0], [[V]])

// PTR-NOT:   tl.permute
// PTR:       tl.load(yt + {{.*}})

builtin.module {
  cfg.space {
    cfg.slot block_sizes[0] in #cfg.pow2<1, 32> default 32 : i64 owner "loop.launch (tr_k.py:7)"
    cfg.slot block_sizes[1] in #cfg.pow2<1, 64> default 32 : i64 owner "loop.launch (tr_k.py:7)"
    cfg.slot loop_orders[0] in #cfg.perm<2> default [0 : i64, 1 : i64] owner "loop.launch (tr_k.py:7)"
    cfg.slot flatten_loops[0] in #cfg.enum<false, true> default false owner "loop.launch (tr_k.py:7)"
    cfg.slot l2_groupings[0] in #cfg.pow2<1, 64> default 1 : i64 owner "loop.launch (tr_k.py:7)"
    cfg.slot range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch (tr_k.py:7)"
    cfg.slot range_num_stages[0] in #cfg.int<0, 4> default 0 : i64 owner "loop.launch (tr_k.py:7)"
    cfg.slot range_multi_buffers[0] in #cfg.enum<none, false, true> default none owner "loop.launch (tr_k.py:7)"
    cfg.slot range_flattens[0] in #cfg.enum<none, false, true> default none owner "loop.launch (tr_k.py:7)"
    cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "loop.launch (tr_k.py:7)"
    cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch (tr_k.py:7)"
    cfg.slot indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.load (tr_k.py:8)"
    cfg.slot indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.load (tr_k.py:8)"
    cfg.slot indexing[2] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer" owner "mem.store (tr_k.py:8)"
    cfg.slot load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "" owner "mem.load (tr_k.py:8)"
    cfg.slot load_eviction_policies[1] in #cfg.enum<"", "first", "last"> default "" owner "mem.load (tr_k.py:8)"
    cfg.slot pid_type in #cfg.enum<"flat", "xyz", "persistent_blocked", "persistent_interleaved"> default "flat" owner "loop.launch (tr_k.py:7)"
    cfg.slot num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64 owner "loop.launch (tr_k.py:7)"
  }
  tile.kernel @add_transposed(%x: memref<32x48xf32>, %yt: memref<32x48xf32, strided<[1, 32]>>, %out_t: memref<32x48xf32, strided<[1, 32]>>) attributes {sources = ["x", "yt", "out_t"]} {
    %c32 = arith.constant 32 : index
    %c1 = arith.constant 1 : index
    %c48 = arith.constant 48 : index
    %block_size.0 = cfg.param block_sizes[0] in #cfg.pow2<1, 32> default 32 : i64
    %block_size.1 = cfg.param block_sizes[1] in #cfg.pow2<1, 64> default 32 : i64
    %num_warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
    %num_stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
    %0 = arith.constant 48 : index
    %1 = arith.constant 32 : index
    %2 = arith.constant 0 : index
    loop.launch %offset.0 = %2 to %1 step %block_size.0, %offset.1 = %2 to %0 step %block_size.1 warps %num_warps stages %num_stages {
      %tm = loop.tile %offset.0 size %block_size.0 end %1 : !tile.tile<0>
      %tn = loop.tile %offset.1 size %block_size.1 end %0 : !tile.tile<1>
      %3 = mem.load %x[%tm, %tn] strides(%c48, %c1) {mem_id = 0 : i64, eviction_policy = #cfg.ref<load_eviction_policies[0] in #cfg.enum<"", "first", "last"> default "">, indexing = #cfg.ref<indexing[0] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : memref<32x48xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %4 = mem.load %yt[%tm, %tn] strides(%c1, %c32) {mem_id = 1 : i64, eviction_policy = #cfg.ref<load_eviction_policies[1] in #cfg.enum<"", "first", "last"> default "">, indexing = #cfg.ref<indexing[1] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : memref<32x48xf32, strided<[1, 32]>>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %5 = arith.addf %3, %4 : tensor<?x?xf32, #tile.blocks<0, 1>>
      mem.store %5, %out_t[%tm, %tn] strides(%c1, %c32) {mem_id = 2 : i64, indexing = #cfg.ref<indexing[2] in #cfg.enum<"pointer", "block_ptr", "tensor_descriptor"> default "pointer">} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<32x48xf32, strided<[1, 32]>>[!tile.tile<0>, !tile.tile<1>]
    } {pid_type = #cfg.ref<pid_type in #cfg.enum<"flat", "xyz", "persistent_blocked", "persistent_interleaved"> default "flat">, num_sm_multiplier = #cfg.ref<num_sm_multiplier in #cfg.pow2<1, 128> default 1 : i64>, loop_order = #cfg.ref<loop_orders[0] in #cfg.perm<2> default [0 : i64, 1 : i64]>, l2_grouping = #cfg.ref<l2_groupings[0] in #cfg.pow2<1, 64> default 1 : i64>, flatten = #cfg.ref<flatten_loops[0] in #cfg.enum<false, true> default false>, range_unroll_factor = #cfg.ref<range_unroll_factors[0] in #cfg.int<0, 4> default 0 : i64>, range_num_stages = #cfg.ref<range_num_stages[0] in #cfg.int<0, 4> default 0 : i64>, range_multi_buffer = #cfg.ref<range_multi_buffers[0] in #cfg.enum<none, false, true> default none>, range_flatten = #cfg.ref<range_flattens[0] in #cfg.enum<none, false, true> default none>}
  }
}
