// RUN: HELION_ROUNDTRIP
// RUN: HELION_GENERIC_ROUNDTRIP

// loop.launch, loop.reduce_for and loop.tile with config params as steps and sizes
// (the shape of a rolled row reduction at the loop stage).

tile.kernel @k(%x: memref<100x70xf32>, %out: memref<100xf32>) attributes {sources = ["x", "out"]} {
  %bs0 = cfg.param block_sizes[0] in #cfg.pow2<1, 128> default 32 : i64
  %bs1 = cfg.param block_sizes[1] in #cfg.pow2<1, 128> default 32 : i64
  %rb = cfg.param reduction_loops[0] in #cfg.chunk<8, 128> default none
  %warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %c0 = arith.constant 0 : index
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  loop.launch %o0 = %c0 to %c100 step %bs0 warps %warps stages %stages {
    %t0 = loop.tile %o0 size %bs0 end %c100 : !tile.tile<0>
    %zero = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %acc = loop.reduce_for %ro = %c0 to %c70 step %rb iter_args(%a = %zero) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %rt = loop.tile %ro size %rb end %c70 : !tile.tile<1>
      %v = tile.load %x[%t0, %rt] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %s = arith.addf %a, %v : tensor<?x?xf32, #tile.blocks<0, 1>>
      loop.yield %s : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    %r = tile.reduce sum %acc dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    tile.store %r, %out[%t0] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<100xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @k(%x: memref<100x70xf32>, %out: memref<100xf32>) attributes {sources = ["x", "out"]} {
// CHECK:         loop.launch %o0 = %c0 to %c100 step %bs0 warps %warps stages %stages {
// CHECK-NEXT:      %t0 = loop.tile %o0 size %bs0 end %c100 : !tile.tile<0>
// CHECK-NEXT:      %zero = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %acc = loop.reduce_for %ro = %c0 to %c70 step %rb iter_args(%a = %zero) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
// CHECK-NEXT:        %rt = loop.tile %ro size %rb end %c70 : !tile.tile<1>
// CHECK-NEXT:        %v = tile.load %x[%t0, %rt] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:        %s = arith.addf %a, %v : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:        loop.yield %s : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      }
// CHECK-NEXT:      %r = tile.reduce sum %acc dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:      tile.store %r, %out[%t0] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<100xf32>[!tile.tile<0>]
// CHECK-NEXT:    }
// CHECK-NEXT:  }

// CHECK-GENERIC-LABEL: "tile.kernel"() <{sym_name = "k"
// CHECK-GENERIC:         "loop.launch"(%c0, %c100, %bs0, %warps, %stages) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> ({
// CHECK-GENERIC-NEXT:    ^bb0(%o0: index):
// CHECK-GENERIC-NEXT:      %t0 = "loop.tile"(%o0, %bs0, %c100) : (index, index, index) -> !tile.tile<0>
// CHECK-GENERIC-NEXT:      %zero = "tile.full"
// CHECK-GENERIC-NEXT:      %acc = "loop.reduce_for"(%c0, %c70, %rb, %zero) ({
// CHECK-GENERIC-NEXT:      ^bb0(%ro: index, %a: tensor<?x?xf32, #tile.blocks<0, 1>>):
// CHECK-GENERIC:             "loop.yield"(%s) : (tensor<?x?xf32, #tile.blocks<0, 1>>) -> ()
// CHECK-GENERIC-NEXT:      }) : (index, index, index, tensor<?x?xf32, #tile.blocks<0, 1>>) -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-GENERIC:           "loop.yield"() : () -> ()
// CHECK-GENERIC-NEXT:    }) : (index, index, index, index, index) -> ()

// -----

// A two-dimensional launch, a loop.for without carried values (implicit loop.yield),
// and one carrying two values.

tile.kernel @k2(%x: memref<100x70xf32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  loop.launch %o0 = %c0 to %c100 step %c16, %o1 = %c0 to %c70 step %c16 warps %c4 stages %c1 {
    %t0 = loop.tile %o0 size %c16 end %c100 : !tile.tile<0>
    loop.for %o2 = %c0 to %c70 step %c16 {
      %t2 = loop.tile %o2 size %c16 end %c70 : !tile.tile<2>
      %v = tile.load %x[%t0, %t2] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      tile.store %v, %x[%t0, %t2] {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 2>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>]
    }
    %i:2 = loop.for %o3 = %c0 to %c4 step %c1 iter_args(%p = %c0, %q = %c1) -> (index, index) {
      loop.yield %q, %p : index, index
    }
  }
}

// CHECK-LABEL: tile.kernel @k2
// CHECK:         loop.launch %o0 = %c0 to %c100 step %c16, %o1 = %c0 to %c70 step %c16 warps %c4 stages %c1 {
// CHECK-NEXT:      %t0 = loop.tile %o0 size %c16 end %c100 : !tile.tile<0>
// CHECK-NEXT:      loop.for %o2 = %c0 to %c70 step %c16 {
// CHECK-NEXT:        %t2 = loop.tile %o2 size %c16 end %c70 : !tile.tile<2>
// CHECK-NEXT:        %v = tile.load
// CHECK-NEXT:        tile.store
// CHECK-NEXT:      }
// CHECK-NEXT:      %i, %i_1 = loop.for %o3 = %c0 to %c4 step %c1 iter_args(%p = %c0, %q = %c1) -> (index, index) {
// CHECK-NEXT:        loop.yield %q, %p : index, index
// CHECK-NEXT:      }
// CHECK-NEXT:    }

// CHECK-GENERIC-LABEL: "tile.kernel"() <{sym_name = "k2"
// CHECK-GENERIC:         "loop.launch"(%c0, %c0, %c100, %c70, %c16, %c16, %c4, %c1) <{operandSegmentSizes = array<i32: 2, 2, 2, 1, 1>}> ({
// CHECK-GENERIC-NEXT:    ^bb0(%o0: index, %o1: index):
// CHECK-GENERIC:           "loop.for"(%c0, %c70, %c16) ({
// CHECK-GENERIC-NEXT:      ^bb0(%o2: index):
// CHECK-GENERIC:             "loop.yield"() : () -> ()
// CHECK-GENERIC-NEXT:      }) : (index, index, index) -> ()
// CHECK-GENERIC-NEXT:      %i, %i_1 = "loop.for"(%c0, %c4, %c1, %c0, %c1) ({
// CHECK-GENERIC-NEXT:      ^bb0(%o3: index, %p: index, %q: index):
// CHECK-GENERIC-NEXT:        "loop.yield"(%q, %p) : (index, index) -> ()
// CHECK-GENERIC-NEXT:      }) : (index, index, index, index, index) -> (index, index)
