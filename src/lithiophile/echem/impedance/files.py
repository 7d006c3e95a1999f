"""The entry point of impedance analysis: files in, typed results out.

:func:`fit_files` reads each file (any impedance format :func:`lithiophile.read` knows),
splits it into its sweeps, fits each (:func:`~lithiophile.echem.impedance.analysis.analyze`),
and returns :class:`ImpedanceResults`: per file its :class:`InterfaceFit` records (made of
:class:`~lithiophile.metrics.Metric` records), the provenance of what was read and assumed
(the electrode area and where it came from, the reader's own repairs), the warnings raised and
the works cited. Batches run in this process, on local processes (only where a pool pays:
:func:`lithiophile.parallel.run_batch`) or on a Dask cluster, and land in the store
(kind ``"impedance-fit"``, key = content_key(file sha256, options)), so a rerun reads them back.

Examples
--------
>>> import tempfile, pathlib
>>> from lithiophile.synth.spectra import spectrum
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> s = spectrum([("R", 5.0), ("RQ", 80.0, 2e-5, 0.9)], noise=0.0)
>>> path = s.to_impedance_data(area_m2=1e-4).write_parquet(folder / "cell.parquet")
>>> res = fit_files([path], circuit="one-arc")
>>> round(res.fits[0].metric("interfacial_resistance").value, 3)
80.0
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lithiophile import cite
from lithiophile.echem.impedance.analysis import InterfaceFit, analyze, spectra_of
from lithiophile.echem.impedance.circuit import Circuit
from lithiophile.echem.impedance.serial import fit_from_payload, fit_to_payload
from lithiophile.errors import InputError
from lithiophile.metrics import Conditions, Metric
from lithiophile.store import from_payload, to_payload

__all__ = ["STORE_KIND", "FileFits", "FitOptions", "ImpedanceResults", "fit_data", "fit_files"]

STORE_KIND = "impedance-fit"
#: bumped when the analysis changes what it computes, so stored results are not reused
ALGORITHM = "2"


@dataclass(frozen=True)
class FitOptions:
    """The options of an impedance analysis, the same for every spectrum of a batch.

    ``area_m2`` overrides the area a file's header states; ``fixed`` and ``bounds`` are
    (name, value) and (name, low, high) tuples in SI units.
    """

    circuit: str = "auto"
    area_m2: float | None = None
    symmetric: bool = False
    asr: bool | None = None
    drt: bool = False
    fixed: tuple[tuple[str, float], ...] = ()
    bounds: tuple[tuple[str, float | None, float | None], ...] = ()
    initial_guess: tuple[float, ...] | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        a = self.area_m2
        if a is not None and not (isinstance(a, int | float) and math.isfinite(a) and a > 0):
            raise InputError(f"'area' must be a positive area such as '1.13 cm^2'. Got {a!r}.")

    def key(self) -> str:
        return json.dumps({"algorithm": ALGORITHM, **to_payload(self)}, sort_keys=True)


@dataclass(frozen=True)
class FileFits:
    """One file's outcome: its fits, or the error that stopped it."""

    path: str
    fits: tuple[InterfaceFit, ...] = ()
    provenance: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    error_type: str | None = field(default=None, metadata={"payload": False})
    cached: bool = False
    citations: tuple[str, ...] = field(default=(), metadata={"payload": False})

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ImpedanceResults:
    """What :func:`fit_files` returns: one :class:`FileFits` per file, in input order."""

    files: tuple[FileFits, ...]
    options: FitOptions

    #: shown by :func:`lithiophile.store.to_payload` after the files and options
    PAYLOAD_EXTRA = ("citations",)

    @property
    def citations(self) -> tuple[str, ...]:
        """Keys of the works the analyses used (:mod:`lithiophile.cite`)."""
        return tuple(dict.fromkeys(c for item in self.files for c in item.citations))

    @property
    def fits(self) -> list[InterfaceFit]:
        """Every spectrum's fit, file by file."""
        return [fit for item in self.files for fit in item.fits]

    @property
    def metrics(self) -> list[Metric]:
        return [m for fit in self.fits for m in fit.metrics]

    @property
    def failed(self) -> list[FileFits]:
        return [item for item in self.files if not item.ok]

    @property
    def warnings(self) -> list[str]:
        """Every warning once, in the order first raised."""
        return list(dict.fromkeys(w for item in self.files for w in item.warnings))


