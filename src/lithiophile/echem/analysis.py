"""One entry point: a cycling test (or files of them) in, a :class:`CellAnalysis` out.

:func:`analyze` segments the data, finds (or checks) the protocol and computes its figures;
:func:`analyze_file` reads a file first; :func:`analyze_files` runs a batch on local
processes or a Dask cluster through :func:`lithiophile.parallel.run_jobs` and keeps results
in the store (kind ``"cell-analysis"``, key = content_key(file sha256, options)), so a rerun
skips the files already analysed and an interrupted batch resumes. Nothing is stored for a
file that failed.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import polars as pl

from lithiophile.echem.ccd import critical_current_density
from lithiophile.echem.citations import ADAMS, AURBACH, MENKIN, PEI, YAN
from lithiophile.echem.context import AREA_HELP, TestContext
from lithiophile.echem.coulombic import li_cu_efficiency, reservoir_efficiency
from lithiophile.echem.nucleation import nucleation_overpotential
from lithiophile.echem.protocols import ProtocolError, detect_protocol
from lithiophile.echem.result import AnalysisOptions, CellAnalysis, Event
from lithiophile.echem.segments import Segmentation, segment, uses_counter
from lithiophile.echem.supplied import PLACEHOLDER_A, current_source, with_current
from lithiophile.echem.symmetric import symmetric_cell
from lithiophile.errors import (
    CalculationFailed,
    DataQualityWarning,
    InputError,
)
from lithiophile.io.celldata import CellData
from lithiophile.metrics import Metric

if TYPE_CHECKING:  # pragma: no cover
    from lithiophile.parallel import Batch

__all__ = [
    "STORE_KIND",
    "analyze",
    "analyze_data",
    "analyze_file",
    "analyze_files",
    "batch_name",
    "store_key",
]

STORE_KIND = "cell-analysis"


def analyze_data(cell: CellData, options: AnalysisOptions | None = None, **kw: Any) -> CellAnalysis:
    """The Li-metal figures of one test held in memory (see :func:`analyze`)."""
    opts = options if options is not None else AnalysisOptions(**kw)
    if not isinstance(cell, CellData):
        raise InputError(
            f"cell analyze needs cycling data (CellData); got {type(cell).__name__}. An "
            "impedance file is analysed by 'lithiophile eis fit'."
        )
    if len(cell) < 3:
        raise ProtocolError(f"the data hold {len(cell)} points; cell analyze needs a cycling test")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _analyze_one(cell, opts)
    for w in caught:  # raised again for the caller, and kept with the result
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    texts = tuple(str(w.message) for w in caught if issubclass(w.category, DataQualityWarning))
    return dataclasses.replace(result, warnings=texts, citations=citations_of(result))


def _analyze_one(cell: CellData, opts: AnalysisOptions) -> CellAnalysis:
    area = opts.area_m2 if opts.area_m2 is not None else cell.meta.area_m2
    cell, current = _current_of(cell, opts, area)
    seg = segment(cell, opts.plateau_window)
    ctx = TestContext.of(cell, opts.area_m2, current)
    det = detect_protocol(seg, opts)
    if current == "none" and det.protocol not in ("symmetric", "nucleation"):
        raise ProtocolError(
            f"this file records no current, and --protocol {det.protocol} ({det.reason}) needs "
            "it (capacities, Coulombic efficiency, current density); give the applied current "
            'with --current "0.4 mA" or --current-density "0.5 mA cm-2" (with an area)'
        )
    notes = list(seg.notes)
    if det.doubt:
        notes.append(det.doubt)
    flags: list[str] = []
    if current == "none":
        flags.append("current-unknown")
        notes.append(
            "the file records no current: only the figures that need none are given "
            "(polarization, hysteresis, failure time); capacities, current densities, CE and "
            'CCD need --current "0.4 mA" or --current-density'
        )
    elif current == "supplied":
        flags.append("current-supplied")
    if ctx.area_m2 is None:
        flags.append("area-unknown")
        notes.append(f"electrode area unknown: no current density or areal capacity; {AREA_HELP}")
    if det.strip_sign < 0:
        notes.append(
            "the file's current sign is opposite to the package's convention (stripping from "
            "the working electrode is negative here); figures do not depend on it"
        )
    try:
        result = _by_protocol(det.protocol, det, seg, ctx, opts, cell, notes, flags)
    except CalculationFailed as exc:
        raise ProtocolError(f"--protocol {det.protocol} cannot be applied: {exc}") from None
    prov = provenance(cell, opts, ctx, seg, det.strip_sign)
    return dataclasses.replace(result, current=current, provenance=prov)


def _current_of(
    cell: CellData, opts: AnalysisOptions, area_m2: float | None
) -> tuple[CellData, str]:
    """The data with a usable current, and where it comes from (see :mod:`.supplied`)."""
    given = opts.current_A is not None or opts.current_density_A_m2 is not None
    if current_source(cell) == "measured":
        if given:
            flag = "--current" if opts.current_A is not None else "--current-density"
            raise InputError(
                f"{flag} is for files that record only time and voltage; this file records its "
                "current, which is used. Leave out the option"
            )
        return cell, "measured"
    if opts.current_density_A_m2 is not None:
        if area_m2 is None:
            raise InputError(
                f"--current-density needs the electrode area to give a current: {AREA_HELP}; "
                'or give the current itself with --current "0.4 mA"'
            )
        return with_current(cell, opts.current_density_A_m2 * area_m2, supplied=True), "supplied"
    if opts.current_A is not None:
        return with_current(cell, opts.current_A, supplied=True), "supplied"
    return with_current(cell, PLACEHOLDER_A, supplied=False), "none"


def provenance(
    cell: CellData, opts: AnalysisOptions, ctx: TestContext, seg: Segmentation, strip_sign: int
) -> tuple[str, ...]:
    """What was read, assumed or repaired, by the reader and by this analysis."""
    meta = cell.meta
    entries = meta.all_provenance() if hasattr(meta, "all_provenance") else ()
    out = [f"read ({p.kind}): {p.what}" + (f" ({p.where})" if p.where else "") for p in entries]
    if not entries:
        out = [f"read: {n}" for n in meta.notes]
    header = cell.meta.area_m2
    if opts.area_m2 is not None:
        over = f" (overrides the file's {header * 1e4:.4g} cm2)" if header else ""
        out.append(f"electrode area {opts.area_m2 * 1e4:.4g} cm2 from the area option{over}")
    elif header is not None:
        out.append(f"electrode area {header * 1e4:.4g} cm2 as the file states it")
    else:
        out.append("electrode area unknown (neither stated in the file nor given)")
    if ctx.current == "measured" and uses_counter(cell):
        out.append(
            "charge per half-cycle from the instrument's own charge counter (charge_C), the "
            "integral of the recorded current as cross-check (docs/methods.md, 'Charge per "
            "half-cycle')"
        )
    elif ctx.current == "measured":
        out.append(
            "charge per half-cycle integrated from the recorded current: trapezoids between "
            "records, plus the sampling interval before a step's first record where the clock "
            "runs across steps (docs/methods.md, 'Charge per half-cycle')"
        )
    if strip_sign < 0:
        out.append("current sign inferred opposite to the package's convention (Li||Cu)")
    out += [f"analysis: {n}" for n in seg.notes]
    return tuple(out)


def citations_of(result: CellAnalysis) -> tuple[str, ...]:
    """Keys of the works the figures of ``result`` implement."""
    keys: list[str] = []
    if any(m.variant == "reservoir" for m in result.metrics):
        keys.append(ADAMS)
    if any(m.variant == "aurbach" for m in result.metrics):
        keys.append(AURBACH)
    if any(m.metric == "nucleation_overpotential" for m in result.metrics):
        keys += [YAN, PEI]
    if any(e.kind == "soft-short" for e in result.events):
        keys.append(MENKIN)
    return tuple(keys)


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


def _read(inputs: str | Path | Sequence[str | Path]) -> CellData:
    """One test from a file, or from files that continue each other (joined by the reader)."""
    import lithiophile.io as lio

    joined = not isinstance(inputs, str | Path)
    data = lio.read(list(inputs)) if joined else lio.read(inputs)  # type: ignore[arg-type]
    if not isinstance(data, CellData):
        raise InputError(
            f"'{inputs}' holds an impedance spectrum, not cycling data; analyse it with "
            "'lithiophile eis fit'"
        )
    return data


def analyze_file(
    path: str | Path | Sequence[str | Path], options: AnalysisOptions | None = None
) -> CellAnalysis:
    """Read ``path`` (any format :func:`lithiophile.io.read` knows; a list of files that
    continue one test is joined by the reader) and analyse it."""
    return analyze_data(_read(path), options)


def store_key(sha256: str, options: AnalysisOptions) -> str:
    """Store key of a file's analysis: its content hash and the options."""
    from lithiophile.store import content_key

    return content_key(sha256, options.key())


