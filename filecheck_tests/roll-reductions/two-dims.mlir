// RUN: helion-opt %s -p roll-reductions | filecheck %s

// Two `:` dims get one reduction_loops slot each, numbered in program order. Past
// 4096 elements the default chunk is 4096 (a rolled loop) instead of none.

tile.kernel @two(%x: memref<8x100xf32>, %z: memref<8x6000xf32>, %out: memref<8xf32>) attributes {sources = ["x", "z", "out"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  %c6000 = arith.constant 6000 : index
  tile.grid %r = %c0 to %c8 : !tile.tile<0> {
    %a = tile.rdim %c100 : !tile.tile<1>
    %b = tile.rdim %c6000 : !tile.tile<2>
    %u = tile.load %x[%r, %a] {mem_id = 0 : i64} : memref<8x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %v = tile.load %z[%r, %b] {mem_id = 1 : i64} : memref<8x6000xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
    %su = tile.reduce sum %u dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
    %sv = tile.reduce sum %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 2>> -> tensor<?xf32, #tile.blocks<0>>
    %s = arith.addf %su, %sv : tensor<?xf32, #tile.blocks<0>>
    tile.store %s, %out[%r] {mem_id = 2 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
  }
}

// CHECK-LABEL: tile.kernel @two
// CHECK-DAG:     %[[C2:.*]] = cfg.param reduction_loops[1] in #cfg.chunk<8, 8192> default 4096 : i64
// CHECK-DAG:     %[[C1:.*]] = cfg.param reduction_loops[0] in #cfg.chunk<8, 128> default none
// CHECK:         tile.grid %r = %c0 to %c8 : !tile.tile<0> {
// CHECK:           %[[L1:.*]] = loop.reduce_for %{{.*}} = %{{.*}} to %c100 step %[[C1]] iter_args(%{{.*}} = %su_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
// CHECK:             tile.load %x[%r, %{{.*}}]
// CHECK:           }
// CHECK-NEXT:      %su = tile.reduce sum %[[L1]] dims [1]
// CHECK:           %[[L2:.*]] = loop.reduce_for %{{.*}} = %{{.*}} to %c6000 step %[[C2]] iter_args(%{{.*}} = %sv_acc) -> (tensor<?x?xf32, #tile.blocks<0, 2>>) {
// CHECK:             tile.load %z[%r, %{{.*}}]
// CHECK:           }
// CHECK-NEXT:      %sv = tile.reduce sum %[[L2]] dims [1]
// CHECK-NEXT:      %s = arith.addf %su, %sv
// CHECK-NEXT:      tile.store %s, %out[%r]
