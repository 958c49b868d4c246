// RUN: helion-opt %s -p fold-single-trip-loops | filecheck %s

// Softmax bound with reduction_loops = [None]: each chunk loop steps by the padded
// extent (512 >= 500), so it runs once and is inlined, its offset becoming the lower
// bound. An accumulator combined once with its identity (maximumf(-inf, x), addf(0, x))
// is just x, and the unused accumulator fills go: the persistent softmax, reductions
// straight over the masked row. (The three loads stay until memory-cse.)

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
    %max_acc = tile.full 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %max_loop = loop.reduce_for %roffset.1 = %z0 to %n step %rblock.1 iter_args(%max_acc_1 = %max_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %rtile.1 = loop.tile %roffset.1 size %rblock.1 end %n : !tile.tile<1>
      %x_tile = mem.load %x[%rows, %rtile.1] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %x_masked = tile.mask %x_tile by %rtile.1 fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
      %max_next = arith.maximumf %max_acc_1, %x_masked : tensor<?x?xf32, #tile.blocks<0, 1>>
      loop.yield %max_next : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    %max = tile.reduce max %max_loop dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %z1 = arith.constant 0 : index
    %sum_acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum_loop = loop.reduce_for %roffset.1_1 = %z1 to %n step %rblock.1 iter_args(%sum_acc_1 = %sum_acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %rtile.1_1 = loop.tile %roffset.1_1 size %rblock.1 end %n : !tile.tile<1>
      %x_tile_2 = mem.load %x[%rows, %rtile.1_1] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %max_b = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %shifted = arith.subf %x_tile_2, %max_b : tensor<?x?xf32, #tile.blocks<0, 1>>
      %exp = math.exp %shifted : tensor<?x?xf32, #tile.blocks<0, 1>>
      %exp_masked = tile.mask %exp by %rtile.1_1 fill 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
      %sum_next = arith.addf %sum_acc_1, %exp_masked : tensor<?x?xf32, #tile.blocks<0, 1>>
      loop.yield %sum_next : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    %sum = tile.reduce sum %sum_loop dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %z2 = arith.constant 0 : index
    loop.reduce_for %roffset.1_2 = %z2 to %n step %rblock.1 {
      %rtile.1_2 = loop.tile %roffset.1_2 size %rblock.1 end %n : !tile.tile<1>
      %x_tile_3 = mem.load %x[%rows, %rtile.1_2] strides(%c500, %c1) {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %max_b_1 = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %shifted_1 = arith.subf %x_tile_3, %max_b_1 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %exp_2 = math.exp %shifted_1 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %sum_b = tile.broadcast %sum : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %y = arith.divf %exp_2, %sum_b : tensor<?x?xf32, #tile.blocks<0, 1>>
      mem.store %y, %out[%rows, %rtile.1_2] strides(%c500, %c1) {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK-LABEL: tile.kernel @softmax
// CHECK:         loop.launch %offset.0 = %c0 to %c64 step %block_size.0 warps %num_warps stages %num_stages {
// CHECK-NEXT:      %rows = loop.tile %offset.0 size %block_size.0 end %c64 : !tile.tile<0>
// CHECK-NEXT:      %[[Z0:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[T0:.*]] = loop.tile %[[Z0]] size %rblock.1 end %n : !tile.tile<1>
// CHECK-NEXT:      %x_tile = mem.load %x[%rows, %[[T0]]]
// CHECK-NEXT:      %x_masked = tile.mask %x_tile by %[[T0]] fill 0xff800000 : f32
// CHECK-NEXT:      %max = tile.reduce max %x_masked dims [1] keepdim
// CHECK-NEXT:      %[[Z1:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[T1:.*]] = loop.tile %[[Z1]] size %rblock.1 end %n : !tile.tile<1>
// CHECK-NEXT:      %[[X1:.*]] = mem.load %x[%rows, %[[T1]]]
// CHECK-NEXT:      %max_b = tile.broadcast %max
// CHECK-NEXT:      %shifted = arith.subf %[[X1]], %max_b
// CHECK-NEXT:      %exp = math.exp %shifted
// CHECK-NEXT:      %exp_masked = tile.mask %exp by %[[T1]] fill 0.000000e+00 : f32
// CHECK-NEXT:      %sum = tile.reduce sum %exp_masked dims [1] keepdim
// CHECK-NEXT:      %[[Z2:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[T2:.*]] = loop.tile %[[Z2]] size %rblock.1 end %n : !tile.tile<1>
// CHECK-NEXT:      %[[X2:.*]] = mem.load %x[%rows, %[[T2]]]
// CHECK-NEXT:      %[[MB:.*]] = tile.broadcast %max
// CHECK-NEXT:      %[[SH:.*]] = arith.subf %[[X2]], %[[MB]]
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[SH]]
// CHECK-NEXT:      %sum_b = tile.broadcast %sum
// CHECK-NEXT:      %y = arith.divf %[[E]], %sum_b
// CHECK-NEXT:      mem.store %y, %out[%rows, %[[T2]]]
// CHECK-NEXT:    }
// CHECK-NOT:     loop.reduce_for
// CHECK-NOT:     tile.full
// CHECK-NOT:     arith.maximumf
