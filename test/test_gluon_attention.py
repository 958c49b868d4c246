"""The Gluon flash attention that `benchmarks/gluon_attention.py` times builds for Hopper
on a machine without a GPU: Triton's own ptxas and cuobjdump compile and disassemble
it for sm_90a, so the GPU run is not the first to find it broken."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("triton.experimental.gluon.language.nvidia.hopper")


def test_gluon_attention_compiles_for_sm90_with_wgmma_and_register_handoff(monkeypatch):
    """At a config the script times: no spills, wgmma (HGMMA) in the SASS, and the warp
    specialization's register handoff (USETMAXREG)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import gluon_attention
    import triton

    if not triton.__version__.startswith(gluon_attention.WRITTEN_FOR):
        pytest.skip(f"the kernel is written for Triton {gluon_attention.WRITTEN_FOR}'s Gluon")

    tools = [gluon_attention.TOOLS / name for name in ("ptxas", "cuobjdump")]
    if missing := [str(t) for t in tools if not t.is_file()]:
        pytest.skip(f"this Triton ships no {', '.join(missing)}")
    config = gluon_attention.CONFIGS[0]
    sass, resources = gluon_attention.sass(gluon_attention.compile_sm90(config))
    assert not gluon_attention.spilled(resources), resources
    assert "HGMMA" in sass and "USETMAXREG" in sass
