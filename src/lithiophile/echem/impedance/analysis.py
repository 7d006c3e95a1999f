"""One spectrum in, the interfacial resistance out: fit, Lin-KK, DRT cross-check, and the
figures as :class:`lithiophile.metrics.Metric` records (R in ohm; ASR in ohm m^2 when the
electrode area is known; per-interface values for symmetric cells).

Symmetric Li|Li cells hold two identical interfaces in series, so each contributes half the
measured R_int: per-interface ASR = R_int x area / 2 (METHODS.md). Both the cell value and the
per-interface value are reported, each labelled by its ``variant``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from lithiophile.echem.impedance.circuit import Circuit
from lithiophile.echem.impedance.drt import DRTResult, drt
from lithiophile.echem.impedance.library import fit_auto, interfacial_resistance, resolve
from lithiophile.errors import InputError
from lithiophile.metrics import Conditions, Metric

__all__ = ["InterfaceFit", "analyze", "interfacial_metrics", "spectra_of"]

_DEF = (
    "sum of the arc resistances ({names}) of the equivalent circuit {circuit} fitted to the "
    "spectrum (bulk resistance and diffusion elements excluded)"
)


@dataclass(frozen=True)
class SpectrumPart:
    """One sweep of an impedance file with what is known of when it was measured."""

    f: np.ndarray
    z: np.ndarray
    index: int
    time_s: float | None = None
    cycle: int | None = None
    temperature_K: float | None = None


def spectra_of(data: Any) -> list[SpectrumPart]:
    """Split :class:`~lithiophile.io.ImpedanceData` into its sweeps (the ``spectrum`` column),
    each with its start time, cycle and mean temperature where the file has them."""
    from lithiophile.io.celldata import ImpedanceData

    if not isinstance(data, ImpedanceData):
        raise InputError(
            f"expected ImpedanceData (from lithiophile.io.read of an impedance file); got "
            f"{type(data).__name__}. A cycling file holds no impedance spectrum."
        )
    cols = data.columns
    index = data["spectrum"] if "spectrum" in cols else np.ones(len(data), dtype=int)
    out = []
    f_all, z_all = data["frequency_Hz"], data.z
    for k in np.unique(index):
        rows = index == k
        part = SpectrumPart(f_all[rows], z_all[rows], int(k))
        if "time_s" in cols:
            t = data["time_s"][rows]
            if np.isfinite(t).any():
                part = replace(part, time_s=float(np.nanmin(t)))
        if "cycle" in cols:
            c = data["cycle"][rows]
            if c.size:
                part = replace(part, cycle=int(c[0]))
        if "temperature_K" in cols:
            temp = data["temperature_K"][rows]
            if np.isfinite(temp).any():
                part = replace(part, temperature_K=float(np.nanmean(temp)))
        out.append(part)
    return out


def interfacial_metrics(
    fit: Circuit,
    *,
    area_m2: float | None = None,
    symmetric: bool = False,
    asr: bool | None = None,
    conditions: Conditions | None = None,
    source: str | None = None,
) -> list[Metric]:
    """The interfacial-resistance figures of a fitted circuit.

    Parameters
    ----------
    fit
        A fitted :class:`Circuit` with at least one arc.
    area_m2
        Electrode area [m^2] (geometric, one electrode).
    symmetric
        A symmetric cell (Li|Li): also report per-interface values (R/2, R x area / 2).
    asr
        True demands the area-specific resistance (InputError without an area); None reports
        it when the area is known; False never.
    conditions
        What the spectrum was measured at.
    source
        A file's sha256 or another provenance string.
    """
    _check_area(area_m2, asr)
    value, stderr, names = interfacial_resistance(fit)
    cond = conditions or Conditions()
    if symmetric and cond.cell is None:
        cond = replace(cond, cell="Li|Li")
    unc = stderr if math.isfinite(stderr) else None
    definition = _DEF.format(names=" + ".join(names), circuit=fit.circuit)
    notes = _fit_notes(fit)
    out = []
    for kind, per_area, half, suffix, variant in _variants(symmetric, area_m2, asr):
        v, u = value, unc
        if per_area is not None:
            v, u = v * per_area, None if u is None else u * per_area
        if half:
            v, u = v / 2, None if u is None else u / 2
        out.append(
            Metric(
                kind,
                v,
                cond,
                definition=definition + suffix,
                variant=variant,
                uncertainty=u,
                source=source,
                notes=notes,
            )
        )
    return out


_ASR_NEEDS_AREA = (
    "an area-specific resistance (ohm cm2) needs the electrode area, and none is known: the "
    "file's header states none. Give it, e.g. --area '1.13 cm^2' on the command line or "
    "area_m2=1.13e-4 in Python, or ask for R in ohm only."
)


def _check_area(area_m2: float | None, asr: bool | None) -> None:
    """InputError for an area that is not a positive number, or an ASR demanded without one."""
    if area_m2 is not None and not (math.isfinite(area_m2) and area_m2 > 0):
        raise InputError(f"'area' must be a positive area such as '1.13 cm^2'. Got {area_m2!r}.")
    if asr and area_m2 is None:
        raise InputError(_ASR_NEEDS_AREA)


def _fit_notes(fit: Circuit) -> tuple[str, ...]:
    """The fit's own notes, and the Lin-KK verdict when the spectrum fails it."""
    notes = tuple(fit.notes_)
    if fit.kk_ is not None and not fit.kk_.passed:
        notes += (f"fails the Lin-KK test (rms residual {fit.kk_.rms:.2%})",)
    return notes


