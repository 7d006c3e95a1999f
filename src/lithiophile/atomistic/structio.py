"""Structures in and out (CIF, POSCAR, extxyz) and the sanity checks every input passes.

Units: Angstrom.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lithiophile.errors import FileFormatError, InputError

__all__ = ["atoms_to_text", "check_structure", "read_structure", "text_to_atoms", "write_structure"]

#: Two atoms closer than this are taken as overlapping [A] (the shortest bond, H2, is 0.74 A).
MIN_DISTANCE_A = 0.6

_FORMATS = {
    ".cif": "cif",
    ".vasp": "vasp",
    ".poscar": "vasp",
    ".xyz": "extxyz",
    ".extxyz": "extxyz",
}


def _format_of(path: Path) -> str:
    name = path.name.upper()
    if name.startswith(("POSCAR", "CONTCAR")):
        return "vasp"
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"The structure file '{path}' has the extension {path.suffix!r}; use .cif, .vasp, "
            "POSCAR/CONTCAR or .extxyz/.xyz."
        )
    return fmt


def read_structure(path: str | Path) -> Any:
    """Read a CIF, POSCAR or extxyz file as ``ase.Atoms`` (checked with :func:`check_structure`)."""
    import ase.io

    path = Path(path)
    fmt = _format_of(path)
    if not path.is_file():
        raise InputError(f"The structure file '{path}' does not exist.")
    try:
        atoms = ase.io.read(path, format=fmt)
    except Exception as exc:  # ase raises many kinds
        raise FileFormatError(path, fmt, f"{type(exc).__name__}: {exc}") from None
    if len(atoms) == 0:
        raise FileFormatError(path, fmt, "no atoms in the file")
    check_structure(atoms, name=f"'{path}'")
    return atoms


def write_structure(atoms: Any, path: str | Path) -> Path:
    """Write ``atoms`` as CIF, POSCAR (.vasp) or extxyz, chosen by the extension."""
    import ase.io

    path = Path(path)
    fmt = _format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = atoms.copy()
    clean.calc = None
    ase.io.write(path, clean, format=fmt)
    return path


def atoms_to_text(atoms: Any) -> str:
    """``atoms`` as extxyz text (positions, cell, constraints, info) for records and hashing."""
    import io

    import ase.io

    clean = atoms.copy()
    clean.calc = None
    buf = io.StringIO()
    ase.io.write(buf, clean, format="extxyz")
    return buf.getvalue()


def text_to_atoms(text: str) -> Any:
    """The inverse of :func:`atoms_to_text`."""
    import io

    import ase.io

    return ase.io.read(io.StringIO(text), format="extxyz")


def check_structure(
    atoms: Any, *, name: str = "the structure", min_distance: float = MIN_DISTANCE_A
) -> None:
    """Raise :class:`InputError` for no atoms, or atoms closer than ``min_distance`` [A]."""
    import numpy as np

    if len(atoms) == 0:
        raise InputError(f"{name} has no atoms.")
    if len(atoms) < 2:
        return
    from ase.neighborlist import neighbor_list

    i, j, d = neighbor_list("ijd", atoms, min_distance)
    if len(d):
        k = int(np.argmin(d))
        a, b = int(i[k]), int(j[k])
        raise InputError(
            f"{name} has overlapping atoms: {atoms[a].symbol}{a} and {atoms[b].symbol}{b} are "
            f"{d[k]:.2f} A apart (less than {min_distance} A); check the coordinates and the cell."
        )
