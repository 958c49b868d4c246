// RUN: helion-opt %s --split-input-file --parsing-diagnostics | filecheck %s

// Errors of the loop dialect's custom syntax, each with its line and column.

// loop.for and loop.reduce_for have one induction variable.

%c0 = "test.op"() : () -> index
loop.for %a = %c0 to %c0 step %c0, %b = %c0 to %c0 step %c0 {
}

// CHECK:      parse-errors.mlir:8:61
// CHECK-NEXT: loop.for %a = %c0 to %c0 step %c0, %b = %c0 to %c0 step %c0 {
// CHECK-NEXT:                                                             ^
// CHECK-NEXT:                                                             loop.for has exactly one induction variable

// -----

// loop.launch steps every dimension.

%c0 = "test.op"() : () -> index
loop.launch %o = %c0 to %c0 warps %c0 stages %c0 {
}

// CHECK:      parse-errors.mlir:21:29
// CHECK-NEXT: loop.launch %o = %c0 to %c0 warps %c0 stages %c0 {
// CHECK-NEXT:                             ^^^^^
// CHECK-NEXT:                             Expected 'step'
