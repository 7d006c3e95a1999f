"""Critical current density of a Li||Li cell cycled with the current stepped up.

CCD = the current density of the step at which the cell shorts (abrupt, lasting collapse of
|V|, found as for symmetric cells); also the last stable step, the cumulative areal capacity
passed before the short, and the step protocol (step size, time or capacity per half-cycle),
because CCD depends on it. CCD is areal by definition: without a known electrode area it is
refused.

Units: SI (A m^-2, C m^-2, s).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from lithiophile.echem.context import TestContext
from lithiophile.echem.result import AnalysisOptions, Event
from lithiophile.echem.segments import Segmentation
from lithiophile.echem.symmetric import CELL, Failure, _row_half, detect_failure
from lithiophile.errors import CalculationFailed
from lithiophile.metrics import Metric

__all__ = ["CCDResult", "critical_current_density", "current_steps"]

#: Half-cycles whose |I| agree within this fraction belong to one step.
SAME_STEP = 0.05


@dataclass(frozen=True)
class CCDResult:
    metrics: tuple[Metric, ...]
    steps: pl.DataFrame
    half_cycles: pl.DataFrame
    events: tuple[Event, ...]
    protocol: str
    notes: tuple[str, ...]


def current_steps(half: pl.DataFrame) -> np.ndarray:
    """Step number (from 1) of each half-cycle: consecutive half-cycles of one |I| level.

    Levels are set points found by clustering: the half-cycles' |I| sorted, a new level where
    two neighbours differ by more than :data:`SAME_STEP` of the larger, so the noise of one set
    point never makes a level of its own while a real step does.
    """
    mag = half.get_column("abs_current_A").to_numpy()
    if mag.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(mag, kind="stable")
    ranked = mag[order]
    gap = np.diff(ranked) > SAME_STEP * np.maximum(ranked[1:], ranked[:-1])
    level = np.empty(mag.size, dtype=np.int64)
    level[order] = np.concatenate(([0], np.cumsum(gap)))
    change = level[1:] != level[:-1]
    return np.concatenate(([1], 1 + np.cumsum(change))).astype(np.int64)


def _spread(x: np.ndarray) -> float:
    return float(np.std(x) / np.mean(x)) if x.size and np.mean(x) > 0 else np.inf


def _per_step(half: pl.DataFrame, area: float) -> pl.DataFrame:
    """One row per current step: median |I|, half-cycle duration and capacity, current density."""
    return (
        half.group_by("step", maintain_order=True)
        .agg(
            pl.col("abs_current_A").median().alias("abs_current_A"),
            pl.col("duration_s").median().alias("half_cycle_s"),
            pl.col("capacity_C").median().alias("capacity_C"),
            pl.len().alias("half_cycles"),
            pl.col("t_start_s").min().alias("t_start_s"),
        )
        .with_columns((pl.col("abs_current_A") / area).alias("current_density_A_m2"))
    )


def _require_stepped(j: np.ndarray) -> None:
    """Refuse current densities that are not stepped up (fewer than two increasing levels)."""
    if j.size < 2 or not (np.diff(j) > 0).all():
        levels = ", ".join(f"{x:.4g}" for x in j[:12])
        raise CalculationFailed(
            f"the current is not stepped up: {j.size} current level(s) [A m-2]: {levels}; a "
            "CCD test raises the current density step by step"
        )


@dataclass(frozen=True)
class _Protocol:
    """The step protocol: its description, step size [A m-2], areal capacities [C m-2]."""

    text: str
    step_A_m2: float
    caps_C_m2: np.ndarray
    fixed_capacity: bool


def _step_protocol(per_step: pl.DataFrame, j: np.ndarray, area: float) -> _Protocol:
    """Fixed time or fixed capacity per half-cycle (the last, failing step left out)."""
    durations = per_step.get_column("half_cycle_s").to_numpy()
    caps = per_step.get_column("capacity_C").to_numpy() / area
    step_size = float(np.median(np.diff(j)))
    fixed_time = _spread(durations[:-1] if durations.size > 2 else durations) < 0.05
    fixed_cap = _spread(caps[:-1] if caps.size > 2 else caps) < 0.05
    if fixed_time:
        text = (
            f"fixed time: {float(np.median(durations)):.4g} s per half-cycle, steps of "
            f"{step_size:.4g} A m-2"
        )
    elif fixed_cap:
        text = (
            f"fixed capacity: {float(np.median(caps)):.4g} C m-2 per half-cycle, steps of "
            f"{step_size:.4g} A m-2"
        )
    else:
        text = f"steps of {step_size:.4g} A m-2, neither time nor capacity fixed"
    return _Protocol(text, step_size, caps, fixed_cap)


def _charge_per_row(seg: Segmentation, row_half: np.ndarray) -> np.ndarray:
    """|charge| passed in each sampling interval (trapezoid) [C]; 0 outside half-cycles."""
    dq = np.zeros_like(seg.time_s)
    dq[1:] = np.abs(0.5 * (seg.current_A[1:] + seg.current_A[:-1])) * np.diff(seg.time_s)
    dq[(row_half == 0)] = 0.0
    return dq


def _failure_figures(
    failure: Failure,
    s: int,
    j: np.ndarray,
    proto: _Protocol,
    dq: np.ndarray,
    ctx: TestContext,
    area: float,
) -> tuple[list[Metric], Event, list[str]]:
    """CCD (failure step ``s``, 1-based), last stable step and cumulative capacity of a cell
    that failed."""
    ccd = float(j[s - 1])
    before = float(dq[: failure.row + 1].sum()) / area if failure.row is not None else np.nan
    cond = ctx.conditions(
        cell=CELL,
        capacity_C=float(proto.caps_C_m2[s - 1] * area) if proto.fixed_capacity else None,
        time_s=failure.time_s,
        extra=(("step_protocol", proto.text), ("step_A_m2", f"{proto.step_A_m2:.6g}")),
    )
    metrics = [
        Metric(
            "critical_current_density",
            ccd,
            cond,
            definition=(
                f"current density of the step at which the cell failed ({failure.criterion});"
                f" {proto.text}"
            ),
            variant="failure step",
            source=ctx.source,
            notes=(failure.detail,),
        )
    ]
    notes: list[str] = []
    if s > 1:
        metrics.append(
            Metric(
                "critical_current_density",
                float(j[s - 2]),
                cond,
                definition=f"current density of the last step completed without failure; "
                f"{proto.text}",
                variant="last stable step",
                source=ctx.source,
            )
        )
    else:
        notes.append("the cell failed in the first step: no stable step")
    metrics.append(
        Metric(
            "cumulative_capacity",
            before,
            cond,
            definition="areal charge passed (both directions) before the failure",
            source=ctx.source,
        )
    )
    event = Event(
        "failure",
        failure.time_s,
        half_cycle=failure.half_cycle,
        detail=f"{failure.criterion} at {ccd:.4g} A m-2: {failure.detail}",
    )
    return metrics, event, notes


def critical_current_density(
    seg: Segmentation, ctx: TestContext, opts: AnalysisOptions
) -> CCDResult:
    """CCD, last stable step, cumulative areal capacity before the short, step protocol.

    Raises
    ------
    InputError
        When the electrode area is unknown.
    CalculationFailed
        When the current is not stepped (fewer than two increasing levels).
    """
    area = ctx.require_area("The critical current density")
    steps = current_steps(seg.half_cycles)
    half = seg.half_cycles.with_columns(pl.Series("step", steps))
    per_step = _per_step(half, area)
    j = per_step.get_column("current_density_A_m2").to_numpy()
    _require_stepped(j)
    proto = _step_protocol(per_step, j, area)
    row_half = _row_half(seg)
    failure = detect_failure(seg, opts, row_half)
    metrics: list[Metric] = []
    notes: list[str] = []
    if failure.failed and failure.half_cycle is not None:
        s = int(steps[failure.half_cycle - 1])
        dq = _charge_per_row(seg, row_half)
        metrics, event, notes = _failure_figures(failure, s, j, proto, dq, ctx, area)
    else:
        notes.append(f"no short up to {j[-1]:.4g} A m-2 in {j.size} steps (no CCD within the data)")
        event = Event("no-failure", failure.time_s, detail=failure.detail)
    step_rows: list[dict[str, Any]] = per_step.with_columns(
        (pl.col("t_start_s") - ctx.t0_s).alias("t_start_s"),
        (pl.col("capacity_C") / area).alias("areal_capacity_C_m2"),
    ).to_dicts()
    table = half.with_columns(
        (pl.col("t_start_s") - ctx.t0_s).alias("t_start_s"),
        (pl.col("t_end_s") - ctx.t0_s).alias("t_end_s"),
    )
    return CCDResult(
        tuple(metrics), pl.DataFrame(step_rows), table, (event,), proto.text, tuple(notes)
    )
