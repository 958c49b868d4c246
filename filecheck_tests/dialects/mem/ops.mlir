// RUN: HELION_ROUNDTRIP
// RUN: HELION_GENERIC_ROUNDTRIP

// mem.load/mem.store with explicit strides: a column-major (strided) source, scalar
// index subscripts, a rank-0 tile, and a row-major destination.

tile.kernel @copy(%x: memref<100x70xf32, strided<[1, 100]>>, %out: memref<100x70xf32>) attributes {sources = ["x", "out"]} {
  %c1 = arith.constant 1 : index
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  loop.launch %o0 = %c0 to %c100 step %c32, %o1 = %c0 to %c70 step %c32 warps %c1 stages %c1 {
    %t0 = loop.tile %o0 size %c32 end %c100 : !tile.tile<0>
    %t1 = loop.tile %o1 size %c32 end %c70 : !tile.tile<1>
    %v = mem.load %x[%t0, %t1] strides(%c1, %c100) {mem_id = 0 : i64} : memref<100x70xf32, strided<[1, 100]>>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %row = mem.load %x[%c0, %t1] strides(%c1, %c100) {mem_id = 1 : i64} : memref<100x70xf32, strided<[1, 100]>>[index, !tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    %s = mem.load %out[%c0, %c0] strides(%c70, %c1) {mem_id = 2 : i64} : memref<100x70xf32>[index, index] -> tensor<f32>
    mem.store %v, %out[%t0, %t1] strides(%c70, %c1) {mem_id = 3 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @copy(%x: memref<100x70xf32, strided<[1, 100]>>, %out: memref<100x70xf32>) attributes {sources = ["x", "out"]} {
// CHECK:           %t1 = loop.tile %o1 size %c32 end %c70 : !tile.tile<1>
// CHECK-NEXT:      %v = mem.load %x[%t0, %t1] strides(%c1, %c100) {mem_id = 0 : i64{{.*}}} : memref<100x70xf32, strided<[1, 100]>>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %row = mem.load %x[%c0, %t1] strides(%c1, %c100) {mem_id = 1 : i64{{.*}}} : memref<100x70xf32, strided<[1, 100]>>[index, !tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
// CHECK-NEXT:      %s = mem.load %out[%c0, %c0] strides(%c70, %c1) {mem_id = 2 : i64{{.*}}} : memref<100x70xf32>[index, index] -> tensor<f32>
// CHECK-NEXT:      mem.store %v, %out[%t0, %t1] strides(%c70, %c1) {mem_id = 3 : i64{{.*}}} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
// CHECK-NEXT:    }

// CHECK-GENERIC:      %v = "mem.load"(%x, %t0, %t1, %c1, %c100) <{mem_id = 0 : i64, operandSegmentSizes = array<i32: 1, 2, 2, 0>}> : (memref<100x70xf32, strided<[1, 100]>>, !tile.tile<0>, !tile.tile<1>, index, index) -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC-NEXT: %row = "mem.load"(%x, %c0, %t1, %c1, %c100) <{mem_id = 1 : i64, operandSegmentSizes = array<i32: 1, 2, 2, 0>}> : (memref<100x70xf32, strided<[1, 100]>>, index, !tile.tile<1>, index, index) -> tensor<?xf32, #tile.blocks<1>>
// CHECK-GENERIC-NEXT: %s = "mem.load"(%out, %c0, %c0, %c70, %c1) <{mem_id = 2 : i64, operandSegmentSizes = array<i32: 1, 2, 2, 0>}> : (memref<100x70xf32>, index, index, index, index) -> tensor<f32>
// CHECK-GENERIC-NEXT: "mem.store"(%v, %out, %t0, %t1, %c70, %c1) <{mem_id = 3 : i64, operandSegmentSizes = array<i32: 1, 1, 2, 2, 0>}> : (tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>, !tile.tile<0>, !tile.tile<1>, index, index) -> ()

// -----

// A masked load and store, and atomics (one a compare-and-swap) with their config slots.

tile.kernel @masked(%x: memref<64xf32>) attributes {sources = ["x"]} {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c16 = arith.constant 16 : index
  loop.launch %o = %c0 to %c64 step %c16 warps %c1 stages %c1 {
    %t = loop.tile %o size %c16 end %c64 : !tile.tile<0>
    %m = "test.op"() : () -> tensor<?xi1, #tile.blocks<0>>
    %v = mem.load %x[%t] strides(%c1) mask %m {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
    mem.store %v, %x[%t] strides(%c1) mask %m {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>>
    %old = mem.atomic add %v, %x[%t] strides(%c1) {mem_id = 2 : i64, sem = "relaxed", indexing = #cfg.ref<atomic_indexing[0] in #cfg.enum<"pointer"> default "pointer">} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %c = mem.atomic cas %v, %x[%t] strides(%c1) expected %old {mem_id = 3 : i64, sem = "release", indexing = #cfg.ref<atomic_indexing[1] in #cfg.enum<"pointer"> default "pointer">} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] expected tensor<?xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
  }
}

// CHECK-LABEL: tile.kernel @masked
// CHECK:         %v = mem.load %x[%t] strides(%c1) mask %m {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:    mem.store %v, %x[%t] strides(%c1) mask %m {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] mask tensor<?xi1, #tile.blocks<0>>
// CHECK-NEXT:    %old = mem.atomic add %v, %x[%t] strides(%c1) {mem_id = 2 : i64, sem = "relaxed", indexing = #cfg.ref<atomic_indexing[0] in #cfg.enum<"pointer"> default "pointer">}
// CHECK-NEXT:    %c = mem.atomic cas %v, %x[%t] strides(%c1) expected %old {mem_id = 3 : i64, sem = "release", indexing = #cfg.ref<atomic_indexing[1] in #cfg.enum<"pointer"> default "pointer">} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>] expected tensor<?xf32, #tile.blocks<0>> -> tensor<?xf32, #tile.blocks<0>>

// CHECK-GENERIC:      %v = "mem.load"(%x, %t, %c1, %m) <{mem_id = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1>}>
// CHECK-GENERIC:      %old = "mem.atomic"(%v, %x, %t, %c1) <{kind = #tile<atomic_kind add>, mem_id = 2 : i64, sem = "relaxed", indexing = #cfg.ref<atomic_indexing[0] in #cfg.enum<"pointer"> default "pointer">, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}>
// CHECK-GENERIC:      %c = "mem.atomic"(%v, %x, %t, %c1, %old) <{kind = #tile<atomic_kind cas>, mem_id = 3 : i64, sem = "release", indexing = #cfg.ref<atomic_indexing[1] in #cfg.enum<"pointer"> default "pointer">, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}>
