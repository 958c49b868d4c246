// RUN: helion-opt %s --split-input-file -p roll-reductions | filecheck %s

// An atomic over a `:` dim whose old values feed a later reduction stage would be
// repeated by that stage's loop: the dim stays persistent, with no config slot.

tile.kernel @used(%x: memref<8x100xf32>, %acc: memref<8x100xf32>, %out: memref<8xf32>) attributes {sources = ["x", "acc", "out"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  tile.grid %row = %c0 to %c8 : !tile.tile<0> {
    %cols = tile.rdim %c100 : !tile.tile<1>
    %v = tile.load %x[%row, %cols] {mem_id = 0 : i64} : memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %old = tile.atomic add %v, %acc[%row, %cols] {mem_id = 1 : i64, sem = "relaxed"} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %s = tile.reduce sum %old dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    tile.store %s, %out[%row] {mem_id = 2 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @used
// CHECK-NOT:     cfg.param
// CHECK:         %cols = loop.tile
// CHECK-NOT:     loop.reduce_for

// -----

// An atomic whose old values go unused rolls like a store: once per chunk.

tile.kernel @unused(%x: memref<8x100xf32>, %acc: memref<8x100xf32>) attributes {sources = ["x", "acc"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  tile.grid %row = %c0 to %c8 : !tile.tile<0> {
    %cols = tile.rdim %c100 : !tile.tile<1>
    %v = tile.load %x[%row, %cols] {mem_id = 0 : i64} : memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %old = tile.atomic add %v, %acc[%row, %cols] {mem_id = 1 : i64, sem = "relaxed"} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
  }
}

// CHECK-LABEL: tile.kernel @unused
// CHECK:         %rblock.1 = cfg.param reduction_loops[0]
// CHECK:         loop.reduce_for %roffset.1 = %{{.*}} to %c100 step %rblock.1 {
// CHECK-NEXT:      %rtile.1 = loop.tile %roffset.1 size %rblock.1 end %c100 : !tile.tile<1>
// CHECK-NEXT:      %v = tile.load %x[%row, %rtile.1]
// CHECK-NEXT:      %old = tile.atomic add %v, %acc[%row, %rtile.1]
// CHECK-NEXT:    }
