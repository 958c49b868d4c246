// RUN: helion-opt %s --split-input-file --parsing-diagnostics | filecheck %s

// Errors of the cfg dialect's custom syntax, each with its line and column.

// A slot's domain is a config domain attribute.

%p = cfg.param num_warps in 4 : i64 default 4 : i64

// CHECK:      parse-errors.mlir:7:29
// CHECK-NEXT: %p = cfg.param num_warps in 4 : i64 default 4 : i64
// CHECK-NEXT:                             ^
// CHECK-NEXT:                             expected a config domain such as #cfg.pow2<1, 64>

// -----

// A slot is `key[index] in <domain> default <value>`.

%p = cfg.param block_sizes[0] #cfg.pow2<1, 64> default 4 : i64

// CHECK:      parse-errors.mlir:18:31
// CHECK-NEXT: %p = cfg.param block_sizes[0] #cfg.pow2<1, 64> default 4 : i64
// CHECK-NEXT:                               ^^^^^^^^^
// CHECK-NEXT:                               Expected 'in'
