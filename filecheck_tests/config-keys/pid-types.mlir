// RUN: helion-opt %s -t triton --config '{"block_sizes": [8, 16]}' | filecheck %s --check-prefix=FLAT
// RUN: helion-opt %s -t triton --config '{"block_sizes": [8, 16], "loop_orders": [[1, 0]]}' | filecheck %s --check-prefix=ORDER
// RUN: helion-opt %s -t triton --config '{"block_sizes": [8, 16], "pid_type": "xyz", "loop_orders": [[1, 0]]}' | filecheck %s --check-prefix=XYZ
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16], "pid_type": "persistent_blocked", "num_sm_multiplier": 2}' | filecheck %s --check-prefix=BLOCKED
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16], "pid_type": "persistent_interleaved"}' | filecheck %s --check-prefix=INTERLEAVED

// pid_type and loop_orders: how programs map to tiles. flat splits one program id,
// the first dim of loop_orders fastest; xyz uses one grid axis per dim; persistent
// kernels launch min(tiles, SMs * num_sm_multiplier) programs that loop over the tiles,
// in contiguous chunks (blocked) or strided (interleaved).

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

// FLAT:        pid = tl.program_id(0)
// FLAT-NEXT:   pid_0 = pid % 8
// FLAT-NEXT:   pid_1 = pid // 8
// FLAT:        _scale_kernel[(24,)]

// ORDER:       pid = tl.program_id(0)
// ORDER-NEXT:  pid_1 = pid % 3
// ORDER-NEXT:  pid_0 = pid // 3

// XYZ:         pid_1 = tl.program_id(0)
// XYZ-NEXT:    pid_0 = tl.program_id(1)
// XYZ:         _scale_kernel[(3, 8,)]

// BLOCKED:      from helion_mlir.runtime.device import num_sm as _num_sm
// BLOCKED:      num_programs = tl.num_programs(0)
// BLOCKED-NEXT: chunk = tl.cdiv(12, num_programs)
// BLOCKED-NEXT: start = pid * chunk
// BLOCKED:      end = tl.minimum({{.*}}, 12)
// BLOCKED-NEXT: for virtual_pid in tl.range(start, end, 1):
// BLOCKED-NEXT:     pid_0 = virtual_pid % 4
// BLOCKED:      _scale_kernel[(min(12, _num_sm(x) * 2),)]

// INTERLEAVED:      for virtual_pid in tl.range(pid, 12, num_programs):
// INTERLEAVED:      _scale_kernel[(min(12, _num_sm(x) * 1),)]
