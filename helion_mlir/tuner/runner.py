"""Running candidate configs of one bound kernel for the tuner: compile (on a GPU, in
parallel worker processes first), run once and compare with the default config's
result, then time. A candidate that fails to compile, raises, runs past its timeout or
computes something else is counted and given an infinite time; the search goes on."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from helion_mlir import exc
from helion_mlir.runtime.config import Config

if TYPE_CHECKING:
    from helion_mlir.runtime.kernel import BoundKernel
    from helion_mlir.runtime.settings import Settings

# the kinds of failed candidates, as the end-of-tuning summary counts them
FAILURES = {
    "compile": "failed to compile",
    "spill": "would spill (not compiled)",
    "error": "raised an error",
    "timeout": "timed out",
    "mismatch": "gave a wrong result",
}


class RunTimeout(Exception):
    """A candidate ran past its time."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the body after `seconds` (main thread only; elsewhere, no limit). The
    interpreter checks for the signal between Python steps, so CPU runs stop promptly."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RunTimeout(f"ran past {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _tensors(value: Any) -> list[Any]:
    """The tensors in a result (a tensor, or tuples, lists and dicts of them)."""
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, tuple | list):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


def _clone(args: Sequence[Any]) -> list[Any]:
    """Copies of the tensor arguments with their strides: the kernel is specialized to
    them, and an expanded or sliced argument's `clone()` would be contiguous."""
    import torch

    return [_strided_copy(a) if isinstance(a, torch.Tensor) else a for a in args]


def _strided_copy(t: Any) -> Any:
    import torch

    if t.is_contiguous():
        return t.clone()
    # copy the stretch of memory the view reads, and view the copy the same way
    span = (
        1 + sum((n - 1) * s for n, s in zip(t.shape, t.stride(), strict=True)) if t.numel() else 0
    )
    memory = torch.as_strided(t, (span,), (1,), t.storage_offset()).clone()
    return memory.as_strided(t.shape, t.stride())


def close_enough(got: Any, want: Any) -> bool:
    """Same dtype and shape, and values within 1e-2 (absolute tolerance scaled by the
    expected values' size); integers and bools exactly."""
    import torch

    if got.shape != want.shape or got.dtype != want.dtype:
        return False
    if not want.dtype.is_floating_point:
        return bool(torch.equal(got, want))
    g, w = got.double(), want.double()
    finite = torch.isfinite(w)
    scale = max(1.0, float(w[finite].pow(2).mean().sqrt())) if finite.any() else 1.0
    return bool(torch.allclose(g, w, rtol=1e-2, atol=1e-2 * scale, equal_nan=True))


# milliseconds of runs do_bench times per config during the search, and per leader after it
SEARCH_REP_MS = 20
LEADER_REP_MS = 120
LEADER_ROUNDS = 3
# register-tile elements a thread, past which a candidate is skipped uncompiled (not a
# seed): 256 floats fill every register a thread has. On an H100 target, rms_norm
# backward's [16, 8] x 8192 tiles at 1 warp (2048 a thread) took 72 s to compile, to
# 28 KB of spills a thread
MAX_ELEMENTS_PER_THREAD = 256
# how long the slowest compiles of a batch are waited for, against the batch's median
STRAGGLER_FACTOR = 4.0
STRAGGLER_MIN_S = 10.0


