"""One executor interface for independent jobs: in-process, local processes, or a Dask cluster.

Examples
--------
>>> from lithiophile.parallel import run_jobs
>>> [r.value for r in run_jobs(abs, [-1, 2], workers=1)]
[1, 2]
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Generic, TypeVar

from lithiophile.errors import DependencyMissing, InputError, LithiophileError

__all__ = ["JobResult", "run_jobs"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class JobResult(Generic[T, R]):
    """The outcome of one job: its input, and either its value or the error it raised."""

    item: T
    value: R | None = None
    error: str | None = None
    error_type: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _call(fn: Callable[[T], R], item: T) -> JobResult[T, R]:
    try:
        return JobResult(item, value=fn(item))
    except LithiophileError as exc:
        return JobResult(item, error=str(exc), error_type=type(exc).__name__)
    except Exception as exc:  # a job's failure must not end the batch
        return JobResult(
            item,
            error=f"{type(exc).__name__}: {exc}",
            error_type=type(exc).__name__,
            traceback=traceback.format_exc(),
        )


def run_jobs(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    ordered: bool = True,
) -> Iterator[JobResult[T, R]]:
    """Run ``fn`` on every item; yield one :class:`JobResult` per item.

    Parameters
    ----------
    fn
        A picklable (module-level) function of one argument.
    workers
        1 runs in this process; more uses a process pool of that size.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``); overrides ``workers``.
    ordered
        Yield in the order of ``items`` (else as jobs finish).
    """
    jobs = list(items)
    if workers < 1:
        raise InputError(f"workers must be a positive integer such as 2. Got {workers!r}.")
    if scheduler is not None:
        yield from _run_dask(fn, jobs, scheduler)
        return
    if workers == 1 or len(jobs) <= 1:
        for item in jobs:
            yield _call(fn, item)
        return
    # spawn, not fork: forking a process whose polars/numpy thread pools are running can deadlock
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        futures = [pool.submit(_call, fn, item) for item in jobs]
        if ordered:
            for fut in futures:
                yield fut.result()
        else:
            for fut in as_completed(futures):
                yield fut.result()


def _run_dask(fn: Callable[[T], R], jobs: list[T], scheduler: str) -> Iterator[JobResult[T, R]]:
    try:
        from dask.distributed import Client
    except ImportError:
        raise DependencyMissing(
            "a Dask scheduler was given but dask.distributed is not installed: "
            "pip install 'lithiophile[dask]'"
        ) from None
    with Client(scheduler) as client:
        futures = client.map(_call, [fn] * len(jobs), jobs, pure=False)
        for fut in futures:
            yield fut.result()
