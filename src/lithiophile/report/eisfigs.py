"""Figures of impedance spectra: Nyquist with the fit, its residuals, Lin-KK, the DRT with its
regularisation, and the interfacial resistance over rest time, cycles or temperature."""

from __future__ import annotations

from typing import Any

import numpy as np

from lithiophile.report.figures import Figure, Trace

__all__ = ["impedance_figures"]


def _nyquist(fits: list[tuple[Any, Any]], fid: str) -> Figure:
    traces = []
    for k, (part, fit) in enumerate(fits, 1):
        f_fine = np.geomspace(part.f.max(), part.f.min(), 200)
        z_fit = fit.fit.predict(f_fine)
        traces.append(Trace(f"{fit.name} data", part.z.real, -part.z.imag, "markers", cycle=k))
        traces.append(Trace(f"{fit.name} fit {fit.fit.circuit}", z_fit.real, -z_fit.imag, cycle=k))
    caption = "; ".join(m.display() for _, f in fits for m in f.metrics[:1])
    return Figure(
        fid,
        "Nyquist plot with the equivalent-circuit fit",
        "Z' [ohm]",
        "-Z'' [ohm]",
        traces,
        caption=caption,
        equal_axes=True,
        selector="spectrum",
    )


def _residuals(fits: list[tuple[Any, Any]], fid: str) -> Figure:
    traces = []
    for k, (part, fit) in enumerate(fits, 1):
        z_fit = fit.fit.predict(part.f)
        rel = (part.z - z_fit) / np.abs(part.z) * 100
        traces.append(Trace(f"{fit.name} real", part.f, rel.real, "lines+markers", cycle=k))
        traces.append(Trace(f"{fit.name} imaginary", part.f, rel.imag, "lines+markers", cycle=k))
    return Figure(
        fid,
        "fit residuals, (Z - Z_fit) / |Z|",
        "frequency [Hz]",
        "residual [%]",
        traces,
        log_x=True,
        selector="spectrum",
        caption="; ".join(
            f"{f.name}: chi2 {f.fit.chi_square_:.3g}, reduced {f.fit.reduced_chi_square_:.3g}"
            for _, f in fits
        ),
    )


def _linkk(fits: list[tuple[Any, Any]], fid: str) -> Figure | None:
    traces, lines = [], []
    for k, (_, fit) in enumerate(fits, 1):
        kk = fit.fit.kk_
        if kk is None:
            continue
        f = fit.fit.frequencies_
        traces.append(Trace(f"{fit.name} real", f, kk.residuals_real * 100, "markers", cycle=k))
        traces.append(
            Trace(f"{fit.name} imaginary", f, kk.residuals_imag * 100, "markers", cycle=k)
        )
        verdict = "passes" if kk.passed else "FAILS"
        lines.append(
            f"{fit.name}: {verdict} (rms {kk.rms:.2%}, threshold {kk.threshold:.0%}, "
            f"{kk.m} RC elements, mu {kk.mu:.2f})"
        )
    if not traces:
        return None
    return Figure(
        fid,
        "Lin-KK test: residuals of a Kramers-Kronig-compliant Voigt fit",
        "frequency [Hz]",
        "residual [%]",
        traces,
        log_x=True,
        selector="spectrum",
        caption="; ".join(lines),
    )


def _drt(fits: list[tuple[Any, Any]], fid: str) -> Figure | None:
    traces, lines = [], []
    for k, (_, fit) in enumerate(fits, 1):
        d = fit.drt
        if d is None:
            continue
        traces.append(Trace(f"{fit.name} DRT", d.tau_s, d.gamma_ohm, cycle=k))
        peaks = ", ".join(f"{p.r_ohm:.3g} ohm at {p.tau_s:.2g} s" for p in d.peaks)
        lines.append(
            f"{fit.name}: Tikhonov, lambda {d.lam:.2g} by {d.method}, R_pol "
            f"{d.r_polarisation_ohm:.3g} ohm; peaks {peaks or 'none'}"
        )
    if not traces:
        return None
    return Figure(
        fid,
        "distribution of relaxation times",
        "time constant tau [s]",
        "gamma [ohm]",
        traces,
        log_x=True,
        selector="spectrum",
        caption="; ".join(lines),
    )


def _series(fits: list[tuple[Any, Any]], fid: str) -> Figure | None:
    if len(fits) < 2:
        return None
    by, values = _series_axis(fits)
    r = np.array([f.metric("interfacial_resistance").value for _, f in fits])
    err = [f.metric("interfacial_resistance").uncertainty for _, f in fits]
    trace = Trace("R_int (circuit fit)", values, r, "lines+markers")
    if all(e is not None for e in err):
        trace.style = {"error_y": {"type": "data", "array": [float(e) for e in err]}}
    return Figure(fid, f"interfacial resistance over {by}", by, "R_int [ohm]", [trace])


def _series_axis(fits: list[tuple[Any, Any]]) -> tuple[str, np.ndarray]:
    parts = [p for p, _ in fits]
    if (
        all(p.temperature_K is not None for p in parts)
        and len({p.temperature_K for p in parts}) > 1
    ):
        return "temperature [K]", np.array([p.temperature_K for p in parts])
    if all(p.cycle is not None for p in parts) and len({p.cycle for p in parts}) > 1:
        return "cycle", np.array([float(p.cycle) for p in parts])
    if all(p.time_s is not None for p in parts):
        t = np.array([p.time_s for p in parts])
        return "rest time since the first spectrum [h]", (t - t.min()) / 3600
    return "spectrum (file order)", np.arange(1.0, len(parts) + 1)


def impedance_figures(fits: list[tuple[Any, Any]], prefix: str) -> list[Figure]:
    """Every figure of a set of fitted spectra (one cell)."""
    figs = [_nyquist(fits, f"{prefix}-nyquist"), _residuals(fits, f"{prefix}-residuals")]
    for fig in (
        _linkk(fits, f"{prefix}-linkk"),
        _drt(fits, f"{prefix}-drt"),
        _series(fits, f"{prefix}-series"),
    ):
        if fig is not None:
            figs.append(fig)
    return figs
