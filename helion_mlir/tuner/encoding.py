"""Configs as points: one ordinal coordinate per slot, for the search strategies.

A point is a tuple holding, for each slot of a `ConfigSpec`, the index of its value in
`domains.choices(slot.domain)`; pow2, int, chunk, enum and perm slots all become
indices. `Space` turns configs into points and back, keeps points legal (persistent-only
keys at their defaults unless the pid_type is persistent, as `ConfigSpec.normalize`
demands), and knows the neighbours, perturbations and random draws of a point.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from helion_mlir.dialects import cfg
from helion_mlir.tuner.config_spec import PERSISTENT, PERSISTENT_ONLY, ConfigSpec
from helion_mlir.tuner.domains import choices

if TYPE_CHECKING:
    import numpy as np

    from helion_mlir.runtime.config import Config

Point = tuple[int, ...]

# unordered domains with more values than this step to fewer neighbours
FEW_VALUES = 8
ORDERED = (cfg.Pow2Attr, cfg.IntRangeAttr, cfg.ChunkAttr)


def config_key(config: Mapping[str, Any]) -> str:
    """The canonical JSON of a config: equal configs, equal keys (False and 0 differ)."""
    return json.dumps(dict(config), sort_keys=True)


def _value_key(value: cfg.ConfigValue) -> str:
    return json.dumps(value)


class Space:
    """The points of one `ConfigSpec`, with their neighbourhoods."""

    def __init__(self, spec: ConfigSpec):
        self.spec = spec
        self.slots = spec.slots
        self.values = [choices(s.domain) for s in self.slots]
        self.sizes = [len(v) for v in self.values]
        self.ordered = [isinstance(s.domain, ORDERED) for s in self.slots]
        self._index = [{_value_key(v): i for i, v in enumerate(vs)} for vs in self.values]
        self.default = self._point_of(spec.normalize({}))
        self._persistent_pid = self._persistent_pid_indices()
        self._persistent_only = [i for i, s in enumerate(self.slots) if s.key in PERSISTENT_ONLY]
        block = [i for i, s in enumerate(self.slots) if s.key == "block_sizes" and self.ordered[i]]
        self._block_pairs = list(itertools.combinations(block, 2))

    def _persistent_pid_indices(self) -> tuple[int, set[int]] | None:
        """The pid_type coordinate and its persistent value indices, if the spec has one."""
        for i, s in enumerate(self.slots):
            if s.key == "pid_type":
                return i, {j for j, v in enumerate(self.values[i]) if v in PERSISTENT}
        return None

    # -- configs <-> points

    def encode(self, config: Mapping[str, Any]) -> Point:
        """The point of `config` (completed and checked by `ConfigSpec.normalize`)."""
        return self._point_of(self.spec.normalize(dict(config)))

    def _point_of(self, normalized: Mapping[str, cfg.ConfigValue]) -> Point:
        return tuple(
            self._index[i][_value_key(self.spec.value(normalized, s.key, s.index))]
            for i, s in enumerate(self.slots)
        )

    def decode(self, point: Point) -> Config:
        """The config at `point`, as `ConfigSpec.normalize` would return it."""
        from helion_mlir.runtime.config import Config

        values: dict[str, Any] = {}
        for i, s in enumerate(self.slots):
            v = self.values[i][point[i]]
            v = list(v) if isinstance(v, list) else v  # perms: never share the cached list
            if s.index is None:
                values[s.key] = v
            else:
                values.setdefault(s.key, []).append(v)
        return Config(**values)

    def legalize(self, point: Point) -> Point:
        """`point` with persistent-only keys reset to defaults unless pid_type is persistent."""
        pid = self._persistent_pid
        if pid is not None and point[pid[0]] in pid[1]:
            return point
        if not self._persistent_only:
            return point
        out = list(point)
        for i in self._persistent_only:
            out[i] = self.default[i]
        return tuple(out)

    # -- moves

    def random_point(self, rng: random.Random) -> Point:
        return self.legalize(tuple(rng.randrange(n) for n in self.sizes))

    def neighbours(self, point: Point) -> list[Point]:
        """Legal points one step away: each slot alone, and block sizes in pairs."""
        moves: list[Point] = []
        for i in range(len(point)):
            moves += [_with(point, {i: v}) for v in self._slot_steps(point, i)]
        for i, j in self._block_pairs:
            for di, dj in itertools.product((-1, 1), repeat=2):
                a, b = point[i] + di, point[j] + dj
                if 0 <= a < self.sizes[i] and 0 <= b < self.sizes[j]:
                    moves.append(_with(point, {i: a, j: b}))
        return [p for p in _unique(self.legalize(m) for m in moves) if p != point]

    def _slot_steps(self, point: Point, i: int) -> list[int]:
        """The values of slot `i` one step from `point[i]`."""
        here, n = point[i], self.sizes[i]
        if self.ordered[i]:
            return [v for v in (here - 1, here + 1) if 0 <= v < n]
        if n <= FEW_VALUES:
            return [v for v in range(n) if v != here]
        if isinstance(self.slots[i].domain, cfg.PermAttr):
            return self._swaps(i, here)
        return [(here - 1) % n, (here + 1) % n]

    def _swaps(self, i: int, here: int) -> list[int]:
        """Permutations one transposition away (a big perm has too many to try all)."""
        perm = self.values[i][here]
        out = []
        for a, b in itertools.combinations(range(len(perm)), 2):
            swapped = list(perm)
            swapped[a], swapped[b] = swapped[b], swapped[a]
            out.append(self._index[i][_value_key(swapped)])
        return out

    def perturb(self, point: Point, rng: random.Random, radius: int = 2) -> Point:
        """`point` with 1..radius random slots moved (ordered ones by at most 2 steps)."""
        if not point:
            return point
        out = list(point)
        for i in rng.sample(range(len(point)), min(rng.randint(1, radius), len(point))):
            out[i] = self._random_move(i, out[i], rng)
        return self.legalize(tuple(out))

    def _random_move(self, i: int, here: int, rng: random.Random) -> int:
        n = self.sizes[i]
        if n == 1:
            return here
        if self.ordered[i]:
            return min(max(here + rng.choice((-2, -1, 1, 2)), 0), n - 1)
        return rng.choice([v for v in range(n) if v != here])

    # -- features for models

    def features(self, points: list[Point]) -> np.ndarray:
        """One row per point: one-hot of every slot, then ordered slots scaled to [0, 1]."""
        import numpy as np

        offsets = list(itertools.accumulate(self.sizes, initial=0))
        scaled = [i for i in range(len(self.sizes)) if self.ordered[i] and self.sizes[i] > 1]
        x = np.zeros((len(points), offsets[-1] + len(scaled)))
        for r, p in enumerate(points):
            for i, v in enumerate(p):
                x[r, offsets[i] + v] = 1.0
            for c, i in enumerate(scaled):
                x[r, offsets[-1] + c] = p[i] / (self.sizes[i] - 1)
        return x


def _with(point: Point, changes: dict[int, int]) -> Point:
    return tuple(changes.get(i, v) for i, v in enumerate(point))


def _unique(points) -> list[Point]:
    return list(dict.fromkeys(points))
