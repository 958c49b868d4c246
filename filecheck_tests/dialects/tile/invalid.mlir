// RUN: helion-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Each verifier error of the tile dialect, checked by its message.

// tile.yield outside a tile loop.

%a = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
tile.yield %a : tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}'tile.yield' expects parent op to be one of 'tile.grid', 'tile.for'
// CHECK-NEXT: "builtin.module"() ({

// -----

// One source per kernel argument.

"tile.kernel"() <{sym_name = "k", function_type = (memref<4xf32>) -> (), sources = []}> ({
^bb0(%x: memref<4xf32>):
}) : () -> ()

// CHECK:      {{^}}tile.kernel has 1 arguments but 0 sources
// CHECK-NEXT: "builtin.module"() ({

// -----

// The block arguments match the function type.

"tile.kernel"() <{sym_name = "k", function_type = (memref<4xf32>) -> (), sources = ["x"]}> ({
^bb0(%x: memref<8xf32>):
}) : () -> ()

// CHECK:      {{^}}tile.kernel block arguments must match its type
// CHECK-NEXT: "builtin.module"() ({

// -----

// A grid has at least one dimension.

"tile.grid"() <{operandSegmentSizes = array<i32: 0, 0>}> ({
  "tile.yield"() : () -> ()
}) : () -> ()

// CHECK:      {{^}}tile.grid needs one lower and upper bound per dim
// CHECK-NEXT: "builtin.module"() ({

// -----

// Loop handles are !tile.tile values.

%c0 = "test.op"() : () -> index
"tile.grid"(%c0, %c0) <{operandSegmentSizes = array<i32: 1, 1>}> ({
^bb0(%i: index):
  "tile.yield"() : () -> ()
}) : (index, index) -> ()

// CHECK:      {{^}}tile.grid body must start with 1 !tile.tile handles
// CHECK-NEXT: "builtin.module"() ({

// -----

// A grid carries no values.

%c0 = "test.op"() : () -> index
"tile.grid"(%c0, %c0) <{operandSegmentSizes = array<i32: 1, 1>}> ({
^bb0(%i: !tile.tile<0>, %x: f32):
  "tile.yield"() : () -> ()
}) : (index, index) -> ()

// CHECK:      {{^}}tile.grid carries no values
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.for yields its carried types.

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> f32
%r = tile.for %t = %c0 to %c0 : !tile.tile<0> iter_args(%a = %f) -> (f32) {
  %i = "test.op"() : () -> i32
  tile.yield %i : i32
}

// CHECK:      {{^}}tile.for: the yielded values must match the carried values
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.for results have the carried types.

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> f32
%r = "tile.for"(%c0, %c0, %f) <{operandSegmentSizes = array<i32: 1, 1, 1>}> ({
^bb0(%t: !tile.tile<0>, %a: f32):
  "tile.yield"(%a) : (f32) -> ()
}) : (index, index, f32) -> i32

// CHECK:      {{^}}tile.for: carried values, iter_args and results must have the same types
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.rdim gives a handle.

%n = "test.op"() : () -> index
%r = "tile.rdim"(%n) : (index) -> index

// CHECK:      {{^}}result 'result' at position 0 does not verify:
// CHECK-NEXT: index should be of base attribute tile.tile

// -----

// One index per memref dim.

%x = "test.op"() : () -> memref<4x4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = tile.load %x[%t] {mem_id = 0 : i64} : memref<4x4xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.load indexes a rank-2 memref with 1 indices
// CHECK-NEXT: "builtin.module"() ({

// -----

// Indices are handles, index scalars or integer tensors (gathers).

%x = "test.op"() : () -> memref<4xf32>
%i = "test.op"() : () -> i32
%v = tile.load %x[%i] {mem_id = 0 : i64} : memref<4xf32>[i32] -> tensor<f32>

// CHECK:      {{^}}tile.load indices must be !tile.tile, index, or a tensor of integers
// CHECK-NEXT: "builtin.module"() ({

// -----

// A gather's tile has the index tensor's dims in the gathered dim's place.

