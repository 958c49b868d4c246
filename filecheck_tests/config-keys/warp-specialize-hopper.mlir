// RUN: helion-opt %s --print-config-space --device cuda:90:132 | filecheck %s --check-prefix=SPACE
// RUN: helion-opt %s -p 'roll-reductions,convert-tile-to-loop{target="cuda:90:132"},materialize-addressing{target="cuda:90:132"},derive-config-space,bind-config{config="{\"range_warp_specializes\": [true]}"},convert-loop-to-triton' | filecheck %s --check-prefix=IR
// RUN: helion-opt %s -t triton --device cuda:90:132 --config '{"range_warp_specializes": [true], "loop_orders": [[1, 0]]}' | filecheck %s
// RUN: helion-opt %s -t triton --device cuda:90:132 --config '{"range_warp_specializes": [true], "block_sizes": [1, 128, 256], "num_stages": 4}' | filecheck %s --check-prefix=STAGES

// range_warp_specializes on Hopper (cc 9.x): a loop holding two dots (flash
// attention, here q, k, v of 2 x 4 x 512 x 64 bf16) runs FlashAttention-3's schedule,
// emitted as Gluon: a TMA producer warp, two consumer warpgroups of 64 query rows, the
// loop rotated so that the softmax of key tile j overlaps the second dot of tile j-1.
// The schedule fixes the keys it decides (TMA indexing, flat grid, 4 warps, 128 query
// rows of one head); the ring of K/V buffers is num_stages deep, or as deep as shared
// memory holds (at least two).

