"""Graphene and graphite hosts with dopant motifs.

The motif sits at the atom nearest the middle of the sheet; ``atoms.info["defect_center"]``
holds its position [A] (used for the "vacancy" starting site of Li) and ``atoms.info["motif"]``
its name. Structures are built unrelaxed from ideal graphene (a = 2.46 A, Trucano & Chen 1975);
relax the host with the same model before computing energies (:func:`li_binding` does).

Motifs (the names used across the literature on doped-carbon Li hosts):

- ``pristine``
- ``graphitic-N`` (alias ``N``), ``B``, ``P``, ``S``: one C replaced (graphitic/substitutional)
- ``monovacancy``, ``divacancy``
- ``pyridinic-N1`` (N1V): a monovacancy with one of its three C neighbours replaced by N
- ``pyridinic-N3`` (N3V): a monovacancy with all three neighbours replaced by N
- ``pyrrolic-N``: a divacancy with one of its four undercoordinated C replaced by N; relaxed,
  the divacancy closes into 5-8-5 rings and N sits in a pentagon (H-free pyrrolic model)
- ``O``: an epoxide O over a C-C bond (C-O 1.46 A); ``F``: an F adatom atop a C (C-F 1.45 A)

Units: Angstrom.
"""

from __future__ import annotations

from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["DOPANTS", "graphene", "graphite", "parse_size"]

GRAPHENE_A = 2.464  # [A], in-plane lattice constant of graphite (Trucano & Chen 1975)
CC_BOND = GRAPHENE_A / 3**0.5

DOPANTS = (
    "pristine",
    "graphitic-N",
    "B",
    "P",
    "S",
    "monovacancy",
    "divacancy",
    "pyridinic-N1",
    "pyridinic-N3",
    "pyrrolic-N",
    "O",
    "F",
)
_ALIASES = {
    "n": "graphitic-N",
    "graphitic-n": "graphitic-N",
    "pyridinic-n3v": "pyridinic-N3",
    "n3v": "pyridinic-N3",
    "pyridinic-n1v": "pyridinic-N1",
    "n1v": "pyridinic-N1",
    "pyridinic-n": "pyridinic-N1",
    "vacancy": "monovacancy",
    "mv": "monovacancy",
    "dv": "divacancy",
    "none": "pristine",
    "": "pristine",
}


def parse_size(size: str | tuple[int, int]) -> tuple[int, int]:
    """``"5x5"`` or ``(5, 5)`` -> ``(5, 5)`` (supercell repeats in a and b)."""
    if isinstance(size, str):
        parts = size.lower().replace(" ", "").split("x")
        try:
            n, m = (int(p) for p in parts)
        except ValueError:
            raise InputError(f"The 'size' must look like '4x4'. Got {size!r}.") from None
    else:
        n, m = (int(x) for x in size)
    if n < 2 or m < 2:
        raise InputError(
            f"The 'size' must be at least 2x2 so the Li images do not touch. Got {size!r}."
        )
    return n, m


def _motif(dopant: str | None) -> str:
    name = (dopant or "pristine").strip()
    for d in DOPANTS:
        if name.lower() == d.lower():
            return d
    if name.lower() in _ALIASES:
        return _ALIASES[name.lower()]
    raise InputError(f"Unknown 'dopant' {dopant!r}: choose one of {', '.join(DOPANTS)}.")


def graphene(
    size: str | tuple[int, int] = (4, 4), dopant: str | None = None, *, vacuum: float = 15.0
) -> Any:
    """A graphene supercell with a dopant motif at its middle.

    Parameters
    ----------
    size
        Supercell repeats, ``"4x4"`` or ``(4, 4)`` (a 4x4 cell holds 32 C).
    dopant
        A motif from :data:`DOPANTS` (or an alias: ``"N3V"``, ``"pyridinic-N3V"`` ...).
    vacuum
        Cell height normal to the sheet [A].

    Returns
    -------
    ase.Atoms
        Periodic in all three directions, the sheet at mid-height.
    """
    import numpy as np
    from ase import Atom
    from ase.build import graphene as ase_graphene

    n, m = parse_size(size)
    motif = _motif(dopant)
    if vacuum < 10:
        raise InputError(
            f"The 'vacuum' must be at least 10 A so the sheets do not interact. Got {vacuum!r}."
        )
    cite.register("Trucano1975")
    atoms = ase_graphene("C2", a=GRAPHENE_A, size=(n, m, 1), vacuum=vacuum / 2)
    atoms.pbc = True
    cell = atoms.cell.array
    middle = (cell[0] + cell[1]) / 2 + np.array([0, 0, atoms.positions[0, 2]])
    centre = int(np.argmin(np.linalg.norm(atoms.positions - middle, axis=1)))
    dist = atoms.get_distances(centre, range(len(atoms)), mic=True)
    neighbours = [int(i) for i in np.argsort(dist)[1:4]]
    pos = atoms.positions[centre].copy()
    remove: list[int] = []
    if motif in ("graphitic-N", "B", "P", "S"):
        atoms[centre].symbol = "N" if motif == "graphitic-N" else motif
    elif motif in ("monovacancy", "pyridinic-N1", "pyridinic-N3"):
        remove = [centre]
        for k in neighbours[: {"monovacancy": 0, "pyridinic-N1": 1, "pyridinic-N3": 3}[motif]]:
            atoms[k].symbol = "N"
    elif motif in ("divacancy", "pyrrolic-N"):
        partner = neighbours[0]
        remove = [centre, partner]
        pos = (
            atoms.positions[centre] + atoms.get_distance(centre, partner, mic=True, vector=True) / 2
        )
        if motif == "pyrrolic-N":
            atoms[neighbours[1]].symbol = "N"
    elif motif == "O":
        bond = atoms.get_distance(centre, neighbours[0], mic=True, vector=True)
        pos = atoms.positions[centre] + bond / 2
        height = (1.46**2 - (CC_BOND / 2) ** 2) ** 0.5
        atoms.append(Atom("O", pos + np.array([0.0, 0.0, height])))
    elif motif == "F":
        atoms.append(Atom("F", pos + np.array([0.0, 0.0, 1.45])))
    for k in sorted(remove, reverse=True):
        del atoms[k]
    atoms.info["motif"] = motif
    atoms.info["defect_center"] = [float(x) for x in pos]
    atoms.info["host_family"] = "carbon"
    atoms.info["vacancy"] = bool(remove)
    return atoms


def graphite(size: tuple[int, int, int] = (1, 1, 1)) -> Any:
    """AB (Bernal) graphite, a = 2.464 A, c = 6.711 A (Trucano & Chen 1975)."""
    from lithiophile.atomistic.bulk import bulk

    atoms = bulk("C").repeat(size)
    atoms.info["host_family"] = "carbon"
    return atoms