%x = "test.op"() : () -> memref<4x8xf32>
%t = "test.op"() : () -> !tile.tile<0>
%i = "test.op"() : () -> tensor<?x?xi64, #tile.blocks<1, 2>>
%v = tile.load %x[%i, %t] {mem_id = 0 : i64} : memref<4x8xf32>[tensor<?x?xi64, #tile.blocks<1, 2>>, !tile.tile<0>] -> tensor<?x?xf32, #tile.blocks<0, 1>>

// CHECK:      {{^}}tile.load: tile dims [b0, b1] do not match the subscript [b1, b2, b0]
// CHECK-NEXT: "builtin.module"() ({

// -----

// Each `?` dim of a tile names its block.

%x = "test.op"() : () -> memref<4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = tile.load %x[%t] {mem_id = 0 : i64} : memref<4xf32>[!tile.tile<0>] -> tensor<?xf32>

// CHECK:      {{^}}tile.load has 1 '?' dims but #tile.blocks names 0 blocks
// CHECK-NEXT: "builtin.module"() ({

// -----

// The loaded tile has the subscript's blocks.

%x = "test.op"() : () -> memref<4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = tile.load %x[%t] {mem_id = 0 : i64} : memref<4xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<1>>

// CHECK:      {{^}}tile.load: tile dims [b1] do not match the subscript [b0]
// CHECK-NEXT: "builtin.module"() ({

// -----

// The loaded tile has the memref's element type.

%x = "test.op"() : () -> memref<4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = tile.load %x[%t] {mem_id = 0 : i64} : memref<4xf32>[!tile.tile<0>] -> tensor<?xf16, #tile.blocks<0>>

// CHECK:      {{^}}tile.load: element types of tile and memref differ
// CHECK-NEXT: "builtin.module"() ({

// -----

// The stored tile has the subscript's blocks.

%x = "test.op"() : () -> memref<4x4xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
tile.store %v, %x[%t, %t] {mem_id = 0 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<4x4xf32>[!tile.tile<0>, !tile.tile<0>]

// CHECK:      {{^}}tile.store: tile dims [b0] do not match the subscript [b0, b0]
// CHECK-NEXT: "builtin.module"() ({

// -----

// The tile.full value has the element type.

%v = tile.full 1.0 : f16 : tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.full value type must be the element type
// CHECK-NEXT: "builtin.module"() ({

// -----

// The tile.full result names its blocks.

%v = tile.full 1.0 : f32 : tensor<?xf32>

// CHECK:      {{^}}tile.full has 1 '?' dims but #tile.blocks names 0 blocks
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.splat takes a scalar of the element type...

%s = "test.op"() : () -> f16
%v = tile.splat %s : f16 -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.splat takes a scalar of the result's element type
// CHECK-NEXT: "builtin.module"() ({
// CHECK-NEXT:   %s = "test.op"() : () -> f16

// -----

// ... not a tile.

%s = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%v = tile.splat %s : tensor<?xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.splat takes a scalar of the result's element type
// CHECK-NEXT: "builtin.module"() ({
// CHECK-NEXT:   %s = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>

// -----

// tile.cast keeps the shape.

%a = "test.op"() : () -> tensor<?x4xf32, #tile.blocks<0>>
%b = tile.cast %a : tensor<?x4xf32, #tile.blocks<0>> to tensor<4x?xf16, #tile.blocks<0>>

// CHECK:      {{^}}tile.cast keeps the shape of its source
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.broadcast only expands size-1 dims.

%s = "test.op"() : () -> tensor<?x2xf32, #tile.blocks<0>>
%v = tile.broadcast %s : tensor<?x2xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>

// CHECK:      {{^}}tile.broadcast cannot expand [b0, 2] to [b0, b1]
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.broadcast keeps the element type.

%s = "test.op"() : () -> tensor<?x1xf32, #tile.blocks<0>>
%v = tile.broadcast %s : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf16, #tile.blocks<0, 1>>

// CHECK:      {{^}}tile.broadcast keeps the element type
// CHECK-NEXT: "builtin.module"() ({

// -----

// An operand type whose #tile.blocks names too few blocks is reported, not a crash.

%a = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0>>
%b = tile.reshape %a : tensor<?x?xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile type tensor<?x?xf32, #tile.blocks<0>> has 2 '?' dims but #tile.blocks names 1 blocks
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.reshape does not transpose.

%s = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
%v = tile.reshape %s : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<1, 0>>

// CHECK:      {{^}}tile.reshape keeps block dims in order and the product of the static dims between them: [b0, b1] vs [b1, b0]
// CHECK-NEXT: "builtin.module"() ({

// -----

// ... and keeps the product of the static dims between block dims.

%s = "test.op"() : () -> tensor<?x2x4xf32, #tile.blocks<0>>
%v = tile.reshape %s : tensor<?x2x4xf32, #tile.blocks<0>> -> tensor<?x6xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.reshape keeps block dims in order and the product of the static dims between them: [b0, 2, 4] vs [b0, 6]
// CHECK-NEXT: "builtin.module"() ({

// -----

// Reduced dims are sorted...

%s = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
%v = tile.reduce sum %s dims [1, 0] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<f32>

// CHECK:      {{^}}tile.reduce dims must be sorted, distinct and in range
// CHECK-NEXT: "builtin.module"() ({
// CHECK-NEXT:   %s = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:   %v = "tile.reduce"(%s) <{kind = #tile<reduce_kind sum>, dims = array<i64: 1, 0>}>

// -----

// ... and in range.

%s = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
%v = tile.reduce max %s dims [2] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>

// CHECK:      {{^}}tile.reduce dims must be sorted, distinct and in range
// CHECK-NEXT: "builtin.module"() ({
// CHECK-NEXT:   %s = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:   %v = "tile.reduce"(%s) <{kind = #tile<reduce_kind max>, dims = array<i64: 2>}>

// -----

// Without keepdim the reduced dim goes away.

%s = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
%v = tile.reduce sum %s dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.reduce result dims must be [b0]
// CHECK-NEXT: "builtin.module"() ({

// -----

// With keepdim the reduced dim stays, as size 1.

%s = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
%v = tile.reduce sum %s dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.reduce result dims must be [b0, 1]
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.dot contracts matching dims.

%a = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 2>>
%b = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<1, 2>>
%d = tile.dot %a, %b : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<1, 2>> -> tensor<?x?xf32, #tile.blocks<0, 2>>

// CHECK:      {{^}}tile.dot needs [B?, M, K] @ [B?, K, N] -> [B?, M, N], got [b0, b2] @ [b1, b2] -> [b0, b2]
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.dot accumulates in the result type.

%a = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<0, 2>>
%b = "test.op"() : () -> tensor<?x?xf32, #tile.blocks<2, 1>>
%c = "test.op"() : () -> tensor<?x?xf16, #tile.blocks<0, 1>>
%d = tile.dot %a, %b acc %c : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf16, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>

// CHECK:      {{^}}tile.dot accumulator must have the result type
// CHECK-NEXT: "builtin.module"() ({

// -----

// The tile.mask fill has the element type.

%a = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%t = "test.op"() : () -> !tile.tile<0>
%m = tile.mask %a by %t fill 0 : i32 : tensor<?xf32, #tile.blocks<0>>[!tile.tile<0>]

// CHECK:      {{^}}tile.mask fill type must be the element type
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.mask handles are dims of the source.

%a = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%t = "test.op"() : () -> !tile.tile<1>
%m = tile.mask %a by %t fill 0.0 : f32 : tensor<?xf32, #tile.blocks<0>>[!tile.tile<1>]

// CHECK:      {{^}}tile.mask handle of block 1 is not a dim of its source
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.mask keeps the source type.

%a = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%t = "test.op"() : () -> !tile.tile<0>
%m = "tile.mask"(%a, %t) <{fill = 0.0 : f32}> : (tensor<?xf32, #tile.blocks<0>>, !tile.tile<0>) -> tensor<?xf16, #tile.blocks<0>>

// CHECK:      {{^}}result 'result' at position 0 does not verify:
// CHECK-NEXT: attribute tensor<?xf32, #tile.blocks<0>> expected from variable 'T', but got tensor<?xf16, #tile.blocks<0>>

// -----

// tile.cmp gives i1 values.

%a = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%c = tile.cmp lt %a, %a : tensor<?xf32, #tile.blocks<0>> -> tensor<?xi32, #tile.blocks<0>>

// CHECK:      {{^}}tile.cmp gives i1 values of its operands' shape
// CHECK-NEXT: "builtin.module"() ({

// -----

// The tile.where condition has the result's shape.

%a = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%c = "test.op"() : () -> i1
%w = tile.where %c, %a, %a : i1, tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.where condition must be i1 of the result's shape
// CHECK-NEXT: "builtin.module"() ({

// -----

// A load's mask has the tile's shape.

%x = "test.op"() : () -> memref<64x64xf32>
%t = "test.op"() : () -> !tile.tile<0>
%u = "test.op"() : () -> !tile.tile<1>
%m = "test.op"() : () -> tensor<?xi1, #tile.blocks<0>>
%v = tile.load %x[%t, %u] mask %m {mem_id = 0 : i64} : memref<64x64xf32>[!tile.tile<0>, !tile.tile<1>] mask tensor<?xi1, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>

// CHECK:      {{^}}tile.load mask must be i1 of the tile's shape
// CHECK-NEXT: "builtin.module"() ({

// -----

// An atomic's memory order is one of Triton's.

%x = "test.op"() : () -> memref<64xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%o = tile.atomic add %v, %x[%t] {mem_id = 0 : i64, sem = "seq_cst"} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.atomic sem must be one of relaxed, acquire, release, acq_rel
// CHECK-NEXT: "builtin.module"() ({

// -----

// Only a compare-and-swap has expected values...

%x = "test.op"() : () -> memref<64xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%o = tile.atomic add %v, %x[%t] expected %v {mem_id = 0 : i64, sem = "relaxed"} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] expected tensor<?xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.atomic: cas takes an `expected` operand and no other kind does
// CHECK-NEXT: "builtin.module"() ({

// -----

// ...and it always has them...

%x = "test.op"() : () -> memref<64xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%o = tile.atomic cas %v, %x[%t] {mem_id = 0 : i64, sem = "relaxed"} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.atomic: cas takes an `expected` operand and no other kind does
// CHECK-NEXT: "builtin.module"() ({

// -----

// ...of its value's type.

%x = "test.op"() : () -> memref<64xf32>
%t = "test.op"() : () -> !tile.tile<0>
%v = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%e = "test.op"() : () -> tensor<?xi32, #tile.blocks<0>>
%o = tile.atomic cas %v, %x[%t] expected %e {mem_id = 0 : i64, sem = "relaxed"} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] expected tensor<?xi32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.atomic expected must have the value's type
// CHECK-NEXT: "builtin.module"() ({

// -----

// A tile.while condition is one i1 scalar.

%n = "test.op"() : () -> i64
%w = tile.while(%n) : (i64) -> (i64) {
^bb0(%x: i64):
  tile.yield %x : i64
} do {
^bb0(%x2: i64):
  tile.yield %x2 : i64
}

// CHECK:      {{^}}tile.while condition region must yield one i1 scalar
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.rand gives one float32 per integer offset.

%seed = "test.op"() : () -> i64
%pos = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%u = tile.rand %seed, %pos : i64, tensor<?xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.rand offsets must be integers
// CHECK-NEXT: "builtin.module"() ({

// -----

%seed = "test.op"() : () -> i64
%pos = "test.op"() : () -> tensor<?xi32, #tile.blocks<0>>
%u = tile.rand %seed, %pos : i64, tensor<?xi32, #tile.blocks<0>> -> tensor<?xf16, #tile.blocks<0>>

// CHECK:      {{^}}tile.rand gives a float32 per offset, of its shape
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.topk keeps the k largest along the last dim, k a power of two.

%x = "test.op"() : () -> tensor<?x16xf32, #tile.blocks<0>>
%k = tile.topk %x dim 1 k 3 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x3xf32, #tile.blocks<0>>

// CHECK:      {{^}}tile.topk k must be a power of two
// CHECK-NEXT: "builtin.module"() ({

// -----

// tile.gather's index has the source's rank.

%x = "test.op"() : () -> tensor<?x16xf32, #tile.blocks<0>>
%i = "test.op"() : () -> tensor<16xi32>
%g = tile.gather %x[%i] dim 1 : tensor<?x16xf32, #tile.blocks<0>>, tensor<16xi32> -> tensor<16xf32>

// CHECK:      {{^}}tile.gather index must have the source's rank
// CHECK-NEXT: "builtin.module"() ({

// -----

// Indices come from 64-bit keys packing each element with its position: elements of at
// most 32 bits...

%x = "test.op"() : () -> tensor<?x16xi64, #tile.blocks<0>>
%v, %i = tile.sort %x dim 1 : tensor<?x16xi64, #tile.blocks<0>> -> tensor<?x16xi64, #tile.blocks<0>>, tensor<?x16xi64, #tile.blocks<0>>

// CHECK:      {{^}}tile.sort gives indices (or the smallest) of elements of at most 32 bits only
// CHECK-NEXT: "builtin.module"() ({

// -----

// ...as is the smallest k...

%x = "test.op"() : () -> tensor<?x16xf64, #tile.blocks<0>>
%v = tile.topk %x dim 1 k 4 smallest : tensor<?x16xf64, #tile.blocks<0>> -> tensor<?x4xf64, #tile.blocks<0>>

// CHECK:      {{^}}tile.topk gives indices (or the smallest) of elements of at most 32 bits only
// CHECK-NEXT: "builtin.module"() ({

// -----

// ...and the indices are i64 of the values' shape.

%x = "test.op"() : () -> tensor<?x16xf32, #tile.blocks<0>>
%v, %i = tile.topk %x dim 1 k 4 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x4xf32, #tile.blocks<0>>, tensor<?x4xi32, #tile.blocks<0>>

// CHECK:      {{^}}tile.topk indices are i64 of its result's shape
// CHECK-NEXT: "builtin.module"() ({
