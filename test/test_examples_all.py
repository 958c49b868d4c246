"""Every example in examples/ runs its own `check()` against PyTorch, on the CPU
through Triton's interpreter.

An example that needs a language feature the compiler lacks stays written the way a
Helion user would write it and is listed in `KNOWN_GAPS` (name -> the error it stops
at, and what it needs); those are expected to fail, strictly, so that a fixed gap
shows up as an unexpected pass and gets removed from the list; a gap must stop at a
compiler error (`helion_mlir.exc.HelionError`), never at a wrong result.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_example

import helion_mlir as helion

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

KNOWN_GAPS: dict[str, str] = {
    "long_sum": "TypeMismatch: shape entries must be tiles or positive ints, got RegisteredBlockSize "
    "(hl.zeros with a hl.register_block_size dim)",
    "jsd": "TypeMismatch: shape entries must be tiles or positive ints, got RegisteredBlockSize "
    "(hl.zeros with a hl.register_block_size dim)",
    "kl_div": "TypeMismatch: shape entries must be tiles or positive ints, got RegisteredBlockSize "
    "(hl.zeros with a hl.register_block_size dim)",
    "rms_norm_bwd": "CompileError: AttributeError: module 'helion_mlir' has no attribute 'cdiv' "
    "(helion.cdiv on a registered block size in host code)",
    "layer_norm_bwd": "CompileError: AttributeError: module 'helion_mlir' has no attribute 'cdiv' "
    "(helion.cdiv on a registered block size in host code)",
    "matmul_split_k": "CompileError: TypeError: unsupported operand type(s) for +: 'int' and 'Tunable' "
    "(a hl.register_tunable value in host arithmetic / as a block size)",
    "int4_gemm": "TorchOpError: aten.__lshift__.Scalar is not supported in device code yet (<< on tiles)",
    "mamba2_chunk_scan": "InternalError: no Python emission for arith.floordivsi "
    "(// on hl.grid indices; also a host tensor used only for .dtype breaks the launcher)",
    "jagged_sum": "UnsupportedSyntax: `For` statements are not supported in device code "
    "(hl.jagged_tile)",
    "grouped_gemm": "UnsupportedSyntax: `if` on device values is not supported yet "
    "(device-side if on a loaded scalar)",
    "split_k_barrier": "UnsupportedSyntax: statements between top-level device loops are not "
    "allowed (hl.barrier between two top-level loops)",
}


# jagged_mean divides by segment lengths inside torch.where; the empty segments' lanes
# compute 0/0 before being discarded, which NumPy (Triton's interpreter) reports
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")


def _examples() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_"))


def _param(name: str):
    if name in KNOWN_GAPS:
        # a gap must stop at a compiler error: a wrong result (AssertionError) still fails
        gap = pytest.mark.xfail(reason=KNOWN_GAPS[name], raises=helion.exc.HelionError, strict=True)
        return pytest.param(name, marks=gap)
    return name


def test_known_gaps_are_examples():
    assert set(KNOWN_GAPS) <= set(_examples())


@pytest.mark.parametrize("name", [_param(n) for n in _examples()])
def test_example(name: str):
    load_example(name).check(device="cpu")
