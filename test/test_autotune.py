"""The tuner end to end on the CPU (Triton's interpreter): candidates that fail to
compile, raise, hang or compute something else are skipped and counted; the result is
printed the way Helion prints it, cached on disk, and reused by a new process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc
from helion_mlir.tuner import cache
from helion_mlir.tuner.autotune import cache_fields

ROOT = Path(__file__).resolve().parent.parent


def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tile in hl.tile(out.size()):
        out[tile] = x[tile] + y[tile]
    return out


def make_add(**settings):
    return helion.kernel(**settings)(_add)


GOOD = [{"block_sizes": [8, 8]}, {"block_sizes": [16, 16]}, {"block_sizes": [32, 4]}]


class CompilationError(Exception):
    """Named like Triton's, so the runner counts it as a compile failure."""


def planted(bound, plan):
    """`bound.compile_config` with failures planted for some block sizes."""
    real = bound.compile_config

    def compile_config(config=None):
        kind = plan.get(tuple(bound.normalize(config)["block_sizes"]))
        fn = real(config)
        if kind == "compile":
            raise CompilationError("planted: does not compile")
        if kind == "error":
            return lambda *a: (_ for _ in ()).throw(RuntimeError("planted: raises"))
        if kind == "hang":
            return lambda *a: time.sleep(3600)
        if kind == "wrong":
            return lambda *a: fn(*a) + 1
        return fn

    bound.compile_config = compile_config


def test_planted_failures_are_skipped_and_counted(capsys):
    plan = {(4, 4): "compile", (2, 2): "error", (1, 1): "hang", (2, 8): "wrong"}
    configs = [{"block_sizes": list(b)} for b in plan] + GOOD
    kernel = make_add(
        configs=configs, autotune_run_timeout=1.0, skip_cache=True, autotune_progress_bar=False
    )
    x, y = torch.randn(20, 30), torch.randn(20, 30)
    bound = kernel.bind((x, y))
    planted(bound, plan)
    torch.testing.assert_close(bound(x, y), x + y)
    assert list(bound.config["block_sizes"]) in [c["block_sizes"] for c in GOOD]
    err = capsys.readouterr().err
    assert (
        "after searching 7 configs (1 failed to compile, 1 raised an error, 1 timed out, "
        "1 gave a wrong result)" in err
    )
    assert "a compile failure: CompilationError: planted: does not compile" in err
    assert "a mismatch failure:" in err
    assert "@helion.kernel(config=helion.Config(" in err


@pytest.mark.parametrize("strategy", ["random", "pattern", "de", "surrogate"])
def test_each_strategy_finishes_with_a_correct_config_despite_failures(strategy):
    kernel = make_add(
        autotune_effort="quick",
        autotuner=strategy,
        autotune_random_seed=1,
        autotune_budget_seconds=20,
        autotune_run_timeout=1.0,
        skip_cache=True,
        autotune_progress_bar=False,
    )
    x, y = torch.randn(9, 12), torch.randn(9, 12)
    bound = kernel.bind((x, y))
    # every config with a block of 1 fails, in turns, each of the four ways
    kinds = ["compile", "error", "hang", "wrong"]
    plan = {
        (a, b): kinds[(a + b) % 4]
        for a in (1, 2, 4, 8, 16)
        for b in (1, 2, 4, 8, 16)
        if 1 in (a, b)
    }
    planted(bound, plan)
    config = bound.autotune((x, y))
    assert 1 not in config["block_sizes"]
    torch.testing.assert_close(bound(x, y), x + y)


def test_quick_effort_on_the_cpu_is_bounded():
    kernel = make_add(autotune_effort="quick", skip_cache=True, autotune_progress_bar=False)
    x, y = torch.randn(64, 64), torch.randn(64, 64)
    start = time.monotonic()
    torch.testing.assert_close(kernel(x, y), x + y)
    assert time.monotonic() - start < 120


