"""Reactions of a material with Li metal, from phase diagrams of one energy source.

Units: eV (per atom, per formula unit, per mol Li = per Li atom), V vs Li/Li+.

At a potential ``V`` vs Li/Li+ the Li chemical potential is ``mu_Li = mu_Li(bcc) - V`` with
``mu_Li(bcc)`` the energy per atom of bcc Li *in the same source* (pymatgen grand-potential
chemical potentials are absolute; 0 only for formation-energy sources).

Two reactions are reported: the one with the most negative energy per atom of reactants along
the Li + X mixing line (pymatgen's interfacial-reactivity minimum, e.g. 2 Li + ZnO -> Li2O + Zn)
and the full reaction at equilibrium with excess Li (the interphase next to Li metal, e.g.
3 Li + ZnO -> Li2O + LiZn), plus the whole path as Li is added.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError
from lithiophile.store import JsonFields
from lithiophile.thermo import sources as src
from lithiophile.thermo.material import (
    check_coverage,
    material_uncertainty,
    own_energy,
    parse_material,
)

TOL_EV = 1e-6

cite.define(
    cite.Citation(
        "Ong2008ChemMater",
        "Ong, S. P.; Wang, L.; Kang, B.; Ceder, G. Li-Fe-P-O2 phase diagram from first "
        "principles calculations. Chem. Mater. 2008, 20, 1798-1807 (grand-potential phase "
        "diagrams open in Li).",
        doi="10.1021/cm702327g",
    ),
    cite.Citation(
        "Richards2016ChemMater",
        "Richards, W. D.; Miara, L. J.; Wang, Y.; Kim, J. C.; Ceder, G. Interface stability in "
        "solid-state batteries. Chem. Mater. 2016, 28, 266-273 (interfacial reactivity).",
        doi="10.1021/acs.chemmater.5b04082",
    ),
)


@dataclass(frozen=True)
class Phase:
    """A phase in a reaction: amount (mol per formula unit of the material), formula, source."""

    formula: str
    amount: float
    energy_eV: float | None
    source: str


@dataclass(frozen=True)
class Reaction(JsonFields):
    """A balanced reaction ``x Li + material -> products`` with its energies.

    Energies are reaction energies in the source's scale: ``per_formula_unit_eV`` per formula
    unit of the material, ``per_atom_eV`` per atom of the reactants (Li included),
    ``per_mol_li_eV`` per Li atom consumed (None when no Li is consumed).
    """

    li_per_formula_unit: float
    material: str
    products: tuple[Phase, ...]
    per_formula_unit_eV: float | None = field(
        metadata={"payload_key": "energy_per_formula_unit_eV"}
    )
    per_atom_eV: float | None = field(metadata={"payload_key": "energy_per_atom_eV"})
    per_mol_li_eV: float | None = field(metadata={"payload_key": "energy_per_mol_Li_eV"})
    li_atom_fraction: float
    uncertainty_eV: float = 0.0

    PAYLOAD_EXTRA = ("equation", "uncertainty_per_atom_eV")

    @property
    def uncertainty_per_atom_eV(self) -> float:
        """Uncertainty of the reaction energy per atom of reactants [eV/atom]: the stated
        uncertainties of the computed phases in it, summed over their atoms."""
        atoms = max(self.li_per_formula_unit, 0.0) + _atoms(self.material)
        return self.uncertainty_eV / atoms if atoms > 0 else 0.0

    @property
    def equation(self) -> str:
        """The reaction as text, e.g. ``"2 Li + ZnO -> Li2O + Zn"``."""
        left = [f"{_num(self.li_per_formula_unit)}Li"] if self.li_per_formula_unit > TOL_EV else []
        left.append(self.material)
        right = [f"{_num(p.amount)}{p.formula}" for p in self.products]
        return " + ".join(left) + " -> " + " + ".join(right)


def _atoms(formula: str) -> float:
    from pymatgen.core import Composition

    try:
        return float(Composition(formula).num_atoms)
    except Exception:  # a mixture name such as "ZnO+Al": count its parts
        return float(sum(Composition(p).num_atoms for p in formula.split("+")))


def _num(x: float) -> str:
    if abs(x - 1.0) < 1e-6:
        return ""
    r = round(x)
    if abs(x - r) < 1e-6:
        return f"{r} "
    return f"{x:.4g} "


@dataclass(frozen=True)
class ReactionResult(JsonFields):
    """What a material turns into in contact with Li, and at what energy.

    Attributes
    ----------
    material
        Reduced formula of the material.
    potential_V
        Potential vs Li/Li+ at which Li is supplied [V] (0 = Li metal).
    reacts
        True when the material is not stable at this potential; None when its own energy is
        in no source (then only the products its elements would form are known).
    best
        The reaction with the most negative energy per atom (equation, products, energies).
    full
        The reaction at equilibrium with excess Li at this potential.
    path
        Reactions along the Li + material mixing line (interfacial reactivity kinks).
    source, energy_kind
        Energy source and what its energies are (enthalpy vs Gibbs vs DFT).
    energy_sources
        formula -> origin of its energy, for the material and every product.
    missing_phases
        Notes on phases the source lacks that could change the products.
    reduction_onset_V
        Highest potential vs Li/Li+ at which the material is reduced [V]: ``-dE/x`` of the
        first kink of the path (the reaction with the most negative energy per Li), relative
        to ``potential_V``'s reference (None without a path or when it does not react).
    complete
        False when such a note exists.
    """

    material: str
    potential_V: float
    reacts: bool | None
    best: Reaction
    full: Reaction
    path: tuple[Reaction, ...]
    source: str
    energy_kind: str
    mu_li_eV: float = field(metadata={"payload_key": "mu_Li_eV"})
    energy_sources: dict[str, str] = field(compare=False)
    missing_phases: tuple[str, ...] = ()
    reduction_onset_V: float | None = None

    PAYLOAD_EXTRA = (
        "equation",
        "products",
        "energy_per_atom_eV",
        "energy_per_mol_Li_eV",
        "energy_per_formula_unit_eV",
        "complete",
        "marginal",
    )

    @property
    def complete(self) -> bool:
        return not self.missing_phases

    @property
    def marginal(self) -> bool:
        """True when the reaction with excess Li is downhill by less than its uncertainty."""
        e = self.full.per_formula_unit_eV
        return bool(
            self.reacts
            and e is not None
            and self.full.uncertainty_eV > 0
            and -e <= self.full.uncertainty_eV
        )

    @property
    def equation(self) -> str:
        return self.best.equation

    @property
    def products(self) -> tuple[str, ...]:
        return tuple(p.formula for p in self.best.products)

    @property
    def final_products(self) -> tuple[str, ...]:
        return tuple(p.formula for p in self.full.products)

    @property
    def energy_per_atom_eV(self) -> float | None:
        return self.best.per_atom_eV

    @property
    def energy_per_mol_Li_eV(self) -> float | None:
        return self.best.per_mol_li_eV

    @property
    def energy_per_formula_unit_eV(self) -> float | None:
        return self.best.per_formula_unit_eV

    def metrics(self) -> list[Any]:
        """The reaction energies per atom as :class:`lithiophile.metrics.Metric` records
        (most negative reaction, and with excess Li), with their definition and source."""
        from lithiophile.metrics import Conditions, Metric

        out = []
        for variant, r in (("most negative per atom", self.best), ("excess Li", self.full)):
            if r.per_atom_eV is None:
                continue
            out.append(
                Metric(
                    "reaction_energy",
                    r.per_atom_eV,
                    conditions=Conditions(
                        temperature_K=298.15,
                        extra=(("potential vs Li/Li+ [V]", f"{self.potential_V:g}"),),
                    ),
                    definition=f"{r.equation}, per atom of reactants ({self.energy_kind})",
                    variant=variant,
                    source=self.source,
                    notes=self.missing_phases,
                )
            )
        return out


@functools.lru_cache(maxsize=4096)
def _grand_diagram(es: src.EnergySet, chemsys: tuple[str, ...], mu: float) -> Any:
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram
    from pymatgen.core import Element

    return GrandPotentialPhaseDiagram(es.in_system(chemsys), {Element("Li"): mu})


def react(
    material: Any,
    *,
    source: Any = "bundled",
    potential_V: float = 0.0,
    path: bool = True,
    check_charge: bool = True,
) -> ReactionResult:
    """The reaction of ``material`` with Li at ``potential_V`` vs Li/Li+ (0 = Li metal).

    Parameters
    ----------
    material
        A formula (``"ZnO"``), a pymatgen Composition, or a mixture ``"ZnO + Al"``.
    source
        ``"bundled"`` (experimental formation enthalpies, offline), ``"mp"`` (Materials
        Project via mp-api, needs a key), a path to a JSON of pymatgen entries, or a list of
        pymatgen entries (e.g. from lithiophile.atomistic). Energies are used as given.
    potential_V
        Potential vs Li/Li+ [V]; ``mu_Li = mu_Li(bcc, this source) - potential_V``.
    path
        Also compute the reaction path as Li is added (interfacial-reactivity kinks) and the
        most negative reaction per atom; ``False`` gives only the reaction with excess Li
        (``best`` is then ``full``), which is what classification needs.
    check_charge
        Refuse a formula that is in no source and not charge balanced with common oxidation
        states (a likely typo); ``False`` for real sub-valent phases.

    Returns
    -------
    ReactionResult

    Raises
    ------
    InputError
        Unparsable formula, unknown element, a chemical system the source does not cover.

    References
    ----------
    Ong et al., Chem. Mater. 2008 (grand potential); Richards et al., Chem. Mater. 2016
    (interfacial reactivity).

    Examples
    --------
    >>> react("ZnO").equation
    '2 Li + ZnO -> Li2O + Zn'
    """
    comp = parse_material(material)
    v = _check_inputs(material, comp, potential_V)
    elements = {el.symbol for el in comp.elements} | {"Li"}
    es = src.resolve(source, elements)
    check_coverage(es, elements)
    chemsys = tuple(sorted(elements))
    mu = es.mu_li_eV - v
    _register(es)

    e_mat, origin, parts, notes = own_energy(es, comp, material, check_charge)
    energy_sources = {comp.reduced_formula: origin}
    gppd = _grand_diagram(es, chemsys, mu)
    full = _full_reaction(es, gppd, comp, e_mat, mu, energy_sources)
    reacts, full = _equilibrium(es, comp, parts, e_mat, origin, full)
    steps: tuple[Reaction, ...] = ()
    best, onset = full, None
    if path and e_mat is not None and reacts:
        steps = _path(es, comp, e_mat, mu, chemsys, energy_sources)
        best, onset = _best_and_onset(steps, full, v)
    return ReactionResult(
        material=_material_name(comp),
        potential_V=v,
        reacts=reacts,
        best=best,
        full=full,
        path=steps,
        source=es.name,
        energy_kind=es.energy_kind,
        mu_li_eV=mu,
        energy_sources=energy_sources,
        missing_phases=tuple(notes),
        reduction_onset_V=onset,
    )


def _check_inputs(material: Any, comp: Any, potential_V: Any) -> float:
    """The potential [V] as a float, after checking it and that ``material`` is not Li."""
    try:
        v = float(potential_V)
    except (TypeError, ValueError):
        raise InputError(f"'potential_V' must be a number of volts. Got {potential_V!r}.") from None
    if not -1.0 <= v <= 6.0:
        raise InputError(
            f"'potential_V' must lie between -1 and 6 V vs Li/Li+ (0 = Li metal). Got {v!r}."
        )
    if {el.symbol for el in comp.elements} == {"Li"}:
        raise InputError(
            f"'material' {material!r} is lithium itself: give a material to put in contact "
            "with Li metal, such as 'ZnO' or 'Li3PS4'."
        )
    return v


def _register(es: src.EnergySet) -> None:
    """Cite the methods and the energy source of a reaction."""
    cite.register("Ong2008ChemMater")
    cite.register("Richards2016ChemMater")
    if es.name == "bundled":
        cite.register("Wang2021MP2020")
    elif es.name == "crc-gibbs":
        cite.register("CRC2014Handbook")


def _equilibrium(
    es: src.EnergySet,
    comp: Any,
    parts: tuple[Any, ...],
    e_mat: float | None,
    origin: str,
    full: Reaction,
) -> tuple[bool | None, Reaction]:
    """Whether the material reacts with excess Li, and the reaction (itself if it does not);
    the uncertainty of its own energy is added to that of the products."""
    if e_mat is None:
        return None, full
    extra = material_uncertainty(es, comp, parts)
    full = dataclasses.replace(full, uncertainty_eV=full.uncertainty_eV + extra)
    reacts = bool(full.per_formula_unit_eV is not None and full.per_formula_unit_eV < -TOL_EV)
    if not reacts:
        phase = Phase(comp.reduced_formula, 1.0, e_mat, origin)
        full = Reaction(0.0, comp.reduced_formula, (phase,), 0.0, 0.0, None, 0.0)
    return reacts, full


def _best_and_onset(
    steps: tuple[Reaction, ...], full: Reaction, v: float
) -> tuple[Reaction, float | None]:
    """The most negative reaction per atom along the path, and the reduction onset [V]: the
    first kink's energy per Li (the highest potential at which Li reduces the material)."""
    if not steps:
        return full, None
    best = min(steps, key=lambda r: r.per_atom_eV if r.per_atom_eV is not None else 0.0)
    lithiating = [r for r in steps if r.li_per_formula_unit > TOL_EV]
    if not lithiating:
        return best, None
    first = min(lithiating, key=lambda r: r.li_per_formula_unit)
    onset = None if first.per_mol_li_eV is None else v - first.per_mol_li_eV
    return best, onset


