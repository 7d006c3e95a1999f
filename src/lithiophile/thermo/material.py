"""The material of a reaction: parsed from what the user typed (a formula, a pymatgen
Composition or Structure), checked for charge balance, and its energy in a source (its own
entry, or its end members for a doped phase such as LATP), with the notes that say which.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from lithiophile.errors import InputError
from lithiophile.thermo import sources as src

__all__ = [
    "APPROXIMANTS",
    "approximant",
    "check_charge_balance",
    "check_coverage",
    "material_energy",
    "material_uncertainty",
    "missing_phase_notes",
    "own_energy",
    "parse_material",
]

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


def own_energy(
    es: src.EnergySet, comp: Any, material: Any, check_charge: bool
) -> tuple[float | None, str, tuple[Any, ...], list[str]]:
    """The material's energy, its origin, its parts (mixture or approximant) and the notes."""
    parts = _parts(material)
    e_mat, origin = material_energy(es, comp, parts)
    notes = list(missing_phase_notes(es, comp))
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


def missing_phase_notes(es: src.EnergySet, comp: Any) -> list[str]:
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
