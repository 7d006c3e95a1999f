"""Nucleation and growth overpotential of the first galvanostatic plating on a substrate.

In the first plating the voltage falls below 0 V to a sharp minimum (nucleation) and relaxes
to a flatter plateau (growth)::

    eta_nuc = |V_min| - |V_plateau|,   eta_growth = |V_plateau|

The SEI-formation slope above 0 V is ignored; ``V_plateau`` is the median over a stated window
of the time between the minimum and the end of the plating. When the points around the minimum
are more than ``max_dt_s`` apart the dip is not resolved: a DataQualityWarning is issued and no
number is returned.

References
----------
Yan, K. et al. Nat. Energy 2016, 1, 16010; Pei, A. et al. Nano Lett. 2017, 17, 1132.

Units: SI (s, V).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from lithiophile import cite
from lithiophile.echem.citations import PEI, YAN
from lithiophile.echem.context import TestContext
from lithiophile.echem.result import Event
from lithiophile.echem.segments import Segmentation
from lithiophile.errors import CalculationFailed, DataQualityWarning
from lithiophile.metrics import Conditions, Metric

__all__ = ["NucleationResult", "nucleation_overpotential"]

#: Largest spacing of points around the minimum that resolves a nucleation dip [s].
MAX_DT_S = 1.0


@dataclass(frozen=True)
class NucleationResult:
    """Figures of the first plating; ``metrics`` is empty when the dip is not resolved."""

    metrics: tuple[Metric, ...]
    events: tuple[Event, ...]
    notes: tuple[str, ...]


def nucleation_overpotential(
    seg: Segmentation,
    ctx: TestContext,
    *,
    half_cycle: int,
    cell_type: str,
    window: tuple[float, float] = (0.25, 0.75),
    max_dt_s: float = MAX_DT_S,
) -> NucleationResult:
    """eta_nuc and eta_growth of the plating half-cycle ``half_cycle`` (1-based).

    Parameters
    ----------
    seg
        The test's segmentation.
    ctx
        Area, temperature and source of the test.
    half_cycle
        The plating half-cycle to analyse (normally the first one).
    cell_type
        ``"Li|Cu"``, ``"Li|Li"`` ... for the conditions.
    window
        Fractions of the time from the minimum to the end of the plating over which the
        growth plateau is the median [-].
    max_dt_s
        Spacing of points around the minimum above which the dip counts as unresolved [s].

    Raises
    ------
    CalculationFailed
        When no point of the plating lies below 0 V (no Li deposition seen).
    """
    row = seg.half_cycles.row(half_cycle - 1, named=True)
    t, y, sign = _plating_signal(seg, row, half_cycle)
    k = int(np.argmax(y))
    t_min = float(t[k])
    dt = _spacing_around(t, k)
    if dt > max_dt_s:
        note = (
            f"nucleation overpotential not computed: the points around the voltage minimum "
            f"(t = {t_min - ctx.t0_s:.4g} s) are {dt:.3g} s apart, more than {max_dt_s:g} s, "
            "too coarse to resolve the nucleation dip; record the first plating faster"
        )
        warnings.warn(note, DataQualityWarning, stacklevel=2)
        return NucleationResult((), (), (note,))
    plateau = _growth_plateau(t, y, t_min, window, half_cycle)
    v_min = float(y[k])
    cite.register(YAN)
    cite.register(PEI)
    cond = ctx.conditions(
        cell=cell_type,
        abs_current_A=abs(float(row["current_A"])),
        time_s=t_min - ctx.t0_s,
        cycle=1,
    )
    metrics = _overpotentials(v_min, plateau, cond, window, ctx.source)
    event = Event(
        "nucleation",
        t_min - ctx.t0_s,
        half_cycle=half_cycle,
        cycle=1,
        detail=f"voltage minimum {sign * v_min:+.4g} V; growth plateau {sign * plateau:+.4g} V",
    )
    return NucleationResult(metrics, (event,), ())


def _plating_signal(
    seg: Segmentation, row: dict[str, Any], half_cycle: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """Time [s], overpotential ``y`` [V] (> 0 below 0 V vs Li; -inf where not finite) and
    current sign of the plating half-cycle ``row``.

    Raises
    ------
    CalculationFailed
        When no point lies below 0 V (no Li deposition seen).
    """
    a, b = int(row["row_start"]), int(row["row_end"])
    t = seg.time_s[a:b]
    sign = 1.0 if row["current_A"] > 0 else -1.0
    y = seg.voltage_V[a:b] * sign  # > 0 where the electrode is below 0 V vs Li (plating)
    y = np.where(np.isfinite(y), y, -np.inf)
    if not (y > 0).any():
        raise CalculationFailed(
            f"the plating half-cycle {half_cycle} never goes below 0 V vs Li (its voltage "
            f"ends at {row['v_last_V']:.3g} V): no Li nucleation to measure"
        )
    return t, y, sign


def _spacing_around(t: np.ndarray, k: int) -> float:
    """Largest time step between point ``k`` and its neighbours [s] (inf for a lone point)."""
    neighbours = np.diff(t[max(0, k - 1) : k + 2])
    return float(neighbours.max()) if neighbours.size else np.inf


def _growth_plateau(
    t: np.ndarray,
    y: np.ndarray,
    t_min: float,
    window: tuple[float, float],
    half_cycle: int,
) -> float:
    """Median of ``y`` over ``window`` (fractions of the time from ``t_min`` to the end).

    Raises
    ------
    CalculationFailed
        When fewer than 3 points lie in the window.
    """
    span = float(t[-1]) - t_min
    lo, hi = t_min + window[0] * span, t_min + window[1] * span
    inside = (t >= lo) & (t <= hi) & np.isfinite(y)
    if inside.sum() < 3:
        raise CalculationFailed(
            f"the growth plateau after the nucleation minimum of half-cycle {half_cycle} has "
            f"{int(inside.sum())} points in its window; the plating ends too soon after the dip"
        )
    return float(np.median(y[inside]))


def _overpotentials(
    v_min: float,
    plateau: float,
    cond: Conditions,
    window: tuple[float, float],
    source: str | None,
) -> tuple[Metric, Metric]:
    """eta_nuc = |V_min| - |V_plateau| and eta_growth = |V_plateau| as Metric records."""
    w = f"{window[0]:.0%}-{window[1]:.0%} of the time from the minimum to the end of the plating"
    return (
        Metric(
            "nucleation_overpotential",
            v_min - plateau,
            cond,
            definition=f"|V_min| - |V_plateau| of the first plating; V_plateau = median over {w}",
            source=source,
        ),
        Metric(
            "growth_overpotential",
            plateau,
            cond,
            definition=f"|V_plateau| of the first plating, median over {w}",
            source=source,
        ),
    )
