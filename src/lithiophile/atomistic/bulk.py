"""Bulk reference crystals from their published prototypes and lattice parameters.

Units: Angstrom. Each entry names its source; the models relax them (:func:`relax_bulk`).

References
----------
Kittel, C. Introduction to Solid State Physics, 8th ed.; Wiley, 2005; ch. 1, Table 3 (lattice
constants of the elements at room temperature; Li, Na at 78 K).
Kisi, E. H.; Elcombe, M. M. u parameters for the wurtzite structure of ZnS and ZnO using powder
neutron diffraction. Acta Cryst. C 1989, 45, 1867. doi:10.1107/S0108270189004269
Lewis, J.; Schwarzenbach, D.; Flack, H. D. Electric field gradients and charge density in
corundum, alpha-Al2O3. Acta Cryst. A 1982, 38, 733. doi:10.1107/S0567739482001478
Farley, T. W. D.; Hayes, W.; Hull, S.; Hutchings, M. T.; Vrtis, M. Investigation of thermally
induced Li+ ion disorder in Li2O using neutron diffraction. J. Phys.: Condens. Matter 1991, 3,
4761. doi:10.1088/0953-8984/3/26/001
Trucano, P.; Chen, R. Structure of graphite by neutron diffraction. Nature 1975, 258, 136.
doi:10.1038/258136a0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["ELEMENTS", "PROTOTYPES", "bulk", "li_bcc"]


@dataclass(frozen=True)
class ElementCrystal:
    """An element's room-temperature crystal: structure, a and c [A], and the source key."""

    symbol: str
    structure: str  # "fcc" | "bcc" | "hcp"
    a: float
    c: float | None = None
    source: str = "Kittel2005"


#: Elemental crystals (Kittel 2005, ch. 1 Table 3; Li and Na at 78 K).
ELEMENTS: dict[str, ElementCrystal] = {
    e.symbol: e
    for e in [
        ElementCrystal("Li", "bcc", 3.491),
        ElementCrystal("Na", "bcc", 4.225),
        ElementCrystal("Fe", "bcc", 2.87),
        ElementCrystal("Mo", "bcc", 3.15),
        ElementCrystal("W", "bcc", 3.16),
        ElementCrystal("Cu", "fcc", 3.61),
        ElementCrystal("Ag", "fcc", 4.09),
        ElementCrystal("Au", "fcc", 4.08),
        ElementCrystal("Al", "fcc", 4.05),
        ElementCrystal("Ni", "fcc", 3.52),
        ElementCrystal("Pd", "fcc", 3.89),
        ElementCrystal("Pt", "fcc", 3.92),
        ElementCrystal("Zn", "hcp", 2.66, 4.95),
        ElementCrystal("Mg", "hcp", 3.21, 5.21),
        ElementCrystal("Ti", "hcp", 2.95, 4.68),
    ]
}


def _wurtzite_zno() -> Any:
    # Kisi & Elcombe 1989: a = 3.2498 A, c = 5.2066 A, u = 0.3819 (P6_3mc)
    from pymatgen.core import Lattice, Structure

    u = 0.3819
    lat = Lattice.hexagonal(3.2498, 5.2066)
    return Structure.from_spacegroup(
        "P6_3mc", lat, ["Zn", "O"], [[1 / 3, 2 / 3, 0.0], [1 / 3, 2 / 3, u]]
    )


def _antifluorite_li2o() -> Any:
    # Farley et al. 1991: Fm-3m, a = 4.6114 A at 293 K; O at 4a, Li at 8c
    from pymatgen.core import Lattice, Structure

    return Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.6114), ["O", "Li"], [[0, 0, 0], [0.25, 0.25, 0.25]]
    )


def _corundum_al2o3() -> Any:
    # Lewis et al. 1982: R-3c (hexagonal axes) a = 4.7602 A, c = 12.9933 A, Al 12c z = 0.35216,
    # O 18e x = 0.30624
    from pymatgen.core import Lattice, Structure

    s = Structure.from_spacegroup(
        "R-3c",
        Lattice.hexagonal(4.7602, 12.9933),
        ["Al", "O"],
        [[0, 0, 0.35216], [0.30624, 0, 0.25]],
    )
    return s.get_primitive_structure()


def _graphite() -> Any:
    # Trucano & Chen 1975: AB (Bernal) graphite, P6_3/mmc, a = 2.464 A, c = 6.711 A
    from pymatgen.core import Lattice, Structure

    return Structure.from_spacegroup(
        "P6_3/mmc",
        Lattice.hexagonal(2.464, 6.711),
        ["C", "C"],
        [[0, 0, 0.25], [1 / 3, 2 / 3, 0.25]],
    )


#: Compound prototypes: name -> (builder, citation key).
PROTOTYPES = {
    "ZnO": (_wurtzite_zno, "Kisi1989"),
    "Li2O": (_antifluorite_li2o, "Farley1991"),
    "Al2O3": (_corundum_al2o3, "Lewis1982"),
    "C": (_graphite, "Trucano1975"),
}


def bulk(name: str) -> Any:
    """The bulk crystal of an element in :data:`ELEMENTS` or a compound in :data:`PROTOTYPES`.

    Parameters
    ----------
    name
        ``"Li"``, ``"Cu"``, ``"Zn"`` ... or ``"ZnO"``, ``"Li2O"``, ``"Al2O3"``, ``"C"``
        (graphite).

    Returns
    -------
    ase.Atoms
        The primitive cell at the published lattice parameters [A].
    """
    from ase.build import bulk as ase_bulk
    from pymatgen.io.ase import AseAtomsAdaptor

    if name in PROTOTYPES:
        builder, key = PROTOTYPES[name]
        cite.register(key)
        return AseAtomsAdaptor.get_atoms(builder())
    if name in ELEMENTS:
        e = ELEMENTS[name]
        cite.register(e.source)
        if e.structure == "hcp":
            return ase_bulk(name, "hcp", a=e.a, c=e.c)
        return ase_bulk(name, e.structure, a=e.a)
    raise InputError(
        f"No bulk prototype for {name!r}: choose one of {sorted(ELEMENTS) + sorted(PROTOTYPES)}, "
        "or pass your own structure file (CIF/POSCAR/extxyz)."
    )


def li_bcc() -> Any:
    """bcc Li (Kittel 2005, a = 3.491 A at 78 K), the reference of Li's chemical potential."""
    return bulk("Li")
