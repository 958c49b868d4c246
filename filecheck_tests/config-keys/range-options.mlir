// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16], "range_unroll_factors": [0, 2], "range_num_stages": [0, 3], "range_multi_buffers": [null, false], "range_flattens": [null, true]}' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16], "pid_type": "persistent_blocked", "range_unroll_factors": [4, 0], "range_num_stages": [2, 0]}' | filecheck %s --check-prefix=PERSISTENT
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16], "range_num_stages": [0, 3], "indexing": ["tensor_descriptor", "pointer", "pointer"]}' | filecheck %s --check-prefix=TMA
// RUN: helion-opt %s -t triton --device cuda:100:148 --config '{"block_sizes": [16, 16, 16], "range_warp_specializes": [null, true], "pid_type": "persistent_blocked", "maxnreg": 128}' | filecheck %s --check-prefix=BLACKWELL
// RUN: helion-opt %s --print-config-space --device cuda:100:148 | filecheck %s --check-prefix=SPACE-BLACKWELL
// RUN: helion-opt %s --print-config-space --device cuda:90:132 | filecheck %s --check-prefix=SPACE-HOPPER

// range_* options: tl.range keyword arguments of each loop (the grid's entry applies
// to the loop a persistent kernel runs). With a tensor descriptor in the kernel,
// software pipelining (num_stages) is dropped, as Helion does. Warp specialization is
// offered on Blackwell (cc >= 10) only; maxnreg on CUDA, with persistent kernels.

builtin.module {
  tile.kernel @matmul(%x: memref<64x32xf32>, %y: memref<32x48xf32>, %out: memref<64x48xf32>) attributes {sources = ["x", "y", "out"]} {
    %0 = arith.constant 32 : index
    %1 = arith.constant 48 : index
    %2 = arith.constant 64 : index
    %3 = arith.constant 0 : index
    tile.grid %tile_m = %3 to %2, %tile_n = %3 to %1 : !tile.tile<0>, !tile.tile<1> {
      %acc = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %acc_1 = tile.for %tile_k = %3 to %0 : !tile.tile<2> iter_args(%acc_2 = %acc) -> (tensor<?x?xf32, #tile.blocks<0, 1>>) {
        %4 = tile.load %x[%tile_m, %tile_k] {mem_id = 0 : i64} : memref<64x32xf32>[!tile.tile<0>, !tile.tile<2>] -> tensor<?x?xf32, #tile.blocks<0, 2>>
        %5 = tile.load %y[%tile_k, %tile_n] {mem_id = 1 : i64} : memref<32x48xf32>[!tile.tile<2>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<2, 1>>
        %acc_3 = tile.dot %4, %5 acc %acc_2 : tensor<?x?xf32, #tile.blocks<0, 2>>, tensor<?x?xf32, #tile.blocks<2, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
        tile.yield %acc_3 : tensor<?x?xf32, #tile.blocks<0, 1>>
      }
      tile.store %acc_1, %out[%tile_m, %tile_n] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<64x48xf32>[!tile.tile<0>, !tile.tile<1>]
    }
  }
}

// CHECK:       for offset_2 in tl.range(0, 32, 16, loop_unroll_factor=2, num_stages=3, disallow_acc_multi_buffer=True, flatten=True):

// PERSISTENT:  for virtual_pid in tl.range(start, end, 1, loop_unroll_factor=4, num_stages=2):
// PERSISTENT:      for offset_2 in tl.range(0, 32, 16):

// TMA:         x_desc = tl.make_tensor_descriptor
// TMA:         for offset_2 in tl.range(0, 32, 16):

// BLACKWELL:      for offset_2 in tl.range(0, 32, 16, warp_specialize=True):
// BLACKWELL:      _matmul_kernel[(min(12, _num_sm(x) * 1),)](x, y, out, num_warps=4, num_stages=3, maxnreg=128)

// SPACE-BLACKWELL: range_warp_specializes[0]
// SPACE-BLACKWELL: range_warp_specializes[1]
// SPACE-BLACKWELL: maxnreg {{.*}} one of None, 32, 64, 128, 256

// SPACE-HOPPER-NOT: range_warp_specializes
// SPACE-HOPPER:     maxnreg
