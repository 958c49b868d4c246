"""Run the lit/FileCheck suite in filecheck_tests/ from pytest.

The suite checks helion-opt's output (dialect round trips, verifier messages, each
pass, the Triton emitter and the driver's options) against CHECK lines in the test
files. lit and filecheck come with the `test` extra; `helion-opt` with the package.
They are looked up in the bin directory of the running interpreter (the venv), which
is put first on PATH, so the suite runs against this checkout whatever else is on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "filecheck_tests"
BIN = Path(sys.executable).parent

# `python -m lit` does not work (the lit package has no __main__), so call lit.main.
LIT = [sys.executable, "-c", "from lit.main import main; main()"]

# A hung test should fail the run, not block it forever (lit's own per-test timeout
# needs psutil, which the test extra does not install).
SUITE_TIMEOUT_S = 600


def test_lit_suite() -> None:
    pytest.importorskip("lit", reason="lit is not installed (pip install -e '.[test]')")
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    missing = [t for t in ("helion-opt", "filecheck") if shutil.which(t, path=env["PATH"]) is None]
    assert not missing, f"not found next to {sys.executable} or on PATH: {missing}"

    try:
        result = subprocess.run(
            [*LIT, "-v", str(SUITE)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=SUITE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        pytest.fail(f"lit did not finish in {SUITE_TIMEOUT_S} s; output so far:\n{out}")

    output = result.stdout + result.stderr
    assert result.returncode == 0, f"lit failed (exit status {result.returncode}):\n{output}"
    assert "Passed" in output, f"lit ran no tests:\n{output}"
