"""What one analysis of a cycling file returns: options in, a frozen :class:`CellAnalysis` out.

Values are SI floats (s, V, A, C, m^2); display units only in the CLI.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import polars as pl

from lithiophile.errors import InputError
from lithiophile.metrics import Metric
from lithiophile.store import to_payload

__all__ = ["PROTOCOLS", "AnalysisOptions", "CellAnalysis", "Event"]

#: Protocols ``analyze`` knows; ``"auto"`` detects one of the others from the data.
PROTOCOLS: tuple[str, ...] = ("li-cu", "li-cu-reservoir", "symmetric", "ccd", "nucleation")


@dataclass(frozen=True)
class AnalysisOptions:
    """How to analyse a file.

    Attributes
    ----------
    protocol
        ``"auto"`` or one of :data:`PROTOCOLS`.
    area_m2
        Electrode area [m^2]; overrides the file's header. Needed for areal figures.
    ce_threshold
        Li||Cu "cycle life": first cycle whose CE falls below this fraction (default 0.8).
    polarization_limit_V
        Symmetric cell fails when |V| exceeds this [V] (default 1 V).
    short_V
        |V| below which a cell counts as short-circuited [V] (default 5 mV), unless 20 % of
        the cell's first plateau is larger.
    plateau_window
        Fractions of a half-cycle's duration between which the plateau median is taken.
    cutoff_min_V
        A stripping half-cycle that ends above this |V| [V] ends on a cut-off (Li||Cu).
    ce_ranges
        Extra cycle ranges (first, last), 1-based and inclusive, over which to average the
        Li||Cu CE (besides all cycles, cycles 2-N and the last 10).
    current_A, current_density_A_m2
        The applied current [A] (or current density [A m^-2], with an area) of a file that
        records only time and voltage; the sign of each half-cycle comes from the voltage.
        Refused for a file that records its current.
    """

    protocol: str = "auto"
    area_m2: float | None = None
    ce_threshold: float = 0.8
    polarization_limit_V: float = 1.0
    short_V: float = 0.005
    plateau_window: tuple[float, float] = (0.25, 0.75)
    cutoff_min_V: float = 0.3
    ce_ranges: tuple[tuple[int, int], ...] = ()
    current_A: float | None = None
    current_density_A_m2: float | None = None

    def __post_init__(self) -> None:
        if self.protocol != "auto" and self.protocol not in PROTOCOLS:
            raise InputError(
                f"The 'protocol' option must be 'auto' or one of {', '.join(PROTOCOLS)}. "
                f"Got {self.protocol!r}."
            )
        if self.area_m2 is not None and not (math.isfinite(self.area_m2) and self.area_m2 > 0):
            raise InputError(
                f"The 'area' option must be a positive area such as \"1.13 cm^2\". "
                f"Got {self.area_m2!r} m^2."
            )
        if not 0 < self.ce_threshold <= 1:
            raise InputError(
                "The 'ce_threshold' option (--ce-threshold) must be a fraction in (0, 1] "
                f"such as 0.8. Got {self.ce_threshold!r}."
            )
        for name in ("polarization_limit_V", "short_V", "cutoff_min_V"):
            if not getattr(self, name) > 0:
                raise InputError(
                    f"The '{name}' option must be a positive voltage. Got {getattr(self, name)!r}."
                )
        for pair in self.ce_ranges:
            if len(pair) != 2 or not 1 <= pair[0] <= pair[1]:
                raise InputError(
                    "The 'ce_ranges' option (--ce-range) must hold cycle ranges (first, last) with "
                    f"1 <= first <= last, such as (10, 50). Got {pair!r}."
                )
        for name, flag, example in (
            ("current_A", "current", '"0.4 mA"'),
            ("current_density_A_m2", "current-density", '"0.5 mA cm-2"'),
        ):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise InputError(
                    f"The '{flag}' option must be a positive applied current such as {example} "
                    f"(its magnitude; the sign comes from the voltage). Got {value!r}."
                )
        if self.current_A is not None and self.current_density_A_m2 is not None:
            raise InputError("give either the 'current' or the 'current-density' option, not both")
        lo, hi = self.plateau_window
        if not 0 <= lo < hi <= 1:
            raise InputError(
                "The 'plateau_window' option must be two fractions 0 <= lo < hi <= 1 such as "
                f"(0.25, 0.75). Got {self.plateau_window!r}."
            )

    def key(self) -> str:
        """Canonical JSON of the options (:func:`lithiophile.store.to_payload`), part of the
        store key."""
        return json.dumps(to_payload(self), sort_keys=True)


@dataclass(frozen=True)
class Event:
    """Something that happened at a time: a soft short, the failure, the nucleation dip.

    Attributes
    ----------
    kind
        ``"soft-short"``, ``"failure"``, ``"nucleation"``, ``"no-failure"``.
    time_s
        Test time of the event [s] (start of it for events with a duration).
    duration_s
        How long it lasted [s], when it has a duration.
    half_cycle, cycle
        Where it happened (1-based), when known.
    detail
        In words: the criterion met and the values found.
    """

    kind: str
    time_s: float
    duration_s: float | None = None
    half_cycle: int | None = None
    cycle: int | None = None
    detail: str = ""


@dataclass(frozen=True, eq=False)
class CellAnalysis:
    """The figures of one cycling test.

    It crosses the store and process boundaries through :func:`lithiophile.store.to_payload`
    and :func:`lithiophile.store.from_payload` (frames as ``{column: values}``, NaN as null).

    Attributes
    ----------
    protocol
        The protocol analysed (one of :data:`PROTOCOLS`).
    detection
        How the protocol was chosen: what auto-detection found, or that it was given.
    metrics
        The figures, each a :class:`~lithiophile.metrics.Metric` with its conditions.
    half_cycles
        One row per galvanostatic half-cycle (time, current, capacity, peak/plateau |V| ...).
    cycles
        One row per cycle (CE for Li||Cu, hysteresis for symmetric cells ...).
    events
        Soft shorts, failure, nucleation dip, with their times.
    flags
        Warning signs found (``"ce-above-100"``, ``"area-unknown"`` ...).
    notes
        Decisions and caveats, one sentence each.
    source, sha256
        The file analysed and its content hash (None for data made in memory).
    options
        The options used.
    current
        Where the current came from: ``"measured"``, ``"supplied"`` (the user's, for a
        voltage-only file) or ``"none"`` (voltage-only; figures needing it refused).
    provenance
        What was read, assumed or repaired, by the reader and by the analysis, one sentence
        each (sign inferred, area from the header or the option, charge integrated, rests
        bridged, current supplied ...).
    warnings
        Data-quality warnings raised during the analysis.
    citations
        Keys of the works the analysis used (:mod:`lithiophile.cite`).
    """

    protocol: str
    detection: str
    metrics: tuple[Metric, ...]
    half_cycles: pl.DataFrame
    cycles: pl.DataFrame
    events: tuple[Event, ...] = ()
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    source: str | None = None
    sha256: str | None = None
    options: AnalysisOptions = field(default_factory=AnalysisOptions)
    current: str = "measured"
    provenance: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()

    def metric(self, name: str, variant: str | None = None) -> Metric:
        """The first metric of kind ``name`` (and ``variant`` when given)."""
        for m in self.metrics:
            if m.metric == name and (variant is None or m.variant == variant):
                return m
        have = sorted({f"{m.metric}/{m.variant}" for m in self.metrics})
        raise KeyError(f"no metric {name!r} variant {variant!r}; have {have}")

    def find(self, name: str, variant: str | None = None) -> list[Metric]:
        """Every metric of kind ``name`` (and ``variant`` when given)."""
        return [
            m
            for m in self.metrics
            if m.metric == name and (variant is None or m.variant == variant)
        ]

    @property
    def failure(self) -> Event | None:
        """The failure event, or None when the cell did not fail within the data."""
        return next((e for e in self.events if e.kind == "failure"), None)
