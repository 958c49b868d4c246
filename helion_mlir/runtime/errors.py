"""How errors reach the user: one `helion_mlir.exc` error raised at the API call.

A kernel author reads the error's message (which names their kernel's line) and the
frames of their own code; the compiler's frames in between say nothing to them, so the
public entry points drop those, and an unexpected exception inside the compiler becomes
an `InternalError` that says it is a bug. `HELION_MLIR_DEBUG=1` keeps everything.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from helion_mlir import exc

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

F = TypeVar("F", bound=Callable[..., Any])


def debugging() -> bool:
    return bool(os.environ.get("HELION_MLIR_DEBUG"))


def _user_frames(tb: TracebackType | None) -> TracebackType | None:
    """The traceback without the frames of helion_mlir's own modules."""
    kept: list[TracebackType] = []
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(PACKAGE):
            kept.append(tb)
        tb = tb.tb_next
    for frame, after in zip(kept, [*kept[1:], None]):
        frame.tb_next = after
    return kept[0] if kept else None


def user_facing(fn: F) -> F:
    """Raise a `HelionError` from `fn` with the compiler's frames hidden, and without
    the internal exception it was raised while handling (an explicit cause, such as the
    user's failing `assert`, stays)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except exc.HelionError as e:
            if debugging():
                raise
            e.__suppress_context__ = True
            if e.__cause__ is not None:
                e.__cause__.__traceback__ = _user_frames(e.__cause__.__traceback__)
            raise e.with_traceback(_user_frames(e.__traceback__)) from e.__cause__

    return run  # type: ignore[return-value]


@contextlib.contextmanager
def compiler_step(what: str) -> Iterator[None]:
    """Turn an unexpected exception of a compiler step into an `InternalError`."""
    try:
        yield
    except exc.HelionError:
        raise
    except Exception as e:
        if debugging():
            raise
        raise exc.InternalError(
            f"{what} failed with {type(e).__name__}: {e}. This is a bug in helion_mlir: "
            "set HELION_MLIR_DEBUG=1 for the traceback and please report it"
        ) from e
