"""The entry point :func:`deposit` and its typed result: Metric records with their conditions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from lithiophile.deposition.analysis import Morphology, morphology, nucleation_overpotential
from lithiophile.deposition.params import FARADAY
from lithiophile.deposition.setup import Setup
from lithiophile.deposition.simulate import RawRun, simulate
from lithiophile.metrics import Conditions, Metric

__all__ = ["DepositionResult", "deposit"]


@dataclass
class DepositionResult:
    """Outcome of one simulation: figures as Metrics, the time traces and the fields.

    Its JSON (:func:`lithiophile.store.to_payload`) holds the setup, the metrics (with their
    units), ``table_row``, ``nuclei``, ``charge_error``, ``steps``, ``wall_s`` and ``notes``.
    """

    PAYLOAD_EXTRA: ClassVar[tuple[str, ...]] = ("table_row", "steps", "wall_s")

    setup: Setup
    metrics: list[Metric]
    morphology: Morphology = field(metadata={"payload": False})
    nucleation_overpotential_V: float = field(metadata={"payload": False})
    growth_overpotential_V: float = field(metadata={"payload": False})
    nuclei: int
    charge_error: float
    raw: RawRun = field(repr=False, metadata={"payload": False})
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

    @property
    def table_row(self) -> dict[str, Any]:
        return self.row()

    @property
    def steps(self) -> int:
        return self.raw.steps

    @property
    def wall_s(self) -> float:
        return self.raw.wall_s


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
    """The figures of a finished run: morphology, nucleation and growth overpotentials, and
    the deposit against the charge passed (Faraday's law)."""
    s = raw.setup
    morph = morphology(raw.xi, s.dx_m)
    eta_nuc, eta_g = nucleation_overpotential(raw.trace[:, 0], raw.trace[:, 1])
    err = _charge_error(raw)
    metrics = _metrics(raw, morph, eta_nuc, eta_g)
    notes = []
    if s.nucleation and raw.nuclei and abs(err) > 0.01:
        notes.append(
            f"deposit/charge - 1 = {err:+.2%}: the Li planted by nucleation had not "
            "all been paid back from the current by the end of the run"
        )
    return DepositionResult(s, metrics, morph, eta_nuc, eta_g, raw.nuclei, err, raw, notes)


def _charge_error(raw: RawRun) -> float:
    """Li deposited / Li the charge passed would give - 1 (the amount itself at zero charge)."""
    s = raw.setup
    passed = s.current_density_A_m2 * s.time_s / (FARADAY * s.params.li_site_density_mol_m3)
    xi0, _ = _initial(s)
    grown = (np.clip(raw.xi, 0, None).sum() - xi0.sum()) * s.dx_m / s.nx
    return float(grown / passed - 1.0) if passed != 0 else float(grown)


def _conditions(s: Setup) -> Conditions:
    return Conditions(
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


def _metrics(raw: RawRun, morph: Morphology, eta_nuc: float, eta_g: float) -> list[Metric]:
    """The run's figures as Metric records, with their conditions and definitions."""
    s = raw.setup
    cond = _conditions(s)
    src = f"lithiophile.deposition {s.key()}"
    defn = "phase-field simulation (Butler-Volmer Allen-Cahn, Chen et al. 2015)"
    figures: list[tuple[str, float, str, str | None]] = [
        (
            "nucleation_overpotential",
            eta_nuc,
            "|V_min| - |V_plateau| of the simulated potential, plateau the median of the "
            "last 20 % (METHODS.md)",
            "simulated",
        ),
        (
            "growth_overpotential",
            eta_g,
            "|V_plateau|, last 20 % of the run",
            "simulated",
        ),
        (
            "deposit_roughness",
            morph.roughness_m,
            "RMS of the xi = 0.5 surface height over the substrate; " + defn,
            None,
        ),
        (
            "substrate_coverage",
            morph.coverage,
            "fraction of substrate cells under Li (xi >= 0.5)",
            None,
        ),
        (
            "nucleus_density",
            raw.nuclei / (s.nx * s.dx_m),
            "nucleation events per substrate length (2-D slice)",
            None,
        ),
        (
            "protrusion_length",
            morph.protrusion_m,
            "highest surface point above the mean height",
            None,
        ),
        (
            "deposit_thickness",
            morph.deposited_m,
            "Li volume per substrate area (integral of xi)",
            None,
        ),
    ]
    return [
        Metric(name, value, cond, d, variant=variant, source=src)
        for name, value, d, variant in figures
    ]


def _initial(s: Setup) -> tuple[np.ndarray, np.ndarray]:
    from lithiophile.deposition.simulate import initial_fields

    return initial_fields(s)
