// RUN: helion-opt %s -p fold-rounding-casts | filecheck %s

// A bf16 result that only goes back to f32 keeps its f32 bits; a narrowing whose
// result is also used in bf16 stays for that use; an explicit narrowing (the kernel's
// `.to()`) keeps its rounding; widening then narrowing, narrowing to another type
// than the source's, and narrowing to f32 (not a reduced-precision rounding) are not
// folded.

tile.kernel @chain(%x: memref<32x64xbf16>, %out: memref<32x64xbf16>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  tile.grid %tm = %c0 to %c32 : !tile.tile<0> {
    %tn = tile.rdim %c64 : !tile.tile<1>
    %v = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<32x64xbf16>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xbf16, #tile.blocks<0, 1>>
    %w = tile.cast %v : tensor<?x?xbf16, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
    %e = math.exp %w : tensor<?x?xf32, #tile.blocks<0, 1>>
    %e16 = tile.cast %e : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xbf16, #tile.blocks<0, 1>>
    %e32 = tile.cast %e16 : tensor<?x?xbf16, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
    %s = arith.mulf %e32, %e32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %s16 = tile.cast %s : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xbf16, #tile.blocks<0, 1>>
    %s32 = tile.cast %s16 : tensor<?x?xbf16, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
    %t = arith.addf %s32, %w : tensor<?x?xf32, #tile.blocks<0, 1>>
    %q16 = tile.cast %t explicit : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xbf16, #tile.blocks<0, 1>>
    %q32 = tile.cast %q16 : tensor<?x?xbf16, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
    %q = arith.addf %q32, %t : tensor<?x?xf32, #tile.blocks<0, 1>>
    %t64 = tile.cast %q : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xf64, #tile.blocks<0, 1>>
    %t32 = tile.cast %t64 : tensor<?x?xf64, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
    %w64 = tile.cast %t32 : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xf64, #tile.blocks<0, 1>>
    %z = arith.addf %w64, %t64 : tensor<?x?xf64, #tile.blocks<0, 1>>
    %h = tile.cast %t32 : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xf16, #tile.blocks<0, 1>>
    %h64 = tile.cast %h : tensor<?x?xf16, #tile.blocks<0, 1>> to tensor<?x?xf64, #tile.blocks<0, 1>>
    %r = tile.cast %h64 : tensor<?x?xf64, #tile.blocks<0, 1>> to tensor<?x?xbf16, #tile.blocks<0, 1>>
    tile.store %s16, %out[%tm, %tn] {mem_id = 1 : i64} : tensor<?x?xbf16, #tile.blocks<0, 1>>, memref<32x64xbf16>[!tile.tile<0>, !tile.tile<1>]
    tile.store %r, %out[%tm, %tn] {mem_id = 1 : i64} : tensor<?x?xbf16, #tile.blocks<0, 1>>, memref<32x64xbf16>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK:      %w = tile.cast %v : tensor<?x?xbf16, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT: %e = math.exp %w
// CHECK-NEXT: %s = arith.mulf %e, %e
// CHECK-NEXT: %s16 = tile.cast %s : {{.*}}xf32{{.*}} to {{.*}}xbf16
// CHECK-NEXT: %t = arith.addf %s, %w
// CHECK-NEXT: %q16 = tile.cast %t explicit : {{.*}}xf32{{.*}} to {{.*}}xbf16
// CHECK-NEXT: %q32 = tile.cast %q16 : {{.*}}xbf16{{.*}} to {{.*}}xf32
// CHECK-NEXT: %q = arith.addf %q32, %t
// CHECK-NEXT: %t64 = tile.cast %q : {{.*}}xf32{{.*}} to {{.*}}xf64
// CHECK-NEXT: %t32 = tile.cast %t64 : {{.*}}xf64{{.*}} to {{.*}}xf32
// CHECK-NEXT: %w64 = tile.cast %t32 : {{.*}}xf32{{.*}} to {{.*}}xf64
// CHECK-NEXT: %z = arith.addf %w64, %t64
// CHECK-NEXT: %h = tile.cast %t32 : {{.*}}xf32{{.*}} to {{.*}}xf16
// CHECK-NEXT: %h64 = tile.cast %h : {{.*}}xf16{{.*}} to {{.*}}xf64
// CHECK-NEXT: %r = tile.cast %h64
// CHECK-NEXT: tile.store %s16, %out[%tm, %tn]
