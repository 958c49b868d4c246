// RUN: not helion-opt %s --device cuda:abc -t triton 2>&1 | filecheck %s
// RUN: not helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions,convert-tile-to-loop,materialize-addressing,derive-config-space --device cuda:abc -t triton 2>&1 | filecheck %s
// RUN: not helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions,convert-tile-to-loop,materialize-addressing,derive-config-space --device cuda:90 --print-config-space 2>&1 | filecheck %s --check-prefix=SHORT
// RUN: not helion-opt %s --device gpu 2>&1 | filecheck %s --check-prefix=PLAIN

// A malformed --device is an error whatever the input's stage, also where nothing
// would read it (a module already past the passes that take the target).

tile.kernel @k(%x: memref<8xf32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  tile.grid %t = %c0 to %c8 : !tile.tile<0> {
    %v = tile.load %x[%t] {mem_id = 0 : i64} : memref<8xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    tile.store %v, %x[%t] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
  }
}

// CHECK:     helion-opt: error: unknown target 'cuda:abc': use 'cpu' or 'cuda:<capability>:<sms>', optionally followed by ':no-block-ptr', then ':no-gluon'
// CHECK-NOT: import triton

// SHORT:     helion-opt: error: unknown target 'cuda:90'

// PLAIN:     helion-opt: error: unknown target 'gpu'
