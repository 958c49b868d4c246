// RUN: not helion-opt %s -p materialize-addressing 2>&1 | filecheck %s

// A layout offset cannot be addressed from the tensor's pointer: a clear error, not a
// silently wrong access.

tile.kernel @k(%x: memref<8x8xf32, strided<[1, 8], offset: 7>>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  tile.grid %t = %c0 to %c8, %u = %c0 to %c8 : !tile.tile<0>, !tile.tile<1> {
    %v = tile.load %x[%t, %u] {mem_id = 0 : i64} : memref<8x8xf32, strided<[1, 8], offset: 7>>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
  }
}

// CHECK-NOT: Traceback
// CHECK: helion-opt: error: {{.*}}only static strides and a zero offset are supported
