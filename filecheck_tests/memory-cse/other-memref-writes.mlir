// RUN: helion-opt %s -p memory-cse | filecheck %s

// Two copies of one read (mem_id 0) merge across a store to another memref (%stat):
// rolling moved that store before the copy, and the kernel as written read once. A
// store to the memref read (%x) stops the merge (%again is reloaded), and so does an
// op with regions that may write (%after_loop is reloaded).

tile.kernel @stats(%x: memref<64xf32>, %stat: memref<64xf32>, %out: memref<64xf32>) attributes {sources = ["x", "stat", "out"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  loop.launch %o = %c0 to %c64 step %c16 warps %c1 stages %c1 {
    %t = loop.tile %o size %c16 end %c64 : !tile.tile<0>
    %a = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    mem.store %a, %stat[%t] strides(%c1) {mem_id = 3 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
    %b = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %sum = arith.addf %a, %b : tensor<?xf32, #tile.blocks<0>>
    mem.store %sum, %x[%t] strides(%c1) {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
    %again = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    loop.for %i = %c0 to %c1 step %c1 {
      mem.store %again, %out[%t] strides(%c1) {mem_id = 2 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
    }
    %after_loop = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    mem.store %after_loop, %out[%t] strides(%c1) {mem_id = 4 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @stats
// CHECK:         %a = mem.load %x[%t]
// CHECK-NEXT:    mem.store %a, %stat[%t]
// CHECK-NEXT:    %sum = arith.addf %a, %a
// CHECK-NEXT:    mem.store %sum, %x[%t]
// CHECK-NEXT:    %again = mem.load %x[%t]
// CHECK-NEXT:    loop.for
// CHECK-NEXT:      mem.store %again, %out[%t]
// CHECK:         %after_loop = mem.load %x[%t]
// CHECK-NEXT:    mem.store %after_loop, %out[%t]
