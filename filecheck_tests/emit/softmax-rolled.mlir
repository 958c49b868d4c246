// RUN: helion-opt %s -t triton --config '{"block_sizes": [2], "reduction_loops": [64], "num_warps": 8}' | filecheck %s

// Rolled softmax: chunks of 64 columns, so two `tl.range` loops, each reloading its
// chunk of x under the chunk's mask: one finds the max and the sum of exp together
// (online: the sum so far is rescaled by exp(old max - new max) each chunk), the other
// stores the normalized chunk. Two rows per program divide 64 rows: no row mask.

tile.kernel @softmax(%x: memref<64x500xf32>, %out: memref<64x500xf32>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c500 = arith.constant 500 : index
  tile.grid %rows = %c0 to %c64 : !tile.tile<0> {
    %cols = tile.rdim %c500 : !tile.tile<1>
    %x_tile = tile.load %x[%rows, %cols] {mem_id = 0 : i64} : memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %max = tile.reduce max %x_tile dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %max_b = tile.broadcast %max : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %shifted = arith.subf %x_tile, %max_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    %exp = math.exp %shifted : tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum = tile.reduce sum %exp dims [1] keepdim : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x1xf32, #tile.blocks<0>>
    %sum_b = tile.broadcast %sum : tensor<?x1xf32, #tile.blocks<0>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %y = arith.divf %exp, %sum_b : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %y, %out[%rows, %cols] {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x500xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK:      def _softmax_kernel(x, out):
// CHECK-NEXT:     pid_0 = tl.program_id(0)
// CHECK-NEXT:     offset_0 = pid_0 * 2
// CHECK-NOT:      mask_0
// CHECK:          max_acc = tl.full([2, 1], float('-inf'), tl.float32)
// CHECK-NEXT:     sum_acc = tl.full([2, 1], 0.0, tl.float32)
// CHECK-NEXT:     [[MACC:max_acc_[0-9]+]] = max_acc
// CHECK-NEXT:     [[SACC:sum_acc_[0-9]+]] = sum_acc
// CHECK-NEXT:     for [[R1:roffset_1[_0-9]*]] in tl.range(0, 500, 64):
// CHECK-NEXT:         [[AR1:arange_1[_0-9]*]] = tl.arange(0, 64)
// CHECK-NEXT:         [[I1:indices_1[_0-9]*]] = [[R1]] + [[AR1]]
// CHECK-NEXT:         [[M1:mask_1[_0-9]*]] = [[I1]] < 500
// CHECK:              [[X1:x_tile[_0-9]*]] = tl.load(x + {{offsets[_0-9]*}}, [[M1]][None, :], other=0)
// CHECK-NEXT:         [[W1:x_tile_[0-9]+]] = tl.where([[M1]][None, :], [[X1]], float('-inf'))
// CHECK-NEXT:         [[CM:v[_0-9]*]] = tl.reduce([[W1]], 1, _helion_max, keep_dims=True)
// CHECK-NEXT:         [[NM:v[_0-9]*]] = tl.maximum([[MACC]], [[CM]], propagate_nan=tl.PropagateNan.ALL)
// CHECK-NEXT:         shifted = [[X1]] - [[NM]]
// CHECK-NEXT:         exp = tl.exp(shifted)
// CHECK-NEXT:         [[W2:exp_[0-9]+]] = tl.where([[M1]][None, :], exp, 0.0)
// CHECK-NEXT:         [[CS:v[_0-9]*]] = tl.sum([[W2]], 1, keep_dims=True)
// CHECK-NEXT:         [[D:v[_0-9]*]] = [[MACC]] - [[NM]]
// CHECK-NEXT:         [[A:v[_0-9]*]] = tl.exp([[D]])
// CHECK-NEXT:         [[K:v[_0-9]*]] = [[SACC]] * [[A]]
// CHECK-NEXT:         [[T:v[_0-9]*]] = [[K]] + [[CS]]
// CHECK-NEXT:         [[E:v[_0-9]*]] = [[NM]] == max_acc
// CHECK-NEXT:         [[NS:v[_0-9]*]] = tl.where([[E]], sum_acc, [[T]])
// CHECK-NEXT:         [[MACC]], [[SACC]] = [[NM]], [[NS]]
// CHECK-NEXT:     [[E2:v[_0-9]*]] = [[MACC]] == max_acc
// CHECK-NEXT:     [[SUM:sum[_0-9]*]] = tl.where([[E2]], float('nan'), [[SACC]])
// CHECK-NEXT:     for [[R3:roffset_1[_0-9]*]] in tl.range(0, 500, 64):
// CHECK:              [[X3:x_tile[_0-9]*]] = tl.load(x + [[OFF3:offsets[_0-9]*]], [[M3:mask_1[_0-9]*]][None, :], other=0)
// CHECK-NEXT:         {{shifted[_0-9]*}} = [[X3]] - [[MACC]]
// CHECK:              y = {{exp[_0-9]*}} / [[SUM]]
// CHECK-NEXT:         tl.store(out + [[OFF3]], y, [[M3]][None, :])
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-NEXT: def launch_softmax(x, out):
// CHECK-NEXT:     _softmax_kernel[(32,)](x, out, num_warps=8, num_stages=1)