def test_a_failing_default_config_hands_the_reference_to_a_candidate(capsys):
    """Where the default config fails or hangs (Triton can fail to compile a legal
    kernel), the first candidate that runs is the reference results are checked
    against; only when every one fails is there nothing to tune."""
    kernel = make_add(
        configs=GOOD, autotune_run_timeout=1.0, skip_cache=True, autotune_progress_bar=False
    )
    x, y = torch.randn(32, 32), torch.randn(32, 32)  # default [32, 32]; GOOD: no 32 x 32
    bound = kernel.bind((x, y))
    default = tuple(bound.config_spec.default_config()["block_sizes"])
    first = tuple(bound.normalize(GOOD[0])["block_sizes"])
    planted(bound, {default: "hang", first: "compile"})  # a hanging default times out
    config = bound.autotune((x, y))
    assert tuple(config["block_sizes"]) not in (default, first)
    torch.testing.assert_close(bound(x, y), x + y)
    err = capsys.readouterr().err
    assert "a timeout failure: the default config" in err, err

    bound = make_add(configs=GOOD, skip_cache=True, autotune_progress_bar=False).bind((x, y))
    every = [bound.normalize(c)["block_sizes"] for c in GOOD] + [list(default)]
    planted(bound, {tuple(b): "error" for b in every})
    with pytest.raises(exc.AutotuneError, match="default config fails"):
        bound(x, y)


# -- the disk cache -----------------------------------------------------------------------

SCRIPT = textwrap.dedent(
    """
    import sys, torch
    sys.path.insert(0, {test_dir!r})
    from test_autotune import make_add
    kernel = make_add(autotune_effort="quick", autotune_random_seed=0, autotune_progress_bar=False)
    x, y = torch.ones(16, 16), torch.ones(16, 16)
    assert torch.equal(kernel(x, y), x + y)
    print("CONFIG", kernel.bind((x, y)).config.to_json())
    """
)


def run_script(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HELION_MLIR_CACHE_DIR": str(tmp_path)}
    code = SCRIPT.format(test_dir=str(ROOT / "test"))
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )


