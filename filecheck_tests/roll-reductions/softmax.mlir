// RUN: helion-opt %s -p roll-reductions | filecheck %s

// Softmax at the `tile` stage (masks in place). Its `:` dim (block 1) is rolled into
// loop.reduce_for loops: one for the max and the sum of exp(x - max) together (an
// online softmax), then one for the normalizing store, which re-reads the input. Both
// step by the same cfg.param reduction_loops[0] slot, whose domain runs from 8 to the
// padded extent 512 and whose default `none` means one chunk (persistent).

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
// CHECK-NEXT:    %[[CHUNK:.*]] = cfg.param reduction_loops[0] in #cfg.chunk<8, 512> default none
// CHECK-NOT:     tile.rdim
// CHECK:         tile.grid %rows = %c0 to %c64 : !tile.tile<0> {

// Stage 1: the max and the sum of exp(x - max) in one loop, each reduced per chunk.
// The running max grows chunk by chunk; the sum so far is rescaled by exp(old - new)
// and is 0 while the max is still -inf.
// CHECK-NEXT:      %[[Z1:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %max_acc = tile.full 0xff800000 : f32 : tensor<?x1xf32, #tile.blocks<0>>
// CHECK-NEXT:      %sum_acc = tile.full 0.000000e+00 : f32 : tensor<?x1xf32, #tile.blocks<0>>
// CHECK-NEXT:      %max, %[[S:.*]] = loop.reduce_for %[[OFF1:.*]] = %[[Z1]] to %c500 step %[[CHUNK]] iter_args(%[[MACC:.*]] = %max_acc, %[[SACC:.*]] = %sum_acc) -> (tensor<?x1xf32, #tile.blocks<0>>, tensor<?x1xf32, #tile.blocks<0>>) {
// CHECK-NEXT:        %[[T1:.*]] = loop.tile %[[OFF1]] size %[[CHUNK]] end %c500 : !tile.tile<1>
// CHECK-NEXT:        %[[X1:.*]] = tile.load %x[%rows, %[[T1]]] {mem_id = 0 : i64}
// CHECK-NEXT:        %[[M1:.*]] = tile.mask %[[X1]] by %[[T1]] fill 0xff800000 : f32
// CHECK-NEXT:        %[[CM:.*]] = tile.reduce max %[[M1]] dims [1] keepdim
// CHECK-NEXT:        %[[NM:.*]] = arith.maximumf %[[MACC]], %[[CM]]
// CHECK-NEXT:        %[[B1:.*]] = tile.broadcast %[[NM]]
// CHECK-NEXT:        %[[SH:.*]] = arith.subf %[[X1]], %[[B1]]
// CHECK-NEXT:        %[[E1:.*]] = math.exp %[[SH]]
// CHECK-NEXT:        %[[EM:.*]] = tile.mask %[[E1]] by %[[T1]] fill 0.000000e+00 : f32
// CHECK-NEXT:        %[[CS:.*]] = tile.reduce sum %[[EM]] dims [1] keepdim
// CHECK-NEXT:        %[[D:.*]] = arith.subf %[[MACC]], %[[NM]]
// CHECK-NEXT:        %[[A:.*]] = math.exp %[[D]]
// CHECK-NEXT:        %[[K:.*]] = arith.mulf %[[SACC]], %[[A]]
// CHECK-NEXT:        %[[TOT:.*]] = arith.addf %[[K]], %[[CS]]
// CHECK-NEXT:        %[[NINF:.*]] = tile.full 0xff800000 : f32
// CHECK-NEXT:        %[[ZERO:.*]] = tile.full 0.000000e+00 : f32
// CHECK-NEXT:        %[[EMPTY:.*]] = tile.cmp eq %[[NM]], %[[NINF]]
// CHECK-NEXT:        %[[NS:.*]] = tile.where %[[EMPTY]], %[[ZERO]], %[[TOT]]
// CHECK-NEXT:        loop.yield %[[NM]], %[[NS]]
// CHECK-NEXT:      }
// After the loop, NaN where the max is -inf, as the sum of exp(-inf - -inf) is.
// CHECK-NEXT:      %[[NINF2:.*]] = tile.full 0xff800000 : f32
// CHECK-NEXT:      %[[NAN:.*]] = tile.full 0x7fc00000 : f32
// CHECK-NEXT:      %[[EMPTY2:.*]] = tile.cmp eq %max, %[[NINF2]]
// CHECK-NEXT:      %sum = tile.where %[[EMPTY2]], %[[NAN]], %[[S]]

// Stage 2: no reduction left, so no carried values; the store moves into the loop.
// CHECK-NEXT:      %[[Z3:.*]] = arith.constant 0 : index
// CHECK-NEXT:      loop.reduce_for %[[OFF3:.*]] = %[[Z3]] to %c500 step %[[CHUNK]] {
// CHECK-NEXT:        %[[T3:.*]] = loop.tile %[[OFF3]] size %[[CHUNK]] end %c500 : !tile.tile<1>
// CHECK-NEXT:        %[[X3:.*]] = tile.load %x[%rows, %[[T3]]] {mem_id = 0 : i64}
// CHECK-NEXT:        tile.broadcast %max
// CHECK-NEXT:        arith.subf
// CHECK-NEXT:        %[[E3:.*]] = math.exp
// CHECK-NEXT:        %[[SB3:.*]] = tile.broadcast %sum
// CHECK-NEXT:        %[[Y3:.*]] = arith.divf %[[E3]], %[[SB3]]
// CHECK-NEXT:        tile.store %[[Y3]], %out[%rows, %[[T3]]] {mem_id = 1 : i64}
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NOT:     loop.reduce_for
