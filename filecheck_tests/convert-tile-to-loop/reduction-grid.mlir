// RUN: helion-opt %s -p roll-reductions,convert-tile-to-loop | filecheck %s

// The `loop` stage of softmax. A grid whose body reduces over a `:` dim defaults to
// one row per program (block_sizes[0] default 1); the reduction_loops slot that
// roll-reductions added stays as it is, and the chunk loops keep their loop.tile.

tile.kernel @softmax(%x: memref<64x500xf32>, %out: memref<64x500xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c500 = arith.constant 500 : index
  tile.grid %rows = %c0 to %c64 : !tile.tile<0> {
    %cols = tile.rdim %c500 : !tile.tile<1>
    %x_tile = tile.load %x[%rows, %cols] {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %x_masked = tile.mask %x_tile by %cols fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %max = tile.reduce max %x_masked dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %max_b = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %shifted = arith.subf %x_tile, %max_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    %exp = math.exp %shifted : tensor<?x?xf32, #tile.blocks<0, 1>>
    %exp_masked = tile.mask %exp by %cols fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %sum = tile.reduce sum %exp_masked dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %sum_b = tile.broadcast %sum : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %y = arith.divf %exp, %sum_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %y, %out[%rows, %cols] {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @softmax
// CHECK-NEXT:    %[[B0:.*]] = cfg.param block_sizes[0] in #cfg.pow2<1, 64> default 1 : i64
// CHECK-NEXT:    %[[W:.*]] = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
// CHECK-NEXT:    %[[S:.*]] = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
// CHECK-NEXT:    %[[R:.*]] = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default none
// CHECK:         loop.launch %[[O0:.*]] = %c0 to %c64 step %[[B0]] warps %[[W]] stages %[[S]] {
// CHECK-NEXT:      %rows = loop.tile %[[O0]] size %[[B0]] end %c64 : !tile.tile<0>
// CHECK-COUNT-2:   loop.reduce_for %{{.*}} step %[[R]]
// CHECK-NOT:     tile.grid
