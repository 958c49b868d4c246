// RUN: echo '{"block_sizes": [4, 2], "num_warps": 2}' > %t.json
// RUN: helion-opt %s -t triton --config-file %t.json | filecheck %s

// --config-file reads the -t triton config from a JSON file.

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

// CHECK:      def _add_kernel(x, y, out):
// CHECK:          offset_0 = pid_0 * 4
// CHECK-NEXT:     offset_1 = pid_1 * 2
// CHECK:      def launch_add(x, y, out):
// CHECK-NEXT:     _add_kernel[(875,)](x, y, out, num_warps=2, num_stages=1)
