// RUN: HELION_ROUNDTRIP
// RUN: HELION_GENERIC_ROUNDTRIP

// Every tile op round-trips custom -> generic -> custom unchanged.

tile.kernel @matmul_like(%x: memref<64x32xf32>, %y: memref<32x16xf32>, %out: memref<64x16xf32>, %s: f32) attributes {sources = ["x", "y", "out", "s"]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c32 = arith.constant 32 : index
  %c16 = arith.constant 16 : index
  tile.grid %tm = %c0 to %c64, %tn = %c0 to %c16 : !tile.tile<0>, !tile.tile<1> {
    %zero = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %acc = tile.for %tk = %c0 to %c32 : !tile.tile<2> iter_args(%a = %zero) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %lhs = tile.load %x[%tm, %tk] {mem_id = 0 : i64} : memref<64x32xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      %rhs = tile.load %y[%tk, %tn] {mem_id = 1 : i64} : memref<32x16xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
      %lm = tile.mask %lhs by %tk fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 2>>[!tile.tile<2>]
      %d = tile.dot %lm, %rhs acc %a : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.yield %d : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    %sp = tile.splat %s : f32 -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %gt = tile.cmp gt %acc, %sp : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xi1, #tile.blocks<0, 1>>
    %w = tile.where %gt, %acc, %sp : tensor<?x?xi1, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>
    %r = tile.reduce max %w dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %b = tile.broadcast %r : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %b, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x16xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @matmul_like(%x: memref<64x32xf32>, %y: memref<32x16xf32>, %out: memref<64x16xf32>, %s: f32) attributes {sources = ["x", "y", "out", "s"]} {
// CHECK:         tile.grid %tm = %c0 to %c64, %tn = %c0 to %c16 : !tile.tile<0>, !tile.tile<1> {
// CHECK-NEXT:      %zero = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %acc = tile.for %tk = %c0 to %c32 : !tile.tile<2> iter_args(%a = %zero) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
// CHECK-NEXT:        %lhs = tile.load %x[%tm, %tk] {mem_id = 0 : i64} : memref<64x32xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
// CHECK-NEXT:        %rhs = tile.load %y[%tk, %tn] {mem_id = 1 : i64} : memref<32x16xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
// CHECK-NEXT:        %lm = tile.mask %lhs by %tk fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 2>>[!tile.tile<2>]
// CHECK-NEXT:        %d = tile.dot %lm, %rhs acc %a : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:        tile.yield %d : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      }
// CHECK-NEXT:      %sp = tile.splat %s : f32 -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %gt = tile.cmp gt %acc, %sp : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xi1, #tile.blocks<0, 1>>
// CHECK-NEXT:      %w = tile.where %gt, %acc, %sp : tensor<?x?xi1, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %r = tile.reduce max %w dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
// CHECK-NEXT:      %b = tile.broadcast %r : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      tile.store %b, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x16xf32>[!tile.tile<0>, !tile.tile<1>]
// CHECK-NEXT:    }
// CHECK-NEXT:  }

// CHECK-GENERIC-LABEL: "tile.kernel"() <{sym_name = "matmul_like", function_type = (memref<64x32xf32>, memref<32x16xf32>, memref<64x16xf32>, f32) -> (), sources = ["x", "y", "out", "s"]}> ({
// CHECK-GENERIC-NEXT:  ^bb0(%x: memref<64x32xf32>, %y: memref<32x16xf32>, %out: memref<64x16xf32>, %s: f32):
// CHECK-GENERIC:         "tile.grid"(%c0, %c0, %c64, %c16) <{operandSegmentSizes = array<i32: 2, 2>}> ({
// CHECK-GENERIC-NEXT:    ^bb0(%tm: !tile.tile<0>, %tn: !tile.tile<1>):
// CHECK-GENERIC-NEXT:      %zero = "tile.full"() <{value = 0.000000e+00 : f32}> : () -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT:      %acc = "tile.for"(%c0, %c32, %zero) <{operandSegmentSizes = array<i32: 1, 1, 1>}> ({
// CHECK-GENERIC-NEXT:      ^bb0(%tk: !tile.tile<2>, %a: tensor<?x?xf32, #tile.blocks<0, 1>>):
// CHECK-GENERIC-NEXT:        %lhs = "tile.load"(%x, %tm, %tk) <{mem_id = 0 : i64, operandSegmentSizes = array<i32: 1, 2, 0>}> : (memref<64x32xf32>, !tile.tile<0>, !tile.tile<2>) -> tensor<?x?xf32, #tile.blocks<0, 2>>
// CHECK-GENERIC:             %lm = "tile.mask"(%lhs, %tk) <{fill = 0.000000e+00 : f32}> : (tensor<?x?xf32, #tile.blocks<0, 2>>, !tile.tile<2>) -> tensor<?x?xf32, #tile.blocks<0, 2>>
// CHECK-GENERIC-NEXT:        %d = "tile.dot"(%lm, %rhs, %a) : (tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>) -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT:        "tile.yield"(%d) : (tensor<?x?xf32, #tile.blocks<0, 1>>) -> ()
// CHECK-GENERIC-NEXT:      }) : (index, index, tensor<?x?xf32, #tile.blocks<0, 1>>) -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT:      %sp = "tile.splat"(%s) : (f32) -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT:      %gt = "tile.cmp"(%acc, %sp) <{predicate = #tile<predicate gt>}> : (tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>) -> tensor<?x?xi1, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT:      %w = "tile.where"(%gt, %acc, %sp) : (tensor<?x?xi1, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>) -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT:      %r = "tile.reduce"(%w) <{kind = #tile<reduce_kind max>, dims = array<i64: 1>, keepdim}> : (tensor<?x?xf32, #tile.blocks<0, 1>>) -> tensor<?x1xf32, #tile.blocks<0>>
// CHECK-GENERIC-NEXT:      %b = "tile.broadcast"(%r) : (tensor<?x1xf32, #tile.blocks<0>>) -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT:      "tile.store"(%b, %out, %tm, %tn) <{mem_id = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 2, 0>}> : (tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x16xf32>, !tile.tile<0>, !tile.tile<1>) -> ()
// CHECK-GENERIC-NEXT:      "tile.yield"() : () -> ()
// CHECK-GENERIC-NEXT:    }) : (index, index, index, index) -> ()

// -----

// A `:` dimension (tile.rdim), a reduction without keepdim, and reshapes both ways.

tile.kernel @row_sum(%x: memref<8x100xf32>, %out: memref<8xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  tile.grid %row = %c0 to %c8 : !tile.tile<0> {
    %cols = tile.rdim %c100 : !tile.tile<1>
    %v = tile.load %x[%row, %cols] {mem_id = 0 : i64} : memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %s = tile.reduce sum %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    %r = tile.reshape %s : tensor<?xf32, #tile.blocks<0>> -> tensor<?x1xf32, #tile.blocks<0>>
    %back = tile.reshape %r : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
    tile.store %back, %out[%row] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @row_sum
// CHECK:         tile.grid %row = %c0 to %c8 : !tile.tile<0> {
// CHECK-NEXT:      %cols = tile.rdim %c100 : !tile.tile<1>
// CHECK-NEXT:      %v = tile.load %x[%row, %cols] {mem_id = 0 : i64} : memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %s = tile.reduce sum %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:      %r = tile.reshape %s : tensor<?xf32, #tile.blocks<0>> -> tensor<?x1xf32, #tile.blocks<0>>
// CHECK-NEXT:      %back = tile.reshape %r : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:      tile.store %back, %out[%row] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
// CHECK-NEXT:    }

// CHECK-GENERIC-LABEL: "tile.kernel"() <{sym_name = "row_sum"
// CHECK-GENERIC:         %cols = "tile.rdim"(%c100) : (index) -> !tile.tile<1>
// CHECK-GENERIC:         %s = "tile.reduce"(%v) <{kind = #tile<reduce_kind sum>, dims = array<i64: 1>}> : (tensor<?x?xf32, #tile.blocks<0, 1>>) -> tensor<?xf32, #tile.blocks<0>>
// CHECK-GENERIC-NEXT:    %r = "tile.reshape"(%s) : (tensor<?xf32, #tile.blocks<0>>) -> tensor<?x1xf32, #tile.blocks<0>>

// -----

// A two-dimensional tile.for carrying two values, a dot without accumulator, scalar
// compare/select, reductions to a scalar, integer fills, a scalar index subscript, and
// casts of a tile and of a scalar.

tile.kernel @misc(%x: memref<16x16xf16>, %out: memref<16x16xf32>, %v: memref<4x16xi32>, %n: index) attributes {sources = ["x", "out", "v", "n"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  tile.grid %tm = %c0 to %c16 : !tile.tile<0> {
    %init = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 0>>
    %cnt = tile.full 1 : i32 : tensor<?xi32, #tile.blocks<0>>
    %r:2 = tile.for %ti = %c0 to %n, %tj = %c0 to %c16 : !tile.tile<1>, !tile.tile<2> iter_args(%a = %init, %c = %cnt) -> (tensor<?x?xf32, #tile.blocks<0, 0>>, tensor<?xi32, #tile.blocks<0>>) {
      %lhs = tile.load %x[%tm, %ti] {mem_id = 0 : i64} : memref<16x16xf16>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf16, #tile.blocks<0, 1>>
      %rhs = tile.load %x[%ti, %tm] {mem_id = 1 : i64} : memref<16x16xf16>[!tile.tile<1>, !tile.tile<0>] -> tensor<?x?xf16, #tile.blocks<1, 0>>
      %d = tile.dot %lhs, %rhs : tensor<?x?xf16, #tile.blocks<0, 1>>, tensor<?x?xf16, #tile.blocks<1, 0>> -> tensor<?x?xf32, #tile.blocks<0, 0>>
      %s = arith.addf %a, %d : tensor<?x?xf32, #tile.blocks<0, 0>>
      tile.yield %s, %c : tensor<?x?xf32, #tile.blocks<0, 0>>, tensor<?xi32, #tile.blocks<0>>
    }
    %lt = tile.cmp lt %c0, %n : index -> i1
    %sel = tile.where %lt, %c0, %n : i1, index
    %row = tile.load %v[%sel, %tm] {mem_id = 2 : i64} : memref<4x16xi32>[index, !tile.tile<0>] -> tensor<?xi32, #tile.blocks<0>>
    %p = tile.reduce prod %row dims [0] : tensor<?xi32, #tile.blocks<0>> -> tensor<i32>
    %m = tile.reduce min %r#0 dims [0, 1] : tensor<?x?xf32, #tile.blocks<0, 0>> -> tensor<f32>
    %h = tile.cast %r#0 : tensor<?x?xf32, #tile.blocks<0, 0>> to tensor<?x?xbf16, #tile.blocks<0, 0>>
    %k = tile.cast %sel : index to i64
    %e = tile.cast %h explicit : tensor<?x?xbf16, #tile.blocks<0, 0>> to tensor<?x?xf16, #tile.blocks<0, 0>>
    tile.store %r#0, %out[%tm, %tm] {mem_id = 3 : i64} : tensor<?x?xf32, #tile.blocks<0, 0>>, memref<16x16xf32>[!tile.tile<0>, !tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @misc
// CHECK:         %cnt = tile.full 1 : i32 : tensor<?xi32, #tile.blocks<0>>
// CHECK-NEXT:    %r, %r_1 = tile.for %ti = %c0 to %n, %tj = %c0 to %c16 : !tile.tile<1>, !tile.tile<2> iter_args(%a = %init, %c = %cnt) -> (tensor<?x?xf32, #tile.blocks<0, 0>>, tensor<?xi32, #tile.blocks<0>>) {
// CHECK:           %d = tile.dot %lhs, %rhs : tensor<?x?xf16, #tile.blocks<0, 1>>, tensor<?x?xf16, #tile.blocks<1, 0>> -> tensor<?x?xf32, #tile.blocks<0, 0>>
// CHECK-NEXT:      %s = arith.addf %a, %d : tensor<?x?xf32, #tile.blocks<0, 0>>
// CHECK-NEXT:      tile.yield %s, %c : tensor<?x?xf32, #tile.blocks<0, 0>>, tensor<?xi32, #tile.blocks<0>>
// CHECK-NEXT:    }
// CHECK-NEXT:    %lt = tile.cmp lt %c0, %n : index -> i1
// CHECK-NEXT:    %sel = tile.where %lt, %c0, %n : i1, index
// CHECK-NEXT:    %row = tile.load %v[%sel, %tm] {mem_id = 2 : i64} : memref<4x16xi32>[index, !tile.tile<0>] -> tensor<?xi32, #tile.blocks<0>>
// CHECK-NEXT:    %p = tile.reduce prod %row dims [0] : tensor<?xi32, #tile.blocks<0>> -> tensor<i32>
// CHECK-NEXT:    %m = tile.reduce min %r dims [0, 1] : tensor<?x?xf32, #tile.blocks<0, 0>> -> tensor<f32>
// CHECK-NEXT:    %h = tile.cast %r : tensor<?x?xf32, #tile.blocks<0, 0>> to tensor<?x?xbf16, #tile.blocks<0, 0>>
// CHECK-NEXT:    %k = tile.cast %sel : index to i64
// CHECK-NEXT:    %e = tile.cast %h explicit : tensor<?x?xbf16, #tile.blocks<0, 0>> to tensor<?x?xf16, #tile.blocks<0, 0>>

// CHECK-GENERIC-LABEL: "tile.kernel"() <{sym_name = "misc"
// CHECK-GENERIC:         %r, %r_1 = "tile.for"(%c0, %c0, %n, %c16, %init, %cnt) <{operandSegmentSizes = array<i32: 2, 2, 2>}> ({
// CHECK-GENERIC-NEXT:    ^bb0(%ti: !tile.tile<1>, %tj: !tile.tile<2>, %a: tensor<?x?xf32, #tile.blocks<0, 0>>, %c: tensor<?xi32, #tile.blocks<0>>):
// CHECK-GENERIC:           %d = "tile.dot"(%lhs, %rhs) : (tensor<?x?xf16, #tile.blocks<0, 1>>, tensor<?x?xf16, #tile.blocks<1, 0>>) -> tensor<?x?xf32, #tile.blocks<0, 0>>
// CHECK-GENERIC:         %lt = "tile.cmp"(%c0, %n) <{predicate = #tile<predicate lt>}> : (index, index) -> i1
// CHECK-GENERIC-NEXT:    %sel = "tile.where"(%lt, %c0, %n) : (i1, index, index) -> index
// CHECK-GENERIC:         %h = "tile.cast"(%r) : (tensor<?x?xf32, #tile.blocks<0, 0>>) -> tensor<?x?xbf16, #tile.blocks<0, 0>>
// CHECK-GENERIC-NEXT:    %k = "tile.cast"(%sel) : (index) -> i64
// CHECK-GENERIC-NEXT:    %e = "tile.cast"(%h) <{explicit}> : (tensor<?x?xbf16, #tile.blocks<0, 0>>) -> tensor<?x?xf16, #tile.blocks<0, 0>>

// -----

// A tile.for without carried values: its tile.yield is implicit in the custom form.

tile.kernel @no_carry(%x: memref<4x4xi32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  tile.grid %t = %c0 to %c4 : !tile.tile<0> {
    tile.for %u = %c0 to %c4 : !tile.tile<1> {
      %v = tile.load %x[%t, %u] {mem_id = 0 : i64} : memref<4x4xi32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xi32, #tile.blocks<0, 1>>
      tile.store %v, %x[%t, %u] {mem_id = 1 : i64} : tensor<?x?xi32, #tile.blocks<0, 1>>, memref<4x4xi32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK-LABEL: tile.kernel @no_carry
// CHECK:         tile.grid %t = %c0 to %c4 : !tile.tile<0> {
// CHECK-NEXT:      tile.for %u = %c0 to %c4 : !tile.tile<1> {
// CHECK-NEXT:        %v = tile.load
// CHECK-NEXT:        tile.store %v
// CHECK-NEXT:      }
// CHECK-NEXT:    }

// CHECK-GENERIC-LABEL: "tile.kernel"() <{sym_name = "no_carry"
// CHECK-GENERIC:         "tile.for"(%c0, %c4) <{operandSegmentSizes = array<i32: 1, 1, 0>}> ({
// CHECK-GENERIC-NEXT:    ^bb0(%u: !tile.tile<1>):
// CHECK-GENERIC:           "tile.store"
// CHECK-GENERIC-NEXT:      "tile.yield"() : () -> ()
// CHECK-GENERIC-NEXT:    }) : (index, index) -> ()

// -----

// Kernel-given masks on a load and a store, a fixed eviction policy, and atomics
// (their old values used or not; a compare-and-swap with its expected values).

tile.kernel @masked_atomics(%x: memref<64xf32>, %cnt: memref<64xi32>) attributes {sources = ["x", "cnt"]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  tile.grid %t = %c0 to %c64 : !tile.tile<0> {
    %zero = tile.full 0.000000e+00 : f32 : tensor<?xf32, #tile.blocks<0>>
    %v = tile.load %x[%t] {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %pos = tile.cmp gt %v, %zero : tensor<?xf32, #tile.blocks<0>> -> tensor<?xi1, #tile.blocks<0>>
    %w = tile.load %x[%t] mask %pos {mem_id = 1 : i64, eviction_policy = "last"} : memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
    tile.store %w, %x[%t] mask %pos {mem_id = 2 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>>
    %one = tile.full 1 : i32 : tensor<?xi32, #tile.blocks<0>>
    %old = tile.atomic add %one, %cnt[%t] {mem_id = 3 : i64, sem = "acq_rel"} : tensor<?xi32, #tile.blocks<0>>, memref<64xi32>[!tile.tile<0>] -> tensor<?xi32, #tile.blocks<0>>
    %m = tile.atomic max %old, %cnt[%t] {mem_id = 4 : i64, sem = "relaxed"} : tensor<?xi32, #tile.blocks<0>>, memref<64xi32>[!tile.tile<0>] -> tensor<?xi32, #tile.blocks<0>>
    %c = tile.atomic cas %m, %cnt[%t] expected %old {mem_id = 5 : i64, sem = "acquire"} : tensor<?xi32, #tile.blocks<0>>, memref<64xi32>[!tile.tile<0>] expected tensor<?xi32, #tile.blocks<0>> -> tensor<?xi32, #tile.blocks<0>>
  }
}

// CHECK-LABEL: tile.kernel @masked_atomics
// CHECK:         %w = tile.load %x[%t] mask %pos {mem_id = 1 : i64, eviction_policy = "last"} : memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:    tile.store %w, %x[%t] mask %pos {mem_id = 2 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>>
// CHECK:         %old = tile.atomic add %one, %cnt[%t] {mem_id = 3 : i64, sem = "acq_rel"} : tensor<?xi32, #tile.blocks<0>>, memref<64xi32>[!tile.tile<0>] -> tensor<?xi32, #tile.blocks<0>>
// CHECK-NEXT:    %m = tile.atomic max %old, %cnt[%t] {mem_id = 4 : i64, sem = "relaxed"}
// CHECK-NEXT:    %c = tile.atomic cas %m, %cnt[%t] expected %old {mem_id = 5 : i64, sem = "acquire"} : tensor<?xi32, #tile.blocks<0>>, memref<64xi32>[!tile.tile<0>] expected tensor<?xi32, #tile.blocks<0>> -> tensor<?xi32, #tile.blocks<0>>

// CHECK-GENERIC-LABEL: "tile.kernel"() <{sym_name = "masked_atomics"
// CHECK-GENERIC:         %w = "tile.load"(%x, %t, %pos) <{mem_id = 1 : i64, eviction_policy = "last", operandSegmentSizes = array<i32: 1, 1, 1>}>
// CHECK-GENERIC-NEXT:    "tile.store"(%w, %x, %t, %pos) <{mem_id = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1>}>
// CHECK-GENERIC:         %old = "tile.atomic"(%one, %cnt, %t) <{kind = #tile<atomic_kind add>, mem_id = 3 : i64, sem = "acq_rel", operandSegmentSizes = array<i32: 1, 1, 1, 0>}>
// CHECK-GENERIC:         %c = "tile.atomic"(%m, %cnt, %t, %old) <{kind = #tile<atomic_kind cas>, mem_id = 5 : i64, sem = "acquire", operandSegmentSizes = array<i32: 1, 1, 1, 1>}>

// -----

// Data movement within a tile: permute, arg-reduce, scans, flip, sort, join and split;
// sort and top-k with their indices, top-k of the smallest.

%x = "test.op"() : () -> tensor<?x16xf32, #tile.blocks<0>>
%p = tile.permute %x perm [1, 0] : tensor<?x16xf32, #tile.blocks<0>> -> tensor<16x?xf32, #tile.blocks<0>>
%a = tile.arg_reduce max %x dim 1 keepdim : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x1xi64, #tile.blocks<0>>
%n = tile.arg_reduce min %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?xi64, #tile.blocks<0>>
%c = tile.scan sum %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
%r = tile.scan max %x dim 1 reverse : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
%f = tile.flip %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
%s = tile.sort %x dim 1 descending : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
%j = tile.join %x, %f : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16x2xf32, #tile.blocks<0>>
%l, %h = tile.split %j : tensor<?x16x2xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
%i = tile.iota : tensor<16xi32>
%seed = "test.op"() : () -> i64
%pos = "test.op"() : () -> tensor<?x16xi32, #tile.blocks<0>>
%u = tile.rand %seed, %pos : i64, tensor<?x16xi32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
%g = tile.gather %x[%pos] dim 1 : tensor<?x16xf32, #tile.blocks<0>>, tensor<?x16xi32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
%k = tile.topk %x dim 1 k 4 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x4xf32, #tile.blocks<0>>
%sv, %si = tile.sort %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>, tensor<?x16xi64, #tile.blocks<0>>
%kv, %ki = tile.topk %x dim 1 k 4 smallest : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x4xf32, #tile.blocks<0>>, tensor<?x4xi64, #tile.blocks<0>>
%ks = tile.topk %x dim 1 k 2 smallest : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x2xf32, #tile.blocks<0>>

// CHECK:      %p = tile.permute %x perm [1, 0] : tensor<?x16xf32, #tile.blocks<0>> -> tensor<16x?xf32, #tile.blocks<0>>
// CHECK-NEXT: %a = tile.arg_reduce max %x dim 1 keepdim : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x1xi64, #tile.blocks<0>>
// CHECK-NEXT: %n = tile.arg_reduce min %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?xi64, #tile.blocks<0>>
// CHECK-NEXT: %c = tile.scan sum %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
// CHECK-NEXT: %r = tile.scan max %x dim 1 reverse : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
// CHECK-NEXT: %f = tile.flip %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
// CHECK-NEXT: %s = tile.sort %x dim 1 descending : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
// CHECK-NEXT: %j = tile.join %x, %f : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16x2xf32, #tile.blocks<0>>
// CHECK-NEXT: %l, %h = tile.split %j : tensor<?x16x2xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
// CHECK-NEXT: %i = tile.iota : tensor<16xi32>
// CHECK:      %u = tile.rand %seed, %pos : i64, tensor<?x16xi32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
// CHECK-NEXT: %g = tile.gather %x[%pos] dim 1 : tensor<?x16xf32, #tile.blocks<0>>, tensor<?x16xi32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>
// CHECK-NEXT: %k = tile.topk %x dim 1 k 4 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x4xf32, #tile.blocks<0>>
// CHECK-NEXT: %sv, %si = tile.sort %x dim 1 : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x16xf32, #tile.blocks<0>>, tensor<?x16xi64, #tile.blocks<0>>
// CHECK-NEXT: %kv, %ki = tile.topk %x dim 1 k 4 smallest : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x4xf32, #tile.blocks<0>>, tensor<?x4xi64, #tile.blocks<0>>
// CHECK-NEXT: %ks = tile.topk %x dim 1 k 2 smallest : tensor<?x16xf32, #tile.blocks<0>> -> tensor<?x2xf32, #tile.blocks<0>>

// CHECK-GENERIC:      %p = "tile.permute"(%x) <{perm = array<i64: 1, 0>}>
// CHECK-GENERIC:      %a = "tile.arg_reduce"(%x) <{kind = #tile<reduce_kind max>, dim = 1 : i64, keepdim}>
// CHECK-GENERIC:      %l, %h = "tile.split"(%j)
// CHECK-GENERIC:      %u = "tile.rand"(%seed, %pos)
// CHECK-GENERIC:      %g = "tile.gather"(%x, %pos) <{dim = 1 : i64}>
// CHECK-GENERIC:      %k = "tile.topk"(%x) <{dim = 1 : i64, k = 4 : i64}>
// CHECK-GENERIC:      %sv, %si = "tile.sort"(%x) <{dim = 1 : i64}> : (tensor<?x16xf32, #tile.blocks<0>>) -> (tensor<?x16xf32, #tile.blocks<0>>, tensor<?x16xi64, #tile.blocks<0>>)
// CHECK-GENERIC:      %kv, %ki = "tile.topk"(%x) <{dim = 1 : i64, k = 4 : i64, smallest}>

// -----

// tile.if with and without results; tile.while carrying two values.

%c = "test.op"() : () -> i1
%a = "test.op"() : () -> tensor<?xf32, #tile.blocks<0>>
%r = tile.if %c : i1 -> (tensor<?xf32, #tile.blocks<0>>) {
  tile.yield %a : tensor<?xf32, #tile.blocks<0>>
} else {
  tile.yield %a : tensor<?xf32, #tile.blocks<0>>
}
tile.if %c : i1 {
  tile.yield
} else {
  tile.yield
}
%n = "test.op"() : () -> i64
%w:2 = tile.while(%n, %a) : (i64, tensor<?xf32, #tile.blocks<0>>) -> (i64, tensor<?xf32, #tile.blocks<0>>) {
^bb0(%x: i64, %y: tensor<?xf32, #tile.blocks<0>>):
  %t = "test.op"(%x) : (i64) -> i1
  tile.yield %t : i1
} do {
^bb0(%x2: i64, %y2: tensor<?xf32, #tile.blocks<0>>):
  tile.yield %x2, %y2 : i64, tensor<?xf32, #tile.blocks<0>>
}

// CHECK:      %r = tile.if %c : i1 -> (tensor<?xf32, #tile.blocks<0>>) {
// CHECK-NEXT:   tile.yield %a : tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT: } else {
// CHECK:      tile.if %c : i1 {
// CHECK-NEXT:   tile.yield
// CHECK:      %w, %w_1 = tile.while(%n, %a) : (i64, tensor<?xf32, #tile.blocks<0>>) -> (i64, tensor<?xf32, #tile.blocks<0>>) {
// CHECK-NEXT: ^bb0(%x: i64, %y: tensor<?xf32, #tile.blocks<0>>):
// CHECK-NEXT:   %t = "test.op"(%x) : (i64) -> i1
// CHECK-NEXT:   tile.yield %t : i1
// CHECK-NEXT: } do {

// CHECK-GENERIC: %r = "tile.if"(%c) ({
// CHECK-GENERIC: %w, %w_1 = "tile.while"(%n, %a) ({

// The scalar facts of a tile: `.begin`, `.end`, `.block_size`, `.id`, `.count`.
tile.kernel @tile_facts(%out: memref<40xi64>) attributes {sources = ["out"]} {
  %c0 = arith.constant 0 : index
  %c40 = arith.constant 40 : index
  tile.grid %ft = %c0 to %c40 : !tile.tile<0> {
    %fb = tile.begin %ft : !tile.tile<0>
    %fe = tile.end %ft : !tile.tile<0>
    %fs = tile.block_size %ft : !tile.tile<0>
    %fi = tile.id %ft : !tile.tile<0>
    %fn = tile.count %ft : !tile.tile<0>
    %fx = arith.addi %fb, %fe : index
    %fy = arith.addi %fs, %fi : index
    %fz = arith.addi %fx, %fy : index
    %fw = arith.addi %fz, %fn : index
    %fv = arith.index_cast %fw : index to i64
    %fvs = tile.splat %fv : i64 -> tensor<?xi64, #tile.blocks<0>>
    tile.store %fvs, %out[%ft] {mem_id = 0 : i64} : tensor<?xi64, #tile.blocks<0>>, memref<40xi64>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @tile_facts
// CHECK:         %fb = tile.begin %ft : !tile.tile<0>
// CHECK-NEXT:    %fe = tile.end %ft : !tile.tile<0>
// CHECK-NEXT:    %fs = tile.block_size %ft : !tile.tile<0>
// CHECK-NEXT:    %fi = tile.id %ft : !tile.tile<0>
// CHECK-NEXT:    %fn = tile.count %ft : !tile.tile<0>
