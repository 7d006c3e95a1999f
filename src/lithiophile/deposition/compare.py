"""Same current, different substrates: the lithiophilic-against-lithiophobic table, and how much
of the deposit lithiophilic seeds collect (Yan et al. 2016)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from lithiophile.deposition.params import Parameters
from lithiophile.deposition.results import DepositionResult, deposit
from lithiophile.deposition.setup import Setup
from lithiophile.deposition.substrate import Substrate, seed_mask
from lithiophile.metrics import Metric

__all__ = ["SubstrateTable", "seed_share", "substrate_table"]

COLUMNS = (
    ("eta_nuc_mV", "eta_nuc (mV)"),
    ("nuclei_per_um", "nuclei/um"),
    ("islands", "islands"),
    ("roughness_nm", "rough (nm)"),
    ("coverage_pct", "cover (%)"),
    ("protrusion_nm", "protr (nm)"),
)


def _metrics_by_run(results: dict[str, DepositionResult]) -> dict[str, list[Metric]]:
    return {k: r.metrics for k, r in results.items()}


@dataclass
class SubstrateTable:
    """The comparison table; its JSON (:func:`lithiophile.store.to_payload`) holds
    ``conditions``, ``rows``, ``seed_share``, ``seed_area_fraction`` and each run's
    ``metrics``."""

    rows: dict[str, dict[str, Any]]
    conditions: str
    seed_share: float | None = None
    seed_area: float | None = field(default=None, metadata={"payload_key": "seed_area_fraction"})
    results: dict[str, DepositionResult] = field(
        default_factory=dict,
        repr=False,
        metadata={"payload_key": "metrics", "payload_as": _metrics_by_run},
    )

    def lines(self) -> list[str]:
        head = f"{'substrate':<34}" + "".join(f"{h:>14}" for _, h in COLUMNS)
        out = [self.conditions, head]
        for name, row in self.rows.items():
            out.append(f"{name:<34}" + "".join(f"{row[k]!s:>14}" for k, _ in COLUMNS))
        if self.seed_share is not None:
            out.append(
                f"the columns over the seeds ({self.seed_area:.0%} of the surface) hold "
                f"{self.seed_share:.0%} of the deposited Li"
            )
        if any(r["islands"] == 0 and r["coverage_pct"] == 0 for r in self.rows.values()):
            out.append(
                "0 islands / 0 % cover: the Li caps dewetted and left the surface; the model "
                "keeps them at the electrode potential, in a cell they would be isolated (dead) Li"
            )
        return out


def base_setup(nx: int = 64, nz: int = 64, **kw: Any) -> Setup:
    """The comparison case: bare substrate, nucleation on, 2 mA cm-2 for 150 s."""
    d = dict(
        nx=nx,
        nz=nz,
        current_density_A_m2=20.0,
        time_s=150.0,
        snapshots=6,
        params=Parameters(nucleus_energy_J_m2=0.15),
    )
    d.update(kw)
    return Setup(**d)  # type: ignore[arg-type]


def substrate_table(
    nx: int = 64,
    nz: int = 64,
    *,
    lithiophilic: float = 20.0,
    lithiophobic: float = 150.0,
    n_seeds: int = 2,
    **kw: Any,
) -> SubstrateTable:
    """Run three substrates at the same current: lithiophilic, lithiophobic, and lithiophilic
    seeds on the lithiophobic one."""
    base = base_setup(nx, nz, **kw)
    width = max(3, nx // 8)
    subs = {
        f"lithiophilic ({lithiophilic:g} deg)": Substrate.uniform(
            nx, lithiophilic, name="lithiophilic"
        ),
        f"lithiophobic ({lithiophobic:g} deg)": Substrate.uniform(
            nx, lithiophobic, name="lithiophobic"
        ),
        f"{n_seeds} seeds ({lithiophilic:g} deg) on {lithiophobic:g} deg": Substrate.seeds(
            nx, lithiophobic, lithiophilic, n_seeds=n_seeds, seed_width=width, name="seeds"
        ),
    }
    results = {k: deposit(replace(base, substrate=v)) for k, v in subs.items()}
    seeded = results[list(subs)[2]]
    mask = seed_mask(nx, n_seeds, width)
    share = seed_share(seeded.raw.xi, mask)
    return SubstrateTable(
        rows={k: r.row() for k, r in results.items()},
        conditions=f"same current: {base.current_density_A_m2 / 10:g} mA cm-2 for "
        f"{base.time_s:g} s, grid {nx}x{nz} at {base.dx_m * 1e9:g} nm",
        seed_share=share,
        seed_area=float(mask.mean()),
        results=results,
    )


def seed_share(xi: np.ndarray, mask: np.ndarray, reach: int = 0) -> float:
    """Fraction of the deposited Li (column sums of xi) that lies over the seed columns
    (widened by ``reach`` columns)."""
    m = mask.copy()
    for r in range(1, reach + 1):
        m |= np.roll(mask, r) | np.roll(mask, -r)
    li = np.clip(xi, 0, 1).sum(axis=0)
    total = li.sum()
    return float(li[m].sum() / total) if total > 0 else 0.0


def island_widths(xi: np.ndarray, dx_m: float) -> np.ndarray:
    """Widths [m] of the covered runs of the bottom row (periodic)."""
    cov = xi[0] >= 0.5
    if cov.all() or not cov.any():
        return np.array([cov.size * dx_m]) if cov.all() else np.array([])
    k = int(np.argmin(cov))  # start the scan on a bare cell so no run wraps
    c = np.roll(cov, -k)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], c.astype(int), [0]])))
    return (edges[1::2] - edges[::2]) * dx_m


#: Smallest ratio of the highest to the lowest peak overpotential over which a power law in
#: eta is fitted (a factor 1.5 gives the exponent to about +-1 with +-15 % scatter in counts).
MIN_SPAN = 1.5


@dataclass(frozen=True)
class ScalingRow:
    """One galvanostatic run of :func:`nucleation_scaling`.

    ``saturated``: the density reached the model's cap (every candidate site nucleated);
    ``covered``: the islands merged into a film."""

    current_A_m2: float
    eta_peak_V: float
    nuclei_per_um: float
    mean_island_um: float | None
    saturated: bool
    covered: bool


@dataclass(frozen=True)
class NucleationScaling:
    """Nucleus density and size against the nucleation overpotential (a report, not a pass
    mark); see :func:`nucleation_scaling` for when an exponent is None."""

    rows: tuple[ScalingRow, ...]
    density_exponent: float | None
    size_exponent: float | None
    eta_span: float
    slopes_over_too_narrow_span: dict[str, float | None] | None
    density_rows_used: int
    size_rows_used: int
    classical: dict[str, float]
    exponent_note: str
    note: str


def nucleation_scaling(
    currents_A_m2: tuple[float, ...] = (10.0, 20.0, 40.0, 80.0),
    nx: int = 128,
    nz: int = 32,
    theta_deg: float = 120.0,
    time_s: float = 20.0,
) -> NucleationScaling:
    """Nucleus density and size against the nucleation overpotential, with the power-law
    exponents fitted in log-log (Pei et al., Nano Lett. 2017, 17, 1132: size ~ 1/eta,
    density ~ eta^3). A report, not a pass mark.

    A row whose density reached the model's cap (one nucleus per candidate spacing: every
    site nucleated) is marked ``saturated`` and one whose islands merged into a film
    ``covered``; the exponents are fitted over the other rows only, and are None (with the
    reason in ``exponent_note``) where fewer than two remain or where the peak overpotentials
    span less than a factor :data:`MIN_SPAN` (the slopes are then kept, labelled, in
    ``slopes_over_too_narrow_span``)."""
    rows = []
    for i in currents_A_m2:
        s = base_setup(
            nx,
            nz,
            current_density_A_m2=i,
            time_s=time_s,
            substrate=Substrate.uniform(nx, theta_deg, name=f"{theta_deg:g} deg"),
        )
        rows.append(_scaling_row(s, deposit(s)))
    eta = np.array([r.eta_peak_V for r in rows])
    free = np.array([not r.saturated for r in rows])
    apart = np.array([not r.covered for r in rows])
    dens = np.array([r.nuclei_per_um for r in rows])
    size = np.array([np.nan if r.mean_island_um is None else r.mean_island_um for r in rows])

    def slope(y: np.ndarray, use: np.ndarray) -> float | None:
        ok = use & (y > 0) & np.isfinite(y)
        if ok.sum() < 2 or np.ptp(np.log(eta[ok])) < 1e-9:
            return None
        return float(np.polyfit(np.log(eta[ok]), np.log(y[ok]), 1)[0])

    d_exp, s_exp = slope(dens, free), slope(size, apart)
    span = float(eta.max() / eta.min())
    narrow = {"density": d_exp, "size": s_exp} if span < MIN_SPAN else None
    if narrow is not None:
        d_exp = s_exp = None
    return NucleationScaling(
        rows=tuple(rows),
        density_exponent=d_exp,
        size_exponent=s_exp,
        eta_span=span,
        slopes_over_too_narrow_span=narrow,
        density_rows_used=int(free.sum()),
        size_rows_used=int(apart.sum()),
        classical={"density_exponent": 3.0, "size_exponent": -1.0},
        exponent_note=_exponent_note(d_exp, s_exp, span, narrow is not None),
        note="2-D slice: density per substrate length; sizes are island widths at the "
        "end of the run, limited below by the planted nucleus (1.25 interface widths)",
    )


def _scaling_row(s: Setup, r: DepositionResult) -> ScalingRow:
    from lithiophile.deposition.simulate import candidate_spacing

    widths = island_widths(r.raw.xi, s.dx_m)
    per_um = r.nuclei / (s.nx * s.dx_m * 1e6)
    cap = 1.0 / (candidate_spacing(s) * s.dx_m * 1e6)
    return ScalingRow(
        current_A_m2=s.current_density_A_m2,
        eta_peak_V=float(np.max(np.abs(r.raw.trace[:, 1]))),
        nuclei_per_um=per_um,
        mean_island_um=float(widths.mean() * 1e6) if widths.size else None,
        saturated=bool(per_um >= 0.9 * cap),
        covered=bool(r.morphology.coverage >= 0.999),
    )


def _exponent_note(d_exp: float | None, s_exp: float | None, span: float, narrow: bool) -> str:
    if narrow:
        return (
            f"exponents unknown: the peak overpotentials span only a factor {span:.2f} (below "
            f"{MIN_SPAN:g}), too narrow to fit a power law; classical nucleation pins eta_nuc, "
            "which grows only logarithmically with the current"
        )
    parts = []
    if d_exp is None:
        parts.append(
            "density exponent unknown: fewer than two rows below the model's saturation "
            "density (every candidate site nucleated)"
        )
    if s_exp is None:
        parts.append("size exponent unknown: fewer than two rows whose islands stayed apart")
    parts.append(f"peak overpotentials span a factor {span:.2f}")
    return "; ".join(parts)