def _full_reaction(
    es: src.EnergySet, gppd: Any, comp: Any, e_mat: float | None, mu: float, origins: dict[str, str]
) -> Reaction:
    """Equilibrium with excess Li: decomposition in the grand-potential diagram open in Li."""
    from pymatgen.core import Composition

    non_li = Composition({el: amt for el, amt in comp.items() if el.symbol != "Li"})
    li_in = comp["Li"]
    if non_li.num_atoms == 0:  # the material is Li
        return Reaction(
            0.0,
            _material_name(comp),
            (Phase("Li", comp.num_atoms, 0.0, es.name),),
            0.0,
            0.0,
            None,
            0.0,
        )
    decomp = gppd.get_decomposition(non_li)
    phases = []
    li_out = 0.0
    energy = 0.0
    n_target = non_li.num_atoms
    unc = 0.0
    for gentry, frac in decomp.items():
        orig = gentry.original_entry
        formula, factor, n_non_li, n_li = _entry_info(orig)
        amount = frac * n_target / n_non_li  # formula units of orig.composition
        li_out += amount * n_li
        energy += amount * orig.energy
        unc += amount * (n_non_li + n_li) * es.uncertainty(orig)
        origin = es.origin(orig)
        origins[formula] = origin
        phases.append(Phase(formula, amount * factor, orig.energy / factor, origin))
    x_li = li_out - li_in
    de = None if e_mat is None else energy - e_mat - x_li * mu
    rxn = _reaction(x_li, comp, tuple(sorted(phases, key=lambda p: p.formula)), de)
    return dataclasses.replace(rxn, uncertainty_eV=unc)


