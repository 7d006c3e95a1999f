"""Metric records: a value with its unit, the conditions it was measured at, and its definition.

One shape for a figure computed from a user's file (``lithiophile.echem``), a fitted
interfacial resistance (``lithiophile.echem.impedance``) and a literature record
(``lithiophile.kb``), so that "polarization 30 mV after 300 h at 0.5 mA cm-2, 1 mAh cm-2"
from a file and from the review's Table 1 compare directly.

Values and conditions are SI floats (the unit in the field name, or in :data:`METRICS`);
display units (mV, mA cm-2, mAh cm-2, ohm cm2, %, h) only in :meth:`Metric.display`.

Examples
--------
>>> m = Metric("polarization", 0.030, Conditions(current_density_A_m2=5.0,
...            areal_capacity_C_m2=36e3, time_s=300 * 3600, cell="Li|Li"),
...            definition="plateau |V|", variant="plateau")
>>> m.display()
'polarization (plateau) 30 mV after 300 h at 0.5 mA cm-2, 1 mAh cm-2, Li|Li'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lithiophile.errors import InputError

__all__ = [
    "DISPLAY_UNITS",
    "METRICS",
    "Conditions",
    "Metric",
    "MetricKind",
    "as_metric",
    "display_value",
]

#: The one table of display units: SI unit -> (display unit, factor SI -> display). Conditions,
#: plain quantities and the command line's tables use it; metric kinds name theirs in
#: :data:`METRICS` (a fraction shows as % or as cycles depending on the metric). Factors by
#: hand: 1 mA cm-2 = 1e-3 A / 1e-4 m2 = 10 A m-2; 1 mAh cm-2 = 3.6 C / 1e-4 m2 = 36 000 C m-2
#: (tests/test_metrics.py checks each against pint).
DISPLAY_UNITS: dict[str, tuple[str, float]] = {
    "A/m^2": ("mA cm-2", 0.1),
    "C/m^2": ("mAh cm-2", 1 / 36e3),
    "ohm*m^2": ("ohm cm2", 1e4),
    "m^2": ("cm2", 1e4),
    "V": ("mV", 1e3),
    "A": ("mA", 1e3),
    "C": ("mAh", 1 / 3.6),
    "s": ("h", 1 / 3600),
    "kg": ("mg", 1e6),
    "S/m": ("mS cm-1", 10.0),
}


def display_value(value_si: float, si_unit: str) -> tuple[float, str]:
    """A value in an SI unit -> (value, unit) as people read it (``(5.0, "A/m^2")`` ->
    ``(0.5, "mA cm-2")``); units without a display form are returned as they are.

    >>> display_value(36e3, "C/m^2")
    (1.0, 'mAh cm-2')
    """
    unit, factor = DISPLAY_UNITS.get(si_unit, (si_unit, 1.0))
    return value_si * factor, unit


@dataclass(frozen=True)
class MetricKind:
    """A metric's SI unit, its display unit and the factor SI -> display."""

    name: str
    unit: str
    display_unit: str
    display_factor: float
    description: str


