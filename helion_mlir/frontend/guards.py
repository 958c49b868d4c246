"""What a compiled kernel assumed about values outside its arguments: the numbers (and
other plain constants) it read from module globals and closures, which it holds as
constants. A kernel whose guards no longer hold is compiled again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# values a kernel may hold as constants; anything else is not watched
_CONSTANT = (bool, int, float, complex, str, bytes, type(None))


def _plain(v: Any) -> bool:
    if isinstance(v, tuple):
        return all(_plain(x) for x in v)
    return isinstance(v, _CONSTANT) or type(v).__module__ == "torch" and type(v).__name__ == "dtype"


class Guards:
    """Checks that the constants read when compiling still have their values."""

    def __init__(self) -> None:
        self._checks: dict[tuple[int, str], Callable[[], bool]] = {}

    def watch_global(self, namespace: Mapping[str, Any], name: str) -> None:
        value = namespace.get(name)
        if _plain(value):
            self._checks[(id(namespace), name)] = lambda: namespace.get(name, _MISSING) == value

    def watch_cell(self, fn: Any, name: str, value: Any) -> None:
        if not _plain(value):
            return
        cell = fn.__closure__[fn.__code__.co_freevars.index(name)]

        def same() -> bool:
            try:
                return cell.cell_contents == value
            except ValueError:
                return False

        self._checks[(id(cell), name)] = same

    def hold(self) -> bool:
        return all(check() for check in self._checks.values())

    def __len__(self) -> int:
        return len(self._checks)


_MISSING = object()
