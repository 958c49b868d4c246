// RUN: helion-opt %s -t triton --config '{"block_sizes": [8, 16, 4]}' | filecheck %s

// Tensor-indexed (gather) subscripts, as in a jagged sum: `x_offsets[tile_b.index + 1]`
// and `x_data[rows, tile_m]` with a 2-D index tensor `rows` over blocks 0 and 2. The
// gathered dims take the index tensor's place (reshaped to [:, :, None]); their lanes
// are masked by the masks of the index tensor's blocks. The inner loop runs to a
// data-dependent bound, the max of the per-row lengths. In every lane the access
// performs (its whole mask), an index tensor must lie within its dim: an assert the
// interpreter runs (Triton compiles it only under TRITON_DEBUG), instead of a read of
// other memory.

tile.kernel @jagged_sum(%x_offsets: memref<8xi64>, %x_data: memref<27x10xf32>, %out: memref<7x10xf32>) attributes {sources = ["x_offsets", "x_data", "out"]} {
  %c10 = arith.constant 10 : index
  %c7 = arith.constant 7 : index
  %c0 = arith.constant 0 : index
  tile.grid %tile_b = %c0 to %c7 : !tile.tile<0> {
    %starts = tile.load %x_offsets[%tile_b] {mem_id = 0 : i64} : memref<8xi64>[!tile.tile<0>] -> tensor<?xi64, #tile.blocks<0>>
    %i = tile.index %tile_b : !tile.tile<0> -> tensor<?xi32, #tile.blocks<0>>
    %one = tile.full 1 : i32 : tensor<?xi32, #tile.blocks<0>>
    %next = arith.addi %i, %one : tensor<?xi32, #tile.blocks<0>>
    %ends = tile.load %x_offsets[%next] {mem_id = 1 : i64} : memref<8xi64>[tensor<?xi32, #tile.blocks<0>>] -> tensor<?xi64, #tile.blocks<0>>
    %nnz = arith.subi %ends, %starts : tensor<?xi64, #tile.blocks<0>>
    %max_nnz = tile.reduce max %nnz dims [0] : tensor<?xi64, #tile.blocks<0>> -> tensor<i64>
    tile.for %tile_m = %c0 to %c10 : !tile.tile<1> {
      %acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %ub = tile.cast %max_nnz : tensor<i64> to index
      %sum = tile.for %tile_k = %c0 to %ub : !tile.tile<2> iter_args(%a = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
        %s2 = tile.reshape %starts : tensor<?xi64, #tile.blocks<0>> -> tensor<?x1xi64, #tile.blocks<0>>
        %k = tile.index %tile_k : !tile.tile<2> -> tensor<?xi32, #tile.blocks<2>>
        %k2 = tile.reshape %k : tensor<?xi32, #tile.blocks<2>> -> tensor<1x?xi32, #tile.blocks<2>>
        %sb = tile.broadcast %s2 : tensor<?x1xi64, #tile.blocks<0>> -> tensor<?x?xi64, #tile.blocks<0, 2>>
        %k64 = tile.cast %k2 : tensor<1x?xi32, #tile.blocks<2>> to tensor<1x?xi64, #tile.blocks<2>>
        %kb = tile.broadcast %k64 : tensor<1x?xi64, #tile.blocks<2>> -> tensor<?x?xi64, #tile.blocks<0, 2>>
        %rows = arith.addi %sb, %kb : tensor<?x?xi64, #tile.blocks<0, 2>>
        %x = tile.load %x_data[%rows, %tile_m] {mem_id = 2 : i64} : memref<27x10xf32>[tensor<?x?xi64, #tile.blocks<0, 2>>, !tile.tile<1>] -> tensor<?x?x?xf32, #tile.blocks<0, 2, 1>>
        %r = tile.reduce sum %x dims [1] : tensor<?x?x?xf32, #tile.blocks<0, 2, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
        %a2 = arith.addf %a, %r : tensor<?x?xf32, #tile.blocks<0, 1>>
        tile.yield %a2 : tensor<?x?xf32, #tile.blocks<0, 1>>
      }
      tile.store %sum, %out[%tile_b, %tile_m] {mem_id = 3 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<7x10xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK:      def _jagged_sum_kernel(x_offsets, x_data, out):
// CHECK:          mask_0 = indices_0 < 7
// CHECK:          starts = tl.load(x_offsets + indices_0, mask_0, other=0)
// CHECK-NEXT:     next = indices_0 + 1
// CHECK-NEXT:     v = next >= 0
// CHECK-NEXT:     v_0 = next < 8
// CHECK-NEXT:     in_range = v & v_0
// CHECK-NEXT:     v_1 = mask_0 ^ True
// CHECK-NEXT:     in_range_0 = in_range | v_1
// CHECK-NEXT:     assert tl.min(in_range_0.to(tl.int32)) == 1, 'an index into x_offsets is out of range [0, 8) of its dim 0 at gather.mlir:{{[0-9]+}} (negative indices are not wrapped)'
// CHECK-NEXT:     ends = tl.load(x_offsets + next, mask_0, other=0)
// CHECK:          max_nnz = tl.max(nnz_0, 0)
// CHECK:          ub = max_nnz.to(tl.int32)
// CHECK:          for offset_2 in tl.range(0, ub, 4):
// CHECK:              mask_2 = indices_2 < ub
// CHECK:              rows = starts[:, None] + k64
// CHECK-NEXT:         v_2 = rows.to(tl.int32)
// CHECK-NEXT:         v_3 = mask_0_0 & mask_2[None, :]
// CHECK-NEXT:         v_4 = rows >= 0
// CHECK-NEXT:         v_5 = rows < 27
// CHECK-NEXT:         in_range_1 = v_4 & v_5
// CHECK-NEXT:         v_6 = v_2[:, :, None] * 10
// CHECK-NEXT:         offsets = v_6 + indices_1[None, None, :]
// CHECK-NEXT:         mask = v_3[:, :, None] & mask_1[None, None, :]
// CHECK-NEXT:         v_7 = mask ^ True
// CHECK-NEXT:         in_range_2 = in_range_1[:, :, None] | v_7
// CHECK-NEXT:         assert tl.min(in_range_2.to(tl.int32)) == 1, 'an index into x_data is out of range [0, 27) of its dim 0 at gather.mlir:{{[0-9]+}} (negative indices are not wrapped)'
// CHECK-NEXT:         x = tl.load(x_data + offsets, mask, other=0)
