"""Attention at the benchmark shape: a hand-written, warp-specialized Gluon flash
attention against SDPA (cuDNN and flash backends) and helion_mlir, in one run.

It answers what Triton's stack reaches on Hopper when the schedule is written by hand,
FlashAttention-3 style: the reference that helion_mlir's Gluon emission
(`helion_mlir/backends/gluon/`) was built to match, where `handwritten_attention.py`
answers what plain Triton makes of the textbook kernel. One program per SM walks the
query tiles, a head's side by side (its keys and values stay in L2). A 1-warp producer
partition issues every TMA load (a tile's two Q halves, then a K/V ring guarded by
ready/empty mbarriers, running on across tiles); two 4-warp consumer partitions own
64 query rows each and run the softmax of key tile j while the asynchronous wgmma of
P(j-1) @ V(j-1) is in flight, and store O through their own buffer while the next tile
computes; `worker_num_regs` (setmaxnreg) moves registers from the producer to the
consumers. On an H100, in turn: this kernel 0.4563 ms, helion_mlir's emitted schedule
0.4567, SDPA (cuDNN) 0.4712; the same schedule without persistence ran 0.485.

Every contender is checked against eager SDPA first, and one that fails to compile or
check is reported and left out (a deadlocked mbarrier protocol would hang the run
instead; none of CONFIGS did on an H100). Times are `do_bench` medians, the contenders
in turn over several rounds. helion_mlir runs at --mlir-config, else at the config
benchmarks/results/configs.json holds for this card, else not at all.

    python benchmarks/gluon_attention.py [--json out.json] [--mlir-config '{...}']

Needs a Hopper GPU (compute capability 9.x): wgmma, TMA and setmaxnreg are sm_90a's.
`compile_sm90` builds the kernel for it on any machine, for the CPU test.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import triton
from triton.experimental import gluon
from triton.experimental.gluon import language as gl
from triton.experimental.gluon.language.nvidia.hopper import (
    fence_async_shared,
    mbarrier,
    tma,
    warpgroup_mma,
    warpgroup_mma_wait,
)

ROOT = Path(__file__).resolve().parent.parent
WRITTEN_FOR = "3.6"  # the GPU machine's Triton; Gluon's API changes between releases
TOOLS = Path(triton.__file__).parent / "backends" / "nvidia" / "bin"  # ptxas, cuobjdump

# (BLOCK_N, STAGES, PINGPONG): key tile rows, K/V ring depth, whether the consumers take
# turns issuing their GEMMs (on an H100 taking turns ran 1% slower)
CONFIGS = [(128, 2, False), (128, 2, True), (64, 4, False)]

BLOCK_M = 64  # query rows per consumer: one warpgroup's m64 wgmma
# registers per thread: the launch gives all three warpgroups (the producer's is padded to
# four warps) MAXNREG each, then setmaxnreg moves them to the consumers, the total kept:
# 3 * 128 * 168 = 2 * 128 * 240 + 128 * 24 = 64512, within the 64K register file
MAXNREG, CONSUMER_REGS, PRODUCER_REGS = 168, 240, 24
# head dims whose tiles fit shared memory and registers without spills (64 compiles so
# for sm_90 too, but only 128 has run on a GPU)
HEAD_DIMS = (64, 128)
LOG2E = 1.4426950408889634


@gluon.constexpr_function
def _mma_layout(num_warps, instr_n):
    # warps_per_cta=[num_warps, 1]: each warp owns 16 whole rows, so the softmax's row
    # reductions stay within a quad of threads and never touch shared memory
    return gl.NVMMADistributedLayout(
        version=[3, 0], warps_per_cta=[num_warps, 1], instr_shape=[16, instr_n, 16]
    )


@gluon.constexpr_function
def _p_layout(num_warps, head_dim):
    # P feeds the PV wgmma from registers (its A operand); from the QK^T accumulator's
    # layout this is a register permutation, no round trip through shared memory
    return gl.DotOperandLayout(operand_index=0, parent=_mma_layout(num_warps, head_dim), k_width=2)


@gluon.jit
def _softmax_step(s, m_i, l_i, qk_scale):
    # base 2 with log2(e)/sqrt(D) folded in: one FFMA and one exp2 per score
    m_new = gl.maximum(m_i, gl.max(s, axis=1) * qk_scale)
    alpha = gl.exp2(m_i - m_new)
    p = gl.exp2(s * qk_scale - m_new[:, None])
    l_new = l_i * alpha + gl.sum(p, axis=1)
    return p, m_new, l_new, alpha


@gluon.jit
def _tile_rows(tile, M_TILES, N_CTX, BLOCK_M: gl.constexpr):
    """The first query row and the first key row of query tile `tile` (a head's tiles
    are consecutive: the programs on the card share its keys and values in L2)."""
    kv_row = (tile // M_TILES) * N_CTX
    return kv_row + (tile % M_TILES) * (2 * BLOCK_M), kv_row


@gluon.jit
def _producer(
    q_desc, k_desc, v_desc, q_smem, k_smem, v_smem, q_bars, q_empty, k_ready, k_empty,
    v_ready, v_empty, n_tiles, M_TILES, N_CTX, TOTAL,
    BLOCK_M: gl.constexpr, BLOCK_N: gl.constexpr, STAGES: gl.constexpr,
):  # fmt: skip
    # a fresh mbarrier counts as having completed the phase before its first, so
    # waiting on parity ph ^ 1 lets the first lap through each ring fill every stage
    count = 0
    it = 0
    for tile in range(gl.program_id(0), TOTAL, gl.num_programs(0)):
        q_row0, kv_row = _tile_rows(tile, M_TILES, N_CTX, BLOCK_M)
        for c in gl.static_range(2):  # a consumer's Q once it has read its last one
            mbarrier.wait(q_empty.index(c), (it & 1) ^ 1)
            mbarrier.expect(q_bars.index(c), q_desc.block_type.nbytes)
            tma.async_copy_global_to_shared(
                q_desc, [q_row0 + c * BLOCK_M, 0], q_bars.index(c), q_smem.index(c)
            )
        for j in range(n_tiles):  # the K/V ring runs on across query tiles
            st = count % STAGES
            ph = (count // STAGES) & 1
            mbarrier.wait(k_empty.index(st), ph ^ 1)
            mbarrier.expect(k_ready.index(st), k_desc.block_type.nbytes)
            tma.async_copy_global_to_shared(
                k_desc, [kv_row + j * BLOCK_N, 0], k_ready.index(st), k_smem.index(st)
            )
            mbarrier.wait(v_empty.index(st), ph ^ 1)
            mbarrier.expect(v_ready.index(st), v_desc.block_type.nbytes)
            tma.async_copy_global_to_shared(
                v_desc, [kv_row + j * BLOCK_N, 0], v_ready.index(st), v_smem.index(st)
            )
            count += 1
        it += 1


@gluon.jit
def _take_turn(turn_bars, turn, CID: gl.constexpr, PINGPONG: gl.constexpr):
    # ping-pong: the consumers alternate issuing GEMMs, so that one's softmax runs
    # while the other's GEMMs hold the tensor cores; consumer 0 waits on the inverted
    # parity, which a fresh mbarrier already satisfies, so it goes first
    if PINGPONG:
        if CID == 0:
            mbarrier.wait(turn_bars.index(0), (turn & 1) ^ 1)
        else:
            mbarrier.wait(turn_bars.index(1), turn & 1)


@gluon.jit
def _pass_turn(turn_bars, CID: gl.constexpr, PINGPONG: gl.constexpr):
    if PINGPONG:
        mbarrier.arrive(turn_bars.index(1 - CID))


@gluon.jit
def _consumer(
    o_desc, q_smem, o_smem, k_smem, v_smem, q_bars, q_empty, k_ready, k_empty, v_ready,
    v_empty, turn_bars, n_tiles, M_TILES, N_CTX, TOTAL, qk_scale, CID: gl.constexpr,
    BLOCK_M: gl.constexpr, BLOCK_N: gl.constexpr, HEAD_DIM: gl.constexpr,
    STAGES: gl.constexpr, PINGPONG: gl.constexpr,
):  # fmt: skip
    # one warpgroup, BLOCK_M query rows of each tile (FlashAttention-3's Algorithm 2)
    dtype: gl.constexpr = o_desc.dtype
    s_layout: gl.constexpr = _mma_layout(4, BLOCK_N)
    o_layout: gl.constexpr = _mma_layout(4, HEAD_DIM)
    p_layout: gl.constexpr = _p_layout(4, HEAD_DIM)
    q_buf = q_smem.index(CID)
    o_buf = o_smem.index(CID)
    # S(j) takes the dead S(j-1) registers as its accumulator: use_acc=False ignores
    # their contents, which saves a zero fill
    s = gl.zeros([BLOCK_M, BLOCK_N], gl.float32, s_layout)
    count = 0
    it = 0
    turn = 0
    for tile in range(gl.program_id(0), TOTAL, gl.num_programs(0)):
        q_row0, kv_row = _tile_rows(tile, M_TILES, N_CTX, BLOCK_M)
        m_i = gl.full([BLOCK_M], float("-inf"), gl.float32, gl.SliceLayout(1, s_layout))
        acc = gl.zeros([BLOCK_M, HEAD_DIM], gl.float32, o_layout)
        mbarrier.wait(q_bars.index(CID), it & 1)

        # key tile 0: scores and softmax only, its PV goes in flight in the loop
        st = count % STAGES
        mbarrier.wait(k_ready.index(st), (count // STAGES) & 1)
        _take_turn(turn_bars, turn, CID, PINGPONG)
        s_tok = warpgroup_mma(
            q_buf, k_smem.index(st).permute((1, 0)), s, use_acc=False, is_async=True
        )
        _pass_turn(turn_bars, CID, PINGPONG)
        turn += 1
        s = warpgroup_mma_wait(0, deps=(s_tok,))
        mbarrier.arrive(k_empty.index(st))
        p, m_i, l_i, alpha = _softmax_step(s, m_i, gl.zeros_like(m_i), qk_scale)
        p = gl.convert_layout(p.to(dtype), p_layout)

        for j in range(1, n_tiles):
            c = count + j
            st = c % STAGES
            sp = (c - 1) % STAGES
            mbarrier.wait(k_ready.index(st), (c // STAGES) & 1)
            mbarrier.wait(v_ready.index(sp), ((c - 1) // STAGES) & 1)
            _take_turn(turn_bars, turn, CID, PINGPONG)
            s_tok = warpgroup_mma(
                q_buf, k_smem.index(st).permute((1, 0)), s, use_acc=False, is_async=True
            )
            o_tok = warpgroup_mma(p, v_smem.index(sp), acc, is_async=True)
            _pass_turn(turn_bars, CID, PINGPONG)
            turn += 1
            s = warpgroup_mma_wait(1, deps=(s_tok,))  # S(j) done, PV(j-1) still running
            mbarrier.arrive(k_empty.index(st))
            # the tile's last QK^T has read Q: the producer may load the next tile's
            mbarrier.arrive(q_empty.index(CID), pred=j == n_tiles - 1)
            p_new, m_i, l_i, alpha = _softmax_step(s, m_i, l_i, qk_scale)
            # the next K tile's wait, needed at the loop's top anyway, sits here because
            # its spin loop is a basic-block boundary ptxas does not schedule across:
            # without it ptxas hoists the PV wait above the exp2s (the new P goes into
            # the registers the in-flight PV reads), and the overlap is gone
            mbarrier.wait(
                k_ready.index((c + 1) % STAGES), ((c + 1) // STAGES) & 1, pred=j + 1 < n_tiles
            )
            acc, p = warpgroup_mma_wait(0, deps=(o_tok, p))
            mbarrier.arrive(v_empty.index(sp))
            acc = acc * gl.convert_layout(alpha, gl.SliceLayout(1, o_layout))[:, None]
            p = gl.convert_layout(p_new.to(dtype), p_layout)

        sp = (count + n_tiles - 1) % STAGES
        mbarrier.wait(v_ready.index(sp), ((count + n_tiles - 1) // STAGES) & 1)
        o_tok = warpgroup_mma(p, v_smem.index(sp), acc, is_async=True)
        acc = warpgroup_mma_wait(0, deps=(o_tok,))
        mbarrier.arrive(v_empty.index(sp))
        count += n_tiles
        it += 1
        acc = acc / gl.convert_layout(l_i, gl.SliceLayout(1, o_layout))[:, None]
        tma.store_wait(0)  # the previous tile's O has left o_buf
        gl.thread_barrier()
        o_buf.store(acc.to(dtype))
        fence_async_shared()
        gl.thread_barrier()  # within the partition: its 4 warps have all stored
        tma.async_copy_shared_to_global(o_desc, [q_row0 + CID * BLOCK_M, 0], o_buf)
    tma.store_wait(0)


@gluon.jit
def attention_kernel(
    q_desc, k_desc, v_desc, o_desc, N_CTX, TOTAL, qk_scale,
    BLOCK_M: gl.constexpr, BLOCK_N: gl.constexpr, HEAD_DIM: gl.constexpr,
    STAGES: gl.constexpr, PINGPONG: gl.constexpr, CONSUMER_REGS: gl.constexpr,
    PRODUCER_REGS: gl.constexpr, num_warps: gl.constexpr,
):  # fmt: skip
    # the default partition is consumer 0, so the launch's warps are its warpgroup
    gl.static_assert(num_warps == 4)
    dtype: gl.constexpr = q_desc.dtype
    n_tiles = N_CTX // BLOCK_N
    M_TILES = N_CTX // (2 * BLOCK_M)

    bar: gl.constexpr = mbarrier.MBarrierLayout()
    q_smem = gl.allocate_shared_memory(dtype, [2, BLOCK_M, HEAD_DIM], q_desc.layout)
    o_smem = gl.allocate_shared_memory(dtype, [2, BLOCK_M, HEAD_DIM], o_desc.layout)
    k_smem = gl.allocate_shared_memory(dtype, [STAGES, BLOCK_N, HEAD_DIM], k_desc.layout)
    v_smem = gl.allocate_shared_memory(dtype, [STAGES, BLOCK_N, HEAD_DIM], v_desc.layout)
    q_bars = gl.allocate_shared_memory(gl.int64, [2, 1], bar)
    q_empty = gl.allocate_shared_memory(gl.int64, [2, 1], bar)
    k_ready = gl.allocate_shared_memory(gl.int64, [STAGES, 1], bar)
    k_empty = gl.allocate_shared_memory(gl.int64, [STAGES, 1], bar)
    v_ready = gl.allocate_shared_memory(gl.int64, [STAGES, 1], bar)
    v_empty = gl.allocate_shared_memory(gl.int64, [STAGES, 1], bar)
    turn_bars = gl.allocate_shared_memory(gl.int64, [2, 1], bar)
    for c in gl.static_range(2):
        mbarrier.init(q_bars.index(c), count=1)
        mbarrier.init(q_empty.index(c), count=1)
        mbarrier.init(turn_bars.index(c), count=1)
    for i in gl.static_range(STAGES):
        mbarrier.init(k_ready.index(i), count=1)
        mbarrier.init(v_ready.index(i), count=1)
        # a stage is free once both consumers have read it: one arrive from each
        mbarrier.init(k_empty.index(i), count=2)
        mbarrier.init(v_empty.index(i), count=2)
    fence_async_shared()

    # fmt: off
    gl.warp_specialize([
        (_consumer, (o_desc, q_smem, o_smem, k_smem, v_smem, q_bars, q_empty, k_ready, k_empty,
                     v_ready, v_empty, turn_bars, n_tiles, M_TILES, N_CTX, TOTAL, qk_scale, 0,
                     BLOCK_M, BLOCK_N, HEAD_DIM, STAGES, PINGPONG)),
        (_consumer, (o_desc, q_smem, o_smem, k_smem, v_smem, q_bars, q_empty, k_ready, k_empty,
                     v_ready, v_empty, turn_bars, n_tiles, M_TILES, N_CTX, TOTAL, qk_scale, 1,
                     BLOCK_M, BLOCK_N, HEAD_DIM, STAGES, PINGPONG)),
        (_producer, (q_desc, k_desc, v_desc, q_smem, k_smem, v_smem, q_bars, q_empty, k_ready,
                     k_empty, v_ready, v_empty, n_tiles, M_TILES, N_CTX, TOTAL, BLOCK_M,
                     BLOCK_N, STAGES)),
    ], [4, 1], [CONSUMER_REGS, PRODUCER_REGS])
    # fmt: on


def check_inputs(q: Any, k: Any, v: Any, block_n: int) -> None:
    """Raise ValueError unless the kernel computes attention on these: it masks nothing
    and reads each tensor through TMA as [B*H*S, D] rows."""
    import torch

    if q.dim() != 4 or not q.shape == k.shape == v.shape:
        shapes = ", ".join(str(list(t.shape)) for t in (q, k, v))
        raise ValueError(f"q, k, v must share one [B, H, S, D] shape, got {shapes}")
    if any(t.dtype != torch.bfloat16 or not t.is_contiguous() for t in (q, k, v)):
        raise ValueError("q, k, v must be contiguous bf16")
    seq, head = q.shape[2], q.shape[3]
    if head not in HEAD_DIMS:
        raise ValueError(f"head dim must be one of {HEAD_DIMS}, got {head}")
    rows = 2 * BLOCK_M  # one CTA's query rows
    if seq % rows or seq % block_n:
        raise ValueError(f"sequence length must be a multiple of {rows} and {block_n}: {seq}")
    if seq < 2 * block_n:
        raise ValueError(f"sequence length must hold two key tiles of {block_n}: {seq}")


def _launch(q: Any, k: Any, v: Any, out: Any, config: tuple[int, int, bool], sms: int) -> Any:
    """(grid, arguments, keyword arguments) of the kernel on these tensors: one program
    per SM, at most one per query tile."""
    from triton.experimental.gluon.nvidia.hopper import TensorDescriptor

    block_n, stages, pingpong = config
    check_inputs(q, k, v, block_n)
    b, h, seq, head = q.shape

    def desc(t: Any, block: int) -> Any:
        layout = gl.NVMMASharedLayout.get_default_for([block, head], gl.bfloat16)
        return TensorDescriptor.from_tensor(t.view(b * h * seq, head), [block, head], layout)

    total = seq // (2 * BLOCK_M) * b * h
    args = (desc(q, BLOCK_M), desc(k, block_n), desc(v, block_n), desc(out, BLOCK_M))
    args += (seq, total, LOG2E / math.sqrt(head))
    kwargs = dict(
        BLOCK_M=BLOCK_M, BLOCK_N=block_n, HEAD_DIM=head, STAGES=stages, PINGPONG=pingpong,
        CONSUMER_REGS=CONSUMER_REGS, PRODUCER_REGS=PRODUCER_REGS, num_warps=4,
        maxnreg=MAXNREG,
    )  # fmt: skip
    return (min(sms, total),), args, kwargs


def gluon_attention(q: Any, k: Any, v: Any, config: tuple[int, int, bool]) -> Any:
    """A call of the kernel at `config` = (BLOCK_N, STAGES, PINGPONG) on q, k, v."""
    import torch

    out = torch.empty_like(q)
    sms = torch.cuda.get_device_properties(q.device).multi_processor_count
    grid, args, kwargs = _launch(q, k, v, out, config, sms)

    def call() -> Any:
        attention_kernel[grid](*args, **kwargs)
        return out

    return call


def compile_sm90(config: tuple[int, int, bool], head: int = 128) -> Any:
    """The kernel at `config` compiled for sm_90a without a GPU (ptxas included)."""
    import torch
    from triton.backends.compiler import GPUTarget
    from triton.experimental.gluon._runtime import GluonASTSource
    from triton.runtime.jit import mangle_type

    q, k, v, out = (torch.empty(1, 1, 2048, head, dtype=torch.bfloat16) for _ in range(4))
    _, args, kwargs = _launch(q, k, v, out, config, sms=132)
    options = {"num_warps": kwargs["num_warps"], "maxnreg": kwargs.pop("maxnreg")}
    signature, attrs = {}, {}
    values = iter(args)
    for i, name in enumerate(attention_kernel.arg_names):
        if name in kwargs:
            signature[name] = "constexpr"
            continue
        value = next(values)
        signature[name] = mangle_type(value)
        if isinstance(value, int) and value % 16 == 0:  # as the launcher specializes N_CTX
            attrs[(i,)] = [["tt.divisibility", 16]]
    source = GluonASTSource(attention_kernel, signature, kwargs, attrs)
    return triton.compile(source, target=GPUTarget("cuda", 90, 32), options=options)


def sass(compiled: Any) -> tuple[str, str]:
    """The compiled kernel's SASS and its resource usage line(s), by cuobjdump."""
    with tempfile.TemporaryDirectory() as tmp:
        cubin = Path(tmp) / "kernel.cubin"
        cubin.write_bytes(compiled.asm["cubin"])

        def dump(flag: str) -> str:
            cmd = [str(TOOLS / "cuobjdump"), flag, str(cubin)]
            return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

        return dump("-sass"), dump("-res-usage")


