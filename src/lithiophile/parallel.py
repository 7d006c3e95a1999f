"""One executor for independent jobs (in-process, local processes, or a Dask cluster), and the
one batch runner every capability uses: caching by content hash, storing, warnings, failures
and Ctrl-C written once.

Two layers:

- :func:`run_jobs` runs a picklable function over items and yields one :class:`JobResult` per
  item. With ``workers > 1`` it first runs jobs in this process and starts a process pool only
  when the work left is expected to outlast the pool's start-up (:data:`POOL_OVERHEAD_S`): a
  pool that costs more than it saves is never started.
- :func:`run_batch` is what an entry function calls (``echem.analyze`` over files,
  ``impedance.fit_files``, ``atomistic.screen`` ...): it looks every item up in the store by
  its content key, runs only the missing ones through :func:`run_jobs`, stores each new result
  as it arrives, collects warnings once per batch and returns a :class:`Batch` of
  :class:`JobResult` in input order.

A job's failure never ends the batch: it is kept, with its message, in its result. Ctrl-C stops
the workers (they ignore SIGINT; the parent terminates them) and raises
:class:`lithiophile.errors.BatchInterrupted` saying how many jobs had finished.

Examples
--------
>>> from lithiophile.parallel import run_jobs
>>> [r.value for r in run_jobs(abs, [-1, 2], workers=1)]
[1, 2]
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lithiophile.errors import BatchInterrupted, DependencyMissing, InputError, LithiophileError

__all__ = ["POOL_OVERHEAD_S", "Batch", "JobResult", "run_batch", "run_jobs"]

T = TypeVar("T")
R = TypeVar("R")

#: Seconds a local pool costs before its first result: spawning each worker process and
#: importing numpy, scipy and lithiophile in it (measured: 1.36 s for 2 spawned workers on the
#: project's 2-core machine; docs/architecture.md, "Measured crossover"). With ``w`` free
#: cores a pool saves ``(1 - 1/w)`` of the serial time, so with 2 it pays once the work left
#: exceeds about twice this figure. Measured crossover (8 CPU-bound jobs of known work, one
#: process against a 2-worker pool started at once, on the 2-core machine at load average
#: 9.4-9.6): the pool's fixed cost was 0.8 s (0.5 s of work: 0.46 s serial, 1.25 s pool) and
#: it paid only from about 30 s of work (16 s: 16.7 s serial, 20.7 s pool; 32 s: 36.6 s
#: serial, 35.2 s pool), because the other programs leave it one core. :func:`free_cores`
#: sees that load and keeps such batches in one process. On the idle machine (2026-12-07) the
#: pool's fixed cost was 1.1-1.5 s (impedance fits: 100 spectra 1.78 s serial, 2.08 s pool;
#: 300: 4.84 s, 3.73 s; docs/architecture.md, "Measured crossover").
POOL_OVERHEAD_S = 1.5


@dataclass(frozen=True)
class JobResult(Generic[T, R]):
    """The outcome of one job: its input, and either its value or the error it raised.

    ``cached`` is True when the value came from the store; ``warnings`` holds the text of each
    warning the job raised (one line each)."""

    item: T
    value: R | None = None
    error: str | None = None
    error_type: str | None = None
    traceback: str | None = None
    cached: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def _call(
    fn: Callable[[T], R], item: T, catch: tuple[type[Warning], ...] = (UserWarning,)
) -> JobResult[T, R]:
    """Run one job, turning its exception into a failed result and its warnings into text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(item)
        except Exception as exc:  # a job's failure must not end the batch
            return _failure(item, exc)
    texts = tuple(dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, catch)))
    return JobResult(item, value=value, warnings=texts)


def _failure(item: T, exc: Exception) -> JobResult[T, Any]:
    """A failed result: our own errors and unreadable files by their message, anything else
    with its class and traceback."""
    if isinstance(exc, LithiophileError):
        return JobResult(item, error=str(exc), error_type=type(exc).__name__)
    if isinstance(exc, OSError):
        where = f"'{exc.filename}': " if exc.filename else ""
        return JobResult(
            item, error=f"cannot read {where}{exc.strerror or exc}", error_type="OSError"
        )
    return JobResult(
        item,
        error=f"{type(exc).__name__}: {exc}",
        error_type=type(exc).__name__,
        traceback=traceback.format_exc(),
    )


