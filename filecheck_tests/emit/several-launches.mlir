// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16, 16]}' | filecheck %s

// A kernel with two top-level loops (separated by hl.barrier() in the source): two
// launches, each a triton.kernel and launcher taking only the arguments it uses, and
// an entry that runs them in order.

builtin.module {
  tile.kernel @two_phase(%partial: memref<10xf32>, %x: memref<12x10xf32>, %out: memref<12x10xf32>) attributes {sources = ["partial", "x", "out"]} {
    %0 = arith.constant 10 : index
    %1 = arith.constant 12 : index
    %2 = arith.constant 0 : index
    tile.grid %tm = %2 to %1, %tn = %2 to %0 : !tile.tile<0>, !tile.tile<1> {
      %3 = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<12x10xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %4 = tile.reduce sum %3 dims [0] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<1>>
      %5 = tile.atomic add %4, %partial[%tn] {mem_id = 1 : i64, sem = "relaxed"} : tensor<?xf32, #tile.blocks<1>>, memref<10xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    }
    tile.grid %tm_1 = %2 to %1, %tn_1 = %2 to %0 : !tile.tile<2>, !tile.tile<3> {
      %6 = tile.load %x[%tm_1, %tn_1] {mem_id = 2 : i64} : memref<12x10xf32>[!tile.tile<2>, !tile.tile<3>] -> tensor<?x?xf32, #tile.blocks<2, 3>>
      %7 = tile.load %partial[%tn_1] {mem_id = 3 : i64} : memref<10xf32>[!tile.tile<3>] -> tensor<?xf32, #tile.blocks<3>>
      %8 = tile.reshape %7 : tensor<?xf32, #tile.blocks<3>> -> tensor<1x?xf32, #tile.blocks<3>>
      %9 = tile.broadcast %8 : tensor<1x?xf32, #tile.blocks<3>> -> tensor<?x?xf32, #tile.blocks<2, 3>>
      %10 = arith.divf %6, %9 : tensor<?x?xf32, #tile.blocks<2, 3>>
      tile.store %10, %out[%tm_1, %tn_1] {mem_id = 4 : i64} : tensor<?x?xf32, #tile.blocks<2, 3>>, memref<12x10xf32>[!tile.tile<2>, !tile.tile<3>]
    }
  }
}

// CHECK:      def _two_phase_kernel_0(partial, x):
// CHECK:          tl.atomic_add(partial + indices_1, v_0, mask=mask_1, sem='relaxed')
// CHECK:      def _launch_two_phase_0(partial, x):
// CHECK-NEXT:     _two_phase_kernel_0[(1,)](partial, x, num_warps=4, num_stages=1)
// CHECK:      def _two_phase_kernel_1(partial, x, out):
// CHECK:      def _launch_two_phase_1(partial, x, out):
// CHECK:      def launch_two_phase(partial, x, out):
// CHECK-NEXT:     _launch_two_phase_0(partial, x)
// CHECK-NEXT:     _launch_two_phase_1(partial, x, out)
