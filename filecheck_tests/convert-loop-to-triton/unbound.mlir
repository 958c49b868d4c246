// RUN: not helion-opt %s -p convert-loop-to-triton 2>&1 | filecheck %s

// convert-loop-to-triton needs every config slot bound first.

tile.kernel @k(%x: memref<64xf32>) attributes {sources = ["x"]} {
  %bs = cfg.param block_sizes[0] in #cfg.pow2<1, 64> default 64 : i64
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  loop.launch %o = %c0 to %c64 step %bs warps %c1 stages %c1 {
    %t = loop.tile %o size %bs end %c64 : !tile.tile<0>
  }
}

// CHECK: helion-opt: error: convert-loop-to-triton needs a bound module; block_sizes[0] is unbound
