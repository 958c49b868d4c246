// RUN: helion-opt %s -p roll-reductions | filecheck %s

// RMS norm with a weight. The weight load depends on nothing but the `:` dim, so it
// could sit in the first stage's loop, yet only the last stage (the normalizing store)
// uses it: it is loaded there, once, and the first loop reads x alone.

tile.kernel @rms_norm(%x: memref<64x512xf32>, %w: memref<512xf32>, %out: memref<64x512xf32>) attributes {sources = ["x", "w", "out"]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  tile.grid %rows = %c0 to %c64 : !tile.tile<0> {
    %cols = tile.rdim %c512 : !tile.tile<1>
    %x_tile = tile.load %x[%rows, %cols] {mem_id = 0 : i64} : memref<64x512xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %w_tile = tile.load %w[%cols] {mem_id = 1 : i64} : memref<512xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    %w_row = tile.reshape %w_tile : tensor<?xf32, #tile.blocks<1>> -> tensor<1x?xf32, #tile.blocks<1>>
    %w_b = tile.broadcast %w_row : tensor<1x?xf32, #tile.blocks<1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %sq = arith.mulf %x_tile, %x_tile : tensor<?x?xf32, #tile.blocks<0, 1>>
    %ss = tile.reduce sum %sq dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %inv = math.rsqrt %ss : tensor<?x1xf32, #tile.blocks<0>>
    %inv_b = tile.broadcast %inv : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %xn = arith.mulf %x_tile, %inv_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    %y = arith.mulf %xn, %w_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %y, %out[%rows, %cols] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x512xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @rms_norm

// Stage 1: the sum of squares reads x only.
// CHECK:         %[[L1:.*]] = loop.reduce_for
// CHECK-NEXT:      %[[T1:.*]] = loop.tile
// CHECK-NEXT:      %[[X1:.*]] = tile.load %x[%rows, %[[T1]]] {mem_id = 0 : i64}
// CHECK-NEXT:      %[[SQ:.*]] = arith.mulf %[[X1]], %[[X1]]
// CHECK-NEXT:      %[[C1:.*]] = arith.addf %{{.*}}, %[[SQ]]
// CHECK-NEXT:      loop.yield %[[C1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %ss = tile.reduce sum %[[L1]] dims [1] keepdim

// Stage 2: the store, with the weight loaded here.
// CHECK:         loop.reduce_for
// CHECK-NEXT:      %[[T2:.*]] = loop.tile
// CHECK-NEXT:      %[[X2:.*]] = tile.load %x[%rows, %[[T2]]] {mem_id = 0 : i64}
// CHECK-NEXT:      %[[W2:.*]] = tile.load %w[%[[T2]]] {mem_id = 1 : i64}
// CHECK:           tile.store
// CHECK-NEXT:    }
// CHECK-NOT:     tile.load %w
