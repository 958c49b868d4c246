// RUN: helion-opt %s -t triton --config '{"block_sizes": [64, 32, 16], "num_warps": 8, "num_stages": 3}' | filecheck %s

// Matmul: a 64 x 32 output tile per program (2 x 2 programs), the K loop as a
// `tl.range` stepping by 16 and accumulating with tl.dot; both loads are masked on the
// output dims and on K (70 is not a multiple of 16).

tile.kernel @matmul(%x: memref<100x70xf32>, %y: memref<70x50xf32>, %out: memref<100x50xf32>) attributes {sources = ["x", "y", "out"]} {
  %c70 = arith.constant 70 : index
  %c50 = arith.constant 50 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  tile.grid %tile_m = %c0 to %c100, %tile_n = %c0 to %c50 : !tile.tile<0>, !tile.tile<1> {
    %acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %acc_1 = tile.for %tile_k = %c0 to %c70 : !tile.tile<2> iter_args(%acc_2 = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
      %lhs = tile.load %x[%tile_m, %tile_k] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
      %rhs = tile.load %y[%tile_k, %tile_n] {mem_id = 1 : i64} : memref<70x50xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
      %acc_3 = tile.dot %lhs, %rhs acc %acc_2 : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.yield %acc_3 : tensor<?x?xf32, #tile.blocks<0, 1>>
    }
    tile.store %acc_1, %out[%tile_m, %tile_n] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x50xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK:      def _matmul_kernel(x, y, out):
// CHECK-NEXT:     pid = tl.program_id(0)
// CHECK-NEXT:     pid_0 = pid % 2
// CHECK-NEXT:     pid_1 = pid // 2
// CHECK-NEXT:     offset_0 = pid_0 * 64
// CHECK-NEXT:     offset_1 = pid_1 * 32
// CHECK:          mask_0 = indices_0 < 100
// CHECK:          mask_1 = indices_1 < 50
// CHECK:          acc = tl.full([64, 32], 0.0, tl.float32)
// CHECK-NEXT:     [[ACC:acc_[0-9]+]] = acc
// CHECK-NEXT:     for offset_2 in tl.range(0, 70, 16):
// CHECK-NEXT:         arange_2 = tl.arange(0, 16)
// CHECK-NEXT:         indices_2 = offset_2 + arange_2
// CHECK-NEXT:         mask_2 = indices_2 < 70
// CHECK:              lhs = tl.load(x + {{offsets[_0-9]*}}, {{mask[_0-9]*}}, other=0)
// CHECK:              rhs = tl.load(y + {{offsets[_0-9]*}}, {{mask[_0-9]*}}, other=0)
// CHECK-NEXT:         [[DOT:acc_[0-9]+]] = tl.dot(lhs, rhs, acc=[[ACC]])
// CHECK-NEXT:         [[ACC]] = [[DOT]]
// CHECK:          tl.store(out + {{offsets[_0-9]*}}, [[ACC]], {{mask[_0-9]*}})
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-NEXT: def launch_matmul(x, y, out):
// CHECK-NEXT:     _matmul_kernel[(4,)](x, y, out, num_warps=8, num_stages=3)