def test_cache_hit_in_a_new_process_skips_tuning(tmp_path):
    first = run_script(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Autotuning complete" in first.stderr
    second = run_script(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Autotuning complete" not in second.stderr
    config = lambda out: [line for line in out.splitlines() if line.startswith("CONFIG")]  # noqa: E731
    assert config(first.stdout) == config(second.stdout)


def test_two_processes_tuning_at_once_both_finish_with_a_valid_cache(tmp_path):
    env = {**os.environ, "HELION_MLIR_CACHE_DIR": str(tmp_path)}
    code = SCRIPT.format(test_dir=str(ROOT / "test"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    entries = list((tmp_path / "autotune").glob("*.best_config"))
    assert len(entries) == 1
    assert "block_sizes" in json.loads(entries[0].read_text())["config"]
    assert not list((tmp_path / "autotune").glob("*.tmp"))


def test_corrupt_cache_entry_is_ignored_with_a_warning_and_rewritten(tmp_path, monkeypatch):
    monkeypatch.setenv("HELION_MLIR_CACHE_DIR", str(tmp_path))
    kernel = make_add(autotune_effort="quick", autotune_random_seed=0, autotune_progress_bar=False)
    x, y = torch.ones(8, 8), torch.ones(8, 8)
    bound = kernel.bind((x, y))
    fields = cache_fields(bound, (x, y))
    path = cache.store(fields, bound.config_spec.default_config())
    path.write_text('{"key": {"truncated')
    with pytest.warns(UserWarning, match="unreadable autotune cache entry"):
        bound(x, y)
    assert cache.load(fields) is not None


def test_cached_config_is_used_and_stale_entries_for_other_keys_are_not(tmp_path, monkeypatch):
    monkeypatch.setenv("HELION_MLIR_CACHE_DIR", str(tmp_path))
    kernel = make_add(autotune_effort="quick", autotune_progress_bar=False)
    x, y = torch.ones(8, 8), torch.ones(8, 8)
    bound = kernel.bind((x, y))
    planted_config = bound.normalize({"block_sizes": [2, 4]})
    cache.store(cache_fields(bound, (x, y)), planted_config)
    bound(x, y)
    assert bound.config == planted_config
    other = kernel.bind((torch.ones(8, 16), torch.ones(8, 16)))
    assert cache.load(cache_fields(other, (torch.ones(8, 16), torch.ones(8, 16)))) is None
    exact = make_add(emulate_precision_casts=True).bind((x, y))  # other code, other entry
    assert cache.load(cache_fields(exact, (x, y))) is None


def test_settings_reject_unknown_effort():
    with pytest.raises(exc.InvalidArgument, match="autotune_effort"):
        make_add(autotune_effort="medium")


@pytest.mark.parametrize("seed_s", [None, 1.0])
def test_a_batch_stops_waiting_for_a_compile_far_slower_than_the_rest(monkeypatch, seed_s):
    """Once half a batch has compiled, a straggler gets a few times the median compile
    time; it is counted as a timeout and the batch goes on without it. A seed is
    waited for to the compile timeout: on a busy host its compile can take several
    times the batch's median, and the seeds are the likeliest fast."""
    from concurrent.futures import ThreadPoolExecutor

    from helion_mlir.runtime.settings import Settings
    from helion_mlir.tuner import runner

    monkeypatch.setattr(runner, "STRAGGLER_MIN_S", 0.3)
    r = runner.Runner.__new__(runner.Runner)
    r.settings = Settings()
    release = threading.Event()
    with ThreadPoolExecutor(9) as pool:
        jobs = {f"fast{i}": pool.submit(time.sleep, 0.05) for i in range(5)}
        if seed_s is not None:
            jobs["seed"] = pool.submit(time.sleep, seed_s)
        jobs["slow"] = pool.submit(release.wait, 60)
        if seed_s is not None:  # given up as a straggler, done before the seed: not a timeout
            jobs["late"] = pool.submit(time.sleep, 0.6)
        start = time.monotonic()
        given_up = r._wait(jobs, patient=frozenset({"seed"}))
        waited = time.monotonic() - start
        release.set()
    assert given_up == ["slow"]
    assert waited < 5, waited
    if seed_s is not None:
        assert jobs["seed"].done() and waited > 0.9 * seed_s


def test_leaders_are_timed_in_turn_and_ranked_by_their_mean():
    """On a GPU the fastest configs of the search are timed again, round after round in
    turn, so a drift of the card's speed during re-timing does not favour whichever
    leader went first, and ranked by their mean: one fast round does not make a leader
    that is slow in the others."""
    from helion_mlir.runtime.config import Config
    from helion_mlir.tuner import runner

    r = runner.Runner.__new__(runner.Runner)
    r.gpu, r.args = True, []
    configs = {name: Config(num_warps=w) for name, w in (("a", 4), ("b", 8), ("c", 16))}
    r.configs = {c.to_json(): c for c in configs.values()}
    r.timings = {
        configs["a"].to_json(): 1.0,
        configs["b"].to_json(): 1.1,
        configs["c"].to_json(): 9.0,
    }
    r.compile = lambda config: config["num_warps"]
    rounds = {4: [0.9, 1.40, 1.35], 8: [1.2, 1.20, 1.20]}  # 4 warps: once fast, then slower
    calls = []

    def timed(fn, args, rep):
        calls.append(fn)
        return rounds[fn][sum(c == fn for c in calls) - 1]

    r._time = timed
    best, t = r.retime_leaders(2)
    assert calls == [4, 8] * runner.LEADER_ROUNDS  # in turn, each round
    assert (best["num_warps"], t) == (8, 1.2)


def test_interrupted_tuning_leaves_the_cache_valid(tmp_path, monkeypatch):
    """Ctrl-C in the middle of a search propagates, writes nothing half-done, and
    leaves earlier entries readable; the next tuning fills the cache."""
    from helion_mlir.tuner.runner import Runner

    monkeypatch.setenv("HELION_MLIR_CACHE_DIR", str(tmp_path))
    kernel = make_add(autotune_effort="quick", autotune_random_seed=0, autotune_progress_bar=False)
    other = (torch.ones(8, 16), torch.ones(8, 16))
    kernel(*other)  # an earlier entry, for another shape
    before = {p.name: p.read_text() for p in (tmp_path / "autotune").iterdir()}
    real, batches = Runner.evaluate, []

    def interrupted(self, configs):
        batches.append(configs)
        if len(batches) == 2:
            raise KeyboardInterrupt
        return real(self, configs)

    monkeypatch.setattr(Runner, "evaluate", interrupted)
    x, y = torch.ones(8, 8), torch.ones(8, 8)
    bound = kernel.bind((x, y))
    with pytest.raises(KeyboardInterrupt):
        bound(x, y)
    after = {p.name: p.read_text() for p in (tmp_path / "autotune").iterdir()}
    assert after == before  # no partial entry, no temp file, the old entry intact
    assert cache.load(cache_fields(bound, (x, y))) is None
    assert cache.load(cache_fields(kernel.bind(other), other)) is not None
    monkeypatch.setattr(Runner, "evaluate", real)
    torch.testing.assert_close(bound(x, y), x + y)
    assert cache.load(cache_fields(bound, (x, y))) is not None


@pytest.mark.parametrize("text", ["", "{", '{"key": {"truncated', "null", "[1, 2]"])
def test_truncated_or_foreign_cache_files_are_ignored_and_rewritten(tmp_path, monkeypatch, text):
    monkeypatch.setenv("HELION_MLIR_CACHE_DIR", str(tmp_path))
    kernel = make_add(autotune_effort="quick", autotune_random_seed=0, autotune_progress_bar=False)
    x, y = torch.ones(8, 8), torch.ones(8, 8)
    bound = kernel.bind((x, y))
    fields = cache_fields(bound, (x, y))
    cache.store(fields, bound.config_spec.default_config()).write_text(text)
    with pytest.warns(UserWarning, match="autotune cache entry"):
        torch.testing.assert_close(bound(x, y), x + y)
    assert cache.load(fields) is not None


@pytest.mark.parametrize("static", [True, False])
def test_static_shapes_off_tunes_once_per_shape_bucket(static, monkeypatch):
    """With static_shapes=False a config tuned for one shape serves the other shapes of
    its bucket (each still compiles for its own sizes); with True each shape tunes."""
    from helion_mlir.tuner import autotune as autotune_module

    tunings = []
    real = autotune_module.autotune

    def counted(bound, args, settings):
        tunings.append(tuple(args[0].shape))
        return real(bound, args, settings)

    monkeypatch.setattr(autotune_module, "autotune", counted)
    kernel = make_add(
        configs=GOOD, static_shapes=static, skip_cache=True, autotune_progress_bar=False
    )
    for shape in [(20, 30), (33, 17), (20, 30), (1, 30)]:
        x, y = torch.randn(shape), torch.randn(shape)
        torch.testing.assert_close(kernel(x, y), x + y)
    if static:
        assert tunings == [(20, 30), (33, 17), (1, 30)]
    else:  # (1, 30) is another bucket: a dim of size 1
        assert tunings == [(20, 30), (1, 30)]
        assert (
            kernel.bind((torch.randn(33, 17),) * 2).config
            == kernel.bind((torch.randn(20, 30),) * 2).config
        )


def test_compile_workers_start_without_rerunning_a_script_without_a_main_guard(tmp_path):
    """A spawned worker first runs the parent's main script again; a script that tunes
    at top level (no `if __name__ == "__main__":`) would tune again in every worker and
    break the pool. Workers start without it."""
    script = tmp_path / "tune_at_top_level.py"
    script.write_text(
        "import os\n"
        "print('top level ran', flush=True)\n"
        "from helion_mlir.tuner import runner\n"
        "pool = runner._shared_workers()\n"
        "print('worker', runner._submit(pool, os.getpid).result() != os.getpid(), flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["top level ran", "worker True"]


def test_a_failing_compile_in_a_worker_keeps_its_message_but_not_its_ir_dump(tmp_path, capfd):
    """Triton writes a failing compile's IR to stderr, thousands of lines a config: the
    compile worker drops that output and reports the error's message."""
    from helion_mlir.tuner.runner import _compile_in_worker

    module = tmp_path / "candidate.py"
    module.write_text(
        "import os\n"
        "def launch():\n"
        "    os.write(2, b'// a whole module of PTX\\n' * 1000)\n"
        "    raise RuntimeError('PassManager::run failed')\n"
    )
    result = _compile_in_worker(str(module), "launch", [])
    assert result is not None and "PassManager::run failed" in result
    assert capfd.readouterr().err == ""
    os.write(2, b"after the compile\n")  # the worker's own stderr is back
    assert capfd.readouterr().err == "after the compile\n"


def test_candidates_that_can_only_spill_are_skipped_uncompiled(monkeypatch):
    """A candidate whose register tile puts more than 256 elements on a thread is
    counted as a compile failure without compiling (such compiles can take minutes);
    a seed is compiled whatever its tile."""
    from helion_mlir.runtime.settings import Settings
    from helion_mlir.tuner import runner

    x = torch.randn(128, 128)
    bound = make_add().bind((x, x))
    spec = bound.config_spec
    big = helion.Config(**spec.normalize({"block_sizes": [128, 128], "num_warps": 1}))
    ok = helion.Config(**spec.normalize({"block_sizes": [128, 128], "num_warps": 16}))
    assert (bound.elements_per_thread(big), bound.elements_per_thread(ok)) == (512, 32)
    r = runner.Runner.__new__(runner.Runner)
    r.bound, r.settings, r.patient = bound, Settings(), frozenset()
    r._launch_args, r._workers = (lambda: []), (lambda: None)
    submitted = []
    monkeypatch.setattr(
        runner, "_submit", lambda pool, fn, *a: submitted.append(a) or runner._done(None)
    )
    reason = "a register tile of 512 elements a thread can only spill; not compiled"
    assert r.precompile([big, ok]) == {big.to_json(): ("spill", reason)}
    assert len(submitted) == 1
    r.patient = frozenset({big.to_json()})
    assert r.precompile([big]) == {} and len(submitted) == 2
