"""What an electrolyte named in words is: liquid or solid, which family, which formula.

The review sorts strategies by electrolyte class (liquid: Tables 1-2; solid: Table 3), and the
solid electrolytes by family (garnet, sulfide, halide, NASICON, perovskite, LiPON, polymer),
because the interface chemistry against Li follows the family (Wenzel et al. and Zhu, He & Mo:
garnets are stable against Li, NASICON/LGPS/LLTO are reduced to mixed conductors, sulfides and
halides to insulating products). :func:`classify_electrolyte` reads what a user types (``"LLZO"``,
``"Li6PS5Cl"``, ``"1 M LiPF6 in EC/DEC"``, ``"LiTFSI in DME/DOL"``) and says which it is, or
raises an :class:`~lithiophile.errors.InputError` that lists the spellings it knows.

References
----------
Li, C.-C. et al. Energy Mater. 2021, 1, 100017 (Tables 1-3 by electrolyte class).
Zhu, Y.; He, X.; Mo, Y. ACS Appl. Mater. Interfaces 2015, 7, 23685 (families against Li).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lithiophile.errors import InputError

__all__ = ["SOLID_ELECTROLYTES", "Electrolyte", "classify_electrolyte", "electrolyte_class"]


@dataclass(frozen=True)
class Electrolyte:
    """An electrolyte as understood: class, family, formula (solids) and the text typed."""

    text: str
    kind: str  # "liquid" | "solid"
    family: str  # "carbonate", "ether", "ionic liquid", "garnet", "sulfide", ...
    formula: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        """``"LLZO (garnet, solid)"``."""
        return f"{self.name or self.text} ({self.family}, {self.kind})"


#: Solid electrolytes by the names papers use -> (family, representative ordered formula).
SOLID_ELECTROLYTES: dict[str, tuple[str, str, str]] = {
    "llzo": ("garnet", "Li7La3Zr2O12", "LLZO"),
    "li7la3zr2o12": ("garnet", "Li7La3Zr2O12", "LLZO"),
    "llzto": ("garnet", "Li7La3Zr2O12", "LLZTO"),
    "llzt": ("garnet", "Li7La3Zr2O12", "LLZT"),
    "garnet": ("garnet", "Li7La3Zr2O12", "garnet"),
    "li6ps5cl": ("sulfide", "Li6PS5Cl", "Li6PS5Cl"),
    "argyrodite": ("sulfide", "Li6PS5Cl", "argyrodite"),
    "lpscl": ("sulfide", "Li6PS5Cl", "Li6PS5Cl"),
    "li3ps4": ("sulfide", "Li3PS4", "Li3PS4"),
    "lps": ("sulfide", "Li3PS4", "Li3PS4"),
    "li7p3s11": ("sulfide", "Li7P3S11", "Li7P3S11"),
    "lgps": ("sulfide", "Li10GeP2S12", "LGPS"),
    "li10gep2s12": ("sulfide", "Li10GeP2S12", "LGPS"),
    "latp": ("NASICON", "Li1.3Al0.3Ti1.7(PO4)3", "LATP"),
    "lagp": ("NASICON", "Li1.5Al0.5Ge1.5(PO4)3", "LAGP"),
    "llto": ("perovskite", "Li0.33La0.56TiO3", "LLTO"),
    "lipon": ("LiPON", "Li3PO4", "LiPON"),
    "li3ycl6": ("halide", "Li3YCl6", "Li3YCl6"),
    "li3incl6": ("halide", "Li3InCl6", "Li3InCl6"),
    "peo": ("polymer", "", "PEO"),
    "polymer": ("polymer", "", "polymer"),
}

_LIQUID_FAMILIES = (
    ("ionic liquid", r"\b(py13|pyr13|pyr14|bmp|emim|ionic liquid|\bil\b)"),
    ("fluorinated", r"\b(fec|hfe|fluorinated|fdec|fema)\b"),
    ("carbonate", r"\b(ec|dec|dmc|emc|pc|carbonate|lipf6)\b"),
    ("ether", r"\b(dme|dol|ether|diglyme|tegdme|glyme|dioxolane)\b"),
    ("nitrile", r"\b(acetonitrile|an)\b"),
)


def _key(text: str) -> str:
    return re.sub(r"[\s\-_]", "", text).lower()


def classify_electrolyte(text: str, *, option: str = "--electrolyte") -> Electrolyte:
    """The electrolyte ``text`` names (liquid or solid, family, formula).

    Examples
    --------
    >>> classify_electrolyte("LLZO").family
    'garnet'
    >>> e = classify_electrolyte("1 M LiPF6 in EC/DEC")
    >>> e.kind, e.family
    ('liquid', 'carbonate')
    """
    raw = str(text).strip()
    if not raw:
        raise InputError(f"The '{option}' option must name an electrolyte, such as 'LLZO'. Got ''.")
    key = _key(raw)
    if key in SOLID_ELECTROLYTES:
        family, formula, label = SOLID_ELECTROLYTES[key]
        return Electrolyte(raw, "solid", family, formula or None, label)
    if "llz" in key or "garnet" in key:  # Ta-, Al-, Ga-doped LLZO
        return Electrolyte(raw, "solid", "garnet", "Li7La3Zr2O12", raw)
    low = raw.lower()
    if low in ("liquid", "solid"):
        return Electrolyte(raw, low, "unspecified")
    for family, pattern in _LIQUID_FAMILIES:
        if re.search(pattern, low):
            return Electrolyte(raw, "liquid", family)
    if re.search(r"\b(lipf6|litfsi|lifsi|libf4|liclo4|libob|lidfob|lino3)\b", low):
        return Electrolyte(raw, "liquid", "unspecified solvent")
    known = ", ".join(sorted({v[2] for v in SOLID_ELECTROLYTES.values()}))
    raise InputError(
        f"The '{option}' option names an electrolyte this toolkit does not know: {raw!r}. "
        f"Give a solid electrolyte ({known}) or a liquid by its salt and solvents, such as "
        "'1 M LiPF6 in EC/DEC' or 'LiTFSI in DME/DOL'."
    )


def electrolyte_class(text: str | None) -> str | None:
    """``"liquid"``, ``"solid"`` or None (unstated or not recognised) for a stated electrolyte."""
    if not text:
        return None
    try:
        return classify_electrolyte(text).kind
    except InputError:
        return None
