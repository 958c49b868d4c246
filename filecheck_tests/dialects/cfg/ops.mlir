// RUN: HELION_ROUNDTRIP
// RUN: HELION_GENERIC_ROUNDTRIP

// cfg.space/cfg.slot (the search space), cfg.param (a slot as an SSA value) and the
// #cfg.ref attribute with each domain: pow2, int and chunk (whose default may be none).

cfg.space {
  cfg.slot block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64 owner "loop.launch at line 24"
  cfg.slot reduction_loops[0] in #cfg.chunk<8, 512> default none owner "loop.reduce_for"
  cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch"
  cfg.slot indexing in #cfg.int<0, 2> default 0 : i64 owner "unused" {note = "extra"}
}
%bs = cfg.param block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64
%rl = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default 64 : i64
%rn = cfg.param reduction_loops[1] in #cfg.chunk<8, 64> default none
%ns = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64 {tag}
"test.op"() {slot = #cfg.ref<load_eviction_policies[1] in #cfg.int<0, 3> default 2 : i64>} : () -> ()

// CHECK:      builtin.module {
// CHECK-NEXT:   cfg.space {
// CHECK-NEXT:     cfg.slot block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64 owner "loop.launch at line 24"
// CHECK-NEXT:     cfg.slot reduction_loops[0] in #cfg.chunk<8, 512> default none owner "loop.reduce_for"
// CHECK-NEXT:     cfg.slot num_stages in #cfg.int<1, 8> default 1 : i64 owner "loop.launch"
// CHECK-NEXT:     cfg.slot indexing in #cfg.int<0, 2> default 0 : i64 owner "unused" {note = "extra"}
// CHECK-NEXT:   }
// CHECK-NEXT:   %bs = cfg.param block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64
// CHECK-NEXT:   %rl = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default 64 : i64
// CHECK-NEXT:   %rn = cfg.param reduction_loops[1] in #cfg.chunk<8, 64> default none
// CHECK-NEXT:   %ns = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64 {tag}
// CHECK-NEXT:   "test.op"() {slot = #cfg.ref<load_eviction_policies[1] in #cfg.int<0, 3> default 2 : i64>} : () -> ()
// CHECK-NEXT: }

// CHECK-GENERIC:      "cfg.space"() ({
// CHECK-GENERIC-NEXT:   "cfg.slot"() <{slot = #cfg.ref<block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64>, owner = "loop.launch at line 24"}> : () -> ()
// CHECK-GENERIC-NEXT:   "cfg.slot"() <{slot = #cfg.ref<reduction_loops[0] in #cfg.chunk<8, 512> default none>, owner = "loop.reduce_for"}> : () -> ()
// CHECK-GENERIC-NEXT:   "cfg.slot"() <{slot = #cfg.ref<num_stages in #cfg.int<1, 8> default 1 : i64>, owner = "loop.launch"}> : () -> ()
// CHECK-GENERIC-NEXT:   "cfg.slot"() <{slot = #cfg.ref<indexing in #cfg.int<0, 2> default 0 : i64>, owner = "unused"}> {note = "extra"} : () -> ()
// CHECK-GENERIC-NEXT: }) : () -> ()
// CHECK-GENERIC-NEXT: %bs = "cfg.param"() <{slot = #cfg.ref<block_sizes[0] in #cfg.pow2<16, 128> default 32 : i64>}> : () -> index
// CHECK-GENERIC-NEXT: %rl = "cfg.param"() <{slot = #cfg.ref<reduction_loops[0] in #cfg.chunk<8, 512> default 64 : i64>}> : () -> index
// CHECK-GENERIC-NEXT: %rn = "cfg.param"() <{slot = #cfg.ref<reduction_loops[1] in #cfg.chunk<8, 64> default none>}> : () -> index
// CHECK-GENERIC-NEXT: %ns = "cfg.param"() <{slot = #cfg.ref<num_stages in #cfg.int<1, 8> default 1 : i64>}> {tag} : () -> index

// -----

// An empty space (what derive-config-space gives for a module without tunables) keeps
// its explicit empty block.

cfg.space {
^bb0:
}

// CHECK:      builtin.module {
// CHECK-NEXT:   cfg.space {
// CHECK-NEXT:   ^bb0:
// CHECK-NEXT:   }
// CHECK-NEXT: }

// CHECK-GENERIC:      "cfg.space"() ({
// CHECK-GENERIC-NEXT: ^bb0:
// CHECK-GENERIC-NEXT: }) : () -> ()
