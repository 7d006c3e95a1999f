"""Reaction between two materials in contact (a coating and a solid electrolyte), closed system.

Units: eV per atom of the reactant mixture.

:func:`react_pair` mixes ``a`` and ``b`` in every ratio and finds the most negative reaction
energy on the pseudo-binary line, each material taken at its hull energy (a metastable
electrolyte's own decomposition is not counted as a reaction with the coating; a note says
when a material is metastable) (the interfacial-reactivity construction of Richards et al.:
no element is exchanged with a reservoir, unlike :func:`lithiophile.thermo.react`, where Li is
open). Both materials need an energy in the source (a doped LATP/LAGP uses the mixture of its
end members, as in ``react``); where one has none, the answer is unknown and says which.

References
----------
Richards, W. D.; Miara, L. J.; Wang, Y.; Kim, J. C.; Ceder, G. Interface stability in solid-state
batteries. Chem. Mater. 2016, 28, 266 (pseudo-binary interfacial reactivity).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.thermo import sources as src
from lithiophile.thermo.material import (
    check_coverage,
    material_uncertainty,
    own_energy,
    parse_material,
)
from lithiophile.thermo.reactions import TOL_EV

__all__ = ["PairReaction", "react_pair"]


@dataclass(frozen=True)
class PairReaction:
    """The most exergonic reaction of ``a`` with ``b`` (closed system).

    Attributes
    ----------
    a, b
        The two materials as given.
    reacts
        True if the most negative mixing reaction lies below ``-uncertainty_eV``, False if no
        ratio releases energy beyond it, None if an energy is missing (``note`` says which).
    equation
        The reaction at the most negative ratio (pymatgen's balanced form), or None.
    per_atom_eV
        Its energy [eV per atom of reactants], or None.
    fraction_a
        Atomic fraction of ``a`` in the reacting mixture at that ratio.
    uncertainty_eV
        Uncertainty of ``per_atom_eV`` from the computed energies involved [eV/atom].
    source, note
        Energy source name; why the answer is unknown or marginal.
    """

    a: str
    b: str
    reacts: bool | None
    equation: str | None
    per_atom_eV: float | None
    fraction_a: float | None
    uncertainty_eV: float
    source: str
    note: str = ""

    def text(self) -> str:
        """One line for an evidence card."""
        if self.reacts is None:
            return f"{self.a} with {self.b}: unknown ({self.note})"
        if not self.reacts:
            e = self.per_atom_eV or 0.0
            return (
                f"{self.a} with {self.b}: stable in contact (most negative mixing energy "
                f"{e:+.3f} +- {self.uncertainty_eV:.3f} eV/atom)" + _tail(self.note)
            )
        return (
            f"{self.a} with {self.b}: {self.equation} ({self.per_atom_eV:+.3f} +- "
            f"{self.uncertainty_eV:.3f} eV/atom)" + _tail(self.note)
        )


def _tail(note: str) -> str:
    return f"; {note}" if note else ""


@functools.lru_cache(maxsize=512)
def react_pair(a: str, b: str, *, source: str = "bundled") -> PairReaction:
    """The reaction of ``a`` with ``b`` when they touch (no Li reservoir).

    Parameters
    ----------
    a, b
        Formulas (``"Li3PO4"``, ``"Li7La3Zr2O12"``); a doped LATP/LAGP is taken as the mixture
        of its end members.
    source
        An energy source name (``"bundled"``, ``"computed-chgnet"`` ...).

    Examples
    --------
    >>> react_pair("ZnO", "Li2S").reacts        # doctest: +SKIP
    True
    """
    from pymatgen.analysis.interface_reactions import InterfacialReactivity

    ca, cb = parse_material(a), parse_material(b)
    elements = {el.symbol for el in (ca + cb).elements}
    es = src.resolve(source, elements)
    check_coverage(es, elements)
    cite.register("Richards2016ChemMater")
    known = [_energy(es, c, m) for c, m in ((ca, a), (cb, b))]
    missing = [m for (e, _), m in zip(known, (a, b), strict=True) if e is None]
    if missing:
        return PairReaction(
            a,
            b,
            None,
            None,
            None,
            None,
            0.0,
            es.name,
            f"{' and '.join(missing)} ha{'ve' if len(missing) > 1 else 's'} no energy in "
            f"source '{es.name}'",
        )
    pd = _diagram(es, elements, [(ca, known[0][0]), (cb, known[1][0])])
    ir = InterfacialReactivity(ca, cb, pd, norm=True, use_hull_energy=True)
    kink = min(ir.get_kinks(), key=lambda k: k[2])  # (index, x, energy, reaction, ...)
    x, energy, rxn = float(kink[1]), float(kink[2]), kink[3]
    unc = _uncertainty(es, pd, ca, cb, x)
    reacts = energy < -max(unc, TOL_EV)
    notes = [_metastable(pd, c, m) for c, m in ((ca, a), (cb, b))]
    if energy < -TOL_EV and not reacts:
        notes.insert(0, "marginal: downhill by less than the uncertainty of the computed energies")
    note = "; ".join(n for n in notes if n)
    return PairReaction(
        a,
        b,
        bool(reacts),
        str(rxn) if rxn is not None else None,
        float(energy),
        float(x),
        unc,
        es.name,
        note,
    )


def _metastable(pd: Any, comp: Any, material: str) -> str:
    """A note when ``material`` lies above the hull (its own decomposition is not counted)."""
    e_hull = float(pd.get_hull_energy_per_atom(comp))
    own = min(
        (
            e.energy_per_atom
            for e in pd.all_entries
            if e.composition.reduced_formula == comp.reduced_formula
        ),
        default=e_hull,
    )
    if own - e_hull > 1e-3:
        return (
            f"{material} lies {own - e_hull:.3f} eV/atom above the hull of the source "
            "(metastable); it is taken at the hull energy, so its own decomposition is not "
            "counted as a reaction"
        )
    return ""


def _energy(es: src.EnergySet, comp: Any, material: str) -> tuple[float | None, str]:
    e, origin, _parts, _notes = own_energy(es, comp, material, check_charge=False)
    return e, origin


def _diagram(es: src.EnergySet, elements: set[str], own: list[tuple[Any, float | None]]) -> Any:
    """Phase diagram of ``elements`` from the source, with the two materials' own energies
    (added only where the source holds no entry of that formula, e.g. a doped LATP taken as
    its end members; otherwise the source's diagram is reused)."""
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram

    table = src.index(es)[0]
    extra = [
        PDEntry(comp, energy, name=comp.reduced_formula)
        for comp, energy in own
        if energy is not None and comp.reduced_formula not in table
    ]
    if not extra:
        return _source_diagram(es, frozenset(elements))
    return PhaseDiagram([*es.in_system(elements), *extra])


@functools.lru_cache(maxsize=256)
def _source_diagram(es: src.EnergySet, elements: frozenset[str]) -> Any:
    from pymatgen.analysis.phase_diagram import PhaseDiagram

    return PhaseDiagram(es.in_system(elements))


def _uncertainty(es: src.EnergySet, pd: Any, ca: Any, cb: Any, x: float) -> float:
    """Uncertainty [eV/atom] of the reaction at mixing fraction ``x``: the reactants' and the
    products' computed energies summed (experimental enthalpies count 0)."""
    ua = material_uncertainty(es, ca) / ca.num_atoms
    ub = material_uncertainty(es, cb) / cb.num_atoms
    if x in (0.0, 1.0):  # no reaction: the larger of the two materials' own uncertainties
        return float(max(ua, ub))
    mix = ca.fractional_composition * x + cb.fractional_composition * (1 - x)
    products = pd.get_decomposition(mix)
    up = sum(frac * es.uncertainty(entry) for entry, frac in products.items())
    return float(x * ua + (1 - x) * ub + up)
