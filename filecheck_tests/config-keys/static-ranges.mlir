// RUN: helion-opt %s -t triton --config '{"block_sizes": [4], "static_ranges": [true]}' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [4], "range_unroll_factors": [0, 2]}' | filecheck %s --check-prefix=RANGE
// RUN: helion-opt %s --print-config-space | filecheck %s --check-prefix=SPACE

// static_ranges[i]: a device loop with a fixed block size and at most 8 trips (here
// 100 / 16 -> 7) may be unrolled by Triton as tl.static_range; otherwise tl.range.

tile.kernel @chunked_row_sum(%x: memref<10x100xf32>, %out: memref<10xf32>) attributes {sources = ["x", "out"]} {
  %c100 = arith.constant 100 : index
  %c10 = arith.constant 10 : index
  %c0 = arith.constant 0 : index
  tile.grid %tm = %c0 to %c10 : !tile.tile<0> {
    %acc = tile.full 0.000000e+00 : f32 : tensor<?xf32, #tile.blocks<0>>
    %sum = tile.for %tn = %c0 to %c100 : !tile.tile<1> iter_args(%a = %acc) -> (tensor<?xf32, #tile.blocks<0>>) {
      %v = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<10x100xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %s = tile.reduce sum %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<0>>
      %n = arith.addf %a, %s : tensor<?xf32, #tile.blocks<0>>
      tile.yield %n : tensor<?xf32, #tile.blocks<0>>
    } {block_sizes = array<i64: 16>}
    tile.store %sum, %out[%tm] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<10xf32>[!tile.tile<0>]
  }
}

// CHECK:      for offset_1 in tl.static_range(0, 100, 16):
// RANGE:      for offset_1 in tl.range(0, 100, 16, loop_unroll_factor=2):
// SPACE:      static_ranges[0] {{.*}} one of False, True {{.*}}False
