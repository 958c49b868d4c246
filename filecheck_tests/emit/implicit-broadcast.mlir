// RUN: helion-opt %s -t triton | filecheck %s

// Fills, splats and broadcasts feeding elementwise ops print as their sources, and
// Triton broadcasts them; where the sources together fall short of the op's shape
// (here a scalar times a [1, 32, 1] tensor, for a [1, 32, 16] result), one operand
// is spelled out in full.

triton.kernel @_k_kernel(%x: !triton.ptr<f32>) {
  %c0 = arith.constant 0 : index
  %col = triton.load %x[%c0] : !triton.ptr<f32>[index] -> tensor<1x32x1xf32>
  %zero = triton.full 0.000000e+00 : f32 : tensor<1x32x16xf32>
  %wide = triton.broadcast_to %col : tensor<1x32x1xf32> -> tensor<1x32x16xf32>
  %short = arith.mulf %zero, %wide : tensor<1x32x16xf32>
  %row = triton.load %x[%c0] : !triton.ptr<f32>[index] -> tensor<1x1x16xf32>
  %wide_row = triton.broadcast_to %row : tensor<1x1x16xf32> -> tensor<1x32x16xf32>
  %enough = arith.addf %wide, %wide_row : tensor<1x32x16xf32>
  triton.store %short, %x[%c0] : tensor<1x32x16xf32>, !triton.ptr<f32>[index]
  triton.store %enough, %x[%c0] : tensor<1x32x16xf32>, !triton.ptr<f32>[index]
}

// CHECK:      short = tl.full([1, 32, 16], 0.0, tl.float32) * col
// CHECK:      enough = col + row