def _ignore_sigint() -> None:  # pragma: no cover - runs in the worker processes
    # Ctrl-C reaches every process of the terminal's group; only the parent acts on it
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_jobs(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    ordered: bool = True,
    pool_overhead_s: float = POOL_OVERHEAD_S,
    catch: tuple[type[Warning], ...] = (UserWarning,),
) -> Iterator[JobResult[T, R]]:
    """Run ``fn`` on every item; yield one :class:`JobResult` per item.

    Parameters
    ----------
    fn
        A picklable (module-level) function of one argument.
    workers
        1 runs in this process; more allows a process pool of that size, started only when
        the jobs left are expected to take longer than ``pool_overhead_s`` saves.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``); overrides ``workers``.
    ordered
        Yield in the order of ``items`` (else as jobs finish).
    pool_overhead_s
        Start-up cost of a pool [s]; 0 starts the pool at once whenever ``workers > 1``.
    catch
        Warning classes whose messages are kept in each result (others are dropped).

    Raises
    ------
    BatchInterrupted
        On Ctrl-C, after the workers are stopped; says how many jobs had finished.
    """
    jobs = list(items)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"--workers must be a positive integer such as 2. Got {workers!r}.")
    if scheduler is not None:
        yield from _run_dask(fn, jobs, scheduler, catch)
        return
    done, times = 0, list[float]()
    try:
        while done < len(jobs):
            if workers > 1 and _pool_pays(len(jobs) - done, workers, pool_overhead_s, times):
                break
            t0 = time.perf_counter()
            result = _call(fn, jobs[done], catch)
            times.append(time.perf_counter() - t0)
            done += 1
            yield result
    except KeyboardInterrupt:
        raise BatchInterrupted(done, len(jobs)) from None
    if done < len(jobs):
        yield from _run_pool(fn, jobs[done:], min(workers, len(jobs) - done), ordered, catch, done)


def _pool_pays(
    left: int, workers: int, overhead_s: float, times: list[float], free: int | None = None
) -> bool:
    """Whether a pool for the ``left`` jobs saves more than it costs.

    Judged from the jobs already run here: the first job's time includes one-off imports
    (which a pool's workers pay again, inside ``overhead_s``), so the estimate waits for a
    second job unless the first alone took longer than twice the overhead. A pool can only use
    the cores other programs leave free (``free``, default :func:`free_cores`, measured only
    when a pool over every worker would pay)."""
    if left <= 1:
        return False
    if overhead_s <= 0:
        return True
    if not times or (len(times) == 1 and times[0] <= 2 * overhead_s):
        return False

    def saves(usable: int) -> bool:
        return usable >= 2 and min(times) * left * (1 - 1 / usable) > overhead_s

    # the free cores are measured only when the pool would pay with every worker on a core
    return saves(min(workers, left)) and saves(
        min(workers, left, _recent_free_cores() if free is None else free)
    )


#: (time.monotonic() of the measurement, free cores) of the last :func:`free_cores` call
_FREE_SEEN: list[tuple[float, int]] = []


def _recent_free_cores(max_age_s: float = 5.0) -> int:
    """:func:`free_cores`, measured at most every ``max_age_s`` seconds (each measurement
    sleeps 0.1 s, and a batch asks after every job while a pool does not yet pay)."""
    now = time.monotonic()
    if not _FREE_SEEN or now - _FREE_SEEN[-1][0] > max_age_s:
        _FREE_SEEN[:] = [(now, free_cores())]
    return _FREE_SEEN[-1][1]


def free_cores(sample_s: float = 0.1) -> int:
    """Cores not busy with other work, at least 1.

    On Linux, measured now: the idle share of the CPUs over ``sample_s`` seconds
    (``/proc/stat``; this process sleeps meanwhile, so only other programs count). Elsewhere,
    or where ``/proc/stat`` counts other CPUs than this process may use (a container), the core
    count less the 1-minute load average. The load average lags by about a minute: right after
    a pool of this process's own has finished it still counts those workers, and would keep
    the next batch in one process on an idle machine."""
    import os

    cores = _usable_cores()
    busy = _busy_cores_now(sample_s, cores)
    if busy is None:
        try:
            busy = max(0.0, os.getloadavg()[0] - 1.0)  # this process's own share excluded
        except (AttributeError, OSError):  # not on every platform
            return cores
    return max(1, round(cores - busy))