def spilled(resources: str) -> bool:
    """Whether cuobjdump's resource usage shows a stack or local memory (spills)."""
    return any(int(n) for n in re.findall(r"\b(?:STACK|LOCAL):(\d+)", resources))


def _name(config: tuple[int, int, bool]) -> str:
    block_n, stages, pingpong = config
    return f"gluon ws n{block_n} s{stages}" + (" pingpong" if pingpong else "")


def _refuse_unless_hopper() -> None:
    import torch

    if not triton.__version__.startswith(WRITTEN_FOR):
        raise SystemExit(
            f"gluon_attention.py is written for Triton {WRITTEN_FOR}'s Gluon, an experimental "
            f"API that changed after it (gl.thread_barrier is gone in 3.9); this is "
            f"Triton {triton.__version__}"
        )
    if not torch.cuda.is_available():
        raise SystemExit("gluon_attention.py needs a Hopper GPU; torch sees no CUDA device")
    major, minor = torch.cuda.get_device_capability()
    if major != 9:
        raise SystemExit(
            f"gluon_attention.py needs a Hopper GPU (compute capability 9.x) for wgmma, "
            f"TMA and setmaxnreg; {torch.cuda.get_device_name()} is {major}.{minor}"
        )


def _mlir_call(q: Any, k: Any, v: Any, config: dict[str, Any]) -> Callable[[], Any]:
    from example_loading import load

    import helion_mlir

    kernel = load("attention", False).attention.bind((q, k, v))
    kernel.set_config(helion_mlir.Config(**config))
    return lambda: kernel(q, k, v)


