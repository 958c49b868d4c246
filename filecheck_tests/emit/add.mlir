// RUN: helion-opt %s -t triton | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [4, 2], "num_warps": 2}' | filecheck %s --check-prefix=FULL

// `-t triton` on the add kernel as the frontend gives it: lowered through every stage,
// bound to the default config (32 x 32 blocks) or to --config, and printed as Python.

tile.kernel @add(%x: memref<100x70xf32>, %y: memref<70xf32>, %out: memref<100x70xf32>) attributes {sources = ["x", "y", "out"]} {
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  tile.grid %tm = %c0 to %c100, %tn = %c0 to %c70 : !tile.tile<0>, !tile.tile<1> {
    %xt = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %yt = tile.load %y[%tn] {mem_id = 1 : i64} : memref<70xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    %yr = tile.reshape %yt : tensor<?xf32, #tile.blocks<1>> -> tensor<1x?xf32, #tile.blocks<1>>
    %yb = tile.broadcast %yr : tensor<1x?xf32, #tile.blocks<1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum = arith.addf %xt, %yb : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %sum, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK:      import triton
// CHECK-NEXT: import triton.language as tl
// CHECK:      @triton.jit
// CHECK-NEXT: def _add_kernel(x, y, out):
// CHECK-NEXT:     pid = tl.program_id(0)
// CHECK-NEXT:     pid_0 = pid % 4
// CHECK-NEXT:     pid_1 = pid // 4
// CHECK-NEXT:     offset_0 = pid_0 * 32
// CHECK-NEXT:     offset_1 = pid_1 * 32
// CHECK-NEXT:     arange_0 = tl.arange(0, 32)
// CHECK-NEXT:     indices_0 = offset_0 + arange_0
// CHECK-NEXT:     mask_0 = indices_0 < 100
// CHECK-NEXT:     indices_1 = offset_1 + arange_0
// CHECK-NEXT:     mask_1 = indices_1 < 70
// CHECK-NEXT:     [[ROW:v[_0-9]*]] = indices_0[:, None] * 70
// CHECK-NEXT:     offsets = [[ROW]] + indices_1[None, :]
// CHECK-NEXT:     mask = mask_0[:, None] & mask_1[None, :]
// CHECK-NEXT:     xt = tl.load(x + offsets, mask, other=0)
// CHECK-NEXT:     yt = tl.load(y + indices_1, mask_1, other=0)
// CHECK-NEXT:     [[SUM:sum[_0-9]*]] = xt + yt[None, :]
// CHECK-NEXT:     tl.store(out + offsets, [[SUM]], mask)
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-NEXT: def launch_add(x, y, out):
// CHECK-NEXT:     _add_kernel[(12,)](x, y, out, num_warps=4, num_stages=1)

// Blocks that divide the extents need no masks: plain loads and stores.
// FULL:       def _add_kernel(x, y, out):
// FULL-NOT:   mask
// FULL:           xt = tl.load(x + offsets)
// FULL-NEXT:      yt = tl.load(y + indices_1)
// FULL-NOT:   mask
// FULL:           tl.store(out + offsets, {{sum[_0-9]*}})
// FULL:       def launch_add(x, y, out):
// FULL-NEXT:      _add_kernel[(875,)](x, y, out, num_warps=2, num_stages=1)
