// RUN: helion-opt %s -p memory-cse | filecheck %s

// The persistent softmax after fold-single-trip-loops still reads x three times (one
// read per rolled stage). memory-cse merges the repeated loop.tile/arith.constant ops,
// then the three mem.load ops (same access, no write in between), then the repeated
// broadcast/subf/exp: one load, one exp, as a hand-written persistent softmax.

tile.kernel @softmax(%x: memref<64x500xf32>, %out: memref<64x500xf32>) attributes {sources = ["x", "out"]} {
  %c1 = arith.constant 1 : index
  %c500 = arith.constant 500 : index
  %block_size.0 = arith.constant 1 : index
  %num_warps = arith.constant 4 : index
  %num_stages = arith.constant 1 : index
  %rblock.1 = arith.constant 512 : index
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %n = arith.constant 500 : index
  loop.launch %offset.0 = %c0 to %c64 step %block_size.0 warps %num_warps stages %num_stages {
    %rows = loop.tile %offset.0 size %block_size.0 end %c64 : !tile.tile<0>
    %z0 = arith.constant 0 : index
    %rtile.1 = loop.tile %z0 size %rblock.1 end %n : !tile.tile<1>
    %x_tile = mem.load %x[%rows, %rtile.1] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %x_masked = tile.mask %x_tile by %rtile.1 fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %max = tile.reduce max %x_masked dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %z1 = arith.constant 0 : index
    %rtile.1_1 = loop.tile %z1 size %rblock.1 end %n : !tile.tile<1>
    %x_tile_1 = mem.load %x[%rows, %rtile.1_1] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %max_b = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %shifted = arith.subf %x_tile_1, %max_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    %exp = math.exp %shifted : tensor<?x?xf32, #tile.blocks<0, 1>>
    %exp_masked = tile.mask %exp by %rtile.1_1 fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
    %sum = tile.reduce sum %exp_masked dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %z2 = arith.constant 0 : index
    %rtile.1_2 = loop.tile %z2 size %rblock.1 end %n : !tile.tile<1>
    %x_tile_2 = mem.load %x[%rows, %rtile.1_2] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %max_b_1 = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %shifted_1 = arith.subf %x_tile_2, %max_b_1 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %exp_1 = math.exp %shifted_1 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum_b = tile.broadcast %sum : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %y = arith.divf %exp_1, %sum_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    mem.store %y, %out[%rows, %rtile.1_2] strides(%c500, %c1) {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// Equal constants merge too, including those of nested regions with outer ones.
// CHECK-LABEL: tile.kernel @softmax
// CHECK-NEXT:    %c1 = arith.constant 1 : index
// CHECK-NEXT:    %c500 = arith.constant 500 : index
// CHECK-NEXT:    %num_warps = arith.constant 4 : index
// CHECK-NEXT:    %rblock.1 = arith.constant 512 : index
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    %c64 = arith.constant 64 : index
// CHECK-NEXT:    loop.launch %offset.0 = %c0 to %c64 step %c1 warps %num_warps stages %c1 {
// CHECK-NEXT:      %rows = loop.tile %offset.0 size %c1 end %c64 : !tile.tile<0>
// CHECK-NEXT:      %[[T:.*]] = loop.tile %c0 size %rblock.1 end %c500 : !tile.tile<1>
// CHECK-NEXT:      %x_tile = mem.load %x[%rows, %[[T]]] strides(%c500, %c1) {mem_id = 0 : i64{{.*}}}
// CHECK-NEXT:      %x_masked = tile.mask %x_tile by %[[T]] fill 0xff800000 : f32
// CHECK-NEXT:      %max = tile.reduce max %x_masked dims [1] keepdim
// CHECK-NEXT:      %max_b = tile.broadcast %max
// CHECK-NEXT:      %shifted = arith.subf %x_tile, %max_b
// CHECK-NEXT:      %exp = math.exp %shifted
// CHECK-NEXT:      %exp_masked = tile.mask %exp by %[[T]] fill 0.000000e+00 : f32
// CHECK-NEXT:      %sum = tile.reduce sum %exp_masked dims [1] keepdim
// CHECK-NEXT:      %sum_b = tile.broadcast %sum
// CHECK-NEXT:      %y = arith.divf %exp, %sum_b
// CHECK-NEXT:      mem.store %y, %out[%rows, %[[T]]] strides(%c500, %c1) {mem_id = 1 : i64{{.*}}}
// CHECK-NEXT:    }
