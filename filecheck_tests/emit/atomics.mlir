// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16]}' | filecheck %s
// RUN: helion-opt %s -t triton --device cuda:90:132 --config '{"block_sizes": [16, 16], "atomic_indexing": "tensor_descriptor"}' | filecheck %s --check-prefix=TMA
// RUN: helion-opt %s --print-config-space | filecheck %s --check-prefix=SPACE-CPU
// RUN: helion-opt %s --print-config-space --device cuda:90:132 | filecheck %s --check-prefix=SPACE-H100
// RUN: not helion-opt %s -t triton --device cuda:x 2>&1 | filecheck %s --check-prefix=BAD-DEVICE

// Atomics through pointers (their bounds masks applied) and kernel-given masks on a
// load and a store (ANDed into the bounds masks; such accesses stay pointers). With
// atomic_indexing = tensor_descriptor on Hopper, the add whose old values go unused
// becomes a TMA reduction; the one whose old values are used stays a pointer atomic.
// tl.atomic_cas takes no mask: the masked compare-and-swap sends its out-of-bounds
// lanes to the largest in-bounds offset with nothing to swap (their value for itself);
// the scalar one needs no mask. Constants are spelled out in the value's dtype:
// tl.atomic_cas neither converts nor broadcasts.

builtin.module {
  tile.kernel @k(%x: memref<40x24xf32>, %out: memref<24xf32>, %cnt: memref<40x24xf32>) attributes {sources = ["x", "out", "cnt"]} {
    %c0 = arith.constant 0 : index
    %c40 = arith.constant 40 : index
    %c24 = arith.constant 24 : index
    tile.grid %tm = %c0 to %c40, %tn = %c0 to %c24 : !tile.tile<0>, !tile.tile<1> {
      %zero = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %v = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<40x24xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %pos = tile.cmp gt %v, %zero : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xi1, #tile.blocks<0, 1>>
      %w = tile.load %x[%tm, %tn] mask %pos {mem_id = 1 : i64} : memref<40x24xf32>[!tile.tile<0>, !tile.tile<1>] mask tensor<?x?xi1, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %s = tile.reduce sum %w dims [0] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?xf32, #tile.blocks<1>>
      %o1 = tile.atomic add %s, %out[%tn] {mem_id = 2 : i64, sem = "relaxed"} : tensor<?xf32, #tile.blocks<1>>, memref<24xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
      %o2 = tile.atomic add %v, %cnt[%tm, %tn] {mem_id = 3 : i64, sem = "relaxed"} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<40x24xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      %o3 = tile.atomic max %v, %cnt[%tm, %tn] {mem_id = 4 : i64, sem = "acquire"} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<40x24xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %o3, %x[%tm, %tn] mask %pos {mem_id = 5 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<40x24xf32>[!tile.tile<0>, !tile.tile<1>] mask tensor<?x?xi1, #tile.blocks<0, 1>>
      %o4 = tile.atomic cas %v, %cnt[%tm, %tn] expected %o3 {mem_id = 6 : i64, sem = "relaxed"} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<40x24xf32>[!tile.tile<0>, !tile.tile<1>] expected tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
      tile.store %o4, %x[%tm, %tn] {mem_id = 7 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<40x24xf32>[!tile.tile<0>, !tile.tile<1>]
      %total = tile.reduce sum %s dims [0] : tensor<?xf32, #tile.blocks<1>> -> tensor<f32>
      %none = tile.full 0.000000e+00 : f32 : tensor<f32>
      %o5 = tile.atomic cas %total, %out[%c0] expected %none {mem_id = 8 : i64, sem = "release"} : tensor<f32>, memref<24xf32>[index] expected tensor<f32> -> tensor<f32>
    }
  }
}

// CHECK:      def _k_kernel(x, out, cnt):
// CHECK:          mask = mask_0[:, None] & mask_1[None, :]
// CHECK-NEXT:     v_0 = tl.load(x + offsets, mask, other=0)
// CHECK-NEXT:     pos = v_0 > 0.0
// CHECK-NEXT:     mask_2 = mask & pos
// CHECK-NEXT:     w = tl.load(x + offsets, mask_2, other=0)
// CHECK-NEXT:     s = tl.sum(w, 0)
// CHECK-NEXT:     tl.atomic_add(out + indices_1, s, mask=mask_1, sem='relaxed')
// CHECK-NEXT:     tl.atomic_add(cnt + offsets, v_0, mask=mask, sem='relaxed')
// CHECK-NEXT:     o3 = tl.atomic_max(cnt + offsets, v_0, mask=mask, sem='acquire')
// CHECK-NEXT:     tl.store(x + offsets, o3, mask_2)
// CHECK-NEXT:     cas_lanes = tl.where(mask, offsets, 0)
// CHECK-NEXT:     cas_lane = tl.max(tl.reshape(cas_lanes, [256]), 0)
// CHECK-NEXT:     cas_offsets = tl.where(mask, offsets, cas_lane)
// CHECK-NEXT:     cmp = tl.where(mask, o3, v_0)
// CHECK-NEXT:     o4 = tl.atomic_cas(cnt + cas_offsets, cmp, v_0, sem='relaxed')
// CHECK-NEXT:     tl.store(x + offsets, o4, mask)
// CHECK-NEXT:     total = tl.sum(s, 0)
// CHECK-NEXT:     none = tl.full([], 0.0, tl.float32)
// CHECK-NEXT:     tl.atomic_cas(out + 0, none, total, sem='release')

// TMA:      def _k_kernel(x, out, cnt):
// TMA-NEXT:     cnt_desc = tl.make_tensor_descriptor(cnt, shape=[40, 24], strides=[24, 1], block_shape=[16, 16])
// TMA:          tl.atomic_add(out + indices_1, s, mask=mask_1, sem='relaxed')
// TMA-NEXT:     cnt_desc.atomic_add([offset_0, offset_1], v_0)
// TMA-NEXT:     o3 = tl.atomic_max(cnt + offsets, v_0, mask=mask, sem='acquire')
// TMA:          o4 = tl.atomic_cas(cnt + cas_offsets, cmp, v_0, sem='relaxed')

// SPACE-CPU:       atomic_indexing[0] {{.*}} one of 'pointer' {{.*}}'pointer'
// SPACE-H100:      atomic_indexing[0] {{.*}} one of 'pointer', 'tensor_descriptor' {{.*}}'pointer'
// SPACE-H100-NEXT: atomic_indexing[1]
// SPACE-H100-NEXT: atomic_indexing[2]
// SPACE-H100-NEXT: atomic_indexing[3]
// SPACE-H100-NEXT: atomic_indexing[4]
// SPACE-H100:      maxnreg

// BAD-DEVICE: helion-opt: error: unknown target 'cuda:x': use 'cpu' or 'cuda:<capability>:<sms>'