def _job(item: tuple[str | tuple[str, ...], AnalysisOptions]) -> CellAnalysis:
    path, options = item
    return analyze_file(path if isinstance(path, str) else list(path), options)


def _name(item: tuple[str | tuple[str, ...], AnalysisOptions]) -> str:
    path = item[0]
    return path if isinstance(path, str) else " + ".join(path)


def analyze_files(
    paths: Iterable[str | Path],
    options: AnalysisOptions | None = None,
    *,
    join: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
) -> Batch[tuple[str | tuple[str, ...], AnalysisOptions], CellAnalysis]:
    """Analyse many files: in this process, on ``workers`` processes, or on a Dask cluster,
    through :func:`lithiophile.parallel.run_batch` (results cached in ``store`` by content
    hash and options, kind :data:`STORE_KIND`; nothing is stored for a file that failed).

    Parameters
    ----------
    paths
        Files to analyse.
    options
        The same options for every file.
    join
        The files continue one test: one job on the test the reader joins from them.
    workers, scheduler
        As :func:`lithiophile.parallel.run_jobs`.
    store
        A :class:`lithiophile.store.Store`, or None (nothing cached or stored).
    """
    from lithiophile.io import sha256_of
    from lithiophile.parallel import run_batch
    from lithiophile.store import from_payload, to_payload

    opts = options if options is not None else AnalysisOptions()
    files = [str(p) for p in paths]
    items: list[tuple[str | tuple[str, ...], AnalysisOptions]]
    items = [(tuple(files), opts)] if join else [(f, opts) for f in files]

    def key(item: tuple[str | tuple[str, ...], AnalysisOptions]) -> str:
        names = (item[0],) if isinstance(item[0], str) else item[0]
        return store_key("+".join(sha256_of(Path(f)) for f in names), opts)

    return run_batch(
        _job,
        items,
        key=key,
        kind=STORE_KIND,
        store=store,
        encode=to_payload,
        decode=functools.partial(from_payload, CellAnalysis),
        workers=workers,
        scheduler=scheduler,
    )


