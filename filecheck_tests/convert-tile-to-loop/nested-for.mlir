// RUN: helion-opt %s -p convert-tile-to-loop | filecheck %s

// A two-dimensional tile.for becomes two nested loop.for ops, both carrying the
// accumulator; the loop.tile ops of both dims sit in the innermost body. A 1-D grid
// gets a default block of 64 (all of the extent, under the 1024-element budget); the
// nested loops share the budget with the dims around them (3 in scope: 8 each).

tile.kernel @sum2d(%x: memref<64x48x40xf32>, %out: memref<64xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c40 = arith.constant 40 : index
  %c48 = arith.constant 48 : index
  %c64 = arith.constant 64 : index
  tile.grid %ti = %c0 to %c64 : !tile.tile<0> {
    %zero = tile.full 0.000000e+00 : f32 : tensor<?xf32, #tile.blocks<0>>
    %total = tile.for %tj = %c0 to %c48, %tk = %c0 to %c40 : !tile.tile<1>, !tile.tile<2> iter_args(%acc = %zero) -> (tensor<?xf32, #tile.blocks<0>>) {
      %v = tile.load %x[%ti, %tj, %tk] {mem_id = 0 : i64} : memref<64x48x40xf32>[!tile.tile<0>, !tile.tile<1>, !tile.tile<2>] -> tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
      %s = tile.reduce sum %v dims [1, 2] : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>> -> tensor<?xf32, #tile.blocks<0>>
      %next = arith.addf %acc, %s : tensor<?xf32, #tile.blocks<0>>
      tile.yield %next : tensor<?xf32, #tile.blocks<0>>
    }
    tile.store %total, %out[%ti] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @sum2d
// CHECK-NEXT:    %[[B0:.*]] = cfg.param block_sizes[0] in #cfg.pow2<1, 64> default 64 : i64
// CHECK-NEXT:    %[[B1:.*]] = cfg.param block_sizes[1] in #cfg.pow2<1, 64> default 8 : i64
// CHECK-NEXT:    %[[B2:.*]] = cfg.param block_sizes[2] in #cfg.pow2<1, 64> default 8 : i64
// CHECK:         loop.launch %[[O0:.*]] = %c0 to %c64 step %[[B0]] warps
// CHECK-NEXT:      %ti = loop.tile %[[O0]] size %[[B0]] end %c64 : !tile.tile<0>
// CHECK-NEXT:      %zero = tile.full
// CHECK-NEXT:      %total = loop.for %[[O1:.*]] = %c0 to %c48 step %[[B1]] iter_args(%[[OUTER:.*]] = %zero) -> (tensor<?xf32, #tile.blocks<0>>) {
// CHECK-NEXT:        %[[INNER:.*]] = loop.for %[[O2:.*]] = %c0 to %c40 step %[[B2]] iter_args(%acc = %[[OUTER]]) -> (tensor<?xf32, #tile.blocks<0>>) {
// CHECK-NEXT:          %tj = loop.tile %[[O1]] size %[[B1]] end %c48 : !tile.tile<1>
// CHECK-NEXT:          %tk = loop.tile %[[O2]] size %[[B2]] end %c40 : !tile.tile<2>
// CHECK-NEXT:          %v = tile.load %x[%ti, %tj, %tk]
// CHECK-NEXT:          %s = tile.reduce sum %v dims [1, 2]
// CHECK-NEXT:          %next = arith.addf %acc, %s
// CHECK-NEXT:          loop.yield %next : tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:        }
// CHECK-NEXT:        loop.yield %[[INNER]] : tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:      }
// CHECK-NEXT:      tile.store %total, %out[%ti]
