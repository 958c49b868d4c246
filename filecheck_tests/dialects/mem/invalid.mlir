// RUN: helion-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Each verifier error of the mem dialect, checked by its message.

// One stride per memref dim (load)...

%x = "test.op"() : () -> memref<4x4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%c1 = "test.op"() : () -> index
%v = mem.load %x[%t, %t] strides(%c1) {mem_id = 0 : i64} : memref<4x4xf32>[!tile.tile<0>, !tile.tile<0>] -> tensor<?x?xf32, #tile.blocks<0, 0>>

// CHECK:      {{^}}mem.load needs one stride per memref dim
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... and store.

%x = "test.op"() : () -> memref<4x4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%c1 = "test.op"() : () -> index
%v = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
mem.store %v, %x[%t, %c1] strides(%c1) {mem_id = 0 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<4x4xf32>[!tile.tile<0>, index]

// CHECK:      {{^}}mem.store needs one stride per memref dim
// CHECK-NEXT: "builtin.module"() ({

// -----

// Strides are index values.

%x = "test.op"() : () -> memref<4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%s = "test.op"() : () -> i32
%v = "mem.load"(%x, %t, %s) <{mem_id = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (memref<4xf32>, !tile.tile<0>, i32) -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}operand 'strides' at position 2 does not verify:
// CHECK-NEXT: i32 should be of base attribute index

// -----

// The subscript checks of tile.load apply: one index per dim...

%x = "test.op"() : () -> memref<4x4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%c1 = "test.op"() : () -> index
%v = mem.load %x[%t] strides(%c1, %c1) {mem_id = 0 : i64} : memref<4x4xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}mem.load indexes a rank-2 memref with 1 indices
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... the tile has the subscript's blocks...

%x = "test.op"() : () -> memref<4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%c1 = "test.op"() : () -> index
%v = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<4xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<1>>

// CHECK:      {{^}}mem.load: tile dims [b1] do not match the subscript [b0]
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... and the memref's element type.

%x = "test.op"() : () -> memref<4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%c1 = "test.op"() : () -> index
%v = "test.op"() : () -> tensor<?xi32, #tile.blocks<0>>
mem.store %v, %x[%t] strides(%c1) {mem_id = 0 : i64} : tensor<?xi32, #tile.blocks<0>>, memref<4xf32>[!tile.tile<0>]

// CHECK:      {{^}}mem.store: element types of tile and memref differ
// CHECK-NEXT: "builtin.module"() ({
