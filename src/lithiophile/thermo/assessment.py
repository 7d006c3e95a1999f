"""One-call assessment of a material against Li: reaction, interface type, alloying, wetting.

Units: eV, eV/atom, K, J m-2, degrees.

The wetting prediction is qualitative from chemistry (Wang et al. 2019: an element or compound
that reacts with Li or alloys with it wets molten Li; one that does not, does not) and, when a
work of adhesion is given (e.g. from lithiophile.atomistic), quantitative through Young-Dupre
with the liquid-Li surface tension at the temperature given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError
from lithiophile.thermo.interface import InterfaceResult, interface_type
from lithiophile.thermo.reactions import parse_material

ELECTROLYTES = ("liquid", "solid")


@dataclass(frozen=True)
class Assessment:
    """Reaction, interface type, alloying and wetting of a material against Li, with a verdict."""

    material: str
    electrolyte: str
    interface: InterfaceResult
    alloys_with_li: bool
    alloy_products: tuple[str, ...]
    wets_molten_li: bool | None
    contact_angle_deg: float | None
    wetting_basis: str
    verdict: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "material": self.material,
            "electrolyte": self.electrolyte,
            "reaction": self.interface.reaction.equation,
            "energy_per_atom_eV": self.interface.reaction.energy_per_atom_eV,
            "full_reaction": self.interface.reaction.full.equation,
            "reacts": self.interface.reaction.reacts,
            "energy_known": self.interface.reaction.full.per_formula_unit_eV is not None,
            "interface_type": self.interface.type,
            "interface_basis": self.interface.basis,
            "alloys_with_li": self.alloys_with_li,
            "alloy_products": list(self.alloy_products),
            "wets_molten_li": self.wets_molten_li,
            "contact_angle_deg": self.contact_angle_deg,
            "wetting_basis": self.wetting_basis,
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "missing_phases": list(self.interface.reaction.missing_phases),
        }


def assess(
    material: Any,
    electrolyte: str = "liquid",
    *,
    source: Any = "bundled",
    temperature_K: float = 523.15,
    work_of_adhesion_J_m2: float | None = None,
) -> Assessment:
    """Assess ``material`` as a host/coating (liquid electrolyte) or interlayer (solid).

    Parameters
    ----------
    material
        Formula.
    electrolyte
        ``"liquid"`` (host, coating) or ``"solid"`` (interlayer on a solid electrolyte).
    source
        Energy source, as in :func:`lithiophile.thermo.react`.
    temperature_K
        Temperature of molten-Li wetting [K] (default 250 C).
    work_of_adhesion_J_m2
        Work of adhesion of Li on the material [J m-2], if known: gives a contact angle.

    References
    ----------
    Wang et al., Nat. Commun. 2019, 10, 4930; Wenzel et al., Solid State Ionics 2015.
    """
    if electrolyte not in ELECTROLYTES:
        raise InputError(
            f"'electrolyte' must be 'liquid' (host or coating) or 'solid' (interlayer on a "
            f"solid electrolyte). Got {electrolyte!r}."
        )
    comp = parse_material(material)
    it = interface_type(comp, source=source)
    rx = it.reaction
    cite.register("Wang2019NatCommun")
    alloy = tuple(
        c.formula
        for c in it.characters
        if c.character == "conductor" and "Li" in c.formula and c.formula != "Li"
    )
    alloys = bool(alloy) or bool(it.alloying_elements)
    reasons = list(it.reasons)
    reacts = rx.reacts and rx.full.per_formula_unit_eV is not None
    if it.basis == "literature":
        wets: bool | None = None
        basis = "no energy for the material: wetting not predicted from chemistry"
    elif reacts or alloys:
        wets = True
        basis = "reacts or alloys with Li (Wang et al. 2019 rule)"
    else:
        wets = False
        basis = "no reaction and no alloy with Li (Wang et al. 2019 rule)"
    angle = None
    if work_of_adhesion_J_m2 is not None:
        from lithiophile.wetting import contact_angle_from_adhesion, li_surface_tension

        ca = contact_angle_from_adhesion(work_of_adhesion_J_m2, li_surface_tension(temperature_K))
        angle = ca.angle_deg
        wets = ca.wets
        basis = f"Young-Dupre from W_ad = {work_of_adhesion_J_m2:g} J m-2 at {temperature_K:g} K"
        reasons.append(f"predicted contact angle {angle:.1f} deg ({ca.regime}).")
    if rx.energy_per_atom_eV is not None and rx.reacts:
        reasons.append(
            f"{rx.equation}: {rx.energy_per_atom_eV:.3f} eV/atom ({rx.energy_kind}, "
            f"source {rx.source})."
        )
    verdict = _verdict(comp.reduced_formula, electrolyte, it, wets, alloys)
    return Assessment(
        material=comp.reduced_formula,
        electrolyte=electrolyte,
        interface=it,
        alloys_with_li=alloys,
        alloy_products=alloy,
        wets_molten_li=wets,
        contact_angle_deg=angle,
        wetting_basis=basis,
        verdict=verdict,
        reasons=tuple(reasons),
    )


def _verdict(
    name: str, electrolyte: str, it: InterfaceResult, wets: bool | None, alloys: bool
) -> str:
    if it.basis == "literature" and it.literature is not None:
        return (
            f"type {it.type} (literature, {it.literature['source']}): {it.literature['statement']}."
        )
    if electrolyte == "liquid":
        if wets:
            return "lithiophilic host/coating (reacts or alloys with Li, wets molten Li)."
        if wets is None:
            return "wetting unknown (no energy for the material in this source)."
        return "lithiophobic (no reaction with Li); needs a lithiophilic surface treatment."
    if it.type == "III":
        extra = " alloys with Li," if alloys else ""
        return (
            f"type III interlayer:{extra} improves wetting and contact, but conducts "
            "electrons; keep it thin so it is fully lithiated and does not keep reacting."
        )
    if it.type == "II":
        return (
            "type II interlayer: electronically insulating, passivating interphase "
            "that blocks side reactions."
        )
    return "type I: stable against Li; no chemical driving force for wetting."
