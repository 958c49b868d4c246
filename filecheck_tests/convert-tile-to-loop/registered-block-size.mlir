// RUN: helion-opt %s -p convert-tile-to-loop | filecheck %s

// `block_sizes` entry -(k + 1) means registered block size k (bounds in the kernel's
// block_size_vars, capped at what its largest loop needs): one slot, listed first,
// shared by the grid's first dim and the inner loop; the grid's second dim gets the
// next slot.

tile.kernel @shared(%x: memref<20x30xf32>, %out: memref<20x30xf32>) attributes {sources = ["x", "out"], block_size_vars = array<i64: 4, 64>} {
  %c0 = arith.constant 0 : index
  %c20 = arith.constant 20 : index
  %c30 = arith.constant 30 : index
  tile.grid %tm = %c0 to %c20, %tn = %c0 to %c30 : !tile.tile<0>, !tile.tile<1> {
    %zero = tile.full 0.000000e+00 : f32 : tensor<?xf32, #tile.blocks<0>>
    %acc = tile.for %tk = %c0 to %c30 : !tile.tile<2> iter_args(%a = %zero) -> (tensor<?xf32, #tile.blocks<0>>) {
      %v = tile.load %x[%tm, %tk] {mem_id = 0 : i64} : memref<20x30xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      %s = tile.reduce sum %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 2>> -> tensor<?xf32, #tile.blocks<0>>
      %n = arith.addf %a, %s : tensor<?xf32, #tile.blocks<0>>
      tile.yield %n : tensor<?xf32, #tile.blocks<0>>
    } {block_sizes = array<i64: -1>}
    %w = tile.load %x[%tm, %tn] {mem_id = 1 : i64} : memref<20x30xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %w, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<20x30xf32>[!tile.tile<0>, !tile.tile<1>]
  } {block_sizes = array<i64: -1, 0>}
}

// CHECK-LABEL: tile.kernel @shared
// CHECK-DAG:     %[[REG:.*]] = cfg.param block_sizes[0] in #cfg.pow2<4, 32> default 8 : i64
// CHECK-DAG:     %[[BN:.*]] = cfg.param block_sizes[1] in #cfg.pow2<1, 32>
// CHECK:         loop.launch %[[OM:.*]] = %c0 to %c20 step %[[REG]], %[[ON:.*]] = %c0 to %c30 step %[[BN]]
// CHECK:           loop.for %[[OK:.*]] = %c0 to %c30 step %[[REG]]
