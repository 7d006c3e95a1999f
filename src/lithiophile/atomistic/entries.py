"""Computed energies as pymatgen ``ComputedEntry`` objects, for the thermo package.

``lithiophile.thermo`` takes energies from experiment, user entries, MP or this module through
the same interface: a list of entries. Each entry's ``data`` says which model made it and how
its energies are referenced (CHGNet 0.3.0 energies already include the MP2020 corrections;
SevenNet-0's do not).

Units: eV (total energy of the entry), eV/atom.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["MOLECULES", "computed_entries"]

#: Gas-phase elements given as molecules: relaxed alone in a cubic box of this edge [A], the
#: cell kept fixed (their element reference for a phase diagram).
MOLECULES = ("H2", "N2", "O2", "F2", "Cl2")
MOLECULE_BOX_A = 12.0


def _molecule(name: str) -> Any:
    from ase.build import molecule

    atoms = molecule(name)
    atoms.set_cell([MOLECULE_BOX_A] * 3)
    atoms.center()
    atoms.pbc = True
    return atoms


def computed_entries(
    structures: Iterable[Any],
    model: Any = "chgnet",
    *,
    relax: bool = True,
    fmax: float = 0.02,
    steps: int = 300,
) -> list[Any]:
    """Relax each bulk structure (positions and cell) with ``model``; return ComputedEntries.

    Parameters
    ----------
    structures
        ``ase.Atoms`` or ``pymatgen.Structure`` objects, names understood by
        :func:`~lithiophile.atomistic.bulk` ("Li", "ZnO", "Al2O3" ...), or a molecule of
        :data:`MOLECULES` ("O2": relaxed in a fixed 12 A box, an element reference only).
    model
        ``"chgnet"`` (default), ``"sevennet"`` or an ASE calculator that gives stress.
    relax
        Relax cell and positions first (else single points at the given geometry).
    fmax, steps
        Relaxation threshold [eV/A] and step limit.

    Returns
    -------
    list of pymatgen.entries.computed_entries.ComputedEntry
        ``entry.data`` holds ``model``, ``energy_note`` (corrections included or not),
        ``converged`` and the relaxed structure as a dict.

    Raises
    ------
    CalculationFailed
        A relaxation did not converge within ``steps``.
    """
    from pymatgen.entries.computed_entries import ComputedEntry
    from pymatgen.io.ase import AseAtomsAdaptor

    from lithiophile.atomistic.models import MODELS, model_label

    label = model_label(model)
    note = (
        MODELS[label].energy_note
        if label in MODELS
        else ("energies from a user-supplied ASE calculator; corrections unknown")
    )
    out = []
    for item in structures:
        is_molecule = isinstance(item, str) and item in MOLECULES
        final, energy = _relaxed(
            _as_atoms(item, is_molecule), model, relax, is_molecule, fmax, steps
        )
        structure = AseAtomsAdaptor.get_structure(final)
        out.append(
            ComputedEntry(
                structure.composition,
                energy,
                parameters={"model": label},
                data={
                    "model": label,
                    "energy_note": note,
                    "relaxed": relax,
                    "geometry": f"molecule in a {MOLECULE_BOX_A} A box" if is_molecule else "bulk",
                    "structure": structure.as_dict(),
                },
                entry_id=f"lithiophile-{label}-{structure.composition.reduced_formula}",
            )
        )
    return out


def _as_atoms(item: Any, is_molecule: bool) -> Any:
    """ASE atoms of a name, a molecule name, a pymatgen Structure or atoms (copied)."""
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    from lithiophile.atomistic.bulk import bulk

    if is_molecule:
        return _molecule(item)
    if isinstance(item, str):
        return bulk(item)
    if isinstance(item, Structure):
        return AseAtomsAdaptor.get_atoms(item)
    return item.copy()


def _relaxed(
    atoms: Any, model: Any, relax: bool, is_molecule: bool, fmax: float, steps: int
) -> tuple[Any, float]:
    """The final geometry and its energy [eV]: a relaxed molecule (positions) or bulk (cell and
    positions), or a single point."""
    from lithiophile.atomistic.models import check_elements, get_calculator
    from lithiophile.atomistic.relax import relax as relax_positions
    from lithiophile.atomistic.relax import relax_bulk
    from lithiophile.atomistic.structio import check_structure

    formula = atoms.get_chemical_formula()
    check_structure(atoms, name=f"the structure {formula}")
    check_elements(atoms, model)
    calc = get_calculator(model, stress=True)
    if relax and is_molecule:
        res = relax_positions(atoms, calc, fmax=fmax, steps=steps)
        res.require(f"the molecule {formula}")
        return res.atoms, res.energy_eV
    if relax:
        res = relax_bulk(atoms, calc, fmax=fmax, steps=steps).require(f"bulk {formula}")
        return res.atoms, res.energy_eV
    atoms.calc = calc
    energy = float(atoms.get_potential_energy())
    final = atoms.copy()
    final.calc = None
    return final, energy
