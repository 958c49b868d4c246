// RUN: helion-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Each verifier error of the loop dialect, checked by its message.

// A launch has at least one dimension...

%c0 = "test.op"() : () -> index
"loop.launch"(%c0, %c0) <{operandSegmentSizes = array<i32: 0, 0, 0, 1, 1>}> ({
  "loop.yield"() : () -> ()
}) : (index, index) -> ()

// CHECK:      {{^}}loop.launch needs a bound and a step per dimension
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... and a step per dimension.

%c0 = "test.op"() : () -> index
"loop.launch"(%c0, %c0, %c0, %c0) <{operandSegmentSizes = array<i32: 1, 1, 0, 1, 1>}> ({
^bb0(%o: index):
  "loop.yield"() : () -> ()
}) : (index, index, index, index) -> ()

// CHECK:      {{^}}loop.launch needs a bound and a step per dimension
// CHECK-NEXT: "builtin.module"() ({

// -----

// The launch body receives index offsets, one per dimension.

%c0 = "test.op"() : () -> index
"loop.launch"(%c0, %c0, %c0, %c0, %c0) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> ({
^bb0(%o: !tile.tile<0>):
  "loop.yield"() : () -> ()
}) : (index, index, index, index, index) -> ()

// CHECK:      {{^}}loop.launch body must take 1 index offsets
// CHECK-NEXT: "builtin.module"() ({

// -----

// A serial loop's body starts with its index offset.

%c0 = "test.op"() : () -> index
"loop.for"(%c0, %c0, %c0) ({
^bb0(%o: i32):
  "loop.yield"() : () -> ()
}) : (index, index, index) -> ()

// CHECK:      {{^}}loop.for body must start with an index argument
// CHECK-NEXT: "builtin.module"() ({

// -----

// loop.reduce_for yields its carried types.

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> f32
%r = loop.reduce_for %o = %c0 to %c0 step %c0 iter_args(%a = %f) -> (f32) {
  loop.yield %o : index
}

// CHECK:      {{^}}loop.reduce_for: the yielded values must match the carried values
// CHECK-NEXT: "builtin.module"() ({

// -----

// loop.for results have the carried types.

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> f32
%r = "loop.for"(%c0, %c0, %c0, %f) ({
^bb0(%o: index, %a: f32):
  "loop.yield"(%a) : (f32) -> ()
}) : (index, index, index, f32) -> f16

// CHECK:      {{^}}loop.for: carried values, iter_args and results must have the same types
// CHECK-NEXT: "builtin.module"() ({

// -----

// loop.yield ends a loop body.

loop.yield

// CHECK:      {{^}}'loop.yield' expects parent op to be one of 'loop.launch', 'loop.for', 'loop.reduce_for'
// CHECK-NEXT: "builtin.module"() ({

// -----

// loop.tile gives a handle (checked while parsing the custom form)...

%c0 = "test.op"() : () -> index
%t = loop.tile %c0 size %c0 end %c0 : index

// CHECK:      {{^}}index should be of base attribute tile.tile

// -----

// ... from index offset, size and end.

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> f32
%t = "loop.tile"(%c0, %f, %c0) : (index, f32, index) -> !tile.tile<0>

// CHECK:      {{^}}operand 'size' at position 1 does not verify:
// CHECK-NEXT: f32 should be of base attribute index