builtin.module {
  tile.kernel @attention(%q_view: memref<8x512x64xbf16>, %k_view: memref<8x64x512xbf16, strided<[32768, 1, 64]>>, %v_view: memref<8x512x64xbf16>, %out: memref<8x512x64xbf16>) attributes {sources = ["q_view", "k_view", "v_view", "out"]} {
    %0 = arith.constant 64 : index
    %1 = arith.constant 512 : index
    %2 = arith.constant 8 : index
    %3 = arith.constant 0 : index
    tile.grid %tile_b = %3 to %2, %tile_m = %3 to %1 : !tile.tile<0>, !tile.tile<1> {
      %rdim.2 = tile.rdim %0 : !tile.tile<2>
      %m_i = tile.full 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %l_i = tile.full 1.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
      %acc = tile.full 0.000000e+00 : f32 : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
      %q = tile.load %q_view[%tile_b, %tile_m, %rdim.2] {mem_id = 0 : i64} : memref<8x512x64xbf16>[!tile.tile<0>, !tile.tile<1>, !tile.tile<2>] -> tensor<?x?x?xbf16, #tile.blocks<0, 1, 2>>
      %acc_1, %l_i_1, %m_i_1 = tile.for %tile_n = %3 to %1 : !tile.tile<3> iter_args(%acc_2 = %acc, %l_i_2 = %l_i, %m_i_2 = %m_i) -> (tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>, tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>) {
        %k = tile.load %k_view[%tile_b, %rdim.2, %tile_n] {mem_id = 1 : i64} : memref<8x64x512xbf16, strided<[32768, 1, 64]>>[!tile.tile<0>, !tile.tile<2>, !tile.tile<3>] -> tensor<?x?x?xbf16, #tile.blocks<0, 2, 3>>
        %4 = tile.dot %q, %k : tensor<?x?x?xbf16, #tile.blocks<0, 1, 2>>, tensor<?x?x?xbf16, #tile.blocks<0, 2, 3>> -> tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>
        %5 = tile.mask %4 by %tile_n fill 0xff800000 : f32 : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>[!tile.tile<3>]
        %6 = tile.reduce max %5 dims [2] : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
        %7 = tile.full 0.180336878 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
        %8 = arith.mulf %6, %7 : tensor<?x?xf32, #tile.blocks<0, 1>>
        %m_ij = arith.maximumf %m_i_2, %8 : tensor<?x?xf32, #tile.blocks<0, 1>>
        %9 = tile.full 0.180336878 : f32 : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>
        %10 = arith.mulf %4, %9 : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>
        %11 = tile.reshape %m_ij : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?x1xf32, #tile.blocks<0, 1>>
        %12 = tile.broadcast %11 : tensor<?x?x1xf32, #tile.blocks<0, 1>> -> tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>
        %qk = arith.subf %10, %12 : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>
        %p = math.exp2 %qk : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>
        %p_1 = tile.mask %p by %tile_n fill 0.000000e+00 : f32 : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>>[!tile.tile<3>]
        %l_ij = tile.reduce sum %p_1 dims [2] : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
        %13 = arith.subf %m_i_2, %m_ij : tensor<?x?xf32, #tile.blocks<0, 1>>
        %alpha = math.exp2 %13 : tensor<?x?xf32, #tile.blocks<0, 1>>
        %14 = arith.mulf %l_i_2, %alpha : tensor<?x?xf32, #tile.blocks<0, 1>>
        %l_i_3 = arith.addf %14, %l_ij : tensor<?x?xf32, #tile.blocks<0, 1>>
        %15 = tile.reshape %alpha : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?x1xf32, #tile.blocks<0, 1>>
        %16 = tile.broadcast %15 : tensor<?x?x1xf32, #tile.blocks<0, 1>> -> tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
        %acc_3 = arith.mulf %acc_2, %16 : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
        %v = tile.load %v_view[%tile_b, %tile_n, %rdim.2] {mem_id = 2 : i64} : memref<8x512x64xbf16>[!tile.tile<0>, !tile.tile<3>, !tile.tile<2>] -> tensor<?x?x?xbf16, #tile.blocks<0, 3, 2>>
        %p_2 = tile.cast %p explicit : tensor<?x?x?xf32, #tile.blocks<0, 1, 3>> to tensor<?x?x?xbf16, #tile.blocks<0, 1, 3>>
        %p_3 = tile.mask %p_2 by %tile_n fill 0.000000e+00 : bf16 : tensor<?x?x?xbf16, #tile.blocks<0, 1, 3>>[!tile.tile<3>]
        %acc_4 = tile.dot %p_3, %v acc %acc_3 : tensor<?x?x?xbf16, #tile.blocks<0, 1, 3>>, tensor<?x?x?xbf16, #tile.blocks<0, 3, 2>>, tensor<?x?x?xf32, #tile.blocks<0, 1, 2>> -> tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
        tile.yield %acc_4, %l_i_3, %m_ij : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>, tensor<?x?xf32, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>
      }
      %17 = tile.reshape %l_i_1 : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?x1xf32, #tile.blocks<0, 1>>
      %18 = tile.broadcast %17 : tensor<?x?x1xf32, #tile.blocks<0, 1>> -> tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
      %acc_5 = arith.divf %acc_1, %18 : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>>
      %19 = tile.cast %acc_5 explicit : tensor<?x?x?xf32, #tile.blocks<0, 1, 2>> to tensor<?x?x?xbf16, #tile.blocks<0, 1, 2>>
      tile.store %19, %out[%tile_b, %tile_m, %rdim.2] {mem_id = 3 : i64} : tensor<?x?x?xbf16, #tile.blocks<0, 1, 2>>, memref<8x512x64xbf16>[!tile.tile<0>, !tile.tile<1>, !tile.tile<2>]
    }
  }
}

// SPACE:     range_warp_specializes[0]  loop.for
// SPACE-NOT: range_warp_specializes[1]

// IR:        triton.make_descriptor %q_view
// IR:        triton.for %offset.3
// IR:        } {gluon_warp_specialize}