def _variants(
    symmetric: bool, area_m2: float | None, asr: bool | None
) -> list[tuple[str, float | None, bool, str, str | None]]:
    """The figures to report: (metric, area factor or None, halved, definition suffix,
    variant): R for the cell, R/2 per interface of a symmetric cell, and the same times the
    area when it is known and the ASR is not refused."""
    out: list[tuple[str, float | None, bool, str, str | None]] = [
        ("interfacial_resistance", None, False, "", "cell" if symmetric else None)
    ]
    if symmetric:
        out.append(
            (
                "interfacial_resistance",
                None,
                True,
                "; per interface of a symmetric cell = R_int / 2",
                "per interface (symmetric cell, R/2)",
            )
        )
    if area_m2 is None or asr is False:
        return out
    out.append(
        ("interfacial_asr", area_m2, False, "; ASR = R_int x electrode area", "cell (R x area)")
    )
    if symmetric:
        out.append(
            (
                "interfacial_asr",
                area_m2,
                True,
                "; per interface of a symmetric cell, ASR = R_int x area / 2",
                "per interface (symmetric cell, R x area / 2)",
            )
        )
    return out


@dataclass(frozen=True)
class InterfaceFit:
    """The analysis of one spectrum.

    Attributes
    ----------
    name
        What was fitted (file name and sweep).
    fit
        The fitted :class:`Circuit`.
    metrics
        The interfacial figures (:func:`interfacial_metrics`), plus the DRT cross-check.
    drt
        The DRT when asked for.
    """

    name: str
    fit: Circuit
    metrics: tuple[Metric, ...]
    conditions: Conditions = field(metadata={"payload": False})
    drt: DRTResult | None = None
    extra: dict[str, Any] = field(default_factory=dict, metadata={"payload": False})

    #: :func:`lithiophile.store.to_payload` shows where the sweep lies in its file (from
    #: ``extra``) after the fields; the conditions are those of the metrics
    PAYLOAD_EXTRA = ("spectrum", "cycle", "time_s")

    def metric(self, kind: str, variant: str | None = None) -> Metric:
        for m in self.metrics:
            if m.metric == kind and (variant is None or m.variant == variant):
                return m
        raise KeyError(f"no metric {kind!r} (variant {variant!r}) in the fit of {self.name}")

    @property
    def spectrum(self) -> int | None:
        """The sweep's number in its file (None for a spectrum fitted on its own)."""
        value = self.extra.get("spectrum")
        return None if value is None else int(value)

    @property
    def cycle(self) -> int | None:
        """The cycle the file states for the sweep, if any."""
        value = self.extra.get("cycle")
        return None if value is None else int(value)

    @property
    def time_s(self) -> float | None:
        """The sweep's start [s since the epoch where the file states its start time]."""
        value = self.extra.get("time_s")
        return None if value is None else float(value)