class Runner:
    """Measures configs of `bound` on `args`; `evaluate` is what a search calls."""

    def __init__(
        self,
        bound: BoundKernel,
        args: Sequence[Any],
        settings: Settings,
        fallbacks: Sequence[Config] = (),
    ):
        self.bound = bound
        self.args = list(args)
        self.settings = settings
        self.gpu = bound.device != "cpu"
        self.compile: Callable[[Config], Callable[..., Any]] = bound.compile_config
        self.failures: Counter[str] = Counter()
        self.reasons: dict[str, str] = {}  # a sample message per kind of failure
        self.timings: dict[str, float] = {}
        self.configs: dict[str, Config] = {}  # the config of each key in `timings`
        # compiles waited for to the compile timeout, never given up as stragglers: the
        # seeds are chosen for being fast, and a host busy with other work (parallel
        # tunes, torch.compile) can slow any compile past the batch's median
        self.patient = frozenset(c.to_json() for c in fallbacks)
        self.baseline = self._reference(bound.config_spec.default_config(), fallbacks)

    def _reference(self, default: Config, fallbacks: Sequence[Config]) -> list[Any]:
        """What the default config computes (its results and the arguments it wrote),
        or where it fails, the first of `fallbacks` that runs: candidates are checked
        against it."""
        for config in (default, *fallbacks):
            try:
                return self._run(config)[2]
            except exc.HelionError:
                raise
            except Exception as e:
                if config is default:
                    first = e
                    kind, reason = _failure(e)
                    self._fail(kind, f"the default config: {reason}")
        raise exc.AutotuneError(
            "the default config fails, and so does every seed config, so there is nothing "
            f"to check candidates against: {type(first).__name__}: {first}"
        ) from first

    def _run(self, config: Config) -> tuple[Callable[..., Any], list[Any], list[Any]]:
        """`config`'s host function, the arguments it ran on, and what it computed (its
        results and the arguments it wrote); past the run timeout, `RunTimeout`."""
        args = _clone(self.args)
        with deadline(self.settings.autotune_run_timeout):
            fn = self.compile(config)
            out = fn(*args)
            self._sync()
        return fn, args, _tensors(out) + _tensors(args)

    def _sync(self) -> None:
        if self.gpu:
            import torch

            torch.cuda.synchronize()

    # -- a batch ------------------------------------------------------------------------

    def evaluate(self, configs: list[Config]) -> list[float]:
        """The time (ms) of each config; math.inf for each that failed."""
        failed = self.precompile(configs) if self.gpu and self.settings.autotune_precompile else {}
        times = []
        for config in configs:
            key = config.to_json()
            if key in failed:
                self._fail(failed[key][0], failed[key][1])
                times.append(math.inf)
            else:
                times.append(self.measure(config))
            self.timings[key] = times[-1]
            self.configs[key] = config
        return times

    def retime_leaders(self, count: int) -> tuple[Config, float] | None:
        """Time the `count` fastest configs again, longer, and return the fastest. One
        short timing of each candidate leaves noise of a few percent, enough to misorder
        near-ties; and a GPU drifts (clocks, temperature) over the seconds one timing
        takes, so the leaders are timed in turn, LEADER_ROUNDS times, and each ranked by
        its mean: a config fast in one round and slow in the others (a kernel whose
        time swings between runs) loses to one steadily fast. None when no config
        worked."""
        ranked = sorted((t, k) for k, t in self.timings.items() if t < math.inf)[:count]
        if not ranked:
            return None
        if not self.gpu or len(ranked) == 1:
            return self.configs[ranked[0][1]], ranked[0][0]
        runs = [(key, self.compile(self.configs[key])) for _, key in ranked]
        rounds: dict[str, list[float]] = {key: [] for key, _ in runs}
        for _ in range(LEADER_ROUNDS):
            for key, fn in runs:  # one copy of the arguments alive at a time
                args = _clone(self.args)
                rounds[key].append(self._time(fn, args, rep=LEADER_REP_MS // LEADER_ROUNDS))
        best_time, key = min((statistics.fmean(ts), key) for key, ts in rounds.items())
        return self.configs[key], best_time

    def _fail(self, kind: str, reason: str) -> float:
        self.failures[kind] += 1
        self.reasons.setdefault(kind, reason)
        return math.inf

    def measure(self, config: Config) -> float:
        """Run `config` once against the baseline, then time it."""
        try:
            fn, args, got = self._run(config)
        except Exception as e:  # the candidate's own failure, whatever it is
            return self._fail(*_failure(e))
        if self.settings.autotune_accuracy_check and (
            len(got) != len(self.baseline)
            or not all(close_enough(g, w) for g, w in zip(got, self.baseline))
        ):
            return self._fail("mismatch", f"{config} disagrees with the default config")
        try:
            with deadline(self.settings.autotune_run_timeout):
                return self._time(fn, args)
        except RunTimeout as e:
            return self._fail("timeout", str(e))

    def _time(self, fn: Callable[..., Any], args: list[Any], rep: int = SEARCH_REP_MS) -> float:
        if not self.gpu:  # the interpreter: one run is all there is time for
            start = time.perf_counter()
            fn(*args)
            return (time.perf_counter() - start) * 1e3
        from triton.testing import do_bench

        # do_bench flushes the L2 cache before each run
        return float(do_bench(lambda: fn(*args), warmup=5, rep=rep, return_mode="median"))

    # -- parallel compilation (GPU) -----------------------------------------------------

    def precompile(self, configs: list[Config]) -> dict[str, tuple[str, str]]:
        """Compile a batch in worker processes (Triton caches the binaries on disk, where
        the timed runs find them); the configs that failed, with why."""
        from helion_mlir.runtime import loader

        launch = self._launch_args()
        jobs: dict[str, Future[str | None]] = {}
        pool = self._workers()
        for config in configs:
            key = config.to_json()
            try:
                source = self.bound.kernel_source(config)
            except Exception as e:  # the compiler rejected it: no need to ask Triton
                jobs[key] = _done(f"compile: {type(e).__name__}: {e}")
                continue
            per_thread = self.bound.elements_per_thread(config)
            if per_thread > MAX_ELEMENTS_PER_THREAD and key not in self.patient:
                jobs[key] = _done(
                    f"spill: a register tile of {per_thread:.0f} elements a thread can "
                    "only spill; not compiled"
                )
                continue
            path = loader.write(source)
            jobs[key] = _submit(
                pool, _compile_in_worker, str(path), self.bound.launcher_name, launch
            )
        failed: dict[str, tuple[str, str]] = {}
        for key in self._wait(jobs, self.patient):
            failed[key] = ("timeout", "compiling took far longer than the batch's other configs")
        for key, job in jobs.items():
            if key in failed:
                continue
            try:
                error = job.result()
            except Exception as e:  # the worker died (a crashing compiler)
                failed[key] = ("compile", f"{type(e).__name__}: {e}")
                self._discard_workers()
                continue
            if error is not None:
                kind, _, reason = error.partition(": ")
                failed[key] = (kind, reason)
        return failed

    def _wait(
        self, jobs: dict[str, Future[str | None]], patient: frozenset[str] = frozenset()
    ) -> list[str]:
        """Wait for a batch of compiles; the keys of those given up on. Once half the
        batch is in, the rest get `STRAGGLER_FACTOR` times the median compile time (at
        least `STRAGGLER_MIN_S`): a config whose compile takes minutes is rarely fast, and
        waiting for it would stall the whole search. The `patient` keys get the whole
        compile timeout. The given-up compiles run on in their workers; the pool is
        replaced only when none is left free."""
        start = time.monotonic()
        hard_stop = start + self.settings.autotune_compile_timeout
        pending = set(jobs.values())
        waited_for = {job for key, job in jobs.items() if key in patient}
        given_up: set[Future[str | None]] = set()
        took: list[float] = []
        while pending:
            stop = hard_stop
            stragglers = pending - waited_for
            if stragglers and len(took) * 2 >= len(jobs):
                typical = sorted(took)[len(took) // 2]
                stop = min(stop, start + max(STRAGGLER_MIN_S, STRAGGLER_FACTOR * typical))
            done, pending = wait(pending, max(0.0, stop - time.monotonic()), FIRST_COMPLETED)
            if not done:
                if stop == hard_stop:
                    break
                given_up |= stragglers
                pending -= stragglers
                continue
            took.extend(time.monotonic() - start for _ in done)
        pending |= {job for job in given_up if not job.done()}  # some finished meanwhile
        _STUCK.difference_update({job for job in _STUCK if job.done()})
        _STUCK.update(pending)
        if len(_STUCK) >= _pool_size():
            self._discard_workers()
        return [key for key, job in jobs.items() if job in pending]

    def _launch_args(self) -> list[Any]:
        """The arguments the host code hands the launcher, as shapes to rebuild."""
        import torch

        captured: list[Any] = []
        self.bound.host_function(lambda *a: captured.extend(a))(*_clone(self.args))
        return [
            ("tensor", tuple(a.shape), tuple(a.stride()), str(a.dtype), str(a.device))
            if isinstance(a, torch.Tensor)
            else ("value", a)
            for a in captured
        ]

    def _workers(self) -> ProcessPoolExecutor:
        return _shared_workers()

    def _discard_workers(self) -> None:
        _end_workers()

    def close(self) -> None:
        """The workers stay up for the next tuning in this process (they take seconds
        to start); `atexit` ends them."""

    def failure_summary(self) -> str:
        parts = [f"{self.failures[k]} {words}" for k, words in FAILURES.items() if self.failures[k]]
        return ", ".join(parts)


_POOL: ProcessPoolExecutor | None = None
# compiles given up on that still hold a worker of `_POOL` (across tunings, as the pool is)
_STUCK: set[Future[str | None]] = set()


def _shared_workers() -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        import atexit
        import multiprocessing

        _POOL = ProcessPoolExecutor(_pool_size(), mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_end_workers)
    return _POOL


def _submit(pool: ProcessPoolExecutor, fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """`pool.submit`, spawning any worker it needs without the user's main script: a
    spawned process runs that script again first (as `__mp_main__`), and a script
    without an `if __name__ == "__main__":` guard would start tuning again in every
    worker and break the pool. The workers need nothing from it."""
    main = sys.modules["__main__"].__dict__
    saved = {k: main[k] for k in ("__file__", "__spec__") if k in main}
    main.pop("__file__", None)
    main["__spec__"] = None  # neither a path nor a module name to run
    try:
        return pool.submit(fn, *args)
    finally:
        main.pop("__spec__")
        main.update(saved)


def _pool_size() -> int:
    return max(1, min(os.cpu_count() or 1, 16))


def _end_workers() -> None:
    """Kill the workers (one may still be compiling a config given up on) and let go."""
    global _POOL
    pool, _POOL = _POOL, None
    _STUCK.clear()
    if pool is not None:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def _done(value: str) -> Future[str | None]:
    f: Future[str | None] = Future()
    f.set_result(value)
    return f


def _failure(e: BaseException) -> tuple[str, str]:
    """The kind of a candidate's failure and what to say of it."""
    if isinstance(e, RunTimeout):
        return "timeout", str(e)
    kind = "compile" if _is_compile_error(e) else "error"
    return kind, f"{type(e).__name__}: {str(e)[:200]}"


def _is_compile_error(e: BaseException) -> bool:
    names = {t.__name__ for t in type(e).__mro__}
    return bool(
        names & {"CompilationError", "OutOfResources", "CompileTimeAssertionFailure", "PTXASError"}
    ) or ("PassManager::run failed" in str(e))


def _rebuild(arg: Any) -> Any:
    """A launcher argument from its description: tensors zero-filled (so that indices
    read from them stay in bounds)."""
    import torch

    if arg[0] != "tensor":
        return arg[1]
    _, shape, stride, dtype, device = arg
    t = torch.empty_strided(
        shape, stride, dtype=getattr(torch, dtype.removeprefix("torch.")), device=device
    )
    return t.zero_()


@contextlib.contextmanager
def _silenced_stderr() -> Iterator[None]:
    """Triton's backends write a failing compile's whole IR to the process's stderr
    (thousands of lines a config); the exception keeps the message that matters."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _compile_in_worker(path: str, launcher: str, launch: list[Any]) -> str | None:
    """In a worker process: import a generated module and run its launcher once on
    zero-filled arguments of the right shapes, which makes Triton compile (and cache)
    the kernel. None if it worked, else `kind: message`."""
    import importlib.util

    import torch

    try:
        with _silenced_stderr():
            spec = importlib.util.spec_from_file_location(f"_candidate_{os.getpid()}", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            args = [_rebuild(a) for a in launch]
            getattr(module, launcher)(*args)
            torch.cuda.synchronize()
    except Exception as e:
        kind = "compile" if _is_compile_error(e) else "error"
        return f"{kind}: {type(e).__name__}: {str(e)[:300]}"
    return None