def batch_name(item: tuple[str | tuple[str, ...], AnalysisOptions]) -> str:
    """The file (or joined files) a batch item analysed, for messages."""
    return _name(item)


Input = CellData | str | Path


@overload
def analyze(
    inputs: Input,
    options: AnalysisOptions | None = ...,
    *,
    join: bool = ...,
    workers: int = ...,
    scheduler: str | None = ...,
    store: Any = ...,
    **kw: Any,
) -> CellAnalysis: ...


@overload
def analyze(
    inputs: Sequence[str | Path],
    options: AnalysisOptions | None = ...,
    *,
    join: bool = ...,
    workers: int = ...,
    scheduler: str | None = ...,
    store: Any = ...,
    **kw: Any,
) -> Batch[tuple[str | tuple[str, ...], AnalysisOptions], CellAnalysis]: ...


def analyze(
    inputs: Input | Sequence[str | Path],
    options: AnalysisOptions | None = None,
    *,
    join: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
    **kw: Any,
) -> CellAnalysis | Batch[tuple[str | tuple[str, ...], AnalysisOptions], CellAnalysis]:
    """The Li-metal figures of cycling tests: the one entry point of the measure capability.

    Parameters
    ----------
    inputs
        One test (:class:`~lithiophile.io.CellData`, or a file any reader knows) -> a
        :class:`CellAnalysis`; a list of files -> a :class:`lithiophile.parallel.Batch` of
        :class:`CellAnalysis` (``.value`` of each result; ``.error`` for a file that failed),
        one per file, or, with ``join``, one for the test the files continue.
    options
        :class:`AnalysisOptions`; else keyword arguments build one (``protocol="symmetric"``,
        ``area_m2=1.13e-4``, ``current_A=4e-4`` for a voltage-only file ...).
    join
        The files are one test split over several files (continuation files): the reader
        joins them (time offset, cycle and step numbering continued, gaps reported).
    workers, scheduler, store
        Batches: local processes or a Dask scheduler address (as
        :func:`lithiophile.parallel.run_jobs`), and a :class:`lithiophile.store.Store` whose
        results are reused (keyed by file content and options).

    Raises
    ------
    ProtocolError
        When no protocol is recognised, or the protocol given contradicts the data.
    InputError
        When an areal figure (CCD) is asked for and the area is unknown, or an option is not
        valid.

    Examples
    --------
    >>> from lithiophile.echem import analyze                       # doctest: +SKIP
    >>> r = analyze("cell3.mpr", protocol="symmetric")             # doctest: +SKIP
    >>> r.metric("polarization", "plateau").value                   # doctest: +SKIP
    """
    opts = options if options is not None else AnalysisOptions(**kw)
    if isinstance(inputs, CellData):
        return analyze_data(inputs, opts)
    if isinstance(inputs, str | Path):
        return analyze_file(inputs, opts)
    if not isinstance(inputs, Sequence):
        return analyze_data(inputs, opts)  # refused there with what it got
    return analyze_files(inputs, opts, join=join, workers=workers, scheduler=scheduler, store=store)
