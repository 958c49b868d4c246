// RUN: helion-opt %s -t triton --config '{"block_sizes": [4, 32], "flatten_loops": [true]}' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [4, 16], "flatten_loops": [true], "loop_orders": [[1, 0]]}' | filecheck %s --check-prefix=ORDER
// RUN: helion-opt %s -t triton --config '{"block_sizes": [8, 8], "flatten_loops": [true]}' | filecheck %s --check-prefix=MASKED

// flatten_loops: one flat index vector of block_sizes[0] * block_sizes[1] lanes covers
// both dims; each dim's indices come back by % and // (the last dim in loop_orders
// varies fastest), and one mask covers the flat range when the blocks do not divide it.

builtin.module {
  tile.kernel @scale(%x: memref<64x48xf32>, %out: memref<64x48xf32>) attributes {sources = ["x", "out"]} {
    %0 = arith.constant 48 : index
    %1 = arith.constant 64 : index
    %2 = arith.constant 0 : index
    tile.grid %tm = %2 to %1, %tn = %2 to %0 : !tile.tile<0>, !tile.tile<1> {
      %3 = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<64x48xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %4 = tile.full 2.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %5 = arith.mulf %3, %4 : tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %5, %out[%tm, %tn] {mem_id = 1 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x48xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK:       pid = tl.program_id(0)
// CHECK-NEXT:  arange = tl.arange(0, 128)
// CHECK-NEXT:  offset = pid * 128
// CHECK-NEXT:  flat = offset + arange
// CHECK-NEXT:  indices_1 = flat % 48
// CHECK-NEXT:  indices_0 = flat // 48
// CHECK:       load = tl.load(x + offsets)
// CHECK:       tl.store(out + offsets, {{.*}})
// CHECK:       _scale_kernel[(24,)](x, out

// ORDER:       indices_0 = flat % 64
// ORDER-NEXT:  indices_1 = flat // 64

// MASKED:      arange = tl.arange(0, 64)
// MASKED:      tl.load(x + offsets)
// MASKED:      _scale_kernel[(48,)]
