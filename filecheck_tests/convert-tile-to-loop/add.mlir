// RUN: helion-opt %s -p convert-tile-to-loop | filecheck %s

// tile.grid becomes loop.launch: each grid dim steps by a cfg.param block_sizes[i]
// (a power of two up to the padded extent; default 32 = sqrt(1024) for a 2-D
// elementwise grid), the launch takes num_warps/num_stages params, and loop.tile
// rebuilds each handle from its offset. The tile ops in the body are unchanged.

tile.kernel @add(%x: memref<100x70xf32>, %y: memref<70xf32>, %out: memref<100x70xf32>) attributes {sources = ["x", "y", "out"]} {
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  tile.grid %tm = %c0 to %c100, %tn = %c0 to %c70 : !tile.tile<0>, !tile.tile<1> {
    %xt = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %yt = tile.load %y[%tn] {mem_id = 1 : i64} : memref<70xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    %yr = tile.reshape %yt : tensor<?xf32, #tile.blocks<1>> -> tensor<1x?xf32, #tile.blocks<1>>
    %yb = tile.broadcast %yr : tensor<1x?xf32, #tile.blocks<1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum = arith.addf %xt, %yb : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %sum, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @add
// CHECK-NEXT:    %[[B0:.*]] = cfg.param block_sizes[0] in #cfg.pow2<1, 128> default 32 : i64
// CHECK-NEXT:    %[[B1:.*]] = cfg.param block_sizes[1] in #cfg.pow2<1, 128> default 32 : i64
// CHECK-NEXT:    %[[W:.*]] = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
// CHECK-NEXT:    %[[S:.*]] = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
// CHECK-NEXT:    %c70 = arith.constant 70 : index
// CHECK-NEXT:    %c100 = arith.constant 100 : index
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    loop.launch %[[O0:.*]] = %c0 to %c100 step %[[B0]], %[[O1:.*]] = %c0 to %c70 step %[[B1]] warps %[[W]] stages %[[S]] {
// CHECK-NEXT:      %tm = loop.tile %[[O0]] size %[[B0]] end %c100 : !tile.tile<0>
// CHECK-NEXT:      %tn = loop.tile %[[O1]] size %[[B1]] end %c70 : !tile.tile<1>
// CHECK-NEXT:      %xt = tile.load %x[%tm, %tn] {mem_id = 0 : i64}
// CHECK-NEXT:      %yt = tile.load %y[%tn] {mem_id = 1 : i64}
// CHECK-NEXT:      %yr = tile.reshape %yt
// CHECK-NEXT:      %yb = tile.broadcast %yr
// CHECK-NEXT:      %sum = arith.addf %xt, %yb
// CHECK-NEXT:      tile.store %sum, %out[%tm, %tn] {mem_id = 2 : i64}
// CHECK-NEXT:    }
// CHECK-NEXT:  }
// CHECK-NOT:   tile.grid
