// RUN: helion-opt %s -p roll-reductions | filecheck %s

// Softmax at the `tile` stage (masks in place). Its `:` dim (block 1) is rolled into
// one loop.reduce_for per reduction stage: max, then sum, then the normalizing store.
// Each steps by the same cfg.param reduction_loops[0] slot, whose domain runs from 8
// to the padded extent 512 and whose default `none` means one chunk (persistent). The
// reductions become elementwise accumulators carried by the loops, each reduced once
// after its loop; later stages re-read the input.

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

// Stage 1: the running max.
// CHECK-NEXT:      %[[Z1:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %max_acc = tile.full 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %[[L1:.*]] = loop.reduce_for %[[OFF1:.*]] = %[[Z1]] to %c500 step %[[CHUNK]] iter_args(%[[ACC1:.*]] = %max_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
// CHECK-NEXT:        %[[T1:.*]] = loop.tile %[[OFF1]] size %[[CHUNK]] end %c500 : !tile.tile<1>
// CHECK-NEXT:        %[[X1:.*]] = tile.load %x[%rows, %[[T1]]] {mem_id = 0 : i64}
// CHECK-NEXT:        %[[M1:.*]] = tile.mask %[[X1]] by %[[T1]] fill 0xff800000 : f32
// CHECK-NEXT:        %[[C1:.*]] = arith.maximumf %[[ACC1]], %[[M1]] : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:        loop.yield %[[C1]] : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      }
// CHECK-NEXT:      %max = tile.reduce max %[[L1]] dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>

// Stage 2: the running sum of exp(x - max), reloading x.
// CHECK-NEXT:      %[[Z2:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %sum_acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %[[L2:.*]] = loop.reduce_for %[[OFF2:.*]] = %[[Z2]] to %c500 step %[[CHUNK]] iter_args(%[[ACC2:.*]] = %sum_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
// CHECK-NEXT:        %[[T2:.*]] = loop.tile %[[OFF2]] size %[[CHUNK]] end %c500 : !tile.tile<1>
// CHECK-NEXT:        %[[X2:.*]] = tile.load %x[%rows, %[[T2]]] {mem_id = 0 : i64}
// CHECK-NEXT:        %[[MB2:.*]] = tile.broadcast %max
// CHECK-NEXT:        %[[S2:.*]] = arith.subf %[[X2]], %[[MB2]]
// CHECK-NEXT:        %[[E2:.*]] = math.exp %[[S2]]
// CHECK-NEXT:        %[[M2:.*]] = tile.mask %[[E2]] by %[[T2]] fill 0.000000e+00 : f32
// CHECK-NEXT:        %[[C2:.*]] = arith.addf %[[ACC2]], %[[M2]]
// CHECK-NEXT:        loop.yield %[[C2]]
// CHECK-NEXT:      }
// CHECK-NEXT:      %sum = tile.reduce sum %[[L2]] dims [1] keepdim

// Stage 3: no reduction left, so no carried values; the store moves into the loop.
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
