// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16], "l2_groupings": [2]}' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16], "l2_groupings": [2], "pid_type": "persistent_interleaved"}' | filecheck %s --check-prefix=PERSISTENT

// l2_groupings: programs walk the output in bands of G rows, so that neighbouring
// programs share inputs in L2 (the formula of Triton's grouped matmul).

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

// CHECK:       pid = tl.program_id(0)
// CHECK-NEXT:  v = pid // 6
// CHECK-NEXT:  first_pid = v * 2
// CHECK-NEXT:  v_0 = 4 - first_pid
// CHECK-NEXT:  group_size = tl.minimum(v_0, 2)
// CHECK-NEXT:  v_1 = pid % 6
// CHECK-NEXT:  v_2 = v_1 % group_size
// CHECK-NEXT:  pid_0 = first_pid + v_2
// CHECK-NEXT:  pid_1 = v_1 // group_size

// PERSISTENT:  for virtual_pid in tl.range(pid, 12, num_programs):
// PERSISTENT:      first_pid = {{.*}} * 2
