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
import math
import re
from dataclasses import dataclass, field
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError
from lithiophile.thermo import sources as src

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

_FORMULA = re.compile(r"^[A-Za-z0-9().\s]+$")


def parse_material(material: Any) -> Any:
    """A pymatgen Composition from a formula, a Composition, or a mixture ``"2 ZnO + Al"``.

    Raises
    ------
    InputError
        Formulas that do not parse, unknown elements, empty or non-positive amounts.
    """
    from pymatgen.core import Composition

    comp = material if isinstance(material, Composition) else _parse_text(str(material))
    if comp.num_atoms <= 0 or any(v <= 0 for v in comp.values()):
        raise InputError(f"'material' {material!r} has no atoms or a non-positive amount.")
    return comp


@functools.lru_cache(maxsize=8192)
def _parse_text(material: str) -> Any:
    """Parse a formula or mixture (cached: Compositions are immutable)."""
    from pymatgen.core import Composition, Element

    text = material.strip()
    if not text:
        raise InputError("'material' is empty: give a formula such as 'ZnO' or 'Al2O3'.")
    comp = Composition()
    for part in (p.strip() for p in text.split("+")):
        coefficient = 1.0
        lead = re.match(r"^(\d+(?:\.\d+)?)\s*(?=[A-Z(])", part)
        if lead:
            coefficient = float(lead.group(1))
            part = part[lead.end() :]
        if coefficient <= 0:
            raise InputError(f"'material' {text!r}: amounts must be positive.")
        if not part or not _FORMULA.match(part):
            raise InputError(
                f"'material' {text!r} is not a chemical formula: use element symbols and "
                "amounts such as 'ZnO', 'Li7La3Zr2O12', 'Li1.3Al0.3Ti1.7(PO4)3' or 'ZnO + Al'."
            )
        for sym in re.findall(r"[A-Z][a-z]*", part):
            if not Element.is_valid_symbol(sym):
                raise InputError(
                    f"'material' {text!r} names an unknown element {sym!r}: element symbols "
                    "are case sensitive ('Co' is cobalt, 'CO' carbon + oxygen)."
                )
        try:
            comp = comp + Composition(part) * coefficient
        except Exception as exc:
            raise InputError(f"'material' {text!r} does not parse as a formula ({exc}).") from None
    return comp


#: Elements that take negative oxidation states in ionic compounds (the charge check applies
#: only to formulas that contain one).
_ANIONS = frozenset(["H", "B", "C", "N", "O", "F", "P", "S", "Cl", "Se", "Br", "Te", "I"])


def check_charge_balance(comp: Any) -> None:
    """Raise when no combination of common oxidation states makes ``comp`` neutral.

    Applied to formulas that are in no energy source (where a typo such as 'ZnO3' would
    otherwise pass silently); intermetallics and elements are not checked. Non-integer
    (doped) formulas such as Li1.3Al0.3Ti1.7(PO4)3 are allowed.
    """
    import itertools

    symbols = [el for el in comp.elements]
    if len(symbols) < 2 or not {el.symbol for el in symbols} & _ANIONS:
        return
    choices = []
    for el in symbols:
        ox = set(el.common_oxidation_states) | ({-1} if el.symbol == "H" else set())
        choices.append(sorted(ox) or [0])
    amounts = [comp[el] for el in symbols]
    if math.prod(len(c) for c in choices) > 20000:
        return  # too many combinations to check quickly: do not guess
    for combo in itertools.product(*choices):
        if abs(sum(q * a for q, a in zip(combo, amounts, strict=True))) < 1e-6:
            return
    # doped formulas can balance with mixed valence on one element: allow any split
    if any(abs(a - round(a)) > 1e-6 for a in amounts):
        return
    states = "; ".join(
        f"{el.symbol} {', '.join(f'{q:+d}' for q in c)}"
        for el, c in zip(symbols, choices, strict=True)
    )
    raise InputError(
        f"'material' {comp.reduced_formula} is not charge balanced with the common "
        f"oxidation states ({states}) and is in no energy source: check the formula (e.g. "
        "'ZnO' rather than 'ZnO3'); for a real sub-valent phase such as Zr3O pass "
        "check_charge=False."
    )


@dataclass(frozen=True)
class Phase:
    """A phase in a reaction: amount (mol per formula unit of the material), formula, source."""

    formula: str
    amount: float
    energy_eV: float | None
    source: str


@dataclass(frozen=True)
class Reaction:
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

    def as_dict(self) -> dict[str, Any]:
        """The JSON view (:func:`lithiophile.store.to_payload`; keys kept for users)."""
        return _payload(self)


def _payload(obj: Any) -> dict[str, Any]:
    from lithiophile.store import to_payload

    out: dict[str, Any] = to_payload(obj)
    return out


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
class ReactionResult:
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

    def as_dict(self) -> dict[str, Any]:
        """The JSON view (:func:`lithiophile.store.to_payload`; keys kept for users)."""
        return _payload(self)


@functools.lru_cache(maxsize=4096)
def _grand_diagram(es: src.EnergySet, chemsys: tuple[str, ...], mu: float) -> Any:
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram
    from pymatgen.core import Element

    return GrandPotentialPhaseDiagram(es.in_system(chemsys), {Element("Li"): mu})


def check_coverage(es: src.EnergySet, elements: set[str], tried: list[str] | None = None) -> None:
    """Raise when the source has no reference for some element of the chemical system."""
    missing = sorted(elements - set(es.covered))
    if missing:
        names = ", ".join(tried or [es.name])
        raise InputError(
            f"no energy source covers the chemical system {'-'.join(sorted(elements))}: "
            f"{', '.join(missing)} missing from the sources tried ({names}). Pass entries that "
            "include these elements (source=[entries] or an entries .json), or source='mp'."
        )


