"""Li||Li symmetric cells: polarization per half-cycle, failure, soft shorts.

Per half-cycle: peak |V|, plateau |V| (median over a stated window of the half-cycle's
duration) and, per cycle, the hysteresis (stripping voltage minus plating voltage, about twice
the overpotential); papers quote any of the three, so all are reported and labelled.

Failure (the first of), as defined in docs/methods.md, "Shorts":

* hard short: from some record on, |V| stays below ``min(max(short_V, 0.2 p), 0.5 p)`` (p the
  smallest plateau before) until the end of the data, for at least half of a half-cycle and
  3 records (an abrupt, lasting collapse; a polarization that falls as the electrodes
  activate is not one); timed at the first record showing it; checked for being ohmic (V/I
  constant: voltage proportional to current, no time dependence within a half-cycle);
* polarization over the limit: |V| reaches ``polarization_limit_V`` (default 1 V).

A test that ends without either is reported as "no failure within X h", not as a lifetime.

Soft shorts (Menkin et al. 2023): a drop of |V| below half the half-cycle's plateau, after the
half-cycle's voltage has reached half its plateau with the sign of its current (the passage
through 0 V after a reversal is not one), for at least 2 records, recovering in the same
half-cycle; each is an event with its time.

Everything is vectorised over the rows; loops run over half-cycles or events only.

References
----------
Menkin, S. et al. Faraday Discuss. 2023 (soft shorts).

Units: SI (s, V, A, C).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from lithiophile import cite
from lithiophile.echem.citations import MENKIN
from lithiophile.echem.context import TestContext
from lithiophile.echem.result import AnalysisOptions, Event
from lithiophile.echem.segments import Segmentation
from lithiophile.metrics import Metric

__all__ = [
    "Failure",
    "SymmetricResult",
    "detect_failure",
    "polarization_at",
    "soft_shorts",
    "symmetric_cell",
]

CELL = "Li|Li"
#: Fraction of the first plateau below which |V| counts as collapsed.
COLLAPSE_FRACTION = 0.2
#: The absolute short threshold stays below this fraction of the smallest plateau before.
FLOOR_CAP = 0.5
#: A soft short drops |V| below this fraction of its half-cycle's plateau.
SOFT_SHORT_FRACTION = 0.5
#: A soft short lasts at least this many consecutive records.
SOFT_SHORT_POINTS = 2
#: A hard short lasts at least this fraction of a (median) half-cycle ...
HARD_SHORT_HALF = 0.5
#: ... and this many records.
HARD_SHORT_POINTS = 3
#: Where the definitions of shorts are written down, cited in messages.
METHODS_REF = "definition: docs/methods.md, 'Shorts'"


@dataclass(frozen=True)
class Failure:
    """How and when a cell failed (``criterion`` ``"none"`` when it did not)."""

    criterion: str
    row: int | None
    time_s: float
    half_cycle: int | None
    detail: str

    @property
    def failed(self) -> bool:
        return self.criterion != "none"


@dataclass(frozen=True)
class SymmetricResult:
    metrics: tuple[Metric, ...]
    half_cycles: pl.DataFrame
    cycles: pl.DataFrame
    events: tuple[Event, ...]
    failure: Failure
    notes: tuple[str, ...]


def _row_half(seg: Segmentation) -> np.ndarray:
    """Half-cycle number (1-based) of each row, 0 for rows outside half-cycles."""
    of_segment = np.zeros(seg.segments.height, dtype=np.int64)
    of_segment[seg.half_cycles.get_column("segment").to_numpy()] = seg.half_cycles.get_column(
        "half_cycle"
    ).to_numpy()
    return of_segment[seg.seg]


def _collapse_threshold(half: pl.DataFrame, short_V: float) -> tuple[float, int]:
    """|V| below which the cell counts as collapsed, and the half-cycle (1-based) from which
    to look for the collapse.

    The first half-cycle h from which every later plateau stays below
    ``min(max(short_V, 0.2 x p), 0.5 x p)``, p the smallest plateau before h: an abrupt,
    lasting collapse (to a fifth of what the cell showed, or below ``short_V`` where that is
    under half of it), which
    a polarization that falls slowly as the electrodes activate never is. The collapse may
    start inside the half-cycle before h, so the search starts there.
    """
    p = half.get_column("plateau_abs_V").to_numpy()
    if p.size == 0:
        return short_V, 1
    before = np.concatenate(([p[0]], np.minimum.accumulate(p)[:-1]))
    # the absolute floor short_V never reaches half the cell's own healthy plateau: a cell
    # polarized by a few mV (a solid electrolyte at uA) has not "collapsed" below 5 mV
    thr = np.minimum(np.maximum(short_V, COLLAPSE_FRACTION * before), FLOOR_CAP * before)
    later_max = np.maximum.accumulate(p[::-1])[::-1]
    cand = np.flatnonzero(later_max < thr)
    if cand.size == 0:  # only a collapse inside the last half-cycle is left to find
        low = float(np.min(p))
        return min(max(short_V, COLLAPSE_FRACTION * low), FLOOR_CAP * low), p.size
    h = int(cand[0])
    return float(thr[h]), max(1, h)  # h is 0-based: half-cycle h is the one before h + 1


def _hard_short(
    seg: Segmentation, tail: np.ndarray, threshold: float, span: float, h: int, ohmic_check: bool
) -> Failure:
    """The hard short starting at the first record of ``tail``, with its ohmic check."""
    t = seg.time_s
    if not ohmic_check:
        return Failure(
            "hard-short",
            int(tail[0]),
            float(t[tail[0]]) - seg.t0,
            h,
            f"|V| collapsed below {threshold * 1e3:.3g} mV at the first record showing it and "
            f"stayed there for the remaining {span / 3600:.4g} h; without a current the "
            f"response cannot be checked for being ohmic ({METHODS_REF})",
        )
    i = seg.current_A[tail]
    r = seg.voltage_V[tail] / np.where(i != 0, i, np.nan)
    r = r[np.isfinite(r)]
    med = float(np.median(r)) if r.size else np.nan
    spread = float(np.subtract(*np.percentile(r, [75, 25]))) if r.size else np.inf
    ohmic = med > 0 and spread < 0.5 * med
    what = (
        f"ohmic, R = {med:.4g} ohm (V/I interquartile spread {spread:.3g} ohm)"
        if ohmic
        else f"not clearly ohmic (V/I median {med:.4g} ohm, spread {spread:.3g} ohm)"
    )
    return Failure(
        "hard-short",
        int(tail[0]),
        float(t[tail[0]]) - seg.t0,
        h,
        f"|V| collapsed below {threshold * 1e3:.3g} mV at the first record showing it and "
        f"stayed there for the remaining {span / 3600:.4g} h of cycling; response {what} "
        f"({METHODS_REF})",
    )


def detect_failure(
    seg: Segmentation, opts: AnalysisOptions, row_half: np.ndarray, ohmic_check: bool = True
) -> Failure:
    """The first failure (hard short or polarization limit) of a symmetric cell, or none."""
    half = seg.half_cycles
    rows = np.flatnonzero(row_half > 0)
    t_end_all = float(seg.time_s[-1]) - seg.t0
    if rows.size == 0:
        return Failure("none", None, t_end_all, None, "no half-cycles")
    v = np.abs(seg.voltage_V[rows])
    short: Failure | None = None
    unconfirmed = ""
    threshold, from_half = _collapse_threshold(half, opts.short_V)
    low = np.where(np.isfinite(v), v < threshold, False) & (row_half[rows] >= from_half)
    stays = np.logical_and.accumulate(low[::-1])[::-1]
    if stays.any():
        f = int(np.argmax(stays))
        tail = rows[f:]
        t = seg.time_s
        durations = half.get_column("duration_s").to_numpy()
        span = float(t[tail[-1]] - t[tail[0]])
        need = HARD_SHORT_HALF * float(np.median(durations))
        if tail.size >= HARD_SHORT_POINTS and span >= need:
            short = _hard_short(seg, tail, threshold, span, int(row_half[tail[0]]), ohmic_check)
        else:
            unconfirmed = (
                f"; |V| collapsed below {threshold * 1e3:.3g} mV in the last {tail.size} points "
                f"(from {(float(t[tail[0]]) - seg.t0) / 3600:.4g} h, {span:.4g} s), too few to "
                f"confirm a hard short (it must last {HARD_SHORT_HALF:.0%} of a half-cycle, "
                f"{need:.4g} s, and {HARD_SHORT_POINTS} points; {METHODS_REF})"
            )
    over = np.flatnonzero(np.where(np.isfinite(v), v >= opts.polarization_limit_V, False))
    limit: Failure | None = None
    if over.size:
        k = rows[int(over[0])]
        limit = Failure(
            "polarization-limit",
            int(k),
            float(seg.time_s[k]) - seg.t0,
            int(row_half[k]),
            f"|V| reached {abs(seg.voltage_V[k]):.4g} V, over the limit of "
            f"{opts.polarization_limit_V:g} V",
        )
    found = [x for x in (short, limit) if x is not None]
    if found:
        return min(found, key=lambda x: x.time_s)
    return Failure(
        "none", None, t_end_all, None, f"no failure within {t_end_all / 3600:.4g} h{unconfirmed}"
    )


def _settled(seg: Segmentation, row_half: np.ndarray, plateau: np.ndarray) -> np.ndarray:
    """Per row: the half-cycle's voltage has already reached half its plateau with the sign of
    its current (the reversal transient at the half-cycle's start is over)."""
    sign = np.concatenate(([0.0], np.sign(seg.half_cycles.get_column("current_A").to_numpy())))
    with np.errstate(invalid="ignore"):
        reached = (row_half > 0) & (
            seg.voltage_V * sign[row_half] >= SOFT_SHORT_FRACTION * plateau[row_half]
        )
    count = np.cumsum(reached)
    first_row = np.concatenate(([0], seg.half_cycles.get_column("row_start").to_numpy()))
    before = np.where(first_row > 0, count[np.maximum(first_row - 1, 0)], 0)
    return (count - before[row_half]) > 0


def soft_shorts(
    seg: Segmentation, row_half: np.ndarray, before_row: int | None, cycle_of_half: np.ndarray
) -> list[Event]:
    """Sudden, reversible drops of |V| inside half-cycles (before the failure row)."""
    half = seg.half_cycles
    n = seg.time_s.size
    if half.height == 0:
        return []
    plateau = np.concatenate(([np.nan], half.get_column("plateau_abs_V").to_numpy()))
    start = np.concatenate(([0.0], half.get_column("t_start_s").to_numpy()))
    dur = np.concatenate(([1.0], half.get_column("duration_s").to_numpy()))
    t = seg.time_s
    pos = (t - start[row_half]) / np.where(dur[row_half] > 0, dur[row_half], 1.0)
    interior = (row_half > 0) & (pos > 0.02) & (pos < 0.98) & _settled(seg, row_half, plateau)
    if seg.flowing is not None:
        interior &= seg.flowing
    if before_row is not None:
        interior[before_row:] = False
    with np.errstate(invalid="ignore"):
        low = interior & (np.abs(seg.voltage_V) < SOFT_SHORT_FRACTION * plateau[row_half])
    if not low.any():
        return []
    edges = np.diff(np.concatenate(([0], low.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    events = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        h = int(row_half[a])
        recovered = b < n and int(row_half[b]) == h and interior[b]
        if not recovered or b - a < SOFT_SHORT_POINTS:
            continue
        v_min = float(np.nanmin(np.abs(seg.voltage_V[a:b])))
        events.append(
            Event(
                "soft-short",
                float(t[a]) - seg.t0,
                duration_s=float(t[b] - t[a]),
                half_cycle=h,
                cycle=int(cycle_of_half[h]),
                detail=(
                    f"|V| dropped from the {plateau[h] * 1e3:.4g} mV plateau to "
                    f"{v_min * 1e3:.4g} mV and recovered ({METHODS_REF})"
                ),
            )
        )
    if events:
        cite.register(MENKIN)
    return events


def _cycle_table(half: pl.DataFrame, t0: float) -> pl.DataFrame:
    """One row per cycle (two consecutive half-cycles)."""
    h = half.with_columns(((pl.col("half_cycle") - 1) // 2 + 1).alias("cycle"))
    return (
        h.group_by("cycle", maintain_order=True)
        .agg(
            (pl.col("t_end_s").max() - t0).alias("t_end_s"),
            pl.col("plateau_abs_V").mean().alias("plateau_V"),
            pl.col("peak_abs_V").max().alias("peak_V"),
            (
                pl.col("plateau_V").filter(pl.col("current_A") > 0).first()
                - pl.col("plateau_V").filter(pl.col("current_A") < 0).first()
            ).alias("hysteresis_V"),
            pl.col("abs_current_A").median().alias("abs_current_A"),
            pl.col("capacity_C").median().alias("capacity_C"),
            pl.len().alias("half_cycles"),
        )
        .filter(pl.col("half_cycles") == 2)
    )


def _half_cycle_polarization(
    row: dict[str, Any], ctx: TestContext, cell_type: str, window: str
) -> list[Metric]:
    """Plateau and peak |V| of one half-cycle (a test without a complete cycle)."""
    cond = ctx.conditions(
        cell=cell_type,
        abs_current_A=row["abs_current_A"],
        capacity_C=row["capacity_C"],
        time_s=row["t_end_s"] - ctx.t0_s,
        cycle=1,
    )
    out = []
    for variant, column, definition in (
        ("plateau", "plateau_abs_V", f"{window} (first half-cycle)"),
        ("peak", "peak_abs_V", "max |V| over the first half-cycle"),
    ):
        value = row[column]
        if value is not None and np.isfinite(value):
            out.append(
                Metric(
                    "polarization",
                    float(value),
                    cond,
                    definition=definition,
                    variant=variant,
                    source=ctx.source,
                    notes=("first half-cycle",),
                )
            )
    return out


def _cycle_polarization(
    cycles: pl.DataFrame, failed: bool, ctx: TestContext, cell_type: str, window: str
) -> list[Metric]:
    """Plateau, peak and hysteresis of the first cycle and of the last (before the failure)."""
    picks: list[tuple[str, dict[str, Any]]] = [("first cycle", cycles.row(0, named=True))]
    if cycles.height > 1:
        label = "before failure" if failed else "last cycle"
        picks.append((label, cycles.row(cycles.height - 1, named=True)))
    metrics = []
    for when, row in picks:
        cond = ctx.conditions(
            cell=cell_type,
            abs_current_A=row["abs_current_A"],
            capacity_C=row["capacity_C"],
            time_s=row["t_end_s"],
            cycle=int(row["cycle"]),
        )
        for variant, column, definition in (
            ("plateau", "plateau_V", f"mean over the cycle's two half-cycles of the {window}"),
            ("peak", "peak_V", "max |V| over the cycle's two half-cycles"),
            (
                "hysteresis",
                "hysteresis_V",
                f"stripping minus plating voltage of the cycle ({window})",
            ),
        ):
            value = row[column]
            if value is None or not np.isfinite(value):
                continue
            metrics.append(
                Metric(
                    "polarization",
                    float(value),
                    cond,
                    definition=f"{definition}; {when}",
                    variant=variant,
                    source=ctx.source,
                    notes=(when,),
                )
            )
    return metrics


def _failure_figures(
    failure: Failure, half: pl.DataFrame, cycle_of_half: np.ndarray, ctx: TestContext, cell: str
) -> tuple[list[Metric], Event]:
    """Cycle life (time and cycles) by the criterion that ended it, and the failure event."""
    h = failure.half_cycle or 1
    cond = ctx.conditions(
        cell=cell,
        abs_current_A=half.row(h - 1, named=True)["abs_current_A"],
        capacity_C=float(half.get_column("capacity_C").median()),  # type: ignore[arg-type]
        time_s=failure.time_s,
        cycle=int(cycle_of_half[h]),
    )
    definition = f"time and cycle at which the cell failed by {failure.criterion}"
    metrics = [
        Metric(
            name,
            value,
            cond,
            definition=definition,
            variant=failure.criterion,
            source=ctx.source,
            notes=(failure.detail,),
        )
        for name, value in (
            ("cycle_life_time", failure.time_s),
            ("cycle_life_cycles", float(cycle_of_half[h])),
        )
    ]
    event = Event(
        "failure",
        failure.time_s,
        half_cycle=h,
        cycle=int(cycle_of_half[h]),
        detail=f"{failure.criterion}: {failure.detail}",
    )
    return metrics, event


def symmetric_cell(
    seg: Segmentation, ctx: TestContext, opts: AnalysisOptions, *, cell_type: str = CELL
) -> SymmetricResult:
    """Polarization (peak, plateau, hysteresis), failure and soft shorts of a Li||Li cell."""
    half = seg.half_cycles
    row_half = _row_half(seg)
    failure = detect_failure(seg, opts, row_half, ohmic_check=ctx.current != "none")
    cycle_of_half = np.concatenate(([0], (np.arange(half.height) // 2 + 1)))
    events = soft_shorts(seg, row_half, failure.row, cycle_of_half)
    cutoff_t = failure.time_s + ctx.t0_s if failure.failed else np.inf
    healthy = half.filter(pl.col("t_end_s") <= cutoff_t)
    cycles = _cycle_table(healthy, ctx.t0_s)
    lo, hi = opts.plateau_window
    window = f"median |V| over {lo:.0%}-{hi:.0%} of each half-cycle's duration"
    metrics: list[Metric] = []
    notes: list[str] = []
    if cycles.height == 0 and healthy.height:
        metrics += _half_cycle_polarization(healthy.row(0, named=True), ctx, cell_type, window)
        notes.append(
            "no complete cycle (plating and stripping) before the end or the failure: "
            "polarization of the first half-cycle only, no hysteresis"
        )
    elif cycles.height == 0:
        notes.append("no complete cycle before the failure: no polarization reported")
    else:
        metrics += _cycle_polarization(cycles, failure.failed, ctx, cell_type, window)
    if failure.failed:
        life, event = _failure_figures(failure, half, cycle_of_half, ctx, cell_type)
        metrics += life
        events.append(event)
    else:
        events.append(Event("no-failure", failure.time_s, detail=failure.detail))
        notes.append(failure.detail + " (not a lifetime)")
    if any(e.kind == "soft-short" for e in events):
        n_soft = sum(e.kind == "soft-short" for e in events)
        notes.append(f"{n_soft} soft-short events (sudden, reversible drops of |V|)")
    table = half.with_columns(
        (pl.col("t_start_s") - ctx.t0_s).alias("t_start_s"),
        (pl.col("t_end_s") - ctx.t0_s).alias("t_end_s"),
        ((pl.col("half_cycle") - 1) // 2 + 1).alias("cycle"),
    )
    return SymmetricResult(tuple(metrics), table, cycles, tuple(events), failure, tuple(notes))


def polarization_at(analysis: Any, time_s: float, variant: str = "plateau") -> Metric:
    """Polarization of the last complete cycle that ends by ``time_s`` [s] of a symmetric-cell
    :class:`~lithiophile.echem.CellAnalysis`, to compare with "x mV after y h" in the
    literature.

    Parameters
    ----------
    analysis
        The result of analysing a symmetric cell.
    time_s
        Test time [s].
    variant
        ``"plateau"``, ``"peak"`` or ``"hysteresis"``.

    Raises
    ------
    InputError
        For another protocol, an unknown variant, or a time before the first cycle ends.
    """
    from lithiophile.errors import InputError

    column = {"plateau": "plateau_V", "peak": "peak_V", "hysteresis": "hysteresis_V"}
    if variant not in column:
        raise InputError(
            f"variant must be one of {sorted(column)} for polarization_at. Got {variant!r}."
        )
    if analysis.protocol != "symmetric":
        raise InputError(
            f"polarization_at needs a symmetric-cell analysis; this one is {analysis.protocol}"
        )
    cycles = analysis.cycles.filter(pl.col("t_end_s") <= time_s)
    if cycles.height == 0:
        raise InputError(
            f"no cycle of the test ends by {time_s / 3600:.4g} h; the first ends at "
            f"{analysis.cycles.get_column('t_end_s').min() / 3600:.4g} h"
        )
    row = cycles.row(cycles.height - 1, named=True)
    template = analysis.metric("polarization", variant)
    cond = dataclasses.replace(
        template.conditions, time_s=float(row["t_end_s"]), cycle=int(row["cycle"])
    )
    return Metric(
        "polarization",
        float(row[column[variant]]),
        cond,
        definition=template.definition.rsplit(";", 1)[0] + f"; last cycle ending by "
        f"{time_s / 3600:.4g} h",
        variant=variant,
        source=template.source,
    )
