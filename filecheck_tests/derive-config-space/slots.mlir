// RUN: helion-opt %s -p derive-config-space | filecheck %s

// A previous cfg.space is replaced, not merged (its stale slot disappears). A slot used
// twice is listed once; a slot named by a #cfg.ref attribute is owned by the op that
// carries it; an unused param's owner is "unused"; keys Helion does not know (user
// tunables) come last.

cfg.space {
  cfg.slot stale in #cfg.int<0, 1> default 0 : i64 owner "gone"
}
tile.kernel @k(%x: memref<8xf32>) attributes {sources = ["x"]} {
  %w = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %u = cfg.param my_knob in #cfg.int<0, 3> default 1 : i64
  %b = cfg.param block_sizes[0] in #cfg.pow2<1, 8> default 8 : i64
  %b_again = cfg.param block_sizes[0] in #cfg.pow2<1, 8> default 8 : i64
  "test.op"(%w, %b) {policy = #cfg.ref<load_eviction_policies[0] in #cfg.int<0, 2> default 0 : i64>} : (index, index) -> ()
}

// CHECK:      builtin.module {
// CHECK-NEXT:   cfg.space {
// CHECK-NEXT:     cfg.slot block_sizes[0] in #cfg.pow2<1, 8> default 8 : i64 owner "test.op{{( \(.*\))?}}"
// CHECK-NEXT:     cfg.slot num_warps in #cfg.pow2<1, 32> default 4 : i64 owner "test.op{{( \(.*\))?}}"
// CHECK-NEXT:     cfg.slot load_eviction_policies[0] in #cfg.int<0, 2> default 0 : i64 owner "test.op{{( \(.*\))?}}"
// CHECK-NEXT:     cfg.slot my_knob in #cfg.int<0, 3> default 1 : i64 owner "unused"
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.kernel @k
// CHECK-NOT:    stale
// CHECK-NOT:    cfg.space
