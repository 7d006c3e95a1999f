"""Interface type I/II/III of a material against Li metal (Wenzel, Janek et al.; review Fig. 4E).

Units: eV, V vs Li/Li+.

- I: thermodynamically stable against Li (no reaction). A Li-saturated compound that does not
  react (LiF, Li2O, Li3N, Li2S, LiCl, LiBr, LiI, LiH, Li2Se, Li2Te) is type I; the result notes
  that it is also an electronically insulating interlayer (the review's LiF, Li3N interlayers).
- II: the products at equilibrium with Li are all electronic insulators (LiF, Li2O, Li3N, Li2S,
  Li3P, ...): a passivating, ionically conducting interphase.
- III: a product conducts electrons (a metal, a Li alloy, a reduced transition-metal compound):
  a mixed-conducting interphase that keeps growing.
- ``"unknown"``: a product of unknown electronic character and no conductor among them, or a
  material with no energy in the source and no cited type. Never a guess.

The type is that of the products at equilibrium with Li in the energy source. Where cells are
known to form other products (Li inserts into graphite as metallic LiC6 at room temperature,
while the equilibrium carbide Li2C2 needs heat; the review's Mg3N2 interlayer turns into Mg and
Li3N although the tabulated enthalpies put that reaction uphill), both readings are given as
labelled :class:`Variant` s, each with its products, type, basis and reaction energy in the
source, so a disagreement between computation and literature shows instead of being settled
by a pick.

Where the energy of the material itself is in no source, the type comes from a cited
literature table when it has a row, and the products its elements would form at equilibrium
with Li are shown beside it.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.store import JsonFields
from lithiophile.thermo import sources as src
from lithiophile.thermo.material import parse_material
from lithiophile.thermo.reactions import ReactionResult, react

cite.define(
    cite.Citation(
        "Wenzel2015SSI",
        "Wenzel, S.; Leichtweiss, T.; Krueger, D.; Sann, J.; Janek, J. Interphase formation on "
        "lithium solid electrolytes - an in situ approach to study interfacial reactions by "
        "photoelectron spectroscopy. Solid State Ionics 2015, 278, 98-105 (interface types "
        "I, II, III).",
    ),
    cite.Citation(
        "Zhu2015ACSAMI",
        "Zhu, Y.; He, X.; Mo, Y. Origin of outstanding stability in the lithium solid "
        "electrolyte materials: insights from thermodynamic analyses based on first-principles "
        "calculations. ACS Appl. Mater. Interfaces 2015, 7, 23685-23693.",
        doi="10.1021/acsami.5b07517",
    ),
    cite.Citation(
        "Wenzel2016ChemMater",
        "Wenzel, S.; Randau, S.; Leichtweiss, T.; Weber, D. A.; Sann, J.; Zeier, W. G.; Janek, "
        "J. Direct observation of the interfacial instability of the fast ionic conductor "
        "Li10GeP2S12 at the lithium metal anode. Chem. Mater. 2016, 28, 2400-2407.",
        doi="10.1021/acs.chemmater.6b00610",
    ),
    cite.Citation(
        "Schwoebel2015SSI",
        "Schwoebel, A.; Hausbrand, R.; Jaegermann, W. Interface reactions between LiPON and "
        "lithium studied by in-situ X-ray photoemission. Solid State Ionics 2015, 273, 51-54.",
    ),
    cite.Citation(
        "Jain2013MP",
        "Jain, A. et al. Commentary: The Materials Project: a materials genome approach to "
        "accelerating materials innovation. APL Mater. 2013, 1, 011002 (computed band gaps; "
        "'insulator' here: GGA band gap above 1 eV).",
        doi="10.1063/1.4812323",
    ),
    cite.Citation(
        "Inaguma1993SSC",
        "Inaguma, Y.; Chen, L.; Itoh, M.; Nakamura, T.; Uchida, T.; Ikuta, H.; Wakihara, M. High "
        "ionic conductivity in lithium lanthanum titanate. Solid State Commun. 1993, 86, 689 "
        "(Ti4+ reduced in contact with Li metal).",
    ),
    cite.Citation(
        "Wenzel2018SSI",
        "Wenzel, S.; Sedlmaier, S. J.; Dietrich, C.; Zeier, W. G.; Janek, J. Interfacial "
        "reactivity and interphase growth of argyrodite solid electrolytes at lithium metal "
        "electrodes. Solid State Ionics 2018, 318, 102-112.",
    ),
    cite.Citation(
        "Wang2019Angew",
        "Wang, S.; Bai, Q.; Nolan, A. M.; Liu, Y.; Gong, S.; Sun, Q.; Mo, Y. Lithium chlorides "
        "and bromides as promising solid-state chemistries for fast ion conductors with good "
        "electrochemical stability. Angew. Chem. Int. Ed. 2019, 58, 8039.",
    ),
    cite.Citation(
        "Guerard1975GIC",
        "Guerard, D.; Herold, A. Intercalation of lithium into graphite and other carbons. "
        "Carbon 1975, 13, 337 (LiC6, LiC12: metallic graphite intercalation compounds).",
    ),
    cite.Citation(
        "Hartmann2013JPCC",
        "Hartmann, P.; Leichtweiss, T.; Busche, M. R.; Schneider, M.; Reich, M.; Sann, J.; "
        "Adelhelm, P.; Janek, J. Degradation of NASICON-type materials in contact with lithium "
        "metal: formation of mixed conducting interphases (MCI) on solid electrolytes. "
        "J. Phys. Chem. C 2013, 117, 21064-21074.",
        doi="10.1021/jp4051275",
    ),
    cite.Citation(
        "Yan2019AFM",
        "Yan, M.; Liang, J.; Zuo, T. et al. Stabilizing polymer-lithium interface in a "
        "rechargeable solid battery. Adv. Funct. Mater. 2020, 30, 1908047 (online 2019; a "
        "Mg3N2 layer turned by Li into Mg and Li3N; the review's ref. 80).",
    ),
)

#: Elements that form the anions of ionic Li compounds; a phase free of them is metallic.
ANION_FORMERS = frozenset(
    ["H", "B", "C", "N", "O", "F", "P", "S", "Cl", "Se", "Br", "Te", "I", "As", "Sb"]
)


@dataclass(frozen=True)
class ProductCharacter:
    """Electronic character of a product phase and where it comes from."""

    formula: str
    character: str  # "insulator" | "conductor" | "semiconductor" | "unknown"
    source: str


@dataclass(frozen=True)
class Variant:
    """One labelled reading of an interface whose products depend on the basis.

    Attributes
    ----------
    label
        What the reading is: ``"equilibrium (energy source '<name>')"`` or ``"in cells
        (<citation key>)"``.
    type
        ``"I"``, ``"II"``, ``"III"`` or ``"unknown"`` for these products.
    basis
        Where the products come from (computed equilibrium, or the cited observation).
    products
        The products of this reading.
    energy_per_atom_eV
        Energy of this reading's reaction in the energy source [eV per atom of reactants]
        (negative: downhill); None where the source lacks one of its phases.
    reason
        One sentence with all of the above.
    """

    label: str
    type: str
    basis: str
    products: tuple[str, ...]
    energy_per_atom_eV: float | None
    reason: str


@dataclass(frozen=True)
class InterfaceResult(JsonFields):
    """Interface type of a material against Li metal.

    Attributes
    ----------
    material
        Formula.
    type
        ``"I"``, ``"II"``, ``"III"`` or ``"unknown"``.
    basis
        ``"computed"`` (from the reaction and the electronic character of its products),
        ``"computed (marginal)"`` (a reaction within the energies' uncertainty),
        ``"literature"`` (the material's energy is in no source; the type is the cited one),
        ``"curated alloying table"`` or ``"no energy for the material"`` (type unknown).
    products
        Products at equilibrium with Li (computed).
    characters
        Electronic character of each product with its source.
    reaction
        The :class:`ReactionResult` it rests on.
    reasons
        Short sentences explaining the class.
    literature
        The literature row for this material, when there is one (always reported beside a
        computed type, so a disagreement shows).
    alloying_elements
        Elements left as the element among the products although they alloy with Li (the
        source lacks their Li-X phases; the curated Li-X table says they alloy).
    variants
        Labelled readings where the products in cells differ from the equilibrium ones
        (:data:`OBSERVED_IN_CELLS`): the equilibrium one (this result's type) first.
    """

    material: str
    type: str
    basis: str
    products: tuple[str, ...]
    characters: tuple[ProductCharacter, ...]
    reaction: ReactionResult
    reasons: tuple[str, ...]
    literature: CitedInterface | None = None
    alloying_elements: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()


@functools.lru_cache(maxsize=1)
def _electronic_table() -> dict[str, tuple[str, str]]:
    with open(src.DATA / "electronic.csv", newline="") as fh:
        return {r["formula"]: (r["character"], r["source"]) for r in csv.DictReader(fh)}


@dataclass(frozen=True)
class CitedInterface:
    """A solid electrolyte's interface with Li as the literature gives it
    (``data/thermo/interfaces_literature.csv``): the type, the products, the reduction onset
    [V vs Li/Li+] where stated, one sentence, and the citation key."""

    name: str
    formula: str
    type: str
    products: str
    reduction_onset_V: float | None
    statement: str
    source: str


@functools.lru_cache(maxsize=1)
def literature_table() -> dict[str, CitedInterface]:
    """Cited interface types of the solid electrolytes the review names, by reduced formula."""
    from pymatgen.core import Composition

    with open(src.DATA / "interfaces_literature.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        Composition(r["formula"]).reduced_formula: CitedInterface(
            r["name"],
            r["formula"],
            r["type"],
            r["products"],
            float(r["reduction_onset_V"]) if r["reduction_onset_V"] else None,
            r["statement"],
            r["source"],
        )
        for r in rows
    }


@functools.lru_cache(maxsize=4096)
def electronic_character(formula: str) -> ProductCharacter:
    """Electronic character of a phase: curated table first, then the anion rule.

    A phase made only of metallic elements (no H, B, C, N, O, F, P, S, Cl, Se, Br, Te, I, As,
    Sb) is a metal or an alloy: a conductor. Elemental Si and Ge are semiconductors, counted as
    conductors here because they lithiate to metallic alloys.
    """
    from pymatgen.core import Composition

    table = _electronic_table()
    if formula in table:
        char, key = table[formula]
        return ProductCharacter(formula, char, key)
    comp = Composition(formula)
    symbols = {el.symbol for el in comp.elements}
    if not symbols & ANION_FORMERS or symbols <= {"Si", "Ge", "Li"}:
        return ProductCharacter(
            formula, "conductor", "rule: metal, alloy or Li-lithiated metalloid (no anion former)"
        )
    return ProductCharacter(formula, "unknown", "not in the curated table")


INSULATING_NOTE = (
    "{name} is stable against Li and is itself a Li-saturated electronic insulator: a type I "
    "interface (review Figure 4E: I = thermodynamically stable), which also serves as an "
    "electronically insulating interlayer (the review's LiF, Li3N interlayers)."
)


@dataclass(frozen=True)
class Observed:
    """The reaction a cited work observes in cells, where it differs from equilibrium."""

    reactants: tuple[tuple[str, int], ...]  # (formula, coefficient), balanced by hand
    products: tuple[tuple[str, int], ...]
    source: str  # citation key
    statement: str


#: Materials whose products in cells differ from the equilibrium products of the energy
#: sources: the observed reaction (balanced by hand) and the work that observes it.
OBSERVED_IN_CELLS: dict[str, Observed] = {
    # Li + 6 C -> LiC6 (Li 1 = 1, C 6 = 6)
    "C": Observed(
        (("Li", 1), ("C", 6)),
        (("LiC6", 1),),
        "Guerard1975GIC",
        "at room temperature Li inserts into graphite (LiC6, LiC12: metallic intercalation "
        "compounds); the carbide Li2C2 (LiC) of full equilibrium forms only at high temperature",
    ),
    # Mg3N2 + 6 Li -> 2 Li3N + 3 Mg (Li 6 = 2 x 3, N 2 = 2 x 1, Mg 3 = 3)
    "Mg3N2": Observed(
        (("Mg3N2", 1), ("Li", 6)),
        (("Li3N", 2), ("Mg", 3)),
        "Yan2019AFM",
        "the Li anode turns a Mg3N2 layer into electronically conducting Mg and ionically "
        "conducting Li3N (the review's ref. 80: a mixed-conducting interlayer)",
    ),
}


def _side(side: tuple[tuple[str, int], ...]) -> str:
    return " + ".join(f if n == 1 else f"{n} {f}" for f, n in side)


def observed_energy(source: str, obs: Observed) -> float | None:
    """Energy of the observed reaction in a named offline energy source
    (:data:`lithiophile.thermo.sources.OFFLINE_NAMES`) [eV per atom of reactants] (negative:
    downhill); None where the source lacks one of its phases or is not one of them."""
    from pymatgen.core import Composition

    if source not in src.OFFLINE_NAMES:
        return None
    best, _ = src.index(src.resolve(source, ()))
    totals = []
    for side in (obs.reactants, obs.products):
        energy = atoms = 0.0
        for formula, n in side:
            comp = Composition(formula)
            entry = best.get(comp.reduced_formula)
            if entry is None:
                return None
            energy += n * entry.energy_per_atom * comp.num_atoms
            atoms += n * comp.num_atoms
        totals.append((energy, atoms))
    return (totals[1][0] - totals[0][0]) / totals[0][1]


def _variants(
    comp: Any, rx: ReactionResult, kind: str, products: tuple[str, ...]
) -> tuple[tuple[Variant, ...], list[str]]:
    """The equilibrium and the in-cell readings of a material in :data:`OBSERVED_IN_CELLS`."""
    obs = OBSERVED_IN_CELLS.get(comp.reduced_formula)
    if obs is None or rx.reacts is None:
        return (), []
    cite.register(obs.source)
    e_eq = rx.full.per_atom_eV if rx.reacts else 0.0
    label = f"equilibrium (energy source '{rx.source}')"
    eq = Variant(
        label,
        kind,
        "computed",
        products,
        e_eq,
        f"{label}: {', '.join(products)} ({e_eq:+.3f} eV/atom): type {kind}.",
    )
    cell_products = tuple(f for f, _ in obs.products)
    cell_kind, _ = _reacting_type(
        cell_products, tuple(electronic_character(f) for f in cell_products)
    )
    e_cell = observed_energy(rx.source, obs)
    energy = (
        f"{e_cell:+.3f} eV/atom in source '{rx.source}'"
        if e_cell is not None
        else f"energy not computable in source '{rx.source}'"
    )
    cell_label = f"in cells ({obs.source})"
    cell = Variant(
        cell_label,
        cell_kind,
        f"literature [{obs.source}]",
        cell_products,
        e_cell,
        f"{cell_label}: {obs.statement}: {_side(obs.reactants)} -> {_side(obs.products)} "
        f"({energy}): type {cell_kind}.",
    )
    notes = [eq.reason, cell.reason]
    if cell_kind != kind:
        notes.append(
            f"the two readings differ: type {kind} at equilibrium (the type given), type "
            f"{cell_kind} in cells."
        )
    if e_cell is not None and e_cell > 0:
        notes.append(
            f"source '{rx.source}' puts the reaction observed in cells uphill: computation "
            "and literature disagree (both shown)."
        )
    return (eq, cell), notes


def _li_saturated_insulator(comp: Any) -> bool:
    """True for a single Li binary that is its own product with Li (LiF, Li3N, Li2O ...)."""
    symbols = {el.symbol for el in comp.elements}
    if "Li" not in symbols or len(symbols) != 2:
        return False
    return electronic_character(comp.reduced_formula).character == "insulator"


def _unlithiated_alloying_elements(
    rx: ReactionResult, products: tuple[str, ...]
) -> tuple[str, ...]:
    """Elements present as the bare element among the products that alloy with Li per the
    curated table, while the source has no Li-X phase for them."""
    table = src.alloying_table()
    out = []
    for f in products:
        row = table.get(f)
        if (
            row is not None
            and row["with_li"] != "none"
            and any(f"has no Li-{f} phase" in n for n in rx.missing_phases)
        ):
            out.append(f)
    return tuple(out)


def _names(note: str, symbols: tuple[str, ...]) -> bool:
    return any(f"has no Li-{s} phase" in note for s in symbols)


def _stable_type(comp: Any, rx: ReactionResult) -> tuple[str, str, list[str]]:
    name = comp.reduced_formula
    reasons = []
    if rx.marginal:
        reasons.append(
            f"the reaction {rx.full.equation} ({rx.full.per_atom_eV:.3f} eV/atom) lies within "
            f"the uncertainty of the computed energies (+-{rx.full.uncertainty_per_atom_eV:.3f} "
            "eV/atom): treated as stable, but a thin reacted layer cannot be ruled out."
        )
        basis = "computed (marginal)"
    else:
        basis = "computed"
    if _li_saturated_insulator(comp):
        reasons.append(INSULATING_NOTE.format(name=name))
    else:
        reasons.append(f"{name} does not react with Li in source '{rx.source}'.")
    return "I", basis, reasons


def _reacting_type(
    products: tuple[str, ...], chars: tuple[ProductCharacter, ...]
) -> tuple[str, list[str]]:
    conductors = [c.formula for c in chars if c.character in ("conductor", "semiconductor")]
    unknown = [c.formula for c in chars if c.character == "unknown"]
    listed = ", ".join(products)
    if conductors:
        return "III", [
            f"reacts with Li to {listed}; electronic conductor(s) among the products: "
            f"{', '.join(conductors)}."
        ]
    if unknown:
        return "unknown", [
            f"reacts with Li to {listed}; the electronic character of {', '.join(unknown)} is "
            "unknown: type II if insulating, III if conducting (not decided here)."
        ]
    return "II", [f"reacts with Li to {listed}, all electronic insulators."]


def interface_type(material: Any, *, source: Any = "bundled", path: bool = True) -> InterfaceResult:
    """Classify the interface of ``material`` with Li metal as type I, II, III or unknown.

    Parameters
    ----------
    material
        Formula or Composition.
    source
        Energy source, as in :func:`lithiophile.thermo.react`.
    path
        Passed to :func:`react`; ``False`` skips the reaction path (faster, same type).

    References
    ----------
    Wenzel et al., Solid State Ionics 2015, 278, 98 (types I-III); review Figure 4E.

    Examples
    --------
    >>> interface_type("ZnO").type
    'III'
    """
    comp = parse_material(material)
    rx = react(material, source=source, path=path)
    return classify_reaction(comp, rx)


def classify_reaction(comp: Any, rx: ReactionResult) -> InterfaceResult:
    """The interface type of ``comp`` from its computed reaction with Li."""
    cite.register("Wenzel2015SSI")
    lit = literature_table().get(comp.reduced_formula)
    products = rx.final_products
    chars = tuple(electronic_character(f) for f in products)
    reasons: list[str] = []
    metallic = not {el.symbol for el in comp.elements} & ANION_FORMERS
    if rx.marginal and not metallic:
        kind, basis, reasons = _stable_type(comp, rx)
        products = (comp.reduced_formula,)
        chars = (electronic_character(comp.reduced_formula),)
    elif rx.reacts is False:
        kind, basis, reasons = _stable_type(comp, rx)
    elif rx.reacts:
        basis = "computed (marginal)" if rx.marginal else "computed"
        kind, reasons = _reacting_type(products, chars)
        if rx.marginal:
            reasons.append(
                f"the alloying energy ({rx.full.per_atom_eV:.3f} eV/atom) lies within the "
                f"uncertainty of the computed energies (+-{rx.full.uncertainty_per_atom_eV:.3f}"
                " eV/atom); the Li-X phase diagram (curated table) decides that it alloys."
            )
    elif lit is not None:
        kind, basis = lit.type, "literature"
        cite.register(lit.source)
        reasons.append(
            f"{comp.reduced_formula} has no energy in source '{rx.source}'; literature "
            f"[{lit.source}]: {lit.statement} (products: {lit.products})."
        )
        reasons.append(
            "products its elements form at equilibrium with Li in this source: "
            f"{', '.join(products)}."
        )
    else:
        kind, basis = "unknown", "no energy for the material"
        would, _ = _reacting_type(products, chars)
        reasons.append(
            f"{comp.reduced_formula} has no energy in source '{rx.source}' and no cited type: "
            "whether Li reduces it cannot be computed, so its type is unknown. If it is "
            f"reduced, its products would be {', '.join(products)} (type {would})."
        )
    alloying = _unlithiated_alloying_elements(rx, products)
    if alloying and kind in ("I", "unknown") and rx.reacts is not None:
        kind, basis = "III", "curated alloying table"
    for sym in alloying:
        row = src.alloying_table()[sym]
        reasons.append(
            f"{sym} ends as the element in source '{rx.source}', which holds no Li-{sym} "
            f"phase, but Li and {sym} form {row['with_li']} [{row['source']}]: {sym} alloys "
            "with Li (an electronic conductor)."
        )
    reasons.extend(n for n in rx.missing_phases if "has no Li-" in n and not _names(n, alloying))
    variants, notes = _variants(comp, rx, kind, products)
    reasons.extend(notes)
    return InterfaceResult(
        material=comp.reduced_formula,
        type=kind,
        basis=basis,
        products=products,
        characters=chars,
        reaction=rx,
        reasons=tuple(reasons),
        literature=lit,
        alloying_elements=alloying,
        variants=variants,
    )


def classify(materials: Iterable[Any], *, source: Any = "bundled") -> list[InterfaceResult]:
    """Interface types of many materials; phase diagrams are cached per chemical system."""
    es = src.resolve(source, {"Li"}) if isinstance(source, str) and source != "mp" else source
    return [interface_type(m, source=es, path=False) for m in materials]
