"""R_int against rest time, cycle number or temperature; Arrhenius activation energy.

The activation energy of the interfacial process follows from R_int(T) = R_0 exp(E_a / k_B T),
i.e. a straight line ln(1/R_int) = ln(1/R_0) - E_a / (k_B T) against 1/T; E_a in eV
(k_B = 8.617333262e-5 eV K-1, CODATA 2018). "Before/after" is the first and the last point of
a series, each labelled with its condition ("after 48 h rest", "after 10 cycles").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from lithiophile.echem.impedance.analysis import InterfaceFit
from lithiophile.errors import CalculationFailed, InputError
from lithiophile.metrics import Conditions, Metric

__all__ = ["BY", "SeriesResult", "arrhenius", "file_values", "series"]

#: Boltzmann constant [eV K-1] (CODATA 2018, exact)
K_B_EV = 8.617333262e-5
BY = ("rest", "cycle", "temperature")


@dataclass(frozen=True)
class SeriesPoint:
    x: float
    r_ohm: float
    stderr_ohm: float | None
    name: str
    metric: Metric = field(metadata={"payload": False})


@dataclass(frozen=True)
class SeriesResult:
    """R_int along one condition.

    Attributes
    ----------
    by
        ``"rest"`` (x = rest time [s]), ``"cycle"`` (x = cycle number) or ``"temperature"``
        (x = temperature [K]).
    points
        One per spectrum, in order of x.
    before, after
        The first and last R_int (ASR when an area is known) with their conditions.
    activation
        Arrhenius activation energy [eV] (temperature series of at least two points).
    """

    by: str
    points: tuple[SeriesPoint, ...]
    before: Metric
    after: Metric
    activation: Metric | None = field(metadata={"payload_key": "activation_energy"})

    def before_after_line(self) -> str:
        """``"Interfacial resistance before/after cycling: 12.3 -> 45.6 ohm cm2 (before
        cycling, Li|Li -> after 10 cycles, Li|Li)"``."""
        what = {"rest": "rest", "cycle": "cycling", "temperature": "heating"}[self.by]
        unit = self.before.display_unit
        first = self.condition_label(self.before, "first")
        last = self.condition_label(self.after, "last")
        return (
            f"Interfacial resistance before/after {what}: {self.before.display_value:.3g} -> "
            f"{self.after.display_value:.3g} {unit} ({first} -> {last})"
        )

    def condition_label(self, metric: Metric, default: str = "") -> str:
        """The condition of a point; cycle 0 or rest 0 reads "before cycling/rest"."""
        c = metric.conditions
        if self.by == "cycle" and c.cycle == 0:
            c = replace(c, cycle=None)
            return ", ".join(x for x in ("before cycling", c.display()) if x)
        if self.by == "rest" and c.rest_time_s == 0:
            c = replace(c, rest_time_s=None)
            return ", ".join(x for x in ("before rest", c.display()) if x)
        return c.display() or default


def arrhenius(
    temperature_K: Sequence[float],
    r_ohm: Sequence[float],
    stderr_ohm: Sequence[float | None] | None = None,
) -> tuple[float, float | None]:
    """Activation energy [eV] and its standard error [eV] from R(T).

    Least squares of ln(1/R) on 1/T, weighted by the relative errors of R when all are given.
    The error comes from the scatter about the line (n > 2) or, with two points, from the
    propagated errors of R (None when those are unknown).

    References
    ----------
    Arrhenius, S. Z. Phys. Chem. 1889, 4, 226-248; METHODS.md ("Arrhenius activation energy
    from ln(1/R) vs 1/T").
    """
    t = np.asarray(temperature_K, dtype=float)
    r = np.asarray(r_ohm, dtype=float)
    if t.size != r.size or t.size < 2:
        raise InputError(
            f"an Arrhenius fit needs at least two temperatures with one R each; got {t.size} "
            f"temperatures and {r.size} resistances."
        )
    if not ((t > 0).all() and np.isfinite(t).all() and (r > 0).all() and np.isfinite(r).all()):
        raise InputError("Arrhenius fit: temperatures [K] and resistances [ohm] must be positive.")
    if np.unique(t).size < 2:
        raise InputError(
            f"Arrhenius fit: all spectra are at the same temperature ({t[0]:.2f} K); measure at "
            "two or more temperatures."
        )
    x, y = 1.0 / t, -np.log(r)
    rel = None
    if stderr_ohm is not None and all(s is not None and math.isfinite(s) for s in stderr_ohm):
        rel = np.asarray(stderr_ohm, dtype=float) / r
        if (rel <= 0).any():
            rel = None
    w = 1.0 / rel**2 if rel is not None else np.ones_like(x)
    a = np.column_stack([np.ones_like(x), x])
    aw = a * np.sqrt(w)[:, None]
    coef, *_ = np.linalg.lstsq(aw, y * np.sqrt(w), rcond=None)
    cov = np.linalg.inv(aw.T @ aw)
    slope = coef[1]
    ea = float(-slope * K_B_EV)
    if x.size > 2:
        resid = (y - a @ coef) * np.sqrt(w)
        s2 = float(resid @ resid) / (x.size - 2)
        if rel is not None:
            s2 = max(s2, 1.0)  # never claim less than the propagated errors
        err: float | None = float(np.sqrt(cov[1, 1] * s2) * K_B_EV)
    else:
        err = float(np.sqrt(cov[1, 1]) * K_B_EV) if rel is not None else None
    return ea, err


