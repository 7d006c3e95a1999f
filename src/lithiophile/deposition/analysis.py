"""Measurements on a deposit: heights, roughness, coverage, islands, protrusions, contact angle,
nucleation overpotential; all in SI."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lithiophile.errors import CalculationFailed

__all__ = [
    "Morphology",
    "contact_angle_deg",
    "islands",
    "morphology",
    "nucleation_overpotential",
]


def heights(xi: np.ndarray, dx_m: float) -> np.ndarray:
    """Height of the top Li surface (xi = 0.5, interpolated) in each column [m]; 0 if bare."""
    nz = xi.shape[0]
    inside = xi >= 0.5
    top = np.where(inside.any(axis=0), nz - 1 - np.argmax(inside[::-1], axis=0), -1)
    out = np.zeros(xi.shape[1])
    for j, i in enumerate(top):
        if i < 0:
            continue
        if i + 1 < nz:
            a, b = xi[i, j], xi[i + 1, j]
            frac = (a - 0.5) / (a - b) if a != b else 0.0
            out[j] = (i + 0.5 + frac) * dx_m
        else:
            out[j] = nz * dx_m
    return out


def islands(xi: np.ndarray) -> int:
    """Number of separate Li islands touching the substrate (runs of covered bottom cells,
    periodic)."""
    cov = xi[0] >= 0.5
    if cov.all():
        return 1
    if not cov.any():
        return 0
    starts = cov & ~np.roll(cov, 1)
    return int(starts.sum())


@dataclass(frozen=True)
class Morphology:
    """Deposit figures [SI]."""

    deposited_m: float  # Li volume per substrate area (mean thickness)
    mean_height_m: float
    roughness_m: float  # RMS of the top-surface height
    coverage: float  # fraction of the substrate under Li
    islands: int
    protrusion_m: float  # highest point above the mean height
    tip_height_m: float


def morphology(xi: np.ndarray, dx_m: float) -> Morphology:
    h = heights(xi, dx_m)
    dep = float(np.clip(xi, 0, 1).sum(axis=0).mean() * dx_m)
    return Morphology(
        deposited_m=dep,
        mean_height_m=float(h.mean()),
        roughness_m=float(h.std()),
        coverage=float((xi[0] >= 0.5).mean()),
        islands=islands(xi),
        protrusion_m=float(h.max() - h.mean()),
        tip_height_m=float(h.max()),
    )


def contact_angle_deg(xi: np.ndarray, margin_cells: float = 3.0) -> float:
    """Contact angle [deg] of one Li cap on the substrate, inside the Li.

    Fits a circle (algebraic least squares, Kasa 1976) to the xi = 0.5 contour above
    ``margin_cells`` from the wall, then cos(theta) = -z_c / R for a circle centred at height
    z_c (cell-centre coordinates; the wall is at z = 0).
    """
    import contourpy

    nz, nx = xi.shape
    gen = contourpy.contour_generator(x=np.arange(nx, dtype=float), y=np.arange(nz) + 0.5, z=xi)
    lines: list[Any] = list(gen.lines(0.5))
    if not lines:
        raise CalculationFailed("no Li cap found (no xi = 0.5 contour) to measure an angle on.")
    pts = np.concatenate(lines)
    pts = pts[pts[:, 1] > margin_cells]
    if len(pts) < 8:
        raise CalculationFailed("the Li cap is too flat or too small to fit its contact angle.")
    x, z = pts[:, 0], pts[:, 1]
    a = np.column_stack([x, z, np.ones_like(x)])
    sol, *_ = np.linalg.lstsq(a, x * x + z * z, rcond=None)
    xc, zc = sol[0] / 2, sol[1] / 2
    r = math.sqrt(sol[2] + xc * xc + zc * zc)
    return math.degrees(math.acos(max(-1.0, min(1.0, -zc / r))))


def nucleation_overpotential(
    time_s: np.ndarray, potential_V: np.ndarray, window: float = 0.2
) -> tuple[float, float]:
    """(eta_nuc, eta_growth) [V] of a galvanostatic plating trace, METHODS.md definition:
    eta_nuc = |V_min| - |V_plateau|, eta_growth = |V_plateau|, the plateau the median over the
    last ``window`` fraction of the run."""
    v = np.asarray(potential_V)
    tail = v[time_s >= time_s[-1] * (1 - window)]
    plateau = float(np.median(tail))
    vmin = float(v.min())
    return abs(vmin) - abs(plateau), abs(plateau)
