// RUN: helion-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Each verifier error of the cfg dialect, checked by its message. (Domain and default
// errors are found while parsing: parse-errors.mlir has them with line and column.)

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
