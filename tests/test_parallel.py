"""The executor interface: in-process and process pools give the same results; failures are kept."""

import math
import sys

import pytest

from lithiophile.errors import InputError
from lithiophile.parallel import run_jobs


def _inverse(x: float) -> float:
    return 1.0 / x


@pytest.mark.parametrize("workers", [1, 2])
def test_results_in_order_and_errors_kept(workers):
    results = list(run_jobs(_inverse, [1.0, 0.0, 4.0], workers=workers))
    assert [r.item for r in results] == [1.0, 0.0, 4.0]
    assert results[0].value == 1.0 and results[2].value == 0.25
    assert not results[1].ok and results[1].error.startswith("ZeroDivisionError")


def test_bad_workers():
    with pytest.raises(InputError, match="workers must be a positive integer"):
        list(run_jobs(math.sqrt, [1.0], workers=0))


def test_error_type_is_kept():
    # the class name travels with the message, so callers can tell failures apart
    (result,) = run_jobs(_inverse, [0.0], workers=1)
    assert result.error_type == "ZeroDivisionError"


def _pid(_: object) -> int:
    import os

    return os.getpid()


def test_small_jobs_run_here_and_a_forced_pool_elsewhere():
    import os

    # trivial jobs: a pool would cost more than it saves, so they run in this process
    assert {r.value for r in run_jobs(_pid, range(6), workers=2)} == {os.getpid()}
    # pool_overhead_s=0 forces the pool: the values come from other processes
    pids = {r.value for r in run_jobs(_pid, range(6), workers=2, pool_overhead_s=0)}
    assert os.getpid() not in pids


def test_pool_decision():
    from lithiophile.parallel import _pool_pays

    # by hand: 10 jobs of 1 s on 2 workers save 10 * 1 * (1 - 1/2) = 5 s > 1.5 s overhead
    assert _pool_pays(10, 2, 1.5, [1.2, 1.0], free=8)
    # 10 jobs of 0.1 s save 0.5 s < 1.5 s
    assert not _pool_pays(10, 2, 1.5, [0.1, 0.1], free=8)
    # 10 jobs of 0.25 s: 2 workers save 1.25 s < 1.5 s, 4 workers save 1.875 s > 1.5 s
    assert not _pool_pays(10, 2, 1.5, [0.25, 0.25], free=8)
    assert _pool_pays(10, 4, 1.5, [0.25, 0.25], free=8)
    # ... but not when other programs leave only 2 cores free (1.25 s again)
    assert not _pool_pays(10, 4, 1.5, [0.25, 0.25], free=2)
    # one timing only (it may hold imports): wait for a second, unless it alone is long
    assert not _pool_pays(10, 2, 1.5, [1.0], free=8)
    assert _pool_pays(10, 2, 1.5, [3.5], free=8)
    assert not _pool_pays(1, 2, 1.5, [10.0, 10.0], free=8)  # one job left: nothing to share
    assert not _pool_pays(10, 2, 1.5, [10.0, 10.0], free=1)  # no free core to share with


def test_busy_cores_from_two_cpu_readings():
    from lithiophile.parallel import busy_cores

    # by hand: 100 jiffies elapsed on 2 CPUs, 50 of them idle -> half the time busy -> 1 core
    assert busy_cores((100, 1000, 2), (150, 1100, 2)) == 1.0
    # 4 CPUs, 30 of 40 idle -> 4 * (1 - 0.75) = 1 core; all idle -> 0; no time elapsed -> 0
    assert busy_cores((0, 0, 4), (30, 40, 4)) == 1.0
    assert busy_cores((0, 0, 2), (10, 10, 2)) == 0.0
    assert busy_cores((5, 5, 2), (5, 5, 2)) == 0.0


def test_free_cores_are_measured_only_when_a_pool_would_pay(monkeypatch):
    import lithiophile.parallel as par

    asked: list[int] = []

    def fake_free(sample_s: float = 0.1) -> int:
        asked.append(1)
        return 1

    monkeypatch.setattr(par, "free_cores", fake_free)
    monkeypatch.setattr(par, "_FREE_SEEN", [])
    # 10 jobs of 0.1 s save 0.5 s < 1.5 s even on free cores: nothing is measured
    assert not par._pool_pays(10, 2, 1.5, [0.1, 0.1])
    assert asked == []
    # 10 jobs of 1 s would pay on 2 cores, but only 1 is free: measured once, then remembered
    assert not par._pool_pays(10, 2, 1.5, [1.0, 1.0])
    assert not par._pool_pays(9, 2, 1.5, [1.0, 1.0, 1.0])
    assert asked == [1]


def test_free_cores_measured_now_on_this_machine():
    # between 1 and the cores this process may use, whatever else runs
    import os

    from lithiophile.parallel import free_cores

    n = free_cores(0.05)
    assert 1 <= n <= len(os.sched_getaffinity(0))


_calls: list[object] = []


def _square_counted(x: float) -> float:
    _calls.append(x)
    return x * x