def _saved_mlir_config(device: str) -> dict[str, Any] | None:
    path = ROOT / "benchmarks" / "results" / "configs.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    return saved.get("mlir", {}).get(f"attention@{device}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    parser.add_argument("--mlir-config", help="JSON: run helion_mlir at this config")
    args = parser.parse_args()
    _refuse_unless_hopper()
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    # imported here, not at the top: they set autotuning defaults in os.environ, which
    # the CPU test importing this module must not leave behind
    import torch
    import torch.nn.functional as F
    from handwritten_attention import time_and_report
    from run import benches, check
    from torch.nn.attention import SDPBackend, sdpa_kernel

    device = torch.cuda.get_device_name()
    print(device, "torch", torch.__version__, "triton", triton.__version__, flush=True)
    torch.manual_seed(0)
    q, k, v = benches()["attention"].args(torch, False)
    want = F.scaled_dot_product_attention(q, k, v)
    flops = 4 * q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2] * q.shape[3]
    result: dict[str, Any] = {
        "device": device,
        "versions": {"torch": torch.__version__, "triton": triton.__version__},
        "shape": list(q.shape),
        "tflop": flops / 1e12,
        "rel_err": {},
    }
    calls: dict[str, Callable[[], Any]] = {}
    failed: dict[str, str] = {}

    def enter(name: str, make: Callable[[], Callable[[], Any]]) -> None:
        """Time `name` if its call builds, compiles and matches eager SDPA."""
        try:
            call = make()
            result["rel_err"][name] = check(name, call(), want, 1)
            calls[name] = call
        except Exception as e:  # a config or backend this card, build or Triton lacks
            failed[name] = f"{type(e).__name__}: {str(e)[:300]}"
            print(name, "left out:", failed[name], flush=True)

    for config in CONFIGS:
        enter(_name(config), lambda config=config: gluon_attention(q, k, v, config))
    for backend in (SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION):

        def sdpa(backend: Any = backend) -> Any:
            with sdpa_kernel(backend):
                return F.scaled_dot_product_attention(q, k, v)

        enter(f"sdpa {backend.name}", lambda sdpa=sdpa: sdpa)
    mlir = json.loads(args.mlir_config) if args.mlir_config else _saved_mlir_config(device)
    if mlir is None:
        print(f"helion_mlir left out: no --mlir-config and no saved config for {device}")
    else:
        enter("helion_mlir", lambda: _mlir_call(q, k, v, mlir))
    result.update(configs={_name(c): list(c) for c in CONFIGS}, mlir_config=mlir)

    time_and_report(calls, result, flops, args.json, failed)


if __name__ == "__main__":
    main()
