// RUN: helion-opt %s -t triton --config '{"block_sizes": [4]}' | filecheck %s
// RUN: helion-opt %s --print-config-space | filecheck %s --check-prefix=SPACE

// Data movement within a tile, as the frontend gives it for argmax, cumsum, flip,
// sort, .T and torch.max(x, dim): each a tl call on the whole `:` dim, which stays
// persistent (no reduction_loops slot: these ops need every lane at once). Over a
// padded dim (12 -> 16), argmax and sort see their input masked so that padding never
// wins and sorts last.

builtin.module {
  tile.kernel @data_movement(%x: memref<10x16xf32>, %out: memref<10x5x16xf32>) attributes {sources = ["x", "out"]} {
    %0 = arith.constant 4 : index
    %1 = arith.constant 3 : index
    %2 = arith.constant 2 : index
    %3 = arith.constant 1 : index
    %4 = arith.constant 16 : index
    %5 = arith.constant 10 : index
    %6 = arith.constant 0 : index
    tile.grid %tm = %6 to %5 : !tile.tile<0> {
      %rdim.1 = tile.rdim %4 : !tile.tile<1>
      %v = tile.load %x[%tm, %rdim.1] {mem_id = 0 : i64} : memref<10x16xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %7 = tile.arg_reduce max %v dim 1 keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xi64, #tile.blocks<0>>
      %8 = tile.cast %7 : tensor<?x1xi64, #tile.blocks<0>> to tensor<?x1xf32, #tile.blocks<0>>
      %9 = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %10 = arith.mulf %v, %9 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %11 = tile.broadcast %8 : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %12 = arith.addf %11, %10 : tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %12, %out[%tm, %6, %rdim.1] {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<10x5x16xf32>[!tile.tile<0>, index, !tile.tile<1>]
      %13 = tile.scan sum %v dim 1 : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %13, %out[%tm, %3, %rdim.1] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<10x5x16xf32>[!tile.tile<0>, index, !tile.tile<1>]
      %14 = tile.flip %v dim 1 : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %14, %out[%tm, %2, %rdim.1] {mem_id = 3 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<10x5x16xf32>[!tile.tile<0>, index, !tile.tile<1>]
      %15 = tile.sort %v dim 1 descending : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %15, %out[%tm, %1, %rdim.1] {mem_id = 4 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<10x5x16xf32>[!tile.tile<0>, index, !tile.tile<1>]
      %16 = tile.permute %v perm [1, 0] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<1, 0>>
      %17 = tile.permute %16 perm [1, 0] : tensor<?x?xf32, #tile.blocks<1, 0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %18 = tile.reduce max %v dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
      %19 = tile.arg_reduce max %v dim 1 keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xi64, #tile.blocks<0>>
      %20 = tile.broadcast %18 : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %21 = arith.mulf %17, %20 : tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %21, %out[%tm, %0, %rdim.1] {mem_id = 5 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<10x5x16xf32>[!tile.tile<0>, index, !tile.tile<1>]
    }
  }
  tile.kernel @padded(%x: memref<10x12xf32>, %out: memref<10x12xf32>, %idx: memref<10xi64>) attributes {sources = ["x", "out", "idx"]} {
    %c12 = arith.constant 12 : index
    %c10 = arith.constant 10 : index
    %c0 = arith.constant 0 : index
    tile.grid %tm = %c0 to %c10 : !tile.tile<0> {
      %r = tile.rdim %c12 : !tile.tile<1>
      %v = tile.load %x[%tm, %r] {mem_id = 0 : i64} : memref<10x12xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %a = tile.arg_reduce max %v dim 1 : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xi64, #tile.blocks<0>>
      tile.store %a, %idx[%tm] {mem_id = 1 : i64} : tensor<?xi64, #tile.blocks<0>>, memref<10xi64>[!tile.tile<0>]
      %s = tile.sort %v dim 1 : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %s, %out[%tm, %r] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<10x12xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK:      def _data_movement_kernel(x, out):
// CHECK:          v_1 = tl.argmax(v_0, 1, keep_dims=True).to(tl.int64)
// CHECK:          v_6 = tl.cumsum(v_0, 1)
// CHECK:          v_7 = tl.flip(v_0, 1)
// CHECK:          v_8 = tl.sort(v_0, 1, descending=True)
// CHECK:          v_9 = tl.permute(v_0, (1, 0))
// CHECK-NEXT:     v_10 = tl.permute(v_9, (1, 0))
// CHECK-NEXT:     v_11 = tl.reduce(v_0, 1, _helion_max, keep_dims=True)

// CHECK:      def _padded_kernel(x, out, idx):
// CHECK:          mask_1 = indices_1 < 12
// CHECK:          v_0 = tl.load(x + offsets, mask, other=0)
// CHECK-NEXT:     v_1 = tl.where(mask_1[None, :], v_0, float('-inf'))
// CHECK-NEXT:     a = tl.argmax(v_1, 1).to(tl.int64)
// CHECK:          v_2 = tl.where(mask_1[None, :], v_0, float('inf'))
// CHECK-NEXT:     s = tl.sort(v_2, 1)

// SPACE-NOT:  reduction_loops
