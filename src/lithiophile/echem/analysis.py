"""One entry point: a cycling test (or files of them) in, a :class:`CellAnalysis` out.

:func:`analyze` segments the data, finds (or checks) the protocol and computes its figures;
:func:`analyze_file` reads a file first; :func:`analyze_files` runs a batch on local
processes or a Dask cluster through :func:`lithiophile.parallel.run_jobs` and keeps results
in the store (kind ``"cell-analysis"``, key = content_key(file sha256, options)), so a rerun
skips the files already analysed and an interrupted batch resumes. Nothing is stored for a
file that failed.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.echem.ccd import critical_current_density
from lithiophile.echem.context import AREA_HELP, TestContext
from lithiophile.echem.coulombic import li_cu_efficiency, reservoir_efficiency
from lithiophile.echem.nucleation import nucleation_overpotential
from lithiophile.echem.protocols import ProtocolError, detect_protocol
from lithiophile.echem.result import AnalysisOptions, CellAnalysis, Event
from lithiophile.echem.segments import Segmentation, segment
from lithiophile.echem.symmetric import symmetric_cell
from lithiophile.errors import CalculationFailed, DataQualityWarning, InputError
from lithiophile.io.celldata import CellData
from lithiophile.metrics import Metric

__all__ = ["STORE_KIND", "BatchItem", "analyze", "analyze_file", "analyze_files", "store_key"]

STORE_KIND = "cell-analysis"


def analyze(cell: CellData, options: AnalysisOptions | None = None, **kw: Any) -> CellAnalysis:
    """The Li-metal figures of one test.

    Parameters
    ----------
    cell
        The test, in the package's sign convention (a file with the opposite convention is
        recognised for Li||Cu from which direction ends on the cut-off).
    options
        :class:`AnalysisOptions`; keyword arguments build one (``protocol="symmetric"``,
        ``area_m2=1.13e-4`` ...).

    Raises
    ------
    ProtocolError
        When no protocol is recognised, or the protocol given contradicts the data.
    InputError
        When an areal figure (CCD) is asked for and the area is unknown.
    """
    opts = options if options is not None else AnalysisOptions(**kw)
    if not isinstance(cell, CellData):
        raise InputError(
            f"cell analyze needs cycling data (CellData); got {type(cell).__name__}. An "
            "impedance file is analysed by 'lithiophile eis fit'."
        )
    if len(cell) < 3:
        raise ProtocolError(f"the data hold {len(cell)} points; cell analyze needs a cycling test")
    seg = segment(cell, opts.plateau_window)
    ctx = TestContext.of(cell, opts.area_m2)
    det = detect_protocol(seg, opts)
    notes = list(seg.notes)
    if det.doubt:
        notes.append(det.doubt)
    flags: list[str] = []
    if ctx.area_m2 is None:
        flags.append("area-unknown")
        notes.append(f"electrode area unknown: no current density or areal capacity; {AREA_HELP}")
    if det.strip_sign < 0:
        notes.append(
            "the file's current sign is opposite to the package's convention (stripping from "
            "the working electrode is negative here); figures do not depend on it"
        )
    try:
        return _by_protocol(det.protocol, det, seg, ctx, opts, cell, notes, flags)
    except CalculationFailed as exc:
        raise ProtocolError(f"--protocol {det.protocol} cannot be applied: {exc}") from None


def _by_protocol(
    protocol: str,
    det: Any,
    seg: Segmentation,
    ctx: TestContext,
    opts: AnalysisOptions,
    cell: CellData,
    notes: list[str],
    flags: list[str],
) -> CellAnalysis:
    metrics: list[Metric] = []
    events: list[Event] = []
    half = seg.half_cycles
    cycles = pl.DataFrame()
    cell_type = "Li|Cu" if det.family == "li-cu" else "Li|Li"
    if protocol == "nucleation" and det.family == "symmetric":
        starts_high = abs(float(half.get_column("v_first_V")[0])) >= opts.cutoff_min_V
        cell_type = "Li|substrate" if starts_high else "Li|Li"
    t0 = ctx.t0_s
    if protocol in ("li-cu", "li-cu-reservoir"):
        fn = li_cu_efficiency if protocol == "li-cu" else reservoir_efficiency
        res = fn(half, ctx, opts, strip_sign=det.strip_sign)
        metrics += res.metrics
        cycles = res.cycles
        half = half.with_columns(pl.Series("role", list(res.half_roles)))
        flags += res.flags
        notes += res.notes
    if protocol in ("li-cu", "li-cu-reservoir", "nucleation"):
        first = half.row(0, named=True)
        plating_first = np.sign(first["current_A"]) == -det.strip_sign
        if plating_first:
            try:
                nuc = nucleation_overpotential(
                    seg, ctx, half_cycle=1, cell_type=cell_type, window=opts.plateau_window
                )
                metrics += nuc.metrics
                events += nuc.events
                notes += nuc.notes
            except CalculationFailed as exc:
                if protocol == "nucleation":
                    raise
                notes.append(f"no nucleation overpotential: {exc}")
        elif protocol == "nucleation":
            raise CalculationFailed("the test does not start with a plating")
    if protocol == "symmetric":
        sym = symmetric_cell(seg, ctx, opts, cell_type=cell_type)
        metrics += sym.metrics
        half, cycles = sym.half_cycles, sym.cycles
        events += sym.events
        notes += sym.notes
        if any(e.kind == "soft-short" for e in sym.events):
            flags.append("soft-shorts")
    if protocol == "ccd":
        ccd = critical_current_density(seg, ctx, opts)
        metrics += ccd.metrics
        half, cycles = ccd.half_cycles, ccd.steps
        events += ccd.events
        notes += ccd.notes
    if "t_start_s" in half.columns and protocol in ("li-cu", "li-cu-reservoir", "nucleation"):
        half = half.with_columns(pl.col("t_start_s") - t0, pl.col("t_end_s") - t0)
    return CellAnalysis(
        protocol=protocol,
        detection=det.reason,
        metrics=tuple(metrics),
        half_cycles=half.drop([c for c in ("row_start", "row_end") if c in half.columns]),
        cycles=cycles,
        events=tuple(sorted(events, key=lambda e: e.time_s)),
        flags=tuple(dict.fromkeys(flags)),
        notes=tuple(notes),
        source=cell.meta.source_path,
        sha256=cell.meta.sha256,
        options=opts,
    )


def analyze_file(path: str | Path, options: AnalysisOptions | None = None) -> CellAnalysis:
    """Read ``path`` (any format :func:`lithiophile.io.read` knows) and analyse it."""
    import lithiophile.io as lio

    data = lio.read(path)
    if not isinstance(data, CellData):
        raise InputError(
            f"'{path}' holds an impedance spectrum, not cycling data; analyse it with "
            "'lithiophile eis fit'"
        )
    return analyze(data, options)


def store_key(sha256: str, options: AnalysisOptions) -> str:
    """Store key of a file's analysis: its content hash and the options."""
    from lithiophile.store import content_key

    return content_key(sha256, options.key())