def _usable_cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _busy_cores_now(sample_s: float, cores: int) -> float | None:
    """Cores busy over the next ``sample_s`` seconds from two ``/proc/stat`` readings, or None
    where they cannot be read or count other CPUs than ``cores``."""
    first = _cpu_times()
    if first is None or first[2] != cores:
        return None
    time.sleep(sample_s)
    second = _cpu_times()
    if second is None:
        return None
    return busy_cores(first, second)


def _cpu_times() -> tuple[int, int, int] | None:
    """(idle, total, CPUs) jiffies from ``/proc/stat`` (idle includes I/O wait), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    if not lines or not lines[0].startswith("cpu "):
        return None
    fields = [int(x) for x in lines[0].split()[1:9]]  # user .. steal; guest is inside user
    if len(fields) < 5:
        return None
    cpus = sum(1 for line in lines if line.startswith("cpu") and line[3:4].isdigit())
    return fields[3] + fields[4], sum(fields), cpus


def busy_cores(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """Cores busy between two ``(idle, total, CPUs)`` readings: the non-idle share of the
    elapsed CPU time, times the CPUs (0 when no time elapsed)."""
    total = second[1] - first[1]
    if total <= 0:
        return 0.0
    idle = second[0] - first[0]
    return first[2] * (1.0 - idle / total)


def _run_pool(
    fn: Callable[[T], R],
    jobs: list[T],
    workers: int,
    ordered: bool,
    catch: tuple[type[Warning], ...],
    done_before: int,
) -> Iterator[JobResult[T, R]]:
    # spawn, not fork: forking a process whose polars/numpy thread pools are running can deadlock
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ignore_sigint)
    finished = 0
    try:
        futures = [pool.submit(_call, fn, item, catch) for item in jobs]
        results: dict[int, JobResult[T, R]] = {}
        index = {id(f): i for i, f in enumerate(futures)}
        pending: set[Future[JobResult[T, R]]] = set(futures)
        next_out = 0
        while pending:
            ready, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in ready:
                results[index[id(fut)]] = fut.result()
                finished += 1
            if ordered:
                while next_out in results:
                    yield results.pop(next_out)
                    next_out += 1
            else:
                for i in sorted(results):
                    yield results.pop(i)
    except KeyboardInterrupt:
        _stop(pool)
        raise BatchInterrupted(done_before + finished, done_before + len(jobs)) from None
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    # a worker the pool was still starting when the interrupt came is in the second look
    later = (getattr(pool, "_processes", None) or {}).values()
    processes += [p for p in later if p not in processes]
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(5)
        if p.is_alive():  # still starting up under load: SIGKILL cannot be delayed
            p.kill()
            p.join(5)


def _run_dask(
    fn: Callable[[T], R], jobs: list[T], scheduler: str, catch: tuple[type[Warning], ...]
) -> Iterator[JobResult[T, R]]:
    try:
        from dask.distributed import Client
    except ImportError:
        raise DependencyMissing(
            "a Dask scheduler was given but dask.distributed is not installed: "
            "pip install 'lithiophile[dask]'"
        ) from None
    done = 0
    with Client(scheduler) as client:
        futures = client.map(_call, [fn] * len(jobs), jobs, [catch] * len(jobs), pure=False)
        try:
            for fut in futures:
                yield fut.result()
                done += 1
        except KeyboardInterrupt:
            client.cancel(futures)
            raise BatchInterrupted(done, len(jobs)) from None


@dataclass(frozen=True)
class Batch(Generic[T, R]):
    """The results of :func:`run_batch`, in input order."""

    results: tuple[JobResult[T, R], ...]

    def __iter__(self) -> Iterator[JobResult[T, R]]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def failed(self) -> list[JobResult[T, R]]:
        return [r for r in self.results if not r.ok]

    @property
    def warnings(self) -> list[str]:
        """Every distinct warning of the batch, once, in order of first appearance."""
        return list(dict.fromkeys(w for r in self.results for w in r.warnings))

    def failure_summary(self, name: Callable[[T], str] = str) -> str:
        """``"2 of 5 failed:\\n  a.mpr: why\\n  b.csv: why"`` (empty when none failed)."""
        bad = self.failed
        if not bad:
            return ""
        lines = [f"{len(bad)} of {len(self.results)} failed:"]
        lines += [f"  {name(r.item)}: {r.error}" for r in bad]
        return "\n".join(lines)


def run_batch(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    key: Callable[[T], str] | None = None,
    kind: str | None = None,
    store: Any = None,
    encode: Callable[[R], Any] | None = None,
    decode: Callable[[Any], R] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    on_result: Callable[[JobResult[T, R]], None] | None = None,
    catch: tuple[type[Warning], ...] = (UserWarning,),
    pool_overhead_s: float = POOL_OVERHEAD_S,
    reuse: bool = True,
) -> Batch[T, R]:
    """Run ``fn`` over ``items`` with caching by content key and storing, for any capability.

    Parameters
    ----------
    fn
        The work for one item: a picklable module-level function (a ``functools.partial`` of
        one with the options bound is fine). Its value must be picklable.
    items
        Inputs (paths, spectra, jobs ...).
    key
        ``key(item)`` -> the item's content key (e.g. ``store.content_key(sha256, options)``);
        an ``OSError`` or ``LithiophileError`` it raises fails that item only. None: no caching.
    kind
        The store's kind for these results (``"cell-analysis"``, ``"impedance-fit"`` ...).
    store
        A :class:`lithiophile.store.Store` (or None: nothing cached or stored).
    encode, decode
        Value -> JSON-able payload and back; default :func:`lithiophile.store.to_payload`
        and the payload itself.
    workers, scheduler, pool_overhead_s
        As :func:`run_jobs` (small batches run in this process).
    on_result
        Called with each result as it arrives (cached ones first), e.g. to show progress.
    reuse
        Read earlier results from the store (False: run every item, and store the new
        results over the old ones).
    catch
        Warning classes kept (as text) in each result; :attr:`Batch.warnings` lists them once.

    Raises
    ------
    BatchInterrupted
        On Ctrl-C; the results finished before it are already stored.
    """
    from lithiophile.store import to_payload

    jobs = list(items)
    cache = (
        _Cache(jobs, key, kind, store, decode, reuse)
        if key and kind and store is not None
        else None
    )
    out: dict[int, JobResult[T, R]] = {}
    todo: list[int] = []
    for i, item in enumerate(jobs):
        found = cache.lookup(i, item) if cache is not None else None
        if found is None:
            todo.append(i)
            continue
        out[i] = found
        if on_result is not None:
            on_result(found)
    results = run_jobs(
        fn,
        [jobs[i] for i in todo],
        workers=workers,
        scheduler=scheduler,
        pool_overhead_s=pool_overhead_s,
        catch=catch,
    )
    for i, res in zip(todo, results, strict=True):
        if cache is not None and res.ok:
            cache.put(i, (encode or to_payload)(res.value))  # type: ignore[arg-type]
        out[i] = res
        if on_result is not None:
            on_result(res)
    return Batch(tuple(out[i] for i in range(len(jobs))))


class _Cache:
    """The store lookups of one batch: each item's key, computed once, and every stored
    payload read in one go (:meth:`lithiophile.store.Store.get_many`)."""

    def __init__(
        self,
        items: list[Any],
        key: Callable[[Any], str],
        kind: str,
        store: Any,
        decode: Any,
        reuse: bool = True,
    ) -> None:
        """Compute every item's key (a key that cannot be computed fails that item only) and,
        with ``reuse``, read what the store holds for them."""
        self.kind, self.store, self.decode = kind, store, decode
        self.keys: dict[int, str] = {}
        self.failed: dict[int, Exception] = {}
        for i, item in enumerate(items):
            try:
                self.keys[i] = key(item)
            except (OSError, LithiophileError) as exc:
                self.failed[i] = exc
        wanted = list(dict.fromkeys(self.keys.values())) if reuse else []
        self.stored: dict[str, Any] = store.get_many(kind, wanted) if wanted else {}

    def lookup(self, i: int, item: Any) -> JobResult[Any, Any] | None:
        """The stored result of item ``i``, a failure when its key cannot be computed (an
        unreadable file), or None: to be run."""
        if i in self.failed:
            return _failure(item, self.failed[i])
        payload = self.stored.get(self.keys[i])
        if payload is None:
            return None
        try:
            value = self.decode(payload) if self.decode is not None else payload
        except (TypeError, KeyError, ValueError):  # written by an older layout: run it again
            return None
        return JobResult(item, value=value, cached=True)

    def put(self, i: int, payload: Any) -> None:
        self.store.put(self.kind, self.keys[i], payload)
