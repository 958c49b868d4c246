// RUN: not helion-opt %s 2>&1 | filecheck %s
// RUN: not helion-opt %s -t triton 2>&1 | filecheck %s

// Malformed input is reported as one diagnostic on stderr naming file, line and column,
// with the offending source line and a caret, and exit status 1 (`not` checks that);
// never a Python traceback.

tile.kernel @k(%x: memref<8xf32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  tile.grid %t = %c0 to %c8 : !tile.tile<0> {
    %v = tile.load %x[%t] {mem_id = 0 : i64} : memref<8xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    %w = tile.frobnicate %v : tensor<?xf32, #tile.blocks<0>>
  }
}

// CHECK-NOT:  Traceback
// CHECK:      helion-opt: error: {{.*}}malformed.mlir:13:26
// CHECK-NEXT:     %w = tile.frobnicate %v : tensor<?xf32, #tile.blocks<0>>
// CHECK-NEXT:                          ^^
// CHECK-NEXT:                          Operation tile.frobnicate is not registered
// CHECK-NOT:  Traceback
