// RUN: helion-opt %s --split-input-file --parsing-diagnostics | filecheck %s

// Errors of the tile dialect's custom syntax, each with its line and column.

// One handle type per loop dimension.

%c0 = "test.op"() : () -> index
tile.grid %a = %c0 to %c0, %b = %c0 to %c0 : !tile.tile<0> {
}

// CHECK:      parse-errors.mlir:8:60
// CHECK-NEXT: tile.grid %a = %c0 to %c0, %b = %c0 to %c0 : !tile.tile<0> {
// CHECK-NEXT:                                                            ^
// CHECK-NEXT:                                                            expected 2 handle types

// -----

// One type per iter_args value.

%c0 = "test.op"() : () -> index
%f = "test.op"() : () -> f32
%r = tile.for %t = %c0 to %c0 : !tile.tile<0> iter_args(%a = %f) -> (f32, f32) {
  tile.yield %a : f32
}

// CHECK:      parse-errors.mlir:22:56
// CHECK-NEXT: %r = tile.for %t = %c0 to %c0 : !tile.tile<0> iter_args(%a = %f) -> (f32, f32) {
// CHECK-NEXT:                                                        ^^^^^^^^^^^^^^^^^^^^^^^^
// CHECK-NEXT:                                                        expected 1 iter_args types, got 2

// -----

// A tile block id is an integer.

%n = "test.op"() : () -> index
%r = tile.rdim %n : !tile.tile<one>

// CHECK:      parse-errors.mlir:36:32
// CHECK-NEXT: %r = tile.rdim %n : !tile.tile<one>
// CHECK-NEXT:                                ^^^
// CHECK-NEXT:                                Expected integer literal

// -----

// A kernel names the host source of each argument.

tile.kernel @k(%x: memref<4xf32>) {
  "test.op"() : () -> ()
}

// CHECK:      tile.kernel needs `attributes {sources = [...]}`
