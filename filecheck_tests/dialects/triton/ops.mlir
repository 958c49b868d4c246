// RUN: HELION_ROUNDTRIP
// RUN: HELION_GENERIC_ROUNDTRIP

// Every op of the triton emission dialect: masked and unmasked loads/stores (tensor
// and scalar), dot with and without accumulator, reductions with and without
// keep_dims, value casts and bitcasts, triton.for with and without carried values, and
// the launcher.

triton.kernel @_k_kernel(%x: !triton.ptr<f32>, %w: !triton.ptr<f16>, %out: !triton.ptr<f32>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c100 = arith.constant 100 : index
  %pid = triton.program_id #builtin.int<0>
  %base = arith.muli %pid, %c16 : index
  %arange = triton.arange : tensor<16xi32>
  %start = triton.splat %base : index -> tensor<16xi32>
  %idx = arith.addi %start, %arange : tensor<16xi32>
  %end = triton.splat %c100 : index -> tensor<16xi32>
  %mask = triton.cmp lt %idx, %end : tensor<16xi32> -> tensor<16xi1>
  %row = triton.reshape %idx : tensor<16xi32> -> tensor<16x1xi32>
  %offs = triton.broadcast_to %row : tensor<16x1xi32> -> tensor<16x16xi32>
  %v = triton.load %x[%idx] mask %mask : !triton.ptr<f32>[tensor<16xi32>] mask tensor<16xi1> -> tensor<16xf32>
  %a = triton.load %w[%offs] {eviction_policy = "evict_last"} : !triton.ptr<f16>[tensor<16x16xi32>] -> tensor<16x16xf16>
  %s = triton.load %x[%c0] : !triton.ptr<f32>[index] -> f32
  %zero = triton.full 0.000000e+00 : f32 : tensor<16x16xf32>
  %acc = triton.for %i = %c0 to %c100 step %c16 iter_args(%acc0 = %zero) -> (tensor<16x16xf32>) {
    %d = triton.dot %a, %a acc %acc0 {input_precision = "ieee"} : tensor<16x16xf16>, tensor<16x16xf16>, tensor<16x16xf32> -> tensor<16x16xf32>
    triton.yield %d : tensor<16x16xf32>
  }
  %p = triton.dot %a, %a : tensor<16x16xf16>, tensor<16x16xf16> -> tensor<16x16xf32>
  %m = triton.reduce max %acc axis #builtin.int<1> keep_dims : tensor<16x16xf32> -> tensor<16x1xf32>
  %r = triton.reduce sum %p axis #builtin.int<1> : tensor<16x16xf32> -> tensor<16xf32>
  %sel = triton.where %mask, %r, %v : tensor<16xi1>, tensor<16xf32>
  %half = triton.cast %sel : tensor<16xf32> to tensor<16xf16>
  %bits = triton.bitcast %sel : tensor<16xf32> to tensor<16xi32>
  triton.assert %mask, "an index is out of range" : tensor<16xi1>
  triton.store %sel, %out[%idx] mask %mask : tensor<16xf32>, !triton.ptr<f32>[tensor<16xi32>] mask tensor<16xi1>
  triton.store %s, %out[%c0] : f32, !triton.ptr<f32>[index]
  triton.for %j = %c0 to %c16 step %c16 {
    triton.store %s, %out[%j] : f32, !triton.ptr<f32>[index]
  }
}
triton.launcher "launch_k" launches "_k_kernel" {grid = ["7"], sources = ["x", "w", "out"], num_warps = #builtin.int<4>, num_stages = #builtin.int<2>}

// CHECK-LABEL: triton.kernel @_k_kernel(%x: !triton.ptr<f32>, %w: !triton.ptr<f16>, %out: !triton.ptr<f32>) {
// CHECK-NEXT:     %c0 = arith.constant 0 : index
// CHECK-NEXT:     %c16 = arith.constant 16 : index
// CHECK-NEXT:     %c100 = arith.constant 100 : index
// CHECK-NEXT:     %pid = triton.program_id #builtin.int<0>
// CHECK-NEXT:     %base = arith.muli %pid, %c16 : index
// CHECK-NEXT:     %arange = triton.arange : tensor<16xi32>
// CHECK-NEXT:     %start = triton.splat %base : index -> tensor<16xi32>
// CHECK-NEXT:     %idx = arith.addi %start, %arange : tensor<16xi32>
// CHECK-NEXT:     %end = triton.splat %c100 : index -> tensor<16xi32>
// CHECK-NEXT:     %mask = triton.cmp lt %idx, %end : tensor<16xi32> -> tensor<16xi1>
// CHECK-NEXT:     %row = triton.reshape %idx : tensor<16xi32> -> tensor<16x1xi32>
// CHECK-NEXT:     %offs = triton.broadcast_to %row : tensor<16x1xi32> -> tensor<16x16xi32>
// CHECK-NEXT:     %v = triton.load %x[%idx] mask %mask : !triton.ptr<f32>[tensor<16xi32>] mask tensor<16xi1> -> tensor<16xf32>
// CHECK-NEXT:     %a = triton.load %w[%offs] {eviction_policy = "evict_last"} : !triton.ptr<f16>[tensor<16x16xi32>] -> tensor<16x16xf16>
// CHECK-NEXT:     %s = triton.load %x[%c0] : !triton.ptr<f32>[index] -> f32
// CHECK-NEXT:     %zero = triton.full 0.000000e+00 : f32 : tensor<16x16xf32>
// CHECK-NEXT:     %acc = triton.for %i = %c0 to %c100 step %c16 iter_args(%acc0 = %zero) -> (tensor<16x16xf32>) {
// CHECK-NEXT:       %d = triton.dot %a, %a acc %acc0 {input_precision = "ieee"} : tensor<16x16xf16>, tensor<16x16xf16>, tensor<16x16xf32> -> tensor<16x16xf32>
// CHECK-NEXT:       triton.yield %d : tensor<16x16xf32>
// CHECK-NEXT:     }
// CHECK-NEXT:     %p = triton.dot %a, %a : tensor<16x16xf16>, tensor<16x16xf16> -> tensor<16x16xf32>
// CHECK-NEXT:     %m = triton.reduce max %acc axis #builtin.int<1> keep_dims : tensor<16x16xf32> -> tensor<16x1xf32>
// CHECK-NEXT:     %r = triton.reduce sum %p axis #builtin.int<1> : tensor<16x16xf32> -> tensor<16xf32>
// CHECK-NEXT:     %sel = triton.where %mask, %r, %v : tensor<16xi1>, tensor<16xf32>
// CHECK-NEXT:     %half = triton.cast %sel : tensor<16xf32> to tensor<16xf16>
// CHECK-NEXT:     %bits = triton.bitcast %sel : tensor<16xf32> to tensor<16xi32>
// CHECK-NEXT:     triton.assert %mask, "an index is out of range" : tensor<16xi1>
// CHECK-NEXT:     triton.store %sel, %out[%idx] mask %mask : tensor<16xf32>, !triton.ptr<f32>[tensor<16xi32>] mask tensor<16xi1>
// CHECK-NEXT:     triton.store %s, %out[%c0] : f32, !triton.ptr<f32>[index]
// CHECK-NEXT:     triton.for %j = %c0 to %c16 step %c16 {
// CHECK-NEXT:       triton.store %s, %out[%j] : f32, !triton.ptr<f32>[index]
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   triton.launcher "launch_k" launches "_k_kernel" {grid = ["7"], sources = ["x", "w", "out"], num_warps = #builtin.int<4>, num_stages = #builtin.int<2>}
// CHECK-NEXT: }

// CHECK-GENERIC-LABEL: "triton.kernel"() <{sym_name = "_k_kernel", function_type = (!triton.ptr<f32>, !triton.ptr<f16>, !triton.ptr<f32>) -> ()}> ({
// CHECK-GENERIC-NEXT:  ^bb0(%x: !triton.ptr<f32>, %w: !triton.ptr<f16>, %out: !triton.ptr<f32>):
// CHECK-GENERIC:         %pid = "triton.program_id"() <{axis = #builtin.int<0>}> : () -> index
// CHECK-GENERIC:         %arange = "triton.arange"() : () -> tensor<16xi32>
// CHECK-GENERIC-NEXT:    %start = "triton.splat"(%base) : (index) -> tensor<16xi32>
// CHECK-GENERIC:         %mask = "triton.cmp"(%idx, %end) <{predicate = #tile<predicate lt>}> : (tensor<16xi32>, tensor<16xi32>) -> tensor<16xi1>
// CHECK-GENERIC-NEXT:    %row = "triton.reshape"(%idx) : (tensor<16xi32>) -> tensor<16x1xi32>
// CHECK-GENERIC-NEXT:    %offs = "triton.broadcast_to"(%row) : (tensor<16x1xi32>) -> tensor<16x16xi32>
// CHECK-GENERIC-NEXT:    %v = "triton.load"(%x, %idx, %mask) <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (!triton.ptr<f32>, tensor<16xi32>, tensor<16xi1>) -> tensor<16xf32>
// CHECK-GENERIC-NEXT:    %a = "triton.load"(%w, %offs) <{eviction_policy = "evict_last", operandSegmentSizes = array<i32: 1, 1, 0>}> : (!triton.ptr<f16>, tensor<16x16xi32>) -> tensor<16x16xf16>
// CHECK-GENERIC:         %acc = "triton.for"(%c0, %c100, %c16, %zero) ({
// CHECK-GENERIC-NEXT:    ^bb0(%i: index, %acc0: tensor<16x16xf32>):
// CHECK-GENERIC-NEXT:      %d = "triton.dot"(%a, %a, %acc0) <{input_precision = "ieee"}> : (tensor<16x16xf16>, tensor<16x16xf16>, tensor<16x16xf32>) -> tensor<16x16xf32>
// CHECK-GENERIC-NEXT:      "triton.yield"(%d) : (tensor<16x16xf32>) -> ()
// CHECK-GENERIC-NEXT:    }) : (index, index, index, tensor<16x16xf32>) -> tensor<16x16xf32>
// CHECK-GENERIC:         %m = "triton.reduce"(%acc) <{kind = #tile<reduce_kind max>, axis = #builtin.int<1>, keep_dims}> : (tensor<16x16xf32>) -> tensor<16x1xf32>
// CHECK-GENERIC:         %half = "triton.cast"(%sel) : (tensor<16xf32>) -> tensor<16xf16>
// CHECK-GENERIC-NEXT:    %bits = "triton.bitcast"(%sel) : (tensor<16xf32>) -> tensor<16xi32>
// CHECK-GENERIC-NEXT:    "triton.assert"(%mask) <{message = "an index is out of range"}> : (tensor<16xi1>) -> ()
// CHECK-GENERIC-NEXT:    "triton.store"(%out, %idx, %sel, %mask) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>}> : (!triton.ptr<f32>, tensor<16xi32>, tensor<16xf32>, tensor<16xi1>) -> ()
// CHECK-GENERIC:         "triton.for"(%c0, %c16, %c16) ({
// CHECK-GENERIC-NEXT:    ^bb0(%j: index):
// CHECK-GENERIC-NEXT:      "triton.store"(%out, %j, %s) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (!triton.ptr<f32>, index, f32) -> ()
// CHECK-GENERIC-NEXT:      "triton.yield"() : () -> ()
// CHECK-GENERIC-NEXT:    }) : (index, index, index) -> ()
// CHECK-GENERIC:       "triton.launcher"() <{sym_name = "launch_k", kernel = "_k_kernel", grid = ["7"], sources = ["x", "w", "out"], num_warps = #builtin.int<4>, num_stages = #builtin.int<2>}> : () -> ()

// -----

// Tensor descriptors (load, store, TMA add) and pointer atomics, masked or not, and a
// compare-and-swap (which has no mask).

triton.kernel @_atomics_kernel(%x: !triton.ptr<f32>, %cnt: !triton.ptr<i32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %desc = triton.make_descriptor %x shape(%c64, %c64) strides(%c64, %c1) {block_shape = array<i64: 16, 16>} : !triton.ptr<f32> -> !triton.tensordesc<f32>
  %t = triton.desc_load %desc[%c0, %c0] : !triton.tensordesc<f32> -> tensor<16x16xf32>
  triton.desc_store %t, %desc[%c0, %c0] : tensor<16x16xf32>, !triton.tensordesc<f32>
  triton.desc_atomic add %t, %desc[%c0, %c0] : tensor<16x16xf32>, !triton.tensordesc<f32>
  %idx = triton.arange : tensor<16xi32>
  %end = triton.splat %c1 : index -> tensor<16xi32>
  %mask = triton.cmp lt %idx, %end : tensor<16xi32> -> tensor<16xi1>
  %one = triton.full 1 : i32 : tensor<16xi32>
  %old = triton.atomic add %one, %cnt[%idx] mask %mask {sem = "acq_rel"} : tensor<16xi32>, !triton.ptr<i32>[tensor<16xi32>] mask tensor<16xi1> -> tensor<16xi32>
  %m = triton.atomic max %old, %cnt[%idx] {sem = "relaxed"} : tensor<16xi32>, !triton.ptr<i32>[tensor<16xi32>] -> tensor<16xi32>
  %c = triton.atomic cas %m, %cnt[%idx] cmp %old {sem = "acq_rel"} : tensor<16xi32>, !triton.ptr<i32>[tensor<16xi32>] cmp tensor<16xi32> -> tensor<16xi32>
}

// CHECK-LABEL: triton.kernel @_atomics_kernel
// CHECK:         triton.desc_atomic add %t, %desc[%c0, %c0] : tensor<16x16xf32>, !triton.tensordesc<f32>
// CHECK:         %old = triton.atomic add %one, %cnt[%idx] mask %mask {sem = "acq_rel"} : tensor<16xi32>, !triton.ptr<i32>[tensor<16xi32>] mask tensor<16xi1> -> tensor<16xi32>
// CHECK-NEXT:    %m = triton.atomic max %old, %cnt[%idx] {sem = "relaxed"} : tensor<16xi32>, !triton.ptr<i32>[tensor<16xi32>] -> tensor<16xi32>
// CHECK-NEXT:    %c = triton.atomic cas %m, %cnt[%idx] cmp %old {sem = "acq_rel"} : tensor<16xi32>, !triton.ptr<i32>[tensor<16xi32>] cmp tensor<16xi32> -> tensor<16xi32>

// CHECK-GENERIC-LABEL: "triton.kernel"() <{sym_name = "_atomics_kernel"
// CHECK-GENERIC:         "triton.desc_atomic"(%desc, %c0, %c0, %t) <{kind = #tile<atomic_kind add>}> : (!triton.tensordesc<f32>, index, index, tensor<16x16xf32>) -> ()
// CHECK-GENERIC:         %old = "triton.atomic"(%cnt, %idx, %one, %mask) <{kind = #tile<atomic_kind add>, sem = "acq_rel", operandSegmentSizes = array<i32: 1, 1, 1, 0, 1>}>
// CHECK-GENERIC:         %c = "triton.atomic"(%cnt, %idx, %m, %old) <{kind = #tile<atomic_kind cas>, sem = "acq_rel", operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}>

// -----

// The data-movement ops mirrored from tile, on concrete shapes.

%x = "test.op"() : () -> tensor<4x16xf32>
%p = triton.permute %x perm [1, 0] : tensor<4x16xf32> -> tensor<16x4xf32>
%a = triton.arg_reduce min %x dim 1 : tensor<4x16xf32> -> tensor<4xi32>
%c = triton.scan prod %x dim 1 reverse : tensor<4x16xf32> -> tensor<4x16xf32>
%f = triton.flip %x dim 0 : tensor<4x16xf32> -> tensor<4x16xf32>
%s = triton.sort %x dim 1 : tensor<4x16xf32> -> tensor<4x16xf32>
%j = triton.join %x, %s : tensor<4x16xf32> -> tensor<4x16x2xf32>
%l, %h = triton.split %j : tensor<4x16x2xf32> -> tensor<4x16xf32>
%seed = "test.op"() : () -> i64
%pos = "test.op"() : () -> tensor<4x16xi32>
%u = triton.rand %seed, %pos : i64, tensor<4x16xi32> -> tensor<4x16xf32>
%g = triton.gather %x[%pos] dim 1 : tensor<4x16xf32>, tensor<4x16xi32> -> tensor<4x16xf32>
%k = triton.topk %x dim 1 k 4 : tensor<4x16xf32> -> tensor<4x4xf32>

// CHECK:      %p = triton.permute %x perm [1, 0] : tensor<4x16xf32> -> tensor<16x4xf32>
// CHECK-NEXT: %a = triton.arg_reduce min %x dim 1 : tensor<4x16xf32> -> tensor<4xi32>
// CHECK-NEXT: %c = triton.scan prod %x dim 1 reverse : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: %f = triton.flip %x dim 0 : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: %s = triton.sort %x dim 1 : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: %j = triton.join %x, %s : tensor<4x16xf32> -> tensor<4x16x2xf32>
// CHECK-NEXT: %l, %h = triton.split %j : tensor<4x16x2xf32> -> tensor<4x16xf32>
// CHECK:      %u = triton.rand %seed, %pos : i64, tensor<4x16xi32> -> tensor<4x16xf32>
// CHECK-NEXT: %g = triton.gather %x[%pos] dim 1 : tensor<4x16xf32>, tensor<4x16xi32> -> tensor<4x16xf32>
// CHECK-NEXT: %k = triton.topk %x dim 1 k 4 : tensor<4x16xf32> -> tensor<4x4xf32>

// CHECK-GENERIC: %c = "triton.scan"(%x) <{kind = #tile<reduce_kind prod>, dim = 1 : i64, reverse}>

// -----

// The entry of a kernel of two launches.

triton.entry "launch_k" {params = ["x", "y", "out"], calls = ["_launch_k_0", "_launch_k_1"], call_args = [array<i64: 0, 2>, array<i64: 1, 2>]}

// CHECK:      triton.entry "launch_k" {params = ["x", "y", "out"], calls = ["_launch_k_0", "_launch_k_1"], call_args = [array<i64: 0, 2>, array<i64: 1, 2>]}
// CHECK-GENERIC: "triton.entry"() <{sym_name = "launch_k", params = ["x", "y", "out"], calls = ["_launch_k_0", "_launch_k_1"], call_args = [array<i64: 0, 2>, array<i64: 1, 2>]}> : () -> ()
