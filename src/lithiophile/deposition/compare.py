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

__all__ = ["SubstrateTable", "seed_share", "substrate_table"]

COLUMNS = (
    ("eta_nuc_mV", "eta_nuc (mV)"),
    ("nuclei_per_um", "nuclei/um"),
    ("islands", "islands"),
    ("roughness_nm", "rough (nm)"),
    ("coverage_pct", "cover (%)"),
    ("protrusion_nm", "protr (nm)"),
)


@dataclass
class SubstrateTable:
    rows: dict[str, dict[str, Any]]
    conditions: str
    seed_share: float | None = None
    seed_area: float | None = None
    results: dict[str, DepositionResult] = field(default_factory=dict, repr=False)

    def lines(self) -> list[str]:
        head = f"{'substrate':<34}" + "".join(f"{h:>14}" for _, h in COLUMNS)
        out = [self.conditions, head]
        for name, row in self.rows.items():
            out.append(f"{name:<34}" + "".join(f"{row[k]!s:>14}" for k, _ in COLUMNS))
        if self.seed_share is not None:
            out.append(
                f"seeds ({self.seed_area:.0%} of the surface) hold {self.seed_share:.0%} of the "
                "Li in contact with the substrate"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "conditions": self.conditions,
            "rows": self.rows,
            "seed_share": self.seed_share,
            "seed_area_fraction": self.seed_area,
            "metrics": {k: [m.as_dict() for m in r.metrics] for k, r in self.results.items()},
        }


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
    """Fraction of the Li in contact with the substrate (bottom row) that sits on the seed
    columns (widened by ``reach`` columns)."""
    m = mask.copy()
    for r in range(1, reach + 1):
        m |= np.roll(mask, r) | np.roll(mask, -r)
    li = np.clip(xi, 0, 1).sum(axis=0)
    total = li.sum()
    return float(li[m].sum() / total) if total > 0 else 0.0
