"""Reactions of materials with Li metal, interface types and the elemental lithiophilicity map.

Units: eV, eV/atom, eV per formula unit, V vs Li/Li+ (as pymatgen). Energies come from one
source per call: ``"bundled"`` (experimental formation enthalpies shipped with pymatgen, a
curated, cited table of Li intermetallics, and formation energies computed offline with CHGNet
and SevenNet for the phases no experiment covers; offline), ``"computed-chgnet"`` /
``"computed-sevennet"`` (one model alone), ``"crc-gibbs"``, ``"mp"`` (Materials Project via
mp-api, cached in the store by chemical system), a JSON file of pymatgen entries, or a list of
entries. pymatgen is imported only when a function runs.

The entry point is :func:`assess` (one formula -> :class:`Assessment`, a list ->
:class:`Assessments`): reaction, interface type, alloying, contact angle, verdict, Metric
records and citations.

Examples
--------
>>> from lithiophile.thermo import react, interface_type
>>> react("ZnO").equation
'2 Li + ZnO -> Li2O + Zn'
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "Assessment",
    "Assessments",
    "InterfaceResult",
    "ReactionResult",
    "Wetting",
    "assess",
    "classify",
    "element_map",
    "interface_type",
    "nucleation_barrier",
    "react",
]

_LAZY = {
    "react": "lithiophile.thermo.reactions",
    "ReactionResult": "lithiophile.thermo.reactions",
    "parse_material": "lithiophile.thermo.reactions",
    "interface_type": "lithiophile.thermo.interface",
    "classify": "lithiophile.thermo.interface",
    "InterfaceResult": "lithiophile.thermo.interface",
    "electronic_character": "lithiophile.thermo.interface",
    "element_map": "lithiophile.thermo.elements",
    "assess": "lithiophile.thermo.assessment",
    "Assessment": "lithiophile.thermo.assessment",
    "Assessments": "lithiophile.thermo.assessment",
    "Wetting": "lithiophile.thermo.assessment",
    "nucleation_barrier": "lithiophile.thermo.nucleation",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lithiophile.thermo' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
