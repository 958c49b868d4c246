// RUN: helion-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Each verifier error of the cfg dialect, checked by its message. Domain and default
// errors are attribute errors: they are reported while parsing, as the message alone.

// A domain is a non-empty range.

%p = cfg.param block_sizes[0] in #cfg.pow2<64, 16> default 32 : i64

// CHECK:      {{^}}cfg.pow2: empty range

// -----

// The default of a pow2 slot is a power of two in range...

%p = cfg.param block_sizes[0] in #cfg.pow2<1, 64> default 3 : i64

// CHECK:      {{^}}config slot block_sizes[0]: default 3 is not a power of two in [1, 64]

// -----

// ... the default of an int slot is in range...

%p = cfg.param num_stages in #cfg.int<1, 8> default 9 : i64

// CHECK:      {{^}}config slot num_stages: default 9 is not an integer in [1, 8]

// -----

// ... the default of a chunk slot is none or a power of two...

%p = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default 12 : i64

// CHECK:      {{^}}config slot reduction_loops[0]: default 12 is not None or a power of two in [8, 512)

// -----

// ... also in the attribute form ...

"test.op"() {slot = #cfg.ref<num_warps in #cfg.pow2<1, 32> default 64 : i64>} : () -> ()

// CHECK:      {{^}}config slot num_warps: default 64 is not a power of two in [1, 32]

// -----

// ... and a default is a config value at all.

%p = cfg.param num_stages in #cfg.int<1, 8> default 1.5 : f32

// CHECK:      {{^}}not a config value: 1.500000e+00 : f32

// -----

// cfg.param is an index.

%p = "cfg.param"() <{slot = #cfg.ref<num_warps in #cfg.pow2<1, 32> default 4 : i64>}> : () -> i32

// CHECK:      {{^}}result 'result' at position 0 does not verify:
// CHECK-NEXT: i32 should be of base attribute index

// -----

// A space lists each slot once.

cfg.space {
  cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "a"
  cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "b"
}

// CHECK:      {{^}}cfg.space lists num_warps twice
// CHECK-NEXT: "builtin.module"() ({

// -----

// A space holds only slots.

cfg.space {
  %p = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
}

// CHECK:      {{^}}cfg.space holds only cfg.slot ops
// CHECK-NEXT: "builtin.module"() ({
