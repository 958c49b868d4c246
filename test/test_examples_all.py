"""Every example in examples/ runs its own `check()` against PyTorch, on the CPU
through Triton's interpreter.

An example that needs a language feature the compiler lacks stays written the way a
Helion user would write it and is listed in `KNOWN_GAPS` (name -> the error it stops
at, and what it needs). A gap must stop at an error, never at a wrong result (an
AssertionError from `check()` fails the test), and a gap that passes fails the test
too, so that it gets removed from the list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_example

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

KNOWN_GAPS: dict[str, str] = {}


# jagged_mean divides by segment lengths inside torch.where; the empty segments' lanes
# compute 0/0 before being discarded, which NumPy (Triton's interpreter) reports
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")


def _examples() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_"))


def test_known_gaps_are_examples():
    assert set(KNOWN_GAPS) <= set(_examples())


@pytest.mark.parametrize("name", _examples())
def test_example(name: str):
    module = load_example(name)
    if name not in KNOWN_GAPS:
        module.check(device="cpu")
        return
    try:
        module.check(device="cpu")
    except AssertionError:
        raise  # a wrong result is never a known gap
    except Exception as e:
        first = str(e).splitlines()[0] if str(e) else ""
        pytest.xfail(f"{KNOWN_GAPS[name]} [now: {type(e).__name__}: {first}]")
    pytest.fail(f"{name} passes now: remove it from KNOWN_GAPS")
