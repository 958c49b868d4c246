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

// -----

// A domain is a non-empty range.

%p = cfg.param block_sizes[0] in #cfg.pow2<64, 16> default 32 : i64

// CHECK:      parse-errors.mlir:{{[0-9]+}}:{{[0-9]+}}
// CHECK:      cfg.pow2: empty range [64, 16]


// -----

// The default of a pow2 slot is a power of two in range...

%p = cfg.param block_sizes[0] in #cfg.pow2<1, 64> default 3 : i64

// CHECK:      parse-errors.mlir:{{[0-9]+}}:{{[0-9]+}}
// CHECK:      default 3 is not a power of two in [1, 64]


// -----

// ... the default of an int slot is in range...

%p = cfg.param num_stages in #cfg.int<1, 8> default 9 : i64

// CHECK:      parse-errors.mlir:{{[0-9]+}}:{{[0-9]+}}
// CHECK:      default 9 is not an integer in [1, 8]


// -----

// ... the default of a chunk slot is none or a power of two below the extent...

%p = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default 512 : i64

// CHECK:      parse-errors.mlir:{{[0-9]+}}:{{[0-9]+}}
// CHECK:      default 512 is not None or a power of two in [8, 512)


// -----

// ... also in the attribute form ...

"test.op"() {slot = #cfg.ref<num_warps in #cfg.pow2<1, 32> default 64 : i64>} : () -> ()

// CHECK:      parse-errors.mlir:{{[0-9]+}}:{{[0-9]+}}
// CHECK:      default 64 is not a power of two in [1, 32]


// -----

// ... and a default is a config value at all.

%p = cfg.param num_stages in #cfg.int<1, 8> default 1.5 : f32

// CHECK:      parse-errors.mlir:{{[0-9]+}}:{{[0-9]+}}
// CHECK:      not a config value: 1.500000e+00 : f32
