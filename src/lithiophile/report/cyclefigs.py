"""Figures of a cycling test: the whole test, voltage profiles per cycle, and the review's
figures of its protocol (Li||Cu efficiency, polarization and hysteresis, shorts and lifetime,
nucleation, critical current density), each captioned with its conditions."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from lithiophile.report.figures import COLUMNS, Figure, Trace, thin, vline

__all__ = ["cycling_figures", "overview", "profiles"]

#: Points of the per-cycle figure over all cycles (M4 shares them out by cycle).
PROFILE_BUDGET = 40_000
_EVENT_COLORS = {"soft-short": "#ff7f0e", "failure": "#d62728", "nucleation": "#2ca02c"}


def _hours(t: np.ndarray, t0: float) -> np.ndarray:
    return (np.asarray(t, dtype=float) - t0) / 3600.0


def _note(n_rows: int, n_points: int) -> str:
    if n_points >= n_rows:
        return f"all {n_rows} rows drawn"
    return (
        f"{n_points} of {n_rows} rows drawn: the first, last, lowest and highest sample of each "
        "of the chart's pixel columns (M4), which draws the same lines as every row; the CSV "
        "holds exactly these samples"
    )


def overview(data: Any, analysis: Any, fid: str, label: str = "") -> Figure:
    """Voltage and current against time over the whole test, events marked."""
    t, v, i = data["time_s"], data["voltage_V"], data["current_A"]
    t0 = float(t[0]) if len(t) else 0.0
    th = _hours(t, t0)
    xv, yv = thin(th, v)
    xi, yi = thin(th, i * 1e3)
    prefix = f"{label}: " if label else ""
    fig = Figure(
        fid,
        f"{prefix}voltage and current over the test",
        "time [h]",
        "voltage [V]",
        [
            Trace(f"{prefix}voltage", xv, yv),
            Trace(f"{prefix}current", xi, yi, yaxis="y2", style={"opacity": 0.5}),
        ],
        y2_title="current [mA]",
        note=_note(len(t), len(xv)),
    )
    if analysis is not None:
        for e in analysis.events:
            if e.kind in _EVENT_COLORS:
                fig.shapes.append(vline(e.time_s / 3600, _EVENT_COLORS[e.kind]))
        kinds = sorted({e.kind for e in analysis.events if e.kind in _EVENT_COLORS})
        if kinds:
            fig.caption = "dotted lines: " + ", ".join(f"{k} ({_EVENT_COLORS[k]})" for k in kinds)
    return fig


def profiles(data: Any, area_m2: float | None, fid: str, label: str = "") -> Figure:
    """Voltage against the capacity passed since the start of each cycle, one trace per
    cycle (plating counts positive), for the cycle selector."""
    cyc = np.asarray(data["cycle"])
    q = np.asarray(data["charge_C"], dtype=float)
    v = np.asarray(data["voltage_V"], dtype=float)
    per = 3.6 * (area_m2 * 1e4 if area_m2 else 1.0)
    unit = "mAh cm-2" if area_m2 else "mAh"
    bounds = np.flatnonzero(np.r_[True, cyc[1:] != cyc[:-1], True])
    n_cycles = max(bounds.size - 1, 1)
    columns = max(25, PROFILE_BUDGET // (4 * n_cycles))
    traces, drawn = [], 0
    prefix = f"{label}: " if label else ""
    for a, b in itertools.pairwise(bounds):
        x = -(q[a:b] - q[a]) / per
        xs, ys = thin(x, v[a:b], columns)
        drawn += xs.size
        c = int(cyc[a])
        traces.append(Trace(f"{prefix}cycle {c}", xs, ys, cycle=c))
    return Figure(
        fid,
        f"{prefix}voltage profile of each cycle",
        f"capacity plated since the cycle began [{unit}]",
        "voltage [V]",
        traces,
        caption="pick cycles with the selector; click a legend entry to hide a cycle",
        note=_note(len(v), drawn),
    )


def _cond(metric: Any) -> str:
    return metric.display()


def _ce_figure(analysis: Any, fid: str) -> Figure | None:
    cycles = analysis.cycles
    if "ce" not in cycles.columns or cycles.height == 0:
        return None
    c = np.asarray(cycles.get_column("cycle").to_numpy(), dtype=float)
    ce = np.asarray(cycles.get_column("ce").to_numpy(), dtype=float) * 100
    traces = [Trace("CE per cycle", c, ce, mode="lines+markers")]
    lines = []
    for m in analysis.find("average_ce") + analysis.find("li_cu_ce"):
        traces.append(
            Trace(
                f"{m.metric} ({m.variant}) {m.display_value:.4g} %",
                np.array([c.min(), c.max()]),
                np.array([m.display_value] * 2),
                style={"line": {"dash": "dash", "width": 1}},
            )
        )
        lines.append(_cond(m))
    return Figure(
        fid,
        "Li||Cu Coulombic efficiency per cycle and averaged",
        "cycle",
        "Coulombic efficiency [%]",
        traces,
        caption="; ".join(lines),
    )


def _polarization_figure(analysis: Any, fid: str) -> Figure | None:
    half, cycles = analysis.half_cycles, analysis.cycles
    if analysis.protocol != "symmetric" or "plateau_abs_V" not in half.columns:
        return None
    t = _hours(half.get_column("t_start_s").to_numpy(), 0.0)
    traces = [
        Trace("plateau |V|", t, half.get_column("plateau_abs_V").to_numpy() * 1e3, "markers"),
        Trace("peak |V|", t, half.get_column("peak_abs_V").to_numpy() * 1e3, "markers"),
    ]
    if "hysteresis_V" in cycles.columns:
        traces.append(
            Trace(
                "hysteresis (cycle)",
                _hours(cycles.get_column("t_end_s").to_numpy(), 0.0),
                cycles.get_column("hysteresis_V").to_numpy() * 1e3,
                "lines+markers",
            )
        )
    fig = Figure(
        fid,
        "polarization and hysteresis over time",
        "time at the start of the half-cycle [h]",
        "overpotential [mV]",
        traces,
        caption="; ".join(_cond(m) for m in analysis.find("polarization")[-3:]),
    )
    for e in analysis.events:
        if e.kind in ("soft-short", "failure"):
            fig.shapes.append(vline(e.time_s / 3600, _EVENT_COLORS[e.kind]))
    life = [f"{e.kind}: {e.detail}" for e in analysis.events if e.kind != "nucleation"]
    if life:
        fig.caption += " | lifetime and shorts: " + "; ".join(life)
    return fig


def _ccd_figure(analysis: Any, area_m2: float | None, fid: str) -> Figure | None:
    half = analysis.half_cycles
    if analysis.protocol != "ccd" or not area_m2:
        return None
    j = half.get_column("abs_current_A").to_numpy() / area_m2 * 0.1
    fig = Figure(
        fid,
        "critical current density: peak |V| of each half-cycle against its current density",
        "current density [mA cm-2]",
        "peak |V| [mV]",
        [Trace("peak |V|", j, half.get_column("peak_abs_V").to_numpy() * 1e3, "markers")],
        caption="; ".join(_cond(m) for m in analysis.find("critical_current_density")),
    )
    for m in analysis.find("critical_current_density"):
        fig.shapes.append(vline(m.display_value, "#d62728" if "fail" in str(m.variant) else "#888"))
    return fig


def _nucleation_figure(data: Any, analysis: Any, fid: str) -> Figure | None:
    nuc = analysis.find("nucleation_overpotential")
    growth = analysis.find("growth_overpotential")
    if not nuc or analysis.half_cycles.height == 0:
        return None
    first = analysis.half_cycles.row(0, named=True)
    t = data["time_s"]
    t0 = float(t[0])
    event = next((e.time_s for e in analysis.events if e.kind == "nucleation"), None)
    dt = float(first["duration_s"])
    if event is not None:
        dt = min(dt, max(60.0, 10 * (event - first["t_start_s"])))
    rows = (t >= t0 + first["t_start_s"]) & (t <= t0 + first["t_start_s"] + dt)
    x, y = thin(t[rows] - t0, data["voltage_V"][rows] * 1e3, COLUMNS)
    traces = [Trace("voltage of the first plating", x, y)]
    g = growth[0].display_value if growth else None
    levels = [(f"growth overpotential {g:.3g} mV", g)] if g is not None else []
    if g is not None:
        n = nuc[0].display_value
        levels.append((f"growth + nucleation overpotential {n:.3g} mV = {g + n:.3g} mV", g + n))
    for name, level in levels:
        traces.append(
            Trace(
                name,
                np.array([x.min(), x.max()]),
                np.array([-level] * 2),
                style={"line": {"dash": "dash", "width": 1}},
            )
        )
    deepest = max((lv for _, lv in levels), default=float(np.abs(y).max()))
    return Figure(
        fid,
        "nucleation: the first plating",
        "time [s]",
        "voltage [mV]",
        traces,
        caption="; ".join(_cond(m) for m in nuc + growth),
        note=f"first {dt:.0f} s of the first half-cycle",
        y_range=(-1.6 * deepest, 0.6 * deepest),
    )


def cycling_figures(item: Any, area_m2: float | None, prefix: str) -> list[Figure]:
    """Every figure of one cycling file."""
    data, analysis = item.data, item.analysis
    figs = [
        overview(data, analysis, f"{prefix}-overview"),
        profiles(data, area_m2, f"{prefix}-profiles"),
    ]
    if analysis is None:
        return figs
    for fig in (
        _ce_figure(analysis, f"{prefix}-ce"),
        _polarization_figure(analysis, f"{prefix}-polarization"),
        _nucleation_figure(data, analysis, f"{prefix}-nucleation"),
        _ccd_figure(analysis, area_m2, f"{prefix}-ccd"),
    ):
        if fig is not None:
            figs.append(fig)
    return figs
