// RUN: helion-opt %s -p roll-reductions | filecheck %s

// A `:` dim that a tile.dot contracts over cannot be rolled: it stays persistent, one
// loop.tile of the padded extent (70 -> 128) at offset 0, and gets no config slot.

tile.kernel @mm_full_k(%x: memref<100x70xf32>, %y: memref<70x50xf32>, %out: memref<100x50xf32>) attributes {sources = ["x", "y", "out"]} {
  %c0 = arith.constant 0 : index
  %c50 = arith.constant 50 : index
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  tile.grid %tm = %c0 to %c100, %tn = %c0 to %c50 : !tile.tile<0>, !tile.tile<1> {
    %k = tile.rdim %c70 : !tile.tile<2>
    %lhs = tile.load %x[%tm, %k] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
    %rhs = tile.load %y[%k, %tn] {mem_id = 1 : i64} : memref<70x50xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
    %d = tile.dot %lhs, %rhs : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %d, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x50xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @mm_full_k
// CHECK-NOT:     cfg.param
// CHECK:         tile.grid %tm = %c0 to %c100, %tn = %c0 to %c50 : !tile.tile<0>, !tile.tile<1> {
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[PAD:.*]] = arith.constant 128 : index
// CHECK-NEXT:      %k = loop.tile %[[ZERO]] size %[[PAD]] end %c70 : !tile.tile<2>
// CHECK-NEXT:      %lhs = tile.load %x[%tm, %k]
// CHECK-NEXT:      %rhs = tile.load %y[%k, %tn]
// CHECK-NEXT:      %d = tile.dot %lhs, %rhs
// CHECK-NEXT:      tile.store %d, %out[%tm, %tn]
// CHECK-NEXT:    }
// CHECK-NOT:     loop.reduce_for
