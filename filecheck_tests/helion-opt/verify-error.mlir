// RUN: not helion-opt %s 2>&1 | filecheck %s

// IR that parses but does not verify is reported as one `helion-opt: error:` line
// naming the file, line and column of the bad op, the op, and the verifier's message;
// exit status 1, and no traceback.

tile.kernel @k(%x: memref<8x8xf32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  tile.grid %t = %c0 to %c8, %u = %c0 to %c8 : !tile.tile<0>, !tile.tile<1> {
    %v = tile.load %x[%t, %u] {mem_id = 0 : i64} : memref<8x8xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %s = tile.reduce sum %v dims [1] : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
  }
}

// CHECK-NOT:  Traceback
// CHECK:      helion-opt: error: {{.*}}verify-error.mlir:12:5: 'tile.reduce' op tile.reduce result dims must be [b0]
// CHECK-NOT:  Traceback
