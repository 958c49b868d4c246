"""The autotuner's search strategies: which configs to benchmark, batch after batch.

A strategy sees the search space as `encoding.Space` points and the benchmark as
`evaluate`, which times a batch of configs (ms; `math.inf` for a config that failed,
computed a wrong result or timed out). Each strategy starts with the default config and
the caller's seeds, never benchmarks a config twice and stops at its effort's limit or
the caller's `Budget`, whichever comes first.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from helion_mlir import exc
from helion_mlir.tuner.config_spec import ConfigSpec
from helion_mlir.tuner.encoding import Point, Space

if TYPE_CHECKING:
    import numpy as np

    from helion_mlir.runtime.config import Config


@dataclass
class Budget:
    max_evaluations: int  # configs benchmarked at most (cache hits of the same config don't count)
    deadline: float | None = None  # time.monotonic() value after which no new batch starts

    def exhausted(self, used: int) -> bool:
        """True once `used` evaluations reach the limit or the deadline has passed."""
        if used >= self.max_evaluations:
            return True
        return self.deadline is not None and time.monotonic() >= self.deadline


Evaluate = Callable[[list["Config"]], list[float]]
# what a config runs (its generated code): configs alike in it are benchmarked once
Identify = Callable[["Config"], Hashable]


@dataclass(frozen=True)
class Effort:
    evaluations: int  # the most configs one search benchmarks
    initial: int  # first batch: default, seeds, then random configs
    copies: int  # local descents started from the fastest configs
    generations: int  # descent steps, DE generations, surrogate rounds (each at most)
    population: int  # DE population
    batch: int  # configs the surrogate proposes per round


EFFORTS = {
    # batches big enough to keep a GPU machine's compile workers busy
    "quick": Effort(evaluations=40, initial=12, copies=2, generations=5, population=8, batch=10),
    "full": Effort(evaluations=400, initial=50, copies=5, generations=20, population=20, batch=20),
}

MIN_GAIN = 0.001  # a move must be 0.1% faster: smaller gains are timing noise
CROSSOVER = 0.8
MUTATION = 0.5
POLISH = 0.25  # share of the surrogate's evaluations kept for the final descent
PERTURBATIONS = 50  # surrogate candidates drawn around each of the best configs
RANDOM_CANDIDATES = 200
FAILED_PENALTY = math.log(4.0)  # a failed config counts as 4x slower than the slowest


class Search:
    """Shared machinery: batched, deduplicated, budgeted benchmarking of points. With
    `identify`, a point whose config runs the same code as one already benchmarked
    takes its time, and only the distinct kernels count against the limit: keys that
    change nothing for a kernel (a descriptor its accesses cannot use, loop options of
    a loop it lacks) cost no benchmark."""

    name: ClassVar[str]

    def __init__(
        self,
        spec: ConfigSpec,
        evaluate: Evaluate,
        budget: Budget,
        *,
        seed: int = 0,
        effort: str = "quick",
        seeds: Sequence[Config] = (),
        identify: Identify | None = None,
    ):
        if effort not in EFFORTS:
            raise exc.InvalidArgument(
                f"unknown autotune effort {effort!r}; choose one of {', '.join(EFFORTS)}"
            )
        self.spec = spec
        self.space = Space(spec)
        self.effort = EFFORTS[effort]
        self.budget = budget
        self.rng = random.Random(seed)
        # seeds outside the space raise InvalidConfig here, before anything is benchmarked
        self.seeds = [self.space.encode(s) for s in seeds]
        self._evaluate = evaluate
        self._identify = identify
        self._kernel_times: dict[Hashable, float] = {}
        self.times: dict[Point, float] = {}
        self.history: list[tuple[Config, float]] = []

    @property
    def evaluations(self) -> int:
        """Configs benchmarked: distinct kernels, where the search can tell them apart."""
        return len(self._kernel_times)

    def run(self) -> tuple[Config, float]:
        """The fastest config found and its time; (default, inf) if every one failed."""
        self.search()
        ranked = self.ranked()
        if not ranked or ranked[0][1] == math.inf:
            return self.spec.default_config(), math.inf
        return self.space.decode(ranked[0][0]), ranked[0][1]

    def search(self) -> None:
        raise NotImplementedError

    # -- benchmarking

    @property
    def limit(self) -> int:
        """The most evaluations this search may make: its effort's or the budget's."""
        return min(self.effort.evaluations, self.budget.max_evaluations)

    def done(self) -> bool:
        return self.evaluations >= self.limit or self.budget.exhausted(self.evaluations)

    def measure(self, points: Iterable[Point]) -> int:
        """Benchmark the unmeasured `points` as one batch, cut to what the budget allows
        (a point whose kernel is benchmarked, before or in this batch, takes its time);
        how many kernels were benchmarked."""
        if self.done():
            return 0
        room = self.limit - self.evaluations
        batch: dict[Hashable, tuple[Point, Config]] = {}
        twins: list[tuple[Point, Config, Hashable]] = []
        for p in dict.fromkeys(points):
            if p in self.times:
                continue
            config = self.space.decode(p)
            kernel = self._kernel_of(p, config)
            if kernel in self._kernel_times or kernel in batch:
                twins.append((p, config, kernel))
            elif len(batch) < room:
                batch[kernel] = (p, config)
        configs = [c for _, c in batch.values()]
        times = list(self._evaluate(configs)) if configs else []
        if len(times) != len(configs):
            raise exc.InternalError(
                f"evaluate returned {len(times)} times for {len(configs)} configs"
            )
        for (kernel, (p, c)), t in zip(batch.items(), times):
            self._kernel_times[kernel] = t = math.inf if math.isnan(t) else float(t)
            self._record(p, c, t)
        for p, c, kernel in twins:
            if kernel in self._kernel_times:
                self._record(p, c, self._kernel_times[kernel])
        return len(configs)

    def _record(self, p: Point, config: Config, t: float) -> None:
        self.times[p] = t
        self.history.append((config, t))

    def _kernel_of(self, p: Point, config: Config) -> Hashable:
        """What `config` runs; a config the compiler rejects is its own kernel (its
        benchmark reports the failure)."""
        if self._identify is None:
            return p
        try:
            return self._identify(config)
        except Exception:
            return p

    def ranked(self) -> list[tuple[Point, float]]:
        """Measured points, fastest first (failures last; ties in measuring order)."""
        return sorted(self.times.items(), key=lambda pt: pt[1])

    def fastest(self, n: int) -> list[Point]:
        """Up to `n` fastest points that did not fail."""
        return [p for p, t in self.ranked()[:n] if t < math.inf]

    # -- building blocks of the strategies

    def start(self, size: int) -> None:
        """Measure default, seeds and random points up to `size`; more random while all fail."""
        first = list(dict.fromkeys([self.space.default, *self.seeds]))
        self.measure(first + self.fresh(size - len(first), exclude=first))
        while not self.fastest(1) and not self.done():
            more = self.fresh(size)
            if not more or not self.measure(more):  # no new kernel among them: stop
                return

    def fresh(self, n: int, exclude: Sequence[Point] = ()) -> list[Point]:
        """Up to `n` random points, unmeasured and not in `exclude` (fewer in small spaces)."""
        seen = set(self.times) | set(exclude)
        out: list[Point] = []
        for _ in range(50 * n + 100 if n > 0 else 0):
            p = self.space.random_point(self.rng)
            if p not in seen:
                seen.add(p)
                out.append(p)
                if len(out) == n:
                    break
        return out

    def descend(self, starts: list[Point], generations: int) -> None:
        """Move each copy to its fastest neighbour while one is MIN_GAIN faster."""
        current = list(dict.fromkeys(starts))
        for _ in range(generations):
            if not current or self.done():
                return
            groups = [self._shuffled(self.space.neighbours(p)) for p in current]
            # the best copies' neighbours first: a batch cut by the budget keeps them
            self.measure(q for group in groups for q in group)
            moved = [self._best_move(p, group) for p, group in zip(current, groups)]
            current = sorted(dict.fromkeys(q for q in moved if q is not None), key=self.times.get)

    def _best_move(self, point: Point, neighbours: list[Point]) -> Point | None:
        timed = [q for q in neighbours if q in self.times]
        best = min(timed, key=self.times.__getitem__, default=None)
        if best is None or self.times[best] >= self.times[point] * (1 - MIN_GAIN):
            return None
        return best

    def _shuffled(self, points: list[Point]) -> list[Point]:
        points = list(points)
        self.rng.shuffle(points)
        return points


class RandomSearch(Search):
    """Default, seeds, then random configs, in batches, until the limit."""

    name = "random"

    def search(self) -> None:
        self.start(self.effort.initial)
        while not self.done():
            batch = self.fresh(self.effort.initial)
            if not batch or not self.measure(batch):  # no new kernel among them: stop
                return


class PatternSearch(Search):
    """A first population, then local descents from its `copies` fastest configs."""

    name = "pattern"

    def search(self) -> None:
        self.start(self.effort.initial)
        self.descend(self.fastest(self.effort.copies), self.effort.generations)


class DifferentialEvolution(Search):
    """Classic DE/rand/1/bin over the point vector, rounded and clipped per coordinate."""

    name = "de"

    def search(self) -> None:
        size = self.effort.population
        self.start(size)
        population = [p for p, _ in self.ranked()[:size]]
        for _ in range(self.effort.generations):
            if self.done():
                return
            trials = [self._trial(population, k) for k in range(len(population))]
            self.measure(trials)
            for k, trial in enumerate(trials):
                if self.times.get(trial, math.inf) < self.times[population[k]]:
                    population[k] = trial

    def _trial(self, population: list[Point], k: int) -> Point:
        """Mutant a + F(b - c) of three other members, crossed over with member `k`."""
        target = population[k]
        if not target:
            return target
        others = [p for i, p in enumerate(population) if i != k] or [target]
        a, b, c = (
            self.rng.sample(others, 3)
            if len(others) >= 3
            else [self.rng.choice(others) for _ in range(3)]
        )
        forced = self.rng.randrange(len(target))
        trial = []
        for i, n in enumerate(self.space.sizes):
            if i == forced or self.rng.random() < CROSSOVER:
                trial.append(min(max(self._round(a[i] + MUTATION * (b[i] - c[i])), 0), n - 1))
            else:
                trial.append(target[i])
        return self.space.legalize(tuple(trial))

    def _round(self, x: float) -> int:
        """`x` rounded up with probability its fraction: unbiased, unlike round-half-even."""
        low = math.floor(x)
        return low + (self.rng.random() < x - low)


class SurrogateSearch(Search):
    """A model fitted to the measurements picks each batch; a short descent polishes the best."""

    name = "surrogate"

    def search(self) -> None:
        effort = self.effort
        self.start(effort.initial)
        model_end = self.limit - int(self.limit * POLISH)
        for _ in range(effort.generations):
            room = min(effort.batch, model_end - self.evaluations)
            if room <= 0 or self.done():
                break
            candidates = self._candidates()
            if not candidates:
                break
            model = _Model(self.space, self.ranked())
            self.measure(model.best(candidates, room))
        self.descend(self.fastest(1), effort.generations)

    def _candidates(self) -> list[Point]:
        """Neighbours and perturbations of the fastest configs, and random ones, unmeasured."""
        pool: list[Point] = []
        for p in self.fastest(self.effort.copies):
            pool += self.space.neighbours(p)
            pool += [self.space.perturb(p, self.rng) for _ in range(PERTURBATIONS)]
        pool += self.fresh(RANDOM_CANDIDATES)
        return [p for p in dict.fromkeys(pool) if p not in self.times]


class _Model:
    """Ridge regression of log time, corrected by the residuals of the nearest measured points."""

    RIDGE = 1.0
    NEIGHBOURS = 5

    def __init__(self, space: Space, measured: list[tuple[Point, float]]):
        import numpy as np

        self.space = space
        self.x = space.features([p for p, _ in measured])
        y = self._targets([t for _, t in measured])
        self.x_mean, self.y_mean = self.x.mean(axis=0), y.mean()
        xc = self.x - self.x_mean
        gram = xc.T @ xc + self.RIDGE * np.eye(xc.shape[1])
        self.w = np.linalg.solve(gram, xc.T @ (y - self.y_mean))
        self.residual = y - self._linear(self.x)

    @staticmethod
    def _targets(times: list[float]) -> np.ndarray:
        """Log times; failures at the slowest log time plus a penalty, so the model avoids them."""
        import numpy as np

        logs = np.log(np.maximum(np.array(times), 1e-9))
        finite = logs[np.isfinite(logs)]
        worst = finite.max() + FAILED_PENALTY if finite.size else 0.0
        return np.where(np.isfinite(logs), logs, worst)

    def _linear(self, x: np.ndarray) -> np.ndarray:
        return (x - self.x_mean) @ self.w + self.y_mean

    def predict(self, points: list[Point]) -> np.ndarray:
        import numpy as np

        x = self.space.features(points)
        # squared distances without a candidates x measured x features temporary
        sq = (x**2).sum(axis=1)[:, None] + (self.x**2).sum(axis=1)[None, :]
        dist = np.maximum(sq - 2.0 * x @ self.x.T, 0.0)
        k = min(self.NEIGHBOURS, len(self.x))
        near = np.argsort(dist, axis=1, kind="stable")[:, :k]
        weight = 1.0 / (1.0 + np.take_along_axis(dist, near, axis=1))
        correction = (weight * self.residual[near]).sum(axis=1) / weight.sum(axis=1)
        return self._linear(x) + correction

    def best(self, points: list[Point], n: int) -> list[Point]:
        """The `n` points predicted fastest."""
        import numpy as np

        order = np.argsort(self.predict(points), kind="stable")[:n]
        return [points[i] for i in order]


STRATEGIES: dict[str, type[Search]] = {
    s.name: s for s in (RandomSearch, PatternSearch, DifferentialEvolution, SurrogateSearch)
}


def make_search(
    name: str,
    spec: ConfigSpec,
    evaluate: Evaluate,
    budget: Budget,
    *,
    seed: int = 0,
    effort: str = "quick",
    seeds: Sequence[Config] = (),
    identify: Identify | None = None,
) -> Search:
    """The strategy called `name`, ready to `run()`."""
    if name not in STRATEGIES:
        raise exc.InvalidArgument(
            f"unknown search strategy {name!r}; choose one of {', '.join(STRATEGIES)}"
        )
    return STRATEGIES[name](
        spec, evaluate, budget, seed=seed, effort=effort, seeds=seeds, identify=identify
    )
