"""Many spectra at once: the same circuit fitted to each, in chunks over worker processes
(:func:`lithiophile.parallel.run_jobs`: in-process, local processes, or a Dask cluster).
Local pools are used only where they pay (:func:`lithiophile.parallel.run_jobs` starts one
only when the work left outlasts its start-up): a few hundred spectra fit faster in one process
than a pool starts."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lithiophile.echem.impedance.circuit import Circuit
from lithiophile.errors import CalculationFailed, InputError

__all__ = ["BatchFit", "fit_many"]


@dataclass(frozen=True)
class BatchFit:
    """One spectrum's outcome: parameter values (None when the fit failed) and chi-square."""

    values: tuple[float, ...] | None
    stderr: tuple[float, ...] | None
    chi_square: float | None
    error: str | None = None


def _fit_chunk(job: tuple[str, list[tuple[np.ndarray, np.ndarray]], dict]) -> list[BatchFit]:
    circuit, spectra, options = job
    out = []
    for f, z in spectra:
        model = Circuit(circuit, **options)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(f, z)
        except (CalculationFailed, InputError) as exc:
            out.append(BatchFit(None, None, None, str(exc)))
            continue
        out.append(
            BatchFit(
                tuple(p.value for p in model.params_),
                tuple(p.stderr for p in model.params_),
                model.chi_square_,
            )
        )
    return out


def fit_many(
    circuit: str,
    spectra: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    chunk: int = 50,
    **options: object,
) -> list[BatchFit]:
    """Fit ``circuit`` to every ``(f, Z)`` pair; results in input order.

    ``options`` go to :class:`Circuit` (``seed``, ``n_starts``, ``kk_check``, ``fixed``,
    ``bounds`` ...). Failures are kept as results with their error, so one bad spectrum does
    not end the batch. With ``workers`` > 1 the first chunks run in this process and the
    rest go to a pool only if their measured time says the pool pays.
    """
    from lithiophile.parallel import run_jobs

    Circuit(circuit, **options)  # type: ignore[arg-type]  # validate before starting processes
    jobs = [
        (circuit, [(np.asarray(f), np.asarray(z)) for f, z in spectra[i : i + chunk]], options)
        for i in range(0, len(spectra), chunk)
    ]
    out: list[BatchFit] = []
    for res in run_jobs(_fit_chunk, jobs, workers=workers, scheduler=scheduler):
        if not res.ok or res.value is None:
            n = len(res.item[1])
            out += [BatchFit(None, None, None, res.error or "job failed")] * n
        else:
            out += res.value
    return out
