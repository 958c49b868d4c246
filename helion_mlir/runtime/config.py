"""`Config`: one point of a kernel's search space, Helion-compatible."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any


class Config(Mapping[str, Any]):
    """A set of config values by key, e.g. `Config(block_sizes=[64, 32], num_warps=4)`."""

    def __init__(self, config: Mapping[str, Any] | None = None, **kwargs: Any):
        values = dict(config or {})
        values.update(kwargs)
        self._values = {k: _freeze(v) for k, v in values.items()}

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self) == dict(other)

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={self._values[k]!r}" for k in sorted(self._values))
        return f"helion.Config({body})"

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, list) else v for k, v in self._values.items()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Config:
        return cls(json.loads(text))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> Config:
        return cls.from_json(Path(path).read_text())


def _freeze(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v