def _entry_info(entry: Any) -> tuple[str, float, float, float]:
    """Reduced formula, formula units per reduced unit, non-Li atoms and Li atoms of an entry
    (cached on the entry: compositions of entries do not change)."""
    info = getattr(entry, "_lithiophile_info", None)
    if info is None:
        oc = entry.composition
        formula, factor = oc.get_reduced_formula_and_factor()
        n_li = oc["Li"]
        info = (formula, factor, oc.num_atoms - n_li, n_li)
        with contextlib.suppress(AttributeError):  # entries with __slots__: recompute
            entry._lithiophile_info = info
    return info


def _material_name(comp: Any) -> str:
    formula, factor = comp.get_reduced_formula_and_factor()
    return formula if factor == 1 else comp.formula.replace(" ", "")


def _reaction(x_li: float, comp: Any, phases: tuple[Phase, ...], de: float | None) -> Reaction:
    atoms = max(x_li, 0.0) + comp.num_atoms
    per_atom = None if de is None else de / atoms
    per_li = None if de is None or x_li <= TOL_EV else de / x_li
    return Reaction(
        li_per_formula_unit=x_li,
        material=_material_name(comp),
        products=phases,
        per_formula_unit_eV=de,
        per_atom_eV=per_atom,
        per_mol_li_eV=per_li,
        li_atom_fraction=max(x_li, 0.0) / atoms,
    )