def analyze(
    f: np.ndarray,
    z: np.ndarray,
    *,
    circuit: str = "auto",
    area_m2: float | None = None,
    symmetric: bool = False,
    asr: bool | None = None,
    with_drt: bool = False,
    conditions: Conditions | None = None,
    source: str | None = None,
    name: str = "spectrum",
    seed: int = 0,
    n_starts: int = 8,
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    initial_guess: Sequence[float] | None = None,
) -> InterfaceFit:
    """Fit one spectrum and report its interfacial resistance.

    ``circuit`` is a circuit string, a name of :data:`~lithiophile.echem.impedance.library.
    CIRCUITS`, or ``"auto"`` (the candidate with the lowest BIC). With ``with_drt`` the DRT's
    peaks give a model-free R_int (variant ``"DRT"``) beside the circuit's. ``fixed`` and
    ``bounds`` hold parameters at a value or within limits (SI; with ``"auto"`` they apply
    to each candidate that has the parameter); ``initial_guess`` starts a given circuit there.
    """
    if asr and area_m2 is None:
        raise InputError(_ASR_NEEDS_AREA)  # before the (slow) fit
    if circuit == "auto":
        if initial_guess is not None:
            raise InputError("an initial guess needs a circuit, not 'auto'.")
        fit = fit_auto(f, z, name=name, seed=seed, n_starts=n_starts, fixed=fixed, bounds=bounds)
    else:
        model = Circuit(
            resolve(circuit),
            None if initial_guess is None else list(initial_guess),
            seed=seed,
            n_starts=n_starts,
            fixed=fixed,
            bounds=bounds,
        )
        fit = model.fit(f, z, name=name)
    cond = conditions or Conditions()
    metrics = interfacial_metrics(
        fit, area_m2=area_m2, symmetric=symmetric, asr=asr, conditions=cond, source=source
    )
    result_drt = None
    if with_drt:
        result_drt = drt(fit.frequencies_, fit.data_, inductance=True)
        drt_metric = _drt_metric(result_drt, metrics[0], name, source)
        if drt_metric is not None:
            metrics.append(drt_metric)
    return InterfaceFit(name, fit, tuple(metrics), metrics[0].conditions, result_drt)


def _drt_metric(res: DRTResult, circuit_r: Metric, name: str, source: str | None) -> Metric | None:
    """The DRT's R_int, with what it rests on; warns (:class:`DRTConsistencyWarning`) when it
    differs from the circuit's R_int by more than 20 %."""
    import warnings

    from lithiophile.echem.impedance.drt import SPAN_TOLERANCE, DRTConsistencyWarning

    r_drt = res.r_polarisation_ohm
    if r_drt <= 0:
        return None
    notes = list(res.notes)
    r_fit = circuit_r.value
    if r_fit > 0 and abs(r_drt - r_fit) > SPAN_TOLERANCE * r_fit:
        text = (
            f"{name}: the DRT's total resistance {r_drt:.4g} ohm differs from the circuit's "
            f"R_int {r_fit:.4g} ohm by {abs(r_drt / r_fit - 1):.0%} (over "
            f"{SPAN_TOLERANCE:.0%}): the circuit leaves out resistance the DRT holds "
            "(diffusion, an arc it does not model) or the DRT extrapolates beyond the data"
        )
        notes.append(text)
        warnings.warn(text, DRTConsistencyWarning, stacklevel=3)
    return Metric(
        "interfacial_resistance",
        r_drt,
        circuit_r.conditions,
        definition="integral of the DRT, gamma d ln tau (Tikhonov, lambda by "
        f"{res.method}); model-free cross-check of the circuit fit (it also holds any "
        f"diffusion the circuit puts in a Warburg); {res.r_window_ohm:.4g} ohm of it within "
        f"the measured window {res.tau_window_s[0]:.3g}-{res.tau_window_s[1]:.3g} s",
        variant="DRT",
        source=source,
        notes=tuple(notes),
    )
