// RUN: helion-opt %s -p fold-rounding-casts | filecheck %s

// A mask over a rounded value (`torch.where(keep, qk, -inf)` on bf16 scores) that is
// only read widened back selects at full precision: the where takes the f32 value and
// an f32 fill, and neither rounding stays. A where also read in bf16 (stored here)
// keeps its rounding; so does one over an explicit narrowing (the kernel's `.to()`).

tile.kernel @masked(%x: memref<32x64xf32>, %out: memref<32x64xbf16>) attributes {sources = ["x", "out"]} {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  tile.grid %tm = %c0 to %c32 : !tile.tile<0> {
    %tn = tile.rdim %c64 : !tile.tile<1>
    %v = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<32x64xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %zero = tile.full 0.000000e+00 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %keep = tile.cmp gt %v, %zero : tensor<?x?xf32, #tile.blocks<0, 1>> -> tensor<?x?xi1, #tile.blocks<0, 1>>
    %v16 = tile.cast %v : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xbf16, #tile.blocks<0, 1>>
    %ninf = tile.full 0xFF80 : bf16 : tensor<?x?xbf16, #tile.blocks<0, 1>>
    %m16 = tile.where %keep, %v16, %ninf : tensor<?x?xi1, #tile.blocks<0, 1>>, tensor<?x?xbf16, #tile.blocks<0, 1>>
    %m32 = tile.cast %m16 : tensor<?x?xbf16, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
    %e = math.exp %m32 : tensor<?x?xf32, #tile.blocks<0, 1>>
    %s16 = tile.cast %e : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xbf16, #tile.blocks<0, 1>>
    %kept16 = tile.where %keep, %s16, %ninf : tensor<?x?xi1, #tile.blocks<0, 1>>, tensor<?x?xbf16, #tile.blocks<0, 1>>
    tile.store %kept16, %out[%tm, %tn] {mem_id = 1 : i64} : tensor<?x?xbf16, #tile.blocks<0, 1>>, memref<32x64xbf16>[!tile.tile<0>, !tile.tile<1>]
    %x16 = tile.cast %e explicit : tensor<?x?xf32, #tile.blocks<0, 1>> to tensor<?x?xbf16, #tile.blocks<0, 1>>
    %n16 = tile.where %keep, %x16, %ninf : tensor<?x?xi1, #tile.blocks<0, 1>>, tensor<?x?xbf16, #tile.blocks<0, 1>>
    %n32 = tile.cast %n16 : tensor<?x?xbf16, #tile.blocks<0, 1>> to tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %n32, %x[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<32x64xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// CHECK:       %keep = tile.cmp gt %v, %zero
// CHECK-NEXT:  %ninf = tile.full 0xff80 : bf16
// CHECK-NEXT:  [[FILL:%.*]] = tile.full 0xff800000 : f32 : tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:  [[WIDE:%.*]] = tile.where %keep, %v, [[FILL]] : tensor<?x?xi1, #tile.blocks<0, 1>>, tensor<?x?xf32, #tile.blocks<0, 1>>
// CHECK-NEXT:  %e = math.exp [[WIDE]]
// CHECK-NEXT:  %s16 = tile.cast %e : {{.*}} to tensor<?x?xbf16, #tile.blocks<0, 1>>
// CHECK-NEXT:  %kept16 = tile.where %keep, %s16, %ninf
// CHECK:       %x16 = tile.cast %e explicit
// CHECK-NEXT:  %n16 = tile.where %keep, %x16, %ninf
// CHECK-NEXT:  %n32 = tile.cast %n16
