"""Benchmark: when does a process pool pay? lithiophile's executor (``run_jobs``: one process,
a forced 2-worker pool, and its automatic choice) on impedance fits, next to the plain
``concurrent.futures.ProcessPoolExecutor`` a user would otherwise write. Every variant fits the
same spectra; the chi-squares are cross-checked equal.

Run: ``python benchmarks/bench_executor.py [--n 100 300] [--workers 2]``. Prints the start-up of
a 2-worker spawn pool and, per batch size, the wall time of each variant (best of 2).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_eis import CIRCUIT, make_spectra
from lithiophile.echem.impedance.batch import _fit_chunk
from lithiophile.parallel import POOL_OVERHEAD_S, free_cores, run_jobs


def _best(fn, k: int = 2) -> tuple[float, object]:
    times, out = [], None
    for _ in range(k):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def _chi(results) -> list[float | None]:
    return [b.chi_square for chunk in results for b in chunk]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    w = args.workers
    ctx = multiprocessing.get_context("spawn")
    start, _ = _best(
        lambda: list(run_jobs(_fit_chunk, [(CIRCUIT, [], {})] * w, workers=w, pool_overhead_s=0)), 3
    )
    print(
        f"free cores now: {free_cores()}; {w}-worker spawn pool start-up {start:.2f} s "
        f"(POOL_OVERHEAD_S = {POOL_OVERHEAD_S} s)"
    )
    spectra = [(f, z) for f, z, _ in make_spectra(max(args.n))]
    for n in args.n:
        jobs = [(CIRCUIT, spectra[i : i + 50], {}) for i in range(0, n, 50)]

        def futures_pool(jobs=jobs):
            with ProcessPoolExecutor(max_workers=w, mp_context=ctx) as pool:
                return list(pool.map(_fit_chunk, jobs))

        runs = {
            "one process": lambda jobs=jobs: [r.value for r in run_jobs(_fit_chunk, jobs)],
            "pool": lambda jobs=jobs: [
                r.value for r in run_jobs(_fit_chunk, jobs, workers=w, pool_overhead_s=0)
            ],
            "auto": lambda jobs=jobs: [r.value for r in run_jobs(_fit_chunk, jobs, workers=w)],
            "concurrent.futures": futures_pool,
        }
        timed = {name: _best(fn) for name, fn in runs.items()}
        reference = _chi(timed["one process"][1])
        for name, (_, out) in timed.items():  # the same fits, whichever way they ran
            assert _chi(out) == reference, name
        print(
            f"{n} spectra: "
            + ", ".join(f"{k} {t:.2f} s" for k, (t, _) in timed.items())
            + f"; auto / one process = {timed['auto'][0] / timed['one process'][0]:.2f}"
        )


if __name__ == "__main__":
    main()
