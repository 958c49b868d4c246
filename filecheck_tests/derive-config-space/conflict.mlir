// RUN: not helion-opt %s -p derive-config-space 2>&1 | filecheck %s

// One slot declared with two different domains is an error naming the slot and both
// declarations.

tile.kernel @k(%x: memref<8xf32>) attributes {sources = ["x"]} {
  %a = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %b = cfg.param num_stages in #cfg.pow2<1, 8> default 1 : i64
}

// CHECK: helion-opt: error: config slot num_stages is declared twice, differently: #cfg.ref<num_stages in #cfg.int<1, 8> default 1 : i64> and #cfg.ref<num_stages in #cfg.pow2<1, 8> default 1 : i64>

