// RUN: helion-opt %s -p materialize-addressing | filecheck %s

// A rank-3 row-major memref (strides [30, 6, 1]) accessed with scalar indices in two
// dims: every dim gets its stride, tiled or not, and mem_id is kept.

tile.kernel @row3(%x: memref<4x5x6xf16>) attributes {sources = ["x"]} {
  %zero = arith.constant 0 : index
  %one = arith.constant 1 : index
  %two = arith.constant 2 : index
  %eight = arith.constant 8 : index
  loop.launch %o = %zero to %two step %one warps %one stages %one {
    %t = loop.tile %o size %eight end %two : !tile.tile<0>
    %v = tile.load %x[%one, %t, %two] {mem_id = 0 : i64} : memref<4x5x6xf16>[index, !tile.tile<0>, index] -> tensor<?xf16, #tile.blocks<0>>
    tile.store %v, %x[%two, %t, %one] {mem_id = 1 : i64} : tensor<?xf16, #tile.blocks<0>>, memref<4x5x6xf16>[index, !tile.tile<0>, index]
  }
}

// CHECK-LABEL: tile.kernel @row3
// CHECK-DAG:     %[[S1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[S6:.*]] = arith.constant 6 : index
// CHECK-DAG:     %[[S30:.*]] = arith.constant 30 : index
// CHECK:         %t = loop.tile
// CHECK-NEXT:    %v = mem.load %x[%one, %t, %two] strides(%[[S30]], %[[S6]], %[[S1]]) {mem_id = 0 : i64{{.*}}} : memref<4x5x6xf16>[index, !tile.tile<0>, index] -> tensor<?xf16, #tile.blocks<0>>
// CHECK-NEXT:    mem.store %v, %x[%two, %t, %one] strides(%[[S30]], %[[S6]], %[[S1]]) {mem_id = 1 : i64{{.*}}}
