// RUN: HELION_ROUNDTRIP
// RUN: helion-opt %s -t triton --config '{"block_sizes": [4]}' | filecheck %s --check-prefix=EMIT

// hl.reduce with a user combine function over a (values, indices) pair: tile.combine
// carries the function as a region over 0-d values; the padded lanes (12 -> 16) are
// masked with `other`; the emitted kernel calls tl.reduce with a generated
// @triton.jit combine function.

builtin.module {
  tile.kernel @combine(%x: memref<8x12xf32>, %i: memref<8x12xi64>, %out: memref<8xi64>) attributes {sources = ["x", "i", "out"]} {
    %0 = arith.constant 12 : index
    %1 = arith.constant 8 : index
    %2 = arith.constant 0 : index
    tile.grid %tm = %2 to %1 : !tile.tile<0> {
      %rdim.1 = tile.rdim %0 : !tile.tile<1>
      %3 = tile.load %x[%tm, %rdim.1] {mem_id = 0 : i64} : memref<8x12xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %4 = tile.load %i[%tm, %rdim.1] {mem_id = 1 : i64} : memref<8x12xi64>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xi64, #tile.blocks<0, 1>>
      %_, %where = tile.combine %3, %4 dim 1 other [0xff800000 : f32, 0 : i64] : tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xi64, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>, tensor<?xi64, #tile.blocks<0>> {
      ^bb0(%lv: tensor<f32>, %li: tensor<i64>, %rv: tensor<f32>, %ri: tensor<i64>):
        %5 = tile.cmp gt %rv, %lv : tensor<f32> -> tensor<i1>
        %6 = tile.cmp eq %rv, %lv : tensor<f32> -> tensor<i1>
        %7 = tile.cmp lt %ri, %li : tensor<i64> -> tensor<i1>
        %8 = arith.andi %6, %7 : tensor<i1>
        %take_right = arith.ori %5, %8 : tensor<i1>
        %9 = tile.where %take_right, %rv, %lv : tensor<i1>, tensor<f32>
        %10 = tile.where %take_right, %ri, %li : tensor<i1>, tensor<i64>
        tile.yield %9, %10 : tensor<f32>, tensor<i64>
      }
      tile.store %where, %out[%tm] {mem_id = 2 : i64} : tensor<?xi64, #tile.blocks<0>>, memref<8xi64>[!tile.tile<0>]
    }
  }
}

// CHECK:      %_, %where = tile.combine %{{.*}}, %{{.*}} dim 1 other [0xff800000 : f32, 0 : i64]
// CHECK-NEXT: ^bb0(%lv: tensor<f32>, %li: tensor<i64>, %rv: tensor<f32>, %ri: tensor<i64>):

// EMIT:      @triton.jit
// EMIT-NEXT: def _helion_combine_0(lv, li, rv, ri):
// EMIT:          take_right = v | v_2
// EMIT:          return v_3, v_4
// EMIT:      def _combine_kernel(x, i, out):
// EMIT:          mask_1 = indices_1 < 12
// EMIT:          v_0 = tl.where(mask_1[None, :], load, float('-inf'))
// EMIT-NEXT:     _, where = tl.reduce((v_0, load_0), 1, _helion_combine_0)
