// RUN: helion-opt %s -t triton --config '{"block_sizes": [4], "reduction_loops": [null]}' | filecheck %s
// RUN: helion-opt %s -t triton | filecheck %s --check-prefix=DEFAULT

// Persistent softmax: with reduction_loops = [None] each row of 500 is one padded tile
// of 512 in registers, loaded once (the two rolled stages fold into one after
// binding). The column mask guards the load and store and fills the padded lanes with
// the identity of each reduction (-inf for max, 0 for sum).

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

// The max keeps NaN, as torch.amax does (Triton's tl.max skips it).
// CHECK:      @triton.jit
// CHECK-NEXT: def _helion_max(a, b):
// CHECK-NEXT:     return tl.maximum(a, b, propagate_nan=tl.PropagateNan.ALL)
// CHECK:      @triton.jit
// CHECK-NEXT: def _softmax_kernel(x, out):
// CHECK-NEXT:     pid_0 = tl.program_id(0)
// CHECK-NEXT:     offset_0 = pid_0 * 4
// CHECK-NEXT:     arange_0 = tl.arange(0, 4)
// CHECK-NEXT:     indices_0 = offset_0 + arange_0
// CHECK-NEXT:     indices_1 = tl.arange(0, 512)
// CHECK-NEXT:     mask_1 = indices_1 < 500
// CHECK-NEXT:     [[ROW:v[_0-9]*]] = indices_0[:, None] * 500
// CHECK-NEXT:     offsets = [[ROW]] + indices_1[None, :]
// CHECK-NEXT:     x_tile = tl.load(x + offsets, mask_1[None, :], other=0)
// CHECK-NEXT:     [[XM:x_tile_[0-9]+]] = tl.where(mask_1[None, :], x_tile, float('-inf'))
// CHECK-NEXT:     [[MAX:max[_0-9]*]] = tl.reduce([[XM]], 1, _helion_max, keep_dims=True)
// CHECK-NEXT:     shifted = x_tile - [[MAX]]
// CHECK-NEXT:     exp = tl.exp(shifted)
// CHECK-NEXT:     [[EM:exp_[0-9]+]] = tl.where(mask_1[None, :], exp, 0.0)
// CHECK-NEXT:     [[CHUNK:v[_0-9]*]] = tl.sum([[EM]], 1, keep_dims=True)
// The sum as the rolled loop keeps it (one chunk: the rescale of the empty sum so far
// adds 0), NaN where the max is -inf as exp(-inf - -inf) makes it.
// CHECK-NEXT:     [[D:v[_0-9]*]] = float('-inf') - [[MAX]]
// CHECK-NEXT:     [[A:v[_0-9]*]] = tl.exp([[D]])
// CHECK-NEXT:     [[K:v[_0-9]*]] = 0.0 * [[A]]
// CHECK-NEXT:     [[T:v[_0-9]*]] = [[K]] + [[CHUNK]]
// CHECK-NEXT:     [[E:v[_0-9]*]] = [[MAX]] == float('-inf')
// CHECK-NEXT:     [[Z:v[_0-9]*]] = tl.where([[E]], 0.0, [[T]])
// CHECK-NEXT:     [[SUM:sum[_0-9]*]] = tl.where([[E]], float('nan'), [[Z]])
// CHECK-NEXT:     y = exp / [[SUM]]
// CHECK-NEXT:     tl.store(out + offsets, y, mask_1[None, :])
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-NEXT: def launch_softmax(x, out):
// CHECK-NEXT:     _softmax_kernel[(16,)](x, out, num_warps=4, num_stages=1)
// CHECK-NOT:  tl.range
// CHECK-NOT:  tl.load

// The default config is persistent too, one row per program (no row mask needed).
// DEFAULT:      def _softmax_kernel(x, out):
// DEFAULT-NOT:  tl.range
// DEFAULT-NOT:  mask_0
// DEFAULT:          indices_1 = tl.arange(0, 512)
// DEFAULT:          x_tile = tl.load(x + offsets, {{mask_1[_0-9]*}}, other=0)
// DEFAULT-NOT:  tl.load
// DEFAULT:          _softmax_kernel[(64,)](x, out, num_warps=4, num_stages=1)
