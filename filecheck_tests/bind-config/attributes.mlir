// RUN: helion-opt %s --allow-unregistered-dialect -p 'bind-config{config="{\"my_knob\": 2}"}' | filecheck %s

// Slots used as discardable attributes are bound like properties and params.

"test.op"() {knob = #cfg.ref<my_knob in #cfg.int<0, 3> default 1 : i64>} : () -> ()

// CHECK: "test.op"() {knob = 2 : i64} : () -> ()
// CHECK-NOT: cfg.
