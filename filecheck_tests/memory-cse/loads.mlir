// RUN: helion-opt %s -p memory-cse | filecheck %s

// Repeated loads of one access merge (%b into %a) while no write comes between; a
// load with another mem_id is another access; a store ends the merging (%c is
// reloaded), after which repeats merge again (%d into %c). Pure ops merge everywhere,
// nested regions included (%t_inner into %t), but a nested region does not reuse the
// loads of the region around it (%e stays).

tile.kernel @cse(%x: memref<64xf32>, %out: memref<64xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c0_again = arith.constant 0 : index
  loop.launch %o = %c0 to %c64 step %c16 warps %c1 stages %c1 {
    %t = loop.tile %o size %c16 end %c64 : !tile.tile<0>
    %t_again = loop.tile %o size %c16 end %c64 : !tile.tile<0>
    %a = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %b = mem.load %x[%t_again] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %other_id = mem.load %x[%t] strides(%c1) {mem_id = 5 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %sum = arith.addf %a, %b : tensor<?xf32, #tile.blocks<0>>
    %sum_again = arith.addf %a, %b : tensor<?xf32, #tile.blocks<0>>
    mem.store %sum, %x[%t] strides(%c1) {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
    %c = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %d = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %r = loop.for %i = %c0 to %c2 step %c1 iter_args(%acc = %c) -> (tensor<?xf32, #tile.blocks<0>>) {
      %t_inner = loop.tile %o size %c16 end %c64 : !tile.tile<0>
      %e = mem.load %x[%t_inner] strides(%c1) {mem_id = 0 : i64} : memref<64xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
      %f = arith.addf %acc, %e : tensor<?xf32, #tile.blocks<0>>
      loop.yield %f : tensor<?xf32, #tile.blocks<0>>
    }
    %g = arith.addf %sum_again, %d : tensor<?xf32, #tile.blocks<0>>
    %h = arith.addf %g, %other_id : tensor<?xf32, #tile.blocks<0>>
    %k = arith.addf %h, %r : tensor<?xf32, #tile.blocks<0>>
    mem.store %k, %out[%t] strides(%c1) {mem_id = 2 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @cse
// CHECK:         %c64 = arith.constant 64 : index
// CHECK-NEXT:    loop.launch %o = %c0 to %c64 step %c16 warps %c1 stages %c1 {
// CHECK-NEXT:      %t = loop.tile %o size %c16 end %c64 : !tile.tile<0>
// CHECK-NEXT:      %a = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64{{.*}}}
// CHECK-NEXT:      %other_id = mem.load %x[%t] strides(%c1) {mem_id = 5 : i64{{.*}}}
// CHECK-NEXT:      %sum = arith.addf %a, %a
// CHECK-NEXT:      mem.store %sum, %x[%t] strides(%c1) {mem_id = 1 : i64{{.*}}}
// CHECK-NEXT:      %c = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64{{.*}}}
// CHECK-NEXT:      %r = loop.for %i = %c0 to %c2 step %c1 iter_args(%acc = %c)
// CHECK-NEXT:        %e = mem.load %x[%t] strides(%c1) {mem_id = 0 : i64{{.*}}}
// CHECK-NEXT:        %f = arith.addf %acc, %e
// CHECK-NEXT:        loop.yield %f
// CHECK-NEXT:      }
// CHECK-NEXT:      %g = arith.addf %sum, %c
// CHECK-NEXT:      %h = arith.addf %g, %other_id
// CHECK-NEXT:      %k = arith.addf %h, %r
// CHECK-NEXT:      mem.store %k, %out[%t]
// CHECK-NOT:     %c0_again
// CHECK-NOT:     %t_again
// CHECK-NOT:     %sum_again
