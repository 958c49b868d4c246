// RUN: not helion-opt %s -t triton --config '{"block_sizes": [3, 32]}' 2>&1 | filecheck %s --check-prefix=POW2
// RUN: not helion-opt %s -t triton --config '{"num_stages": 9}' 2>&1 | filecheck %s --check-prefix=RANGE
// RUN: not helion-opt %s -t triton --config '{"block_sizes": [32]}' 2>&1 | filecheck %s --check-prefix=LENGTH
// RUN: not helion-opt %s -t triton --config '{"blocksizes": [32, 32]}' 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not helion-opt %s -t triton --config '{"block_sizes": [32, 32' 2>&1 | filecheck %s --check-prefix=JSON
// RUN: not helion-opt %s -t triton --config '[32, 32]' 2>&1 | filecheck %s --check-prefix=OBJECT
// RUN: not helion-opt %s -p tile-insert-masks,tile-prune-masks,roll-reductions,convert-tile-to-loop,materialize-addressing,derive-config-space,'bind-config{config="{\"block_sizes\": [32, 3]}"}' 2>&1 | filecheck %s --check-prefix=BIND

// A config that does not fit the kernel's search space is an error naming the slot or
// key, the value given and the domain it must be in; nothing is printed on stdout.

tile.kernel @add(%x: memref<100x70xf32>, %y: memref<70xf32>, %out: memref<100x70xf32>) attributes {sources = ["x", "y", "out"]} {
  %c70 = arith.constant 70 : index
  %c100 = arith.constant 100 : index
  %c0 = arith.constant 0 : index
  tile.grid %tm = %c0 to %c100, %tn = %c0 to %c70 : !tile.tile<0>, !tile.tile<1> {
    %xt = tile.load %x[%tm, %tn] {mem_id = 0 : i64} : memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>] -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %yt = tile.load %y[%tn] {mem_id = 1 : i64} : memref<70xf32>[!tile.tile<1>] -> tensor<?xf32, #tile.blocks<1>>
    %yr = tile.reshape %yt : tensor<?xf32, #tile.blocks<1>> -> tensor<1x?xf32, #tile.blocks<1>>
    %yb = tile.broadcast %yr : tensor<1x?xf32, #tile.blocks<1>> -> tensor<?x?xf32, #tile.blocks<0, 1>>
    %sum = arith.addf %xt, %yb : tensor<?x?xf32, #tile.blocks<0, 1>>
    tile.store %sum, %out[%tm, %tn] {mem_id = 2 : i64} : tensor<?x?xf32, #tile.blocks<0, 1>>, memref<100x70xf32>[!tile.tile<0>, !tile.tile<1>]
  }
}

// POW2:      helion-opt: error: config block_sizes[0] = 3 is invalid: 3 is not a power of two; it must be a power of two in [1, 128]
// POW2-NOT:  import triton

// RANGE:     helion-opt: error: config num_stages = 9 is invalid: {{.*}}; it must be an integer in [1, 8]

// LENGTH:    helion-opt: error: config['block_sizes'] has 1 values but this kernel has 2 (block_sizes[0]: loop.launch {{.*}}; block_sizes[1]: loop.launch {{.*}})

// UNKNOWN:   helion-opt: error: unknown config key 'blocksizes'; this kernel's keys are block_sizes, {{.*}}num_warps, num_stages

// JSON:      helion-opt: error: the config is not valid JSON: Expecting ',' delimiter: line 1 column 24 (char 23)

// OBJECT:    helion-opt: error: the config must be a JSON object

// BIND:      helion-opt: error: config block_sizes[1] = 3 is invalid: 3 is not a power of two; it must be a power of two in [1, 128]