METRICS: dict[str, MetricKind] = {
    k.name: k
    for k in [
        MetricKind("interfacial_resistance", "ohm", "ohm", 1.0, "interfacial resistance R_int"),
        MetricKind(
            "interfacial_asr", "ohm*m^2", "ohm cm2", 1e4, "area-specific interfacial resistance"
        ),
        MetricKind("polarization", "V", "mV", 1e3, "symmetric-cell polarization"),
        MetricKind("li_cu_ce", "1", "%", 100.0, "Li||Cu Coulombic efficiency"),
        MetricKind("average_ce", "1", "%", 100.0, "average Coulombic efficiency"),
        MetricKind("full_cell_ce", "1", "%", 100.0, "full-cell Coulombic efficiency"),
        MetricKind("cycle_life_time", "s", "h", 1 / 3600, "cycle life (time)"),
        MetricKind("cycle_life_cycles", "1", "cycles", 1.0, "cycle life (cycles)"),
        MetricKind("capacity_retention", "1", "%", 100.0, "capacity retention"),
        MetricKind("critical_current_density", "A/m^2", "mA cm-2", 0.1, "critical current density"),
        MetricKind(
            "cumulative_capacity", "C/m^2", "mAh cm-2", 1 / 36e3, "cumulative areal capacity"
        ),
        MetricKind("nucleation_overpotential", "V", "mV", 1e3, "nucleation overpotential"),
        MetricKind("growth_overpotential", "V", "mV", 1e3, "growth overpotential"),
        MetricKind("activation_energy", "eV", "eV", 1.0, "activation energy"),
        MetricKind("transference_number", "1", "", 1.0, "Li+ transference number"),
        MetricKind("contact_angle", "deg", "deg", 1.0, "contact angle"),
        MetricKind("binding_energy", "eV", "eV", 1.0, "Li binding energy"),
        MetricKind("work_of_adhesion", "J/m^2", "J m-2", 1.0, "work of adhesion"),
        MetricKind("ionic_conductivity", "S/m", "mS cm-1", 10.0, "ionic conductivity"),
        MetricKind("reaction_energy", "eV/atom", "eV/atom", 1.0, "reaction energy with Li"),
        # phase-field deposition (lithiophile.deposition)
        MetricKind("deposit_roughness", "m", "um", 1e6, "RMS roughness of the deposit surface"),
        MetricKind("substrate_coverage", "1", "%", 100.0, "fraction of the substrate under Li"),
        MetricKind("nucleus_density", "1/m", "1/um", 1e-6, "nuclei per substrate length (2-D)"),
        MetricKind("protrusion_length", "m", "um", 1e6, "longest protrusion above the mean height"),
        MetricKind("deposit_thickness", "m", "um", 1e6, "deposited Li volume per substrate area"),
    ]
}


@dataclass(frozen=True)
class Conditions:
    """What a metric was measured at. Every field optional; SI units in the names.

    Attributes
    ----------
    current_density_A_m2
        Current density [A m-2] (0.5 mA cm-2 = 5 A m-2).
    areal_capacity_C_m2
        Areal capacity per half-cycle [C m-2] (1 mAh cm-2 = 3.6 C / 1e-4 m2 = 36 000 C m-2).
    temperature_K
        Temperature [K].
    time_s
        Elapsed test time at which the value holds ("after 300 h") [s].
    cycle
        Cycle at which the value holds ("after 100 cycles").
    rest_time_s
        Rest time before the measurement ("after 48 h rest") [s].
    cell
        Cell type: ``"Li|Li"``, ``"Li|Cu"``, ``"Li|LFP"``, ``"Li|NCM811"`` ...
    c_rate
        C-rate of a full cell.
    cutoff_V
        Stripping cut-off voltage (Li||Cu) [V].
    electrolyte
        Electrolyte as stated.
    extra
        Anything else stated, as (name, text) pairs.
    """

    current_density_A_m2: float | None = None
    areal_capacity_C_m2: float | None = None
    temperature_K: float | None = None
    time_s: float | None = None
    cycle: int | None = None
    rest_time_s: float | None = None
    cell: str | None = None
    c_rate: float | None = None
    cutoff_V: float | None = None
    electrolyte: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, float) and not math.isfinite(v):
                raise InputError(f"Conditions '{f.name}' must be a finite number. Got {v!r}.")
        for name in ("areal_capacity_C_m2", "temperature_K", "time_s", "rest_time_s", "c_rate"):
            v = getattr(self, name)
            if v is not None and v < 0:
                raise InputError(f"Conditions '{name}' must not be negative. Got {v!r}.")

    def si_text(self) -> str:
        """``"current_density_A_m2=5.0, cell=Li|Li"``: what is known, in SI, by field name."""
        from lithiophile.store import to_payload

        known = to_payload(self, drop_none=True).items()
        return ", ".join(f"{k}={v}" for k, v in known if v != [])

    def display(self) -> str:
        """``"after 300 h at 0.5 mA cm-2, 1 mAh cm-2, Li|Li"`` (only what is known)."""
        after = []
        if self.rest_time_s is not None:
            after.append(f"{_q(self.rest_time_s, 's')} rest")
        if self.time_s is not None:
            after.append(_q(self.time_s, "s"))
        if self.cycle is not None:
            after.append(f"{self.cycle} cycle" + ("" if self.cycle == 1 else "s"))
        at = []
        if self.current_density_A_m2 is not None:
            at.append(_q(abs(self.current_density_A_m2), "A/m^2"))
        if self.areal_capacity_C_m2 is not None:
            at.append(_q(self.areal_capacity_C_m2, "C/m^2"))
        extra = dict(self.extra)
        if "current_A" in extra:  # the area unknown: the current itself
            at.append(f"{_q(abs(float(extra['current_A'])), 'A')} (area unknown)")
        if "capacity_C" in extra:
            at.append(_q(float(extra["capacity_C"]), "C"))
        if self.c_rate is not None:
            at.append(f"{_g(self.c_rate)} C")
        if self.temperature_K is not None:
            at.append(f"{_g(self.temperature_K - 273.15)} °C")
        if self.cutoff_V is not None:
            at.append(f"cut-off {_g(self.cutoff_V)} V")
        parts = []
        if after:
            parts.append("after " + ", ".join(after))
        if at:
            parts.append("at " + ", ".join(at))
        text = " ".join(parts)
        tail = ", ".join(x for x in (self.cell, self.electrolyte) if x)
        return ", ".join(x for x in (text, tail) if x)


