// RUN: helion-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Each verifier error of the triton emission dialect, checked by its message.

// triton.arange has a concrete shape...

%a = triton.arange : tensor<?xi32>

// CHECK:      {{^}}triton.arange: triton tensors have concrete shapes, got tensor<?xi32>
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... without a #tile.blocks encoding...

%a = triton.arange : tensor<?xi32, #tile.blocks<0>>

// CHECK:      {{^}}triton.arange: triton tensors have concrete shapes, got tensor<?xi32, #tile.blocks<0>>
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... and one dimension.

%a = triton.arange : tensor<4x4xi32>

// CHECK:      {{^}}triton.arange is one-dimensional
// CHECK-NEXT: "builtin.module"() ({

// -----

// triton.cast keeps the shape.

%t = "test.op"() : () -> tensor<4xf32>
%u = triton.cast %t : tensor<4xf32> to tensor<8xf16>

// CHECK:      {{^}}triton.cast keeps the shape of its source
// CHECK-NEXT: "builtin.module"() ({

// -----

// triton.for counts with an index.

%c0 = "test.op"() : () -> index
"triton.for"(%c0, %c0, %c0) ({
^bb0(%i: i32):
  "triton.yield"() : () -> ()
}) : (index, index, index) -> ()

// CHECK:      {{^}}triton.for body must start with an index argument
// CHECK-NEXT: "builtin.module"() ({

// -----

// triton.for yields its carried types...

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> tensor<4xf32>
%r = triton.for %i = %c0 to %c0 step %c0 iter_args(%a = %f) -> (tensor<4xf32>) {
  %g = "test.op"() : () -> tensor<8xf32>
  triton.yield %g : tensor<8xf32>
}

// CHECK:      {{^}}triton.for: the yielded values must match the carried values
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... and returns them.

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> f32
%r = "triton.for"(%c0, %c0, %c0, %f) ({
^bb0(%i: index, %a: f32):
  "triton.yield"(%a) : (f32) -> ()
}) : (index, index, index, f32) -> i32

// CHECK:      {{^}}triton.for: carried values, iter_args and results must have the same types
// CHECK-NEXT: "builtin.module"() ({

// -----

// triton.yield ends a triton.for body.

triton.yield

// CHECK:      {{^}}'triton.yield' expects parent op to be one of 'triton.for', 'triton.if', 'triton.while'
// CHECK-NEXT: "builtin.module"() ({

// -----

// triton.cmp gives i1 values.

%a = "test.op"() : () -> tensor<4xi32>
%m = triton.cmp lt %a, %a : tensor<4xi32> -> tensor<4xi32>

// CHECK:      {{^}}triton.cmp gives i1 values of its operands' shape
// CHECK-NEXT: "builtin.module"() ({

// -----

// The triton.where condition has the result's shape.

%a = "test.op"() : () -> tensor<4xf32>
%c = "test.op"() : () -> tensor<8xi1>
%w = triton.where %c, %a, %a : tensor<8xi1>, tensor<4xf32>

// CHECK:      {{^}}triton.where condition must be i1 of the result's shape
// CHECK-NEXT: "builtin.module"() ({

// -----

// Loads read through a pointer.

%p = "test.op"() : () -> memref<4xf32>
%i = "test.op"() : () -> tensor<4xi32>
%v = "triton.load"(%p, %i) <{operandSegmentSizes = array<i32: 1, 1, 0>}> : (memref<4xf32>, tensor<4xi32>) -> tensor<4xf32>

// CHECK:      {{^}}operand 'base' at position 0 does not verify:
// CHECK-NEXT: memref<4xf32> should be of base attribute triton.ptr

// -----

// tl.atomic_cas takes no mask.

%p = "test.op"() : () -> !triton.ptr<i32>
%i = "test.op"() : () -> tensor<4xi32>
%m = "test.op"() : () -> tensor<4xi1>
%c = triton.atomic cas %i, %p[%i] cmp %i mask %m {sem = "relaxed"} : tensor<4xi32>, !triton.ptr<i32>[tensor<4xi32>] cmp tensor<4xi32> mask tensor<4xi1> -> tensor<4xi32>

// CHECK:      {{^}}triton.atomic cas takes no mask (tl.atomic_cas has none)
// CHECK-NEXT: "builtin.module"() ({

// -----

// A bitcast keeps the width of the elements.

%x = "test.op"() : () -> tensor<4xf32>
%b = triton.bitcast %x : tensor<4xf32> to tensor<4xi16>

// CHECK:      {{^}}triton.bitcast keeps the width of its elements
// CHECK-NEXT: "builtin.module"() ({