def material_energy(
    es: src.EnergySet, comp: Any, parts: tuple[Any, ...] = ()
) -> tuple[float | None, str]:
    """Energy of ``comp`` [eV per formula unit as written] and its origin, or (None, note).

    A mixture ``A + B`` (``parts``) sums the energies of its parts (even when its overall
    composition happens to match a compound: a mixture is not that compound).
    """
    if len(parts) > 1:
        total, origins = 0.0, []
        for part in parts:
            e, origin = material_energy(es, part)
            if e is None:
                return None, origin
            total += e
            origins.append(f"{part.reduced_formula}: {origin}")
        return total, "sum of the parts (" + "; ".join(origins) + ")"
    best = _lookup(es, comp)
    if best is not None:
        return best.energy_per_atom * comp.num_atoms, es.origin(best)
    return None, f"{comp.reduced_formula} is not in source '{es.name}'"


#: Doped solid electrolytes whose own energy no source holds, approximated by the mixture of
#: their end members (an ordered approximant in composition: the doped phase is taken to lie
#: on the hull of these phases, so its reduction follows theirs).
APPROXIMANTS: dict[str, str] = {
    "Li1.3Al0.3Ti1.7(PO4)3": "0.85 LiTi2(PO4)3 + 0.3 AlPO4 + 0.15 Li3PO4",
    "Li1.5Al0.5Ge1.5(PO4)3": "0.75 LiGe2(PO4)3 + 0.5 AlPO4 + 0.25 Li3PO4",
}


def approximant(comp: Any) -> str | None:
    """The end-member mixture that stands for ``comp`` (a doped LATP/LAGP), or None."""
    for formula, mixture in APPROXIMANTS.items():
        if comp.almost_equals(_parse_text(formula), rtol=1e-3, atol=1e-6):
            return mixture
    return None


def _lookup(es: src.EnergySet, comp: Any) -> Any:
    """The lowest-energy entry of ``comp``'s formula; a fractional amount such as
    ``Li0.85Ti1.7P2.55O10.2`` (a part of a mixture) is looked up by its integer formula."""
    from pymatgen.core import Composition

    table = src.index(es)[0]
    best = table.get(comp.reduced_formula)
    if best is None and any(abs(a - round(a)) > 1e-6 for a in comp.values()):
        formula, _ = comp.get_integer_formula_and_factor()
        best = table.get(Composition(formula).reduced_formula)
    return best


def material_uncertainty(es: src.EnergySet, comp: Any, parts: tuple[Any, ...] = ()) -> float:
    """Uncertainty of the energy of ``comp`` or of its parts [eV per formula unit]."""
    total = 0.0
    for part in parts if len(parts) > 1 else (comp,):
        entry = _lookup(es, part)
        if entry is not None:
            total += es.uncertainty(entry) * part.num_atoms
    return total


def _parts(material: Any) -> tuple[Any, ...]:
    if isinstance(material, str) and "+" in material:
        return _parts_text(material)
    return ()


@functools.lru_cache(maxsize=8192)
def _parts_text(material: str) -> tuple[Any, ...]:
    return tuple(parse_material(p) for p in material.split("+"))


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

    e_mat, origin, parts, notes = _own_energy(es, comp, material, check_charge)
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


def _own_energy(
    es: src.EnergySet, comp: Any, material: Any, check_charge: bool
) -> tuple[float | None, str, tuple[Any, ...], list[str]]:
    """The material's energy, its origin, its parts (mixture or approximant) and the notes."""
    parts = _parts(material)
    e_mat, origin = material_energy(es, comp, parts)
    notes = list(_missing_phase_notes(es, comp))
    mixture = approximant(comp) if e_mat is None else None
    if mixture is not None:
        parts = _parts_text(mixture)
        e_mat, origin = material_energy(es, comp, parts)
        if e_mat is not None:
            origin = f"approximated by its end members {mixture} ({origin})"
            notes.append(
                f"{comp.reduced_formula} has no energy of its own: it is approximated by the "
                f"mixture of its end members {mixture} (the doped phase taken on their hull)."
            )
    if check_charge and e_mat is None and len(parts) <= 1:
        check_charge_balance(comp)
    if e_mat is None:
        notes.insert(
            0,
            f"{comp.reduced_formula} itself has no energy in source '{es.name}': whether it "
            "reacts cannot be computed; the products shown are those its elements form at "
            "equilibrium with Li, and the reaction energies are unknown.",
        )
    return e_mat, origin, parts, notes


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


def _missing_phase_notes(es: src.EnergySet, comp: Any) -> list[str]:
    """Elements that alloy/react with Li per the curated table but have no Li-X phase here."""
    notes = []
    table = src.alloying_table()
    for el in comp.elements:
        sym = el.symbol
        if sym == "Li":
            continue
        row = table.get(sym)
        if row is None or row["with_li"] == "none":
            continue
        if sym not in src.index(es)[1]:
            richest = f" (Li-richest: {row['li_richest_phase']})" if row["li_richest_phase"] else ""
            notes.append(
                f"source '{es.name}' has no Li-{sym} phase, but Li and {sym} form "
                f"{row['with_li']}{richest} [{row['source']}]: {sym} may end as a Li-{sym} "
                "alloy instead of the element, and the energies miss that step."
            )
    return notes