def _area(data: Any, options: FitOptions) -> tuple[float | None, list[str]]:
    """The electrode area to use and where it came from (the option overrides the header)."""
    header = data.meta.area_m2
    given = options.area_m2
    if given is not None:
        said = f"electrode area {given * 1e4:.4g} cm2 as given"
        if header is not None and not math.isclose(header, given, rel_tol=1e-6):
            said += f", not the {header * 1e4:.4g} cm2 the file's header states"
        return given, [said]
    if header is not None:
        return header, [f"electrode area {header * 1e4:.4g} cm2 from the file's header"]
    return None, ["electrode area unknown (none given, none in the file): R in ohm only"]


def _reader_provenance(data: Any) -> list[str]:
    entries = data.meta.all_provenance() if hasattr(data.meta, "all_provenance") else ()
    out = []
    for p in entries:
        where = f" ({p.where})" if getattr(p, "where", "") else ""
        out.append(f"{p.kind}: {p.what}{where}")
    return out


def fit_data(data: Any, name: str, options: FitOptions) -> FileFits:
    """Fit every sweep of one :class:`~lithiophile.io.ImpedanceData`; warnings are caught and
    kept (prefixed with the sweep's name), not raised."""
    area, provenance = _area(data, options)
    parts = spectra_of(data)
    start = data.meta.start_time
    fits, caught_all = [], []
    for part in parts:
        label = name if len(parts) == 1 else f"{name}#{part.index}"
        t = part.time_s
        if t is not None and start is not None:
            t = start.timestamp() + t  # absolute, so that files can be put in order
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = analyze(
                part.f,
                part.z,
                circuit=options.circuit,
                area_m2=area,
                symmetric=options.symmetric,
                asr=options.asr,
                with_drt=options.drt,
                conditions=Conditions(temperature_K=part.temperature_K),
                source=data.meta.sha256,
                name=label,
                seed=options.seed,
                fixed=dict(options.fixed),
                bounds={k: (lo, hi) for k, lo, hi in options.bounds},
                initial_guess=options.initial_guess,
            )
        for w in caught:
            if issubclass(w.category, UserWarning):
                text = str(w.message)
                caught_all.append(text if text.startswith(label) else f"{label}: {text}")
        extra = {"spectrum": part.index, "cycle": part.cycle, "time_s": t}
        fits.append(replace(result, extra=extra))
    provenance += _reader_provenance(data)
    return FileFits(name, tuple(fits), tuple(provenance), tuple(dict.fromkeys(caught_all)))


def _read(path: str) -> Any:
    import lithiophile.io as lio

    data = lio.read(path)
    if not isinstance(data, lio.ImpedanceData):
        raise InputError(
            f"'{path}' holds cycling data, not an impedance spectrum; give a PEIS/GEIS or other "
            "impedance file (lithiophile read FILE shows what a file holds)."
        )
    return data


