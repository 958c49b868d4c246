// RUN: not helion-opt %s -p derive-config-space 2>&1 | filecheck %s

// Two uses of one slot with domains of the same kind but other bounds also conflict.

%a = cfg.param block_sizes[0] in #cfg.pow2<1, 8> default 8 : i64
%b = cfg.param block_sizes[0] in #cfg.pow2<1, 16> default 8 : i64

// CHECK: helion-opt: error: config slot block_sizes[0] is declared twice, differently