def _path(
    es: src.EnergySet,
    comp: Any,
    e_mat: float,
    mu: float,
    chemsys: tuple[str, ...],
    origins: dict[str, str],
) -> tuple[Reaction, ...]:
    """Reactions at the kinks of x Li + material (pymatgen InterfacialReactivity).

    Li enters as a reservoir at ``mu`` [eV/atom]; the material at its own energy.
    """
    from pymatgen.analysis.interface_reactions import InterfacialReactivity
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    target = comp.reduced_formula
    keep = [e for e in es.in_system(chemsys) if e.composition.reduced_formula not in ("Li", target)]
    mat_entry = PDEntry(comp, e_mat, name=target)
    pd = PhaseDiagram([*keep, PDEntry(Composition("Li"), mu, name="Li"), mat_entry])
    ir = InterfacialReactivity(Composition("Li"), comp, pd, norm=True, use_hull_energy=False)
    by_formula = {e.composition.reduced_formula: e for e in keep}
    out = []
    for kink in ir.get_kinks():
        rxn = kink[3]
        coeffs = {c.reduced_formula: float(rxn.get_coeff(c)) for c in rxn.all_comp}
        c_mat = -coeffs.get(target, 0.0)
        if c_mat <= TOL_EV:
            continue
        li = -coeffs.get("Li", 0.0) / c_mat
        products = []
        for c in rxn.products:
            f = c.reduced_formula
            amount = coeffs[f] / c_mat * c.get_reduced_composition_and_factor()[1]
            if f == target or amount <= TOL_EV:
                continue
            entry = by_formula.get(f)
            if entry is not None:
                factor = entry.composition.get_reduced_composition_and_factor()[1]
                energy = entry.energy / factor
                origin = es.origin(entry)
            else:
                energy, origin = None, es.name
            origins[f] = origin
            products.append(Phase(f, amount, energy, origin))
        if not products:
            continue
        de = float(kink[2]) * (max(li, 0.0) + comp.num_atoms)
        out.append(_reaction(li, comp, tuple(sorted(products, key=lambda p: p.formula)), de))
    return tuple(out)
