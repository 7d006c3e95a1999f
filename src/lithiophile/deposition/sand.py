"""Compact to tip-led growth around Sand's time in 2-D (Bai et al., Energy Environ. Sci. 2016).

A Li film with one protrusion plates galvanostatically in a cell of height L. Above the cell's
limiting current i_lim = 2 D c0 F / ((1 - t+) L) the salt at the flat surface runs out (at
Sand's time for the semi-infinite cell while the depleted layer is thinner than L) and the flat
surface can only take what diffuses in; the rest of the current goes to the tip, which reaches
into richer electrolyte. Below i_lim the surface never runs out and the growth stays compact.

The figure that tells the two apart is computed from the simulation: the tip growth ratio,
the rise of the highest point divided by the rise of the mean deposit thickness (the integral
of xi) over the same interval. A protrusion that grows with the film gives about 1; tip-led
growth gives the inverse of the share of the surface that carries the current. It is measured
early (before Sand's time) and late (well after it) in both runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from lithiophile import cite
from lithiophile.deposition.analysis import heights
from lithiophile.deposition.params import Parameters
from lithiophile.deposition.setup import Setup
from lithiophile.deposition.simulate import RawRun, simulate
from lithiophile.errors import InputError

__all__ = ["GrowthRun", "SandTransition", "sand_transition", "tip_growth_ratio"]

#: The fractions of the charge passed between which the early and late ratios are measured.
EARLY = (0.1, 0.25)
LATE = (0.75, 1.0)


@dataclass(frozen=True)
class GrowthRun:
    """One run: its current, the tip growth ratios and the potential trace's peak."""

    current_A_m2: float
    current_over_limiting: float
    sand_time_s: float
    time_s: float
    early_ratio: float
    late_ratio: float
    peak_potential_V: float
    peak_time_over_sand: float
    final_tip_m: float
    final_thickness_m: float
    raw: RawRun | None = field(default=None, repr=False, compare=False, metadata={"payload": False})


@dataclass(frozen=True)
class SandTransition:
    """The depleting run (above the limiting current) and the control (below it)."""

    depleting: GrowthRun
    control: GrowthRun
    conditions: str

    def lines(self) -> list[str]:
        out = [self.conditions]
        out.append(
            f"{'run':<34}{'i/i_lim':>9}{'early ratio':>13}{'late ratio':>12}{'V peak (V)':>12}"
        )
        named = (("above i_lim (surface runs out)", self.depleting), ("below i_lim", self.control))
        for name, r in named:
            out.append(
                f"{name:<34}{r.current_over_limiting:>9.2f}{r.early_ratio:>13.2f}"
                f"{r.late_ratio:>12.2f}{r.peak_potential_V:>12.3f}"
            )
        out.append(
            "tip growth ratio = rise of the highest point / rise of the mean thickness; early: "
            f"{EARLY[0]:.0%}-{EARLY[1]:.0%} of the charge, late: {LATE[0]:.0%}-{LATE[1]:.0%}"
        )
        return out


def tip_growth_ratio(run: RawRun, window: tuple[float, float]) -> float:
    """Rise of the highest surface point over the rise of the mean deposit thickness between
    the snapshots nearest the two fractions of the run's charge (time) in ``window``."""
    times = np.array([t for t, _ in run.snapshots])
    a, b = (int(np.argmin(abs(times - f * run.setup.time_s))) for f in window)
    if a == b:
        raise InputError(
            f"the run has too few snapshots ({len(times)}) to measure growth between "
            f"{window[0]:.0%} and {window[1]:.0%} of it; give more (Setup snapshots=)."
        )
    dx = run.setup.dx_m

    def tip_and_mean(xi: np.ndarray) -> tuple[float, float]:
        return float(heights(xi, dx).max()), float(np.clip(xi, 0, 1).sum(axis=0).mean() * dx)

    (tip_a, dep_a), (tip_b, dep_b) = (tip_and_mean(run.snapshots[k][1]) for k in (a, b))
    return (tip_b - tip_a) / (dep_b - dep_a)


def _growth(s: Setup, i_lim: float) -> GrowthRun:
    r = simulate(s)
    t_sand = s.params.sand_time_s(s.current_density_A_m2)
    k = int(np.argmax(np.abs(r.trace[:, 1])))
    xi = r.snapshots[-1][1]
    return GrowthRun(
        current_A_m2=s.current_density_A_m2,
        current_over_limiting=s.current_density_A_m2 / i_lim,
        sand_time_s=t_sand,
        time_s=s.time_s,
        early_ratio=tip_growth_ratio(r, EARLY),
        late_ratio=tip_growth_ratio(r, LATE),
        peak_potential_V=float(r.trace[k, 1]),
        peak_time_over_sand=float(r.trace[k, 0] / t_sand),
        final_tip_m=float(heights(xi, s.dx_m).max()),
        final_thickness_m=float(np.clip(xi, 0, 1).sum(axis=0).mean() * s.dx_m),
        raw=r,
    )


def sand_transition(
    nx: int = 64,
    nz: int = 320,
    *,
    above: float = 1.57,
    below: float = 0.5,
    sand_times: float = 4.0,
    snapshots: int = 33,
) -> SandTransition:
    """Run the cell above (``above`` x i_lim) and below (``below`` x i_lim) its limiting
    current, passing the same charge: ``sand_times`` Sand's times of the depleting run.

    Defaults: 64 x 320 cells at 50 nm (a 16 um cell; at 1.57 i_lim the semi-infinite depleted
    layer at Sand's time, pi D c0 F / (2 (1 - t+) i), is half the cell), a 0.3 um film with a
    2 um protrusion 0.4 um wide, and an interface mobility of 1e-5 m3 J-1 s-1 so the diffuse
    interface keeps its profile (relaxes in ms) on the 0.06 s scale of Sand's time here.

    References
    ----------
    Bai, Li, Brushett & Bazant, Energy Environ. Sci. 2016, 9, 3221 (Sand's time, the transition
    from mossy to dendritic growth); Sand, Philos. Mag. 1901, 1, 45.
    """
    cite.register("Bai2016EES")
    p = Parameters(interface_mobility_m3_J_s=1e-5)
    dx = 5e-8
    i_lim = p.limiting_current_A_m2(nz * dx)
    base = Setup(
        nx=nx,
        nz=nz,
        dx_m=dx,
        params=p,
        initial="film",
        film_thickness_m=3e-7,
        protrusion_m=2e-6,
        protrusion_width_m=4e-7,
        nucleation=False,
        float32=True,
        snapshots=snapshots,
    )
    i_hi, i_lo = above * i_lim, below * i_lim
    charge = i_hi * sand_times * p.sand_time_s(i_hi)  # C m-2, the same in both runs
    runs = [
        _growth(replace(base, current_density_A_m2=i, time_s=charge / i), i_lim)
        for i in (i_hi, i_lo)
    ]
    return SandTransition(
        depleting=runs[0],
        control=runs[1],
        conditions=(
            f"cell {nz * dx * 1e6:g} um high, {nx}x{nz} at {dx * 1e9:g} nm, i_lim = "
            f"{i_lim / 10:.0f} mA cm-2, the same charge in both runs "
            f"({charge / 36000:.3g} mAh cm-2: {sand_times:g} Sand's times of the first)"
        ),
    )