def _job(item: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """Read and fit one file; the result as the serializer's dict (the process boundary)."""
    path, options = item
    res = fit_data(_read(path), Path(path).name, from_payload(FitOptions, options))
    return {
        "fits": [fit_to_payload(f) for f in res.fits],
        "provenance": list(res.provenance),
        "warnings": list(res.warnings),
        "citations": cite.used(),
    }


def _from_payload(path: str, payload: dict[str, Any], cached: bool) -> FileFits:
    return FileFits(
        path,
        tuple(fit_from_payload(f) for f in payload["fits"]),
        tuple(payload.get("provenance") or ()),
        tuple(payload.get("warnings") or ()),
        cached=cached,
        citations=tuple(payload.get("citations") or ()),
    )


def fit_files(
    paths: Iterable[str | Path],
    *,
    circuit: str = "auto",
    area: float | None = None,
    symmetric: bool = False,
    asr: bool | None = None,
    drt: bool = False,
    fix: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    initial_guess: Sequence[float] | None = None,
    seed: int = 0,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
) -> ImpedanceResults:
    """Fit every spectrum of every file and report the interfacial resistance.

    Parameters
    ----------
    paths
        Impedance files (every sweep of a file is fitted on its own).
    circuit
        A circuit string (``"R0-p(R1,CPE1)"``), a library name (``"two-arc"``) or ``"auto"``.
    area
        Electrode area [m^2]; overrides the file's header. None: the header's, if any.
    symmetric
        A symmetric Li|Li cell: also per-interface values (R/2, R x area / 2).
    asr
        True demands the ASR (an error without an area), None gives it when the area is
        known, False never.
    drt
        Also compute the DRT, its peaks and its R_int (checked against the circuit's).
    fix, bounds
        Parameters held at a value, and limits of parameters (SI), e.g. ``{"R0": 10.0}``,
        ``{"R1": (1.0, 100.0)}``.
    initial_guess
        Starting values of a given ``circuit`` (e.g. a loaded model's), in parameter order.
    seed
        Seed of the multi-start.
    workers, scheduler
        Local processes (used only where they pay) or a Dask scheduler address.
    store
        A :class:`lithiophile.store.Store`: files already analysed with these options are read
        back from it (``cached``), new results are written to it. None: no store.

    A file that cannot be read or fitted is kept as a :class:`FileFits` with its error; the
    others go on.
    """
    from lithiophile.parallel import run_batch

    _check_constraints(circuit, fix, bounds, initial_guess)  # before any file is read
    options = FitOptions(
        circuit=circuit,
        area_m2=area,
        symmetric=symmetric,
        asr=asr,
        drt=drt,
        fixed=tuple((k, float(v)) for k, v in (fix or {}).items()),
        bounds=tuple((k, lo, hi) for k, (lo, hi) in (bounds or {}).items()),
        initial_guess=None if initial_guess is None else tuple(map(float, initial_guess)),
        seed=seed,
    )
    files = [str(p) for p in paths]
    batch = run_batch(
        _job,
        [(f, to_payload(options)) for f in files],
        key=lambda item: _store_key(item[0], options),
        kind=STORE_KIND,
        store=store,
        encode=lambda payload: payload,  # already the serializer's JSON-safe dict
        workers=workers,
        scheduler=scheduler,
    )
    return _collect(batch, options)


def _collect(batch: Iterable[Any], options: FitOptions) -> ImpedanceResults:
    """The batch's outcomes as typed results, in input order; the works they cite are
    registered in this session, wherever they were computed."""
    result = ImpedanceResults(
        tuple(
            _from_payload(job.item[0], job.value, cached=job.cached)
            if job.ok and job.value is not None
            else FileFits(job.item[0], error=job.error, error_type=job.error_type)
            for job in batch
        ),
        options,
    )
    for key in result.citations:
        if key in cite.CITATIONS:
            cite.register(key)
    return result


def _check_constraints(
    circuit: str,
    fix: Mapping[str, float] | None,
    bounds: Mapping[str, tuple[float | None, float | None]] | None,
    initial_guess: Sequence[float] | None,
) -> None:
    """InputError for a bad circuit, fixed value, bound or guess, naming it."""
    from lithiophile.echem.impedance.library import check_candidate_names, resolve

    if circuit != "auto":
        guess = None if initial_guess is None else list(initial_guess)
        Circuit(resolve(circuit), guess, fixed=fix, bounds=bounds)
    elif initial_guess is not None:
        raise InputError("an initial guess needs a circuit, not 'auto'.")
    else:
        check_candidate_names(set(fix or {}) | set(bounds or {}))


def _store_key(path: str, options: FitOptions) -> str:
    """A file's result in the store: its content hash and the options."""
    from lithiophile.io import sha256_of
    from lithiophile.store import content_key

    try:
        digest = sha256_of(Path(path))
    except OSError:
        _read(path)  # the reader's own message for a missing or unreadable file
        raise
    return content_key(digest, options.key())