// CHECK:       @gluon.jit
// CHECK-NEXT:  def _helion_max(a, b):
// CHECK-NEXT:      return gl.maximum(a, b, propagate_nan=tl.PropagateNan.ALL)
// CHECK:       def _attention_kernel_producer(q_view_desc, k_view_desc, v_view_desc, out_desc, q_smem, k_smem, v_smem, q_ready, q_empty, k_ready, k_empty, v_ready, v_empty):
// CHECK:           for tile in range(gl.program_id(0), 32, gl.num_programs(0)):
// CHECK-NEXT:          pid_1 = tile % 4
// CHECK-NEXT:          pid_0 = tile // 4
// CHECK:               row = pid_0 * 512 + offset_1
// CHECK:                   tma.async_copy_global_to_shared(q_view_desc, [row + c * 64, 0], q_ready.index(c), q_smem.index(c))
// CHECK:               for j in range(8):
// CHECK-NEXT:              offset_3 = 0 + j * 64
// CHECK-NEXT:              st = count % 3
// CHECK-NEXT:              mbarrier.wait(k_empty.index(st), ((count // 3) & 1) ^ 1)
// CHECK:                   tma.async_copy_global_to_shared(k_view_desc, [pid_0 * 512 + offset_3, 0], k_ready.index(st), k_smem.index(st))
// CHECK:                   tma.async_copy_global_to_shared(v_view_desc, [pid_0 * 512 + offset_3, 0], v_ready.index(st), v_smem.index(st))
// CHECK:       def _attention_kernel_consumer({{.*}}, CID: gl.constexpr):
// CHECK:               m_i = gl.full([64], float('-inf'), gl.float32, _rows(64))
// CHECK:               acc = gl.full([64, 64], 0.0, gl.float32, _mma(64))
// CHECK:               s_tok = warpgroup_mma(q_buf, k_smem.index(st).permute((1, 0)), dot, use_acc=False, is_async=True)
// CHECK-NEXT:          dot = warpgroup_mma_wait(0, deps=(s_tok,))
// CHECK:               p = gl.exp2(qk)
// CHECK:               p_operand = gl.convert_layout(p_0, _operand(64))
// CHECK-NEXT:          for j in range(1, 8):
// CHECK:                   s_tok = warpgroup_mma(q_buf, k_smem.index(st).permute((1, 0)), dot, use_acc=False, is_async=True)
// CHECK-NEXT:              o_tok = warpgroup_mma(p_operand, v_smem.index(sp), acc_0, is_async=True)
// CHECK-NEXT:              dot = warpgroup_mma_wait(1, deps=(s_tok,))
// CHECK-NEXT:              mbarrier.arrive(k_empty.index(st))
// CHECK-NEXT:              mbarrier.arrive(q_empty.index(CID), pred=j == 7)
// CHECK:                   p_1 = gl.exp2(qk_0)
// CHECK:                   acc_0, p_operand = warpgroup_mma_wait(0, deps=(o_tok, p_operand))
// CHECK-NEXT:              mbarrier.arrive(v_empty.index(sp))
// CHECK-NEXT:              acc_2 = acc_0 * alpha_0[:, None]
// CHECK:               o_tok = warpgroup_mma(p_operand, v_smem.index(sp), acc_0, is_async=True)
// CHECK:               acc_3 = acc_0 / l_i_0[:, None]
// CHECK:               o_buf.store(v_9)
// CHECK:               tma.async_copy_shared_to_global(out_desc, [pid_0 * 512 + offset_1 + CID * 64, 0], o_buf)
// CHECK:       def _attention_kernel(q_view_desc, k_view_desc, v_view_desc, out_desc):
// CHECK:           k_smem = gl.allocate_shared_memory(gl.bfloat16, [3, 64, 64], k_view_desc.layout)
// CHECK:           gl.warp_specialize(
// CHECK:               [4, 1],
// CHECK-NEXT:          [240, 24],
// CHECK:       def launch_attention(q_view, k_view, v_view, out):
// CHECK-NEXT:      q_view_desc = TensorDescriptor(q_view, [4096, 64], [64, 1], [64, 64], gl.NVMMASharedLayout.get_default_for([64, 64], gl.bfloat16))
// CHECK:           _attention_kernel[(min(_num_sm(q_view), 32),)](q_view_desc, k_view_desc, v_view_desc, out_desc, num_warps=4, maxnreg=168)

// STAGES:      k_smem = gl.allocate_shared_memory(gl.bfloat16, [3, 256, 64], k_view_desc.layout)
