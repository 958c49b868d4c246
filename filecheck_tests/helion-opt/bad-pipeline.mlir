// RUN: not helion-opt %s -p roll-reduction 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not helion-opt %s -p tile-insert-masks,frobnicate 2>&1 | filecheck %s --check-prefix=FAR
// RUN: not helion-opt %s -p 'roll-reductions{foo=1}' 2>&1 | filecheck %s --check-prefix=OPTION
// RUN: not helion-opt %s -p 'convert-tile-to-loop{targt=cpu}' 2>&1 | filecheck %s --check-prefix=OPTIONS
// RUN: not helion-opt %s -p 'convert-tile-to-loop{target=1}' 2>&1 | filecheck %s --check-prefix=VALUE
// RUN: not helion-opt %s -p 'roll-reductions{' 2>&1 | filecheck %s --check-prefix=MALFORMED
// RUN: not helion-opt %s -p 'convert-tile-to-loop{target=cuda:90:132}' 2>&1 | filecheck %s --check-prefix=UNQUOTED

// A -p pipeline that names a pass or option that does not exist, or that does not
// parse, is one diagnostic before any input is read: the closest pass names (or where
// to find them all), the options the pass has, or where the spec breaks and how to
// write it. Never a Python traceback.

tile.kernel @k(%x: memref<8xf32>) attributes {sources = ["x"]} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  tile.grid %t = %c0 to %c8 : !tile.tile<0> {
    %v = tile.load %x[%t] {mem_id = 0 : i64} : memref<8xf32>[!tile.tile<0>] -> tensor<?xf32, #tile.blocks<0>>
    tile.store %v, %x[%t] {mem_id = 1 : i64} : tensor<?xf32, #tile.blocks<0>>, memref<8xf32>[!tile.tile<0>]
  }
}

// UNKNOWN:    helion-opt: error: unknown pass 'roll-reduction'; did you mean roll-reductions? helion-opt --help lists every pass (under -p)

// FAR:        helion-opt: error: unknown pass 'frobnicate'; helion-opt --help lists every pass (under -p)

// OPTION:     helion-opt: error: pass roll-reductions has no option 'foo'; it takes no options

// OPTIONS:    helion-opt: error: pass convert-tile-to-loop has no option 'targt'; its options are target

// VALUE:      helion-opt: error: pass convert-tile-to-loop: bad option value ({{.*}}); its options are target

// MALFORMED:      helion-opt: error: malformed pass pipeline at pass-pipeline:1:17
// MALFORMED-NEXT: roll-reductions{
// MALFORMED-NEXT:                 ^
// MALFORMED-NEXT:                 Expected argument name here
// MALFORMED-NEXT: write passes separated by commas, each as name or name{option=value ...}, quoting a value that is not a plain word or number, e.g. convert-tile-to-loop{target="cuda:90:132"}

// UNQUOTED:   helion-opt: error: malformed pass pipeline at pass-pipeline:1:33
