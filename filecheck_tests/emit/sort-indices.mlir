// RUN: helion-opt %s -t triton --config '{"block_sizes": [4]}' | filecheck %s

// Sort and top-k with indices over a row of 12 (padded to 16 lanes): each float's bits
// become an i64 key in the floats' order (negatives' magnitude bits flipped, NaN above
// all), shifted above its position (reversed when the largest come first, so that the
// first position wins ties) and sorted with tl.sort/tl.topk; padded lanes take a key
// past every element's. The positions are the low bits, the values the high bits
// turned back into floats. The smallest k complement the keys. A sort whose indices go
// unused sorts the values alone.

builtin.module {
  tile.kernel @sort_and_smallest(%x: memref<8x12xf32>, %order: memref<8x12xi64>, %low: memref<8x4xf32>, %at: memref<8x4xi64>) attributes {sources = ["x", "order", "low", "at"]} {
    %0 = arith.constant 4 : index
    %1 = arith.constant 12 : index
    %2 = arith.constant 8 : index
    %3 = arith.constant 0 : index
    tile.grid %tm = %3 to %2 : !tile.tile<0> {
      %rdim.2 = tile.rdim %0 : !tile.tile<2>
      %rdim.1 = tile.rdim %1 : !tile.tile<1>
      %4 = tile.load %x[%tm, %rdim.1] {mem_id = 0 : i64} : memref<8x12xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %w, %i = tile.sort %4 dim 1 descending : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xi64, #tile.blocks<0, 1>>
      tile.store %i, %order[%tm, %rdim.1] {mem_id = 1 : i64} : tensor<?x?xi64, #tile.blocks<0, 1>>, memref<8x12xi64>[!tile.tile<0>, !tile.tile<1>]
      tile.store %w, %x[%tm, %rdim.1] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<8x12xf32>[!tile.tile<0>, !tile.tile<1>]
      %5 = tile.load %x[%tm, %rdim.1] {mem_id = 3 : i64} : memref<8x12xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %v, %j = tile.topk %5 dim 1 k 4 smallest : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x4xf32, #tile.blocks<0>>, tensor<?x4xi64, #tile.blocks<0>>
      %6 = tile.relabel %v : tensor<?x4xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 2>>
      tile.store %6, %low[%tm, %rdim.2] {mem_id = 4 : i64} : tensor<?x?xf32, #tile.blocks<0, 2>>, memref<8x4xf32>[!tile.tile<0>, !tile.tile<2>]
      %7 = tile.relabel %j : tensor<?x4xi64, #tile.blocks<0>> -> tensor<?x?xi64, #tile.blocks<0, 2>>
      tile.store %7, %at[%tm, %rdim.2] {mem_id = 5 : i64} : tensor<?x?xi64, #tile.blocks<0, 2>>, memref<8x4xi64>[!tile.tile<0>, !tile.tile<2>]
      %s, %unused = tile.sort %5 dim 1 : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xi64, #tile.blocks<0, 1>>
      tile.store %s, %x[%tm, %rdim.1] {mem_id = 6 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<8x12xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK:      load = tl.load(x + offsets, mask_1[None, :], other=0)
// CHECK-NEXT: [[PADDED:v_[0-9]+]] = tl.where(mask_1[None, :], load, float('-inf'))
// CHECK-NEXT: bits = [[PADDED]].to(tl.int32, bitcast=True)
// CHECK-NEXT: [[RAW:v_[0-9]+]] = bits.to(tl.int64)
// CHECK-NEXT: [[SIGN:v_[0-9]+]] = [[RAW]] >> 63
// CHECK-NEXT: [[FLIP:v_[0-9]+]] = [[SIGN]] & 2147483647
// CHECK-NEXT: [[ORDERED:v_[0-9]+]] = [[RAW]] ^ [[FLIP]]
// CHECK-NEXT: [[NAN:v_[0-9]+]] = [[PADDED]] != [[PADDED]]
// CHECK-NEXT: key = tl.where([[NAN]], 2147483647, [[ORDERED]])
// CHECK-NEXT: positions = indices_1.to(tl.int64)
// CHECK-NEXT: positions_0 = positions ^ 15
// CHECK-NEXT: [[SHIFTED:v_[0-9]+]] = key << 4
// CHECK-NEXT: packed = [[SHIFTED]] | positions_0[None, :]
// CHECK-NEXT: packed_0 = tl.where(mask_1[None, :], packed, -9223372036854775808)
// CHECK-NEXT: packed_1 = tl.sort(packed_0, 1, descending=True)
// CHECK-NEXT: [[LOW:v_[0-9]+]] = packed_1 & 15
// CHECK-NEXT: i = [[LOW]] ^ 15
// CHECK-NEXT: key_0 = packed_1 >> 4
// CHECK-NEXT: [[SIGN2:v_[0-9]+]] = key_0 >> 63
// CHECK-NEXT: [[FLIP2:v_[0-9]+]] = [[SIGN2]] & 2147483647
// CHECK-NEXT: [[RAW2:v_[0-9]+]] = key_0 ^ [[FLIP2]]
// CHECK-NEXT: bits_0 = [[RAW2]].to(tl.int32)
// CHECK-NEXT: w = bits_0.to(tl.float32, bitcast=True)
// CHECK-NEXT: tl.store(order + offsets, i, mask_1[None, :])
// CHECK-NEXT: tl.store(x + offsets, w, mask_1[None, :])

// CHECK:      [[MASKED:v_[0-9]+]] = tl.where(mask_1[None, :], load_0, float('inf'))
// CHECK:      key_2 = key_1 ^ (-1)
// CHECK:      packed_3 = tl.where(mask_1[None, :], packed_2, -9223372036854775808)
// CHECK-NEXT: packed_4 = tl.topk(packed_3, 4, 1)
// CHECK-NEXT: [[LOW3:v_[0-9]+]] = packed_4 & 15
// CHECK-NEXT: j = [[LOW3]] ^ 15
// CHECK-NEXT: key_3 = packed_4 >> 4
// CHECK-NEXT: key_4 = key_3 ^ (-1)
// CHECK:      tl.store(at + offsets_0, j)

// CHECK-NEXT: s = tl.sort([[MASKED]], 1)
// CHECK-NEXT: tl.store(x + offsets, s, mask_1[None, :])
