// RUN: helion-opt %s -p fold-single-trip-loops | filecheck %s

// Trip counts: 0 (%none: replaced by its init), 1 (%once: inlined with the offset set
// to the lower bound), 2 (%twice: kept) and unknown (%dyn: kept).

tile.kernel @trips(%x: memref<16xf32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %init = arith.constant 5 : index
  loop.launch %o = %c0 to %c16 step %c16 warps %c1 stages %c1 {
    %none = loop.for %i = %c16 to %c0 step %c8 iter_args(%a = %init) -> (index) {
      %a1 = arith.addi %a, %i : index
      loop.yield %a1 : index
    }
    %once = loop.for %i = %c8 to %c16 step %c8 iter_args(%a = %none) -> (index) {
      %a1 = arith.addi %a, %i : index
      loop.yield %a1 : index
    }
    %twice = loop.for %i = %c0 to %c16 step %c8 iter_args(%a = %once) -> (index) {
      %a1 = arith.addi %a, %i : index
      loop.yield %a1 : index
    }
    %dyn = loop.for %i = %c0 to %twice step %c16 iter_args(%a = %twice) -> (index) {
      loop.yield %a : index
    }
    %t = loop.tile %o size %dyn end %c16 : !tile.tile<0>
  }
}

// CHECK-LABEL: tile.kernel @trips
// CHECK:         loop.launch %o = %c0 to %c16 step %c16 warps %c1 stages %c1 {
// CHECK-NEXT:      %[[ONCE:.*]] = arith.addi %init, %c8 : index
// CHECK-NEXT:      %twice = loop.for %i = %c0 to %c16 step %c8 iter_args(%a = %[[ONCE]]) -> (index) {
// CHECK-NEXT:        %[[NEXT:.*]] = arith.addi %a, %i : index
// CHECK-NEXT:        loop.yield %[[NEXT]] : index
// CHECK-NEXT:      }
// CHECK-NEXT:      %dyn = loop.for %{{.*}} = %c0 to %twice step %c16 iter_args(%[[A:.*]] = %twice) -> (index) {
// CHECK-NEXT:        loop.yield %[[A]] : index
// CHECK-NEXT:      }
// CHECK-NEXT:      %t = loop.tile %o size %dyn end %c16 : !tile.tile<0>
// CHECK-NEXT:    }
