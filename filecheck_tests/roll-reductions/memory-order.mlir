// RUN: helion-opt %s -p roll-reductions | filecheck %s

// y's row is read, then overwritten, then the old value is used after a reduction.
// Rolled, the stage after the reduction would read y again, after the first stage
// overwrote it: the dim stays persistent, one loop.tile, and no reduction_loops slot.

tile.kernel @overwrite(%x: memref<8x70xf32>, %y: memref<8x70xf32>, %out: memref<8x70xf32>) attributes {sources = ["x", "y", "out"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c70 = arith.constant 70 : index
  tile.grid %rows = %c0 to %c8 : !tile.tile<0> {
    %cols = tile.rdim %c70 : !tile.tile<1>
    %a = tile.load %x[%rows, %cols] {mem_id = 0 : i64} : memref<8x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %old = tile.load %y[%rows, %cols] {mem_id = 1 : i64} : memref<8x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %twice = arith.addf %a, %a : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %twice, %y[%rows, %cols] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<8x70xf32>[!tile.tile<0>, !tile.tile<1>]
    %s = tile.reduce sum %a dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %sb = tile.broadcast %s : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %r = arith.addf %old, %sb : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %r, %out[%rows, %cols] {mem_id = 3 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<8x70xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @overwrite
// CHECK-NOT:     reduction_loops
// CHECK-NOT:     loop.reduce_for
// CHECK:         %cols = loop.tile
// CHECK-NEXT:    %a = tile.load %x
// CHECK-NEXT:    %old = tile.load %y
// CHECK-NEXT:    %twice = arith.addf
// CHECK-NEXT:    tile.store %twice, %y
// CHECK:         tile.store %r, %out
// CHECK-NOT:     loop.reduce_for