def series(
    fits: Sequence[InterfaceFit],
    by: str,
    values: Sequence[float] | None = None,
) -> SeriesResult:
    """R_int of several spectra along rest time, cycle or temperature.

    Parameters
    ----------
    fits
        Analysed spectra (:func:`~lithiophile.echem.impedance.analysis.analyze`).
    by
        ``"rest"``, ``"cycle"`` or ``"temperature"``.
    values
        The condition of each spectrum (rest time [s], cycle, temperature [K]) when the files
        do not say; otherwise read from each fit's conditions (time since the first spectrum
        for ``rest``).
    """
    if by not in BY:
        raise InputError(f"series 'by' must be one of {list(BY)}. Got {by!r}.")
    if len(fits) < 2:
        raise InputError(f"a series needs at least two spectra; got {len(fits)}.")
    if values is not None and len(values) != len(fits):
        raise InputError(
            f"series: {len(values)} values given for {len(fits)} spectra; give one each."
        )
    points = _points(_positions(fits, by, values), fits, by)
    activation = _activation(points) if by == "temperature" else None
    return SeriesResult(by, tuple(points), points[0].metric, points[-1].metric, activation)


def _positions(
    fits: Sequence[InterfaceFit], by: str, values: Sequence[float] | None
) -> list[float]:
    """Each spectrum's place along the series: the given values, else its conditions (rest
    times counted from the first spectrum)."""
    xs: list[float] = []
    for k, item in enumerate(fits):
        c = item.conditions
        if values is not None:
            xs.append(float(values[k]))
        elif by == "temperature" and c.temperature_K is not None:
            xs.append(c.temperature_K)
        elif by == "cycle" and c.cycle is not None:
            xs.append(float(c.cycle))
        elif by == "rest" and c.rest_time_s is not None:
            xs.append(float(c.rest_time_s))
        elif by == "rest" and c.time_s is not None:
            xs.append(float(c.time_s))
        else:
            need = {"rest": "times", "cycle": "cycle numbers", "temperature": "temperatures"}
            raise InputError(
                f"series by {by}: {item.name} does not state its {need[by][:-1]}; give the "
                f"{need[by]} of all spectra (--values 298,308,318 on the command line)."
            )
    if by == "rest" and values is None:
        first = min(xs)
        xs = [x - first for x in xs]
    return xs


def _points(xs: list[float], fits: Sequence[InterfaceFit], by: str) -> list[SeriesPoint]:
    """One point per spectrum, its headline figure relabelled with its condition, in order."""
    points = []
    for x, item in zip(xs, fits, strict=False):
        metric = _headline(item)
        cond = metric.conditions
        if by == "rest":
            cond = replace(cond, rest_time_s=x, time_s=None)
        elif by == "cycle":
            cond = replace(cond, cycle=round(x))
        else:
            cond = replace(cond, temperature_K=x)
        metric = replace(metric, conditions=cond)
        r = item.metric("interfacial_resistance")
        points.append(SeriesPoint(x, r.value, r.uncertainty, item.name, metric))
    points.sort(key=lambda p: p.x)
    return points


def _activation(points: list[SeriesPoint]) -> Metric | None:
    """The Arrhenius activation energy of a temperature series (None when it has a single
    temperature)."""
    try:
        ea, err = arrhenius(
            [p.x for p in points], [p.r_ohm for p in points], [p.stderr_ohm for p in points]
        )
    except InputError:
        return None
    if not math.isfinite(ea):
        raise CalculationFailed("the Arrhenius fit gave a non-finite activation energy")
    return Metric(
        "activation_energy",
        ea,
        Conditions(extra=(("temperatures_K", ", ".join(f"{p.x:.1f}" for p in points)),)),
        definition="slope of ln(1/R_int) against 1/T times -k_B (Arrhenius)",
        uncertainty=err,
        notes=("interfacial process (R_int of the circuit fit)",),
    )


def file_values(fits: Sequence[InterfaceFit], by: str) -> list[float] | None:
    """Rest times (from the sweeps' start times, first = 0) or cycle numbers the files state
    (``extra["time_s"]``, ``extra["cycle"]`` of :func:`~lithiophile.echem.impedance.fit_files`'
    results); None when some spectrum does not say (temperatures come from the conditions)."""
    key = {"rest": "time_s", "cycle": "cycle"}.get(by)
    if key is None:
        return None
    raw = [item.extra.get(key) for item in fits]
    if any(v is None for v in raw):
        return None
    found = [float(v) for v in raw if v is not None]
    if by == "rest":
        first = min(found)
        return [v - first for v in found]
    return found


def _headline(item: InterfaceFit) -> Metric:
    """The figure a table would print: per-interface ASR if known, else cell ASR, else R."""
    order = [
        ("interfacial_asr", "per interface (symmetric cell, R x area / 2)"),
        ("interfacial_asr", "cell (R x area)"),
        ("interfacial_resistance", "per interface (symmetric cell, R/2)"),
        ("interfacial_resistance", None),
    ]
    for kind, variant in order:
        for m in item.metrics:
            if m.metric == kind and m.variant == variant:
                return m
    return item.metric("interfacial_resistance")