@dataclass(frozen=True)
class BatchItem:
    """One file of a batch: its result payload (``CellAnalysis.as_dict()``) or its error."""

    path: str
    result: dict[str, Any] | None = None
    error: str | None = None
    error_type: str | None = None
    cached: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def _job(item: tuple[str, dict[str, Any]]) -> tuple[dict[str, Any], tuple[str, ...]]:
    path, options = item
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataQualityWarning)
        result = analyze_file(path, AnalysisOptions.from_dict(options))
    texts = tuple(str(w.message) for w in caught if issubclass(w.category, DataQualityWarning))
    return result.as_dict(), texts


def analyze_files(
    paths: Iterable[str | Path],
    options: AnalysisOptions | None = None,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
) -> list[BatchItem]:
    """Analyse many files: in this process, on ``workers`` processes, or on a Dask cluster.

    Parameters
    ----------
    paths
        Files to analyse.
    options
        The same options for every file.
    workers, scheduler
        As :func:`lithiophile.parallel.run_jobs`.
    store
        A :class:`lithiophile.store.Store`; results found there are not recomputed and new
        ones are written as they arrive. None: no store.
    """
    from lithiophile.io import sha256_of
    from lithiophile.parallel import run_jobs

    opts = options if options is not None else AnalysisOptions()
    files = [str(p) for p in paths]
    out: dict[str, BatchItem] = {}
    keys: dict[str, str] = {}
    todo: list[tuple[str, dict[str, Any]]] = []
    for f in files:
        cached = None
        if store is not None:  # without a store nothing needs the hash up front
            try:
                keys[f] = store_key(sha256_of(Path(f)), opts)
            except OSError as exc:
                out[f] = BatchItem(
                    f, error=f"cannot read '{f}': {exc.strerror}", error_type="OSError"
                )
                continue
            cached = store.get(STORE_KIND, keys[f])
        if cached is not None:
            out[f] = BatchItem(f, result=cached, cached=True)
        else:
            todo.append((f, opts.as_dict()))
    for job in run_jobs(_job, todo, workers=workers, scheduler=scheduler):
        f = job.item[0]
        if job.ok and job.value is not None:
            payload, warned = job.value
            if store is not None:
                store.put(STORE_KIND, keys[f], payload)
            out[f] = BatchItem(f, result=payload, warnings=warned)
        else:
            out[f] = BatchItem(f, error=job.error, error_type=job.error_type)
    return [out[f] for f in files]
