// RUN: helion-opt %s -t triton --config '{"block_sizes": [4]}' | filecheck %s

// A row gathered by indices, then its top 4 (at the `tile` stage): tile.gather becomes
// tl.gather along the row and tile.topk tl.topk of the last dim. The 16 columns fill
// the row exactly, so no padding mask precedes them.

// CHECK:      picked = tl.gather(row, load, 1)
// CHECK-NEXT: [[TOP:v_[0-9]+]] = tl.topk(picked, 4, 1)
// CHECK:      tl.store({{.*}}, [[TOP]])

builtin.module {
  tile.kernel @top_and_pick(%x: memref<8x16xf32>, %idx: memref<8x16xi64>, %out: memref<8x4xf32>) attributes {sources = ["x", "idx", "out"]} {
    %0 = arith.constant 4 : index
    %1 = arith.constant 16 : index
    %2 = arith.constant 8 : index
    %3 = arith.constant 0 : index
    tile.grid %tm = %3 to %2 : !tile.tile<0> {
      %rdim.2 = tile.rdim %0 : !tile.tile<2>
      %rdim.1 = tile.rdim %1 : !tile.tile<1>
      %row = tile.load %x[%tm, %rdim.1] {mem_id = 0 : i64} : memref<8x16xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %4 = tile.load %idx[%tm, %rdim.1] {mem_id = 1 : i64} : memref<8x16xi64>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xi64, #tile.blocks<0, 1>>
      %picked = tile.gather %row[%4] dim 1 : tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xi64, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %picked_1 = tile.mask %picked by %rdim.1 fill 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>[!tile.tile<1>]
      %5 = tile.topk %picked_1 dim 1 k 4 : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x4xf32, #tile.blocks<0>>
      %6 = tile.relabel %5 : tensor<?x4xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 2>>
      tile.store %6, %out[%tm, %rdim.2] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 2>>, memref<8x4xf32>[!tile.tile<0>, !tile.tile<2>]
    }
  }
}
