"""The entry point :func:`deposit` and its typed result: Metric records with their conditions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.deposition.analysis import Morphology, morphology, nucleation_overpotential
from lithiophile.deposition.params import FARADAY
from lithiophile.deposition.setup import Setup
from lithiophile.deposition.simulate import RawRun, simulate
from lithiophile.metrics import Conditions, Metric

__all__ = ["DepositionResult", "deposit"]

@dataclass
class DepositionResult:
    """Outcome of one simulation: figures as Metrics, the time traces and the fields."""

    setup: Setup
    metrics: list[Metric]
    morphology: Morphology
    nucleation_overpotential_V: float
    growth_overpotential_V: float
    nuclei: int
    charge_error: float
    raw: RawRun = field(repr=False)
    notes: list[str] = field(default_factory=list)

    def metric(self, name: str) -> Metric:
        return next(m for m in self.metrics if m.metric == name)

    def row(self) -> dict[str, Any]:
        """The comparison-table row (display units)."""
        m = self.morphology
        return {
            "substrate": self.setup.surface.describe(),
            "eta_nuc_mV": round(self.nucleation_overpotential_V * 1e3, 2),
            "eta_growth_mV": round(self.growth_overpotential_V * 1e3, 2),
            "nuclei_per_um": round(self.nuclei / (self.setup.nx * self.setup.dx_m * 1e6), 3),
            "islands": m.islands,
            "roughness_nm": round(m.roughness_m * 1e9, 1),
            "coverage_pct": round(m.coverage * 100, 1),
            "protrusion_nm": round(m.protrusion_m * 1e9, 1),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "setup": self.setup.as_dict(),
            "metrics": [m.as_dict() for m in self.metrics],
            "table_row": self.row(),
            "nuclei": self.nuclei,
            "charge_error": self.charge_error,
            "steps": self.raw.steps,
            "wall_s": self.raw.wall_s,
            "notes": self.notes,
        }


def deposit(
    s: Setup, *, progress: Any = None, checkpoint: Path | str | None = None
) -> DepositionResult:
    """Simulate ``s`` and measure the deposit (METHODS.md nucleation overpotential
    definition; roughness, coverage, islands, protrusion of the xi = 0.5 surface).

    References
    ----------
    Chen et al., J. Power Sources 2015, 300, 376; Pei et al., Nano Lett. 2017, 17, 1132
    (nucleation overpotential).
    """
    raw = simulate(s, progress=progress, checkpoint=checkpoint)
    return measure(raw)


def measure(raw: RawRun) -> DepositionResult:
    s = raw.setup
    morph = morphology(raw.xi, s.dx_m)
    tr = raw.trace
    eta_nuc, eta_g = nucleation_overpotential(tr[:, 0], tr[:, 1])
    passed = s.current_density_A_m2 * s.time_s / (FARADAY * s.params.li_site_density_mol_m3)
    xi0, _ = _initial(s)
    grown = (np.clip(raw.xi, 0, None).sum() - xi0.sum()) * s.dx_m / s.nx
    err = float(grown / passed - 1.0) if passed != 0 else float(grown)
    cond = Conditions(
        current_density_A_m2=s.current_density_A_m2,
        areal_capacity_C_m2=abs(s.current_density_A_m2) * s.time_s,
        temperature_K=s.params.temperature_K,
        time_s=s.time_s,
        cell=f"Li|{s.surface.name} (phase-field simulation)",
        extra=(
            ("substrate", s.surface.describe()),
            ("grid", f"{s.nx}x{s.nz} at {s.dx_m * 1e9:g} nm"),
        ),
    )
    src = f"lithiophile.deposition {s.key()}"
    defn = "phase-field simulation (Butler-Volmer Allen-Cahn, Chen et al. 2015)"
    metrics = [
        Metric(
            "nucleation_overpotential",
            eta_nuc,
            cond,
            "|V_min| - |V_plateau| of the simulated potential, plateau the median of the "
            "last 20 % (METHODS.md)",
            variant="simulated",
            source=src,
        ),
        Metric(
            "growth_overpotential",
            eta_g,
            cond,
            "|V_plateau|, last 20 % of the run",
            variant="simulated",
            source=src,
        ),
        Metric(
            "deposit_roughness",
            morph.roughness_m,
            cond,
            "RMS of the xi = 0.5 surface height over the substrate; " + defn,
            source=src,
        ),
        Metric(
            "substrate_coverage",
            morph.coverage,
            cond,
            "fraction of substrate cells under Li (xi >= 0.5)",
            source=src,
        ),
        Metric(
            "nucleus_density",
            raw.nuclei / (s.nx * s.dx_m),
            cond,
            "nucleation events per substrate length (2-D slice)",
            source=src,
        ),
        Metric(
            "protrusion_length",
            morph.protrusion_m,
            cond,
            "highest surface point above the mean height",
            source=src,
        ),
        Metric(
            "deposit_thickness",
            morph.deposited_m,
            cond,
            "Li volume per substrate area (integral of xi)",
            source=src,
        ),
    ]
    notes = []
    if s.nucleation and raw.nuclei and abs(err) > 0.01:
        notes.append(
            f"deposit/charge - 1 = {err:+.2%}: the Li planted by nucleation had not "
            "all been paid back from the current by the end of the run"
        )
    return DepositionResult(s, metrics, morph, eta_nuc, eta_g, raw.nuclei, err, raw, notes)


def _initial(s: Setup) -> tuple[np.ndarray, np.ndarray]:
    from lithiophile.deposition.simulate import initial_fields

    return initial_fields(s)
