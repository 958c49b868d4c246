// RUN: helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions --print-ir-after-all -o /dev/null 2>&1 | filecheck %s
// RUN: helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions --print-ir-after-all 2>/dev/null | filecheck %s --check-prefix=STDOUT

// --print-ir-after-all prints the IR after every pass, each under a header naming the
// pass, to stderr; stdout keeps only the final IR.

tile.kernel @row_sum(%x: memref<64x500xf32>, %out: memref<64xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c500 = arith.constant 500 : index
  tile.grid %rows = %c0 to %c64 : !tile.tile<0> {
    %cols = tile.rdim %c500 : !tile.tile<1>
    %v = tile.load %x[%rows, %cols] {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %s = tile.reduce sum %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    tile.store %s, %out[%rows] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<64xf32>[!tile.tile<0>]
  }
}

// The mask inserted before the sum...
// CHECK:      // -----// IR Dump After tile-insert-masks //----- //
// CHECK-NEXT: builtin.module {
// CHECK-NEXT:   tile.kernel @row_sum
// CHECK:          %v = tile.load %x[%rows, %cols]
// CHECK-NEXT:     %[[M:.*]] = tile.mask %v by %cols fill 0.000000e+00 : f32
// CHECK-NEXT:     %s = tile.reduce sum %[[M]] dims [1]

// ... is pruned (the load is zero-padded already)...
// CHECK:      // -----// IR Dump After tile-prune-masks //----- //
// CHECK-NEXT: builtin.module {
// CHECK-NOT:  tile.mask
// CHECK:          %s = tile.reduce sum %v dims [1]

// ... and the `:` dim is rolled.
// CHECK:      // -----// IR Dump After roll-reductions //----- //
// CHECK-NEXT: builtin.module {
// CHECK-NEXT:   tile.kernel @row_sum
// CHECK-NEXT:     %{{.*}} = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default none
// CHECK:          loop.reduce_for
// CHECK-NOT:  IR Dump After

// STDOUT-NOT:  IR Dump After
// STDOUT:      builtin.module {
// STDOUT-NEXT:   tile.kernel @row_sum
// STDOUT-NEXT:     cfg.param reduction_loops[0]
// STDOUT:          loop.reduce_for
// STDOUT-NOT:  IR Dump After
