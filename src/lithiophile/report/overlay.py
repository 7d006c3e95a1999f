"""Figures that overlay several cells (``report --group``), from any mix of instruments."""

from __future__ import annotations

from typing import Any

import numpy as np

from lithiophile.report.figures import Figure, Trace, thin

__all__ = ["overlay_figures"]


def overlay_figures(items: list[Any], area_m2: float | None) -> list[Figure]:
    """Voltage over time, CE per cycle and polarization of every cell, one trace per cell."""
    cycling = [it for it in items if it.kind == "cycling" and it.data is not None]
    figs = []
    if cycling:
        traces = []
        for it in cycling:
            t = it.data["time_s"]
            x, y = thin((t - t[0]) / 3600, it.data["voltage_V"])
            traces.append(Trace(it.name, x, y))
        figs.append(
            Figure("g-voltage", "voltage over time, all cells", "time [h]", "voltage [V]", traces)
        )
    ce = [it for it in cycling if it.analysis is not None and "ce" in it.analysis.cycles.columns]
    if ce:
        traces = [
            Trace(
                it.name,
                np.asarray(it.analysis.cycles.get_column("cycle").to_numpy(), float),
                it.analysis.cycles.get_column("ce").to_numpy() * 100,
                "lines+markers",
            )
            for it in ce
        ]
        figs.append(
            Figure(
                "g-ce",
                "Li||Cu Coulombic efficiency per cycle, all cells",
                "cycle",
                "Coulombic efficiency [%]",
                traces,
            )
        )
    sym = [it for it in cycling if it.analysis is not None and it.analysis.protocol == "symmetric"]
    if sym:
        traces = [
            Trace(
                it.name,
                it.analysis.half_cycles.get_column("t_start_s").to_numpy() / 3600,
                it.analysis.half_cycles.get_column("plateau_abs_V").to_numpy() * 1e3,
                "markers",
            )
            for it in sym
        ]
        figs.append(
            Figure(
                "g-polarization",
                "plateau polarization over time, all cells",
                "time [h]",
                "plateau |V| [mV]",
                traces,
            )
        )
    eis = [(it, part, fit) for it in items for part, fit in it.fits]
    if eis:
        traces = [
            Trace(fit.name, part.z.real, -part.z.imag, "lines+markers") for _, part, fit in eis
        ]
        figs.append(
            Figure(
                "g-nyquist",
                "Nyquist plots, all cells",
                "Z' [ohm]",
                "-Z'' [ohm]",
                traces,
                equal_axes=True,
            )
        )
    return figs
