"""Segmentation of a cycling test into rests and galvanostatic half-cycles, from the data alone.

A segment is a maximal run of points whose current has one sign class (negative, rest,
positive) and no jump in magnitude of more than 20 % between neighbours; impedance blocks
(``step_kind == "eis"``) and open-circuit periods are their own segments. The instrument's
step and cycle numbers are not needed, so numbering that starts at 0 or 1 or increments on
charge or on discharge does not change the answer; when the instrument's step count
disagrees with ours the disagreement is noted.

Every statistic is computed with vectorised reductions over the rows (``np.*.reduceat`` and
one polars group-by for the plateau medians); loops run over segments only.

Units: SI (s, V, A, C).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from lithiophile.io.celldata import CellData
from lithiophile.io.steps import KIND_CODE, rest_tolerance_A

__all__ = ["Segmentation", "segment"]

#: Relative jump of |I| between neighbouring points that starts a new segment.
JUMP = 0.2
#: Relative spread of |I| inside a half-cycle below which it counts as constant current.
CC_SPREAD = 0.05


@dataclass(frozen=True, eq=False)
class Segmentation:
    """Segments of one test and the per-row arrays the analyses need.

    Attributes
    ----------
    segments
        One row per segment: ``segment``, ``kind`` (``plate``/``strip`` for I < 0 / I > 0 in
        the package's convention, ``rest``, ``ocv``, ``eis``), ``row_start``, ``row_end``
        (exclusive), ``t_start_s``, ``t_end_s``, ``duration_s``, ``current_A`` (mean),
        ``abs_current_A``, ``capacity_C`` (|integral of I dt| over the segment's own points),
        ``v_first_V``, ``v_last_V``, ``v_min_V``, ``v_max_V``, ``peak_abs_V`` (max |V|),
        ``plateau_V`` and ``plateau_abs_V`` (median V and |V| over the plateau window),
        ``constant_current``, ``control`` (``cc``, ``cv`` or ``ramp`` for plating/stripping:
        constant current, a potentiostatic hold, or a current ramp).
    half_cycles
        The ``plate``/``strip`` segments of at least 3 points, numbered ``half_cycle`` from 1.
    time_s, voltage_V, current_A, seg
        Row arrays (``seg`` is each row's segment number, from 0).
    rest_tol_A
        Current below which a point is rest [A].
    window
        The plateau window as fractions of a segment's duration.
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

    @property
    def t0(self) -> float:
        return float(self.time_s[0]) if self.time_s.size else 0.0


def _sign_class(current: np.ndarray, kind: np.ndarray, tol: float) -> np.ndarray:
    cls = np.sign(current).astype(np.int8)
    cls[np.abs(current) <= tol] = 0
    cls[kind == KIND_CODE["eis"]] = 2
    cls[(kind == KIND_CODE["ocv"]) & (cls == 0)] = 3
    return cls


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
    tol = rest_tolerance_A(i)
    cls = _sign_class(i, kind, tol)
    mag = np.abs(i)
    new = np.empty(n, dtype=bool)
    if n:
        new[0] = True
        new[1:] = cls[1:] != cls[:-1]
        jump = np.abs(np.diff(i)) > JUMP * np.maximum(mag[1:], mag[:-1])
        new[1:] |= jump & (cls[1:] != 0) & (cls[1:] < 2)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    counts = ends - starts
    seg = np.repeat(np.arange(starts.size, dtype=np.int64), counts)

    vf = np.where(np.isfinite(v), v, np.nan)
    dq = np.zeros(n)
    if n > 1:
        dq[1:] = 0.5 * (i[1:] + i[:-1]) * np.maximum(np.diff(t), 0.0)
    dq[starts] = 0.0
    t_start, t_end = t[starts], t[ends - 1]
    dur = t_end - t_start
    capacity = np.abs(np.add.reduceat(dq, starts)) if n else np.zeros(0)
    mean_i = np.add.reduceat(i, starts) / counts if n else np.zeros(0)
    with np.errstate(invalid="ignore"):
        v_min = np.fmin.reduceat(vf, starts) if n else np.zeros(0)
        v_max = np.fmax.reduceat(vf, starts) if n else np.zeros(0)
        peak = np.fmax.reduceat(np.abs(vf), starts) if n else np.zeros(0)

    # plateau: rows in the window of their segment's duration
    span = np.repeat(np.where(dur > 0, dur, 1.0), counts)
    pos = (t - np.repeat(t_start, counts)) / span
    inside = (pos >= window[0]) & (pos <= window[1])
    # constant current: |I| spread over the window
    frame = pl.DataFrame({"seg": seg[inside], "v": vf[inside], "i": mag[inside]}).with_columns(
        pl.col("v").fill_nan(None)  # a missing voltage does not count in the median
    )
    agg = frame.group_by("seg").agg(
        pl.col("v").median().alias("pv"),
        pl.col("v").abs().median().alias("pav"),
        pl.col("i").min().alias("imin"),
        pl.col("i").max().alias("imax"),
    )
    plateau_v = np.full(starts.size, np.nan)
    plateau_abs = np.full(starts.size, np.nan)
    i_lo = np.full(starts.size, np.nan)
    i_hi = np.full(starts.size, np.nan)
    idx = agg.get_column("seg").to_numpy()
    plateau_v[idx] = agg.get_column("pv").to_numpy()
    plateau_abs[idx] = agg.get_column("pav").to_numpy()
    i_lo[idx] = agg.get_column("imin").to_numpy()
    i_hi[idx] = agg.get_column("imax").to_numpy()
    missing = ~np.isfinite(plateau_v)
    plateau_v[missing] = vf[ends[missing] - 1]
    plateau_abs[missing] = np.abs(plateau_v[missing])
    with np.errstate(invalid="ignore", divide="ignore"):
        cc = (i_hi - i_lo) <= CC_SPREAD * np.abs(mean_i)

    # control of a plating/stripping segment: constant current, potentiostatic hold, or ramp
    v_spread = v_max - v_min
    control = np.where(cc, "cc", np.where(v_spread < 5e-3, "cv", "ramp"))
    seg_cls = cls[starts]
    names = np.array(["rest", "plate", "strip", "eis", "ocv"], dtype=object)
    code = np.select([seg_cls == -1, seg_cls == 1, seg_cls == 2, seg_cls == 3], [1, 2, 3, 4], 0)
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
            "capacity_C": capacity,
            "v_first_V": vf[starts],
            "v_last_V": vf[ends - 1],
            "v_min_V": v_min,
            "v_max_V": v_max,
            "peak_abs_V": peak,
            "plateau_V": plateau_v,
            "plateau_abs_V": plateau_abs,
            "constant_current": cc,
            "control": np.where(np.abs(seg_cls) == 1, control, "").tolist(),
        },
        schema_overrides={"kind": pl.String, "control": pl.String},
    )
    half = segments.filter(pl.col("kind").is_in(["plate", "strip"]) & (pl.col("points") >= 3))
    half = half.with_columns(pl.int_range(1, half.height + 1, dtype=pl.Int64).alias("half_cycle"))
    notes = _step_notes(cell, half.height)
    return Segmentation(segments, half, t, vf, i, seg, tol, window, notes)


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
