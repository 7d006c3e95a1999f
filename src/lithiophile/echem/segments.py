"""Segmentation of a cycling test into rests and galvanostatic half-cycles, from the data alone.

Robust to what real instruments write (see ``docs/methods.md``, "Steps and half-cycles"):

* a point's *sign class* is negative, rest or positive current (rest: ``|I|`` at or below
  :func:`~lithiophile.io.steps.rest_tolerance_A`); impedance blocks (``step_kind == "eis"``)
  and declared open-circuit periods are their own classes;
* a short interruption (a rest or open-circuit period shorter than :data:`BRIDGE` of both
  neighbours, and no impedance block) inside a run of one direction is bridged: the two parts
  are one half-cycle, the interruption's points count for time and charge only;
* within one direction a new segment starts where the *set point* changes: the running median
  of ``|I|`` over :data:`MEDIAN_ROWS` points moves by more than :data:`JUMP`, so the noise of a
  current range's bottom (+-10 %) never splits a step while a real step of the set point does;
* the control of a half-cycle is constant current (``cc``) when the robust spread of ``|I|``
  over its plateau window (1.4826 MAD / median) is below :data:`CC_SPREAD` and its median does
  not drift by more than :data:`CC_DRIFT` from the first to the last third of the window; a
  potentiostatic hold (``cv``) when not and the voltage stays within 5 mV; a ``ramp`` else. The
  file's own control column (BioLogic ``mode``: 1 galvanostatic, 2 potentiostatic) or ``cv``
  step kinds decide where present.

Charge of a segment: the change of the instrument's own charge counter over it (from the
record before it to its last record) where the reader says ``charge_C`` is that counter
(it includes what the records' sampling misses), cross-checked with the integral of the
current (:func:`interval_charge`); else that integral: trapezoids between its own records, plus the
interval from the previous record to its first record, at its own first current, when that
gap is one sampling interval (0.5 to 1.5 of the step's regular interval, the time-weighted
median of its intervals: a clock that runs
across steps records at the end of each interval, so that interval belongs to the step the
record reports). A much shorter gap is an instrument's transition record (the step starts at
its first record); a longer one an interruption (no charge is invented; noted).

Every statistic is vectorised (``np.*.reduceat`` and polars group-bys); loops run over segments
only. Units: SI (s, V, A, C).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from lithiophile.io.celldata import CellData
from lithiophile.io.robust import running_median5
from lithiophile.io.steps import KIND_CODE, rest_tolerance_A

__all__ = ["Segmentation", "interval_charge", "segment"]

#: Relative change of the running median of |I| that starts a new segment (set point change).
JUMP = 0.2
#: Points in the running median of |I|.
MEDIAN_ROWS = 5
#: Robust relative spread of |I| (1.4826 MAD / median) below which a half-cycle is galvanostatic.
CC_SPREAD = 0.15
#: Relative drift of the median |I| between the first and last third of the plateau window
#: above which a half-cycle is not galvanostatic.
CC_DRIFT = 0.15
#: A rest shorter than this fraction of both neighbouring half-cycles is bridged.
BRIDGE = 0.1
#: A gap before a step's first record longer than this many of its median sampling interval is
#: an interruption, not a sampling interval.
GAP_FACTOR = 1.5
#: A gap before a step's first record shorter than this many of its median sampling interval
#: means the instrument wrote a record at the step's start (a transition record).
TRANSITION_FACTOR = 0.5
#: Relative difference of a half-cycle's charge (counter vs integral) worth noting.
COUNTER_TOLERANCE = 0.005
_BIOLOGIC_MODE = {1: "cc", 2: "cv"}


@dataclass(frozen=True, eq=False)
class Segmentation:
    """Segments of one test and the per-row arrays the analyses need.

    Attributes
    ----------
    segments
        One row per segment: ``segment``, ``kind`` (``plate``/``strip`` for I < 0 / I > 0 in
        the package's convention, ``rest``, ``ocv``, ``eis``), ``row_start``, ``row_end``
        (exclusive), ``t_start_s`` (start of the step: the record before its first one when
        that interval is counted), ``t_end_s``, ``duration_s``, ``current_A`` (time-weighted
        mean: charge / duration), ``abs_current_A``, ``set_current_A`` (median of the flowing
        points), ``capacity_C`` (:func:`interval_charge`), ``v_first_V``, ``v_last_V``,
        ``v_min_V``, ``v_max_V``, ``peak_abs_V`` (max |V|), ``plateau_V`` and
        ``plateau_abs_V`` (median V and |V| over the plateau window), ``constant_current``,
        ``control`` (``cc``, ``cv`` or ``ramp`` for plating/stripping), ``bridged`` (rests
        bridged inside it).
    half_cycles
        The ``plate``/``strip`` segments of at least 3 points, numbered ``half_cycle`` from 1.
    time_s, voltage_V, current_A, seg
        Row arrays (``seg`` is each row's segment number, from 0).
    flowing
        Per row: current flows (not a rest, open-circuit or impedance point).
    rest_tol_A
        Current below which a point is rest [A].
    window
        The plateau window as fractions of a segment's duration.
    notes
        What the segmentation decided (bridged rests, gaps not counted, step-count mismatch).
    """

    segments: pl.DataFrame
    half_cycles: pl.DataFrame
    time_s: np.ndarray
    voltage_V: np.ndarray
    current_A: np.ndarray
    seg: np.ndarray
    rest_tol_A: float
    window: tuple[float, float]
    notes: tuple[str, ...] = ()
    flowing: np.ndarray | None = None

    @property
    def t0(self) -> float:
        return float(self.time_s[0]) if self.time_s.size else 0.0


def _sign_class(current: np.ndarray, kind: np.ndarray, tol: float) -> np.ndarray:
    cls = np.sign(current).astype(np.int8)
    cls[np.abs(current) <= tol] = 0
    cls[kind == KIND_CODE["eis"]] = 2
    cls[(kind == KIND_CODE["ocv"]) & (cls == 0)] = 3
    return cls


def _runs(cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    new = np.empty(cls.size, dtype=bool)
    new[0] = True
    new[1:] = cls[1:] != cls[:-1]
    starts = np.flatnonzero(new)
    return starts, np.append(starts[1:], cls.size)


def _bridge(cls: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, int]:
    """Sign classes with short rests inside one direction taken into it; how many."""
    starts, ends = _runs(cls)
    if starts.size < 3:
        return cls, 0
    run_cls = cls[starts]
    dur = t[ends - 1] - t[starts]
    mid = np.arange(1, starts.size - 1)
    quiet = np.isin(run_cls[mid], (0, 3))
    same = (run_cls[mid - 1] == run_cls[mid + 1]) & (np.abs(run_cls[mid - 1]) == 1)
    span = t[ends[mid]] - t[starts[mid] - 1]  # from the last point before to the first after
    short = span <= BRIDGE * np.minimum(dur[mid - 1], dur[mid + 1])
    pick = mid[quiet & same & short]
    if pick.size == 0:
        return cls, 0
    out = cls.copy()
    fill = np.repeat(run_cls[pick - 1], ends[pick] - starts[pick])
    rows = np.concatenate([np.arange(a, b) for a, b in zip(starts[pick], ends[pick], strict=True)])
    out[rows] = fill
    return out, int(pick.size)


def _set_point_jumps(mag: np.ndarray, cls: np.ndarray, flowing: np.ndarray) -> np.ndarray:
    """Rows where the running median of |I| changes by more than JUMP within one direction."""
    n = mag.size
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    med = running_median5(np.where(flowing, mag, np.nan))
    with np.errstate(invalid="ignore"):
        jump = np.abs(np.diff(med)) > JUMP * np.fmax(med[1:], med[:-1])
    half = MEDIAN_ROWS // 2
    steady = np.ones(n, dtype=bool)  # same class over the median's reach on both sides
    change = np.flatnonzero(cls[1:] != cls[:-1]) + 1
    for k in range(-half, half + 1):
        idx = np.clip(change + k, 0, n - 1)
        steady[idx] = False
    out[1:] = jump & steady[1:] & (np.abs(cls[1:]) == 1)
    return out


def _regular_interval(seg: np.ndarray, dt: np.ndarray, n_seg: int) -> np.ndarray:
    """Each segment's regular sampling interval: the time-weighted median of its intervals
    (the interval that covers half its time), which a dense head of transient records or a
    minority of long interruptions does not move [s]."""
    out = np.full(n_seg, np.nan)
    valid = ~np.isnan(dt)
    d, g = dt[valid], seg[valid]
    if d.size == 0:
        return out
    top = float(d.max())
    # one float key sorts by segment, then interval (segments are < 2^31, intervals in [0, 0.5))
    key = g + (0.5 * d / top if top > 0 else 0.0)
    order = np.argsort(key)
    d, g = d[order], g[order]
    first = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
    counts = np.diff(np.append(first, d.size))
    cum = np.cumsum(d)
    before = np.repeat(np.concatenate(([0.0], cum))[first], counts)
    total = np.repeat(np.add.reduceat(d, first), counts)
    idx = np.where(cum - before >= 0.5 * total, np.arange(d.size), d.size)
    pick = np.minimum.reduceat(idx, first)
    out[g[first]] = d[np.minimum(pick, d.size - 1)]
    return out


def interval_charge(
    t: np.ndarray,
    i: np.ndarray,
    starts: np.ndarray,
    seg: np.ndarray,
    flowing: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Charge of each row's interval [C], which segment starts had their leading gap counted,
    and how many interruptions inside segments were not counted.

    Within a segment: trapezoid between neighbouring records, except over an interval longer
    than :data:`GAP_FACTOR` times the segment's regular sampling interval
    (:func:`_regular_interval`: the clock interval under record-on-change sampling), an
    interruption. A segment's first record: its own current over the gap since the previous
    record (the record ends that sampling interval), when the gap is between
    :data:`TRANSITION_FACTOR` and :data:`GAP_FACTOR` times that interval.
    """
    n = t.size
    dt = np.zeros(n)
    if n > 1:
        dt[1:] = np.maximum(np.diff(t), 0.0)
    dq = np.zeros(n)
    if n > 1:
        dq[1:] = 0.5 * (i[1:] + i[:-1]) * dt[1:]
    inner = dt.copy()
    inner[starts] = np.nan
    typical = _regular_interval(seg, inner, int(seg[-1]) + 1 if n else 0)
    pause = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        pause = dt > GAP_FACTOR * typical[seg]
    pause[starts] = False
    if flowing is not None:  # only where current flows is an interruption a loss of charge
        pause &= flowing
    dq[pause] = 0.0
    gap = dt[starts]
    counted = (
        (starts > 0)
        & np.isfinite(typical)
        & (gap >= TRANSITION_FACTOR * typical)
        & (gap <= GAP_FACTOR * typical)
    )
    dq[starts] = np.where(counted, i[starts] * gap, 0.0)
    return dq, counted, int(pause.sum())


def _window_stats(
    seg: np.ndarray,
    t: np.ndarray,
    v: np.ndarray,
    mag: np.ndarray,
    use: np.ndarray,
    flowing: np.ndarray,
    t_start: np.ndarray,
    dur: np.ndarray,
    counts: np.ndarray,
    window: tuple[float, float],
    n_seg: int,
) -> dict[str, np.ndarray]:
    """Plateau medians and the robust spread and drift of |I| over each segment's window."""
    span = np.repeat(np.where(dur > 0, dur, 1.0), counts)
    pos = (t - np.repeat(t_start, counts)) / span
    inside = (pos >= window[0]) & (pos <= window[1]) & use
    third = np.clip(((pos - window[0]) / (window[1] - window[0]) * 3).astype(np.int64), 0, 2)
    frame = pl.DataFrame(
        {
            "seg": seg[inside],
            "v": v[inside],
            "i": np.where(flowing[inside], mag[inside], np.nan),
            "third": third[inside],
        }
    ).with_columns(pl.col("v").fill_nan(None), pl.col("i").fill_nan(None))
    frame = frame.with_columns(pl.col("i").median().over("seg").alias("imed"))
    agg = frame.group_by("seg").agg(
        pl.col("v").median().alias("pv"),
        pl.col("v").abs().median().alias("pav"),
        pl.col("imed").first(),
        (pl.col("i") - pl.col("imed")).abs().median().alias("mad"),
        pl.col("i").filter(pl.col("third") == 0).median().alias("i0"),
        pl.col("i").filter(pl.col("third") == 2).median().alias("i2"),
        pl.col("i").count().alias("ni"),
    )
    out = {k: np.full(n_seg, np.nan) for k in ("pv", "pav", "imed", "mad", "i0", "i2", "ni")}
    idx = agg.get_column("seg").to_numpy()
    for k in out:
        out[k][idx] = agg.get_column(k).cast(pl.Float64).fill_null(np.nan).to_numpy()
    return out


def _control(
    stats: dict[str, np.ndarray], v_spread: np.ndarray, declared: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = 1.4826 * stats["mad"] / stats["imed"]
        drift = np.abs(stats["i2"] - stats["i0"]) / stats["imed"]
        drift = np.where(stats["ni"] >= 9, drift, 0.0)  # too few points to see a trend
        cc = (spread <= CC_SPREAD) & (np.nan_to_num(drift) <= CC_DRIFT)
    control = np.where(cc, "cc", np.where(v_spread < 5e-3, "cv", "ramp"))
    control = np.where(declared != "", declared, control)
    return control == "cc", control


def uses_counter(cell: CellData) -> bool:
    """Whether the reader says ``charge_C`` is the instrument's own charge counter."""
    entries = getattr(cell.meta, "provenance", ())
    return any(getattr(p, "code", "") == "charge-from-counter" for p in entries)


def _from_counter(
    charge: np.ndarray, starts: np.ndarray, ends: np.ndarray, integral: np.ndarray, cls: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Net charge of each segment from the instrument's counter: its change from the record
    before the segment to the segment's last record; cross-checked with the integral."""
    q = np.nan_to_num(charge)
    net = q[ends - 1] - q[np.maximum(starts - 1, 0)]
    moving = np.abs(cls[starts]) == 1
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(np.abs(net) - np.abs(integral)) / np.abs(net)
    off = moving & (rel > COUNTER_TOLERANCE)
    notes = []
    if off.any():
        notes.append(
            f"in {int(off.sum())} half-cycle(s) the instrument's charge counter and the "
            f"integral of the recorded current differ by more than {COUNTER_TOLERANCE:.1%} "
            f"(up to {float(np.nanmax(rel[off])):.2%}); the counter is used"
        )
    return np.where(moving, net, integral), notes


def _long_gap(t: np.ndarray, starts: np.ndarray, dur: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Segment starts preceded by a gap longer than GAP_FACTOR of their mean interval."""
    if t.size == 0:
        return np.zeros(0, dtype=bool)
    gap = t[starts] - t[np.maximum(starts - 1, 0)]
    mean_dt = dur / np.maximum(counts - 1, 1)
    return (starts > 0) & (gap > GAP_FACTOR * mean_dt) & (counts > 1)


def _declared_control(cell: CellData, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The control each segment's rows declare (BioLogic ``mode``, ``cv`` step kinds), or ''."""
    out = np.full(starts.size, "", dtype=object)
    if starts.size == 0:
        return out
    kind = cell.table.get_column("step_kind").to_physical().to_numpy()
    cv = np.add.reduceat((kind == KIND_CODE["cv"]).astype(np.int64), starts)
    fmt = (cell.meta.format or "").lower()
    if "mode" in cell.columns and fmt.startswith("biologic"):
        mode = cell.table.get_column("mode").cast(pl.Int64, strict=False).fill_null(0).to_numpy()
        for code, name in _BIOLOGIC_MODE.items():
            share = np.add.reduceat((mode == code).astype(np.int64), starts)
            out[share * 2 > ends - starts] = name
    out[cv * 2 > ends - starts] = "cv"
    return out


def segment(cell: CellData, window: tuple[float, float] = (0.25, 0.75)) -> Segmentation:
    """Split ``cell`` into segments and half-cycles (see the module docstring).

    Parameters
    ----------
    cell
        The test, in the package's sign convention.
    window
        Fractions of each segment's duration between which the plateau medians are taken.
    """
    t = cell["time_s"]
    v = cell["voltage_V"]
    i = np.where(np.isfinite(cell["current_A"]), cell["current_A"], 0.0)
    kind = cell.table.get_column("step_kind").to_physical().to_numpy()
    n = t.size
    tol, raw, cls, bridged, starts = _boundaries(t, i, kind)
    flowing = np.abs(raw) == 1
    mag = np.abs(i)
    ends = np.append(starts[1:], n)[: starts.size]  # no segment in an empty test
    counts = ends - starts
    seg = np.repeat(np.arange(starts.size, dtype=np.int64), counts)
    vf = np.where(np.isfinite(v), v, np.nan)
    dq, counted, pauses = (
        interval_charge(t, i, starts, seg, flowing) if n else (np.zeros(0), np.zeros(0, bool), 0)
    )
    t_first = t[starts]
    t_start = np.where(counted, t[np.maximum(starts - 1, 0)], t_first)
    t_end = t[ends - 1]
    dur = t_end - t_start
    net = np.add.reduceat(dq, starts) if n else np.zeros(0)
    counter_notes: list[str] = []
    if n and uses_counter(cell):
        net, counter_notes = _from_counter(cell["charge_C"], starts, ends, net, cls)
    mean_i = _mean_current(net, dur, i, starts, counts)
    v_min, v_max, peak = _voltage_extremes(vf, starts)
    use = flowing | (np.abs(cls) != 1)  # bridged rest points do not count
    stats = _window_stats(seg, t, vf, mag, use, flowing, t_start, dur, counts, window, starts.size)
    plateau_v, plateau_abs = stats["pv"], stats["pav"]
    missing = ~np.isfinite(plateau_v)
    plateau_v[missing] = vf[ends[missing] - 1]
    plateau_abs[missing] = np.abs(plateau_v[missing])
    cc, control = _control(stats, v_max - v_min, _declared_control(cell, starts, ends))
    seg_cls = cls[starts] if n else np.zeros(0, np.int8)
    names = np.array(["rest", "plate", "strip", "eis", "ocv"], dtype=object)
    code = np.select([seg_cls == -1, seg_cls == 1, seg_cls == 2, seg_cls == 3], [1, 2, 3, 4], 0)
    moving = np.abs(seg_cls) == 1
    n_bridged = np.add.reduceat((cls != raw).astype(np.int64), starts) if n else np.zeros(0)
    segments = pl.DataFrame(
        {
            "segment": np.arange(starts.size, dtype=np.int64),
            "kind": names[code].tolist() if starts.size else [],
            "row_start": starts.astype(np.int64),
            "row_end": ends.astype(np.int64),
            "points": counts.astype(np.int64),
            "t_start_s": t_start,
            "t_end_s": t_end,
            "duration_s": dur,
            "current_A": mean_i,
            "abs_current_A": np.abs(mean_i),
            "set_current_A": np.where(moving, np.sign(mean_i) * stats["imed"], 0.0),
            "capacity_C": np.abs(net),
            "v_first_V": vf[starts],
            "v_last_V": vf[ends - 1],
            "v_min_V": v_min,
            "v_max_V": v_max,
            "peak_abs_V": peak,
            "plateau_V": plateau_v,
            "plateau_abs_V": plateau_abs,
            "constant_current": cc & moving,
            "control": np.where(moving, control, "").tolist(),
            "bridged": n_bridged > 0,
        },
        schema_overrides={"kind": pl.String, "control": pl.String},
    )
    half = segments.filter(pl.col("kind").is_in(["plate", "strip"]) & (pl.col("points") >= 3))
    half = half.with_columns(pl.int_range(1, half.height + 1, dtype=pl.Int64).alias("half_cycle"))
    gaps = int(((~counted) & (starts > 0) & moving & _long_gap(t, starts, dur, counts)).sum())
    notes = _notes(cell, half.height, bridged, gaps, pauses, counter_notes)
    return Segmentation(segments, half, t, vf, i, seg, tol, window, notes, flowing)


def _voltage_extremes(
    vf: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minimum, maximum and largest |V| of each segment (missing voltages ignored)."""
    if vf.size == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    with np.errstate(invalid="ignore"):
        return (
            np.fmin.reduceat(vf, starts),
            np.fmax.reduceat(vf, starts),
            np.fmax.reduceat(np.abs(vf), starts),
        )


def _mean_current(
    net: np.ndarray, dur: np.ndarray, i: np.ndarray, starts: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Time-weighted mean current of each segment (charge / duration); the mean of its
    records for a segment of no duration."""
    if i.size == 0:
        return np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_time = net / np.where(dur > 0, dur, 1.0)
    return np.where(dur > 0, by_time, np.add.reduceat(i, starts) / counts)


def _boundaries(
    t: np.ndarray, i: np.ndarray, kind: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, int, np.ndarray]:
    """Rest tolerance, raw and bridged sign classes, rests bridged, and segment start rows."""
    n = t.size
    tol = rest_tolerance_A(i)
    raw = _sign_class(i, kind, tol)
    cls, bridged = _bridge(raw, t) if n else (raw, 0)
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
        new[1:] = cls[1:] != cls[:-1]
        new |= _set_point_jumps(np.abs(i), cls, np.abs(raw) == 1)
    return tol, raw, cls, bridged, np.flatnonzero(new)


def _notes(
    cell: CellData, n_half: int, bridged: int, gaps: int, pauses: int, counter: list[str]
) -> tuple[str, ...]:
    """What the segmentation decided, one sentence each."""
    notes = list(_step_notes(cell, n_half))
    if bridged:
        notes.append(
            f"{bridged} short rest(s) inside a half-cycle (under {BRIDGE:.0%} of the steps "
            "around them) bridged: each pair of parts is one half-cycle"
        )
    if gaps:
        notes.append(
            f"{gaps} half-cycle(s) begin after a gap longer than {GAP_FACTOR:g}x their own "
            "sampling interval (an interruption): no charge counted over those gaps"
        )
    notes += counter
    if pauses:
        notes.append(
            f"{pauses} interruption(s) inside steps (no record for over {GAP_FACTOR:g}x the "
            "step's regular sampling interval): no charge counted over them"
        )
    return tuple(notes)


def _step_notes(cell: CellData, n_half: int) -> tuple[str, ...]:
    """Compare our half-cycle count with the instrument's charge/discharge steps."""
    frame = cell.table.select("step", "step_kind").unique("step", keep="first")
    theirs = frame.filter(pl.col("step_kind").cast(pl.String).is_in(["charge", "discharge"])).height
    if theirs and theirs != n_half:
        return (
            f"the file's step column has {theirs} charge/discharge steps where the current "
            f"shows {n_half} half-cycles; the half-cycles found from the current are used",
        )
    return ()