@dataclass(frozen=True)
class Metric:
    """One figure: value in the SI unit of its kind, conditions and definition.

    Attributes
    ----------
    metric
        A key of :data:`METRICS` (``"polarization"``, ``"li_cu_ce"`` ...).
    value
        In the SI unit of the metric (``METRICS[metric].unit``).
    conditions
        What it was measured at.
    definition
        The definition used, in words, with its window or threshold.
    variant
        Which of several published variants (``"peak"``, ``"plateau"``, ``"hysteresis"``,
        ``"reservoir"``, ``"aurbach"`` ...), or None.
    uncertainty
        One standard error in the same unit, when known.
    source
        Where it comes from: a file's sha256, or a citation key.
    notes
        Flags and caveats, one sentence each.
    """

    metric: str
    value: float
    conditions: Conditions = field(default_factory=Conditions)
    definition: str = ""
    variant: str | None = None
    uncertainty: float | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()

    #: :func:`lithiophile.store.to_payload` shows the SI unit beside the value.
    PAYLOAD_EXTRA = ("unit",)

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise InputError(
                f"Metric 'metric' must be one of {sorted(METRICS)}. Got {self.metric!r}."
            )
        if not isinstance(self.value, int | float) or not math.isfinite(self.value):
            raise InputError(
                f"Metric 'value' of {self.metric} must be a finite number. Got {self.value!r}."
            )

    @property
    def unit(self) -> str:
        """The SI unit of :attr:`value`."""
        return METRICS[self.metric].unit

    @property
    def display_value(self) -> float:
        """The value in the display unit (mV, %, ohm cm2 ...)."""
        return self.value * METRICS[self.metric].display_factor

    @property
    def display_unit(self) -> str:
        return METRICS[self.metric].display_unit

    def display(self) -> str:
        """``"polarization (plateau) 30 mV after 300 h at 0.5 mA cm-2, 1 mAh cm-2, Li|Li"``."""
        kind = METRICS[self.metric]
        name = kind.name.replace("_", " ")
        if self.variant:
            name += f" ({self.variant})"
        unit = f" {kind.display_unit}" if kind.display_unit else ""
        value = f"{_g(self.display_value)}{unit}"
        if self.uncertainty is not None:
            value = f"{_g(self.display_value)} ± {_g(self.uncertainty * kind.display_factor)}{unit}"
        cond = self.conditions.display()
        return f"{name} {value}" + (f" {cond}" if cond else "")

    def as_dict(self) -> dict[str, Any]:
        """Kept for callers not yet moved to :func:`lithiophile.store.to_payload` (the same)."""
        from lithiophile.store import to_payload

        out: dict[str, Any] = to_payload(self)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Metric:
        """Kept for callers not yet moved to :func:`as_metric` (the same)."""
        return as_metric(d)


def as_metric(m: Metric | Mapping[str, Any]) -> Metric:
    """A Metric record from itself or from its JSON form (:func:`lithiophile.store.to_payload`
    output: a stored result, ``--json`` output).

    >>> as_metric({"metric": "polarization", "value": 0.03, "unit": "V"}).display()
    'polarization 30 mV'
    """
    from lithiophile.store import from_payload

    if isinstance(m, Metric):
        return m
    out: Metric = from_payload(Metric, m)
    return out


def _g(x: float) -> str:
    """A number as people write it: 3 significant digits, no trailing zeros."""
    return f"{x:.3g}"


def _q(value_si: float, si_unit: str) -> str:
    """``"0.5 mA cm-2"``: a quantity in its display unit."""
    value, unit = display_value(value_si, si_unit)
    return f"{_g(value)} {unit}"
