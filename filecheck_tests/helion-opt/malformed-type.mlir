// RUN: not helion-opt %s 2>&1 | filecheck %s

// A malformed dialect type parameter points at the parameter.

tile.kernel @k(%x: memref<8xf32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  tile.grid %t = %c0 to %c8 : !tile.tile<zero> {
  }
}

// CHECK:      helion-opt: error: {{.*}}malformed-type.mlir:8:42
// CHECK-NEXT:   tile.grid %t = %c0 to %c8 : !tile.tile<zero> {
// CHECK-NEXT:                                          ^^^^
// CHECK-NEXT:                                          Expected integer literal
