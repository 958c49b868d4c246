// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16], "indexing": ["tensor_descriptor", "block_ptr", "tensor_descriptor"]}' | filecheck %s
// RUN: helion-opt %s -t triton --config '{"block_sizes": [32, 32, 32], "indexing": "block_ptr"}' | filecheck %s --check-prefix=CHECKED
// RUN: helion-opt %s -t triton --config '{"block_sizes": [16, 16, 16], "indexing": ["pointer", "pointer", "pointer"], "load_eviction_policies": ["first", "last"]}' | filecheck %s --check-prefix=EVICT

// indexing[mem_id] picks each access's form: pointer arithmetic, a block pointer or a
// tensor descriptor (made once, at kernel entry). Blocks that may run past the end get
// boundary checks; a form that is not legal for an access falls back to pointers.
// load_eviction_policies[k] sets the k-th load's eviction policy.

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

// CHECK:       x_desc = tl.make_tensor_descriptor(x, shape=[64, 32], strides=[32, 1], block_shape=[16, 16])
// CHECK-NEXT:  out_desc = tl.make_tensor_descriptor(out, shape=[64, 48], strides=[48, 1], block_shape=[16, 16])
// CHECK:       load = x_desc.load([offset_0, offset_2])
// CHECK-NEXT:  load_0 = tl.load(tl.make_block_ptr(y, [32, 48], [48, 1], [offset_2, offset_1], [16, 16], [1, 0]))
// CHECK:       out_desc.store([offset_0, offset_1], {{.*}})

// The K loop runs once here (block 32 = extent), so its offset folds to 0.
// CHECKED:     tl.load(tl.make_block_ptr(y, [32, 48], [48, 1], [0, offset_1], [32, 32], [1, 0]), boundary_check=[1], padding_option='zero')
// CHECKED:     tl.store(tl.make_block_ptr(out, [64, 48], [48, 1], [offset_0, offset_1], [32, 32], [1, 0]), {{.*}}, boundary_check=[1])

// EVICT:       tl.load(x + {{.*}}, eviction_policy='evict_first')
// EVICT:       tl.load(y + {{.*}}, eviction_policy='evict_last')