def test_run_batch_caches_by_key_and_stores(tmp_path):
    from lithiophile.parallel import run_batch
    from lithiophile.store import Store

    store = Store(tmp_path / "s.duckdb")
    _calls.clear()
    first = run_batch(_square_counted, [2.0, 3.0], key=str, kind="sq", store=store)
    assert [r.value for r in first] == [4.0, 9.0] and not any(r.cached for r in first)
    second = run_batch(_square_counted, [3.0, 5.0], key=str, kind="sq", store=store)
    assert [r.value for r in second] == [9.0, 25.0]
    assert [r.cached for r in second] == [True, False]
    assert _calls == [2.0, 3.0, 5.0]  # 3.0 was not computed again
    assert store.get("sq", "5.0") == 25.0
    # reuse=False (atoms --no-cache): everything runs again and the store is rewritten
    store.put("sq", "2.0", -1.0)  # a stale value planted by hand
    third = run_batch(_square_counted, [2.0, 5.0], key=str, kind="sq", store=store, reuse=False)
    assert [r.value for r in third] == [4.0, 25.0] and not any(r.cached for r in third)
    assert _calls[-2:] == [2.0, 5.0] and store.get("sq", "2.0") == 4.0

    # the stored results of a batch are read in one go, not one store read per item
    def no_single_reads(*_):
        raise AssertionError("Store.get called per item")

    store.get = no_single_reads
    cached = run_batch(_square_counted, [2.0, 5.0, 3.0], key=str, kind="sq", store=store)
    assert [r.cached for r in cached] == [True, True, True]
    assert [r.value for r in cached] == [4.0, 25.0, 9.0]
    # a stored payload its decoder cannot read (an older layout) is run again, not a crash
    store.put("sq", "7.0", {"old": "layout"})
    (again,) = run_batch(
        _square_counted, [7.0], key=str, kind="sq", store=store, decode=lambda p: p["value"]
    )
    assert again.value == 49.0 and not again.cached and _calls[-1] == 7.0


def _warn_twice(x: int) -> int:
    import warnings

    from lithiophile.errors import DataQualityWarning

    warnings.warn(DataQualityWarning("sampling too coarse"), stacklevel=1)
    warnings.warn(DataQualityWarning(f"file {x} odd"), stacklevel=1)
    return x


def test_warnings_once_per_batch_and_failures_summarised():
    from lithiophile.parallel import run_batch

    batch = run_batch(_warn_twice, [1, 2])
    assert batch.warnings == ["sampling too coarse", "file 1 odd", "file 2 odd"]
    failed = run_batch(_inverse, [1.0, 0.0, 0.0])
    assert failed.failure_summary() == (
        "2 of 3 failed:\n  0.0: ZeroDivisionError: float division by zero\n"
        "  0.0: ZeroDivisionError: float division by zero"
    )


def _open_missing(name: str) -> str:
    with open(name) as fh:
        return fh.read()


def test_unreadable_file_is_a_plain_failure(tmp_path):
    (result,) = run_jobs(_open_missing, [str(tmp_path / "nope.csv")])
    assert result.error == f"cannot read '{tmp_path / 'nope.csv'}': No such file or directory"
    assert result.traceback is None


def _interrupt_on_second(x: int) -> int:
    if x == 2:
        raise KeyboardInterrupt
    return x


def test_interrupt_in_process_says_how_far():
    from lithiophile.errors import BatchInterrupted

    with pytest.raises(BatchInterrupted, match="interrupted: 2 of 4 jobs had finished"):
        list(run_jobs(_interrupt_on_second, [0, 1, 2, 3]))


def _sleep(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


_BATCH = """
import sys, time
from lithiophile.errors import BatchInterrupted
from lithiophile.parallel import run_jobs

def nap(seconds):
    time.sleep(seconds)
    return seconds

if __name__ == "__main__":
    try:
        list(run_jobs(nap, [30.0] * 4, workers=2, pool_overhead_s=0))
    except BatchInterrupted as exc:
        print(exc, flush=True)
        sys.exit(130)
    print("finished without an interrupt", flush=True)
"""


def _workers(pid: int) -> list[int]:
    """The pool workers among the children of ``pid`` (not multiprocessing's resource
    tracker)."""
    from pathlib import Path

    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    out = []
    for child in path.read_text().split():
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:
            out.append(int(child))
    return out


def _running(pid: int) -> bool:
    from pathlib import Path

    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
def test_interrupt_stops_the_pool_workers(tmp_path):
    import contextlib
    import os
    import signal
    import subprocess
    import time

    # Ctrl-C (SIGINT to the process, as a terminal sends it) while 2 workers sleep: the parent
    # terminates them and says how far it got. Run in a fresh process, as a user runs a batch.
    script = tmp_path / "batch.py"
    script.write_text(_BATCH)
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so a failed run is cleaned up whole
    )
    try:
        # wait for both pool workers, then press
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_workers(proc.pid)) < 2:
            time.sleep(0.1)
        workers = _workers(proc.pid)
        assert len(workers) == 2, "the pool never started"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=50)  # the jobs take 30 s: no interrupt, no exit
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # leftover workers hold the output pipe
        proc.communicate()
    assert proc.returncode == 130, out
    assert "of 4 jobs had finished" in out
    time.sleep(0.5)
    assert [p for p in workers if _running(p)] == []


def test_unreadable_key_fails_that_item_only(tmp_path):
    from lithiophile.parallel import run_batch
    from lithiophile.store import Store

    def key(path: str) -> str:
        with open(path, "rb") as fh:  # a content key reads the file
            return fh.read().hex()

    good = tmp_path / "good.txt"
    good.write_text("4")
    seen = []
    batch = run_batch(
        len,
        [str(good), str(tmp_path / "gone.txt")],
        key=key,
        kind="len",
        store=Store(tmp_path / "s.duckdb"),
        on_result=seen.append,
    )
    assert batch.results[0].value == len(str(good))
    assert (
        batch.results[1].error
        == f"cannot read '{tmp_path / 'gone.txt'}': No such file or directory"
    )
    assert len(seen) == 2  # the callback hears of the failure too
