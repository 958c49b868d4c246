// RUN: helion-opt %s -p materialize-addressing | filecheck %s

// tile.load/tile.store become mem.load/mem.store with one stride per dim. Strides come
// from the memref's strided layout (x is a transposed, column-major view: strides
// [1, 100]; y takes every other element: [2]) or are row-major ([70, 1] for out).
// Each distinct stride is one index constant at the top of the kernel, shared by all
// accesses.

tile.kernel @add_t(%x: memref<100x70xf32, strided<[1, 100]>>, %y: memref<70xf32, strided<[2]>>, %out: memref<100x70xf32>) attributes {sources = ["x.t()", "y[::2]", "out"]} {
  %bs0 = cfg.param block_sizes[0] in #cfg.pow2<1, 128> default 32 : i64
  %bs1 = cfg.param block_sizes[1] in #cfg.pow2<1, 128> default 32 : i64
  %warps = cfg.param num_warps in #cfg.pow2<1, 32> default 4 : i64
  %stages = cfg.param num_stages in #cfg.int<1, 8> default 1 : i64
  %zero = arith.constant 0 : index
  %n = arith.constant 70 : index
  %m = arith.constant 100 : index
  loop.launch %o0 = %zero to %m step %bs0, %o1 = %zero to %n step %bs1 warps %warps stages %stages {
    %tm = loop.tile %o0 size %bs0 end %m : !tile.tile<0>
    %tn = loop.tile %o1 size %bs1 end %n : !tile.tile<1>
    %xt = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<100x70xf32, strided<[1, 100]>>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %yt = tile.load %y[%tn] {mem_id = 1 : i64} : memref<70xf32, strided<[2]>>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    %yr = tile.reshape %yt : tensor<?xf32, #tile.blocks<1>> -> tensor<1x?xf32, #tile.blocks<1>>
    %yb = tile.broadcast %yr : tensor<1x?xf32, #tile.blocks<1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum = arith.addf %xt, %yb : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %sum, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK-LABEL: tile.kernel @add_t
// CHECK-DAG:     %[[S70:.*]] = arith.constant 70 : index
// CHECK-DAG:     %[[S2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[S100:.*]] = arith.constant 100 : index
// CHECK-DAG:     %[[S1:.*]] = arith.constant 1 : index
// CHECK:         %bs0 = cfg.param block_sizes[0]
// CHECK:         loop.launch
// CHECK-NEXT:      %tm = loop.tile
// CHECK-NEXT:      %tn = loop.tile
// CHECK-NEXT:      %xt = mem.load %x[%tm, %tn] strides(%[[S1]], %[[S100]]) {mem_id = 0 : i64{{.*}}} : memref<100x70xf32, strided<[1, 100]>>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:      %yt = mem.load %y[%tn] strides(%[[S2]]) {mem_id = 1 : i64{{.*}}} : memref<70xf32, strided<[2]>>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
// CHECK-NEXT:      %yr = tile.reshape %yt
// CHECK-NEXT:      %yb = tile.broadcast %yr
// CHECK-NEXT:      %sum = arith.addf %xt, %yb
// CHECK-NEXT:      mem.store %sum, %out[%tm, %tn] strides(%[[S70]], %[[S1]]) {mem_id = 2 : i64{{.*}}} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
// CHECK-NEXT:    }
// CHECK-NOT:     tile.load
// CHECK-NOT:     tile.store
