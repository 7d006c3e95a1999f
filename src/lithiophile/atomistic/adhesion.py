"""Work of adhesion of a Li slab on a substrate, the interface energy and the predicted
contact angle of molten Li.

W_ad = (E_slab,sub + E_slab,Li - E_interface) / A (METHODS.md "Atomistic"), all three relaxed
with the same model in the same cell. Surface energies gamma = (E_slab - N e_bulk) / (2 A)
(two-sided average, bottom layer of the substrate at bulk positions); the interface energy
follows from Dupre's relation gamma_int = gamma_sub + gamma_Li - W_ad. The contact angle is
Young-Dupre, cos(theta) = W_ad / gamma_Li(l) - 1, with the liquid-Li surface tension at the
given temperature (``lithiophile.wetting``). A 0 K adhesion of a strained solid Li film is a
trend indicator for molten-Li wetting, not a prediction to the degree.

Units: eV and Angstrom inside; W_ad and surface energies reported in J m-2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lithiophile.store import JsonFields

__all__ = ["EV_PER_A2_TO_J_PER_M2", "AdhesionResult", "work_of_adhesion"]

#: 1 eV/A^2 in J/m^2 (1.602176634e-19 J / 1e-20 m^2; CODATA 2018 exact e).
EV_PER_A2_TO_J_PER_M2 = 16.02176634

#: Default temperature of the predicted contact angle [K]: 300 C, a usual molten-Li infusion.
DEFAULT_TEMPERATURE_K = 573.15


@dataclass(frozen=True)
class AdhesionResult(JsonFields):
    """Li|substrate adhesion with one model (energies [eV], area [A^2], W and gammas [J m-2])."""

    substrate: str
    facet: str
    li_facet: str
    model: str
    strain: float
    area_A2: float
    e_interface_eV: float
    e_substrate_eV: float
    e_li_slab_eV: float
    work_of_adhesion_J_m2: float
    gamma_substrate_J_m2: float
    gamma_li_J_m2: float
    interface_energy_J_m2: float
    temperature_K: float
    contact_angle_deg: float | None
    notes: tuple[str, ...] = ()
    structure: str = field(default="", repr=False)  # relaxed interface, extxyz

    PAYLOAD_EXTRA = ("contact_angle", "work_of_adhesion")

    def work_of_adhesion(self) -> Any:
        """W_ad as a Metric [J m-2]."""
        from lithiophile.metrics import Conditions, Metric

        return Metric(
            "work_of_adhesion",
            self.work_of_adhesion_J_m2,
            conditions=Conditions(cell=f"Li({self.li_facet})|{self.substrate}({self.facet})"),
            definition="W_ad = (E_slab,sub + E_slab,Li - E_interface) / A (METHODS.md Atomistic)",
            variant="0 K, relaxed, strained Li film",
            source=self.model,
            notes=self.notes,
        )

    def contact_angle(self) -> Any:
        """The predicted contact angle as a Metric, or None when it could not be computed."""
        from lithiophile.metrics import Conditions, Metric

        if self.contact_angle_deg is None:
            return None
        return Metric(
            "contact_angle",
            self.contact_angle_deg,
            conditions=Conditions(
                temperature_K=self.temperature_K, cell=f"Li|{self.substrate}({self.facet})"
            ),
            definition="Young-Dupre cos(theta) = W_ad/gamma_Li(T) - 1, W_ad from the model",
            variant="predicted (atomistic W_ad)",
            source=self.model,
            notes=self.notes,
        )


def _predicted_angle(w_ad: float, temperature_K: float) -> tuple[float | None, str]:
    """Young-Dupre angle [deg] of molten Li and a note on its regime."""
    from lithiophile.wetting import li_surface_tension, young_dupre_angle

    gamma = li_surface_tension(temperature_K)
    if w_ad <= 0:
        return None, f"W_ad = {w_ad:.3f} J m-2 <= 0: Li does not adhere in this model"
    angle = float(young_dupre_angle(w_ad, gamma))
    if w_ad >= 2 * gamma:
        return angle, (
            f"complete wetting predicted: W_ad >= 2 gamma_Li = {2 * gamma:.3f} J m-2 at "
            f"{temperature_K:g} K (Young-Dupre); real molten-Li wetting also depends on surface "
            "oxides and alloying, which this cell omits: compare substrates by W_ad"
        )
    return angle, f"partial wetting: gamma_Li = {gamma:.4f} J m-2 at {temperature_K:g} K"


def work_of_adhesion(
    substrate: Any = "Cu",
    facet: str = "111",
    model: Any = "chgnet",
    *,
    li_facet: str = "110",
    max_strain: float = 0.05,
    temperature_K: float = DEFAULT_TEMPERATURE_K,
    fmax: float = 0.05,
    steps: int = 300,
    optimizer: str = "BFGS",
    substrate_layers: int = 3,
    li_layers: int = 3,
) -> AdhesionResult:
    """Work of adhesion of Li on ``substrate(facet)``, interface energy and contact angle.

    Parameters
    ----------
    substrate, facet, li_facet, max_strain
        The interface (see :func:`~lithiophile.atomistic.li_interface`).
    model
        ``"chgnet"`` (default), ``"sevennet"`` or an ASE calculator.
    temperature_K
        Temperature of the liquid-Li surface tension used for the contact angle [K].
    fmax, steps, optimizer
        Relaxation settings [eV/A].

    Raises
    ------
    CalculationFailed
        One of the three relaxations did not converge.

    References
    ----------
    METHODS.md "Atomistic" and "Wetting" (Young-Dupre; gamma_Li after Davison 1968).
    """
    from lithiophile import cite
    from lithiophile.atomistic.interface import li_interface
    from lithiophile.atomistic.models import check_elements, get_calculator, model_label
    from lithiophile.atomistic.structio import atoms_to_text
    from lithiophile.wetting import li_surface_tension

    li_surface_tension(temperature_K)  # refuses, up front, a temperature where Li is not liquid
    cite.register("Larsen2017")
    cell = li_interface(
        substrate,
        facet,
        li_facet=li_facet,
        max_strain=max_strain,
        substrate_layers=substrate_layers,
        li_layers=li_layers,
    )
    check_elements(cell.atoms, model)
    calc = get_calculator(model, stress=False)
    kw: dict[str, Any] = {"fmax": fmax, "steps": steps, "optimizer": optimizer}
    inter, sub, li = _relax_parts(cell, calc, kw, str(facet), str(li_facet))
    area = cell.area_A2
    w_ad = (sub.energy_eV + li.energy_eV - inter.energy_eV) / area * EV_PER_A2_TO_J_PER_M2
    gamma_sub, gamma_li = _surface_energies(substrate, model, cell, sub.energy_eV, li.energy_eV)
    angle, regime = _predicted_angle(w_ad, temperature_K)
    notes = (*_notes(cell.strain), regime)
    return AdhesionResult(
        cell.substrate,
        str(facet),
        str(li_facet),
        model_label(model),
        cell.strain,
        area,
        inter.energy_eV,
        sub.energy_eV,
        li.energy_eV,
        w_ad,
        gamma_sub,
        gamma_li,
        gamma_sub + gamma_li - w_ad,
        temperature_K,
        angle,
        notes,
        atoms_to_text(inter.atoms),
    )


def _notes(strain: float) -> tuple[str, ...]:
    """The caveats every adhesion result carries."""
    return (
        f"Li film strained by {strain:.1%} (von Mises) to match the substrate",
        "gamma_Li includes the film's strain energy (reference: relaxed bcc Li); gamma_sub is "
        "a two-sided average with the bottom layer fixed at bulk positions",
        "0 K solid-Li adhesion from a machine-learned potential: a trend indicator for "
        "molten-Li wetting",
    )


def _relax_parts(
    cell: Any, calc: Any, kw: dict[str, Any], facet: str, li_facet: str
) -> tuple[Any, Any, Any]:
    """The relaxed interface, substrate slab and (strained, unconstrained) Li slab."""
    from lithiophile.atomistic.relax import relax

    label = f"Li({li_facet})|{cell.substrate}({facet})"
    inter = relax(cell.atoms, calc, **kw).require(f"the interface {label}")
    sub = relax(cell.part("substrate"), calc, **kw).require(f"the {cell.substrate}({facet}) slab")
    li_slab = cell.part("film")
    li_slab.set_constraint()
    li = relax(li_slab, calc, **kw).require(f"the strained Li({li_facet}) slab")
    return inter, sub, li


def _surface_energies(
    substrate: Any, model: Any, cell: Any, e_sub_slab: float, e_li_slab: float
) -> tuple[float, float]:
    """Surface energies [J/m^2] of the substrate slab (against its bulk) and of the strained Li
    slab (against relaxed bcc Li), each averaged over the slab's two faces."""
    from lithiophile.atomistic.bulk import bulk
    from lithiophile.atomistic.models import get_calculator
    from lithiophile.atomistic.references import li_references

    sub_bulk = bulk(substrate) if isinstance(substrate, str) else substrate.copy()
    sub_bulk.calc = get_calculator(model, stress=False)
    e_sub_bulk = float(sub_bulk.get_potential_energy()) / len(sub_bulk)
    mu_li = li_references(model).mu_bcc_eV
    n_sub, n_li = len(cell.substrate_indices), len(cell.film_indices)
    area = cell.area_A2
    gamma_sub = (e_sub_slab - n_sub * e_sub_bulk) / (2 * area) * EV_PER_A2_TO_J_PER_M2
    gamma_li = (e_li_slab - n_li * mu_li) / (2 * area) * EV_PER_A2_TO_J_PER_M2
    return gamma_sub, gamma_li
