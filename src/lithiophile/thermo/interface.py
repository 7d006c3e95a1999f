"""Interface type I/II/III of a material against Li metal (Wenzel, Janek et al.; review Fig. 4E).

Units: eV, V vs Li/Li+.

- I: thermodynamically stable against Li (no reaction).
- II: the products at equilibrium with Li are all electronic insulators (LiF, Li2O, Li3N, Li2S,
  Li3P, ...): a passivating, ionically conducting interphase. A material that is itself such a
  Li-saturated insulator (a LiF or Li3N interlayer) is classed II as well, as the review does:
  it *is* the stable insulating interphase.
- III: a product conducts electrons (a metal, a Li alloy, a reduced transition-metal compound):
  a mixed-conducting interphase that keeps growing.

Where the energy of the material itself is in no source (multinary solid electrolytes such as
LLZO, LGPS in the bundled data), the type comes from a cited literature table, and the products
its elements would form at equilibrium with Li are shown beside it.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.thermo import sources as src
from lithiophile.thermo.reactions import ReactionResult, parse_material, react

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
        "Hartmann2013JPCC",
        "Hartmann, P.; Leichtweiss, T.; Busche, M. R.; Schneider, M.; Reich, M.; Sann, J.; "
        "Adelhelm, P.; Janek, J. Degradation of NASICON-type materials in contact with lithium "
        "metal: formation of mixed conducting interphases (MCI) on solid electrolytes. "
        "J. Phys. Chem. C 2013, 117, 21064-21074.",
        doi="10.1021/jp4051275",
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
    character: str  # "insulator" | "conductor" | "unknown"
    source: str


@dataclass(frozen=True)
class InterfaceResult:
    """Interface type of a material against Li metal.

    Attributes
    ----------
    material
        Formula.
    type
        ``"I"``, ``"II"`` or ``"III"``.
    basis
        ``"computed"`` (from the reaction and the electronic character of its products) or
        ``"literature"`` (the material's energy is in no source; the type is the cited one).
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
    """

    material: str
    type: str
    basis: str
    products: tuple[str, ...]
    characters: tuple[ProductCharacter, ...]
    reaction: ReactionResult
    reasons: tuple[str, ...]
    literature: dict[str, str] | None = None
    alloying_elements: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "material": self.material,
            "type": self.type,
            "basis": self.basis,
            "products": list(self.products),
            "characters": [c.__dict__ for c in self.characters],
            "reasons": list(self.reasons),
            "literature": self.literature,
            "alloying_elements": list(self.alloying_elements),
            "reaction": self.reaction.as_dict(),
        }


@functools.lru_cache(maxsize=1)
def _electronic_table() -> dict[str, tuple[str, str]]:
    with open(src.DATA / "electronic.csv", newline="") as fh:
        return {r["formula"]: (r["character"], r["source"]) for r in csv.DictReader(fh)}


@functools.lru_cache(maxsize=1)
def literature_table() -> dict[str, dict[str, str]]:
    """Cited interface types of the solid electrolytes the review names, by reduced formula."""
    from pymatgen.core import Composition

    with open(src.DATA / "interfaces_literature.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {Composition(r["formula"]).reduced_formula: r for r in rows}


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


def interface_type(material: Any, *, source: Any = "bundled", path: bool = True) -> InterfaceResult:
    """Classify the interface of ``material`` with Li metal as type I, II or III.

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
    cite.register("Wenzel2015SSI")
    lit = literature_table().get(comp.reduced_formula)
    products = rx.final_products
    chars = tuple(electronic_character(f) for f in products)
    reasons: list[str] = []
    energy_known = rx.full.per_formula_unit_eV is not None
    if energy_known and not rx.reacts:
        if _li_saturated_insulator(comp):
            kind, basis = "II", "computed"
            reasons.append(
                f"{comp.reduced_formula} is stable against Li and is itself a Li-saturated "
                "electronic insulator: it is the passivating, ionically conducting interphase "
                "of a type II interface (review Figure 4E: LiF, Li3N interlayers)."
            )
        else:
            kind, basis = "I", "computed"
            reasons.append(
                f"{comp.reduced_formula} does not react with Li in source '{rx.source}'."
            )
    elif energy_known:
        basis = "computed"
        conductors = [c.formula for c in chars if c.character == "conductor"]
        unknown = [c.formula for c in chars if c.character == "unknown"]
        if conductors:
            kind = "III"
            reasons.append(
                f"reacts with Li to {', '.join(products)}; electronic conductor(s) among the "
                f"products: {', '.join(conductors)}."
            )
        else:
            kind = "II"
            reasons.append(f"reacts with Li to {', '.join(products)}, all electronic insulators.")
            if unknown:
                reasons.append(
                    f"electronic character unknown for {', '.join(unknown)}: counted as insulating."
                )
    elif lit is not None:
        kind, basis = lit["type"], "literature"
        cite.register(lit["source"])
        reasons.append(
            f"{comp.reduced_formula} has no energy in source '{rx.source}'; literature "
            f"[{lit['source']}]: {lit['statement']} (products: {lit['products']})."
        )
        reasons.append(
            "products its elements form at equilibrium with Li in this source: "
            f"{', '.join(products)}."
        )
    else:
        conductors = [c.formula for c in chars if c.character == "conductor"]
        kind = "III" if conductors else "II"
        basis = "products only (material energy unknown)"
        reasons.append(
            f"{comp.reduced_formula} has no energy in source '{rx.source}' and no literature row: "
            f"if it is reduced by Li, its products would be {', '.join(products)} (type {kind}); "
            "whether it is reduced at all (type I) cannot be computed."
        )
    alloying = _unlithiated_alloying_elements(rx, products)
    if alloying and kind == "I":
        kind, basis = "III", "curated alloying table"
    for sym in alloying:
        row = src.alloying_table()[sym]
        reasons.append(
            f"{sym} ends as the element in source '{rx.source}', which holds no Li-{sym} "
            f"phase, but Li and {sym} form {row['with_li']} [{row['source']}]: {sym} alloys "
            "with Li (an electronic conductor)."
        )
    reasons.extend(n for n in rx.missing_phases if "has no Li-" in n and not _names(n, alloying))
    return InterfaceResult(
        material=comp.reduced_formula,
        type=kind,
        basis=basis,
        products=products,
        characters=chars,
        reaction=rx,
        reasons=tuple(reasons),
        literature=dict(lit) if lit else None,
        alloying_elements=alloying,
    )


def classify(materials: Iterable[Any], *, source: Any = "bundled") -> list[InterfaceResult]:
    """Interface types of many materials; phase diagrams are cached per chemical system."""
    es = src.resolve(source, {"Li"}) if isinstance(source, str) and source != "mp" else source
    return [interface_type(m, source=es, path=False) for m in materials]
